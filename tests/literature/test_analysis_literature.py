"""Published results the exact analysis must reproduce (tolerance 1e-9: these are identities).

References
----------
Press & Dyson (2012), PNAS 109:10409. doi:10.1073/pnas.1206569109
Stewart & Plotkin (2012), PNAS 109:10134. doi:10.1073/pnas.1208087109
Nowak, Sasaki, Taylor & Fudenberg (2004), Nature 428:646. doi:10.1038/nature02414
Nowak & Sigmund (1993), Nature 364:56. doi:10.1038/364056a0
"""

from __future__ import annotations

import numpy as np
import pytest

from trustlab import (
    Character,
    expected_payoff_matrix,
    fixation_probability,
    long_run_payoffs,
    memory_one,
)
from trustlab.domain.analysis.replicator import classify_two

R, S, T, P = 3.0, 0.0, 5.0, 1.0


def _partner(rng: np.random.Generator, i: int) -> Character:
    q = rng.uniform(0.02, 0.98, size=5)
    return Character(f"random-memory-one-{i}", "", memory_one(*q))


def test_extort_2_enforces_press_dyson_linear_relation_on_random_partners() -> None:
    # Stewart & Plotkin's extort-2 (8/9, 1/2, 1/3, 0): s_X − P = χ (s_Y − P) with χ = 2
    rng = np.random.default_rng(2012)
    for i in range(25):
        s_x, s_y = long_run_payoffs("extort-2", _partner(rng, i)).scores_per_turn
        assert s_x - P == pytest.approx(2.0 * (s_y - P), abs=1e-9)


def _press_dyson_payoff(p: np.ndarray, q: np.ndarray) -> float:
    """X's stationary payoff from Press & Dyson's determinant formula D(p, q, S_X) / D(p, q, 1).

    ``p`` and ``q`` are each player's cooperation probabilities after CC, CD, DC, DD from its own
    point of view; in X's order Y's are (q1, q3, q2, q4).
    """

    def det(f: np.ndarray) -> float:
        p1, p2, p3, p4 = p
        q1, q2, q3, q4 = q
        m = np.array(
            [
                [-1 + p1 * q1, -1 + p1, -1 + q1, f[0]],
                [p2 * q3, -1 + p2, q3, f[1]],
                [p3 * q2, p3, -1 + q2, f[2]],
                [p4 * q4, p4, q4, f[3]],
            ]
        )
        return float(np.linalg.det(m))

    return det(np.array([R, S, T, P])) / det(np.ones(4))


def test_memory_one_pairs_match_press_dyson_determinant_formula() -> None:
    rng = np.random.default_rng(1)
    for i in range(25):
        p = rng.uniform(0.02, 0.98, size=4)
        q = rng.uniform(0.02, 0.98, size=4)
        x = Character(f"x{i}", "", memory_one(*p, 1.0))
        y = Character(f"y{i}", "", memory_one(*q, 1.0))
        s_x = long_run_payoffs(x, y).scores_per_turn[0]
        assert s_x == pytest.approx(_press_dyson_payoff(p, q), abs=1e-9)


@pytest.mark.parametrize("eps", [0.01, 0.05, 0.1])
def test_wsls_pair_under_noise_closed_form(eps: float) -> None:
    # both intend C after CC/DD, D after CD/DC; see docs/analysis.md for the derivation
    s = (1 - eps) ** 2 + eps**2
    cc = s * (1 - eps) ** 2 + (1 - s) * eps**2
    dd = s * eps**2 + (1 - s) * (1 - eps) ** 2
    expected = R * cc + (S + T) * eps * (1 - eps) + P * dd
    got = long_run_payoffs("win-stay-lose-shift", "win-stay-lose-shift", noise=eps)
    assert got.scores_per_turn[0] == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("n_rounds", [1, 4, 10])
def test_nowak_2004_tit_for_tat_against_always_defect(n_rounds: int) -> None:
    # Nowak et al. (2004): a = Rn, b = S + P(n − 1), c = T + P(n − 1), d = Pn
    m = expected_payoff_matrix(["tit-for-tat", "always-defect"], turns=n_rounds) * n_rounds
    expected = np.array(
        [[R * n_rounds, S + P * (n_rounds - 1)], [T + P * (n_rounds - 1), P * n_rounds]]
    )
    assert m == pytest.approx(expected, abs=1e-9)
    # with n > (T − P)/(R − P) = 2 rounds, ALLD cannot invade TFT: a > c, bistability
    cls = classify_two(m)
    assert cls.kind == ("bistability" if n_rounds > 2 else "dominance")
    if n_rounds == 10:
        # the one-third law: for weak selection ρ_TFT > 1/N exactly when the interior point
        # x* < 1/3 (large N); here x* = (d − b)/(a − b − c + d) = (10 − 9)/(30 − 9 − 14 + 10)
        assert cls.interior == pytest.approx(1 / 17, abs=1e-12)
        for n in (10, 20, 40):
            assert fixation_probability(m, n, process="moran", intensity=1e-3) > 1 / n
