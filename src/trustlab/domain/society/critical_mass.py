"""The collective action experiment: how many must open first for openness to take over?

A guarded population (with or without exploiters) receives a share ``f`` of initiators, placed at
random or as one cluster. Characters change by imitating better-off partners (Fermi) every
``revision_interval`` rounds. Each run goes on until it is decided (see
:func:`trustlab.domain.society.simulation.run_until_decided`): it *succeeds* once the initiators'
character holds at least ``success_share`` (0.95) of the agents — openness took over — and
*fails* once that character is gone; a run still undecided after ``rounds`` rounds is reported as
undecided and left out of the fit (never counted as a failure). With revision off nothing can
change, so every run below the success share stays undecided and no critical share is reported.

Every run has its own seed, drawn independently for each (share, replicate) from the
experiment's seed with :class:`numpy.random.SeedSequence` (``spawn_key`` = share in agents,
replicate). A logistic curve fitted by maximum likelihood (a stable log-likelihood with a weak
ridge on the slope, so separated data give a finite fit without warnings) gives the share at
which half the decided runs succeed — the *critical share*. Its 95 % interval is the hull of
two: a percentile bootstrap over runs (the runs at each share resampled with replacement and
the curve refitted) and the profile-likelihood interval of the 50 % point (they agree closely
on the measured curves; the hull guards against either running narrow). When the outcomes
separate perfectly (all failures below some share, all successes from the next one up) the
critical share is the middle of that bracket and the interval the bracket. Refinement is
adaptive: while the interval is wider than ``width`` — or only one share has both successes
and failures, so that the slope rests on the model rather than on data — and the budget of
runs allows, three shares inside the interval get ``runs`` more runs each.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numba
import numpy as np

from trustlab.domain.errors import InvalidParameter
from trustlab.domain.limits import check_society
from trustlab.domain.play import check_probability, resolve_seed
from trustlab.domain.provenance import version
from trustlab.domain.society.agents import get_member
from trustlab.domain.society.config import SocietyConfig
from trustlab.domain.society.simulation import run_until_decided
from trustlab.kernel.rng import replicate_seed

__all__ = [
    "DEFAULT_SHARES",
    "CriticalMassResult",
    "critical_mass",
    "estimate_critical_share",
    "fit_logistic",
    "run_seed",
]

Progress = Callable[[int, int], None]
DEFAULT_SHARES = (0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5)
_RIDGE = 1e-3  # on the slope, in units of the centred, scaled share
_BOOT = 1000


@dataclass(frozen=True)
class CriticalMassResult:
    """The outcome of a critical-mass experiment.

    Attributes
    ----------
    critical_share : float or None
        Share of initiators at which half the decided runs end with openness taken over (None
        when the grid never brackets it, or no run was decided).
    interval : (float or None, float or None)
        95 % bootstrap interval (or the separating bracket) of the critical share.
    curve : list of dict
        Per share: ``share``, ``runs``, ``successes``, ``failures``, ``undecided``,
        ``success_rate`` (successes over decided runs; None when none was decided),
        ``final_share`` (initiators' character at the end, mean), ``final_open_rate`` (mean),
        ``rounds`` (mean rounds to decision), ``initiator_payoff_early`` (initiators' payoff per
        round over the first revision interval, before anyone changed), ``initiator_payoff`` and
        ``guarded_payoff`` (per agent-round over the whole run, by the character held then).
    method : str
        ``logistic``, ``bracket`` (separated outcomes), ``above-grid`` (no success),
        ``below-grid`` (no failure) or ``undecided`` (no decided run).
    width : float or None
        Achieved interval width.
    """

    critical_share: float | None
    interval: tuple[float | None, float | None]
    curve: list[dict[str, Any]]
    method: str
    initiator: str
    exploiters: float
    clustered: bool
    runs: int
    seed: int
    config: dict[str, Any]
    success_share: float = 0.95
    width: float | None = None
    width_target: float = 0.03
    total_runs: int = 0
    undecided: int = 0
    version: str = field(default_factory=version)

    def to_dict(self) -> dict[str, Any]:
        """The record the CLI prints as JSON (keys are a contract: keep them)."""
        return {
            "critical_share": self.critical_share,
            "interval": list(self.interval),
            "width": self.width,
            "width_target": self.width_target,
            "curve": self.curve,
            "method": self.method,
            "initiator": self.initiator,
            "exploiters": self.exploiters,
            "placement": "clustered" if self.clustered else "random",
            "success_share": self.success_share,
            "runs": self.runs,
            "total_runs": self.total_runs,
            "undecided": self.undecided,
            "seed": self.seed,
            "version": self.version,
            "config": self.config,
        }


def _fit_many(
    x: np.ndarray, y: np.ndarray, n: np.ndarray, ridge: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Penalised logistic fits of the rows of ``y`` (successes, shape (B, k)) out of ``n``
    trials at shares ``x``: Newton steps with step halving on the concave objective
    Σ [y η − n log(1 + e^η)] − ridge b² / 2 (η = a + b·z, z the centred, scaled share), computed
    with ``logaddexp`` so that nothing overflows. Returns (a, b, converged) in z units."""
    z = (x - _centre(x, n)) / _scale(x)
    B = y.shape[0]
    theta = np.zeros((B, 2))

    def objective(th: np.ndarray) -> np.ndarray:
        eta = th[:, :1] + th[:, 1:] * z
        ll = (y * eta - n * np.logaddexp(0.0, eta)).sum(axis=1)
        return np.asarray(ll - 0.5 * ridge * th[:, 1] ** 2 - 0.5e-6 * th[:, 0] ** 2)

    f0 = objective(theta)
    converged = np.zeros(B, dtype=bool)
    for _ in range(100):
        eta = theta[:, :1] + theta[:, 1:] * z
        p = np.exp(eta - np.logaddexp(0.0, eta))
        r = y - n * p
        w = n * p * (1.0 - p)
        g0 = r.sum(axis=1) - 1e-6 * theta[:, 0]
        g1 = (r * z).sum(axis=1) - ridge * theta[:, 1]
        h00 = w.sum(axis=1) + 1e-6
        h01 = (w * z).sum(axis=1)
        h11 = (w * z * z).sum(axis=1) + ridge
        det = h00 * h11 - h01 * h01
        d = np.stack([(h11 * g0 - h01 * g1) / det, (h00 * g1 - h01 * g0) / det], axis=1)
        t = np.ones(B)
        for _ in range(40):
            cand = theta + t[:, None] * d
            f1 = objective(cand)
            ok = f1 >= f0 - 1e-12
            if ok.all():
                break
            t = np.where(ok, t, 0.5 * t)
        theta, f0 = cand, f1
        converged = np.max(np.abs(t[:, None] * d), axis=1) < 1e-9
        if converged.all():
            break
    return theta[:, 0], theta[:, 1], converged


def _centre(x: np.ndarray, n: np.ndarray) -> float:
    return float((x * n).sum() / n.sum())


def _scale(x: np.ndarray) -> float:
    span = float(x.max() - x.min())
    return span / 2 if span > 0 else 1.0


def fit_logistic(
    x: np.ndarray, successes: np.ndarray, trials: np.ndarray
) -> tuple[float, float, np.ndarray] | None:
    """Maximum-likelihood logistic regression p(x) = 1 / (1 + exp(−(a + b x))).

    Returns (a, b, covariance of (a, b)), or None when the maximum does not exist (no variation,
    or outcomes separated perfectly). Stable: never overflows.

    Examples
    --------
    >>> import numpy as np
    >>> a, b, cov = fit_logistic(np.array([0.0, 1, 2, 3]), np.array([1, 3, 7, 9]),
    ...                          np.array([10, 10, 10, 10]))
    >>> round(-a / b, 2)
    1.5
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(successes, dtype=np.float64)
    n = np.asarray(trials, dtype=np.float64)
    if y.sum() in (0.0, n.sum()) or _separated(x, y, n):
        return None
    a_z, b_z, ok = _fit_many(x, y[None, :], n, 0.0)
    if not ok[0]:
        return None
    c, s = _centre(x, n), _scale(x)
    b = float(b_z[0]) / s
    a = float(a_z[0]) - b * c
    eta = a + b * x
    p = np.exp(eta - np.logaddexp(0.0, eta))
    w = n * p * (1.0 - p)
    X = np.stack([np.ones_like(x), x], axis=1)
    return a, b, np.linalg.inv(X.T @ (X * w[:, None]))


def _separated(x: np.ndarray, y: np.ndarray, n: np.ndarray) -> bool:
    """All failures at shares below all successes (a step the logistic MLE cannot fit)."""
    fails = x[y < n]
    wins = x[y > 0]
    return bool(fails.size and wins.size and fails.max() < wins.min())


def estimate_critical_share(
    shares: np.ndarray, successes: np.ndarray, decided: np.ndarray, *, seed: int = 0
) -> tuple[float | None, tuple[float | None, float | None], str]:
    """The critical share, its 95 % interval and the method (see the module docstring).

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([0.1, 0.2, 0.3])
    >>> estimate_critical_share(x, np.array([0, 0, 8]), np.array([8, 8, 8]))
    (0.25, (0.2, 0.3), 'bracket')
    >>> est, (lo, hi), how = estimate_critical_share(x, np.array([1, 4, 7]), np.array([8, 8, 8]))
    >>> how, round(est, 2), lo < est < hi
    ('logistic', 0.2, True)
    """
    keep = decided > 0
    x = np.asarray(shares, dtype=np.float64)[keep]
    y = np.asarray(successes, dtype=np.float64)[keep]
    n = np.asarray(decided, dtype=np.float64)[keep]
    if n.size == 0:
        return None, (None, None), "undecided"
    if y.sum() == 0:
        return None, (float(x.max()), None), "above-grid"
    if y.sum() == n.sum():
        return None, (None, float(x.min())), "below-grid"
    if _separated(x, y, n):
        lo, hi = float(x[y < n].max()), float(x[y > 0].min())
        return (lo + hi) / 2, (lo, hi), "bracket"
    c, s = _centre(x, n), _scale(x)
    a, b, _ = _fit_many(x, y[None, :], n, _RIDGE)
    if b[0] <= 0:
        return None, (None, None), "decreasing"
    x50 = float(np.clip(c - s * a[0] / b[0], 0.0, 1.0))
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0xB007,)))
    ys = rng.binomial(n.astype(np.int64), y / n, size=(_BOOT, n.size)).astype(np.float64)
    tot = ys.sum(axis=1)
    boot = np.full(_BOOT, np.nan)
    boot[tot == 0] = np.inf  # no success in the resample: the crossing is above the grid
    boot[tot == n.sum()] = -np.inf
    mid = (tot > 0) & (tot < n.sum())
    if mid.any():
        ab, bb, _ = _fit_many(x, ys[mid], n, _RIDGE)
        with np.errstate(divide="ignore", invalid="ignore"):
            xb = np.where(bb > 0, np.clip(c - s * ab / bb, 0.0, 1.0), np.inf)
        boot[mid] = xb
    boot.sort()
    lo_b, hi_b = boot[int(0.025 * _BOOT)], boot[math.ceil(0.975 * _BOOT) - 1]
    lo_p, hi_p = _profile_interval(x, y, n)
    low = None if lo_p is None or not math.isfinite(lo_b) else min(float(lo_b), lo_p)
    high = None if hi_p is None or not math.isfinite(hi_b) else max(float(hi_b), hi_p)
    return x50, (low, high), "logistic"


def _profile_interval(
    x: np.ndarray, y: np.ndarray, n: np.ndarray
) -> tuple[float | None, float | None]:
    """95 % profile-likelihood interval of the 50 % point μ of p(x) = 1 / (1 + e^(−β(x − μ))):
    the μ (on a grid of 1201 points across the measured shares) whose likelihood, maximised over
    the slope β > 0 (best of 40 log-spaced values, then Newton steps on the concave 1-D
    problem), is within χ²₁(0.95) / 2 of the best. A bound at the edge of the grid is None (the
    data do not bound it)."""
    span = float(x.max() - x.min())
    mu = np.linspace(float(x.min()), float(x.max()), 1201)
    z = x[None, :] - mu[:, None]  # (grid, shares)
    top = 4000.0 / span

    def loglik(b: np.ndarray) -> np.ndarray:
        eta = b[:, None] * z
        return np.asarray((y * eta - n * np.logaddexp(0.0, eta)).sum(axis=1))

    grid = np.geomspace(0.5 / span, top, 40)
    lls = np.stack([loglik(np.full(mu.size, b)) for b in grid], axis=1)
    beta = grid[lls.argmax(axis=1)]
    ll = lls.max(axis=1)
    for _ in range(30):
        eta = beta[:, None] * z
        p = np.exp(eta - np.logaddexp(0.0, eta))
        g = ((y - n * p) * z).sum(axis=1)
        h = (n * p * (1.0 - p) * z * z).sum(axis=1) + 1e-12
        cand = np.clip(beta + g / h, 1e-9, top)
        new = loglik(cand)
        better = new > ll
        beta = np.where(better, cand, beta)
        ll = np.where(better, new, ll)
    inside = np.flatnonzero(2.0 * (ll.max() - ll) <= 3.841458820694124)
    lo_i, hi_i = int(inside[0]), int(inside[-1])
    return (
        float(mu[lo_i]) if lo_i > 0 else None,
        float(mu[hi_i]) if hi_i < mu.size - 1 else None,
    )


def run_seed(seed: int, agents_share: int, replicate: int) -> int:
    """The seed of one run: independent for every (share in agents, replicate), from
    :class:`numpy.random.SeedSequence` (63 bits).

    Examples
    --------
    >>> run_seed(1, 30, 0) != run_seed(1, 30, 1) != run_seed(1, 31, 0)
    True
    """
    return replicate_seed(seed, agents_share, replicate)


def critical_mass(
    base: SocietyConfig,
    *,
    initiator: str = "reciprocator",
    guarded: str = "guarded",
    exploiters: float = 0.0,
    exploiter: str = "exploiter",
    clustered: bool = False,
    shares: Sequence[float] = DEFAULT_SHARES,
    runs: int = 12,
    refine: bool = True,
    success_share: float = 0.95,
    width: float = 0.03,
    budget: int = 400,
    seed: int | None = None,
    progress: Progress | None = None,
) -> CriticalMassResult:
    """Find the share of initiators at which openness takes over in half the (decided) runs.

    Parameters
    ----------
    base : SocietyConfig
        Every parameter but the population (which this function sets) — agents, rounds (the
        most a run may last), capacity, partner choice, reputation, noise, revision...
    initiator, guarded, exploiter : str
        The initiators, the guarded majority and the exploiters.
    exploiters : float
        Share of exploiters (placed at random).
    clustered : bool
        Initiators as one block of neighbours on a ring network (the network becomes a ring),
        instead of at random.
    shares : sequence of float
        Shares of initiators to try first (each in (0, 1 − exploiters]; rounded to whole agents).
    runs : int
        Replicates per share (and per share added by refinement).
    refine : bool
        Add shares inside the interval until it is at most ``width`` wide or ``budget`` runs
        were made.
    success_share : float
        A run succeeds once the initiators' character holds at least this share of the agents.
    width, budget : float, int
        Target interval width; most runs in all.
    seed : int, optional
        ``None`` draws fresh entropy, recorded.

    Examples
    --------
    >>> base = SocietyConfig("guarded:1", n_agents=60, rounds=30, capacity=4)
    >>> r = critical_mass(base, shares=[0.1, 0.9], runs=2, refine=False, seed=1)
    >>> [(c["share"], c["runs"]) for c in r.curve]
    [(0.1, 2), (0.9, 2)]
    """
    s = resolve_seed(seed)
    for value, what in ((runs, "runs"), (budget, "budget")):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InvalidParameter(f"{what} must be a positive integer, got {value!r}")
    x_e = check_probability(exploiters, "exploiters share")
    check_probability(success_share, "success share")
    if not success_share > 0.5:
        raise InvalidParameter(f"success share must be in (0.5, 1], got {success_share:g}")
    if not (math.isfinite(width) and width > 0):
        raise InvalidParameter(f"width must be a positive number, got {width!r}")
    n_ag = base.n_agents
    grid = sorted({round(float(f) * n_ag) for f in shares})
    if not grid:
        raise InvalidParameter("give at least one share of initiators")
    for f in shares:
        if not 0.0 < f <= 1.0 - x_e + 1e-12:
            raise InvalidParameter(
                f"initiator shares must be in (0, {1 - x_e:g}] (1 − exploiters), got {f:g}"
            )
    if grid[0] < 1:
        raise InvalidParameter(
            f"the smallest share is less than one agent of {n_ag}: give shares ≥ {1 / n_ag:g}"
        )
    check_society(
        base.n_agents, base.capacity, base.rounds,
        runs=max(budget if refine else 0, len(grid) * runs),
    )  # fmt: skip
    n_act = base.game.n_actions if base.game is not None else 4
    names = {
        "initiator": get_member(initiator, n_act).name,
        "guarded": get_member(guarded, n_act).name,
        "exploiter": get_member(exploiter, n_act).name,
    }
    if len(set(names.values())) < 3:
        raise InvalidParameter("initiator, guarded and exploiter must be different characters")
    data: dict[int, list[Any]] = {}
    planned = max(budget if refine else 0, len(grid) * runs)

    def measure(k: int) -> None:
        f = k / n_ag
        pop = [(names["initiator"], f), (names["guarded"], max(0.0, 1.0 - f - x_e))]
        if x_e > 0:
            pop.append((names["exploiter"], x_e))
        cfg = base.with_(
            population=tuple(pop),
            cluster=names["initiator"] if clustered else None,
            network="ring" if clustered else base.network,
        )
        got = data.setdefault(k, [])
        start = len(got)
        for r in range(start, start + runs):
            got.append(run_until_decided(cfg, seed=run_seed(s, k, r), watch=0,
                                         success_share=success_share))  # fmt: skip
            if progress is not None:
                progress(sum(len(v) for v in data.values()), planned)

    def current() -> tuple[float | None, tuple[float | None, float | None], str]:
        ks = sorted(data)
        outs = [np.array([d.outcome for d in data[k]]) for k in ks]
        return estimate_critical_share(
            np.array(ks, dtype=np.float64) / n_ag,
            np.array([np.count_nonzero(o == 1) for o in outs], dtype=np.float64),
            np.array([np.count_nonzero(o != 0) for o in outs], dtype=np.float64),
            seed=s,
        )

    previous = numba.get_num_threads()
    numba.set_num_threads(1)  # many small runs: a pool's start-up costs more than it saves
    try:
        for k in grid:
            measure(k)
        crit, interval, method = current()
        while refine and crit is not None:
            lo, hi = interval
            if lo is not None and hi is not None and hi - lo <= width and _identified(data):
                break
            if sum(len(v) for v in data.values()) + 3 * runs > budget:
                break
            lo_k = round((lo if lo is not None else min(data) / n_ag) * n_ag)
            hi_k = round((hi if hi is not None else max(data) / n_ag) * n_ag)
            new = sorted({round(lo_k + (hi_k - lo_k) * q) for q in (0.25, 0.5, 0.75)})
            new = [k for k in new if 1 <= k <= round((1.0 - x_e) * n_ag)]
            if method == "bracket":
                new = [k for k in new if lo_k < k < hi_k]
            if not new:
                break
            for k in new:
                measure(k)
            crit, interval, method = current()
    finally:
        numba.set_num_threads(previous)
    curve = [_summary(k / n_ag, data[k]) for k in sorted(data)]
    lo, hi = interval
    return CriticalMassResult(
        crit, interval, curve, method, names["initiator"], x_e, clustered, runs, s,
        base.describe(), success_share,
        (hi - lo) if lo is not None and hi is not None else None, width,
        sum(len(v) for v in data.values()), sum(c["undecided"] for c in curve),
    )  # fmt: skip


def _identified(data: dict[int, list[Any]]) -> bool:
    """Whether the curve's slope rests on data: at least two shares where runs both succeeded
    and failed (or none at all: a step, whose bracket is the interval)."""
    mixed = 0
    for done in data.values():
        o = np.array([d.outcome for d in done])
        mixed += bool(np.any(o == 1) and np.any(o == -1))
    return mixed != 1


def _summary(f: float, done: list[Any]) -> dict[str, Any]:
    outcome = np.array([d.outcome for d in done])
    wins, losses = int(np.count_nonzero(outcome == 1)), int(np.count_nonzero(outcome == -1))

    def mean(values: list[float | None]) -> float | None:
        v = [x for x in values if x is not None and math.isfinite(x)]
        return float(np.mean(v)) if v else None

    return {
        "share": f,
        "runs": len(done),
        "successes": wins,
        "failures": losses,
        "undecided": len(done) - wins - losses,
        "success_rate": wins / (wins + losses) if wins + losses else None,
        "final_share": mean([float(d.shares[0]) for d in done]),
        "final_open_rate": mean([d.open_rate for d in done]),
        "rounds": mean([float(d.rounds) for d in done]),
        "initiator_payoff_early": mean([float(d.payoff_early[0]) for d in done]),
        "initiator_payoff": mean([float(d.payoff[0]) for d in done]),
        "guarded_payoff": mean([float(d.payoff[1]) for d in done]),
    }
