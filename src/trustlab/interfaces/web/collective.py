"""Chapter "collective": how many must open first for openness to take over a guarded society?

The engine's critical-mass experiment on a small grid of initiator shares (small societies, few
runs, so it answers in seconds), with each point's success rate and its 95 % Wilson interval, the
critical share with its interval, and what the initiators pay early and over the run.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import Field

from trustlab.interfaces.web import engine
from trustlab.interfaces.web.limits import Request, Seed

__all__ = ["GRID", "CollectiveRequest", "run", "wilson"]

GRID = (0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.45)
#: agent-rounds per request (n_agents · rounds · runs · shares), a few seconds of work
MAX_WORK = 2_000_000
_Z95 = 1.959963984540054
#: the initiators' early payoff is their mean over these first rounds
EARLY_ROUNDS = 5


class CollectiveRequest(Request):
    """The question's knobs: the share of initiators and what makes opening harder."""

    share: Annotated[float, Field(ge=0.01, le=0.9)] = 0.1
    noise: Annotated[float, Field(ge=0.0, le=0.2)] = 0.0
    exploiters: Annotated[float, Field(ge=0.0, le=0.4)] = 0.0
    clustered: bool = False
    n_agents: Annotated[int, Field(ge=20, le=150)] = 60
    rounds: Annotated[int, Field(ge=10, le=150)] = 60
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
    """The grid plus the reader's share, each leaving room for the exploiters."""
    top = 1.0 - req.exploiters
    return sorted({round(s, 4) for s in (*GRID, req.share) if 0 < s <= top})


def run(req: CollectiveRequest, progress: Callable[[int, int], None]) -> dict[str, Any]:
    """Run the experiment and describe its curve."""
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
        # a record every 5 rounds, not every round (the records were most of the work); the
        # first record, the initiators' early payoff, still ends before the first revision (10)
        record_every=EARLY_ROUNDS,
    )
    res = engine.collective(
        base,
        shares=shares,
        runs=req.runs,
        exploiters=req.exploiters,
        clustered=req.clustered,
        seed=req.seed,
        progress=progress,
    )
    curve = []
    for c in res.curve:
        lo, hi = wilson(c["success_rate"] * c["runs"], c["runs"])
        curve.append({**c, "interval": [lo, hi]})
    return {
        "type": "result",
        "critical_share": res.critical_share,
        "interval": list(res.interval),
        "method": res.method,
        "curve": curve,
        "share": round(req.share, 4),
        "initiator": res.initiator,
        "early_rounds": EARLY_ROUNDS,
    }
