"""Replicator dynamics of a k×k payoff matrix: trajectories, rest points and their stability.

The replicator equation on the simplex, ``ẋ_i = x_i((A x)_i − xᵀ A x)``, moves the shares of the
types in proportion to how much better than average they do.

* **Rest points**: on every support S (vertices, edges, faces, the interior) a rest point has
  equal payoffs ``(A x)_i = c`` for i in S, Σx = 1 and x_i > 0: one linear system per support.
  A support whose system is singular holds a continuum of rest points (or none) and is reported
  as degenerate.
* **Stability**: the eigenvalues of the Jacobian restricted to the simplex's tangent space
  (vectors summing to zero, which the Jacobian maps into itself on the simplex). A rest point is
  reported stable when every eigenvalue has a negative real part (asymptotic stability; points
  with a zero eigenvalue are not hyperbolic and are reported unstable).
* **Two strategies** ``[[a, b], [c, d]]``: A dominates (a ≥ c, b ≥ d, one strict), B dominates,
  coexistence (a < c, b > d: a stable interior point), bistability (a > c, b < d: an unstable
  interior point), or neutral (a = c, b = d); the interior point is x* = (d − b)/(a − b − c + d).

References
----------
Taylor & Jonker (1978), "Evolutionary stable strategies and game dynamics", Math. Biosci. 40:145.
doi:10.1016/0025-5564(78)90077-9
Hofbauer & Sigmund (1998), *Evolutionary Games and Population Dynamics*. Cambridge University
Press. doi:10.1017/CBO9781139173179
Nowak (2006), *Evolutionary Dynamics*, ch. 4. Harvard University Press.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.integrate import solve_ivp

from trustlab.domain.analysis.fixation import check_payoff_matrix
from trustlab.domain.errors import InvalidParameter

__all__ = [
    "MAX_TYPES",
    "Classification",
    "ReplicatorAnalysis",
    "RestPoint",
    "analyze_replicator",
    "classify_two",
    "integrate_replicator",
    "jacobian",
    "replicator_field",
    "rest_points",
]

#: supports are enumerated exhaustively (2^k − 1 of them): keep k modest
MAX_TYPES = 16
_TOL = 1e-10


def replicator_field(x: np.ndarray, payoffs: np.ndarray) -> np.ndarray:
    """ẋ = x ⊙ (A x − xᵀ A x)."""
    f = payoffs @ x
    return np.asarray(x * (f - x @ f))


def jacobian(x: np.ndarray, payoffs: np.ndarray) -> np.ndarray:
    """The Jacobian of :func:`replicator_field` at ``x``.

    ``J_ij = δ_ij((A x)_i − φ) + x_i(A_ij − (xᵀA)_j − (A x)_j)`` with φ = xᵀ A x.
    """
    a = payoffs
    f = a @ x
    g = x @ a
    phi = x @ f
    return np.asarray(np.diag(f - phi) + x[:, None] * (a - g[None, :] - f[None, :]))


def _tangent_basis(k: int) -> np.ndarray:
    """An orthonormal basis (k, k − 1) of the vectors that sum to zero."""
    q, _ = np.linalg.qr(np.eye(k) - 1.0 / k)
    return np.asarray(q[:, : k - 1])


@dataclass(frozen=True)
class RestPoint:
    """A rest point of the replicator dynamics on the simplex."""

    x: np.ndarray
    support: tuple[int, ...]
    eigenvalues: np.ndarray = field(repr=False)

    @property
    def stable(self) -> bool:
        """Asymptotically stable: every eigenvalue on the simplex has a negative real part."""
        return bool(np.all(self.eigenvalues.real < -_TOL))

    @property
    def hyperbolic(self) -> bool:
        """No eigenvalue on the imaginary axis (linearisation decides stability)."""
        return bool(np.all(np.abs(self.eigenvalues.real) > _TOL))


def rest_points(payoffs: Any) -> tuple[list[RestPoint], list[tuple[int, ...]]]:
    """Every isolated rest point on the simplex, and the supports with a continuum (degenerate).

    Examples
    --------
    >>> pts, _ = rest_points([[3, 0], [5, 1]])  # prisoner's dilemma: defection dominates
    >>> [(p.x.tolist(), p.stable) for p in pts]
    [([1.0, 0.0], False), ([0.0, 1.0], True)]
    """
    a = check_payoff_matrix(payoffs)
    k = a.shape[0]
    if k > MAX_TYPES:
        raise InvalidParameter(f"rest points are enumerated for at most {MAX_TYPES} types, got {k}")
    basis = _tangent_basis(k)
    found: list[RestPoint] = []
    degenerate: list[tuple[int, ...]] = []
    for size in range(1, k + 1):
        for support in itertools.combinations(range(k), size):
            s = list(support)
            # unknowns x_S and the common payoff c: A_SS x_S − c = 0, Σ x_S = 1
            lhs = np.zeros((size + 1, size + 1))
            lhs[:size, :size] = a[np.ix_(s, s)]
            lhs[:size, size] = -1.0
            lhs[size, :size] = 1.0
            rhs = np.zeros(size + 1)
            rhs[size] = 1.0
            if np.linalg.matrix_rank(lhs) < size + 1:
                degenerate.append(tuple(support))
                continue
            sol = np.linalg.solve(lhs, rhs)
            xs = sol[:size]
            if np.any(xs <= _TOL):
                continue
            x = np.zeros(k)
            x[s] = xs
            j = jacobian(x, a)
            eig = np.linalg.eigvals(basis.T @ j @ basis)
            found.append(RestPoint(x, tuple(support), eig))
    return found, degenerate


@dataclass(frozen=True)
class Classification:
    """The four (five) outcomes of two-strategy replicator dynamics."""

    kind: str  # "dominance", "coexistence", "bistability", "neutral"
    winner: str | None  # "A" or "B" for dominance
    interior: float | None  # x* = (d − b)/(a − b − c + d) when in (0, 1)

    def describe(self) -> str:
        """One line for people."""
        if self.kind == "dominance":
            return f"{self.winner} dominates"
        if self.kind == "neutral":
            return "neutral: every mixture is at rest"
        word = "stable" if self.kind == "coexistence" else "unstable"
        return f"{self.kind}: {word} interior point at x = {self.interior:.6g}"


def classify_two(payoffs: Any) -> Classification:
    """Classify the replicator dynamics of ``[[a, b], [c, d]]`` (share x of A).

    Examples
    --------
    >>> classify_two([[4, 0], [3, 1]])  # stag hunt
    Classification(kind='bistability', winner=None, interior=0.5)
    """
    m = check_payoff_matrix(payoffs, size=2)
    (a, b), (c, d) = m
    da, db = a - c, b - d  # A's advantage near x = 1 and near x = 0
    if da == 0 and db == 0:
        return Classification("neutral", None, None)
    if da >= 0 and db >= 0:
        return Classification("dominance", "A", None)
    if da <= 0 and db <= 0:
        return Classification("dominance", "B", None)
    interior = float((d - b) / (a - b - c + d))
    return Classification("coexistence" if da < 0 else "bistability", None, interior)


def integrate_replicator(
    payoffs: Any,
    x0: Any,
    *,
    t_max: float = 50.0,
    n_points: int = 201,
    rtol: float = 1e-10,
    atol: float = 1e-12,
) -> tuple[np.ndarray, np.ndarray]:
    """A trajectory from ``x0``: times (n_points,) and shares (n_points, k), by scipy's DOP853.

    Examples
    --------
    >>> t, xs = integrate_replicator([[3, 0], [5, 1]], [0.9, 0.1], t_max=30)
    >>> bool(xs[-1, 1] > 0.999)
    True
    """
    a = check_payoff_matrix(payoffs)
    x = np.asarray(x0, dtype=np.float64)
    if x.shape != (a.shape[0],) or np.any(x < 0) or not np.isclose(x.sum(), 1.0):
        raise InvalidParameter(
            f"x0 must be {a.shape[0]} non-negative shares summing to 1, got {np.asarray(x0)!r}"
        )
    if not (np.isfinite(t_max) and t_max > 0) or n_points < 2:
        raise InvalidParameter("t_max must be positive and n_points at least 2")
    t_eval = np.linspace(0.0, t_max, n_points)
    sol = solve_ivp(
        lambda _t, y: replicator_field(y, a),
        (0.0, t_max),
        x,
        method="DOP853",
        t_eval=t_eval,
        rtol=rtol,
        atol=atol,
    )
    xs = np.clip(sol.y.T, 0.0, None)
    return t_eval, xs / xs.sum(axis=1, keepdims=True)


@dataclass(frozen=True)
class ReplicatorAnalysis:
    """Rest points (and, for two strategies, the classification) of a payoff matrix.

    Examples
    --------
    >>> from trustlab import analyze_replicator
    >>> r = analyze_replicator([[3, 0], [5, 1]], names=("C", "D"))  # the prisoner's dilemma
    >>> r.classification.kind, r.classification.winner
    ('dominance', 'B')
    """

    payoffs: np.ndarray
    points: list[RestPoint]
    degenerate: list[tuple[int, ...]]
    classification: Classification | None
    names: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The record ``trustlab analyze replicator`` prints (keys are a contract: keep them).

        For two strategies each rest point's ``x`` is the share of A; for more, the vector.
        """
        k = self.payoffs.shape[0]
        pts = [
            {
                "x": float(p.x[0]) if k == 2 else p.x.tolist(),
                "stable": p.stable,
                "support": list(p.support),
                "eigenvalues": [float(e.real) for e in p.eigenvalues],
            }
            for p in self.points
        ]
        out: dict[str, Any] = {
            "payoffs": self.payoffs.tolist(),
            "strategies": list(self.names),
            "rest_points": pts,
            "degenerate_supports": [list(s) for s in self.degenerate],
        }
        if self.classification is not None:
            c = self.classification
            out["classification"] = c.kind
            out["winner"] = c.winner
            out["interior"] = c.interior
            out["description"] = c.describe()
        return out


def analyze_replicator(payoffs: Any, names: tuple[str, ...] = ()) -> ReplicatorAnalysis:
    """Rest points with stability, plus the classification for two strategies.

    Examples
    --------
    >>> r = analyze_replicator([[2, 3], [4, 1]])  # snowdrift-like: coexistence
    >>> r.to_dict()["classification"], [p["x"] for p in r.to_dict()["rest_points"]]
    ('coexistence', [1.0, 0.0, 0.5])
    """
    a = check_payoff_matrix(payoffs)
    points, degenerate = rest_points(a)
    cls = classify_two(a) if a.shape[0] == 2 else None
    return ReplicatorAnalysis(a, points, degenerate, cls, tuple(names))
