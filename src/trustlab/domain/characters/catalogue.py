"""The catalogue: one explicit table of named characters, built on first use (never at import).

Names are kebab-case (``tit-for-tat``); aliases and snake_case spellings resolve to them. The
table itself lives in :mod:`trustlab.domain.characters.table`. Parametric families are accepted
wherever a name is, as spec strings ``family:parameters``:

* ``memory-one:p1,p2,p3,p4[,p0]`` — cooperate with p1..p4 after CC, CD, DC, DD (own move first),
  and with p0 on the first move (default 1);
* ``reactive:p,q[,p0]`` — cooperate with p after the partner's C and q after its D;
* ``random:p`` — cooperate with probability p every turn;
* ``tit-for-n-tats:n`` — defect only after n defections in a row from the partner;
* ``n-tits-for-tat:n`` — defect if the partner defected in any of the last n turns;
* ``cycler:PATTERN`` — play a pattern of C and D letters (``cycler:CCD``) over and over;
* ``zero-determinant:phi,s,l`` — the zero-determinant character of Stewart & Plotkin (2012) for
  the prisoner's dilemma (3, 0, 5, 1), first move C;
* ``gtft:R,S,T,P`` — generous tit-for-tat with Nowak & Sigmund's generosity for those payoffs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

import numpy as np

from trustlab.domain.characters import classics as cl
from trustlab.domain.characters import zero_determinant as zd
from trustlab.domain.characters.character import Character
from trustlab.domain.characters.compile import memory_one, reactive
from trustlab.domain.characters.machine import StateMachine
from trustlab.domain.characters.table import (
    AXELROD_1984,
    CATALOGUE,
    NOWAK_1993,
    STEWART_PLOTKIN,
    Entry,
)
from trustlab.domain.errors import InvalidParameter, SpecError, UnknownName

__all__ = [
    "CATALOGUE",
    "FAMILIES",
    "Entry",
    "Family",
    "catalogue",
    "character_names",
    "get_character",
    "select",
]

#: the largest n that ``tit-for-n-tats:n`` and ``n-tits-for-tat:n`` accept
MAX_N = 64


@cache
def _index() -> tuple[dict[str, Entry], dict[str, str]]:
    by_name = {e.name: e for e in CATALOGUE}
    lookup: dict[str, str] = {}
    for e in CATALOGUE:
        for key in (e.name, *e.aliases):
            for spelling in (key, key.replace("-", "_")):
                if spelling in lookup and lookup[spelling] != e.name:
                    raise RuntimeError(f"catalogue name clash: {spelling!r}")
                lookup[spelling] = e.name
    return by_name, lookup


@cache
def _character(name: str) -> Character:
    e = _index()[0][name]
    return Character(e.name, e.rule, e.build(), e.aliases, e.memory_depth, e.tags, e.reference)


def catalogue() -> dict[str, Character]:
    """Every named character, compiled (the first call builds them; later calls are free).

    Examples
    --------
    >>> from trustlab import catalogue
    >>> c = catalogue()
    >>> "tit-for-tat" in c, c["tit-for-tat"].aliases
    (True, ('copycat', 'tft'))"""
    return {e.name: _character(e.name) for e in CATALOGUE}


def character_names() -> list[str]:
    """The catalogue's names in display order."""
    return [e.name for e in CATALOGUE]


def select(tags: Iterable[str] = (), *, n_actions: int | None = None) -> list[Character]:
    """The characters that carry every one of ``tags`` (and play ``n_actions`` natively).

    Examples
    --------
    >>> from trustlab import select
    >>> [c.name for c in select(["explorable"])][:4]
    ['always-cooperate', 'always-defect', 'tit-for-tat', 'grudger']"""
    want = set(tags)
    return [
        _character(e.name)
        for e in CATALOGUE
        if want <= e.tags and (n_actions is None or _character(e.name).n_actions == n_actions)
    ]


# --- parametric families ---------------------------------------------------------------------


@dataclass(frozen=True)
class Family:
    """A parametric family: ``name:parameters`` builds a character from the parameters text.

    ``build(text)`` returns the machine, the one-line rule and the memory depth, or raises
    :class:`SpecError` (malformed parameters) or :class:`InvalidParameter` (out of range).
    """

    name: str
    form: str
    build: Callable[[str], tuple[StateMachine, str, float]]
    reference: str = ""


def _numbers(family: str, form: str, args: str, lo: int, hi: int) -> list[float]:
    from trustlab.domain.games import parse_numbers

    if not args.strip():
        raise SpecError(f"{family} takes {family}:{form}, got no parameters")
    values = parse_numbers(args, f"{family} spec")
    if not lo <= len(values) <= hi:
        count = f"{lo}" if lo == hi else f"{lo} to {hi}"
        raise SpecError(f"{family} takes {family}:{form} ({count} numbers), got {len(values)}")
    return values


def _whole(family: str, x: float) -> int:
    if x != int(x) or not 1 <= x <= MAX_N:
        raise SpecError(f"{family} takes a whole number n from 1 to {MAX_N}, got {x:g}")
    return int(x)


def _text(values: Iterable[float]) -> str:
    return ",".join(f"{v:g}" for v in values)


def _memory_one(args: str) -> tuple[StateMachine, str, float]:
    v = _numbers("memory-one", "p1,p2,p3,p4[,p0]", args, 4, 5)
    p0 = v[4] if len(v) == 5 else 1.0
    rule = (
        f"Cooperates with probability {_text(v[:4])} after CC, CD, DC, DD (own move first); "
        f"first move C with probability {p0:g}."
    )
    return memory_one(*v), rule, 1


