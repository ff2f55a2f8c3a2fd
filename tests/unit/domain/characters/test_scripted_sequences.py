"""Scripted head-to-head sequences: the exact moves the catalogue's rules promise.

Two-action moves are written with C and D. Vulnerability-exchange moves are written one letter
each: O = open + support, X = open + exploit, G = guarded + support, E = guarded + exploit.
"""

from __future__ import annotations

import numpy as np
import pytest

from trustlab import C, Character, D, MatchResult, compile_rule, play_match, vulnerability_exchange
from trustlab.domain.characters import classics as cl
from trustlab.domain.characters.machine import play_reference

LETTERS_2 = "CD"
# open+support, open+withhold (talks), open+exploit,
# guarded+support, guarded+withhold, guarded+exploit
LETTERS_6 = "OTXGWE"


def moves(a: str, b: str, turns: int, **kw: object) -> tuple[str, str]:
    """Both players' executed moves in a noiseless match, as strings."""
    r = play_match(a, b, turns=turns, seed=0, history=True, **kw)  # type: ignore[arg-type]
    assert r.history is not None
    letters = LETTERS_2 if r.game.n_actions == 2 else LETTERS_6
    return tuple(  # type: ignore[return-value]
        "".join(letters[x] for x in r.history[0, :turns, p, 1]) for p in (0, 1)
    )


# --- the classics the issue spells out ---------------------------------------------------------

SCRIPTS_2 = [
    # (a, b, a's moves, b's moves)
    ("detective", "always-cooperate", "CDCCDDDD", "CCCCCCCC"),
    ("detective", "always-defect", "CDCCDDDD", "DDDDDDDD"),
    ("detective", "tit-for-tat", "CDCCCCCC", "CCDCCCCC"),
    ("detective", "grudger", "CDCCDDDD", "CCDDDDDD"),
    ("prober", "always-cooperate", "DCCDDDDD", "CCCCCCCC"),
    ("prober", "tit-for-tat", "DCCCCCCC", "CDCCCCCC"),
    ("prober", "always-defect", "DCCDDDDD", "DDDDDDDD"),
    ("tit-for-two-tats", "alternator", "CCCCCCCC", "CDCDCDCD"),
    ("tit-for-two-tats", "cycler:DDC", "CCDCCDCCD", "DDCDDCDDC"),
    ("two-tits-for-tat", "cycler:DCC", "CDDCDDCDD", "DCCDCCDCC"),
    ("win-stay-lose-shift", "always-defect", "CDCDCDCD", "DDDDDDDD"),
    ("win-stay-lose-shift", "alternator", "CCDDCCDD", "CDCDCDCD"),
    ("win-stay-lose-shift", "always-cooperate", "CCCCCCCC", "CCCCCCCC"),
    ("alternator", "always-defect", "CDCDCDCD", "DDDDDDDD"),
    ("hard-majority", "alternator", "DCDCDCDC", "CDCDCDCD"),
    ("hard-majority", "cycler:CCD", "DCCCCCCC", "CCDCCDCC"),
    ("soft-majority", "alternator", "CCCCCCCC", "CDCDCDCD"),
    ("soft-majority", "cycler:DDC", "CDDDDDDD", "DDCDDCDD"),
    ("suspicious-tit-for-tat", "tit-for-tat", "DCDCDCDC", "CDCDCDCD"),
    ("grudger", "cycler:CCD", "CCCDDDDD", "CCDCCDCC"),
    ("contrite-tit-for-tat", "always-defect", "CDDDDDDD", "DDDDDDDD"),
    ("always-cooperate", "always-defect", "CCCC", "DDDD"),
    # added classics
    ("handshake", "handshake", "CDCCCC", "CDCCCC"),
    ("handshake", "tit-for-tat", "CDDDDD", "CCDDDD"),
    ("hard-prober", "always-cooperate", "DDCCDDDD", "CCCCCCCC"),
    ("hard-prober", "tit-for-tat", "DDCCCCCC", "CDDCCCCC"),
    ("prober-2", "suspicious-tit-for-tat", "DCCCCCCC", "DDCCCCCC"),
    ("prober-3", "always-cooperate", "DCDDDD", "CCCCCC"),
    ("fool-me-once", "alternator", "CCCCDDDD", "CDCDCDCD"),
    ("davis", "alternator", "CCCCCCCCCCDDDD", "CDCDCDCDCDCDCD"),
    ("aggravater", "tit-for-tat", "DDDDDDDD", "CDDDDDDD"),
    ("soft-grudger", "cycler:DCCCCCCCCC", "CDDDDCCCCCC", "DCCCCCCCCCD"),
    ("forgetful-grudger", "cycler:DCCCCCCCCCCCCC", "CDDDDDDDDDDCCC", "DCCCCCCCCCCCCC"),
    ("gradual", "cycler:DCCCCCCDCCCCCCCC", "CDCCCCCCDDCCCCCC", "DCCCCCCDCCCCCCCC"),
    ("spiteful-tit-for-tat", "cycler:DCDDC", "CDCDDDDD", "DCDDCDCD"),
    ("hard-tit-for-tat", "cycler:DCCCC", "CDDDCCDD", "DCCCCDCC"),
    ("hard-tit-for-two-tats", "cycler:DCDCCC", "CCCCCCCC", "DCDCCCDC"),
    ("hard-tit-for-two-tats", "cycler:DDCCCC", "CCDDCCCC", "DDCCCCDD"),
    ("bully", "tit-for-tat", "DDCCDDCC", "CDDCCDDC"),
    ("anti-tit-for-tat", "always-cooperate", "CDDD", "CCCC"),
    ("win-shift-lose-stay", "always-cooperate", "DCDCDC", "CCCCCC"),
    ("cycler-ccd", "always-defect", "CCDCCD", "DDDDDD"),
    ("collective-strategy", "collective-strategy", "CDCCCC", "CDCCCC"),
    ("collective-strategy", "tit-for-tat", "CDDDDD", "CCDDDD"),
    ("tit-for-n-tats:3", "cycler:DDDC", "CCCDCCCD", "DDDCDDDC"),
    ("n-tits-for-tat:3", "cycler:DCCCCC", "CDDDCCCDDD", "DCCCCCDCCC"),
]


