"""Replicator dynamics: rest points, stability, the 2×2 classification, trajectories."""

from __future__ import annotations

import numpy as np
import pytest

from trustlab import GameError, InvalidParameter
from trustlab.domain.analysis.replicator import (
    analyze_replicator,
    classify_two,
    integrate_replicator,
    rest_points,
)


@pytest.mark.parametrize(
    ("m", "kind", "winner"),
    [
        ([[3, 0], [5, 1]], "dominance", "B"),  # prisoner's dilemma
        ([[4, 2], [3, 1]], "dominance", "A"),  # harmony
        ([[3, 2], [4, 0]], "coexistence", None),  # snowdrift
        ([[4, 0], [3, 1]], "bistability", None),  # stag hunt
        ([[1, 2], [1, 2]], "neutral", None),
    ],
)
def test_two_strategy_classification(m: list[list[float]], kind: str, winner: str | None) -> None:
    c = classify_two(m)
    assert (c.kind, c.winner) == (kind, winner)


def test_interior_rest_point_formula() -> None:
    rng = np.random.default_rng(3)
    checked = 0
    for _ in range(200):
        (a, b), (c, d) = m = rng.normal(size=(2, 2))
        if (a - c) * (b - d) >= 0:
            continue
        x_star = (d - b) / (a - b - c + d)
        cls = classify_two(m)
        assert cls.interior == pytest.approx(x_star, abs=1e-12)
        interior = [p for p in rest_points(m)[0] if len(p.support) == 2]
        assert len(interior) == 1
        assert interior[0].x[0] == pytest.approx(x_star, abs=1e-9)
        # stable exactly when it is coexistence (a < c, b > d)
        assert interior[0].stable == (a < c)
        checked += 1
    assert checked > 50


def test_rest_points_and_stability_of_a_stag_hunt() -> None:
    pts, degenerate = rest_points([[4, 0], [3, 1]])
    got = sorted((round(float(p.x[0]), 12), p.stable) for p in pts)
    assert got == [(0.0, True), (0.5, False), (1.0, True)]
    assert degenerate == []


def test_rock_paper_scissors_has_a_neutral_centre() -> None:
    rps = [[0, -1, 1], [1, 0, -1], [-1, 1, 0]]
    pts, _ = rest_points(rps)
    centre = [p for p in pts if len(p.support) == 3]
    assert len(centre) == 1
    assert centre[0].x == pytest.approx(np.full(3, 1 / 3))
    # eigenvalues ±i/√3: a centre, neither stable nor hyperbolic
    assert np.allclose(centre[0].eigenvalues.real, 0.0, atol=1e-12)
    assert sorted(abs(centre[0].eigenvalues.imag)) == pytest.approx([1 / np.sqrt(3)] * 2)
    assert not centre[0].stable and not centre[0].hyperbolic
    assert all(not p.stable for p in pts)  # the vertices are saddles


def test_stability_agrees_with_integrated_trajectories() -> None:
    # a 3×3 game with an attracting interior point
    m = np.array([[0, 2, 1], [1, 0, 2], [2, 1, 0]], dtype=float)
    pts, _ = rest_points(m)
    stable = [p for p in pts if p.stable]
    assert len(stable) == 1
    _, xs = integrate_replicator(m, [0.6, 0.3, 0.1], t_max=200)
    assert xs[-1] == pytest.approx(stable[0].x, abs=1e-4)


def test_trajectory_of_the_prisoners_dilemma_goes_to_defection() -> None:
    t, xs = integrate_replicator([[3, 0], [5, 1]], [0.99, 0.01], t_max=40, n_points=41)
    assert t[-1] == 40.0 and xs.shape == (41, 2)
    assert np.all(np.diff(xs[:, 1]) > -1e-12)  # defectors only gain
    assert xs[-1, 1] > 0.999
    assert np.allclose(xs.sum(axis=1), 1.0)


def test_neutral_matrix_reports_its_continuum() -> None:
    r = analyze_replicator([[1, 2], [1, 2]]).to_dict()
    assert r["classification"] == "neutral"
    assert [0, 1] in r["degenerate_supports"]
    assert all(not p["stable"] for p in r["rest_points"])


def test_to_dict_keeps_the_contract_keys() -> None:
    d = analyze_replicator([[3, 2], [4, 0]]).to_dict()
    assert d["classification"] == "coexistence"
    assert [(p["x"], p["stable"]) for p in d["rest_points"]] == [
        (1.0, False),
        (0.0, False),
        (pytest.approx(2 / 3), True),
    ]


@pytest.mark.parametrize(
    ("payoffs", "x0", "err"),
    [
        ([1, 2, 3], None, GameError),
        ([[1, np.nan], [0, 1]], None, GameError),
        ([[1, 0], [0, 1]], [0.5, 0.6], InvalidParameter),
        ([[1, 0], [0, 1]], [1.2, -0.2], InvalidParameter),
    ],
)
def test_bad_input(payoffs: object, x0: object, err: type[Exception]) -> None:
    with pytest.raises(err):
        if x0 is None:
            analyze_replicator(payoffs)
        else:
            integrate_replicator(payoffs, x0)
