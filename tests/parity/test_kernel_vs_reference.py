"""The compiled match kernel against the pure-Python reference interpreter, move by move.

Every turn's intended, executed and observed action of both players must be identical, for random
machines (1–8 states, 2 or 6 actions, sure and random choices), execution and perception noise,
seeds, match and repetition indices, turn counts, batches of units and batch splits. Scores the
kernel derives from joint-action counts must equal the payoffs summed turn by turn.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from strategies import (
    games,
    lengths,
    machine_pairs,
    machines,
    match_indices,
    noise_rates,
    repetition_indices,
    seeds,
    turn_counts,
)
from trustlab import Character, Game, matrix_game, play_match, vulnerability_exchange
from trustlab.domain.characters.machine import StateMachine, TurnRecord, play_reference
from trustlab.domain.play import Length, draw_turns, run_units
from trustlab.domain.tournaments import pair_key, play_tournament


def _char(m: StateMachine, name: str = "m") -> Character:
    return Character(name, "test machine", m)


def _as_array(records: list[TurnRecord]) -> np.ndarray:
    """Reference records as the kernel's history layout: (turns, player, intended/executed/seen)."""
    out = np.empty((len(records), 2, 3), dtype=np.int64)
    for t, r in enumerate(records):
        for p in (0, 1):
            out[t, p] = (r.intended[p], r.executed[p], r.observed[p])
    return out


def _reference_totals(records: list[TurnRecord], game: Game) -> tuple[float, float]:
    p = game.payoffs
    a = sum(p[r.executed[0], r.executed[1]] for r in records)
    b = sum(p[r.executed[1], r.executed[0]] for r in records)
    return float(a), float(b)


def _joint_from_history(h: np.ndarray, k: int) -> np.ndarray:
    joint = np.zeros((k, k), dtype=np.int64)
    np.add.at(joint, (h[:, 0, 1], h[:, 1, 1]), 1)
    return joint


def _check_unit(
    pair, noise: float, misread: float, seed: int, match: int, rep: int, turns: int
) -> None:
    k = pair.n_actions
    game = matrix_game(np.arange(k * k, dtype=np.float64).reshape(k, k))
    one = np.ones(1, dtype=np.int64)
    joint, t, hist = run_units(
        [_char(pair.a, "a"), _char(pair.b, "b")], game,
        one * 0, one, one * match, one * rep, Length(turns=turns), noise, misread, seed,
        history=True,
    )  # fmt: skip
    ref = play_reference(
        pair.a, pair.b, turns, noise=noise, misread=misread, seed=seed, match=match, repetition=rep
    )
    assert hist is not None
    assert t.tolist() == [turns]
    np.testing.assert_array_equal(hist[0].astype(np.int64), _as_array(ref))
    np.testing.assert_array_equal(joint[0], _joint_from_history(_as_array(ref), k))


@given(
    pair=machine_pairs(),
    noise=noise_rates(1.0),
    misread=noise_rates(1.0),
    seed=seeds(),
    match=match_indices(),
    rep=repetition_indices(),
    turns=turn_counts(),
)
def test_one_unit_matches_reference_move_by_move(
    pair, noise: float, misread: float, seed: int, match: int, rep: int, turns: int
) -> None:
    _check_unit(pair, noise, misread, seed, match, rep, turns)


@given(
    data=st.data(),
    k=st.sampled_from((2, 6)),
    noise=noise_rates(),
    misread=noise_rates(),
    seed=seeds(),
    chunk=st.integers(1, 200),
    continuation=st.one_of(st.none(), st.sampled_from((0.0, 0.5, 0.9))),
)
def test_batches_of_units_match_reference(
    data: st.DataObject,
    k: int,
    noise: float,
    misread: float,
    seed: int,
    chunk: int,
    continuation: float | None,
) -> None:
    # machines of different sizes share padded arrays; units include self-play and repeated
    # (match, repetition) keys; the batch is cut into chunks of about `chunk` turns
    ms = data.draw(st.lists(machines(k), min_size=1, max_size=4), label="machines")
    n_units = data.draw(st.integers(1, 8), label="n_units")
    idx = st.integers(0, len(ms) - 1)
    unit_a = np.array(data.draw(st.lists(idx, min_size=n_units, max_size=n_units)), np.int64)
    unit_b = np.array(data.draw(st.lists(idx, min_size=n_units, max_size=n_units)), np.int64)
    unit_match = np.array(
        data.draw(st.lists(st.integers(0, 50), min_size=n_units, max_size=n_units)), np.int64
    )
    unit_rep = np.array(
        data.draw(st.lists(st.integers(0, 5), min_size=n_units, max_size=n_units)), np.int64
    )
    turns = data.draw(turn_counts(40), label="turns")
    length = Length(turns=turns, continuation=continuation)
    game = matrix_game(np.arange(k * k, dtype=np.float64).reshape(k, k))
    chars = [_char(m, f"m{i}") for i, m in enumerate(ms)]
    joint, t, hist = run_units(
        chars, game, unit_a, unit_b, unit_match, unit_rep, length, noise, misread, seed,
        history=True, chunk_turns=chunk,
    )  # fmt: skip
    assert hist is not None
    np.testing.assert_array_equal(t, draw_turns(length, seed, unit_match, unit_rep))
    for u in range(n_units):
        ref = play_reference(
            ms[unit_a[u]], ms[unit_b[u]], int(t[u]), noise=noise, misread=misread, seed=seed,
            match=int(unit_match[u]), repetition=int(unit_rep[u]),
        )  # fmt: skip
        np.testing.assert_array_equal(hist[u, : t[u]].astype(np.int64), _as_array(ref))
        assert np.all(hist[u, t[u] :] == -1)  # past the unit's end: nothing recorded
        np.testing.assert_array_equal(joint[u], _joint_from_history(_as_array(ref), k))