@pytest.mark.parametrize(("a", "b", "moves_a", "moves_b"), SCRIPTS_2)
def test_two_action_script(a: str, b: str, moves_a: str, moves_b: str) -> None:
    assert moves(a, b, len(moves_a)) == (moves_a, moves_b)


def test_majority_counts_saturate_at_their_bound() -> None:
    # with a bound of 4, five defections then four cooperations leave the count at 0, not -1
    soft = cl.majority(C, soft=True, bound=4)
    wide = cl.majority(C, soft=True, bound=32)
    partner = cl.cycler("DDDDDCCCCC")
    sat = [r.executed[0] for r in play_reference(soft, partner, 10)]
    exact = [r.executed[0] for r in play_reference(wide, partner, 10)]
    assert sat == [C, D, D, D, D, D, D, D, D, C]
    assert exact == [C, D, D, D, D, D, D, D, D, D]


# --- stochastic rules, by their conditional frequencies ------------------------------------------


def conditional_cooperation(r: MatchResult, player: int = 0) -> dict[tuple[int, int], np.ndarray]:
    """For each last outcome (own move, partner's move), player's next moves (1 = cooperated)."""
    assert r.history is not None
    ex = r.history[:, :, :, 1]
    own, other = ex[:, :-1, player], ex[:, :-1, 1 - player]
    nxt = ex[:, 1:, player]
    return {
        (x, y): (nxt[(own == x) & (other == y)] == C).astype(float) for x in (C, D) for y in (C, D)
    }


def assert_rate(samples: np.ndarray, p: float) -> None:
    """The sample mean is p within four standard errors (exactly p when p is 0 or 1)."""
    assert samples.size > 200
    if p in (0.0, 1.0):
        assert np.all(samples == p)
        return
    se = np.sqrt(p * (1 - p) / samples.size)
    assert abs(samples.mean() - p) < 4 * se


