"""The product chain's exact payoffs: closed forms, and agreement with trustlab's own matches."""

from __future__ import annotations

import numpy as np
import pytest

from trustlab import (
    Character,
    InvalidParameter,
    TrustlabError,
    get_character,
    memory_one,
    play_match,
    prisoners_dilemma,
    vulnerability_exchange,
)
from trustlab.domain.analysis import (
    ReducibleChain,
    expected_payoff_matrix,
    long_run_payoffs,
    product_chain,
)

PD = prisoners_dilemma()


def wsls_closed_form(eps: float, R: float = 3, S: float = 0, T: float = 5, P: float = 1) -> float:
    """WSLS against itself under execution noise ε (derived in docs/analysis.md).

    Both intend C after CC or DD and D after CD or DC; after either intention the executed pair
    lands in {CC, DD} with probability s = (1 − ε)² + ε², so
    π(CC) = s(1 − ε)² + (1 − s)ε², π(DD) = sε² + (1 − s)(1 − ε)², π(CD) = π(DC) = ε(1 − ε).
    """
    s = (1 - eps) ** 2 + eps**2
    cc = s * (1 - eps) ** 2 + (1 - s) * eps**2
    dd = s * eps**2 + (1 - s) * (1 - eps) ** 2
    cd = eps * (1 - eps)
    return R * cc + S * cd + T * cd + P * dd


@pytest.mark.parametrize("eps", [0.0, 0.001, 0.01, 0.05, 0.2, 0.5])
def test_wsls_against_itself_under_noise_matches_the_closed_form(eps: float) -> None:
    r = long_run_payoffs("win-stay-lose-shift", "win-stay-lose-shift", noise=eps)
    assert r.scores_per_turn == pytest.approx([wsls_closed_form(eps)] * 2, abs=1e-9)


def test_tft_against_itself_under_noise_cooperates_half_the_time() -> None:
    # Molander (1985): noisy tit-for-tat pairs spend equal time in CC, CD, DC, DD
    r = long_run_payoffs("tit-for-tat", "tit-for-tat", noise=0.01)
    assert r.joint == pytest.approx(np.full((2, 2), 0.25), abs=1e-9)
    assert r.scores_per_turn == pytest.approx([2.25, 2.25], abs=1e-9)


@pytest.mark.parametrize("eps", [1e-9, 1e-100, 1e-200, 1e-300])
def test_vanishing_mistakes_keep_their_exact_long_run(eps: float) -> None:
    # Molander's uniform CC, CD, DC, DD holds for every ε > 0, however small: the balance
    # equations are singular to a float there, GTH elimination is not (markov._stationary_of_class)
    r = long_run_payoffs("tit-for-tat", "tit-for-tat", noise=eps)
    assert r.joint == pytest.approx(np.full((2, 2), 0.25), abs=1e-9)
    w = long_run_payoffs("win-stay-lose-shift", "win-stay-lose-shift", misread=eps)
    assert w.scores_per_turn == pytest.approx([3.0, 3.0], abs=1e-7)  # 3 − O(ε)


def test_deterministic_cycle_is_averaged_exactly() -> None:
    # tit-for-tat against suspicious tit-for-tat alternates CD, DC for ever
    r = long_run_payoffs("tit-for-tat", "suspicious-tit-for-tat")
    assert r.scores_per_turn == pytest.approx([2.5, 2.5], abs=1e-12)
    assert r.joint[0, 1] == pytest.approx(0.5) and r.joint[1, 0] == pytest.approx(0.5)
    assert r.n_classes == 1


def test_reducible_chain_uses_the_initial_state_and_can_refuse() -> None:
    # first move random; grim afterwards: half the matches cooperate for ever, half defect
    coin_grim = Character("coin-grim", "", memory_one(1, 0, 0, 0, 0.5))
    r = long_run_payoffs(coin_grim, "always-cooperate")
    assert r.n_classes == 2
    assert r.scores_per_turn == pytest.approx([0.5 * 3 + 0.5 * 5, 0.5 * 3 + 0.5 * 0], abs=1e-12)
    with pytest.raises(ReducibleChain, match=r"initial joint state \(0, 0\)"):
        long_run_payoffs(coin_grim, "always-cooperate", require_unique=True)
    # noise makes it one class again
    assert long_run_payoffs(coin_grim, "always-cooperate", noise=0.01).n_classes == 1


def test_fixed_turns_are_exact() -> None:
    r = long_run_payoffs("tit-for-tat", "always-defect", turns=10)
    assert r.scores is not None
    assert r.scores.tolist() == pytest.approx([9.0, 14.0])
    assert r.expected_turns == 10


@pytest.mark.parametrize(
    ("a", "b"), [("extort-2", "generous-tit-for-tat"), ("win-stay-lose-shift", "random")]
)
def test_continuation_totals_solve_the_geometric_series(a: str, b: str) -> None:
    w = 0.9
    r = long_run_payoffs(a, b, continuation=w, noise=0.02)
    # the same sum, term by term, over a long enough horizon (W^600 < 1e-27)
    ca, cb = get_character(a).machine, get_character(b).machine
    chain = product_chain(ca, cb, noise=0.02)
    mt = chain.matrix().T.tocsr()
    ex = chain.executed()
    reward = np.einsum("sxy,xy->s", ex, PD.payoffs)
    p = np.zeros(chain.n_states)
    p[0] = 1.0
    total = 0.0
    for t in range(600):
        total += w**t * float(p @ reward)
        p = mt @ p
    assert r.scores is not None
    assert r.scores[0] == pytest.approx(total, abs=1e-9)
    assert r.expected_turns == pytest.approx(10.0)


