"""Chapter "tournament": one round robin, every match with its moves, stepped by the reader."""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
from pydantic import Field

from trustlab.interfaces.web import engine
from trustlab.interfaces.web.limits import Rate, Request, Seed
from trustlab.interfaces.web.play import COIN_MACHINE

__all__ = ["DEFAULT_CAST", "TournamentRequest", "tournament"]

DEFAULT_CAST = ("tit-for-tat", "always-defect", "always-cooperate", "grudger", "detective")


class TournamentRequest(Request):
    """Who plays, for how long, with how many mistakes."""

    characters: Annotated[
        list[Annotated[str, Field(max_length=40)]], Field(min_length=2, max_length=8)
    ] = Field(default_factory=lambda: list(DEFAULT_CAST))
    turns: Annotated[int, Field(ge=1, le=50)] = 10
    noise: Rate = 0.0
    seed: Seed = 1


def tournament(req: TournamentRequest) -> dict[str, Any]:
    """Every pair plays once (no self-play); the standings sum each character's matches.

    Examples
    --------
    >>> r = tournament(TournamentRequest())  # the explorable's one tournament
    >>> [(s["name"], s["score"]) for s in r["standings"]][:2]
    [('tit-for-tat', 57.0), ('grudger', 46.0)]
    """
    names = list(req.characters)
    if len(set(names)) != len(names):
        raise engine.TrustlabError("each character may play only once in a tournament")
    for name in names:
        engine.get_character(name)
    game = engine.classic_game(*COIN_MACHINE)
    n = len(names)
    seeds = np.random.SeedSequence(req.seed).generate_state(n * n)
    matches = []
    totals = dict.fromkeys(names, 0.0)
    for i, a in enumerate(names):
        for j in range(i + 1, n):
            b = names[j]
            m = engine.play_pair(
                a,
                b,
                game=game,
                turns=req.turns,
                noise=req.noise,
                seed=int(seeds[i * n + j]),
            )
            totals[a] += m["scores"][0]
            totals[b] += m["scores"][1]
            matches.append(m)
    standings = sorted(totals.items(), key=lambda kv: (-kv[1], names.index(kv[0])))
    return {
        "characters": names,
        "rules": {n: engine.get_character(n).rule for n in names},
        "game": engine.game_info(game),
        "matches": matches,
        "standings": [{"name": n, "score": s} for n, s in standings],
    }
