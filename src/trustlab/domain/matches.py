"""Matches: two characters, a game, a length and noise, played on the compiled kernel.

Noise comes in two independent kinds: *execution* noise (``noise``: the intended action is
replaced by another, in two-action games flipped) and *perception* noise (``misread``: the
partner's action is seen as another). Every random number is keyed on (seed, match, repetition,
turn, player), so the same seed gives the same match whatever the number of threads.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from trustlab.domain.characters.catalogue import get_character
from trustlab.domain.characters.character import Character
from trustlab.domain.games import Game, prisoners_dilemma
from trustlab.domain.play import (
    Length,
    check_count,
    check_probability,
    check_units,
    describe_request,
    draw_turns,
    pack,
    resolve_seed,
)
from trustlab.kernel.match import play_units

__all__ = ["MatchResult", "play_match", "run_units", "version"]

Progress = Callable[[int, int], None]


def version() -> str:
    """trustlab's version, recorded with every result."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as _v

    try:
        return _v("trustlab")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


def game_for(characters: list[Character], game: Game | None) -> Game:
    """The game to play: ``game``, or the default for the characters (PD, or the vulnerability
    exchange when any of them is written for four actions)."""
    if game is not None:
        return game
    if any(c.n_actions == 4 for c in characters):
        from trustlab.domain.games import vulnerability_exchange

        return vulnerability_exchange()
    return prisoners_dilemma()


