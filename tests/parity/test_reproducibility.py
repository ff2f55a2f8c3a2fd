"""Same seed, same numbers: whatever the number of threads, the batch split or the line-up.

Every draw is a pure function of (seed, match, repetition, turn, player), so none of these may
change a single count.
"""

from __future__ import annotations

import hashlib

import numba
import numpy as np
import pytest

from numba_threads import at_threads
from trustlab import Game, get_character, play_match, prisoners_dilemma, vulnerability_exchange
from trustlab.domain.play import Length, run_units
from trustlab.domain.tournaments import TournamentResult, pair_key, play_tournament

LINE_UP = [
    "tit-for-tat",
    "random",
    "generous-tit-for-tat",
    "win-stay-lose-shift",
    "grudger",
    "detective",
    "extort-2",
    "always-defect",
]
OPTIONS = {"turns": 60, "noise": 0.05, "misread": 0.02, "repetitions": 4, "seed": 2024,
           "keep_repetitions": True}  # fmt: skip


def _same(a: TournamentResult, b: TournamentResult) -> None:
    np.testing.assert_array_equal(a.pairs, b.pairs)
    np.testing.assert_array_equal(a.totals, b.totals)
    np.testing.assert_array_equal(a.turns, b.turns)
    np.testing.assert_array_equal(a.cooperations, b.cooperations)
    for name in ("pair_joint", "pair_turns", "pair_scores", "pair_squares", "pair_wins"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))


def _tournament(game: str) -> TournamentResult:
    g = {"pd": prisoners_dilemma(), "ve": vulnerability_exchange()}[game]
    return play_tournament(LINE_UP, game=g, continuation=0.98, **{**OPTIONS, "turns": 1})


@pytest.mark.parametrize("game", ["pd", "ve"])
def test_one_and_two_threads_give_identical_tournaments(game: str) -> None:
    # two threads for real, even on a one-core runner (tests/numba_threads.py): in a fresh
    # interpreter started with NUMBA_NUM_THREADS=2 when this one has fewer, and always so for
    # "ve", so that the subprocess path is exercised on every machine
    one = at_threads(1, _tournament, game)
    two = at_threads(2, _tournament, game, subprocess_=game == "ve")
    _same(one, two)
    available = numba.config.NUMBA_NUM_THREADS
    if available > 2:
        _same(one, at_threads(available, _tournament, game))
    # the tournament was random enough for the comparison to mean something
    assert len(np.unique(one.turns)) > 10
    assert 0 < one.cooperation_rate.min() < one.cooperation_rate.max() < 1


@pytest.mark.parametrize("chunk_turns", [1, 37, 1000, 10**9])
@pytest.mark.parametrize("game", [vulnerability_exchange(), prisoners_dilemma()], ids=["ve", "pd"])
@pytest.mark.parametrize("history", [True, False], ids=["history", "counts"])
def test_batch_split_does_not_change_results(chunk_turns: int, game: Game, history: bool) -> None:
    # two-action games without history take the kernel's fast path; the others the general one
    chars = [get_character(n) for n in LINE_UP[:5]]
    n = len(chars)
    ii, jj = np.triu_indices(n)
    a, b = np.repeat(ii, 3), np.repeat(jj, 3)
    match = np.repeat(pair_key(ii, jj), 3)
    rep = np.tile(np.arange(3), len(ii))
    args = (chars, game, a, b, match, rep, Length(continuation=0.95), 0.05, 0.05, 77)
    reference, ref_turns, ref_hist = run_units(*args, history=True)
    seen: list[tuple[int, int]] = []
    joint, turns, hist = run_units(
        *args, history=history, chunk_turns=chunk_turns, progress=lambda d, t: seen.append((d, t))
    )
    np.testing.assert_array_equal(joint, reference)
    np.testing.assert_array_equal(turns, ref_turns)
    if history:
        np.testing.assert_array_equal(hist, ref_hist)
    else:
        assert hist is None
    # progress rises to the total number of turns, once per chunk
    done = [d for d, _ in seen]
    assert done == sorted(done) and done[-1] == int(turns.sum())
    assert all(t == int(turns.sum()) for _, t in seen)
    if chunk_turns == 1:
        assert len(seen) == len(a)  # one unit per chunk
    if chunk_turns == 10**9:
        assert len(seen) == 1


def test_appending_characters_leaves_earlier_matches_unchanged() -> None:
    small = play_tournament(LINE_UP[:5], **OPTIONS)
    large = play_tournament([*LINE_UP[:5], "alternator", "prober"], **OPTIONS)
    index = {tuple(p): k for k, p in enumerate(large.pairs.tolist())}
    for k, p in enumerate(small.pairs.tolist()):
        np.testing.assert_array_equal(small.totals[k], large.totals[index[tuple(p)]])
        np.testing.assert_array_equal(small.cooperations[k], large.cooperations[index[tuple(p)]])


def test_skipping_self_play_leaves_the_other_matches_unchanged() -> None:
    with_self = play_tournament(LINE_UP, **OPTIONS)
    without = play_tournament(LINE_UP, self_play=False, **OPTIONS)
    index = {tuple(p): k for k, p in enumerate(with_self.pairs.tolist())}
    assert len(without.pairs) == len(LINE_UP) * (len(LINE_UP) - 1) // 2
    for k, p in enumerate(without.pairs.tolist()):
        np.testing.assert_array_equal(without.totals[k], with_self.totals[index[tuple(p)]])


def test_pair_key_numbers_unordered_pairs_without_gaps_or_collisions() -> None:
    n = 50
    ii, jj = np.triu_indices(n)
    keys = pair_key(ii, jj)
    assert sorted(keys.tolist()) == list(range(n * (n + 1) // 2))
    # the first m characters' pairs take exactly the keys below m(m + 1)/2
    for m in (1, 2, 7, 20):
        inside = (jj < m) & (ii < m)
        assert set(keys[inside].tolist()) == set(range(m * (m + 1) // 2))


def test_same_seed_same_match_and_a_different_seed_a_different_match() -> None:
    kw = {"turns": 200, "noise": 0.1, "repetitions": 5}
    first = play_match("random", "tit-for-tat", seed=5, **kw)
    again = play_match("random", "tit-for-tat", seed=5, **kw)
    other = play_match("random", "tit-for-tat", seed=6, **kw)
    np.testing.assert_array_equal(first.joint, again.joint)
    assert not np.array_equal(first.joint, other.joint)
    # a fresh seed is drawn and recorded when none is given, and replays the match
    fresh = play_match("random", "tit-for-tat", **kw)
    replay = play_match("random", "tit-for-tat", seed=fresh.seed, **kw)
    np.testing.assert_array_equal(fresh.joint, replay.joint)


def test_more_repetitions_keep_the_earlier_ones() -> None:
    few = play_match("random", "win-stay-lose-shift", turns=50, noise=0.1, repetitions=3, seed=1)
    many = play_match("random", "win-stay-lose-shift", turns=50, noise=0.1, repetitions=9, seed=1)
    np.testing.assert_array_equal(few.joint, many.joint[:3])


def _tournament_digest() -> str:
    t = play_tournament(LINE_UP, continuation=0.98, **{**OPTIONS, "turns": 1})
    return hashlib.sha256(t.totals.tobytes() + t.turns.tobytes()).hexdigest()


def test_another_process_with_one_thread_gives_the_same_tournament() -> None:
    # a fresh interpreter started with NUMBA_NUM_THREADS=1 (a different process, a different
    # thread pool) against this one with every thread it has
    assert at_threads(1, _tournament_digest, subprocess_=True) == _tournament_digest()
