"""Matches under noise against closed forms and exact Markov chains.

Memory-one characters playing each other make a Markov chain on the last joint executed action
(CC, CD, DC, DD). Execution noise e turns an intended C into D (and back) with probability e;
perception noise m makes a character react as if the partner had played the other move. Both are
independent each turn, so the chain stays Markov with

    P(a executes C | last outcome s) = q_a(s) (1 − e) + (1 − q_a(s)) e,
    q_a(s) = (1 − m) p_a(x_a, x_b) + m p_a(x_a, 1 − x_b),

where p_a(own, partner) is a's probability of cooperating after that outcome. From this chain we
compute the exact expected total over a finite match and the long-run stationary payoff, and
compare the engine's simulation with them within 4 standard errors (estimated from the
repetitions, so the tolerance shrinks with the sample and never needs a pinned seed).

References
----------
Nowak & Sigmund (1993), "A strategy of win-stay, lose-shift that outperforms tit-for-tat in the
Prisoner's Dilemma game", Nature 364:56. doi:10.1038/364056a0
Molander (1985), "The optimal level of generosity in a selfish, uncertain environment",
J. Conflict Resolut. 29:611. doi:10.1177/0022002785029004004
Press & Dyson (2012), "Iterated Prisoner's Dilemma contains strategies that dominate any
evolutionary opponent", PNAS 109:10409. doi:10.1073/pnas.1206569109
"""

from __future__ import annotations

import numpy as np
import pytest

from trustlab import (
    Game,
    MatchResult,
    donation,
    play_match,
    prisoners_dilemma,
    vulnerability_exchange,
)

Z = 4.0  # tolerance in standard errors (two-sided p ≈ 6e-5 per assertion)

#: memory-one vectors (p_CC, p_CD, p_DC, p_DD, p_first), own move first
MEMORY_ONE = {
    "always-cooperate": (1, 1, 1, 1, 1),
    "always-defect": (0, 0, 0, 0, 0),
    "tit-for-tat": (1, 0, 1, 0, 1),
    "win-stay-lose-shift": (1, 0, 0, 1, 1),
    "generous-tit-for-tat": (1, 1 / 3, 1, 1 / 3, 1),
    "extort-2": (8 / 9, 1 / 2, 1 / 3, 0, 1),
    "random": (0.5, 0.5, 0.5, 0.5, 0.5),
}


def _coop_prob(p: tuple[float, ...], own: int, partner: int, e: float, m: float) -> float:
    q = (1 - m) * p[2 * own + partner] + m * p[2 * own + 1 - partner]
    return q * (1 - e) + (1 - q) * e


def markov_chain(a: str, b: str, e: float, m: float) -> tuple[np.ndarray, np.ndarray]:
    """Transition matrix over outcomes s = 2·x_a + x_b and the distribution of the first turn."""
    pa, pb = MEMORY_ONE[a], MEMORY_ONE[b]

    def step(ca: float, cb: float) -> np.ndarray:
        return np.array([ca * cb, ca * (1 - cb), (1 - ca) * cb, (1 - ca) * (1 - cb)])

    trans = np.zeros((4, 4))
    for s in range(4):
        xa, xb = divmod(s, 2)
        trans[s] = step(_coop_prob(pa, xa, xb, e, m), _coop_prob(pb, xb, xa, e, m))
    first_a = pa[4] * (1 - e) + (1 - pa[4]) * e
    first_b = pb[4] * (1 - e) + (1 - pb[4]) * e
    return trans, step(first_a, first_b)


def outcome_payoffs(game: Game) -> tuple[np.ndarray, np.ndarray]:
    """Payoff of a and of b in each outcome CC, CD, DC, DD."""
    p = game.payoffs
    return (
        np.array([p[0, 0], p[0, 1], p[1, 0], p[1, 1]]),
        np.array([p[0, 0], p[1, 0], p[0, 1], p[1, 1]]),
    )


def expected_totals(a: str, b: str, game: Game, turns: int, e: float, m: float) -> np.ndarray:
    """Exact expected total payoff of a and b over ``turns`` turns."""
    trans, dist = markov_chain(a, b, e, m)
    ua, ub = outcome_payoffs(game)
    total = np.zeros(2)
    for _ in range(turns):
        total += (dist @ ua, dist @ ub)
        dist = dist @ trans
    return total


