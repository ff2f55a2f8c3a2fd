"""The one path to the match kernel: validation, seeds, packing, and playing units.

Matches, tournaments, evolution (payoffs from matches) and the analysis all come here to pick the
game and play; :func:`run_units` is the only caller of the compiled match kernel.
"""

from __future__ import annotations

import itertools
import math
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from trustlab.domain.characters.character import Character
from trustlab.domain.characters.machine import StateMachine
from trustlab.domain.errors import InvalidParameter
from trustlab.domain.games import Game, prisoners_dilemma
from trustlab.domain.limits import MAX_MATCH_TURNS, check_memory, check_work
from trustlab.domain.provenance import Progress
from trustlab.kernel.match import play_units
from trustlab.kernel.rng import base_key_np, mix64_np, uniform53_np

__all__ = [
    "Length",
    "PackedMachines",
    "characters_for",
    "check_count",
    "check_probability",
    "check_units",
    "draw_turns",
    "game_for",
    "pack",
    "resolve_seed",
    "run_units",
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
    n_units: int,
    length: Length,
    *,
    n_actions: int,
    history: bool = False,
    kept: bool = True,
    what: str,
) -> None:
    """Refuse (:class:`~trustlab.domain.limits.TooLarge`) ``n_units`` matches of ``length`` that
    would not fit in memory or finish in reasonable time; called before anything is allocated.

    ``what`` names the request in the message, e.g. ``"repetitions = 10, turns = 200"``.
    ``kept=False``: the units are summed as they are played (tournaments), so their number
    bounds the work, not the memory.

    Examples
    --------
    >>> check_units(10, Length(turns=200), n_actions=2, what="repetitions = 10")
    >>> check_units(10, Length(turns=10**12), n_actions=2, what="turns = 10**12")
    Traceback (most recent call last):
    ...
    trustlab.domain.limits.TooLarge: turns = 10**12 asks for 1e+13 match-turns; ...
    """
    # per unit: five int64 index arrays, the cumulative turns and the joint action counts
    if kept:
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
    u = uniform53_np(mix64_np(keys))
    w = length.continuation
    if w == 0.0:
        return np.ones(match.shape, dtype=np.int64)
    return np.asarray(1 + np.floor(np.log1p(-u) / math.log(w)).astype(np.int64))


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

    @property
    def bundle(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``(cum, det, trans, init)``: the kernel's machines bundle."""
        return self.cum, self.det, self.trans, self.init


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


def game_for(characters: list[Character], game: Game | None) -> Game:
    """The game to play: ``game``, or the default for the characters (PD, or the vulnerability
    exchange when any of them is written for its six actions)."""
    if game is not None:
        return game
    if any(c.n_actions > 2 for c in characters):
        from trustlab.domain.games import vulnerability_exchange

        return vulnerability_exchange()
    return prisoners_dilemma()


def characters_for(game: Game | None = None) -> list[Character]:
    """Every catalogue character that can play ``game``: with a two-action game (the default)
    the two-action characters; with a four-action game (the vulnerability exchange) all of them,
    the two-action classics lifted.

    Examples
    --------
    >>> from trustlab import characters_for, vulnerability_exchange
    >>> len(characters_for()) < len(characters_for(vulnerability_exchange()))
    True
    """
    from trustlab.domain.characters.catalogue import catalogue

    k = 2 if game is None else game.n_actions
    return [c for c in catalogue().values() if c.n_actions <= k]


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
        units = (unit_a[lo:hi], unit_b[lo:hi], unit_match[lo:hi], unit_rep[lo:hi], turns[lo:hi])
        out = (joint[lo:hi], hist[lo:hi] if history else hist)
        play_units(packed.bundle, units, (noise, misread, np.uint64(seed)), out)
        done += int(turns[lo:hi].sum())
        if progress is not None:
            progress(done, int(cum_turns[-1]))
    return joint, turns, (hist if history else None)