def run_units(
    characters: list[Character],
    game: Game,
    unit_a: np.ndarray,
    unit_b: np.ndarray,
    unit_match: np.ndarray,
    unit_rep: np.ndarray,
    length: Length,
    noise: float,
    misread: float,
    seed: int,
    *,
    history: bool = False,
    progress: Progress | None = None,
    chunk_turns: int = 2_000_000,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Play the given units on the kernel.

    Returns
    -------
    joint : ndarray (n_units, k, k)
        Counts of executed joint actions (row: player a's action).
    turns : ndarray (n_units,)
        Turns each unit lasted.
    history : ndarray (n_units, max_turns, 2, 3) or None
        Intended, executed and observed action of each player per turn (−1 past a unit's end).
    """
    packed = pack([c.machine for c in characters], game.n_actions)
    k = game.n_actions
    turns = draw_turns(length, seed, unit_match, unit_rep)
    n = unit_a.shape[0]
    joint = np.zeros((n, k, k), dtype=np.int64)
    hist = np.full((n, int(turns.max()) if history and n else 0, 2, 3), -1, dtype=np.int8)
    if not history:
        hist = np.zeros((0, 0, 2, 3), dtype=np.int8)
    # chunks only pace the progress bar; results do not depend on them
    cum_turns = np.cumsum(turns)
    bounds = [0]
    while bounds[-1] < n:
        start_turns = cum_turns[bounds[-1] - 1] if bounds[-1] else 0
        nxt = int(np.searchsorted(cum_turns, start_turns + chunk_turns, side="right"))
        bounds.append(min(n, max(nxt, bounds[-1] + 1)))
    done = 0
    for lo, hi in itertools.pairwise(bounds):
        play_units(
            packed.cum, packed.det, packed.trans, packed.init,
            unit_a[lo:hi], unit_b[lo:hi], unit_match[lo:hi], unit_rep[lo:hi], turns[lo:hi],
            noise, misread, np.uint64(seed), joint[lo:hi],
            hist[lo:hi] if history else hist,
        )  # fmt: skip
        done += int(turns[lo:hi].sum())
        if progress is not None:
            progress(done, int(cum_turns[-1]))
    return joint, turns, (hist if history else None)


@dataclass(frozen=True)
class MatchResult:
    """The outcome of one match played ``repetitions`` times.

    Attributes
    ----------
    joint : ndarray (repetitions, k, k)
        Joint executed-action counts per repetition (row: the first player's action).
    turns : ndarray (repetitions,)
        Turns per repetition.
    history : ndarray or None
        ``(repetitions, max_turns, 2, 3)``: per turn and player the intended, executed and
        observed action; ``-1`` after a repetition ended.
    """

    players: tuple[str, str]
    game: Game
    length: Length
    noise: float
    misread: float
    repetitions: int
    seed: int
    joint: np.ndarray = field(repr=False)
    turns: np.ndarray = field(repr=False)
    history: np.ndarray | None = field(default=None, repr=False)
    version: str = field(default_factory=version)

    @property
    def totals(self) -> np.ndarray:
        """(repetitions, 2) total payoff of each player in each repetition."""
        p = self.game.payoffs
        return np.stack(
            [np.einsum("rij,ij->r", self.joint, p), np.einsum("rij,ji->r", self.joint, p)], axis=1
        )

    @property
    def scores(self) -> np.ndarray:
        """Mean total payoff per match, for each player."""
        return np.asarray(self.totals.mean(axis=0))

    @property
    def scores_per_turn(self) -> np.ndarray:
        """Total payoff over all repetitions divided by all turns played, for each player."""
        return np.asarray(self.totals.sum(axis=0) / self.turns.sum())

    @property
    def action_rates(self) -> np.ndarray:
        """(2, k): share of turns each player executed each action."""
        total = self.joint.sum(axis=0)
        n = self.turns.sum()
        return np.stack([total.sum(axis=1) / n, total.sum(axis=0) / n])

    @property
    def cooperation_rates(self) -> np.ndarray:
        """Share of turns each player cooperated (in the vulnerability exchange: open + support)."""
        return np.asarray(self.action_rates[:, self.game.cooperative_action])

    def to_dict(self) -> dict[str, Any]:
        """The record the CLI prints as JSON (keys are a contract: keep them)."""
        out: dict[str, Any] = {
            "players": list(self.players),
            "game": self.game.describe(),
            "turns": self.length.turns,
            "continuation": self.length.continuation,
            "expected_turns": self.length.expected_turns,
            "mean_turns": float(self.turns.mean()),
            "repetitions": self.repetitions,
            "noise": self.noise,
            "misread": self.misread,
            "seed": self.seed,
            "version": self.version,
            "scores": self.scores.tolist(),
            "scores_per_turn": self.scores_per_turn.tolist(),
            "cooperation_rates": self.cooperation_rates.tolist(),
        }
        if self.game.n_actions > 2:
            names = self.game.action_names
            out["action_rates"] = [
                dict(zip(names, r.tolist(), strict=True)) for r in self.action_rates
            ]
        if self.history is not None:
            names = self.game.action_names
            out["history"] = [
                [[names[x] for x in self.history[r, t, :, 1]] for t in range(int(self.turns[r]))]
                for r in range(self.repetitions)
            ]
        return out


def play_match(
    a: str | Character,
    b: str | Character,
    *,
    game: Game | None = None,
    turns: int = 200,
    continuation: float | None = None,
    noise: float = 0.0,
    misread: float = 0.0,
    repetitions: int = 1,
    seed: int | None = None,
    history: bool = False,
    progress: Progress | None = None,
) -> MatchResult:
    """Play a match between two characters.

    Parameters
    ----------
    a, b : str or Character
        Names, aliases, family specs (``memory-one:...``) or characters.
    game : Game, optional
        Default: the prisoner's dilemma (3, 0, 5, 1), or the vulnerability exchange when either
        character is written for it. Two-action characters play four-action games lifted.
    turns : int
        Fixed number of turns (ignored when ``continuation`` is given).
    continuation : float, optional
        Probability W in [0, 1) that another turn follows; the first turn always happens.
    noise, misread : float
        Execution and perception noise probabilities.
    repetitions : int
        Independent repetitions.
    seed : int, optional
        ``None`` draws fresh entropy, recorded in the result.
    history : bool
        Keep every turn's intended, executed and observed actions.
    progress : callable, optional
        ``progress(done, total)`` with the turns played so far.

    Examples
    --------
    >>> r = play_match("tit-for-tat", "always-defect", turns=10, seed=1)
    >>> r.scores.tolist()
    [9.0, 14.0]
    """
    ca, cb = get_character(a), get_character(b)
    g = game_for([ca, cb], game)
    length = Length(turns=turns, continuation=continuation)
    noise = check_probability(noise, "noise")
    misread = check_probability(misread, "misread")
    repetitions = check_count(repetitions, "repetitions")
    check_units(
        repetitions, length, n_actions=g.n_actions, history=bool(history),
        what=describe_request(length, repetitions=repetitions),
    )  # fmt: skip
    s = resolve_seed(seed)
    reps = np.arange(repetitions, dtype=np.int64)
    zeros = np.zeros(repetitions, dtype=np.int64)
    joint, t, hist = run_units(
        [ca, cb],
        g,
        zeros,
        zeros + 1,
        zeros,
        reps,
        length,
        noise,
        misread,
        s,
        history=history,
        progress=progress,
    )
    return MatchResult(
        (ca.name, cb.name), g, length, noise, misread, repetitions, s, joint, t, hist
    )
