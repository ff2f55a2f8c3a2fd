"""The match kernel's two paths give the same counts: the two-action fast path (no history) and
the general path (history recorded), and both equal the reference interpreter's.

The fast path plays units two at a time in lockstep; units of unequal length (continuation
matches) and odd unit counts exercise its ends.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategies import machines, noise_rates, seeds
from trustlab.domain.characters.machine import StateMachine, play_reference
from trustlab.domain.play import pack
from trustlab.kernel.match import _cut, play_units


def _joint(records: list, k: int) -> np.ndarray:
    out = np.zeros((k, k), dtype=np.int64)
    for r in records:
        out[r.executed[0], r.executed[1]] += 1
    return out


@given(
    ms=st.lists(machines(2, max_states=5), min_size=1, max_size=4),
    data=st.data(),
    noise=noise_rates(),
    misread=noise_rates(),
    seed=seeds(),
)
def test_fast_and_general_paths_and_reference_agree_on_every_unit(
    ms: list[StateMachine], data: st.DataObject, noise: float, misread: float, seed: int
) -> None:
    n_units = data.draw(st.integers(1, 7), label="units")
    idx = st.integers(0, len(ms) - 1)
    a = np.array(data.draw(st.lists(idx, min_size=n_units, max_size=n_units)), dtype=np.int64)
    b = np.array(data.draw(st.lists(idx, min_size=n_units, max_size=n_units)), dtype=np.int64)
    match = np.array(
        data.draw(st.lists(st.integers(0, 50), min_size=n_units, max_size=n_units)), dtype=np.int64
    )
    rep = np.arange(n_units, dtype=np.int64)
    turns = np.array(
        data.draw(st.lists(st.integers(1, 40), min_size=n_units, max_size=n_units)), dtype=np.int64
    )
    p = pack(ms, 2)
    s = np.uint64(seed)
    fast = np.zeros((n_units, 2, 2), dtype=np.int64)
    none = np.zeros((0, 0, 2, 3), dtype=np.int8)
    play_units(p.bundle, (a, b, match, rep, turns), (noise, misread, s), (fast, none))
    general = np.zeros_like(fast)
    hist = np.full((n_units, int(turns.max()), 2, 3), -1, dtype=np.int8)
    play_units(p.bundle, (a, b, match, rep, turns), (noise, misread, s), (general, hist))
    np.testing.assert_array_equal(fast, general)
    for u in range(n_units):
        ref = play_reference(
            ms[a[u]], ms[b[u]], int(turns[u]), noise=noise, misread=misread, seed=seed,
            match=int(match[u]), repetition=int(rep[u]),
        )  # fmt: skip
        np.testing.assert_array_equal(fast[u], _joint(ref, 2))
        assert fast[u].sum() == turns[u]


def test_fast_path_adds_to_the_counts_it_is_given() -> None:
    # run_units plays chunk after chunk into slices of one array: counts must accumulate
    cum = np.array([[[0.5, 1.0]]])
    det = np.array([[-1]], dtype=np.int64)
    trans = np.zeros((1, 1, 2, 2), dtype=np.int32)
    init = np.zeros(1, dtype=np.int64)
    one = np.zeros(3, dtype=np.int64)
    turns = np.array([5, 7, 9], dtype=np.int64)
    joint = np.ones((3, 2, 2), dtype=np.int64)
    none = np.zeros((0, 0, 2, 3), dtype=np.int8)
    units = (one, one, one, np.arange(3), turns)
    play_units((cum, det, trans, init), units, (0.0, 0.0, np.uint64(3)), (joint, none))
    np.testing.assert_array_equal(joint.sum(axis=(1, 2)), turns + 4)


@given(p=st.floats(0.0, 1.0), data=st.data())
def test_integer_cut_decides_as_the_uniform_comparison(p: float, data: st.DataObject) -> None:
    # the fast path compares a draw's 32-bit half h with _cut(p) where the general path compares
    # u = h · 2⁻³² with p: they must agree for every h, above all next to the boundary
    edge = int(np.floor(p * 2.0**32))
    h = data.draw(
        st.one_of(
            st.integers(0, 2**32 - 1), st.integers(max(edge - 2, 0), min(edge + 2, 2**32 - 1))
        )
    )
    assert (np.uint64(h) < _cut(p)) == (h * (1.0 / 4294967296.0) < p)


@pytest.mark.parametrize(("noise", "misread"), [(1.0, 0.0), (0.0, 1.0), (1.0, 1.0), (2**-40, 0.0)])
def test_fast_path_agrees_at_extreme_rates(noise: float, misread: float) -> None:
    # certain mistakes and misreadings (cut 2**32), and a rate below one part in 2**32
    rng = np.random.default_rng(5)
    policy = rng.dirichlet([1.0, 1.0], size=3)
    policy[0] = [1.0, 0.0]
    ms = [StateMachine(policy, rng.integers(0, 3, size=(3, 2, 2)), 0) for _ in range(2)]
    p = pack(ms, 2)
    a = np.array([0, 1, 0], dtype=np.int64)
    b = np.array([1, 1, 0], dtype=np.int64)
    idx = np.arange(3, dtype=np.int64)
    turns = np.array([30, 17, 5], dtype=np.int64)
    fast = np.zeros((3, 2, 2), dtype=np.int64)
    general = np.zeros_like(fast)
    s = np.uint64(11)
    none = np.zeros((0, 0, 2, 3), dtype=np.int8)
    hist = np.zeros((3, 30, 2, 3), dtype=np.int8)
    play_units(p.bundle, (a, b, idx, idx, turns), (noise, misread, s), (fast, none))
    play_units(p.bundle, (a, b, idx, idx, turns), (noise, misread, s), (general, hist))
    np.testing.assert_array_equal(fast, general)
    for u in range(3):
        ref = play_reference(ms[a[u]], ms[b[u]], int(turns[u]), noise=noise, misread=misread,
                             seed=11, match=u, repetition=u)  # fmt: skip
        np.testing.assert_array_equal(fast[u], _joint(ref, 2))
