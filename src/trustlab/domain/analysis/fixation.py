"""Finite populations: exact fixation probabilities and the rare-mutation stationary distribution.

A well-mixed population of N holds ``j`` players of type A and ``N − j`` of type B. Each player
meets every other player once (no self-interaction) and earns the average payoff

    π_A(j) = (a(j − 1) + b(N − j)) / (N − 1),    π_B(j) = (c·j + d(N − j − 1)) / (N − 1),

for the payoff matrix ``[[a, b], [c, d]]`` (a = π(A, A), b = π(A, B), c = π(B, A), d = π(B, B)),
as in Nowak et al. (2004) and Traulsen et al. (2006). Two processes:

* **moran** (birth–death): fitness ``f = 1 − w + w·π`` with intensity w ∈ [0, 1]; a player is
  chosen to reproduce in proportion to fitness and its offspring replaces a random player. The
  ratio of the transition probabilities is ``T⁻(j)/T⁺(j) = f_B(j)/f_A(j)``.
* **fermi** (pairwise comparison): a random focal player imitates a random model with probability
  ``1 / (1 + exp(−β(π_model − π_focal)))``, β ≥ 0; so ``T⁻(j)/T⁺(j) = exp(−β(π_A(j) − π_B(j)))``.

For both, the probability that ``i`` mutants of A take over a population of B is the birth–death
chain's absorption probability

    ρ_i = Σ_{k=0}^{i−1} Π_{j=1}^{k} γ_j / Σ_{k=0}^{N−1} Π_{j=1}^{k} γ_j,    γ_j = T⁻(j)/T⁺(j),

computed in log space so that strong selection and large N neither overflow nor underflow.

References
----------
Nowak, Sasaki, Taylor & Fudenberg (2004), "Emergence of cooperation and evolutionary stability
in finite populations", Nature 428:646. doi:10.1038/nature02414
Traulsen, Nowak & Pacheco (2006), "Stochastic dynamics of invasion and fixation", Phys. Rev. E
74:011909. doi:10.1103/PhysRevE.74.011909
Fudenberg & Imhof (2006), "Imitation processes with small mutations", J. Econ. Theory 131:251.
doi:10.1016/j.jet.2005.04.006
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from scipy.special import logsumexp

from trustlab.domain.errors import GameError, InvalidParameter
from trustlab.domain.limits import MAX_EXACT_POPULATION, check_memory, check_work

__all__ = [
    "PROCESSES",
    "FixationResult",
    "check_payoff_matrix",
    "fixation_matrix",
    "fixation_probabilities",
    "fixation_probability",
    "moran_constant_fitness",
    "rare_mutation_stationary",
]

Process = Literal["moran", "fermi"]
PROCESSES: tuple[str, ...] = ("moran", "fermi")


def check_payoff_matrix(payoffs: Any, *, size: int | None = None) -> np.ndarray:
    """``payoffs`` as a square finite float matrix, or :class:`GameError` saying what is wrong.

    A flat sequence of k² numbers is read row by row.
    """
    try:
        m = np.array(payoffs, dtype=np.float64)
    except (TypeError, ValueError):
        raise GameError(f"a payoff matrix must hold numbers, got {payoffs!r}") from None
    if m.ndim == 1:
        k = math.isqrt(m.size)
        if k * k != m.size or k < 2:
            raise GameError(
                f"a payoff matrix must be square: {m.size} numbers is not k² for any k ≥ 2"
            )
        m = m.reshape(k, k)
    if m.ndim != 2 or m.shape[0] != m.shape[1]:
        raise GameError(f"a payoff matrix must be square, got shape {m.shape}")
    if m.shape[0] < 2:
        raise GameError("a payoff matrix needs at least 2 strategies")
    if size is not None and m.shape[0] != size:
        raise GameError(f"need a {size}×{size} payoff matrix, got {m.shape[0]}×{m.shape[1]}")
    if not np.all(np.isfinite(m)):
        raise GameError("payoffs must be finite numbers (no inf or nan)")
    return m


def _check_population(n: int) -> int:
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or int(n) < 2:
        raise InvalidParameter(f"the population needs at least 2 players (N ≥ 2), got {n!r}")
    # the sums run over j = 1..N−1 in about ten float64 arrays of N (and ~1 s per 10⁸)
    check_memory(int(n) * 80.0, f"population = {int(n)}")
    check_work(int(n), MAX_EXACT_POPULATION, "players", f"population = {int(n)}")
    return int(n)


def _check_process(process: str, intensity: float) -> tuple[str, float]:
    if process not in PROCESSES:
        raise InvalidParameter(f"process must be one of {', '.join(PROCESSES)}, got {process!r}")
    try:
        x = float(intensity)
    except (TypeError, ValueError):
        raise InvalidParameter(f"intensity must be a number, got {intensity!r}") from None
    if process == "moran" and not 0.0 <= x <= 1.0:
        raise InvalidParameter(f"the Moran intensity w must lie in [0, 1], got {intensity!r}")
    if process == "fermi" and not (math.isfinite(x) and x >= 0.0):
        raise InvalidParameter(f"the Fermi intensity β must be finite and ≥ 0, got {intensity!r}")
    return process, x


def _log_gamma(m: np.ndarray, n: int, process: str, intensity: float) -> np.ndarray:
    """log(T⁻(j)/T⁺(j)) for j = 1..N−1: A mutants (row 0) among B residents (row 1)."""
    (a, b), (c, d) = m
    j = np.arange(1, n, dtype=np.float64)
    pi_a = (a * (j - 1) + b * (n - j)) / (n - 1)
    pi_b = (c * j + d * (n - j - 1)) / (n - 1)
    if process == "fermi":
        return np.asarray(-intensity * (pi_a - pi_b))
    f_a = 1.0 - intensity + intensity * pi_a
    f_b = 1.0 - intensity + intensity * pi_b
    if np.any(f_a <= 0.0) or np.any(f_b <= 0.0):
        raise InvalidParameter(
            f"Moran fitness 1 − w + w·π must be positive; with w = {intensity:g} and these "
            "payoffs it is not (lower w or shift the payoffs up)"
        )
    return np.asarray(np.log(f_b) - np.log(f_a))


def _rho(m: np.ndarray, n: int, process: str, intensity: float, mutants: int) -> float:
    log_prod = np.concatenate([[0.0], np.cumsum(_log_gamma(m, n, process, intensity))])
    return float(np.exp(logsumexp(log_prod[:mutants]) - logsumexp(log_prod)))


def fixation_probability(
    payoffs: Any,
    n_population: int,
    *,
    process: Process | str = "moran",
    intensity: float = 1.0,
    mutants: int = 1,
) -> float:
    """Probability that ``mutants`` players of type A take over a population of type B.

    Parameters
    ----------
    payoffs : array_like (2, 2) or 4 numbers
        ``[[a, b], [c, d]]``: a = π(A, A), b = π(A, B), c = π(B, A), d = π(B, B).
    n_population : int
        N ≥ 2.
    process : {"moran", "fermi"}
        Birth–death Moran with fitness 1 − w + w·π, or pairwise comparison (Fermi).
    intensity : float
        w ∈ [0, 1] (Moran) or β ≥ 0 (Fermi).
    mutants : int
        Initial number of A players, 1..N−1.

    References
    ----------
    Nowak et al. (2004), Nature 428:646. doi:10.1038/nature02414
    Traulsen, Nowak & Pacheco (2006), Phys. Rev. E 74:011909. doi:10.1103/PhysRevE.74.011909

    Examples
    --------
    >>> round(fixation_probability([1, 1, 1, 1], 10), 12)  # neutral: 1/N
    0.1
    >>> round(fixation_probability([2, 2, 1, 1], 10), 6) == round(moran_constant_fitness(2, 10), 6)
    True
    """
    m = check_payoff_matrix(payoffs, size=2)
    n = _check_population(n_population)
    process, x = _check_process(str(process), intensity)
    if isinstance(mutants, bool) or not isinstance(mutants, int | np.integer):
        raise InvalidParameter(f"mutants must be an integer in 1..{n - 1}, got {mutants!r}")
    if not 1 <= int(mutants) <= n - 1:
        raise InvalidParameter(f"mutants must lie in 1..N−1 = 1..{n - 1}, got {mutants}")
    return _rho(m, n, process, x, int(mutants))


def _swap(m: np.ndarray) -> np.ndarray:
    """The matrix seen from B's side: B becomes the mutant type."""
    return np.array([[m[1, 1], m[1, 0]], [m[0, 1], m[0, 0]]])