@given(
    data=st.data(),
    k=st.sampled_from((2, 2, 4)),
    noise=noise_rates(1.0),
    misread=noise_rates(1.0),
    seed=seeds(),
    chunk=st.integers(1, 300),
    length=lengths(),
)
def test_counts_without_history_match_reference(
    data: st.DataObject, k: int, noise: float, misread: float, seed: int, chunk: int,
    length: Length,
) -> None:  # fmt: skip
    # tournaments and evolution record no history: the kernel takes a faster two-action path
    # there (units in lockstep pairs, odd counts, unequal lengths), which must count exactly
    # the joint actions the reference plays
    ms = data.draw(st.lists(machines(k), min_size=1, max_size=5), label="machines")
    n_units = data.draw(st.integers(1, 9), label="n_units")
    idx = st.integers(0, len(ms) - 1)
    units = data.draw(
        st.lists(st.tuples(idx, idx, match_indices(), st.integers(0, 9)),
                 min_size=n_units, max_size=n_units),
        label="units",
    )  # fmt: skip
    a, b, match, rep = (np.array(col, dtype=np.int64) for col in zip(*units, strict=True))
    game = matrix_game(np.arange(k * k, dtype=np.float64).reshape(k, k))
    chars = [_char(m, f"m{i}") for i, m in enumerate(ms)]
    joint, turns, hist = run_units(
        chars, game, a, b, match, rep, length, noise, misread, seed, chunk_turns=chunk
    )
    assert hist is None
    for u in range(n_units):
        ref = play_reference(
            ms[a[u]], ms[b[u]], int(turns[u]), noise=noise, misread=misread, seed=seed,
            match=int(match[u]), repetition=int(rep[u]),
        )  # fmt: skip
        np.testing.assert_array_equal(joint[u], _joint_from_history(_as_array(ref), k))


@given(
    pair=machine_pairs(),
    game=st.data(),
    noise=noise_rates(),
    misread=noise_rates(),
    seed=seeds(),
    reps=st.integers(1, 3),
    turns=turn_counts(30),
)
def test_match_scores_equal_payoffs_summed_over_reference_turns(
    pair, game: st.DataObject, noise: float, misread: float, seed: int, reps: int, turns: int
) -> None:
    g = game.draw(games(pair.n_actions), label="game")
    r = play_match(
        _char(pair.a, "a"), _char(pair.b, "b"), game=g, turns=turns, noise=noise,
        misread=misread, repetitions=reps, seed=seed,
    )  # fmt: skip
    for rep in range(reps):
        # play_match keys every repetition of its one match as match 0
        ref = play_reference(
            pair.a, pair.b, turns, noise=noise, misread=misread, seed=seed, match=0, repetition=rep
        )
        np.testing.assert_allclose(r.totals[rep], _reference_totals(ref, g), rtol=1e-12, atol=1e-9)
    per_turn = np.sum([r.totals[i] for i in range(reps)], axis=0) / (reps * turns)
    np.testing.assert_allclose(r.scores_per_turn, per_turn, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(r.scores, r.totals.mean(axis=0), rtol=1e-12)


@given(
    two=machines(2),
    four=machines(6),
    noise=noise_rates(),
    misread=noise_rates(),
    seed=seeds(),
    turns=turn_counts(30),
)
def test_two_action_machine_plays_the_vulnerability_exchange_lifted(
    two: StateMachine, four: StateMachine, noise: float, misread: float, seed: int, turns: int
) -> None:
    g = vulnerability_exchange()
    r = play_match(
        _char(two, "two"), _char(four, "four"), game=g, turns=turns, noise=noise,
        misread=misread, seed=seed, history=True,
    )  # fmt: skip
    ref = play_reference(two.lifted(), four, turns, noise=noise, misread=misread, seed=seed)
    assert r.history is not None
    np.testing.assert_array_equal(r.history[0].astype(np.int64), _as_array(ref))
    np.testing.assert_allclose(r.totals[0], _reference_totals(ref, g))


@given(
    ms=st.lists(machines(2, max_states=4), min_size=2, max_size=4),
    self_play=st.booleans(),
    noise=noise_rates(),
    seed=seeds(),
)
def test_tournament_pairs_are_reference_matches_keyed_by_pair_key(
    ms: list[StateMachine], self_play: bool, noise: float, seed: int
) -> None:
    chars = [_char(m, f"m{i}") for i, m in enumerate(ms)]
    g = matrix_game([3, 0, 5, 1])
    res = play_tournament(
        chars, game=g, turns=12, noise=noise, repetitions=2, self_play=self_play, seed=seed,
        keep_repetitions=True,
    )  # fmt: skip
    for p, (i, j) in enumerate(res.pairs.tolist()):
        assert i < j or (self_play and i == j)
        for rep in range(2):
            ref = play_reference(
                ms[i], ms[j], 12, noise=noise, seed=seed,
                match=int(pair_key(np.int64(i), np.int64(j))), repetition=rep,
            )  # fmt: skip
            np.testing.assert_allclose(res.totals[p, rep], _reference_totals(ref, g))


@pytest.mark.slow
@settings(max_examples=300)
@given(
    pair=machine_pairs(),
    noise=noise_rates(),
    misread=noise_rates(),
    seed=seeds(),
    match=match_indices(),
    rep=repetition_indices(),
    turns=st.integers(200, 2000),
)
def test_long_matches_match_reference_move_by_move(
    pair, noise: float, misread: float, seed: int, match: int, rep: int, turns: int
) -> None:
    # the default run keeps matches short; here long ones, where counters pass 2**12
    _check_unit(pair, noise, misread, seed, match, rep, turns)
