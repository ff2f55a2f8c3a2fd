"""The memory-layout helpers change where data lives and when it is fetched, never a result."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit

from trustlab.domain.society import SocietyConfig
from trustlab.domain.society.simulation import new_state
from trustlab.kernel import society as K
from trustlab.kernel.memory import CACHE_LINE, aligned_zeros, prefetch, prefetch_read


@given(
    shape=st.lists(st.integers(1, 40), min_size=1, max_size=3).map(tuple),
    dtype=st.sampled_from([np.int8, np.int32, np.float32, np.float64]),
)
@settings(max_examples=50, deadline=None)
def test_aligned_zeros_is_zeroed_contiguous_and_on_a_line(shape, dtype) -> None:
    a = aligned_zeros(shape, dtype)
    assert a.shape == shape and a.dtype == np.dtype(dtype)
    assert a.flags.c_contiguous and a.flags.writeable
    assert a.ctypes.data % CACHE_LINE == 0
    assert not a.any()
    a[...] = 1  # the whole array is writable memory of its own
    assert int(a.sum()) == a.size


@njit
def _sum_with_prefetch(a: np.ndarray) -> int:
    total = 0
    n, m = a.shape[0], a.shape[1]
    for i in range(n):
        for s in range(m):
            prefetch(a, (i * 7 + 3) % n, (s * 5 + 1) % m)
            total += a[i, s, 0] + a[i, s, a.shape[2] - 1]
    return total


def test_prefetch_is_only_a_hint() -> None:
    a = np.arange(50 * 8 * 16, dtype=np.int32).reshape(50, 8, 16)
    expected = int(a[:, :, 0].sum() + a[:, :, 15].sum())
    assert _sum_with_prefetch(a) == expected
    assert _sum_with_prefetch(aligned_zeros((50, 8, 16), np.int32)) == 0


def test_prefetch_rejects_what_it_cannot_address() -> None:
    from numba.core.errors import TypingError

    @njit
    def on_a_vector(v: np.ndarray) -> None:
        prefetch(v, 0, 0)

    @njit
    def read_on_slots(a: np.ndarray) -> None:
        prefetch_read(a, 0)

    with pytest.raises(TypingError):
        on_a_vector(np.zeros(4))
    with pytest.raises(TypingError):
        read_on_slots(np.zeros((2, 2, 2)))


@njit
def _gather_with_prefetch(v: np.ndarray, idx: np.ndarray) -> int:
    total = 0
    for q in range(idx.size):
        if q + 2 < idx.size:
            prefetch_read(v, idx[q + 2])
        total += v[idx[q]]
    return total


def test_prefetch_read_is_only_a_hint() -> None:
    v = np.arange(10_000, dtype=np.int64) * 3
    idx = np.random.default_rng(1).integers(0, v.size, 500)
    assert _gather_with_prefetch(v, idx) == int(v[idx].sum())
    assert _gather_with_prefetch(np.zeros(4, np.int8), np.array([3, 0, 2])) == 0


def test_society_slots_start_on_cache_lines_and_copies_keep_them_there() -> None:
    cfg = SocietyConfig("reciprocator:0.5,guarded:0.5", n_agents=300, capacity=8, rounds=5)
    st = new_state(cfg, 1)
    assert st.rel.ctypes.data % CACHE_LINE == 0
    assert st.rel.strides[1] == CACHE_LINE  # one slot, one line
    twin = st.copy()
    assert twin.rel.ctypes.data % CACHE_LINE == 0
    np.testing.assert_array_equal(twin.rel, st.rel)
    assert not np.shares_memory(twin.rel, st.rel)
    empty = K.new_slots(3, 2)
    assert (empty[:, :, K.PARTNER] == -1).all() and not empty[:, :, K.PSLOT :].any()


def test_slot_summary_matches_numpy_over_the_slots() -> None:
    from trustlab.domain.society.simulation import prepare, step

    cfg = SocietyConfig(
        "reciprocator:0.3,guarded:0.5,exploiter:0.2", n_agents=400, capacity=6, rounds=30
    )
    prep = prepare(cfg)
    st = new_state(cfg, 3, prep)
    for _ in range(12):
        step(st, cfg, prep)
    partner = st.rel[:, :, K.PARTNER]
    mask = partner >= 0
    own = mask & (partner > np.arange(partner.shape[0])[:, None])
    occupied, age_sum, x, y, given, got = K.slot_summary(st.rel, st.round_open)
    assert occupied == int(mask.sum()) > 0
    assert age_sum == int(st.rel[:, :, K.AGE][mask].sum())
    np.testing.assert_array_equal(x, st.round_open[np.nonzero(mask)[0]])
    np.testing.assert_array_equal(y, st.round_open[partner[mask]])
    np.testing.assert_array_equal(given, st.rel[:, :, K.GIVEN][own])
    np.testing.assert_array_equal(got, st.rel[:, :, K.GOT][own])
