"""The society's attribution kernel gives exactly the weighted ``np.bincount`` sums it replaced."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from trustlab.kernel.society import N_TALLY, attribute_counts


def _bincount_oracle(
    char: np.ndarray,
    tally: np.ndarray,
    payoff_total: np.ndarray,
    pay_giver: np.ndarray,
    rounds_done: int,
    mark: np.ndarray,
    n_types: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    d_tally = tally - mark[:, :N_TALLY].astype(np.int64)
    per_tally = np.stack(
        [np.rint(np.bincount(char, weights=d_tally[:, c], minlength=n_types)).astype(np.int64)
         for c in range(N_TALLY)], axis=1,
    )  # fmt: skip
    pay = np.bincount(char, weights=payoff_total - mark[:, N_TALLY], minlength=n_types)
    lived = np.bincount(char, weights=rounds_done - mark[:, N_TALLY + 1], minlength=n_types)
    giver = np.bincount(char, weights=pay_giver - mark[:, N_TALLY + 2], minlength=n_types)
    return per_tally, pay, lived.astype(np.int64), giver


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 300), n_types=st.integers(1, 6), seed=st.integers(0, 2**32 - 1))
def test_attribution_equals_the_bincount_sums(n: int, n_types: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    char = rng.integers(0, n_types, n).astype(np.int64)
    mark = np.zeros((n, N_TALLY + 3))
    mark[:, :N_TALLY] = rng.integers(0, 1000, (n, N_TALLY))
    mark[:, N_TALLY] = rng.normal(0, 100, n)
    mark[:, N_TALLY + 1] = rng.integers(0, 50, n)
    mark[:, N_TALLY + 2] = rng.normal(0, 10, n)
    tally = mark[:, :N_TALLY].astype(np.int64) + rng.integers(0, 500, (n, N_TALLY))
    payoff_total = mark[:, N_TALLY] + rng.normal(0, 50, n)
    pay_giver = mark[:, N_TALLY + 2] + rng.normal(0, 5, n)
    rounds_done = 60
    start_tally = rng.integers(0, 10, (n_types, N_TALLY)).astype(np.int64)
    start_pay = rng.normal(0, 1, n_types)
    start_rounds = rng.integers(0, 10, n_types).astype(np.int64)
    start_giver = rng.normal(0, 1, n_types)
    want = _bincount_oracle(char, tally, payoff_total, pay_giver, rounds_done, mark, n_types)

    got_tally, got_pay = start_tally.copy(), start_pay.copy()
    got_rounds, got_giver = start_rounds.copy(), start_giver.copy()
    marks = mark.copy()
    attribute_counts(char, tally, payoff_total, pay_giver, rounds_done, marks,
                     got_tally, got_pay, got_rounds, got_giver)  # fmt: skip

    np.testing.assert_array_equal(got_tally, start_tally + want[0])
    np.testing.assert_array_equal(got_pay, start_pay + want[1])  # same order: bit for bit
    np.testing.assert_array_equal(got_rounds, start_rounds + want[2])
    np.testing.assert_array_equal(got_giver, start_giver + want[3])
    np.testing.assert_array_equal(marks[:, :N_TALLY], tally)
    np.testing.assert_array_equal(marks[:, N_TALLY], payoff_total)
    np.testing.assert_array_equal(marks[:, N_TALLY + 1], rounds_done)
    np.testing.assert_array_equal(marks[:, N_TALLY + 2], pay_giver)
