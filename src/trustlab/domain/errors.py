"""Specific exceptions. Each message says what was wrong and what is allowed, in one line."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable

__all__ = [
    "CompileError",
    "GameError",
    "InvalidParameter",
    "SpecError",
    "TrustlabError",
    "UnknownName",
    "closest",
    "shorten",
]


class TrustlabError(ValueError):
    """Base class of every error trustlab raises on bad input (a ``ValueError``).

    Examples
    --------
    >>> from trustlab import TrustlabError, play_match
    >>> try:
    ...     play_match("tit-for-tat", "always-defect", turns=0)
    ... except TrustlabError as e:
    ...     print(type(e).__name__, "|", e)
    InvalidParameter | turns must be a positive integer, got 0
    """


class InvalidParameter(TrustlabError):
    """A number outside its allowed range (a probability outside [0, 1], non-positive turns...).

    Examples
    --------
    >>> from trustlab import Conditions, InvalidParameter
    >>> try:
    ...     Conditions(turns=10, noise=2)
    ... except InvalidParameter as e:
    ...     print(e)
    noise must be a probability in [0, 1], got 2
    """


class GameError(TrustlabError):
    """A payoff matrix or game preset that cannot be used as asked.

    Examples
    --------
    >>> from trustlab import GameError, matrix_game
    >>> try:
    ...     matrix_game([[1, 2, 3]])
    ... except GameError as e:
    ...     print(e)
    a payoff matrix must be square, got shape (1, 3)
    """


class SpecError(TrustlabError):
    """A malformed spec string such as ``memory-one:1,0,0`` (too few numbers).

    Examples
    --------
    >>> from trustlab import SpecError, get_character
    >>> try:
    ...     get_character("memory-one:1,0,0")
    ... except SpecError as e:
    ...     print(e)
    memory-one takes memory-one:p1,p2,p3,p4[,p0] (4 to 5 numbers), got 3
    """


class UnknownName(TrustlabError):
    """A name that is not in a catalogue; the message names the closest known names.

    Examples
    --------
    >>> from trustlab import UnknownName, get_character
    >>> try:
    ...     get_character("tit-for-tatt")
    ... except UnknownName as e:
    ...     print(e.suggestions[0])
    tit-for-tat
    """

    def __init__(
        self,
        kind: str,
        name: str,
        known: Iterable[str],
        canonical: Callable[[str], str] | None = None,
    ) -> None:
        pool = sorted(set(known))
        near = closest(name, pool, n=6)
        if canonical is not None:
            near = list(dict.fromkeys(canonical(k) for k in near))
        near = near[:3]
        hint = f"; did you mean {', '.join(repr(n) for n in near)}?" if near else ""
        if not near and 0 < len(pool) <= 8:
            hint = f"; choose one of {', '.join(pool)}"
        super().__init__(f"unknown {kind} {name!r}{hint}")
        self.name = name
        self.suggestions = near


class CompileError(TrustlabError):
    """A user-written character that cannot be compiled to the fast state-machine form.

    Examples
    --------
    >>> from trustlab import CompileError, compile_rule
    >>> try:  # a memory must be hashable
    ...     compile_rule(start=lambda: [], act=lambda seen: 0, update=lambda seen, me, you: [you])
    ... except CompileError as e:
    ...     print("hashable" in str(e))
    True
    """


def shorten(text: object, limit: int = 200) -> str:
    """``text`` as a message echoes it: cut to ``limit`` characters with an ellipsis (a path
    or a name typed by someone can be any length).

    >>> shorten("x" * 100, 10)
    'xxxxxxxxx…'
    """
    shown = str(text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def closest(name: str, known: Iterable[str], n: int = 3) -> list[str]:
    """The up to ``n`` known names closest to ``name`` (by difflib's ratio, then by prefix)."""
    pool = sorted(set(known))
    near = difflib.get_close_matches(name, pool, n=n, cutoff=0.5)
    if not near:
        key = name.lower().replace("_", "-")
        near = [k for k in pool if k.startswith(key[:4])][:n]
    return near
