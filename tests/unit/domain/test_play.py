"""Shared match preparation: lengths, the geometric draw of turns, seeds, probabilities, packing."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from strategies import machines, seeds
from trustlab import CompileError, InvalidParameter, TrustlabError, memory_one, reactive
from trustlab.domain.play import (
    MAX_SEED,
    Length,
    check_count,
    check_probability,
    draw_turns,
    pack,
    resolve_seed,
)

# --- Length ------------------------------------------------------------------------------------


def test_length_fixed_and_continuation() -> None:
    assert Length().turns == 200 and Length().continuation is None
    assert Length(turns=np.int64(7)).turns == 7
    assert isinstance(Length(turns=np.int64(7)).turns, int)
    fixed = Length(turns=10)
    assert fixed.expected_turns == 10.0
    assert fixed.describe() == {"turns": 10, "continuation": None}
    w = Length(continuation=0.9)
    assert w.turns is None  # a continuation overrides the turns
    assert w.expected_turns == pytest.approx(10.0)
    assert Length(turns=5, continuation=0.0).expected_turns == 1.0
    assert w.describe() == {"turns": None, "continuation": 0.9}


@pytest.mark.parametrize("turns", [0, -1, 2.5, "10", None, True, float("nan")])
def test_length_rejects_turns_that_are_not_positive_integers(turns: object) -> None:
    with pytest.raises(InvalidParameter, match="turns must be a positive integer"):
        Length(turns=turns)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("w", "says"),
    [
        (1.0, "in [0, 1)"),
        (1.5, "in [0, 1)"),
        (-0.1, "in [0, 1)"),
        (float("nan"), "in [0, 1)"),
        (float("inf"), "in [0, 1)"),
        ("often", "must be a number"),
        ([0.5], "must be a number"),
    ],
)
def test_length_rejects_continuations_outside_zero_to_one(w: object, says: str) -> None:
    with pytest.raises(InvalidParameter) as info:
        Length(continuation=w)  # type: ignore[arg-type]
    assert "continuation" in str(info.value) and says in str(info.value)


# --- draw_turns --------------------------------------------------------------------------------


def test_fixed_turns_are_drawn_as_given() -> None:
    out = draw_turns(Length(turns=17), 3, np.arange(5), np.zeros(5))
    assert out.tolist() == [17] * 5 and out.dtype == np.int64


def test_continuation_zero_is_one_turn() -> None:
    assert draw_turns(Length(continuation=0.0), 3, np.arange(4), np.arange(4)).tolist() == [1] * 4


@pytest.mark.parametrize("w", [0.3, 0.9, 0.995])
def test_continuation_turns_are_geometric(w: float) -> None:
    # P(n) = W^(n−1)(1 − W): compare mean (SE from the known variance) and a chi-square over
    # bins of equal probability mass; 60 000 units, fixed inputs
    n = 60_000
    turns = draw_turns(Length(continuation=w), 99, np.arange(n), np.zeros(n, dtype=np.int64))
    assert turns.min() >= 1
    mean, sd = 1 / (1 - w), math.sqrt(w) / (1 - w)
    assert abs(turns.mean() - mean) <= 4 * sd / math.sqrt(n)
    # survival P(N > j) = W^j: bin edges at whole turns, merged so each bin expects ≥ 50 units
    edges = [0]
    while w ** edges[-1] * n > 100:
        nxt = edges[-1] + 1
        while (w ** edges[-1] - w**nxt) * n < 50:
            nxt += 1
        edges.append(nxt)
    observed = [int(((turns > lo) & (turns <= hi)).sum()) for lo, hi in itertools.pairwise(edges)]
    expected = [(w**lo - w**hi) * n for lo, hi in itertools.pairwise(edges)]
    observed.append(int((turns > edges[-1]).sum()))
    expected.append(w ** edges[-1] * n)
    assert sum(observed) == n
    assert stats.chisquare(observed, expected).pvalue > 1e-3


@given(seed=seeds(), w=st.floats(0.0, 0.99))
def test_turn_draws_do_not_depend_on_batching(seed: int, w: float) -> None:
    match = np.array([5, 0, 3, 5, 1_000_000], dtype=np.int64)
    rep = np.array([0, 0, 2, 1, 7], dtype=np.int64)
    together = draw_turns(Length(continuation=w), seed, match, rep)
    apart = [draw_turns(Length(continuation=w), seed, match[i : i + 1], rep[i : i + 1])[0]
             for i in range(5)]  # fmt: skip
    assert together.tolist() == [int(x) for x in apart]
    assert together.min() >= 1


# --- seeds and probabilities ------------------------------------------------------------------


def test_resolve_seed_keeps_a_seed_and_draws_fresh_entropy_for_none() -> None:
    assert resolve_seed(0) == 0
    assert resolve_seed(MAX_SEED) == MAX_SEED
    assert resolve_seed(np.uint64(5)) == 5 and isinstance(resolve_seed(np.uint64(5)), int)
    fresh = {resolve_seed(None) for _ in range(20)}
    assert len(fresh) == 20 and all(0 <= s < 2**63 for s in fresh)


@pytest.mark.parametrize("seed", [-1, 2**64, 1.5, "7", True])
def test_resolve_seed_rejects_what_is_not_a_64_bit_natural(seed: object) -> None:
    with pytest.raises(InvalidParameter, match="seed must be"):
        resolve_seed(seed)  # type: ignore[arg-type]


def test_check_probability_accepts_the_closed_interval() -> None:
    assert check_probability(0, "noise") == 0.0
    assert check_probability(1, "noise") == 1.0
    assert check_probability(np.float32(0.25), "noise") == 0.25
    assert check_probability("0.5", "noise") == 0.5  # text from a config file is a number too


@pytest.mark.parametrize("x", [-0.01, 1.01, float("nan"), float("inf"), "high", None])
def test_check_probability_rejects_the_rest_with_the_name(x: object) -> None:
    with pytest.raises(InvalidParameter) as info:
        check_probability(x, "misread")  # type: ignore[arg-type]
    assert str(info.value).startswith("misread must be")
    assert isinstance(info.value, TrustlabError)


def test_check_probability_below_one() -> None:
    assert check_probability(0.999, "w", below_one=True) == 0.999
    with pytest.raises(InvalidParameter, match=r"\[0, 1\)"):
        check_probability(1.0, "w", below_one=True)


# --- pack -------------------------------------------------------------------------------------


@given(ms=st.lists(machines(), min_size=1, max_size=4))
def test_pack_pads_machines_without_changing_them(ms: list) -> None:
    k = 6 if any(m.n_actions == 6 for m in ms) else 2
    packed = pack(ms, k)
    n_states = max(m.for_game(k).n_states for m in ms)
    assert packed.cum.shape == (len(ms), n_states, k)
    assert packed.trans.shape == (len(ms), n_states, k, k)
    assert packed.n_actions == k
    for i, m in enumerate(ms):
        g = m.for_game(k)
        s = g.n_states
        np.testing.assert_array_equal(packed.cum[i, :s], g.cumulative_policy)
        np.testing.assert_array_equal(packed.det[i, :s], g.deterministic_action)
        np.testing.assert_array_equal(packed.trans[i, :s], g.transition)
        assert packed.init[i] == g.initial_state
        assert np.all(packed.cum[i, :, -1] == 1.0)


def test_pack_lifts_two_action_machines_and_refuses_the_impossible() -> None:
    packed = pack([reactive(1, 0), memory_one(1, 0, 0, 1)], 6)
    assert packed.cum.shape == (2, 5, 6)
    # tit-for-tat lifted: its sure moves are open+support (0) or guarded+exploit (5)
    assert set(packed.det[0, :3].tolist()) == {0, 5}
    four = reactive(1, 0).lifted()
    with pytest.raises(CompileError, match="cannot play a game of 2 actions"):
        pack([four], 2)
    with pytest.raises(CompileError, match="cannot play a game of 3 actions"):
        pack([reactive(1, 0)], 3)


def test_check_count_takes_python_and_numpy_integers_from_one() -> None:
    assert check_count(1, "repetitions") == 1
    out = check_count(np.int32(7), "repetitions")
    assert out == 7 and type(out) is int
    for bad in (0, -2, 2.0, "3", True, None, np.float64(2)):
        with pytest.raises(InvalidParameter, match=r"^repetitions must be a positive integer, got"):
            check_count(bad, "repetitions")