@pytest.mark.parametrize(
    ("name", "vector"),
    [
        ("extort-2", (8 / 9, 1 / 2, 1 / 3, 0.0)),
        ("zdgtft-2", (1.0, 1 / 8, 1.0, 1 / 4)),
        ("extort-4", (11 / 17, 0.0, 8 / 17, 0.0)),
        ("zd-gen-2", (1.0, 9 / 16, 1 / 2, 1 / 8)),
        ("zd-set-2", (3 / 4, 1 / 4, 1 / 2, 1 / 4)),
        ("firm-but-fair", (1.0, 0.0, 1.0, 2 / 3)),
        ("stochastic-win-stay-lose-shift", (0.95, 0.05, 0.05, 0.95)),
    ],
)
def test_memory_one_probabilities_after_each_outcome(
    name: str, vector: tuple[float, float, float, float]
) -> None:
    r = play_match(name, "random", turns=200, repetitions=40, seed=3, history=True)
    got = conditional_cooperation(r)
    for (x, y), p in zip([(C, C), (C, D), (D, C), (D, D)], vector, strict=True):
        assert_rate(got[(x, y)], p)
    assert r.history is not None
    assert np.all(r.history[:, 0, 0, 1] == C)  # first move C


def test_generous_tit_for_tat_forgives_a_third_of_defections() -> None:
    r = play_match(
        "generous-tit-for-tat", "random", turns=200, repetitions=40, seed=4, history=True
    )
    got = conditional_cooperation(r)
    assert_rate(np.concatenate([got[(C, C)], got[(D, C)]]), 1.0)
    assert_rate(np.concatenate([got[(C, D)], got[(D, D)]]), 1 / 3)


def test_random_cooperates_half_the_time() -> None:
    r = play_match("random", "tit-for-tat", turns=500, repetitions=20, seed=5)
    n = int(r.turns.sum())
    assert abs(r.cooperation_rates[0] - 0.5) < 4 * np.sqrt(0.25 / n)


# --- recovering from a forced mistake ------------------------------------------------------------


def one_mistake(a: str, b: str, turns: int = 20, **kw: object) -> tuple[MatchResult, int, int]:
    """A repetition in which exactly one execution mistake happens, by a, after turn 2: the
    match, the repetition and the turn (0-based). Found among seeded repetitions."""
    r = play_match(a, b, turns=turns, noise=0.03, repetitions=400, seed=7, history=True, **kw)  # type: ignore[arg-type]
    assert r.history is not None
    slips = r.history[:, :, :, 0] != r.history[:, :, :, 1]
    for rep in range(r.repetitions):
        where = np.argwhere(slips[rep])
        if len(where) == 1 and where[0, 1] == 0 and 2 <= where[0, 0] < turns - 6:
            return r, rep, int(where[0, 0])
    raise AssertionError("no repetition with exactly one early mistake")


def test_contrite_tit_for_tat_accepts_retaliation_for_its_own_mistake() -> None:
    r, rep, t = one_mistake("contrite-tit-for-tat", "contrite-tit-for-tat")
    assert r.history is not None
    ex = r.history[rep, :, :, 1]
    assert ex[t].tolist() == [D, C]  # a's slip
    assert ex[t + 1].tolist() == [C, D]  # b retaliates, a accepts it and cooperates
    assert np.all(ex[t + 2 :] == C)  # and both are back to mutual cooperation
    assert np.all(ex[:t] == C)


def test_tit_for_tat_echoes_the_same_mistake_for_ever() -> None:
    # the same seed puts the same slip on tit-for-tat: it echoes D back and forth
    _, rep, t = one_mistake("contrite-tit-for-tat", "contrite-tit-for-tat")
    tft = play_match(
        "tit-for-tat", "tit-for-tat", turns=20, noise=0.03, repetitions=400, seed=7, history=True
    )
    assert tft.history is not None
    ex = tft.history[rep, :, :, 1]
    assert ex[t].tolist() == [D, C]
    for s in range(t + 1, 20):
        assert ex[s].tolist() == ([C, D] if (s - t) % 2 else [D, C])


def test_contrite_archetype_keeps_opening_after_its_slip() -> None:
    r, rep, t = one_mistake("contrite", "contrite", game=vulnerability_exchange())
    assert r.history is not None
    ex = r.history[rep, :, :, 1]
    letters = ["".join(LETTERS_6[x] for x in ex[:, p]) for p in (0, 1)]
    assert ex[t, 0] != 0 and ex[t, 1] == 0  # a slipped from open + support
    assert letters[0][t + 1 :] == "O" * (20 - t - 1)  # a keeps opening
    assert letters[1][t + 1] == "G"  # b withdraws once, still supporting
    assert letters[1][t + 2 :] == "O" * (20 - t - 2)  # and opens again


