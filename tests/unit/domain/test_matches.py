"""Matches: hand-checkable outcomes, the default game, validation and the JSON record."""

from __future__ import annotations

import json

import numpy as np
import pytest

from trustlab import (
    Character,
    CompileError,
    InvalidParameter,
    MatchResult,
    TrustlabError,
    UnknownName,
    compile_rule,
    donation,
    get_character,
    matrix_game,
    play_match,
    prisoners_dilemma,
    vulnerability_exchange,
)
from trustlab.domain.provenance import version

# --- outcomes you can check by hand ------------------------------------------------------------


def test_tit_for_tat_against_always_defect() -> None:
    r = play_match("tit-for-tat", "always-defect", turns=10, seed=1)
    # S once, then P nine times; T once, then P nine times
    assert r.scores.tolist() == [9.0, 14.0]
    assert r.scores_per_turn.tolist() == [0.9, 1.4]
    assert r.cooperation_rates.tolist() == [0.1, 0.0]
    assert r.joint[0].tolist() == [[0, 1], [0, 9]]
    assert r.players == ("tit-for-tat", "always-defect")


def test_alternator_against_tit_for_tat_follows_one_step_behind() -> None:
    r = play_match("alternator", "tit-for-tat", turns=6, seed=0, history=True)
    assert r.history is not None
    executed = r.history[0, :, :, 1]
    assert executed[:, 0].tolist() == [0, 1, 0, 1, 0, 1]
    assert executed[:, 1].tolist() == [0, 0, 1, 0, 1, 0]


def test_scores_use_the_game_given() -> None:
    r = play_match("always-cooperate", "always-defect", game=donation(4, 1), turns=5, seed=0)
    assert r.scores.tolist() == [-5.0, 20.0]  # S = −c, T = b
    r = play_match("always-defect", "always-defect", game=matrix_game([3, 0, 5, 2]), turns=4)
    assert r.scores.tolist() == [8.0, 8.0]


def test_repetitions_average_totals_and_pool_turns() -> None:
    r = play_match("random", "always-cooperate", turns=50, repetitions=8, seed=3)
    assert r.totals.shape == (8, 2) and r.joint.shape == (8, 2, 2) and r.turns.tolist() == [50] * 8
    np.testing.assert_allclose(r.scores, r.totals.mean(axis=0))
    np.testing.assert_allclose(r.scores_per_turn, r.totals.sum(axis=0) / 400)
    # always-cooperate's partner plays C at rate "random's C rate": the two views agree
    assert r.cooperation_rates[1] == 1.0
    assert r.cooperation_rates[0] == pytest.approx(r.joint[:, 0, :].sum() / 400)
    assert len({tuple(x) for x in r.joint.reshape(8, 4).tolist()}) > 1  # repetitions differ


def test_default_game_is_the_dilemma_or_the_exchange_for_its_own_characters() -> None:
    assert play_match("tft", "grim", turns=2, seed=0).game == prisoners_dilemma()
    four = next(c for c in _catalogue_exchange())
    r = play_match(four, "tit-for-tat", turns=2, seed=0)
    assert r.game == vulnerability_exchange()


def _catalogue_exchange() -> list[Character]:
    from trustlab.domain.characters.catalogue import catalogue

    return [c for c in catalogue().values() if c.n_actions == 6]


def test_two_action_characters_play_the_exchange_lifted() -> None:
    r = play_match("tit-for-tat", "always-defect", game=vulnerability_exchange(), turns=4, seed=0,
                   history=True)  # fmt: skip
    assert r.history is not None
    # open+support once, then guarded+exploit; always-defect is guarded+exploit throughout
    assert r.history[0, :, 0, 1].tolist() == [0, 5, 5, 5]
    assert r.history[0, :, 1, 1].tolist() == [5, 5, 5, 5]
    assert r.scores.tolist() == [-2.5, 3.0]  # S = −e − h, then P = 0; T = t, then 0
    assert r.cooperation_rates.tolist() == [0.25, 0.0]
    np.testing.assert_allclose(r.action_rates, [[0.25, 0, 0, 0, 0, 0.75], [0, 0, 0, 0, 0, 1]])


def test_an_exchange_character_cannot_play_a_two_action_game() -> None:
    four = _catalogue_exchange()[0]
    with pytest.raises(CompileError, match="cannot play a game of 2 actions"):
        play_match(four, "tit-for-tat", game=prisoners_dilemma(), turns=3)


