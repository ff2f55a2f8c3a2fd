"""The conditions of play: one frozen, validated value for game, length, noise and repetitions.

Matches, tournaments, the exact analysis and the payoffs of an evolving population all play under
the same conditions; this module says them once. A :class:`Conditions` is validated when it is
made, so what takes one does not validate again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from trustlab.domain.errors import InvalidParameter
from trustlab.domain.games import Game
from trustlab.domain.play import Length, check_count, check_probability

__all__ = ["DEFAULT_TURNS", "Conditions", "resolve_conditions"]

DEFAULT_TURNS = 200
"""Turns per match when neither a number of turns nor a continuation probability is given."""


@dataclass(frozen=True)
class Conditions:
    """The conditions two characters play under.

    Parameters
    ----------
    game : Game, optional
        ``None``: the default for the characters that play (the prisoner's dilemma, or the
        vulnerability exchange when any of them is written for four actions).
    turns : int, optional
        A fixed number of turns per match.
    continuation : float, optional
        Probability W in [0, 1) that another turn follows (the first turn always happens).
        Give ``turns`` or ``continuation``, not both; with neither the match is the infinite
        game, which only the exact analysis can play (its stationary payoffs).
    noise, misread : float
        Execution noise (the intended action is replaced by another) and perception noise (the
        partner's action is misread), each a probability in [0, 1].
    repetitions : int
        Independent repetitions of each match (≥ 1).

    Raises
    ------
    InvalidParameter
        For a value out of range, or for both ``turns`` and ``continuation``.

    Examples
    --------
    >>> from trustlab import Conditions, play_match
    >>> c = Conditions(turns=10, noise=0.0)
    >>> play_match("tit-for-tat", "always-defect", conditions=c, seed=1).scores.tolist()
    [9.0, 14.0]
    >>> Conditions(continuation=0.75).expected_turns
    4.0
    >>> Conditions(turns=10, continuation=0.9)
    Traceback (most recent call last):
    ...
    trustlab.domain.errors.InvalidParameter: give either turns or continuation, not both
    """

    game: Game | None = None
    turns: int | None = None
    continuation: float | None = None
    noise: float = 0.0
    misread: float = 0.0
    repetitions: int = 1

    def __post_init__(self) -> None:
        if self.game is not None and not isinstance(self.game, Game):
            raise InvalidParameter(f"game must be a Game or None, got {self.game!r}")
        if self.turns is not None and self.continuation is not None:
            raise InvalidParameter("give either turns or continuation, not both")
        if self.turns is not None:
            # Length checks the number and says what is allowed
            object.__setattr__(self, "turns", Length(turns=self.turns).turns)
        if self.continuation is not None:
            w = check_probability(self.continuation, "continuation", below_one=True)
            object.__setattr__(self, "continuation", w)
        object.__setattr__(self, "noise", check_probability(self.noise, "noise"))
        object.__setattr__(self, "misread", check_probability(self.misread, "misread"))
        object.__setattr__(self, "repetitions", check_count(self.repetitions, "repetitions"))

    @cached_property
    def length(self) -> Length | None:
        """The match length as the kernel path takes it; ``None`` for the infinite game."""
        if self.turns is None and self.continuation is None:
            return None
        return Length(turns=self.turns, continuation=self.continuation)

    @property
    def finite(self) -> bool:
        """Whether matches end (a number of turns or a continuation probability)."""
        return self.length is not None

    @property
    def expected_turns(self) -> float | None:
        """Mean turns per match: ``turns``, 1 / (1 − W), or ``None`` for the infinite game."""
        return None if self.length is None else self.length.expected_turns

    def match_length(self) -> Length:
        """The length of a match that is played, or :class:`InvalidParameter` for the infinite
        game (only the exact analysis can play it)."""
        if self.length is None:
            raise InvalidParameter(
                "a played match needs a length: give turns or continuation (the infinite game "
                "is for the exact analysis only)"
            )
        return self.length

    def with_game(self, game: Game) -> Conditions:
        """These conditions with ``game`` (e.g. the default resolved for the characters)."""
        return self if game is self.game else replace(self, game=game)

    def describe(self) -> dict[str, Any]:
        """For records: the game (if set), the length, noise, misread and repetitions."""
        return {
            "game": None if self.game is None else self.game.describe(),
            "turns": self.turns,
            "continuation": self.continuation,
            "noise": self.noise,
            "misread": self.misread,
            "repetitions": self.repetitions,
        }


def resolve_conditions(
    conditions: Conditions | None,
    *,
    game: Game | None = None,
    turns: int | None = None,
    continuation: float | None = None,
    noise: float | None = None,
    misread: float | None = None,
    repetitions: int | None = None,
    default_turns: int | None = DEFAULT_TURNS,
    continuation_replaces_turns: bool = True,
) -> Conditions:
    """The conditions a public function plays under: ``conditions``, or one made from the loose
    keywords (an absent ``turns`` is ``default_turns``; a ``continuation`` replaces ``turns``,
    or, with ``continuation_replaces_turns=False``, both are refused).

    Raises :class:`InvalidParameter` when both ``conditions`` and any loose keyword are given.
    """
    loose = {
        "game": game,
        "turns": turns,
        "continuation": continuation,
        "noise": noise,
        "misread": misread,
        "repetitions": repetitions,
    }
    if conditions is not None:
        given = [k for k, v in loose.items() if v is not None]
        if given:
            raise InvalidParameter(
                f"give conditions or the keywords {', '.join(given)}, not both (put them in "
                "the Conditions)"
            )
        if not isinstance(conditions, Conditions):
            raise InvalidParameter(f"conditions must be a Conditions, got {conditions!r}")
        return conditions
    if continuation is not None and continuation_replaces_turns:
        turns = None
    elif turns is None and continuation is None:
        turns = default_turns
    return Conditions(
        game=game,
        turns=turns,
        continuation=continuation,
        noise=0.0 if noise is None else noise,
        misread=0.0 if misread is None else misread,
        repetitions=1 if repetitions is None else repetitions,
    )
