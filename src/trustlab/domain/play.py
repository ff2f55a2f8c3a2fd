"""Shared preparation for everything that plays matches on the kernel: validation, seeds, packing.

Kept apart from :mod:`trustlab.domain.matches` so that tournaments, evolution and the society use
one path to the kernel.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from trustlab.domain.characters.machine import StateMachine
from trustlab.domain.errors import InvalidParameter
from trustlab.domain.limits import MAX_MATCH_TURNS, check_memory, check_work
from trustlab.kernel.rng import base_key_np, mix64_np

__all__ = [
    "Length",
    "PackedMachines",
    "check_count",
    "check_probability",
    "check_units",
    "draw_turns",
    "pack",
    "resolve_seed",
]

MAX_SEED = (1 << 64) - 1


def resolve_seed(seed: int | None) -> int:
    """The seed to use: ``seed`` itself (checked), or fresh entropy when ``None`` (to record)."""
    if seed is None:
        return secrets.randbits(63)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise InvalidParameter(f"seed must be a non-negative integer, got {seed!r}")
    if not 0 <= int(seed) <= MAX_SEED:
        raise InvalidParameter(f"seed must be between 0 and 2**64 − 1, got {seed}")
    return int(seed)


def check_probability(x: float, what: str, *, below_one: bool = False) -> float:
    """``x`` as a float, or :class:`InvalidParameter` when it is not in [0, 1] (or [0, 1))."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        raise InvalidParameter(f"{what} must be a number, got {x!r}") from None
    if not math.isfinite(v) or v < 0.0 or v > 1.0 or (below_one and v >= 1.0):
        allowed = "[0, 1)" if below_one else "[0, 1]"
        raise InvalidParameter(f"{what} must be a probability in {allowed}, got {x!r}")
    return v


def check_count(x: object, what: str) -> int:
    """``x`` as an ``int`` ≥ 1 (a Python or NumPy integer), or :class:`InvalidParameter`."""
    if isinstance(x, bool) or not isinstance(x, int | np.integer) or int(x) < 1:
        raise InvalidParameter(f"{what} must be a positive integer, got {x!r}")
    return int(x)


@dataclass(frozen=True)
class Length:
    """How long a match lasts: a fixed number of ``turns``, or a ``continuation`` probability W
    (after each turn another follows with probability W; the first turn always happens)."""

    turns: int | None = 200
    continuation: float | None = None

    def __post_init__(self) -> None:
        if self.continuation is not None:
            w = check_probability(self.continuation, "continuation", below_one=True)
            object.__setattr__(self, "continuation", w)
            object.__setattr__(self, "turns", None)
        else:
            t = self.turns
            if isinstance(t, bool) or not isinstance(t, int | np.integer) or int(t) < 1:
                raise InvalidParameter(f"turns must be a positive integer, got {t!r}")
            object.__setattr__(self, "turns", int(t))

    @property
    def expected_turns(self) -> float:
        """Mean number of turns: ``turns``, or 1 / (1 − W)."""
        if self.continuation is not None:
            return 1.0 / (1.0 - self.continuation)
        assert self.turns is not None
        return float(self.turns)

    def describe(self) -> dict[str, float | int | None]:
        """For records: the turns or the continuation."""
        return {"turns": self.turns, "continuation": self.continuation}


def check_units(
    n_units: int, length: Length, *, n_actions: int, history: bool = False, what: str
) -> None:
    """Refuse (:class:`~trustlab.domain.limits.TooLarge`) ``n_units`` matches of ``length`` that
    would not fit in memory or finish in reasonable time; called before anything is allocated.

    ``what`` names the request in the message, e.g. ``"repetitions = 10, turns = 200"``.

    Examples
    --------
    >>> check_units(10, Length(turns=200), n_actions=2, what="repetitions = 10")
    >>> check_units(10, Length(turns=10**12), n_actions=2, what="turns = 10**12")
    Traceback (most recent call last):
    ...
    trustlab.domain.limits.TooLarge: turns = 10**12 asks for 1e+13 match-turns; ...
    """
    # per unit: five int64 index arrays, the cumulative turns and the joint action counts
    check_memory(n_units * (6 * 8 + 8 * n_actions * n_actions), what)
    expected = length.expected_turns
    check_work(n_units * expected, MAX_MATCH_TURNS, "match-turns", what)
    if history:
        # the longest of n geometric lengths is about mean · (1 + ln n)
        longest = expected if length.continuation is None else expected * (1 + math.log(n_units))
        check_memory(n_units * longest * 6, f"{what}, with the history of every turn,")


def describe_request(length: Length, **counts: int) -> str:
    """``"repetitions = 10, turns = 200"``: the sizes of a request, for :func:`check_units`."""
    parts = [f"{k} = {v}" for k, v in counts.items()]
    if length.continuation is not None:
        parts.append(f"continuation = {length.continuation!r}")
    else:
        parts.append(f"turns = {length.turns}")
    return ", ".join(parts)


def draw_turns(length: Length, seed: int, match: np.ndarray, repetition: np.ndarray) -> np.ndarray:
    """Turns of each (match, repetition): fixed, or geometric with P(n) = W^(n−1)(1 − W).

    The uniform comes from the unit's own key (counter −1, before any turn's draws), so it does not
    depend on how units are batched.
    """
    match = np.asarray(match, dtype=np.int64)
    if length.continuation is None:
        assert length.turns is not None
        return np.full(match.shape, length.turns, dtype=np.int64)
    keys = base_key_np(seed, match, np.asarray(repetition, dtype=np.int64))
    u = (mix64_np(keys) >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)
    w = length.continuation
    if w == 0.0:
        return np.ones(match.shape, dtype=np.int64)
    return 1 + np.floor(np.log1p(-u) / math.log(w)).astype(np.int64)


@dataclass(frozen=True)
class PackedMachines:
    """Machines padded to common shapes, as the kernel takes them."""

    cum: np.ndarray  # (n, S, k)
    det: np.ndarray  # (n, S)
    trans: np.ndarray  # (n, S, k, k)
    init: np.ndarray  # (n,)

    @property
    def n_actions(self) -> int:
        return int(self.cum.shape[2])


def pack(machines: Sequence[StateMachine], n_actions: int) -> PackedMachines:
    """Pad ``machines`` (lifted to ``n_actions`` where needed) into the kernel's arrays."""
    ms = [m.for_game(n_actions) for m in machines]
    n_states = max(m.n_states for m in ms)
    n = len(ms)
    cum = np.ones((n, n_states, n_actions))
    det = np.zeros((n, n_states), dtype=np.int64)
    trans = np.zeros((n, n_states, n_actions, n_actions), dtype=np.int32)
    init = np.zeros(n, dtype=np.int64)
    for i, m in enumerate(ms):
        cum[i, : m.n_states] = m.cumulative_policy
        det[i, : m.n_states] = m.deterministic_action
        trans[i, : m.n_states] = m.transition
        init[i] = m.initial_state
    return PackedMachines(cum, det, trans, init)
