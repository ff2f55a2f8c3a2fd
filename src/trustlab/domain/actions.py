"""The one canonical order of actions and payoffs, used everywhere in trustlab.

Two-action games
    ``C = 0`` (cooperate), ``D = 1`` (defect). A 2×2 game's row payoffs are given in the order
    ``(R, S, T, P)``: reward (C vs C), sucker (C vs D), temptation (D vs C), punishment (D vs D),
    that is ``matrix = [[R, S], [T, P]]``.

The vulnerability exchange (six actions)
    Each action is a pair: whether I make myself vulnerable this turn (open | guarded), and how
    I answer my partner if they open (support | withhold | exploit). Withholding is the answer
    of the unreceptive and of honest disappointment: the partner's openness goes unrepaid, but
    nothing is taken from them. In this order (index = 3 · guarded + answer):
    ``OPEN_SUPPORT = 0``, ``OPEN_WITHHOLD = 1``, ``OPEN_EXPLOIT = 2``, ``GUARDED_SUPPORT = 3``,
    ``GUARDED_WITHHOLD = 4``, ``GUARDED_EXPLOIT = 5``.

The lift of a two-action character into the vulnerability exchange
    A character written for two actions plays ``C`` as open + support and ``D`` as
    guarded + exploit. It sees an action (its own or its partner's) as ``C`` when that action's
    answer is *support* and as ``D`` otherwise (withhold or exploit): what counts for a
    tit-for-tat is whether it would be supported if it opened, not whether the other opened.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "ACTION_NAMES_2",
    "ACTION_NAMES_EXCHANGE",
    "ANSWER_NAMES",
    "EXPLOIT",
    "EXPLOITS",
    "GUARDED_EXPLOIT",
    "GUARDED_SUPPORT",
    "GUARDED_WITHHOLD",
    "LIFT_ACTION",
    "N_EXCHANGE_ACTIONS",
    "OPENS",
    "OPEN_EXPLOIT",
    "OPEN_SUPPORT",
    "OPEN_WITHHOLD",
    "PROJECT_ACTION",
    "SUPPORT",
    "SUPPORTS",
    "WITHHOLD",
    "C",
    "D",
    "answer",
    "exchange_action",
    "is_exploit",
    "is_open",
    "is_support",
    "is_withhold",
]

C = 0
D = 1
ACTION_NAMES_2 = ("C", "D")

#: answers to a partner's openness, in order
SUPPORT = 0
WITHHOLD = 1
EXPLOIT = 2
ANSWER_NAMES = ("support", "withhold", "exploit")

OPEN_SUPPORT = 0
OPEN_WITHHOLD = 1
OPEN_EXPLOIT = 2
GUARDED_SUPPORT = 3
GUARDED_WITHHOLD = 4
GUARDED_EXPLOIT = 5
N_EXCHANGE_ACTIONS = 6
ACTION_NAMES_EXCHANGE = (
    "open+support",
    "open+withhold",
    "open+exploit",
    "guarded+support",
    "guarded+withhold",
    "guarded+exploit",
)

#: per vulnerability-exchange action: does it open / support / exploit (read-only tables)
OPENS = np.array([True, True, True, False, False, False])
SUPPORTS = np.array([True, False, False, True, False, False])
EXPLOITS = np.array([False, False, True, False, False, True])
for _table in (OPENS, SUPPORTS, EXPLOITS):
    _table.setflags(write=False)

#: two-action move -> vulnerability-exchange action
LIFT_ACTION = np.array([OPEN_SUPPORT, GUARDED_EXPLOIT], dtype=np.int64)
#: vulnerability-exchange action -> two-action move as seen by a lifted character (support is C)
PROJECT_ACTION = np.array([C, D, D, C, D, D], dtype=np.int64)
for _table in (LIFT_ACTION, PROJECT_ACTION):
    _table.setflags(write=False)


def exchange_action(opens: bool, answer_: int) -> int:
    """The vulnerability-exchange action that opens (or not) and answers with ``answer_``.

    Examples
    --------
    >>> exchange_action(False, WITHHOLD) == GUARDED_WITHHOLD
    True
    """
    return (0 if opens else 3) + int(answer_)


def answer(action: int) -> int:
    """How a vulnerability-exchange action answers openness: SUPPORT, WITHHOLD or EXPLOIT."""
    return int(action) % 3


def is_open(action: int) -> bool:
    """Whether a vulnerability-exchange action makes the player vulnerable."""
    return int(action) < 3


def is_support(action: int) -> bool:
    """Whether a vulnerability-exchange action answers openness with support."""
    return int(action) % 3 == SUPPORT


def is_withhold(action: int) -> bool:
    """Whether a vulnerability-exchange action answers openness by withholding (neither)."""
    return int(action) % 3 == WITHHOLD


def is_exploit(action: int) -> bool:
    """Whether a vulnerability-exchange action answers openness with exploitation."""
    return int(action) % 3 == EXPLOIT
