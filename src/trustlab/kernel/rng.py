"""Counter-based random numbers: a SplitMix64 finaliser over (seed, match, repetition, counter).

Every random number trustlab draws is a pure function of where it is used, never of a stream's
position, so results do not depend on thread count, process count or how work is split into batches.

The same arithmetic is written three times and tested for bit-identity:
``mix64_py`` (plain Python integers, used by the reference interpreter), the vectorised NumPy form
(``mix64_np``) and the compiled form (``mix64``). Every derivation lives here, in those three
forms, and nowhere else:

* **child keys** — ``child_key(key, i) = mix64(key + (i + 1)·GAMMA)``, the i-th output of the
  SplitMix64 stream at ``key``: the key of child i (a turn, a step, an agent) of a keyed unit;
  compiled loops over consecutive children may step the state instead (``child_state``, then
  ``+ child_stride(d)`` per step of ``d`` children, then ``mix64``), which vectorises;
* **unit keys** — ``base_key(seed, match, repetition)``, the child of the child of the seed's
  root key ``mix64(seed + GAMMA)``;
* **seeds** — :func:`derive_seed`, the one way to derive an independent seed for a purpose (the
  graph of an evolution, its initial arrangement, its matches...) from a user's seed;
* **uniforms** — two 32-bit uniforms from one hash (:func:`uniform_pair`) or one 53-bit uniform
  (:func:`uniform53`), the full precision of a double.

References
----------
Steele, Lea & Flood (2014), "Fast splittable pseudorandom number generators", OOPSLA.
doi:10.1145/2660193.2660195
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = [
    "GAMMA",
    "MASK64",
    "base_key",
    "base_key_np",
    "base_key_py",
    "child_key",
    "child_key_np",
    "child_key_py",
    "child_state",
    "child_stride",
    "derive_seed",
    "mix64",
    "mix64_np",
    "mix64_py",
    "replicate_seed",
    "root_key",
    "root_key_py",
    "uniform53",
    "uniform53_np",
    "uniform53_py",
    "uniform_pair",
    "uniform_pair_py",
]

MASK64 = (1 << 64) - 1
GAMMA = 0x9E3779B97F4A7C15
_M1 = 0xBF58476D1CE4E5B9
_M2 = 0x94D049BB133111EB
_INV32 = 1.0 / 4294967296.0
_INV53 = 1.0 / 9007199254740992.0


def mix64_py(x: int) -> int:
    """SplitMix64's finaliser on a Python integer (taken modulo 2**64)."""
    x &= MASK64
    x = ((x ^ (x >> 30)) * _M1) & MASK64
    x = ((x ^ (x >> 27)) * _M2) & MASK64
    return x ^ (x >> 31)


def child_key_py(key: int, i: int) -> int:
    """The key of child ``i`` (≥ 0) of ``key``: ``mix64(key + (i + 1)·GAMMA)``."""
    return mix64_py((key + (i + 1) * GAMMA) & MASK64)


def root_key_py(seed: int) -> int:
    """The root key of a seed, ``mix64(seed + GAMMA)``; units are its children."""
    return mix64_py((seed + GAMMA) & MASK64)


def base_key_py(seed: int, match: int, repetition: int) -> int:
    """The key of one (seed, match, repetition) unit; every draw of that unit hashes from it."""
    return child_key_py(child_key_py(root_key_py(seed), match), repetition)


def uniform_pair_py(key: int, counter: int) -> tuple[float, float]:
    """Two independent uniforms in [0, 1), 32 bits each, from one hash of ``key``'s ``counter``."""
    h = child_key_py(key, counter)
    return (h >> 32) * _INV32, (h & 0xFFFFFFFF) * _INV32


def uniform53_py(h: int) -> float:
    """A uniform in [0, 1) from the top 53 bits of the hash ``h``."""
    return (h >> 11) * _INV53


def derive_seed(seed: int, purpose: int) -> int:
    """An independent seed for one ``purpose`` (≥ 1) of a run seeded with ``seed``.

    The one way trustlab derives a seed from a seed: ``child_key(seed, purpose − 1)``, i.e.
    ``mix64(seed + purpose·GAMMA)``, the purpose-th output of the SplitMix64 stream at ``seed``.

    Examples
    --------
    >>> derive_seed(1, 1) == child_key_py(1, 0) == mix64_py(1 + GAMMA)
    True
    >>> len({derive_seed(7, p) for p in range(1, 100)})
    99
    """
    return child_key_py(seed, purpose - 1)


