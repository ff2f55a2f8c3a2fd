"""The counter-based RNG: its Python, NumPy and Numba forms agree bit for bit, and its uniforms
lie in [0, 1) and look uniform."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from strategies import MAX_SEED, match_indices, repetition_indices, seeds
from trustlab.kernel import rng

u64 = st.integers(0, MAX_SEED)
counters = st.integers(-1, (1 << 40))


def _unmix64(h: int) -> int:
    """The inverse of SplitMix64's finaliser, to construct keys whose hash is any value we like."""

    def unxorshift(y: int, s: int) -> int:
        x = y
        for _ in range(64 // s + 1):
            x = y ^ (x >> s)
        return x

    m1_inv = pow(0xBF58476D1CE4E5B9, -1, 1 << 64)
    m2_inv = pow(0x94D049BB133111EB, -1, 1 << 64)
    x = unxorshift(h, 31)
    x = unxorshift((x * m2_inv) & rng.MASK64, 27)
    return unxorshift((x * m1_inv) & rng.MASK64, 30)


def test_known_values_of_splitmix64_finaliser() -> None:
    # SplitMix64 (Steele et al. 2014): the first output from state 0 is mix64(GAMMA)
    assert rng.mix64_py(rng.GAMMA) == 0xE220A8397B1DCDAF
    assert rng.mix64_py(0) == 0
    # the finaliser is a bijection: our inverse must undo it
    for h in (0, 1, rng.MASK64, 0x0123456789ABCDEF):
        assert rng.mix64_py(_unmix64(h)) == h


@given(x=u64)
def test_mix64_python_numpy_numba_are_bit_identical(x: int) -> None:
    py = rng.mix64_py(x)
    assert 0 <= py <= rng.MASK64
    assert int(rng.mix64_np(np.array([x], dtype=np.uint64))[0]) == py
    assert int(rng.mix64(np.uint64(x))) == py


@given(seed=seeds(), match=match_indices(), rep=repetition_indices())
def test_base_key_python_numpy_numba_are_bit_identical(seed: int, match: int, rep: int) -> None:
    py = rng.base_key_py(seed, match, rep)
    nb = rng.base_key(np.uint64(seed), np.int64(match), np.int64(rep))
    vec = rng.base_key_np(seed, np.array([match, 0]), np.array([rep, 0]))
    assert int(nb) == py
    assert int(vec[0]) == py
    assert int(vec[1]) == rng.base_key_py(seed, 0, 0)


@given(key=u64, counter=counters)
def test_uniform_pair_python_and_numba_are_bit_identical(key: int, counter: int) -> None:
    py = rng.uniform_pair_py(key, counter)
    nb = rng.uniform_pair(np.uint64(key), np.int64(counter))
    assert py == (nb[0], nb[1])
    assert all(0.0 <= u < 1.0 for u in py)


def test_uniforms_reach_their_extremes_and_stay_below_one() -> None:
    # keys whose hash at counter 0 is all ones / all zeros give the largest / smallest uniforms
    for h, expected in ((rng.MASK64, 1.0 - 2.0**-32), (0, 0.0)):
        key = (_unmix64(h) - rng.GAMMA) & rng.MASK64
        py = rng.uniform_pair_py(key, 0)
        nb = rng.uniform_pair(np.uint64(key), np.int64(0))
        assert py == (expected, expected)
        assert (nb[0], nb[1]) == py
        assert py[0] < 1.0


def test_keys_differ_across_seed_match_and_repetition() -> None:
    keys = {
        rng.base_key_py(seed, match, rep)
        for seed in range(4)
        for match in range(16)
        for rep in range(16)
    }
    assert len(keys) == 4 * 16 * 16


def test_uniforms_are_uniform_and_the_pair_is_independent() -> None:
    # 20 000 pairs from consecutive counters of one key: a Kolmogorov–Smirnov test per stream and
    # the correlation within the pair (SE 1/sqrt(n)); fixed inputs, so this never flakes
    key = rng.base_key_py(12345, 7, 3)
    n = 20_000
    pairs = np.array([rng.uniform_pair_py(key, c) for c in range(n)])
    for col in (0, 1):
        assert stats.kstest(pairs[:, col], "uniform").pvalue > 1e-3
        assert abs(pairs[:, col].mean() - 0.5) < 4 * np.sqrt(1 / 12 / n)
    corr = np.corrcoef(pairs[:, 0], pairs[:, 1])[0, 1]
    assert abs(corr) < 4 / np.sqrt(n)
    # neighbouring counters are not correlated either
    lag = np.corrcoef(pairs[:-1, 0], pairs[1:, 0])[0, 1]
    assert abs(lag) < 4 / np.sqrt(n)


@given(key=u64, i=counters)
def test_child_key_python_numpy_numba_are_bit_identical(key: int, i: int) -> None:
    py = rng.child_key_py(key, i)
    # the SplitMix64 step, written out once here to pin the derivation
    assert py == rng.mix64_py((key + (i + 1) * rng.GAMMA) & rng.MASK64)
    assert int(rng.child_key(np.uint64(key), np.int64(i))) == py
    assert int(rng.child_key_np(np.uint64(key), np.array([i]))[0]) == py


@given(key=u64, i=st.integers(0, 1 << 40), d=st.integers(0, 1 << 20))
def test_stepping_child_states_gives_the_child_keys(key: int, i: int, d: int) -> None:
    # compiled loops step the state by child_stride instead of hashing each counter afresh
    # (called from Python, the dispatcher returns a Python int: make it a uint64 again)
    state = np.uint64(rng.child_state(np.uint64(key), np.int64(i)))
    assert int(rng.mix64(state)) == rng.child_key_py(key, i)
    ahead = np.uint64((int(state) + int(rng.child_stride(np.int64(d)))) & rng.MASK64)
    assert int(rng.mix64(ahead)) == rng.child_key_py(key, i + d)


@given(h=u64)
def test_uniform53_python_numpy_numba_are_bit_identical(h: int) -> None:
    py = rng.uniform53_py(h)
    assert py == (h >> 11) / 2.0**53 and 0.0 <= py < 1.0
    assert float(rng.uniform53(np.uint64(h))) == py
    assert float(rng.uniform53_np(np.array([h], dtype=np.uint64))[0]) == py


@given(seed=seeds(), match=match_indices(), rep=repetition_indices())
def test_base_key_is_the_child_of_the_child_of_the_root(seed: int, match: int, rep: int) -> None:
    g, m = rng.GAMMA, rng.MASK64
    written_out = rng.mix64_py(
        (rng.mix64_py((rng.mix64_py((seed + g) & m) + (match + 1) * g) & m) + (rep + 1) * g) & m
    )
    assert rng.base_key_py(seed, match, rep) == written_out
    assert rng.child_key_py(rng.child_key_py(rng.root_key_py(seed), match), rep) == written_out


def test_derived_seeds_are_the_purpose_th_splitmix_output() -> None:
    for seed in (0, 1, 2**63 + 5, rng.MASK64):
        for purpose in (1, 2, 3, 4):
            assert rng.derive_seed(seed, purpose) == rng.mix64_py(
                (seed + purpose * rng.GAMMA) & rng.MASK64
            )
    # SplitMix64 from state 0 (Steele et al. 2014): its first output
    assert rng.derive_seed(0, 1) == 0xE220A8397B1DCDAF


def test_replicate_seeds_are_the_seed_sequence_ones() -> None:
    state = np.random.SeedSequence(5, spawn_key=(3,)).generate_state(1, dtype=np.uint64)[0]
    assert rng.replicate_seed(5, 3) == int(state) >> 1
    assert len({rng.replicate_seed(5, r) for r in range(50)}) == 50