# --- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"noise": -0.1}, "noise must be a probability in [0, 1]"),
        ({"noise": 1.5}, "noise must be a probability in [0, 1]"),
        ({"misread": 2}, "misread must be a probability in [0, 1]"),
        ({"misread": float("nan")}, "misread must be a probability"),
        ({"turns": 0}, "turns must be a positive integer"),
        ({"turns": -5}, "turns must be a positive integer"),
        ({"continuation": 1.0}, "continuation must be a probability in [0, 1)"),
        ({"continuation": -0.5}, "continuation must be a probability in [0, 1)"),
        ({"repetitions": 0}, "repetitions must be a positive integer"),
        ({"repetitions": 2.0}, "repetitions must be a positive integer"),
        ({"repetitions": True}, "repetitions must be a positive integer"),
        ({"seed": -3}, "seed must be"),
        ({"seed": "abc"}, "seed must be"),
    ],
)
def test_play_match_rejects_bad_parameters_in_one_line(kwargs: dict, says: str) -> None:
    with pytest.raises(InvalidParameter) as info:
        play_match("tit-for-tat", "always-defect", **kwargs)
    assert says in str(info.value) and "\n" not in str(info.value)


def test_numpy_integers_are_counts_too() -> None:
    # sweeps build their grids with NumPy: np.int64 repetitions and turns are accepted
    r = play_match("tit-for-tat", "always-defect", turns=np.int64(4), repetitions=np.int64(2),
                   seed=np.uint64(3))  # fmt: skip
    assert r.repetitions == 2 and isinstance(r.repetitions, int)
    assert r.totals.shape == (2, 2) and r.seed == 3


def test_unknown_characters_get_the_closest_names() -> None:
    with pytest.raises(UnknownName) as info:
        play_match("tit-for-tot", "always-defect")
    assert "tit-for-tat" in str(info.value)
    with pytest.raises(TrustlabError, match="memory-one"):
        play_match("memory-one:1,0,1", "always-defect")


# --- the record --------------------------------------------------------------------------------


def test_to_dict_keeps_the_cli_contract_keys() -> None:
    r = play_match("tit-for-tat", "always-defect", turns=10, repetitions=2, seed=4)
    d = r.to_dict()
    # the contract: other tools read these keys
    for key in ("players", "turns", "repetitions", "seed", "scores", "scores_per_turn",
                "cooperation_rates"):  # fmt: skip
        assert key in d
    assert d["players"] == ["tit-for-tat", "always-defect"]
    assert d["turns"] == 10 and d["repetitions"] == 2 and d["seed"] == 4
    assert d["scores"] == [9.0, 14.0] and d["scores_per_turn"] == [0.9, 1.4]
    assert d["cooperation_rates"] == [0.1, 0.0]
    assert d["version"] == version()
    assert "action_rates" not in d and "history" not in d  # two actions, no history asked
    assert json.loads(json.dumps(d)) == d  # plain JSON types throughout


def test_to_dict_in_the_exchange_adds_named_action_rates() -> None:
    d = play_match("tit-for-tat", "always-defect", game=vulnerability_exchange(), turns=4,
                   seed=0).to_dict()  # fmt: skip
    assert d["cooperation_rates"] == [0.25, 0.0]
    assert d["action_rates"][0] == {
        "open+support": 0.25, "open+withhold": 0.0, "open+exploit": 0.0, "guarded+support": 0.0,
        "guarded+withhold": 0.0, "guarded+exploit": 0.75,
    }  # fmt: skip
    assert json.loads(json.dumps(d)) == d


def test_to_dict_history_names_executed_actions_per_repetition() -> None:
    d = play_match("tit-for-tat", "always-defect", turns=3, repetitions=2, seed=0,
                   history=True).to_dict()  # fmt: skip
    assert d["history"] == [[["C", "D"], ["D", "D"], ["D", "D"]]] * 2


def test_continuation_records_the_length_it_drew() -> None:
    r = play_match("tit-for-tat", "tit-for-tat", continuation=0.8, repetitions=50, seed=5,
                   history=True)  # fmt: skip
    d = r.to_dict()
    assert d["turns"] is None and d["continuation"] == 0.8
    assert d["expected_turns"] == pytest.approx(5.0)
    assert d["mean_turns"] == r.turns.mean() and r.turns.min() >= 1
    assert r.scores_per_turn.tolist() == [3.0, 3.0]
    assert len(d["history"][0]) == r.turns[0]
    assert r.history is not None and r.history.shape[1] == r.turns.max()


def test_result_records_seed_and_version_even_when_drawn() -> None:
    r = play_match("random", "random", turns=5)
    assert isinstance(r.seed, int) and r.seed >= 0
    assert isinstance(r, MatchResult) and r.version == version()


def test_user_compiled_characters_play_like_catalogue_ones() -> None:
    machine = compile_rule(start=lambda: 0, act=lambda m: m, update=lambda m, mine, theirs: theirs)
    mine = Character("my-tft", "copies", machine)
    a = play_match(mine, "random", turns=100, noise=0.1, repetitions=3, seed=8)
    b = play_match(get_character("tit-for-tat"), "random", turns=100, noise=0.1, repetitions=3,
                   seed=8)  # fmt: skip
    np.testing.assert_array_equal(a.joint, b.joint)
    assert a.players == ("my-tft", "random")