def _reactive(args: str) -> tuple[StateMachine, str, float]:
    v = _numbers("reactive", "p,q[,p0]", args, 2, 3)
    p0 = v[2] if len(v) == 3 else 1.0
    rule = (
        f"Cooperates with probability {v[0]:g} after the partner's C and {v[1]:g} after its D; "
        f"first move C with probability {p0:g}."
    )
    return reactive(*v), rule, 1


def _random(args: str) -> tuple[StateMachine, str, float]:
    (p,) = _numbers("random", "p", args, 1, 1)
    if not 0.0 <= p <= 1.0:
        raise InvalidParameter(f"random:p needs a probability p in [0, 1], got {p:g}")
    return cl.random_character(p), f"Cooperates with probability {p:g} every turn.", 0


def _tit_for_n_tats(args: str) -> tuple[StateMachine, str, float]:
    n = _whole("tit-for-n-tats", _numbers("tit-for-n-tats", "n", args, 1, 1)[0])
    rule = f"Defects only after {n} defections in a row from the partner."
    return cl.tit_for_n_tats(n), rule, n


def _n_tits_for_tat(args: str) -> tuple[StateMachine, str, float]:
    n = _whole("n-tits-for-tat", _numbers("n-tits-for-tat", "n", args, 1, 1)[0])
    rule = f"Defects if the partner defected in any of the last {n} turns."
    return cl.n_tits_for_tat(n), rule, n


def _cycler(args: str) -> tuple[StateMachine, str, float]:
    moves = cl.parse_pattern(args)
    letters = ", ".join("CD"[m] for m in moves)
    rule = f"Plays {letters} over and over by turn number, whatever the partner does."
    return cl.cycler(args), rule, math.inf


def _zero_determinant(args: str) -> tuple[StateMachine, str, float]:
    phi, s, baseline = _numbers("zero-determinant", "phi,s,l", args, 3, 3)
    ps = zd.zero_determinant_vector(phi, s, baseline)
    shown = _text(round(p, 6) for p in ps)
    rule = (
        f"Zero-determinant character (phi {phi:g}, s {s:g}, l {baseline:g}) for the prisoner's "
        f"dilemma (3, 0, 5, 1): cooperates with probability {shown} after CC, CD, DC, DD; "
        "first move C."
    )
    return memory_one(*ps, 1.0), rule, 1


def _gtft(args: str) -> tuple[StateMachine, str, float]:
    from trustlab.domain.games import matrix_game

    game = matrix_game(np.array(_numbers("gtft", "R,S,T,P", args, 4, 4)))
    q = zd.generous_probability(game)
    rule = (
        f"Cooperates first; after the partner's C cooperates, after its D cooperates with "
        f"probability {q:.6g} (Nowak & Sigmund's generosity for R,S,T,P = {args.strip()})."
    )
    return zd.generous_tit_for_tat(game), rule, 1


#: The families, by the name that starts their spec strings.
FAMILIES: dict[str, Family] = {
    f.name: f
    for f in (
        Family("memory-one", "p1,p2,p3,p4[,p0]", _memory_one, NOWAK_1993),
        Family(
            "reactive",
            "p,q[,p0]",
            _reactive,
            "Nowak & Sigmund (1992), Nature 355:250. doi:10.1038/355250a0",
        ),
        Family("random", "p", _random, AXELROD_1984),
        Family("tit-for-n-tats", "n", _tit_for_n_tats, AXELROD_1984),
        Family("n-tits-for-tat", "n", _n_tits_for_tat, AXELROD_1984),
        Family("cycler", "PATTERN", _cycler, ""),
        Family("zero-determinant", "phi,s,l", _zero_determinant, STEWART_PLOTKIN),
        Family(
            "gtft",
            "R,S,T,P",
            _gtft,
            "Nowak & Sigmund (1992), Nature 355:250. doi:10.1038/355250a0",
        ),
    )
}


@cache
def _family(name: str, args: str) -> Character:
    fam = FAMILIES[name]
    machine, rule, depth = fam.build(args)
    if name == "cycler":
        text = args.strip().upper()
    else:
        from trustlab.domain.games import parse_numbers

        text = _text(parse_numbers(args, f"{name} spec"))  # canonical: memory-one:1,0,0,1
    return Character(
        f"{name}:{text}", rule, machine, (), depth, frozenset({name, "family"}), fam.reference
    )


def get_character(spec: str | Character) -> Character:
    """Resolve a name, alias, snake_case name or family spec string to a :class:`Character`.

    Raises
    ------
    UnknownName
        With the closest known names, for a name that is in neither the catalogue nor a family.
    SpecError, InvalidParameter
        For a malformed family spec (wrong count of numbers, not a number, a bad cycle) or
        parameters out of range (probabilities outside [0, 1]).

    Examples
    --------
    >>> get_character("copycat").name
    'tit-for-tat'
    >>> get_character("memory-one:1,0,0,1").machine.n_states
    5
    >>> get_character("tit-for-n-tats:3").memory_depth
    3
    """
    if isinstance(spec, Character):
        return spec
    text = spec.strip()
    head, sep, args = text.partition(":")
    key = head.strip().lower()
    family = key.replace("_", "-")
    if sep and family in FAMILIES:
        return _family(family, args)
    if sep:
        raise UnknownName("character family", head, list(FAMILIES))
    if family in FAMILIES and family not in _index()[1]:
        fam = FAMILIES[family]
        raise SpecError(f"{family} is a family of characters: write {family}:{fam.form}")
    lookup = _index()[1]
    if key in lookup:
        return _character(lookup[key])
    spellings = [k for k in lookup if "_" not in k] + [f"{f}:" for f in FAMILIES]
    raise UnknownName("character", text, spellings, canonical=lambda k: lookup.get(k, k))