def stationary(trans: np.ndarray) -> np.ndarray:
    """The stationary distribution π = π P of an irreducible chain."""
    n = trans.shape[0]
    lhs = np.vstack([trans.T - np.eye(n), np.ones(n)])
    rhs = np.zeros(n + 1)
    rhs[-1] = 1.0
    return np.linalg.lstsq(lhs, rhs, rcond=None)[0]


def assert_mean_within_se(samples: np.ndarray, expected: float, what: str) -> None:
    """The sample mean is within Z standard errors of ``expected`` (SE from the samples)."""
    se = samples.std(ddof=1) / np.sqrt(len(samples))
    gap = abs(samples.mean() - expected)
    assert gap <= Z * se + 1e-12, f"{what}: mean {samples.mean():.5f}, expected {expected:.5f}"
    assert se > 0 or gap == 0


def _simulate_against_chain(
    a: str, b: str, game: Game, *, turns: int, e: float, m: float, reps: int, seed: int
) -> MatchResult:
    r = play_match(a, b, game=game, turns=turns, noise=e, misread=m, repetitions=reps, seed=seed)
    exact = expected_totals(a, b, game, turns, e, m)
    for p in (0, 1):
        assert_mean_within_se(r.totals[:, p], exact[p], f"{a} v {b} player {p}")
    return r


# --- tit-for-tat against itself ---------------------------------------------------------------


@pytest.mark.parametrize("e", [0.01, 0.1, 0.3, 0.5, 0.9])
def test_tft_pair_under_execution_noise_averages_a_quarter_of_all_payoffs(e: float) -> None:
    # TFT v TFT maps the outcome (x, y) to (y, x) and noise flips each move independently: a
    # doubly stochastic chain, so in the long run all four outcomes are equally likely and each
    # player gets (R + S + T + P)/4 whatever e in (0, 1)
    game = prisoners_dilemma()
    trans, _ = markov_chain("tit-for-tat", "tit-for-tat", e, 0.0)
    np.testing.assert_allclose(stationary(trans), 0.25, atol=1e-12)
    quarter = game.payoffs.sum() / 4
    r = _simulate_against_chain(
        "tit-for-tat", "tit-for-tat", game, turns=400, e=e, m=0.0, reps=100, seed=11
    )
    # the long-run value: the start (C, C) fades at rate |1 − 2e| per turn
    bias = abs(expected_totals("tit-for-tat", "tit-for-tat", game, 400, e, 0.0) / 400 - quarter)
    assert np.all(bias < 3 / (400 * 2 * min(e, 1 - e)))
    per_turn = r.totals.sum(axis=1) / 2 / 400
    se = per_turn.std(ddof=1) / np.sqrt(len(per_turn))
    assert abs(per_turn.mean() - quarter) <= Z * se + bias.max()


@pytest.mark.parametrize("m", [0.05, 0.25])
def test_tft_pair_under_misreading_alone_also_averages_a_quarter(m: float) -> None:
    # a misreading makes a TFT answer the move not played: the same doubly stochastic chain
    trans, _ = markov_chain("tit-for-tat", "tit-for-tat", 0.0, m)
    np.testing.assert_allclose(stationary(trans), 0.25, atol=1e-12)
    _simulate_against_chain(
        "tit-for-tat", "tit-for-tat", prisoners_dilemma(), turns=300, e=0.0, m=m, reps=100, seed=12
    )


# --- win-stay, lose-shift against itself -------------------------------------------------------


def wsls_stationary(e: float) -> np.ndarray:
    """By hand: both WSLS intend C after CC or DD and D after CD or DC (x XOR y), so with
    q = P(CC or DD) = 1 − 2e(1 − e): π(CC) = q(1−e)² + (1−q)e², π(CD) = π(DC) = e(1−e),
    π(DD) = q e² + (1−q)(1−e)²."""
    q = 1 - 2 * e * (1 - e)
    cc = q * (1 - e) ** 2 + (1 - q) * e**2
    dd = q * e**2 + (1 - q) * (1 - e) ** 2
    return np.array([cc, e * (1 - e), e * (1 - e), dd])


