"""Chapters "evolution" and "sandbox": a population of characters evolving, streamed frame by frame.

The whole run is computed first (a few tens of milliseconds at the page's sizes), then streamed
one generation per frame, so the first frame follows a slider change at once and the animation's
pace is the reader's choice, not the engine's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any, Literal

from pydantic import Field

from trustlab.interfaces.web import engine
from trustlab.interfaces.web.limits import Fps, Rate, Request, Seed

__all__ = ["MAX_POPULATION", "EvolutionRequest", "frames", "run"]

MAX_POPULATION = 100
MAX_LATTICE_SIDE = 30
Payoff = Annotated[float, Field(ge=-10.0, le=10.0)]
Name = Annotated[str, Field(max_length=40)]


class EvolutionRequest(Request):
    """Every parameter of an evolving population the page exposes."""

    population: Annotated[
        dict[Name, Annotated[int, Field(ge=0, le=MAX_POPULATION)]],
        Field(min_length=1, max_length=12),
    ] = Field(
        default_factory=lambda: {"always-cooperate": 15, "always-defect": 5, "tit-for-tat": 5}
    )
    R: Payoff = 2.0
    S: Payoff = -1.0
    T: Payoff = 3.0
    P: Payoff = 0.0
    turns: Annotated[int, Field(ge=1, le=50)] = 10
    noise: Rate = 0.0
    misread: Rate = 0.0
    eliminate: Annotated[int, Field(ge=1, le=50)] = 5
    generations: Annotated[int, Field(ge=1, le=300)] = 40
    dynamics: Literal["elimination", "moran-bd", "moran-db", "fermi", "best-neighbour"] = (
        "elimination"
    )
    intensity: Annotated[float, Field(ge=0.0, le=20.0)] = 1.0
    mutation: Annotated[float, Field(ge=0.0, le=0.2)] = 0.0
    payoffs: Literal["matches", "expected", "one-shot"] = "matches"
    lattice: Annotated[int, Field(ge=0, le=MAX_LATTICE_SIDE)] = 0
    seed: Seed = 1
    fps: Fps = 30


def run(
    req: EvolutionRequest, progress: Callable[[int, int], None] | None = None
) -> engine.EvolutionResult:
    """Run the evolution ``req`` describes (a TrustlabError for parameters the engine refuses).

    ``progress(done, total)`` is called as generations are done; it may raise to stop the run.

    Examples
    --------
    >>> r = run(EvolutionRequest())  # 15 cooperators, 5 cheats, 5 copycats
    >>> dict(zip(r.names, r.history[0, -1].tolist()))["tit-for-tat"]
    25
    """
    pop = {n: c for n, c in req.population.items() if c > 0}
    for n in pop:
        engine.get_character(n)
    total = sum(pop.values())
    if total < 2:
        raise engine.TrustlabError("the population needs at least 2 individuals")
    if total > MAX_POPULATION:
        raise engine.TrustlabError(
            f"the population may have at most {MAX_POPULATION} individuals, got {total}"
        )
    if req.lattice and req.lattice < 3:
        raise engine.TrustlabError("a lattice needs a side of at least 3 (0: well mixed)")
    common: dict[str, Any] = {
        "dynamics": req.dynamics,
        "generations": req.generations,
        "game": engine.classic_game(req.R, req.S, req.T, req.P),
        "payoffs": req.payoffs,
        "turns": req.turns,
        "noise": req.noise,
        "misread": req.misread,
        "intensity": req.intensity,
        "mutation": req.mutation,
        "seed": req.seed,
        "stop_at_fixation": False,
        "progress": progress,
    }
    if req.dynamics == "elimination":
        common["eliminate"] = req.eliminate
    if req.lattice:
        side = req.lattice
        shares: dict[str | engine.Character, float] = {n: c / total for n, c in pop.items()}
        return engine.evolve(
            shares, size=side * side, graph=f"lattice:{side}x{side}", snapshots=True, **common
        )
    counts: dict[str | engine.Character, float] = {n: float(c) for n, c in pop.items()}
    return engine.evolve(counts, **common)


def frames(req: EvolutionRequest, result: engine.EvolutionResult) -> Iterator[dict[str, Any]]:
    """The start message, then one frame per recorded generation."""
    yield {
        "type": "start",
        "names": list(result.names),
        "generations": req.generations,
        "lattice": req.lattice,
        "size": int(result.history[0, 0].sum()),
    }
    hist = result.history[0]
    snaps = result.snapshots
    for g in range(hist.shape[0]):
        frame: dict[str, Any] = {"type": "frame", "generation": g, "counts": hist[g].tolist()}
        if snaps is not None:
            frame["sites"] = snaps[g].tolist()
        yield frame
