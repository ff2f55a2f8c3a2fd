"""Chapters "play" and "exchange": a person plays a few hidden characters, then sees who they were.

Stateless: every request carries the seed and the person's moves so far, and the server replays the
whole game (the hidden character's random choices and everybody's mistakes come from the seed), so
no game is stored on the server and a shared URL replays exactly.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field

from trustlab.interfaces.web import engine
from trustlab.interfaces.web.limits import Rate, Request, Seed

__all__ = ["MAX_TURNS", "PlayRequest", "RevealRequest", "lineup", "play", "reveal"]

Kind = Literal["classic", "exchange"]
#: the coin machine of the two-action chapter: put in one, the other gets three (R, S, T, P)
COIN_MACHINE = (2.0, -1.0, 3.0, 0.0)
N_OPPONENTS = 4
MAX_TURNS = 12
#: the catalogue tag each kind of game draws its hidden characters from
POOL = {"classic": "explorable", "exchange": "essay"}


class PlayRequest(Request):
    """The person's moves against one hidden character."""

    kind: Kind = "classic"
    seed: Seed = 1
    opponent: Annotated[int, Field(ge=0, lt=N_OPPONENTS)] = 0
    moves: Annotated[list[Annotated[int, Field(ge=0, le=15)]], Field(max_length=MAX_TURNS)] = Field(
        default_factory=list
    )
    noise: Rate = 0.0


class RevealRequest(Request):
    """Which game's hidden characters to show."""

    kind: Kind = "classic"
    seed: Seed = 1


def game_of(kind: str) -> engine.Game:
    """The game of a kind of play."""
    return engine.classic_game(*COIN_MACHINE) if kind == "classic" else engine.exchange_game()


def lineup(kind: str, seed: int) -> list[tuple[str, int]]:
    """The hidden characters (and turns against each) that ``seed`` draws for ``kind``.

    Examples
    --------
    >>> lineup("classic", 1) == lineup("classic", 1), len(lineup("exchange", 1))
    (True, 4)
    """
    cat = engine.characters()
    pool = sorted(n for n, c in cat.items() if POOL[kind] in c.tags)
    rng = np.random.default_rng([seed, 0 if kind == "classic" else 1])
    names = rng.permutation(pool)[:N_OPPONENTS]
    turns = rng.integers(4, 8, size=len(names))  # 4 to 7 turns, as in the explorable
    return [(str(n), int(t)) for n, t in zip(names, turns, strict=True)]


def _mistake(action: int, k: int, rng: np.random.Generator, noise: float) -> int:
    """``action``, or with probability ``noise`` another action drawn uniformly."""
    if noise > 0 and rng.random() < noise:
        other = int(rng.integers(k - 1))
        return other if other < action else other + 1
    return action


def play(req: PlayRequest) -> dict[str, Any]:
    """Replay the person's moves against hidden character ``req.opponent``."""
    game = game_of(req.kind)
    k = game.n_actions
    bad = [m for m in req.moves if m >= k]
    if bad:
        raise engine.TrustlabError(f"moves must be actions 0..{k - 1} of this game, got {bad[0]}")
    name, planned = lineup(req.kind, req.seed)[req.opponent]
    if len(req.moves) > planned:
        raise engine.TrustlabError(
            f"this game against opponent {req.opponent} lasts {planned} turns, "
            f"got {len(req.moves)} moves"
        )
    hidden = engine.HiddenPlayer.of(engine.get_character(name), game, req.seed * 16 + req.opponent)
    slips = np.random.default_rng([req.seed, req.opponent, 99])
    pay = game.payoffs
    turns: list[dict[str, Any]] = []
    mine: list[tuple[int, int]] = []
    theirs: list[int] = []
    score = [0.0, 0.0]
    for move in req.moves:
        you = _mistake(move, k, slips, req.noise)
        them = _mistake(hidden.choose(), k, slips, req.noise)
        hidden.see(them, you)
        p_you, p_them = float(pay[you, them]), float(pay[them, you])
        score[0] += p_you
        score[1] += p_them
        turns.append({"intended": move, "you": you, "them": them, "payoff": [p_you, p_them]})
        mine.append((move, you))
        theirs.append(them)
    return {
        "kind": req.kind,
        "opponent": req.opponent,
        "n_opponents": N_OPPONENTS,
        "planned_turns": planned,
        "finished": len(req.moves) == planned,
        "game": engine.game_info(game),
        "turns": turns,
        "score": score,
        "needs": engine.needs(game, mine, theirs) if turns else None,
    }


def reveal(req: RevealRequest) -> dict[str, Any]:
    """Who the hidden characters were, with their rules."""
    cat = engine.characters()
    return {
        "kind": req.kind,
        "opponents": [
            {"name": n, "rule": cat[n].rule, "turns": t} for n, t in lineup(req.kind, req.seed)
        ],
    }