@dataclass(frozen=True)
class FixationResult:
    """Fixation probabilities of two types, each invading the other.

    Examples
    --------
    >>> from trustlab import fixation_probabilities
    >>> r = fixation_probabilities([3, 0, 5, 1], 10, process="moran", intensity=0.0)
    >>> round(r.rho_a, 12), round(r.rho_b, 12), r.neutral
    (0.1, 0.1, 0.1)
    """

    payoffs: np.ndarray
    n_population: int
    process: str
    intensity: float
    mutants: int
    rho_a: float
    rho_b: float

    @property
    def neutral(self) -> float:
        """The neutral reference ``mutants / N``."""
        return self.mutants / self.n_population

    def to_dict(self) -> dict[str, Any]:
        """The record ``trustlab analyze fixation`` prints (keys are a contract: keep them)."""
        return {
            "payoffs": self.payoffs.tolist(),
            "population": self.n_population,
            "process": self.process,
            "intensity": self.intensity,
            "mutants": self.mutants,
            "rho_a": self.rho_a,
            "rho_b": self.rho_b,
            "neutral": self.neutral,
            "a_favoured": self.rho_a > self.neutral,
            "b_favoured": self.rho_b > self.neutral,
        }


def fixation_probabilities(
    payoffs: Any,
    n_population: int,
    *,
    process: Process | str = "moran",
    intensity: float = 1.0,
    mutants: int = 1,
) -> FixationResult:
    """``rho_a`` (``mutants`` A among B) and ``rho_b`` (``mutants`` B among A); see
    :func:`fixation_probability`.

    Examples
    --------
    >>> r = fixation_probabilities([3, 0, 5, 1], 20, process="fermi", intensity=1.0)
    >>> r.rho_a < 1 / 20 < r.rho_b
    True
    """
    m = check_payoff_matrix(payoffs, size=2)
    kw: dict[str, Any] = {"process": process, "intensity": intensity, "mutants": mutants}
    rho_a = fixation_probability(m, n_population, **kw)
    rho_b = fixation_probability(_swap(m), n_population, **kw)
    return FixationResult(m, int(n_population), str(process), float(intensity), int(mutants),
                          rho_a, rho_b)  # fmt: skip


