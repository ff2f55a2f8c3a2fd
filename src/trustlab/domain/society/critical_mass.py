"""The collective action experiment: how many must open first for openness to take over?

A guarded population (with or without exploiters) receives a share ``f`` of trustworthy
initiators, placed at random or as one cluster. Characters change by imitating better-off
partners (Fermi) every ``revision_interval`` rounds. A run *succeeds* when openness takes over:
at the end at least ``success_share`` (one half) of the agents have the initiators' character.
(The open rate itself is reported but not used: two reciprocators who met out of phase echo each
other, open and guarded in turn, so even a society of reciprocators may open only half the time.)
For each share on a grid the success rate over ``runs`` replicates is measured; a logistic
curve fitted by maximum likelihood gives the share at which half the runs succeed (the
*critical share*) with a 95 % Wald interval (delta method). When the data separate perfectly
between two neighbouring shares the curve's slope is unbounded; the critical share is then the
midpoint of that bracket and the interval the bracket. One refinement pass adds shares
inside the bracket where the success rate crosses 1/2.

Replicate ``r`` uses the same seed at every share (common random numbers), derived from the
experiment's seed with :class:`numpy.random.SeedSequence`, so the curve is smoother than
independent draws would make it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from trustlab.domain.errors import InvalidParameter
from trustlab.domain.limits import check_society
from trustlab.domain.matches import version
from trustlab.domain.play import check_probability, resolve_seed
from trustlab.domain.society.agents import get_member
from trustlab.domain.society.config import SocietyConfig
from trustlab.domain.society.simulation import run_society

__all__ = ["DEFAULT_SHARES", "CriticalMassResult", "critical_mass", "fit_logistic"]

Progress = Callable[[int, int], None]
DEFAULT_SHARES = (0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5)
_Z95 = 1.959963984540054


@dataclass(frozen=True)
class CriticalMassResult:
    """The outcome of a critical-mass experiment.

    Attributes
    ----------
    critical_share : float or None
        Smallest share of initiators at which openness takes over in half the runs (None when it
        never does on the grid).
    interval : (float, float or None)
        95 % interval of the critical share.
    curve : list of dict
        Per share: ``share``, ``success_rate``, ``runs``, ``final_share`` (of initiators' character,
        mean), ``final_open_rate`` (mean),
        ``initiator_payoff_early`` (initiators' payoff per round in the first record, before
        anyone changed), ``initiator_payoff`` and ``guarded_payoff`` (per round, whole run, by
        final character).
    method : str
        ``logistic`` or ``bracket``.
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
    version: str = field(default_factory=version)

    def to_dict(self) -> dict[str, Any]:
        """The record the CLI prints as JSON (keys are a contract: keep them)."""
        return {
            "critical_share": self.critical_share,
            "interval": list(self.interval),
            "curve": self.curve,
            "method": self.method,
            "initiator": self.initiator,
            "exploiters": self.exploiters,
            "placement": "clustered" if self.clustered else "random",
            "runs": self.runs,
            "seed": self.seed,
            "version": self.version,
            "config": self.config,
        }