@pytest.mark.parametrize("e", [0.02, 0.1, 0.25])
def test_wsls_pair_under_noise_reaches_its_hand_derived_stationary_payoff(e: float) -> None:
    game = prisoners_dilemma()
    trans, _ = markov_chain("win-stay-lose-shift", "win-stay-lose-shift", e, 0.0)
    pi = wsls_stationary(e)
    np.testing.assert_allclose(stationary(trans), pi, atol=1e-12)
    long_run = pi @ outcome_payoffs(game)[0]
    # multiplied out (the e⁴ terms cancel): R − e(4R − S − T − 2P) + e²(7R − S − T − 5P)
    # − e³(4R − 4P), i.e. 3 − 5e + 11e² − 8e³; WSLS corrects a lone mistake in two turns, so for
    # small e it stays near R (Nowak & Sigmund 1993)
    assert long_run == pytest.approx(3 - 5 * e + 11 * e**2 - 8 * e**3, rel=1e-12)
    r = _simulate_against_chain(
        "win-stay-lose-shift", "win-stay-lose-shift", game, turns=400, e=e, m=0.0, reps=100,
        seed=13,
    )  # fmt: skip
    per_turn = r.totals[:, 0] / 400
    se = per_turn.std(ddof=1) / np.sqrt(len(per_turn))
    assert abs(per_turn.mean() - long_run) <= Z * se + 2 / 400


# --- other memory-one pairs, exact chains ------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "e", "m"),
    [
        ("generous-tit-for-tat", "always-defect", 0.0, 0.0),
        ("generous-tit-for-tat", "tit-for-tat", 0.1, 0.05),
        ("extort-2", "always-cooperate", 0.0, 0.0),
        ("extort-2", "random", 0.05, 0.0),
        ("win-stay-lose-shift", "tit-for-tat", 0.05, 0.1),
        ("random", "win-stay-lose-shift", 0.0, 0.2),
    ],
)
def test_memory_one_pairs_match_their_exact_markov_chain(
    a: str, b: str, e: float, m: float
) -> None:
    _simulate_against_chain(a, b, donation(3, 1), turns=100, e=e, m=m, reps=200, seed=14)


@pytest.mark.parametrize("opponent", ["always-cooperate", "random", "generous-tit-for-tat"])
def test_extort_2_enforces_its_linear_payoff_relation(opponent: str) -> None:
    # Press & Dyson: against any opponent, extort-2's long-run payoff satisfies s_X − P = 2(s_Y − P)
    game = prisoners_dilemma()
    trans, _ = markov_chain("extort-2", opponent, 0.0, 0.0)
    pi = stationary(trans)
    ua, ub = outcome_payoffs(game)
    assert pi @ ua - 1 == pytest.approx(2 * (pi @ ub - 1), abs=1e-9)
    r = play_match("extort-2", opponent, turns=2000, repetitions=30, seed=15)
    # s_X − P − 2(s_Y − P) per repetition: zero in the long run; over 2000 turns its exact
    # expectation (from the chain) holds the start's O(1/turns) transient, and the simulation
    # must match that within Z standard errors (the repetitions are independent)
    exact = expected_totals("extort-2", opponent, game, 2000, 0.0, 0.0)
    expected = (exact[0] - 2 * exact[1]) / 2000 + 1
    assert abs(expected) < 20 / 2000  # the transient is small...
    diff = (r.totals[:, 0] - 2 * r.totals[:, 1]) / 2000 + 1
    se = diff.std(ddof=1) / np.sqrt(len(diff))
    assert se > 0
    assert abs(diff.mean() - expected) <= Z * se  # ...and the simulation has it exactly


def test_generous_tft_cooperates_after_a_defection_a_third_of_the_time() -> None:
    r = play_match("generous-tit-for-tat", "always-defect", turns=1000, repetitions=30, seed=16,
                   history=True)  # fmt: skip
    assert r.history is not None
    after_d = r.history[:, 1:, 0, 1].ravel()  # its executed moves from turn 2 on
    coop = (after_d == 0).astype(float)
    p = 1 / 3
    assert abs(coop.mean() - p) <= Z * np.sqrt(p * (1 - p) / coop.size)
    assert np.all(r.history[:, 0, 0, 1] == 0)  # the first move is C


# --- continuation probability -----------------------------------------------------------------


@pytest.mark.parametrize("w", [0.5, 0.9, 0.99])
def test_continuation_gives_geometric_lengths_and_expected_totals(w: float) -> None:
    # always-cooperate v always-defect earn S and T every turn: totals S/(1 − W) and T/(1 − W)
    game = donation(3, 1)  # R, S, T, P = 2, −1, 3, 0
    reps = 4000
    r = play_match("always-cooperate", "always-defect", game=game, continuation=w,
                   repetitions=reps, seed=17)  # fmt: skip
    mean_turns = 1 / (1 - w)
    sd_turns = np.sqrt(w) / (1 - w)  # standard deviation of the geometric length
    assert abs(r.turns.mean() - mean_turns) <= Z * sd_turns / np.sqrt(reps)
    assert r.turns.min() >= 1
    assert_mean_within_se(r.totals[:, 0], -1 / (1 - w), "always-cooperate")
    assert_mean_within_se(r.totals[:, 1], 3 / (1 - w), "always-defect")
    np.testing.assert_array_equal(r.totals[:, 1], 3 * r.turns)
    assert r.to_dict()["expected_turns"] == pytest.approx(mean_turns)


