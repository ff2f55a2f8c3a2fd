"""Tournaments on hand-checkable line-ups: ranking, wins, payoff matrix, self-play, validation."""

from __future__ import annotations

import json

import numpy as np
import pytest

from trustlab import InvalidParameter, UnknownName, donation, play_match, play_tournament

TRIO = ["tit-for-tat", "always-defect", "always-cooperate"]
# turns=10 in the prisoner's dilemma (3, 0, 5, 1), totals (first, second):
#   TFT v TFT 30, 30 · TFT v AllD 9, 14 · TFT v AllC 30, 30
#   AllD v AllD 10, 10 · AllD v AllC 50, 0 · AllC v AllC 30, 30


def test_self_play_counts_both_seats() -> None:
    t = play_tournament(TRIO, turns=10, seed=0)
    assert t.pairs.tolist() == [[0, 0], [0, 1], [0, 2], [1, 1], [1, 2], [2, 2]]
    # TFT: 30 + 30 (both seats of self-play) + 9 + 30 over 40 turns
    np.testing.assert_allclose(t.score_per_turn, [99 / 40, 84 / 40, 90 / 40])
    np.testing.assert_allclose(t.turns_played, [40, 40, 40])
    assert t.ranking() == [0, 2, 1]
    # cooperation: TFT cooperates in 10 + 10 (self) + 1 + 10 of its 40 turns
    np.testing.assert_allclose(t.cooperation_rate, [31 / 40, 0.0, 1.0])


def test_without_self_play() -> None:
    t = play_tournament(TRIO, turns=10, seed=0, self_play=False)
    assert t.pairs.tolist() == [[0, 1], [0, 2], [1, 2]]
    # TFT 9 + 30, AllD 14 + 50, AllC 30 + 0, each over 20 turns: always-defect now wins
    np.testing.assert_allclose(t.score_per_turn, [39 / 20, 64 / 20, 30 / 20])
    assert t.ranking() == [1, 0, 2]


def test_wins_count_repetitions_won_outright_and_never_self_play() -> None:
    t = play_tournament(TRIO, turns=10, repetitions=3, seed=0)
    # AllD beats TFT (14 v 9) and AllC (50 v 0) in each of 3 repetitions; ties count for no one
    assert t.wins.tolist() == [0, 6, 0]
    t = play_tournament(["always-defect", "always-cooperate"], turns=5, repetitions=2, seed=0)
    assert t.wins.tolist() == [2, 0]


def test_payoff_matrix_is_per_turn_payoff_of_row_against_column() -> None:
    t = play_tournament(TRIO, turns=10, seed=0)
    expected = np.array([[3.0, 0.9, 3.0], [1.4, 1.0, 5.0], [3.0, 0.0, 3.0]])
    np.testing.assert_allclose(t.payoff_matrix, expected)
    t = play_tournament(TRIO, turns=10, seed=0, self_play=False)
    assert np.isnan(np.diag(t.payoff_matrix)).all()
    np.testing.assert_allclose(t.payoff_matrix[1, 2], 5.0)


def test_ties_rank_by_name() -> None:
    t = play_tournament(["tit-for-tat", "always-cooperate", "grudger"], turns=10, seed=0)
    # nice characters only: everyone cooperates throughout and scores R = 3
    np.testing.assert_allclose(t.score_per_turn, 3.0)
    assert [t.names[i] for i in t.ranking()] == ["always-cooperate", "grudger", "tit-for-tat"]


def test_pairs_are_the_matches_play_match_would_play_with_the_same_game() -> None:
    g = donation(4, 1)
    t = play_tournament(
        ["win-stay-lose-shift", "always-defect"], game=g, turns=7, seed=0, keep_repetitions=True
    )
    for (i, j), tot in zip(t.pairs.tolist(), t.totals[:, 0], strict=True):
        r = play_match(t.names[i], t.names[j], game=g, turns=7, seed=0)
        np.testing.assert_allclose(tot, r.totals[0])  # deterministic: the keys do not matter


def test_continuation_tournament_records_turns_per_repetition() -> None:
    t = play_tournament(TRIO, continuation=0.9, repetitions=5, seed=3, keep_repetitions=True)
    assert t.turns.shape == (6, 5) and t.turns.min() >= 1
    assert len(np.unique(t.turns)) > 1
    # always-cooperate v always-cooperate earns R every turn, whatever the length
    np.testing.assert_allclose(t.totals[5, :, 0], 3 * t.turns[5])


def test_to_dict_keeps_the_cli_contract() -> None:
    d = play_tournament(TRIO, turns=10, repetitions=2, seed=0).to_dict()
    assert [e["name"] for e in d["ranking"]] == ["tit-for-tat", "always-cooperate", "always-defect"]
    first = d["ranking"][0]
    assert set(first) >= {"name", "score_per_turn", "cooperation_rate", "wins"}
    assert first["score_per_turn"] == pytest.approx(99 / 40) and first["wins"] == 0
    assert [e["rank"] for e in d["ranking"]] == [1, 2, 3]
    pairs = {(p["a"], p["b"]): p["scores"] for p in d["pairs"]}
    assert len(pairs) == 6  # each unordered pair once, self-play included
    assert pairs[("tit-for-tat", "always-defect")] == [9.0, 14.0]
    assert pairs[("always-defect", "always-defect")] == [10.0, 10.0]
    assert d["seed"] == 0 and d["self_play"] is True and d["repetitions"] == 2
    assert d["payoff_matrix"]["names"] == TRIO
    assert json.loads(json.dumps(d)) == d
    d = play_tournament(TRIO, turns=10, seed=0, self_play=False).to_dict()
    assert d["payoff_matrix"]["values"][0][0] is None  # nan becomes null in JSON
    assert len(d["pairs"]) == 3


@pytest.mark.parametrize(
    ("line_up", "kwargs", "says"),
    [
        (["tit-for-tat"], {}, "at least 2 characters, got 1"),
        ([], {}, "at least 2 characters, got 0"),
        (["tit-for-tat", "copycat"], {}, "repeated: tit-for-tat"),
        (["tft", "grim", "tit_for_tat"], {}, "repeated: tit-for-tat"),
        (TRIO, {"noise": 1.1}, "noise must be a probability"),
        (TRIO, {"misread": -1}, "misread must be a probability"),
        (TRIO, {"repetitions": 0}, "repetitions must be a positive integer"),
        (TRIO, {"turns": 0}, "turns must be a positive integer"),
        (TRIO, {"continuation": 1}, "continuation must be a probability in [0, 1)"),
        (TRIO, {"seed": -1}, "seed must be"),
    ],
)
def test_play_tournament_rejects_bad_input(line_up: list, kwargs: dict, says: str) -> None:
    with pytest.raises(InvalidParameter) as info:
        play_tournament(line_up, **kwargs)
    assert says in str(info.value) and "\n" not in str(info.value)


def test_numpy_repetitions_are_accepted() -> None:
    t = play_tournament(TRIO, turns=3, repetitions=np.int64(2), seed=0, keep_repetitions=True)
    assert t.repetitions == 2 and t.totals.shape == (6, 2, 2)


def test_unknown_names_in_a_tournament_suggest_the_closest() -> None:
    with pytest.raises(UnknownName, match="grudger"):
        play_tournament(["tit-for-tat", "grudgr"])


def test_progress_reports_turns_up_to_the_total() -> None:
    seen: list[tuple[int, int]] = []
    play_tournament(
        TRIO, turns=10, repetitions=2, seed=0, progress=lambda d, t: seen.append((d, t))
    )
    assert seen[-1] == (120, 120)