def moran_constant_fitness(r: float, n_population: int, mutants: int = 1) -> float:
    """The classic Moran formula for a mutant of constant relative fitness r:
    ``(1 − r^−i) / (1 − r^−N)`` (``i / N`` when r = 1).

    References
    ----------
    Nowak (2006), *Evolutionary Dynamics*, eq. 6.4. Harvard University Press.
    """
    n = _check_population(n_population)
    if not (math.isfinite(r) and r > 0):
        raise InvalidParameter(f"relative fitness r must be finite and positive, got {r!r}")
    if r == 1.0:
        return mutants / n
    return (1.0 - r ** (-mutants)) / (1.0 - r ** (-n))


def fixation_matrix(
    payoffs: Any,
    n_population: int,
    *,
    process: Process | str = "moran",
    intensity: float = 1.0,
) -> np.ndarray:
    """``rho[i, j]``: probability that one mutant of type i takes over a population of type j
    (the diagonal is left at 0), for a k×k payoff matrix."""
    m = check_payoff_matrix(payoffs)
    n = _check_population(n_population)
    proc, x = _check_process(str(process), intensity)
    k = m.shape[0]
    rho = np.zeros((k, k))
    for i in range(k):
        for j in range(k):
            if i != j:
                sub = m[np.ix_([i, j], [i, j])]
                rho[i, j] = _rho(sub, n, proc, x, 1)
    return rho


def rare_mutation_stationary(
    payoffs: Any,
    n_population: int,
    *,
    process: Process | str = "moran",
    intensity: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Long-run share of time each type is the resident, in the limit of rare mutations.

    The population is almost always monomorphic; a mutant of one of the k − 1 other types
    (chosen uniformly) fixes with its fixation probability. The embedded chain of fixations has
    transitions ``T[j, i] = ρ_{i→j} / (k − 1)`` from resident j to resident i, as in egttools'
    ``StochDynamics`` (Fudenberg & Imhof 2006).

    Returns
    -------
    stationary : ndarray (k,)
    transition : ndarray (k, k)
        Row-stochastic: ``transition[j, i]`` from resident j to resident i.

    References
    ----------
    Fudenberg & Imhof (2006), J. Econ. Theory 131:251. doi:10.1016/j.jet.2005.04.006

    Examples
    --------
    >>> s, _ = rare_mutation_stationary([[1, 1], [1, 1]], 10)
    >>> s.tolist()
    [0.5, 0.5]
    """
    rho = fixation_matrix(payoffs, n_population, process=process, intensity=intensity)
    k = rho.shape[0]
    t = rho.T / (k - 1)
    np.fill_diagonal(t, 0.0)
    np.fill_diagonal(t, 1.0 - t.sum(axis=1))
    # left eigenvector for eigenvalue 1: solve πᵀ(T − I) = 0 with Σπ = 1
    a = t.T - np.eye(k)
    a[-1] = 1.0
    rhs = np.zeros(k)
    rhs[-1] = 1.0
    try:
        pi = np.linalg.solve(a, rhs)
    except np.linalg.LinAlgError:
        # several absorbing residents (fixation probabilities of 0): least squares picks one
        pi = np.linalg.lstsq(a, rhs, rcond=None)[0]
    pi = np.clip(pi, 0.0, None)
    return pi / pi.sum(), t
