"""What a spec may say about a command: its options, their types, defaults and choices.

The experiments layer does not know the command line; the interfaces layer reads its own
command objects and hands a :class:`CommandSchema` per kind to this layer, together with a
function that executes one unit (see :class:`Backend`). So one definition of each option serves
the command line and the spec, and the two cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["Backend", "CommandSchema", "Execute", "OptionSchema"]

ValueType = Literal["str", "int", "float", "bool", "choice", "list"]


@dataclass(frozen=True)
class OptionSchema:
    """One option (or positional argument) of a command, as a spec sees it.

    Parameters
    ----------
    key : str
        The spec key: the long option without its dashes (``self-play``), or the argument's name.
    type : {"str", "int", "float", "bool", "choice", "list"}
        The value a spec gives: ``list`` is a repeatable option (a list of strings).
    default : object
        The command's default (None: the option is left out of the command line).
    required : bool
        Whether the command needs it.
    flag : str
        The command-line spelling (``--turns``); empty for a positional argument.
    off_flag : str
        For a ``--x/--no-x`` switch, the spelling that turns it off; empty otherwise.
    choices : tuple of str
        The allowed values of a ``choice``.
    help : str
        The option's help text, shown in spec errors.

    Examples
    --------
    >>> OptionSchema("turns", "int", 200, False, "--turns").argv(50)
    ['--turns', '50']
    >>> OptionSchema("self-play", "bool", True, False, "--self-play", "--no-self-play").argv(False)
    ['--no-self-play']
    """

    key: str
    type: ValueType
    default: Any
    required: bool
    flag: str
    off_flag: str = ""
    choices: tuple[str, ...] = ()
    help: str = ""

    @property
    def positional(self) -> bool:
        """Whether this is a positional argument (no flag)."""
        return not self.flag

    def argv(self, value: Any) -> list[str]:
        """The command-line words that give this option ``value`` (none for "leave it out")."""
        if value is None:
            return []
        if self.type == "bool":
            if self.off_flag:
                return [self.flag if value else self.off_flag]
            return [self.flag] if value else []
        if self.type == "list":
            words: list[str] = []
            for v in value:
                words += [self.flag, str(v)]
            return words
        text = repr(float(value)) if self.type == "float" else str(value)
        return [text] if self.positional else [self.flag, text]


@dataclass(frozen=True)
class CommandSchema:
    """A kind of unit: a command, the options a spec may set, and whether it takes a seed.

    Parameters
    ----------
    kind : str
        The spec's ``kind`` (``tournament``, ``analyze payoffs``...).
    options : tuple of OptionSchema
        What a spec may set, in the command's order.
    seeded : bool
        Whether the command takes ``--seed`` (the runner gives each unit its own).
    excluded : mapping of str to str
        Options a spec may not set, with the reason (e.g. ``plot``: it writes a file).
    help : str
        The command's one-line summary.
    """

    kind: str
    options: tuple[OptionSchema, ...]
    seeded: bool
    excluded: Mapping[str, str] = field(default_factory=dict)
    help: str = ""

    def option(self, key: str) -> OptionSchema | None:
        """The option whose spec key is ``key`` (``_`` and ``-`` are the same), or None."""
        want = key.replace("_", "-")
        for o in self.options:
            if o.key == want:
                return o
        return None

    @property
    def keys(self) -> list[str]:
        """Every key a spec may set."""
        return [o.key for o in self.options]

    def defaults(self) -> dict[str, Any]:
        """The command's defaults, by key (None where the option is left out)."""
        return {o.key: o.default for o in self.options}

    def argv(self, params: Mapping[str, Any], seed: int | None) -> list[str]:
        """The command line (after the command's name) for ``params`` and ``seed``.

        Examples
        --------
        >>> s = CommandSchema("match", (OptionSchema("a", "str", None, True, ""),
        ...     OptionSchema("turns", "int", 200, False, "--turns")), seeded=True)
        >>> s.argv({"a": "tit-for-tat", "turns": 10}, 7)
        ['tit-for-tat', '--turns', '10', '--seed', '7']
        """
        words: list[str] = []
        for o in self.options:
            words += o.argv(params.get(o.key, o.default))
        if self.seeded and seed is not None:
            words += ["--seed", str(seed)]
        return words


Execute = Callable[[str, Sequence[str]], dict[str, Any]]
"""Run one unit: ``execute(kind, argv)`` returns the command's JSON payload.

It must be a module-level function (it is sent to worker processes by reference) and raise
:class:`~trustlab.experiments.errors.UnitInputError` when the command rejects its input."""


@dataclass(frozen=True)
class Backend:
    """The commands a spec may name and the function that runs one unit of them."""

    commands: Mapping[str, CommandSchema]
    execute: Execute

    def command(self, kind: str) -> CommandSchema | None:
        """The schema of ``kind``, or None."""
        return self.commands.get(" ".join(kind.split()))