# --- the essay's archetypes ---------------------------------------------------------------------

SCRIPTS_6 = [
    ("con-artist", "reciprocator", "OOOEEO" * 3, "OOOOGG" * 3),
    ("kind-at-a-distance", "exploiter", "OGGGGG", "EEEEEE"),
    ("kind-at-a-distance", "reciprocator", "OOOOOO", "OOOOOO"),
    ("guarded", "unconditional-giver", "WWWW", "OOOO"),
    ("unconditional-giver", "exploiter", "OOOO", "EEEE"),
    ("forgiver", "guarded", "OOGGGG", "WWWWWW"),
    ("forgiver", "con-artist", "OOOOOGGO", "OOOEEEOO"),
    ("encourager", "exploiter", "OOGGGG", "EEEEEE"),
    ("encourager", "guarded", "OOOOOO", "WWWWWW"),  # withholding is no betrayal
    ("encourager", "con-artist", "OOOOOGGGG", "OOOEEEOOO"),
    ("critic", "unconditional-giver", "OOOO", "OOOO"),
    ("critic", "cautious-opener", "OEOEOE", "GOGOGO"),
    ("critic", "guarded", "OEEEEE", "WWWWWW"),
    ("fair-weather-friend", "exploiter", "OEEEE", "EEEEE"),
    ("fair-weather-friend", "guarded", "OWWWW", "WWWWW"),
    ("fair-weather-friend", "critic", "OOOO", "OOOO"),
    ("cautious-opener", "reciprocator", "GOGOGO", "OGOGOG"),
    ("cautious-opener", "unconditional-giver", "GOOOOO", "OOOOOO"),
    ("cautious-opener", "cautious-opener", "GGGG", "GGGG"),
    ("reciprocator", "tit-for-tat", "OOOO", "OOOO"),
    ("reciprocator", "always-defect", "OGGG", "EEEE"),
    ("reciprocator", "grudger", "OOOO", "OOOO"),
]


@pytest.mark.parametrize(("a", "b", "moves_a", "moves_b"), SCRIPTS_6)
def test_archetype_script(a: str, b: str, moves_a: str, moves_b: str) -> None:
    assert moves(a, b, len(moves_a)) == (moves_a, moves_b)


def test_exploiting_an_unconditional_giver_pays_t_and_costs_h() -> None:
    g = vulnerability_exchange(b=3, c=1, t=3, h=2, e=0)
    r = play_match("exploiter", "unconditional-giver", game=g, turns=10, seed=0)
    assert r.scores_per_turn.tolist() == [3.0, -2.0]
    # talking without listening: the one-sided take support (b) and give none (the other pays c)
    r = play_match("kind-at-a-distance", "one-sided", game=g, turns=10, seed=0)
    assert r.scores_per_turn.tolist() == [-1.0, 3.0]
    # the unreceptive neither repay the opener's exposure e nor take anything
    g = vulnerability_exchange(b=3, c=1, t=3, h=2, e=0.5)
    r = play_match("guarded", "unconditional-giver", game=g, turns=10, seed=0)
    assert r.scores_per_turn.tolist() == [0.0, -0.5]
    r = play_match("exploiter", "unconditional-giver", game=g, turns=10, seed=0)
    assert r.scores_per_turn.tolist() == [3.0, -2.5]


def test_a_users_rule_meets_the_catalogue() -> None:
    # a user's rule: opens, and withdraws for one turn after two betrayals in a row
    machine = compile_rule(
        start=lambda: 0,
        act=lambda n: 3 if n >= 2 else 0,  # guarded+support after two, else open+support
        update=lambda n, mine, theirs: min(2, n + 1) if theirs in (2, 5) and mine < 3 else 0,
        n_actions=6,
    )
    mine = Character(
        "pauses-after-two", "Withdraws for a turn after two betrayals in a row.", machine
    )
    r = play_match(mine, "exploiter", turns=5, seed=0, history=True)
    assert r.history is not None
    assert "".join(LETTERS_6[x] for x in r.history[0, :, 0, 1]) == "OOGOO"