def _se_tolerance(samples: np.ndarray) -> float:
    return float(5 * samples.std(ddof=1) / np.sqrt(samples.size))


@pytest.mark.parametrize(
    ("a", "b", "noise", "misread"),
    [
        ("win-stay-lose-shift", "tit-for-tat", 0.05, 0.0),
        ("generous-tit-for-tat", "extort-2", 0.02, 0.03),
        ("contrite-tit-for-tat", "grudger", 0.05, 0.0),
        ("detective", "tit-for-two-tats", 0.03, 0.02),
    ],
)
def test_stationary_payoffs_agree_with_long_noisy_matches(
    a: str, b: str, noise: float, misread: float
) -> None:
    exact = long_run_payoffs(a, b, noise=noise, misread=misread).scores_per_turn
    finite = long_run_payoffs(a, b, turns=5000, noise=noise, misread=misread).scores
    assert finite is not None
    sim = play_match(a, b, turns=5000, repetitions=40, noise=noise, misread=misread, seed=11)
    per_rep = sim.totals / sim.turns[:, None]
    for i in range(2):
        # the start's transient moves a 5000-turn mean by O(1/5000) from the stationary payoff
        # (exact numbers, no sampling: 0.004 for contrite-tit-for-tat v grudger, whose grudge
        # takes a while to be triggered); the simulation must match the exact 5000-turn
        # expectation within 5 standard errors of 40 independent repetitions, with no slack
        assert abs(finite[i] / 5000 - exact[i]) < 0.01
        assert abs(per_rep[:, i].mean() - finite[i] / 5000) < _se_tolerance(per_rep[:, i])


@pytest.mark.parametrize(
    ("a", "b"),
    [("contrite", "con-artist"), ("forgiver", "tit-for-tat"), ("reciprocator", "random")],
)
def test_four_action_characters_agree_with_matches(a: str, b: str) -> None:
    ve = vulnerability_exchange()
    exact = long_run_payoffs(a, b, game=ve, turns=12, noise=0.05, misread=0.05)
    sim = play_match(a, b, game=ve, turns=12, repetitions=20000, noise=0.05, misread=0.05, seed=3)
    assert exact.scores is not None
    for i in range(2):
        assert abs(sim.totals[:, i].mean() - exact.scores[i]) < _se_tolerance(sim.totals[:, i])


def test_continuation_agrees_with_matches() -> None:
    exact = long_run_payoffs("generous-tit-for-tat", "alternator", continuation=0.8, noise=0.1)
    sim = play_match(
        "generous-tit-for-tat", "alternator", continuation=0.8, noise=0.1, repetitions=20000,
        seed=5,
    )  # fmt: skip
    assert exact.scores is not None
    for i in range(2):
        assert abs(sim.totals[:, i].mean() - exact.scores[i]) < _se_tolerance(sim.totals[:, i])


def test_expected_payoff_matrix_matches_pairwise_results() -> None:
    names = ["tit-for-tat", "always-defect", "win-stay-lose-shift", "extort-2"]
    m = expected_payoff_matrix(names, noise=0.01)
    for i, a in enumerate(names):
        for j, b in enumerate(names):
            assert m[i, j] == pytest.approx(
                long_run_payoffs(a, b, noise=0.01).scores_per_turn[0], abs=1e-12
            )
    m10 = expected_payoff_matrix(["tit-for-tat", "always-defect"], turns=10)
    assert m10 == pytest.approx(np.array([[3.0, 0.9], [1.4, 1.0]]))
    mw = expected_payoff_matrix(["always-cooperate", "always-defect"], continuation=0.5)
    assert mw == pytest.approx(np.array([[3.0, 0.0], [5.0, 1.0]]))


def test_transition_rows_sum_to_one_and_states_follow_the_machines() -> None:
    a = get_character("soft-majority").machine
    b = get_character("gradual").machine if _has("gradual") else get_character("grudger").machine
    chain = product_chain(a, b, noise=0.1, misread=0.1)
    assert np.allclose(np.asarray(chain.matrix().sum(axis=1)).ravel(), 1.0, atol=1e-12)
    assert chain.states[0].tolist() == [a.initial_state, b.initial_state]


def _has(name: str) -> bool:
    try:
        get_character(name)
    except TrustlabError:
        return False
    return True


def test_bad_input_is_refused_with_a_clear_message() -> None:
    with pytest.raises(InvalidParameter, match="not both"):
        long_run_payoffs("tft", "tft", turns=10, continuation=0.5)
    with pytest.raises(InvalidParameter, match="noise"):
        long_run_payoffs("tft", "tft", noise=1.5)
    with pytest.raises(InvalidParameter, match="continuation"):
        long_run_payoffs("tft", "tft", continuation=1.0)
    with pytest.raises(TrustlabError, match="cannot play"):
        long_run_payoffs("contrite", "tft", game=PD)
