"""A named character: a compiled state machine plus what people need to know about it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from trustlab.domain.characters.machine import StateMachine

__all__ = ["Character"]


@dataclass(frozen=True)
class Character:
    """A character of the catalogue (or a user's), ready to play.

    Parameters
    ----------
    name : str
        Kebab-case name as typed on the command line (``tit-for-tat``).
    rule : str
        One line that says exactly how it plays.
    machine : StateMachine
        The compiled form the kernel runs.
    aliases : tuple of str
        Other names it answers to (``copycat``, ``tft``).
    memory_depth : float
        How many past turns it looks at (``math.inf`` for unbounded or counting memories).
    tags : frozenset of str
        Descriptive tags; collections are filters over them (``classic``, ``explorable``,
        ``essay``, ``zero-determinant``...).
    reference : str
        Where it comes from, with a DOI where there is one.

    Examples
    --------
    >>> from trustlab import get_character
    >>> tft = get_character("copycat")
    >>> tft.name, tft.memory_depth, tft.stochastic
    ('tit-for-tat', 1, False)
    """

    name: str
    rule: str
    machine: StateMachine = field(repr=False, compare=False)
    aliases: tuple[str, ...] = ()
    memory_depth: float = math.inf
    tags: frozenset[str] = frozenset()
    reference: str = ""

    @property
    def stochastic(self) -> bool:
        """Whether it ever chooses at random (derived from its machine, not declared)."""
        return self.machine.is_stochastic

    @property
    def n_actions(self) -> int:
        """2 for the classics, 4 for characters written for the vulnerability exchange."""
        return self.machine.n_actions

    @property
    def python_name(self) -> str:
        """The snake_case name used from Python."""
        return self.name.replace("-", "_")

    def summary(self) -> dict[str, object]:
        """The public description, as the CLI prints it."""
        depth: float | None = None if math.isinf(self.memory_depth) else self.memory_depth
        return {
            "name": self.name,
            "aliases": list(self.aliases),
            "rule": self.rule,
            "memory_depth": depth if depth is None else int(depth),
            "stochastic": self.stochastic,
            "actions": self.n_actions,
            "states": self.machine.n_states,
            "tags": sorted(self.tags),
            "reference": self.reference,
        }
