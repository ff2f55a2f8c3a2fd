"""Matches: two characters, a game, a length and noise, played on the compiled kernel.

Noise comes in two independent kinds: *execution* noise (``noise``: the intended action is
replaced by another, in two-action games flipped) and *perception* noise (``misread``: the
partner's action is seen as another). Every random number is keyed on (seed, match, repetition,
turn, player), so the same seed gives the same match whatever the number of threads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from trustlab.domain.characters.catalogue import get_character
from trustlab.domain.characters.character import Character
from trustlab.domain.conditions import Conditions, resolve_conditions
from trustlab.domain.games import Game
from trustlab.domain.play import (
    Length,
    check_units,
    describe_request,
    game_for,
    resolve_seed,
    run_units,
)
from trustlab.domain.provenance import Progress, version

__all__ = ["MatchResult", "play_match"]


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
    conditions : Conditions
        What the match was played under (its game resolved); ``game``, ``length``, ``noise``,
        ``misread`` and ``repetitions`` read from it.

    Examples
    --------
    >>> from trustlab import play_match
    >>> r = play_match("tit-for-tat", "always-defect", turns=10, repetitions=2, seed=1)
    >>> r.turns.tolist(), r.conditions.turns, r.cooperation_rates.tolist()
    ([10, 10], 10, [0.1, 0.0])
    """

    players: tuple[str, str]
    conditions: Conditions
    seed: int
    joint: np.ndarray = field(repr=False)
    turns: np.ndarray = field(repr=False)
    history: np.ndarray | None = field(default=None, repr=False)
    version: str = field(default_factory=version)

    @property
    def game(self) -> Game:
        """The game played."""
        assert self.conditions.game is not None
        return self.conditions.game

    @property
    def length(self) -> Length:
        """The match length (turns or continuation)."""
        return self.conditions.match_length()

    @property
    def noise(self) -> float:
        """Execution noise."""
        return self.conditions.noise

    @property
    def misread(self) -> float:
        """Perception noise."""
        return self.conditions.misread

    @property
    def repetitions(self) -> int:
        """Independent repetitions."""
        return self.conditions.repetitions

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
    conditions: Conditions | None = None,
    game: Game | None = None,
    turns: int | None = None,
    continuation: float | None = None,
    noise: float | None = None,
    misread: float | None = None,
    repetitions: int | None = None,
    seed: int | None = None,
    history: bool = False,
    progress: Progress | None = None,
) -> MatchResult:
    """Play a match between two characters.

    Parameters
    ----------
    a, b : str or Character
        Names, aliases, family specs (``memory-one:...``) or characters.
    conditions : Conditions, optional
        Game, length, noise and repetitions in one value; or give them as the keywords below
        (not both).
    game : Game, optional
        Default: the prisoner's dilemma (3, 0, 5, 1), or the vulnerability exchange when either
        character is written for it. Two-action characters play the vulnerability exchange lifted.
    turns : int
        Fixed number of turns (default 200; ignored when ``continuation`` is given).
    continuation : float, optional
        Probability W in [0, 1) that another turn follows; the first turn always happens.
    noise, misread : float
        Execution and perception noise probabilities (default 0).
    repetitions : int
        Independent repetitions (default 1).
    seed : int, optional
        ``None`` draws fresh entropy, recorded in the result.
    history : bool
        Keep every turn's intended, executed and observed actions.
    progress : callable, optional
        ``progress(done, total)`` with the turns played so far.

    Examples
    --------
    >>> from trustlab import play_match
    >>> r = play_match("tit-for-tat", "always-defect", turns=10, seed=1)
    >>> r.scores.tolist()
    [9.0, 14.0]
    """
    cond = resolve_conditions(
        conditions, game=game, turns=turns, continuation=continuation, noise=noise,
        misread=misread, repetitions=repetitions,
    )  # fmt: skip
    ca, cb = get_character(a), get_character(b)
    cond = cond.with_game(game_for([ca, cb], cond.game))
    length = cond.match_length()
    assert cond.game is not None
    check_units(
        cond.repetitions, length, n_actions=cond.game.n_actions, history=bool(history),
        what=describe_request(length, repetitions=cond.repetitions),
    )  # fmt: skip
    s = resolve_seed(seed)
    reps = np.arange(cond.repetitions, dtype=np.int64)
    zeros = np.zeros(cond.repetitions, dtype=np.int64)
    assert cond.game is not None
    joint, t, hist = run_units(
        [ca, cb], cond.game, zeros, zeros + 1, zeros, reps, length, cond.noise, cond.misread, s,
        history=history, progress=progress,
    )  # fmt: skip
    return MatchResult((ca.name, cb.name), cond, s, joint, t, hist)
