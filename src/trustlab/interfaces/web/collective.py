"""Chapter "collective": how many must open first for openness to take over a guarded society?

The engine's critical-mass experiment on a small grid of initiator shares (small societies, few
runs, so it answers in a second or two). Each run goes on until it is decided (openness took
over, or the first openers are gone) or ``rounds`` have passed; an undecided run is shown apart
and left out of the curve. Per share: the success rate over the decided runs with its 95 % Wilson
interval; the critical share with the engine's interval (a bootstrap over runs joined with the
profile likelihood, or the bracket when the outcomes separate); and what the initiators pay in
their first rounds, before anyone changed, and over the run.

The grid is computed one share at a time, so the page draws the curve as it grows. The engine
seeds every run by (seed, initiators in agents, replicate), so the points, and the critical share
estimated from all of them, are exactly those of one :func:`~trustlab.critical_mass` call on the
whole grid.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Annotated, Any

import numpy as np
from pydantic import Field

from trustlab.interfaces.web import engine
from trustlab.interfaces.web.limits import Request, Seed

__all__ = ["GRID", "CollectiveRequest", "run", "shares_of", "wilson"]

GRID = (0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.45)
#: the most agent-rounds a request may ask for (n_agents · rounds · runs · shares), a few
#: seconds of work; most runs are decided well before ``rounds``
MAX_WORK = 4_000_000
_Z95 = 1.959963984540054
#: the initiators' early payoff is their mean over the first revision interval (the engine's)
EARLY_ROUNDS = 10
#: a run succeeds once the initiators' character holds this share of the agents (the engine's)
SUCCESS_SHARE = 0.95


class CollectiveRequest(Request):
    """The question's knobs: the share of initiators and what makes opening harder."""

    share: Annotated[float, Field(ge=0.01, le=0.9)] = 0.1
    noise: Annotated[float, Field(ge=0.0, le=0.2)] = 0.0
    exploiters: Annotated[float, Field(ge=0.0, le=0.4)] = 0.0
    clustered: bool = False
    n_agents: Annotated[int, Field(ge=20, le=150)] = 60
    rounds: Annotated[int, Field(ge=10, le=600)] = 300
    runs: Annotated[int, Field(ge=1, le=16)] = 6
    seed: Seed = 1


def wilson(successes: float, n: int) -> tuple[float, float]:
    """The 95 % Wilson score interval of a proportion (Wilson 1927, doi:10.2307/2276774).

    Examples
    --------
    >>> [round(x, 3) for x in wilson(3, 6)]
    [0.188, 0.812]
    """
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    z2 = _Z95 * _Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = _Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def shares_of(req: CollectiveRequest) -> list[float]:
    """The grid plus the reader's share, each as a whole number of agents (at least one) and
    leaving room for the exploiters.

    Examples
    --------
    >>> shares_of(CollectiveRequest(share=0.01, n_agents=20))[:3]
    [0.05, 0.1, 0.15]
    """
    top = math.floor((1.0 - req.exploiters) * req.n_agents + 1e-9)
    agents = {min(max(1, round(s * req.n_agents)), top) for s in (*GRID, req.share)}
    return sorted(k / req.n_agents for k in agents if k >= 1)


def reader_share(req: CollectiveRequest) -> float:
    """The reader's share as the experiment runs it (a whole number of agents)."""
    top = math.floor((1.0 - req.exploiters) * req.n_agents + 1e-9)
    return min(max(1, round(req.share * req.n_agents)), top) / req.n_agents


def _point(c: dict[str, Any]) -> dict[str, Any]:
    decided = c["successes"] + c["failures"]
    interval = list(wilson(c["successes"], decided)) if decided else None
    return {**c, "decided": decided, "interval": interval}


def describe(req: CollectiveRequest, curve: list[dict[str, Any]], seed: int) -> dict[str, Any]:
    """The curve so far and the critical share the engine estimates from it."""
    x = np.array([c["share"] for c in curve], dtype=np.float64)
    wins = np.array([c["successes"] for c in curve], dtype=np.float64)
    decided = np.array([c["successes"] + c["failures"] for c in curve], dtype=np.float64)
    crit, interval, method = engine.estimate_critical_share(x, wins, decided, seed=seed)
    return {
        "critical_share": crit,
        "interval": list(interval),
        "method": method,
        "curve": [_point(c) for c in curve],
        "share": reader_share(req),
        "n_agents": req.n_agents,
        "runs": sum(c["runs"] for c in curve),
        "undecided": sum(c["undecided"] for c in curve),
        "rounds": req.rounds,
        "success_share": SUCCESS_SHARE,
        "early_rounds": EARLY_ROUNDS,
        "seed": seed,
    }


def run(
    req: CollectiveRequest,
    progress: Callable[[int, int], None],
    partial: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Run the experiment share by share (``partial`` gets the curve after each share) and
    describe the whole curve."""
    shares = shares_of(req)
    work = req.n_agents * req.rounds * req.runs * len(shares)
    if work > MAX_WORK:
        raise engine.TrustlabError(
            f"agents × rounds × runs × shares must be at most {MAX_WORK:,}, got {work:,}"
        )
    base = engine.SocietyConfig(
        "guarded:1",
        n_agents=req.n_agents,
        rounds=req.rounds,
        capacity=4,
        noise=req.noise,
        network="ring" if req.clustered else "random",
        revision_interval=EARLY_ROUNDS,
        # a record every 5 rounds, not every round (the records were most of the work)
        record_every=5,
    )
    total = len(shares) * req.runs
    curve: list[dict[str, Any]] = []
    for share in shares:
        done = len(curve) * req.runs

        def step(d: int, t: int, done: int = done) -> None:
            progress(done + d, total)

        res = engine.collective(
            base,
            shares=[share],
            runs=req.runs,
            exploiters=req.exploiters,
            clustered=req.clustered,
            seed=req.seed,
            progress=step,
        )
        curve.extend(res.curve)
        if partial is not None and len(curve) < len(shares):
            partial({"type": "frame", **describe(req, curve, res.seed)})
    return {"type": "result", **describe(req, curve, req.seed)}
