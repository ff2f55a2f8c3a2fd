"""Fixation probabilities: closed forms to 1e-9, an independent linear solve, and simulation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from trustlab import GameError, InvalidParameter
from trustlab.domain.analysis.fixation import (
    check_payoff_matrix,
    fixation_matrix,
    fixation_probabilities,
    fixation_probability,
    moran_constant_fitness,
    rare_mutation_stationary,
)

PD = [[3.0, 0.0], [5.0, 1.0]]
STAG = [[4.0, 0.0], [3.0, 1.0]]
SNOW = [[3.0, 2.0], [4.0, 0.0]]


def _payoffs(m: np.ndarray, n: int, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    (a, b), (c, d) = m
    return (a * (j - 1) + b * (n - j)) / (n - 1), (c * j + d * (n - j - 1)) / (n - 1)


def _absorption_by_linear_solve(m: np.ndarray, n: int, process: str, x: float) -> np.ndarray:
    """ρ_j for j = 0..N by solving the birth–death chain's absorption equations directly."""
    j = np.arange(1, n, dtype=float)
    pa, pb = _payoffs(np.asarray(m, float), n, j)
    if process == "moran":
        fa, fb = 1 - x + x * pa, 1 - x + x * pb
        up = j * fa / (j * fa + (n - j) * fb) * (n - j) / n
        down = (n - j) * fb / (j * fa + (n - j) * fb) * j / n
    else:
        up = j * (n - j) / n**2 / (1 + np.exp(-x * (pa - pb)))
        down = j * (n - j) / n**2 / (1 + np.exp(x * (pa - pb)))
    # ρ_j = down_j ρ_{j−1} + up_j ρ_{j+1} + (1 − up_j − down_j) ρ_j, ρ_0 = 0, ρ_N = 1
    a = np.zeros((n + 1, n + 1))
    rhs = np.zeros(n + 1)
    a[0, 0] = a[n, n] = 1.0
    rhs[n] = 1.0
    for i in range(1, n):
        a[i, i - 1] = -down[i - 1]
        a[i, i] = up[i - 1] + down[i - 1]
        a[i, i + 1] = -up[i - 1]
    return np.linalg.solve(a, rhs)


