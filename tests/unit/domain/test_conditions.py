"""The conditions of play: one validated value, used by every path that plays or analyses."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from trustlab import (
    Conditions,
    InvalidParameter,
    evolve,
    expected_payoff_matrix,
    long_run_payoffs,
    play_match,
    play_tournament,
    stag_hunt,
)


def test_defaults_are_the_infinite_game_without_noise() -> None:
    c = Conditions()
    assert (c.game, c.turns, c.continuation, c.noise, c.misread, c.repetitions) == (
        None, None, None, 0.0, 0.0, 1,
    )  # fmt: skip
    assert c.length is None and not c.finite and c.expected_turns is None


def test_values_are_normalised_and_frozen() -> None:
    c = Conditions(turns=np.int64(7), noise=np.float32(0.5), repetitions=np.int64(3))
    assert (type(c.turns), type(c.noise), type(c.repetitions)) == (int, float, int)
    assert c.length is not None and c.length.turns == 7
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.noise = 0.1  # type: ignore[misc]
    assert Conditions(turns=7) == Conditions(turns=7)
    assert hash(Conditions(turns=7)) == hash(Conditions(turns=7))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"turns": 10, "continuation": 0.9}, "give either turns or continuation, not both"),
        ({"turns": 0}, "turns must be a positive integer, got 0"),
        ({"continuation": 1.0}, "continuation must be a probability in [0, 1), got 1.0"),
        ({"noise": 1.5}, "noise must be a probability in [0, 1], got 1.5"),
        ({"misread": -0.1}, "misread must be a probability in [0, 1], got -0.1"),
        ({"repetitions": 0}, "repetitions must be a positive integer, got 0"),
        ({"game": "pd"}, "game must be a Game or None, got 'pd'"),
    ],
)
def test_bad_values_are_refused_with_one_line(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidParameter) as exc:
        Conditions(**kwargs)  # type: ignore[arg-type]
    assert str(exc.value) == message
    assert "\n" not in str(exc.value)


def test_conditions_and_loose_keywords_together_are_refused() -> None:
    c = Conditions(turns=5)
    with pytest.raises(InvalidParameter, match="give conditions or the keywords noise, not both"):
        play_match("tit-for-tat", "always-defect", conditions=c, noise=0.1)
    with pytest.raises(InvalidParameter, match="keywords turns, repetitions, not both"):
        play_tournament(["tit-for-tat", "always-defect"], conditions=c, turns=5, repetitions=2)
    with pytest.raises(InvalidParameter, match="keywords continuation, not both"):
        expected_payoff_matrix(["tit-for-tat", "always-defect"], conditions=c, continuation=0.5)
    with pytest.raises(InvalidParameter, match="give conditions or game, not both"):
        evolve("tit-for-tat:5,always-defect:5", conditions=c, game="public-goods:5:3")


def test_a_played_match_needs_a_length() -> None:
    with pytest.raises(InvalidParameter, match="a played match needs a length"):
        play_match("tit-for-tat", "always-defect", conditions=Conditions(noise=0.1))
    with pytest.raises(InvalidParameter, match="a played match needs a length"):
        evolve("tit-for-tat:5,always-defect:5", payoffs="matches", conditions=Conditions())


def test_a_match_under_conditions_is_the_match_under_keywords() -> None:
    c = Conditions(continuation=0.9, noise=0.05, misread=0.02, repetitions=20)
    by_value = play_match("tit-for-tat", "win-stay-lose-shift", conditions=c, seed=3)
    by_keywords = play_match(
        "tit-for-tat",
        "win-stay-lose-shift",
        continuation=0.9,
        noise=0.05,
        misread=0.02,
        repetitions=20,
        seed=3,
    )
    assert np.array_equal(by_value.joint, by_keywords.joint)
    assert np.array_equal(by_value.turns, by_keywords.turns)
    assert by_value.conditions == by_keywords.conditions
    # the result keeps the conditions with the game resolved, and the old attribute names
    assert by_value.conditions.game is not None and by_value.game.name == "prisoners-dilemma"
    assert by_value.length.continuation == 0.9 and by_value.length.turns is None
    assert (by_value.noise, by_value.misread, by_value.repetitions) == (0.05, 0.02, 20)


def test_keywords_keep_their_meaning() -> None:
    # a continuation replaces the default (or given) turns, as the CLI's --continuation does
    r = play_match("tit-for-tat", "tit-for-tat", turns=200, continuation=0.5, repetitions=4, seed=0)
    assert r.conditions.turns is None and r.conditions.continuation == 0.5
    assert play_match("tit-for-tat", "tit-for-tat", seed=0).conditions.turns == 200


def test_a_tournament_under_conditions_is_the_tournament_under_keywords() -> None:
    names = ["tit-for-tat", "always-defect", "win-stay-lose-shift"]
    c = Conditions(game=stag_hunt(), turns=30, noise=0.1, repetitions=5)
    by_value = play_tournament(names, conditions=c, seed=9)
    by_keywords = play_tournament(
        names, game=stag_hunt(), turns=30, noise=0.1, repetitions=5, seed=9
    )
    assert np.array_equal(by_value.pair_scores, by_keywords.pair_scores)
    assert by_value.conditions == c and by_value.game == stag_hunt()
    assert (by_value.length.turns, by_value.noise, by_value.repetitions) == (30, 0.1, 5)
    assert by_value.to_dict()["turns"] == 30


def test_the_analysis_under_conditions_is_the_analysis_under_keywords() -> None:
    names = ["tit-for-tat", "always-defect", "win-stay-lose-shift", "grudger"]
    for c in (Conditions(noise=0.1), Conditions(turns=10), Conditions(continuation=0.8)):
        keywords = {"turns": c.turns, "continuation": c.continuation, "noise": c.noise}
        assert np.array_equal(
            expected_payoff_matrix(names, conditions=c), expected_payoff_matrix(names, **keywords)
        )
    r = long_run_payoffs(
        "win-stay-lose-shift", "win-stay-lose-shift", conditions=Conditions(noise=0.1)
    )
    assert r.mode == "stationary" and (r.turns, r.continuation, r.noise) == (None, None, 0.1)
    with pytest.raises(InvalidParameter, match="give either turns or continuation, not both"):
        long_run_payoffs("tit-for-tat", "always-defect", turns=10, continuation=0.9)


def test_evolution_under_conditions_is_evolution_under_keywords() -> None:
    kw = {"generations": 30, "seed": 4, "payoffs": "expected"}
    by_value = evolve(
        "tit-for-tat:6,always-defect:4", conditions=Conditions(turns=20, noise=0.05), **kw
    )
    by_keywords = evolve("tit-for-tat:6,always-defect:4", turns=20, noise=0.05, **kw)  # type: ignore[arg-type]
    assert np.array_equal(by_value.history, by_keywords.history)
    assert by_value.to_dict() == by_keywords.to_dict()
    assert by_value.conditions is not None and by_value.conditions.turns == 20
    assert by_value.conditions.game is not None