def fit_logistic(
    x: np.ndarray, successes: np.ndarray, trials: np.ndarray
) -> tuple[float, float, np.ndarray] | None:
    """Maximum-likelihood logistic regression p(x) = 1 / (1 + exp(−(a + b x))).

    Returns (a, b, covariance of (a, b)) by Newton's method, or None when it does not converge
    (perfect separation, no variation).

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
    if y.sum() in (0.0, n.sum()):
        return None
    theta = np.zeros(2)
    X = np.stack([np.ones_like(x), x], axis=1)
    for _ in range(100):
        eta = X @ theta
        p = 1.0 / (1.0 + np.exp(-eta))
        w = n * p * (1.0 - p)
        info = X.T @ (X * w[:, None])
        grad = X.T @ (y - n * p)
        try:
            delta = np.linalg.solve(info, grad)
        except np.linalg.LinAlgError:
            return None
        theta = theta + delta
        if not np.all(np.isfinite(theta)) or abs(theta[1]) > 1e4:
            return None
        if np.max(np.abs(delta)) < 1e-10:
            return float(theta[0]), float(theta[1]), np.linalg.inv(info)
    return None


def _estimate(
    shares: np.ndarray, succ: np.ndarray, runs: np.ndarray
) -> tuple[float | None, tuple[float | None, float | None], str]:
    rate = succ / runs
    above = np.flatnonzero(rate >= 0.5)
    if above.size == 0:
        return None, (float(shares.max()), None), "bracket"
    fit = fit_logistic(shares, succ, runs)
    if fit is not None and fit[1] > 0:
        a, b, cov = fit
        x50 = -a / b
        grad = np.array([-1.0 / b, a / b**2])
        se = math.sqrt(max(float(grad @ cov @ grad), 0.0))
        lo, hi = max(0.0, x50 - _Z95 * se), min(1.0, x50 + _Z95 * se)
        if shares.min() <= x50 <= shares.max():
            return float(x50), (lo, hi), "logistic"
    first = int(above[0])
    if first == 0:
        return float(shares[0]), (0.0, float(shares[0])), "bracket"
    lo_s, hi_s = float(shares[first - 1]), float(shares[first])
    return (lo_s + hi_s) / 2, (lo_s, hi_s), "bracket"


def critical_mass(
    base: SocietyConfig,
    *,
    initiator: str = "reciprocator",
    guarded: str = "guarded",
    exploiters: float = 0.0,
    exploiter: str = "exploiter",
    clustered: bool = False,
    shares: Sequence[float] = DEFAULT_SHARES,
    runs: int = 10,
    refine: bool = True,
    success_share: float = 0.5,
    seed: int | None = None,
    progress: Progress | None = None,
) -> CriticalMassResult:
    """Find the smallest share of initiators at which openness takes over in half the runs.

    Parameters
    ----------
    base : SocietyConfig
        Every parameter but the population (which this function sets) — agents, rounds,
        capacity, partner choice, reputation, noise, revision...
    initiator, guarded, exploiter : str
        The trustworthy initiators, the guarded majority and the exploiters.
    exploiters : float
        Share of exploiters (placed at random).
    clustered : bool
        Initiators as one block of neighbours on a ring network (the network becomes a ring),
        instead of at random.
    shares : sequence of float
        Shares of initiators to try (each in (0, 1 − exploiters]).
    runs : int
        Replicates per share.
    refine : bool
        Add three shares inside the bracket where the success rate crosses 1/2.
    success_share : float
        A run succeeds when at least this share of agents end with the initiators' character.
    seed : int, optional
        ``None`` draws fresh entropy, recorded.

    Examples
    --------
    >>> base = SocietyConfig("guarded:1", n_agents=60, rounds=30, capacity=4)
    >>> r = critical_mass(base, shares=[0.1, 0.9], runs=2, refine=False, seed=1)
    >>> [c["share"] for c in r.curve]
    [0.1, 0.9]
    """
    s = resolve_seed(seed)
    if isinstance(runs, bool) or not isinstance(runs, int) or runs < 1:
        raise InvalidParameter(f"runs must be a positive integer, got {runs!r}")
    x_e = check_probability(exploiters, "exploiters share")
    check_probability(success_share, "success share")
    grid = sorted({float(f) for f in shares})
    if not grid:
        raise InvalidParameter("give at least one share of initiators")
    for f in grid:
        if not 0.0 < f <= 1.0 - x_e + 1e-12:
            raise InvalidParameter(
                f"initiator shares must be in (0, {1 - x_e:g}] (1 − exploiters), got {f:g}"
            )
    check_society(
        base.n_agents,
        base.capacity,
        base.rounds,
        runs=len(grid) * runs + (3 * runs if refine else 0),
    )
    n_act = base.game.n_actions if base.game is not None else 4
    names = {
        "initiator": get_member(initiator, n_act).name,
        "guarded": get_member(guarded, n_act).name,
        "exploiter": get_member(exploiter, n_act).name,
    }
    if len(set(names.values())) < 3:
        raise InvalidParameter("initiator, guarded and exploiter must be different characters")
    seeds = [
        int(np.random.SeedSequence([s, r]).generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))
        for r in range(runs)
    ]
    results: dict[float, dict[str, Any]] = {}
    planned = len(grid) * runs + (3 * runs if refine else 0)
    done = 0

    def measure(f: float) -> None:
        nonlocal done
        pop = [(names["initiator"], f), (names["guarded"], max(0.0, 1.0 - f - x_e))]
        if x_e > 0:
            pop.append((names["exploiter"], x_e))
        cfg = base.with_(
            population=tuple(pop),
            cluster=names["initiator"] if clustered else None,
            network="ring" if clustered else base.network,
        )
        wins, opens, early, pay_i, pay_g, fin_share = 0, [], [], [], [], []
        for rs in seeds:
            res = run_society(cfg, seed=rs)
            fin = res.final
            opens.append(fin["open_rate"])
            fin_share.append(fin["frequencies"][names["initiator"]])
            wins += fin["frequencies"][names["initiator"]] >= success_share
            first = res.history[0]["payoff_per_round"].get(names["initiator"])
            if first is not None:
                early.append(first)
            by = {row["character"]: row for row in fin["by_character"]}
            if by[names["initiator"]]["payoff_per_round"] is not None:
                pay_i.append(by[names["initiator"]]["payoff_per_round"])
            if by[names["guarded"]]["payoff_per_round"] is not None:
                pay_g.append(by[names["guarded"]]["payoff_per_round"])
            done += 1
            if progress is not None:
                progress(done, planned)

        def mean(v: list[float]) -> float | None:
            return float(np.mean(v)) if v else None

        results[f] = {
            "share": f,
            "success_rate": wins / runs,
            "runs": runs,
            "final_share": mean(fin_share),
            "final_open_rate": mean(opens),
            "initiator_payoff_early": mean(early),
            "initiator_payoff": mean(pay_i),
            "guarded_payoff": mean(pay_g),
        }

    for f in grid:
        measure(f)
    if refine:
        xs = np.array(sorted(results))
        rate = np.array([results[f]["success_rate"] for f in xs])
        above = np.flatnonzero(rate >= 0.5)
        if above.size and above[0] > 0:
            lo, hi = xs[above[0] - 1], xs[above[0]]
            for f in np.linspace(lo, hi, 5)[1:-1]:
                measure(round(float(f), 6))
    xs = np.array(sorted(results))
    succ = np.array([results[f]["success_rate"] * runs for f in xs])
    crit, interval, method = _estimate(xs, succ, np.full(xs.size, runs, dtype=np.float64))
    return CriticalMassResult(
        crit, interval, [results[f] for f in xs], method, names["initiator"], x_e, clustered,
        runs, s, base.describe(),
    )  # fmt: skip