def test_tft_against_always_defect_with_continuation_earns_s_then_p() -> None:
    # the classic: TFT gets S once and then P; always-defect gets T once and then P
    w = 0.9
    r = play_match("tit-for-tat", "always-defect", continuation=w, repetitions=4000, seed=18)
    assert_mean_within_se(r.totals[:, 0], 0 + 1 * w / (1 - w), "tit-for-tat")
    assert_mean_within_se(r.totals[:, 1], 5 + 1 * w / (1 - w), "always-defect")


# --- observed noise rates ---------------------------------------------------------------------


@pytest.mark.parametrize(("e", "m"), [(0.05, 0.0), (0.0, 0.1), (0.2, 0.3)])
def test_observed_mistake_and_misreading_rates(e: float, m: float) -> None:
    r = play_match("always-cooperate", "always-cooperate", turns=500, noise=e, misread=m,
                   repetitions=40, seed=19, history=True)  # fmt: skip
    h = r.history
    assert h is not None
    n = h.shape[0] * h.shape[1] * 2
    mistakes = (h[:, :, :, 1] != h[:, :, :, 0]).mean()
    # what player p saw against what its partner executed
    misread = (h[:, :, :, 2] != h[:, :, ::-1, 1]).mean()
    for rate, p in ((mistakes, e), (misread, m)):
        assert abs(rate - p) <= Z * np.sqrt(p * (1 - p) / n) + 1e-12
    # the two noises are independent: misreadings happen as often after a mistake as after none
    if e > 0 and m > 0:
        saw_wrong = h[:, :, :, 2] != h[:, :, ::-1, 1]
        partner_erred = h[:, :, ::-1, 1] != h[:, :, ::-1, 0]
        k = partner_erred.sum()
        assert abs(saw_wrong[partner_erred].mean() - m) <= Z * np.sqrt(m * (1 - m) / k)


def test_exchange_mistakes_and_misreadings_are_uniform_over_the_other_actions() -> None:
    e, m = 0.3, 0.2
    r = play_match("always-cooperate", "always-cooperate", game=vulnerability_exchange(),
                   turns=500, noise=e, misread=m, repetitions=40, seed=20,
                   history=True)  # fmt: skip
    h = r.history
    assert h is not None
    executed = h[:, :, :, 1].ravel()
    n = executed.size
    # open+support is intended; each of the five other actions replaces it with rate e/5
    for action in range(6):
        p = 1 - e if action == 0 else e / 5
        assert abs((executed == action).mean() - p) <= Z * np.sqrt(p * (1 - p) / n)
    # given what the partner executed, a misreading shows each other action with rate m/5
    seen, truth = h[:, :, :, 2].ravel(), h[:, :, ::-1, 1].ravel()
    shift = (seen - truth) % 6  # 0: read right; 1..5: the other actions, each m/5
    for d in range(6):
        p = 1 - m if d == 0 else m / 5
        assert abs((shift == d).mean() - p) <= Z * np.sqrt(p * (1 - p) / n)


# --- high precision: 40 million turns, about a second ------------------------------------------


@pytest.mark.parametrize("e", [0.05, 0.2])
def test_tft_and_wsls_long_run_payoffs_to_three_decimals(e: float) -> None:
    # 2 000 repetitions of 5 000 turns: the standard error falls to ~0.002 per turn
    game = prisoners_dilemma()
    for name, long_run in (
        ("tit-for-tat", game.payoffs.sum() / 4),
        ("win-stay-lose-shift", float(wsls_stationary(e) @ outcome_payoffs(game)[0])),
    ):
        r = play_match(name, name, turns=5000, noise=e, repetitions=2000, seed=21)
        exact = expected_totals(name, name, game, 5000, e, 0.0)
        # the start (C, C) fades geometrically: ≲ (R − long run)/(2e) in total
        assert abs(exact[0] / 5000 - long_run) < 2e-3
        per_turn = r.totals.mean(axis=1) / 5000
        se = per_turn.std(ddof=1) / np.sqrt(len(per_turn))
        assert se < 0.004
        assert abs(per_turn.mean() - exact[0] / 5000) <= Z * se
