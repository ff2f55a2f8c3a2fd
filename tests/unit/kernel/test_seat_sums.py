"""The per-unit seat sums kernel against the obvious NumPy reference."""

from __future__ import annotations

import numpy as np
import pytest

from trustlab import donation, prisoners_dilemma, vulnerability_exchange
from trustlab.kernel.match import seat_sums


def _reference(joint: np.ndarray, payoffs: np.ndarray, coop: int) -> tuple[np.ndarray, np.ndarray]:
    totals = np.stack(
        [np.einsum("uij,ij->u", joint, payoffs), np.einsum("uij,ji->u", joint, payoffs)], axis=1
    )
    coops = np.stack([joint[:, coop, :].sum(axis=1), joint[:, :, coop].sum(axis=1)], axis=1)
    return totals, coops


@pytest.mark.parametrize(
    "payoffs",
    [
        prisoners_dilemma().payoffs,
        donation(3, 1).payoffs,
        vulnerability_exchange().payoffs,
        np.array([[1 / 3, -0.7], [2.25, 0.1]]),
    ],
    ids=["pd", "donation", "vulnerability-exchange", "fractional"],
)
def test_seat_sums_equal_the_reference(payoffs: np.ndarray) -> None:
    k = payoffs.shape[0]
    joint = np.random.default_rng(7).integers(0, 500, size=(1001, k, k)).astype(np.int64)
    totals = np.zeros((1001, 2))
    coops = np.zeros((1001, 2), dtype=np.int64)
    seat_sums(joint, payoffs, np.int64(0), totals, coops)
    want_totals, want_coops = _reference(joint, payoffs, 0)
    np.testing.assert_array_equal(coops, want_coops)
    np.testing.assert_allclose(totals, want_totals, rtol=1e-13, atol=1e-9)
    if np.all(payoffs == np.round(payoffs)):  # integer payoffs: every order of summation is exact
        np.testing.assert_array_equal(totals, want_totals)


def test_seat_sums_of_a_hand_made_unit() -> None:
    joint = np.array([[[2, 1], [3, 4]]], dtype=np.int64)  # CC twice, CD once, DC 3 times, DD 4
    totals = np.zeros((1, 2))
    coops = np.zeros((1, 2), dtype=np.int64)
    seat_sums(joint, prisoners_dilemma().payoffs, np.int64(0), totals, coops)
    # row: 2·3 + 1·0 + 3·5 + 4·1 = 25; column: 2·3 + 1·5 + 3·0 + 4·1 = 15
    assert totals.tolist() == [[25.0, 15.0]]
    assert coops.tolist() == [[3, 5]]
