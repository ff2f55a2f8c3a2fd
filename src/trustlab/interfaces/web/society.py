"""Chapter "society": agents who open, support, exploit, leave and find partners, round by round.

Each frame is one round: every agent's character and loneliness (in whole percent), the
relationships (i < j) with the trust i has in j (in whole percent), and, at the engine's record
interval, the society's measures since the last record.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field

from trustlab.interfaces.web import engine
from trustlab.interfaces.web.limits import Fps, Request, Seed

__all__ = ["SocietyRequest", "build", "frames"]

MAX_AGENTS = 200
Name = Annotated[str, Field(max_length=40)]


class SocietyRequest(Request):
    """The society the page exposes: its population (catalogue characters, trust-learners,
    discriminators), sizes, how partners are found and left, how trust is learned (betrayal and
    disappointment weights, forgetting), reputation, mistakes and revision. The engine's other
    options (private reputation, the trust prior, network layout) keep their defaults."""

    population: Annotated[
        dict[Name, Annotated[float, Field(ge=0.0, le=1.0)]], Field(min_length=1, max_length=10)
    ] = Field(default_factory=lambda: {"reciprocator": 0.3, "guarded": 0.5, "exploiter": 0.2})
    n_agents: Annotated[int, Field(ge=4, le=MAX_AGENTS)] = 60
    capacity: Annotated[int, Field(ge=1, le=8)] = 3
    rounds: Annotated[int, Field(ge=1, le=1000)] = 200
    partner_choice: Literal["none", "random", "friends", "reputation", "trusted"] = "random"
    openness: Annotated[float, Field(ge=0.0, le=1.0)] = 0.5
    leave_threshold: Annotated[float, Field(ge=0.0, le=0.45)] = 0.3
    churn: Annotated[float, Field(ge=0.0, le=0.2)] = 0.0
    noise: Annotated[float, Field(ge=0.0, le=0.3)] = 0.0
    misread: Annotated[float, Field(ge=0.0, le=0.3)] = 0.0
    revision_interval: Annotated[int, Field(ge=0, le=200)] = 10
    mutation: Annotated[float, Field(ge=0.0, le=0.2)] = 0.0
    betrayal_weight: Annotated[float, Field(ge=0.0, le=10.0)] = 3.0
    disappointment_weight: Annotated[float, Field(ge=0.0, le=10.0)] = 1.0
    forgetting: Annotated[float, Field(ge=0.5, le=1.0)] = 0.98
    trust_learning: bool = True
    reputation: Literal["none", "image-scoring", "simple-standing", "stern-judging", "shunning"] = (
        "none"
    )
    seed: Seed = 1
    fps: Fps = 25


def build(req: SocietyRequest) -> engine.SocietyRun:
    """The society ``req`` describes, before its first round."""
    pop = {n: s for n, s in req.population.items() if s > 0}
    if not pop:
        raise engine.TrustlabError("the population needs at least one character with a share")
    total = sum(pop.values())
    shares = tuple((n, s / total) for n, s in pop.items())  # sliders need not sum to 1
    if req.capacity >= req.n_agents:
        raise engine.TrustlabError("capacity must be below the number of agents")
    if req.reputation == "none" and (
        req.partner_choice == "reputation" or any(n.startswith("discriminator") for n in pop)
    ):
        raise engine.TrustlabError(
            "partner choice by reputation and discriminators need a reputation norm; "
            "choose one of image-scoring, simple-standing, stern-judging, shunning"
        )
    cfg = engine.SocietyConfig(
        shares,
        n_agents=req.n_agents,
        rounds=req.rounds,
        capacity=req.capacity,
        partner_choice=req.partner_choice,
        openness=req.openness,
        leave_threshold=req.leave_threshold,
        churn=req.churn,
        noise=req.noise,
        misread=req.misread,
        revision_interval=req.revision_interval,
        mutation=req.mutation,
        betrayal_weight=req.betrayal_weight,
        disappointment_weight=req.disappointment_weight,
        forgetting=req.forgetting,
        trust_learning=req.trust_learning,
        reputation=req.reputation,
    )
    return engine.SocietyRun(cfg, req.seed)


def _frame(run: engine.SocietyRun, measures: dict[str, Any] | None) -> dict[str, Any]:
    char, lonely, edges, trust = run.network()
    # shares as whole percents: small frames, cheap to encode at 20 sessions × 25 frames/s
    out: dict[str, Any] = {
        "type": "frame",
        "round": run.rounds_done,
        "char": char.tolist(),
        "lonely": np.rint(lonely * 100).astype(np.int64).tolist(),
        "edges": edges.tolist(),
        "trust": np.rint(trust * 100).astype(np.int64).tolist(),
    }
    if measures is not None:
        out["measures"] = {
            k: measures[k]
            for k in (
                "open_rate",
                "loneliness",
                "reassurance_rate",
                "acceptance_rate",
                "consolation_rate",
                "exploitation_rate",
                "disappointment_rate",
                "reciprocity",
                "relationships",
                "ended",
                "left",
                "frequencies",
            )
        }
    return out


def frames(req: SocietyRequest, run: engine.SocietyRun) -> Iterator[dict[str, Any]]:
    """The start message, the initial network, then one frame per round (computed lazily)."""
    yield {"type": "start", "names": run.names, "rounds": req.rounds, "n_agents": req.n_agents}
    yield _frame(run, None)
    for _ in range(req.rounds):
        measures = run.step()
        yield _frame(run, measures)
