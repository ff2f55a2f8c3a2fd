"""How big a request may be: checked before anything is allocated or run.

Every entry point that takes a size, a count or a length (matches, tournaments, evolution, the
society, exact analysis) estimates, from its arguments alone, the memory its arrays need and the
work it will do, and calls :func:`check_memory` and :func:`check_work` before it allocates. A
request over a limit gets one :class:`TooLarge` error saying how big it is and what the limit is,
so ``play_match(..., repetitions=10**12)`` fails in microseconds instead of filling the memory.

The limits are named constants, derived from the machine (memory) or from measured speeds (time):

* memory: :func:`memory_cap` = :data:`MEMORY_SHARE` of the memory available when the check runs
  (``MemAvailable`` on Linux, else the physical memory);
* time: :data:`MAX_MATCH_TURNS` match-turns (the kernel plays ~3·10⁸ per second per core, so
  the cap is a few minutes on one core), :data:`MAX_SITE_UPDATES` individual updates of an
  evolving population, :data:`MAX_RELATIONSHIP_TURNS` relationship-turns of a society
  (~1.5·10⁷ per second), :data:`MAX_ROUNDS` rounds of a society, and
  :data:`MAX_EXACT_POPULATION` players in exact fixation sums.

Messages name the parameter as the function calls it (``repetitions``); the command line
rewrites it to its option (``--repetitions``).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from contextlib import contextmanager

from trustlab.domain.errors import InvalidParameter

__all__ = [
    "MAX_EXACT_POPULATION",
    "MAX_MATCH_TURNS",
    "MAX_RELATIONSHIP_TURNS",
    "MAX_ROUNDS",
    "MAX_SITE_UPDATES",
    "MEMORY_SHARE",
    "TooLarge",
    "check_memory",
    "check_society",
    "check_work",
    "human_bytes",
    "memory_cap",
    "tightened",
]

#: Share of the available memory one request may take.
MEMORY_SHARE = 0.5
#: Match-turns one call may play (about 1–5 minutes at the kernel's measured speed).
MAX_MATCH_TURNS = 5 * 10**10
#: Individual updates (sites × generations × runs) one evolution may make (~20 s at 1 ns each,
#: a few minutes for well-mixed Moran steps at 10⁸ per second).
MAX_SITE_UPDATES = 2 * 10**10
#: Relationship-turns (agents × capacity × rounds, summed over runs) one society call may play.
MAX_RELATIONSHIP_TURNS = 4 * 10**9
#: Rounds one society run may last (each round has a fixed Python cost of about 0.1 ms).
MAX_ROUNDS = 10**7
#: Population size of exact fixation sums (O(N) arrays and time: about 1 s per 10⁸).
MAX_EXACT_POPULATION = 10**8


# Set by :func:`tightened` (tests and fuzzers): a fixed memory cap and a factor on time limits.
_memory_override: int | None = None
_time_share = 1.0


@contextmanager
def tightened(*, memory: int, time_share: float) -> Iterator[None]:
    """Within the block, cap memory at ``memory`` bytes and every time limit at ``time_share``
    of its value: a fuzzer can then run whatever is accepted quickly.

    Examples
    --------
    >>> with tightened(memory=2**20, time_share=1e-6):
    ...     memory_cap()
    1048576
    """
    global _memory_override, _time_share
    saved = _memory_override, _time_share
    _memory_override, _time_share = int(memory), float(time_share)
    try:
        yield
    finally:
        _memory_override, _time_share = saved


class TooLarge(InvalidParameter):
    """A request that would not fit in memory or finish in reasonable time."""


def memory_cap() -> int:
    """Bytes one request may allocate: :data:`MEMORY_SHARE` of the memory available now.

    Examples
    --------
    >>> memory_cap() > 0
    True
    """
    if _memory_override is not None:
        return _memory_override
    available = 0
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    available = int(line.split()[1]) * 1024
                    break
    except (OSError, ValueError, IndexError):
        available = 0
    if available <= 0:
        try:
            available = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        except (ValueError, OSError, AttributeError):  # pragma: no cover - exotic platforms
            available = 8 * 2**30
    cap = int(available * MEMORY_SHARE)
    try:  # a process limit (ulimit -v) below that wins
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        if soft != resource.RLIM_INFINITY:
            cap = min(cap, int(soft * MEMORY_SHARE))
    except (ImportError, OSError, ValueError):  # pragma: no cover - not POSIX
        pass
    return cap


def human_bytes(n: float) -> str:
    """``n`` bytes in a short unit.

    Examples
    --------
    >>> human_bytes(1536), human_bytes(3.2e12)
    ('1.5 KiB', '2.9 TiB')
    """
    if not math.isfinite(n):
        return "unboundedly many bytes"
    units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
    x = float(n)
    i = 0
    while x >= 1024 and i < len(units) - 1:
        x /= 1024
        i += 1
    return f"{int(x)} bytes" if i == 0 else f"{x:.1f} {units[i]}"


def _count(x: float) -> str:
    """A large count readably: 1000000000000 → '1e+12', 123456 → '123,456'."""
    if not math.isfinite(x):
        return "unboundedly many"
    return f"{x:,.0f}" if x < 1e7 else f"{x:.3g}"


def check_memory(nbytes: float, what: str) -> None:
    """Raise :class:`TooLarge` when ``nbytes`` exceed :func:`memory_cap`.

    Parameters
    ----------
    nbytes : float
        The estimated size of the arrays a request needs (may be ``inf``).
    what : str
        The request, e.g. ``"repetitions = 1000000000000"``.

    Examples
    --------
    >>> check_memory(1024, "a small request")
    >>> check_memory(1e30, "repetitions = 10**28")
    Traceback (most recent call last):
    ...
    trustlab.domain.limits.TooLarge: repetitions = 10**28 needs about ...
    """
    if not nbytes <= memory_cap():
        raise TooLarge(
            f"{what} needs about {human_bytes(nbytes)} of memory; the limit is "
            f"{human_bytes(memory_cap())} ({MEMORY_SHARE:.0%} of the memory available)"
        )


def check_work(amount: float, limit: int, unit: str, what: str) -> None:
    """Raise :class:`TooLarge` when ``amount`` of work exceeds ``limit``.

    Parameters
    ----------
    amount : float
        The work a request asks for, in ``unit`` (may be ``inf``).
    limit : int
        The most allowed (one of this module's constants).
    unit : str
        What is counted, e.g. ``"match-turns"``.
    what : str
        The request, e.g. ``"turns = 1000000000000"``.

    Examples
    --------
    >>> check_work(1e13, MAX_MATCH_TURNS, "match-turns", "turns = 10000000000000")
    Traceback (most recent call last):
    ...
    trustlab.domain.limits.TooLarge: turns = 10000000000000 asks for 1e+13 match-turns; ...
    """
    limit = max(1, int(limit * _time_share))
    if not amount <= limit:
        raise TooLarge(
            f"{what} asks for {_count(amount)} {unit}; the limit is {_count(limit)} "
            "(it would not finish in reasonable time)"
        )


def check_society(n_agents: int, capacity: int, rounds: int, *, runs: int = 1) -> None:
    """Refuse a society (or ``runs`` of them) too big for memory or time, before building it.

    Per agent the state holds a few arrays of ``capacity`` slots (partners, trust counts, ages,
    needs: about 100 bytes a slot) and a few hundred bytes of its own.

    Examples
    --------
    >>> check_society(1000, 4, 200)
    >>> check_society(10**9, 4, 200)
    Traceback (most recent call last):
    ...
    trustlab.domain.limits.TooLarge: agents = 1000000000 needs about ...
    """
    check_memory(n_agents * (400.0 + 100.0 * capacity), f"agents = {n_agents}")
    check_work(rounds, MAX_ROUNDS, "rounds", f"rounds = {rounds}")
    what = f"agents = {n_agents}, capacity = {capacity}, rounds = {rounds}"
    if runs > 1:
        what = f"runs = {runs} (with every share tried) of {what}"
    check_work(
        float(runs) * n_agents * capacity * rounds,
        MAX_RELATIONSHIP_TURNS,
        "relationship-turns",
        what,
    )
