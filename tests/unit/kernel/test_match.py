"""The match kernel on hand-made arrays: mistakes, choices, counts and the optional history."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from trustlab.domain.characters.machine import replace_action
from trustlab.kernel.match import _choose, _replace, play_units


@pytest.mark.parametrize("k", [2, 3, 4, 5])
def test_a_mistake_replaces_the_action_uniformly_by_another(k: int) -> None:
    # splitting [0, 1) into k − 1 equal bins, bin r gives the r-th action other than the intended
    for intended in range(k):
        others = [a for a in range(k) if a != intended]
        for r, expected in enumerate(others):
            for u in (r / (k - 1), (r + 0.5) / (k - 1), (r + 1) / (k - 1) - 1e-12):
                assert replace_action(intended, u, k) == expected
                assert _replace(np.int64(intended), u, np.int64(k)) == expected


@given(k=st.integers(2, 6), data=st.data())
def test_replace_in_kernel_and_reference_agree_and_never_keep_the_action(
    k: int, data: st.DataObject
) -> None:
    intended = data.draw(st.integers(0, k - 1))
    u = data.draw(st.floats(0.0, 1.0, exclude_max=True))
    r = replace_action(intended, u, k)
    assert r == _replace(np.int64(intended), u, np.int64(k))
    assert 0 <= r < k and r != intended


def test_choose_takes_the_sure_action_or_the_first_cumulative_bin_above_u() -> None:
    cum = np.array([[[0.2, 0.2, 0.7, 1.0], [1.0, 1.0, 1.0, 1.0]]])
    det = np.array([[-1, 2]])
    k = np.int64(4)
    assert _choose(cum, det, 0, 1, 0.99, k) == 2  # sure action ignores u
    assert _choose(cum, det, 0, 0, 0.0, k) == 0
    assert _choose(cum, det, 0, 0, 0.2, k) == 2  # zero-probability action 1 is skipped
    assert _choose(cum, det, 0, 0, 0.6999, k) == 2
    assert _choose(cum, det, 0, 0, 0.7, k) == 3
    assert _choose(cum, det, 0, 0, 0.999999, k) == 3


def _tft_alld() -> tuple[np.ndarray, ...]:
    """Packed arrays for tit-for-tat (machine 0) and always-defect (machine 1)."""
    cum = np.array([[[1.0, 1.0], [0.0, 1.0]], [[0.0, 1.0], [0.0, 1.0]]])
    det = np.array([[0, 1], [1, 1]], dtype=np.int64)
    trans = np.zeros((2, 2, 2, 2), dtype=np.int32)
    trans[0, :, :, 1] = 1  # tit-for-tat goes to its D state when it sees D
    init = np.zeros(2, dtype=np.int64)
    return cum, det, trans, init


def _play(
    units: list[tuple[int, int, int, int, int]],
    noise: float = 0.0,
    misread: float = 0.0,
    seed: int = 0,
    record: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    cum, det, trans, init = _tft_alld()
    a, b, m, r, t = (np.array(col, dtype=np.int64) for col in zip(*units, strict=True))
    joint = np.zeros((len(units), 2, 2), dtype=np.int64)
    shape = (len(units), int(t.max()), 2, 3) if record else (0, 0, 2, 3)
    hist = np.full(shape, -1, dtype=np.int8)
    draws = (noise, misread, np.uint64(seed))
    play_units((cum, det, trans, init), (a, b, m, r, t), draws, (joint, hist))
    return joint, hist


def test_tit_for_tat_against_always_defect_by_hand() -> None:
    joint, hist = _play([(0, 1, 0, 0, 5), (1, 0, 1, 0, 3), (0, 0, 2, 0, 4)])
    # TFT v AllD: C,D then D,D four times
    assert joint[0].tolist() == [[0, 1], [0, 4]]
    # seats swapped: AllD v TFT
    assert joint[1].tolist() == [[0, 0], [1, 2]]
    # self-play: TFT v TFT cooperates throughout
    assert joint[2].tolist() == [[4, 0], [0, 0]]
    # history: intended, executed, observed for each player; −1 past the unit's end
    assert hist[0, :2, 0].tolist() == [[0, 0, 1], [1, 1, 1]]
    assert hist[0, :2, 1].tolist() == [[1, 1, 0], [1, 1, 1]]
    assert np.all(hist[1, 3:] == -1)


def test_full_noise_flips_every_two_action_move_and_full_misreading_every_observation() -> None:
    _, hist = _play([(1, 1, 0, 0, 6)], noise=1.0)
    assert np.all(hist[0, :, :, 0] == 1)  # always-defect intends D
    assert np.all(hist[0, :, :, 1] == 0)  # and every move comes out as C
    _, hist = _play([(1, 1, 0, 0, 6)], misread=1.0)
    assert np.all(hist[0, :, :, 1] == 1)
    assert np.all(hist[0, :, :, 2] == 0)  # every D is seen as C


def test_recording_history_does_not_change_the_counts() -> None:
    units = [(0, 1, i, i % 3, 50) for i in range(10)]
    with_history, _ = _play(units, noise=0.1, misread=0.05, seed=9)
    without, _ = _play(units, noise=0.1, misread=0.05, seed=9, record=False)
    np.testing.assert_array_equal(with_history, without)
    assert with_history.sum() == 500


def test_counts_add_into_the_joint_array() -> None:
    # the kernel adds (so callers may accumulate); it never clears what is there
    cum, det, trans, init = _tft_alld()
    one = np.ones(1, dtype=np.int64)
    joint = np.full((1, 2, 2), 10, dtype=np.int64)
    hist = np.zeros((0, 0, 2, 3), dtype=np.int8)
    units = (one * 0, one, one, one, one * 3)
    play_units((cum, det, trans, init), units, (0.0, 0.0, np.uint64(1)), (joint, hist))
    assert joint[0].tolist() == [[10, 11], [10, 12]]
