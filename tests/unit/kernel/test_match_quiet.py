"""The quiet path of the match kernel gives the counts of the lockstep path, bit for bit.

The quiet path finds each unit's events (mistakes, misreadings, draws below a coin cut) 64
turns at a time from the draws alone and crosses the turns with table look-ups
(``_quiet_tables``). Units longer than the window and the tables' span, rates from zero to high,
machines with and without states that draw, and mixed sets of units (some on each path) are all
compared with ``_play_two`` and with the reference interpreter.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from strategies import machines, noise_rates, seeds
from trustlab.domain.characters.machine import StateMachine, play_reference
from trustlab.domain.play import pack
from trustlab.kernel.match import (
    N_EVENTS,
    QUIET_SPAN,
    WINDOW,
    _coin_cuts,
    _cut,
    _flatten_two,
    _play_quiet,
    _play_two,
    _play_two_action,
    _quiet_pays,
    _quiet_tables,
    _runs,
)

MIXED = (1 << 64) - 1


@st.composite
def coin_machines(draw: st.DrawFn, max_states: int = 5) -> StateMachine:
    """A two-action machine whose drawing states all draw with one probability (a coin)."""
    m = draw(machines(2, max_states=max_states))
    p = draw(st.floats(0.01, 0.99))
    policy = np.array(m.policy)
    drawing = (policy > 0.0).all(axis=1)
    policy[drawing] = [p, 1.0 - p]
    return StateMachine(policy, m.transition, m.initial_state)


def _bundles(ms: list[StateMachine], noise: float, misread: float, seed: int) -> tuple[Any, ...]:
    p = pack(ms, 2)
    cum, det, trans, init = p.bundle
    threshold, random, nxt = _flatten_two(cum, det, trans)
    flat = (threshold, random, nxt, np.int64(det.shape[1]))
    return flat, init, (_cut(noise), _cut(misread), np.uint64(seed))


def _units(data: st.DataObject, n_machines: int, max_turns: int) -> tuple[Any, ...]:
    n = data.draw(st.integers(1, 6), label="units")
    idx = st.integers(0, n_machines - 1)
    a = np.array(data.draw(st.lists(idx, min_size=n, max_size=n)), dtype=np.int64)
    b = np.array(data.draw(st.lists(idx, min_size=n, max_size=n)), dtype=np.int64)
    match = np.array(data.draw(st.lists(st.integers(0, 9), min_size=n, max_size=n)), np.int64)
    turns = np.array(
        data.draw(st.lists(st.integers(1, max_turns), min_size=n, max_size=n)), dtype=np.int64
    )
    return a, b, match, np.arange(n, dtype=np.int64), turns


def _reference_joint(m_a: StateMachine, m_b: StateMachine, turns: int, **kw: object) -> np.ndarray:
    out = np.zeros((2, 2), dtype=np.int64)
    for r in play_reference(m_a, m_b, turns, **kw):  # type: ignore[arg-type]
        out[r.executed[0], r.executed[1]] += 1
    return out


@settings(max_examples=60, deadline=None)
@given(
    ms=st.lists(coin_machines(), min_size=1, max_size=3),
    data=st.data(),
    noise=st.one_of(st.just(0.0), noise_rates(0.2)),
    misread=st.one_of(st.just(0.0), noise_rates(0.2)),
    seed=seeds(),
)
def test_quiet_path_equals_lockstep_path_and_reference(
    ms: list[StateMachine], data: st.DataObject, noise: float, misread: float, seed: int
) -> None:
    flat, init, cuts = _bundles(ms, noise, misread, seed)
    units = _units(data, len(ms), 3 * WINDOW + 5)
    run_of, run_a, run_b = _runs(units[0], units[1])
    table = _quiet_tables(flat, run_a, run_b, QUIET_SPAN)
    coin = _coin_cuts(flat[0], flat[1], len(ms))
    assert (coin != np.uint64(MIXED)).all()
    quiet = np.zeros((units[0].shape[0], 2, 2), dtype=np.int64)
    _play_quiet(flat[3], init, units, cuts, (run_of, table, coin), quiet)
    lockstep = np.zeros_like(quiet)
    _play_two(flat, init, units, cuts, lockstep)
    np.testing.assert_array_equal(quiet, lockstep)
    np.testing.assert_array_equal(quiet.sum(axis=(1, 2)), units[4])
    u = data.draw(st.integers(0, units[0].shape[0] - 1), label="unit checked by the reference")
    ref = _reference_joint(
        ms[units[0][u]], ms[units[1][u]], int(units[4][u]), noise=noise, misread=misread,
        seed=seed, match=int(units[2][u]), repetition=int(units[3][u]),
    )  # fmt: skip
    np.testing.assert_array_equal(quiet[u], ref)


@settings(max_examples=25, deadline=None)
@given(
    sure=st.lists(machines(2, max_states=4, stochastic=False), min_size=1, max_size=2),
    drawing=st.lists(
        machines(2, min_states=2, max_states=3, stochastic=True), min_size=1, max_size=2
    ),
    noise=noise_rates(0.1),
    seed=seeds(),
)
def test_mixed_units_take_both_paths_and_give_the_lockstep_counts(
    sure: list[StateMachine], drawing: list[StateMachine], noise: float, seed: int
) -> None:
    ms = sure + drawing
    flat, init, cuts = _bundles(ms, noise, 0.0, seed)
    pairs = [(i, j) for i in range(len(ms)) for j in range(len(ms))]
    reps = 40
    a = np.repeat([i for i, _ in pairs], reps).astype(np.int64)
    b = np.repeat([j for _, j in pairs], reps).astype(np.int64)
    match = np.repeat(np.arange(len(pairs)), reps).astype(np.int64)
    rep = np.tile(np.arange(reps), len(pairs)).astype(np.int64)
    turns = np.full(a.shape[0], 400, dtype=np.int64)
    units = (a, b, match, rep, turns)
    joint = np.zeros((a.shape[0], 2, 2), dtype=np.int64)
    n_quiet = _play_two_action(flat, init, units, cuts, (noise, 0.0), joint)
    lockstep = np.zeros_like(joint)
    _play_two(flat, init, units, cuts, lockstep)
    np.testing.assert_array_equal(joint, lockstep)
    sure_machine = _coin_cuts(flat[0], flat[1], len(ms)) == np.uint64(0)
    # exactly the units between two machines that never draw
    assert n_quiet == reps * int(sure_machine.sum()) ** 2


def test_coin_cuts_tell_sure_coin_and_mixed_machines_apart() -> None:
    def machine(*p: float) -> StateMachine:
        policy = np.array([[q, 1.0 - q] for q in p])
        return StateMachine(policy, np.zeros((len(p), 2, 2), dtype=np.int32), 0)

    ms = [machine(1.0, 0.0), machine(1.0, 0.5, 0.5), machine(0.5, 0.25)]
    flat, _, _ = _bundles(ms, 0.0, 0.0, 1)
    assert _coin_cuts(flat[0], flat[1], 3).tolist() == [0, int(_cut(0.5)), MIXED]


def test_quiet_tables_only_when_they_pay() -> None:
    entries = 9 * 9 * (QUIET_SPAN + 1 + N_EVENTS)
    assert _quiet_pays(1, 9, 10 * entries, 0.05, 0.0)
    assert not _quiet_pays(1, 9, entries - 1, 0.05, 0.0)  # the tables would cost more than play
    assert not _quiet_pays(1, 9, 10 * entries, 0.2, 0.2)  # fewer than half the turns are quiet
    assert not _quiet_pays(1, 256, 1 << 40, 0.0, 0.0)  # states must fit 8 bits
    assert not _quiet_pays(10**6, 9, 1 << 40, 0.0, 0.0)  # tables past their memory cap


def test_long_quiet_stretches_cross_the_span_exactly() -> None:
    # without noise every turn is quiet: a unit of 1000 turns is a chain of span-long jumps;
    # a grim trigger against a probe (defects at turn 2) defects from turn 3 on for ever
    grim = StateMachine(
        np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[[0, 1], [0, 1]], [[1, 1], [1, 1]]]), 0
    )
    probe = StateMachine(
        np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]),
        np.array([[[1, 1], [1, 1]], [[2, 2], [2, 2]], [[2, 2], [2, 2]]]),
        0,
    )
    flat, init, cuts = _bundles([grim, probe], 0.0, 0.0, 3)
    units = tuple(np.array([v], dtype=np.int64) for v in (0, 1, 0, 0, 1000))
    run_of, run_a, run_b = _runs(units[0], units[1])
    table = _quiet_tables(flat, run_a, run_b, QUIET_SPAN)
    joint = np.zeros((1, 2, 2), dtype=np.int64)
    coin = _coin_cuts(flat[0], flat[1], 2)
    _play_quiet(flat[3], init, units, cuts, (run_of, table, coin), joint)
    # turn 1: C/C; turn 2: C/D; from turn 3 grim defects, the probe cooperates
    np.testing.assert_array_equal(joint[0], [[1, 1], [998, 0]])