def replicate_seed(seed: int, *key: int) -> int:
    """The seed of one replicate of an experiment, named by ``key`` (for the collective-action
    curve: the share in agents and the replicate): a 63-bit integer from
    :class:`numpy.random.SeedSequence` ``(seed, spawn_key=key)``, so that every (share,
    replicate) run is independent of every other, as an interval over runs assumes.

    Examples
    --------
    >>> replicate_seed(1, 30, 0) != replicate_seed(1, 30, 1) != replicate_seed(1, 31, 0)
    True
    >>> replicate_seed(1, 0) < 2**63
    True
    """
    state = np.random.SeedSequence(seed, spawn_key=key).generate_state(1, dtype=np.uint64)[0]
    return int(state >> np.uint64(1))


@njit(cache=True, inline="always")
def mix64(x: np.uint64) -> np.uint64:
    x = (x ^ (x >> np.uint64(30))) * np.uint64(_M1)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(_M2)
    return x ^ (x >> np.uint64(31))


@njit(cache=True, inline="always")
def child_state(key: np.uint64, i: np.int64) -> np.uint64:
    """The state whose :func:`mix64` is child ``i``'s key: ``child_key(key, i) ==
    mix64(child_state(key, i))``; the state of child ``i + d`` is this plus
    :func:`child_stride` ``(d)``."""
    return key + np.uint64(i + 1) * np.uint64(GAMMA)


@njit(cache=True, inline="always")
def child_key(key: np.uint64, i: np.int64) -> np.uint64:
    """Compiled :func:`child_key_py`."""
    return mix64(child_state(key, i))


@njit(cache=True, inline="always")
def child_stride(d: np.int64) -> np.uint64:
    """How far apart the states of children ``d`` apart are (wrapping): ``d·GAMMA``."""
    return np.uint64(d) * np.uint64(GAMMA)


@njit(cache=True, inline="always")
def root_key(seed: np.uint64) -> np.uint64:
    """Compiled :func:`root_key_py`."""
    return mix64(seed + np.uint64(GAMMA))


@njit(cache=True)
def base_key(seed: np.uint64, match: np.int64, repetition: np.int64) -> np.uint64:
    return child_key(child_key(root_key(seed), match), repetition)


@njit(cache=True, inline="always")
def uniform_pair(key: np.uint64, counter: np.int64) -> tuple[float, float]:
    h = child_key(key, counter)
    hi = h >> np.uint64(32)
    lo = h & np.uint64(0xFFFFFFFF)
    return float(hi) * _INV32, float(lo) * _INV32


@njit(cache=True, inline="always")
def uniform53(h: np.uint64) -> float:
    """Compiled :func:`uniform53_py`."""
    return float(h >> np.uint64(11)) * _INV53


def mix64_np(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser, vectorised over a ``uint64`` array (wrapping arithmetic)."""
    x = np.asarray(x, dtype=np.uint64)
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * np.uint64(_M1)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(_M2)
        out: np.ndarray = x ^ (x >> np.uint64(31))
        return out


def base_key_np(seed: int, match: np.ndarray, repetition: np.ndarray) -> np.ndarray:
    """Vectorised :func:`base_key_py` over arrays of match and repetition indices."""
    root = np.uint64(root_key_py(seed & MASK64))
    return child_key_np(child_key_np(root, match), repetition)


def child_key_np(key: np.ndarray | np.uint64 | int, i: np.ndarray) -> np.ndarray:
    """Vectorised :func:`child_key_py` (``key`` and ``i`` broadcast)."""
    with np.errstate(over="ignore"):
        k = np.asarray(key, dtype=np.uint64)
        return mix64_np(k + (np.asarray(i, dtype=np.uint64) + np.uint64(1)) * np.uint64(GAMMA))


def uniform53_np(h: np.ndarray) -> np.ndarray:
    """Vectorised :func:`uniform53_py` over a ``uint64`` array of hashes."""
    h = np.asarray(h, dtype=np.uint64)
    return np.asarray((h >> np.uint64(11)).astype(np.float64) * _INV53)