@pytest.mark.parametrize("r", [0.5, 0.9, 1.1, 2.0, 10.0])
@pytest.mark.parametrize("n", [2, 5, 30, 200])
def test_moran_constant_fitness_formula(r: float, n: int) -> None:
    # a mutant of fitness r among residents of fitness 1: payoffs a = b = r, c = d = 1, w = 1
    for i in sorted({1, n // 2, n - 1}):
        got = fixation_probability([[r, r], [1, 1]], n, process="moran", intensity=1.0, mutants=i)
        assert got == pytest.approx((1 - r**-i) / (1 - r**-n), abs=1e-9, rel=1e-9)
        assert moran_constant_fitness(r, n, i) == pytest.approx(got, abs=1e-12, rel=1e-12)


@pytest.mark.parametrize("m", [PD, STAG, SNOW, [[1, 4], [2, 3]]])
@pytest.mark.parametrize("w", [0.0, 0.01, 0.3, 0.9])
@pytest.mark.parametrize("n", [3, 10, 40])
def test_nowak_2004_product_formula(m: list[list[float]], w: float, n: int) -> None:
    # Nowak et al. (2004): ρ_A = 1 / (1 + Σ_k Π_{j≤k} g_j / f_j), f = 1 − w + w·π_A, g for B
    j = np.arange(1, n, dtype=float)
    pa, pb = _payoffs(np.asarray(m, float), n, j)
    ratios = (1 - w + w * pb) / (1 - w + w * pa)
    expected = 1.0 / (1.0 + sum(math.prod(ratios[:k]) for k in range(1, n)))
    got = fixation_probability(m, n, process="moran", intensity=w)
    assert got == pytest.approx(expected, abs=1e-9, rel=1e-9)
    full = _absorption_by_linear_solve(np.asarray(m), n, "moran", w)
    for i in range(1, n):
        assert fixation_probability(m, n, process="moran", intensity=w, mutants=i) == (
            pytest.approx(full[i], abs=1e-9)
        )


@pytest.mark.parametrize("m", [PD, STAG, SNOW])
@pytest.mark.parametrize("beta", [0.0, 0.1, 1.0, 5.0])
@pytest.mark.parametrize("n", [2, 10, 50])
def test_traulsen_2006_fermi_sum_formula(m: list[list[float]], beta: float, n: int) -> None:
    # Traulsen, Nowak & Pacheco (2006), eq. (9): ρ_A = 1 / Σ_{k=0}^{N−1} exp(−β(k(k+1)u + 2kv))
    (a, b), (c, d) = m
    u = (a - b - c + d) / (2 * (n - 1))
    v = (-a + b * n - d * n + d) / (2 * (n - 1))
    expected = 1.0 / sum(math.exp(-beta * (k * (k + 1) * u + 2 * k * v)) for k in range(n))
    got = fixation_probability(m, n, process="fermi", intensity=beta)
    assert got == pytest.approx(expected, abs=1e-9, rel=1e-9)
    if beta <= 1.0:  # stronger selection leaves the direct solve too ill-conditioned to judge
        full = _absorption_by_linear_solve(np.asarray(m), n, "fermi", beta)
        assert got == pytest.approx(full[1], abs=1e-9)


@pytest.mark.parametrize("n", [4, 10, 30])
def test_one_third_law_sign_under_weak_selection(n: int) -> None:
    # Nowak et al. (2004): for w → 0, ρ_A > 1/N iff a(N − 2) + b(2N − 1) > c(N + 1) + d(2N − 4)
    rng = np.random.default_rng(7)
    for _ in range(30):
        m = rng.uniform(0, 5, size=(2, 2))
        (a, b), (c, d) = m
        lhs = a * (n - 2) + b * (2 * n - 1) - c * (n + 1) - d * (2 * n - 4)
        if abs(lhs) < 0.05:
            continue
        rho = fixation_probability(m, n, process="moran", intensity=1e-4)
        assert (rho > 1 / n) == (lhs > 0)


def test_strong_selection_and_large_populations_do_not_overflow() -> None:
    r = fixation_probabilities(PD, 5000, process="fermi", intensity=50.0)
    assert r.rho_a == 0.0 or r.rho_a < 1e-300
    assert 0.0 < r.rho_b <= 1.0 and math.isfinite(r.rho_b)


def test_rho_b_is_the_swapped_matrix() -> None:
    r = fixation_probabilities(STAG, 12, process="moran", intensity=0.2, mutants=3)
    swapped = [[STAG[1][1], STAG[1][0]], [STAG[0][1], STAG[0][0]]]
    assert r.rho_b == fixation_probability(swapped, 12, process="moran", intensity=0.2, mutants=3)
    assert r.to_dict()["neutral"] == pytest.approx(3 / 12)


def _simulate(m: list[list[float]], n: int, process: str, x: float, runs: int, seed: int) -> float:
    """Share of runs in which one A mutant takes over: individual update rules, sampled."""
    rng = np.random.default_rng(seed)
    mat = np.asarray(m, float)
    j = np.ones(runs, dtype=np.int64)
    active = np.ones(runs, dtype=bool)
    while active.any():
        idx = np.flatnonzero(active)
        jj = j[idx].astype(float)
        pa, pb = _payoffs(mat, n, jj)
        if process == "moran":
            fa, fb = 1 - x + x * pa, 1 - x + x * pb
            parent_a = rng.random(idx.size) < jj * fa / (jj * fa + (n - jj) * fb)
            dead_a = rng.random(idx.size) < jj / n
            j[idx] += parent_a.astype(np.int64) - dead_a.astype(np.int64)
        else:
            # focal and model: two distinct random players
            focal_a = rng.random(idx.size) < jj / n
            model_a = rng.random(idx.size) < np.where(focal_a, jj - 1, jj) / (n - 1)
            differ = focal_a != model_a
            gain = np.where(focal_a, pb - pa, pa - pb)  # model's payoff minus focal's
            imitate = differ & (rng.random(idx.size) < 1 / (1 + np.exp(-x * gain)))
            j[idx] += np.where(imitate, np.where(focal_a, -1, 1), 0)
        active = (j > 0) & (j < n)
    return float((j == n).mean())


@pytest.mark.parametrize(
    ("m", "process", "x"),
    [(STAG, "moran", 0.5), (SNOW, "moran", 0.2), (PD, "fermi", 0.3), (STAG, "fermi", 1.0)],
)
def test_fixation_agrees_with_simulated_runs(m: list[list[float]], process: str, x: float) -> None:
    n, runs = 8, 20000
    exact = fixation_probability(m, n, process=process, intensity=x)
    sim = _simulate(m, n, process, x, runs, seed=2)
    se = math.sqrt(exact * (1 - exact) / runs)
    assert abs(sim - exact) < 4.5 * se


def test_rare_mutation_stationary_distribution() -> None:
    # rock–paper–scissors is symmetric: the three residents share the time equally
    rps = [[0, -1, 1], [1, 0, -1], [-1, 1, 0]]
    s, t = rare_mutation_stationary(rps, 20, process="fermi", intensity=1.0)
    assert s == pytest.approx(np.full(3, 1 / 3), abs=1e-12)
    assert np.allclose(t.sum(axis=1), 1.0)
    # two types: the chain's balance gives s_A / s_B = ρ_A / ρ_B
    s2, _ = rare_mutation_stationary(STAG, 15, process="moran", intensity=0.4)
    r = fixation_probabilities(STAG, 15, process="moran", intensity=0.4)
    assert s2[0] / s2[1] == pytest.approx(r.rho_a / r.rho_b, rel=1e-9)
    rho = fixation_matrix(rps, 20, process="fermi", intensity=1.0)
    assert rho[0, 1] == pytest.approx(fixation_probability([[0, -1], [1, 0]], 20, process="fermi"))


@pytest.mark.parametrize(
    ("kwargs", "err", "match"),
    [
        ({"payoffs": [1, 2, 3]}, GameError, "square"),
        ({"payoffs": [[1, 2, 3], [4, 5, 6]]}, GameError, "square"),
        ({"payoffs": [1, 2, float("inf"), 4]}, GameError, "finite"),
        ({"payoffs": [1, 2, float("nan"), 4]}, GameError, "finite"),
        ({"n_population": 1}, InvalidParameter, "N ≥ 2"),
        ({"intensity": 1.5}, InvalidParameter, r"\[0, 1\]"),
        ({"intensity": -0.1, "process": "fermi"}, InvalidParameter, "β"),
        ({"process": "wright-fisher"}, InvalidParameter, "moran, fermi"),
        ({"mutants": 0}, InvalidParameter, "1..N−1"),
        ({"mutants": 10}, InvalidParameter, "1..N−1"),
        ({"payoffs": [[-5, 0], [0, 0]], "intensity": 1.0}, InvalidParameter, "positive"),
    ],
)
def test_bad_input_is_refused(kwargs: dict[str, object], err: type[Exception], match: str) -> None:
    args: dict[str, object] = {"payoffs": PD, "n_population": 10}
    args.update(kwargs)
    payoffs, n = args.pop("payoffs"), args.pop("n_population")
    with pytest.raises(err, match=match):
        fixation_probability(payoffs, n, **args)  # type: ignore[arg-type]


def test_flat_matrix_is_read_row_by_row() -> None:
    assert check_payoff_matrix([1, 2, 3, 4, 5, 6, 7, 8, 9]).tolist() == [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
    ]
