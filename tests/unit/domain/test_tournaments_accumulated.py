"""Tournaments summed per pair as they are played: the sums equal those of the per-repetition
detail, do not depend on blocks or threads, and nothing in the result grows with repetitions."""

from __future__ import annotations

import dataclasses

import numba
import numpy as np
import pytest

from trustlab.domain.characters.catalogue import get_character
from trustlab.domain.errors import InvalidParameter
from trustlab.domain.games import donation, prisoners_dilemma, vulnerability_exchange
from trustlab.domain.play import Length
from trustlab.domain.tournaments import _play_pairs, play_tournament

EIGHT = [
    "always-cooperate", "always-defect", "tit-for-tat", "grudger", "detective",
    "tit-for-two-tats", "win-stay-lose-shift", "random",
]  # fmt: skip
SUMS = ("pair_joint", "pair_turns", "pair_scores", "pair_squares", "pair_wins")


def _arrays(value: object) -> dict[str, np.ndarray]:
    """Every array a result holds, by field name (nested dataclasses included)."""
    out: dict[str, np.ndarray] = {}
    for f in dataclasses.fields(value):  # type: ignore[arg-type]
        v = getattr(value, f.name)
        if isinstance(v, np.ndarray):
            out[f.name] = v
        elif dataclasses.is_dataclass(v):
            out.update({f"{f.name}.{k}": a for k, a in _arrays(v).items()})
    return out


def test_the_summed_result_has_no_repetition_sized_dimension() -> None:
    reps = 37  # no other dimension of this tournament is 37 long (8 characters, 36 pairs, k = 2)
    t = play_tournament(EIGHT, turns=5, noise=0.05, repetitions=reps, seed=1)
    arrays = _arrays(t)
    assert {"pairs", *SUMS} <= set(arrays)
    for name, a in arrays.items():
        assert reps not in a.shape and a.size <= 36 * 4, name
    with pytest.raises(InvalidParameter, match="keep_repetitions=True"):
        _ = t.totals
    kept = play_tournament(EIGHT, turns=5, noise=0.05, repetitions=reps, seed=1,
                           keep_repetitions=True)  # fmt: skip
    assert kept.totals.shape == (36, reps, 2) and kept.turns.shape == (36, reps)


@pytest.mark.parametrize(
    ("game", "length"),
    [
        (prisoners_dilemma(), {"turns": 30}),
        (donation(1.7, 0.3), {"turns": 23}),  # fractional payoffs
        (vulnerability_exchange(), {"continuation": 0.9}),
    ],
    ids=["pd", "fractional", "ve-continuation"],
)
def test_sums_are_those_of_the_kept_repetitions(game: object, length: dict) -> None:
    kw = {"game": game, **length, "noise": 0.05, "misread": 0.02, "repetitions": 40, "seed": 3}
    summed = play_tournament(EIGHT[:5], **kw)  # type: ignore[arg-type]
    kept = play_tournament(EIGHT[:5], keep_repetitions=True, **kw)  # type: ignore[arg-type]
    for name in SUMS:  # the same sums whether or not the detail is kept
        np.testing.assert_array_equal(getattr(summed, name), getattr(kept, name))
    np.testing.assert_array_equal(summed.pair_turns, kept.turns.sum(axis=1))
    np.testing.assert_array_equal(summed.pair_cooperations, kept.cooperations.sum(axis=1))
    np.testing.assert_array_equal(summed.pair_joint.sum(axis=(1, 2)), summed.pair_turns)
    np.testing.assert_allclose(summed.pair_scores, kept.totals.sum(axis=1), rtol=1e-13)
    np.testing.assert_allclose(summed.pair_squares, (kept.totals**2).sum(axis=1), rtol=1e-13)
    a, b = kept.totals[:, :, 0], kept.totals[:, :, 1]
    wins = np.stack([(a > b).sum(axis=1), (b > a).sum(axis=1)], axis=1)
    np.testing.assert_array_equal(summed.pair_wins, wins)
    se = kept.totals.std(axis=1, ddof=1) / np.sqrt(40)
    np.testing.assert_allclose(summed.pair_standard_errors, se, rtol=1e-9, atol=1e-12)


def test_standard_errors_of_a_single_repetition_are_nan() -> None:
    t = play_tournament(EIGHT[:3], turns=5, seed=0)
    assert np.isnan(t.pair_standard_errors).all()


@pytest.mark.parametrize("block_units", [1, 2, 7, 40, 1 << 18])
def test_sums_do_not_depend_on_the_block_size(block_units: int) -> None:
    # fractional payoffs and a continuation length: a float sum in another order would show
    chars = [get_character(n) for n in EIGHT[:4]]
    ii, jj = np.triu_indices(4)
    pairs = np.stack([ii, jj], axis=1).astype(np.int64)
    args = (chars, donation(1.7, 0.3), pairs, 25, Length(continuation=0.9),
            (0.05, 0.0, np.uint64(9)))  # fmt: skip
    reference, ref_detail = _play_pairs(*args, keep=True, block_units=3)
    sums, detail = _play_pairs(*args, keep=True, block_units=block_units)
    for a, b in zip(sums, reference, strict=True):
        np.testing.assert_array_equal(a, b)
    assert detail is not None and ref_detail is not None
    np.testing.assert_array_equal(detail.totals, ref_detail.totals)
    np.testing.assert_array_equal(detail.turns, ref_detail.turns)


def test_one_and_two_threads_give_identical_sums() -> None:
    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("Numba was started with a single thread (NUMBA_NUM_THREADS=1)")
    before = numba.get_num_threads()
    kw = {"game": donation(1.7, 0.3), "turns": 40, "noise": 0.05, "repetitions": 301, "seed": 5}
    try:
        numba.set_num_threads(1)
        one = play_tournament(EIGHT, **kw)  # type: ignore[arg-type]
        numba.set_num_threads(2)
        two = play_tournament(EIGHT, **kw)  # type: ignore[arg-type]
    finally:
        numba.set_num_threads(before)
    for name in SUMS:
        np.testing.assert_array_equal(getattr(one, name), getattr(two, name))


def test_progress_with_a_continuation_ends_at_the_turns_played() -> None:
    seen: list[tuple[int, int]] = []
    t = play_tournament(EIGHT[:3], continuation=0.9, repetitions=50, seed=2,
                        progress=lambda d, n: seen.append((d, n)))  # fmt: skip
    assert seen[-1] == (int(t.pair_turns.sum()), int(t.pair_turns.sum()))
