"""The table paths of the match kernel give the counts of the lockstep path, bit for bit.

The quiet path finds each unit's events (mistakes, misreadings, draws below a coin cut) 64
turns at a time from the draws alone and crosses the turns with table look-ups
(``_quiet_tables``); the driven path plays a machine against one that never leaves its state, 3
turns per look-up (``_driven_tables``); the joint path moves two machines that never draw 4 (or,
with misreadings, 2) turns per look-up (``_joint_tables``). Units longer than the windows and
the tables' span, rates from zero to high, machines with and without states that draw, and mixed
sets of units (some on each path) are all compared with ``_play_two`` and with the reference
interpreter.
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
    _DRIVEN_INPUTS,
    DRIVEN_WINDOW,
    JOINT_EVENTS,
    N_EVENTS,
    QUIET_SPAN,
    WINDOW,
    _coin_cuts,
    _cut,
    _driven_tables,
    _flatten_two,
    _joint_tables,
    _memoryless,
    _play_driven,
    _play_joint,
    _play_quiet,
    _play_two,
    _play_two_action,
    _quiet_tables,
    _runs,
    _tables_pay,
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


def _assert_lockstep_and_reference(
    counts: np.ndarray, ms: list[StateMachine], units: tuple[Any, ...], bundles: tuple[Any, ...],
    data: st.DataObject, rates: tuple[float, float], seed: int,
) -> None:  # fmt: skip
    """``counts`` (from a table path) equal the lockstep path's on every unit, and the reference
    interpreter's on one unit Hypothesis picks."""
    flat, init, cuts = bundles
    lockstep = np.zeros_like(counts)
    _play_two(flat, init, units, cuts, lockstep)
    np.testing.assert_array_equal(counts, lockstep)
    u = data.draw(st.integers(0, units[0].shape[0] - 1), label="unit checked by the reference")
    ref = _reference_joint(
        ms[units[0][u]], ms[units[1][u]], int(units[4][u]), noise=rates[0], misread=rates[1],
        seed=seed, match=int(units[2][u]), repetition=int(units[3][u]),
    )  # fmt: skip
    np.testing.assert_array_equal(counts[u], ref)


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
    _assert_lockstep_and_reference(
        quiet, ms, units, (flat, init, cuts), data, (noise, misread), seed
    )
    np.testing.assert_array_equal(quiet.sum(axis=(1, 2)), units[4])


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
    machines_ = pack(ms, 2).bundle
    pairs = [(i, j) for i in range(len(ms)) for j in range(len(ms))]
    reps = 40
    a = np.repeat([i for i, _ in pairs], reps).astype(np.int64)
    b = np.repeat([j for _, j in pairs], reps).astype(np.int64)
    match = np.repeat(np.arange(len(pairs)), reps).astype(np.int64)
    rep = np.tile(np.arange(reps), len(pairs)).astype(np.int64)
    turns = np.full(a.shape[0], 400, dtype=np.int64)
    units = (a, b, match, rep, turns)
    joint = np.zeros((a.shape[0], 2, 2), dtype=np.int64)
    n_quiet, n_driven, n_joint = _play_two_action(flat, machines_, units, cuts, (noise, 0.0), joint)
    lockstep = np.zeros_like(joint)
    _play_two(flat, init, units, cuts, lockstep)
    np.testing.assert_array_equal(joint, lockstep)
    coin = _coin_cuts(flat[0], flat[1], len(ms))
    fixed = _memoryless(machines_[2], machines_[3], machines_[1])
    playable = coin != np.uint64(MIXED)
    never = coin == np.uint64(0)  # machines that never draw
    driven = [
        playable[i] and playable[j] and (fixed[i] != -2 or fixed[j] != -2) and
        (noise > 0 or not (never[i] and never[j])) for i, j in pairs
    ]  # fmt: skip
    both = [never[i] and never[j] and not d for (i, j), d in zip(pairs, driven, strict=True)]
    eventful = 1.0 - (1.0 - noise) ** 2 > JOINT_EVENTS
    expected = (0, reps * sum(both)) if eventful else (reps * sum(both), 0)
    assert (n_quiet, n_joint) == expected
    assert n_driven == reps * sum(driven)


def test_coin_cuts_tell_sure_coin_and_mixed_machines_apart() -> None:
    def machine(*p: float) -> StateMachine:
        policy = np.array([[q, 1.0 - q] for q in p])
        return StateMachine(policy, np.zeros((len(p), 2, 2), dtype=np.int32), 0)

    ms = [machine(1.0, 0.0), machine(1.0, 0.5, 0.5), machine(0.5, 0.25)]
    flat, _, _ = _bundles(ms, 0.0, 0.0, 1)
    assert _coin_cuts(flat[0], flat[1], 3).tolist() == [0, int(_cut(0.5)), MIXED]


def test_tables_only_when_they_pay() -> None:
    entries = 9 * 9 * (QUIET_SPAN + 1 + N_EVENTS)
    assert _tables_pay(entries, 9, 10 * entries, 0.05, 0.0)
    assert not _tables_pay(entries, 9, entries - 1, 0.05, 0.0)  # tables would cost more than play
    assert not _tables_pay(entries, 9, 10 * entries, 0.2, 0.2)  # under half the turns are quiet
    assert not _tables_pay(entries, 256, 1 << 40, 0.0, 0.0)  # states must fit 8 bits
    assert not _tables_pay(1 << 23, 9, 1 << 40, 0.0, 0.0)  # tables past their memory cap


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


@st.composite
def memoryless_machines(draw: st.DrawFn) -> StateMachine:
    """A machine that never leaves its initial state: sure (always one action) or a coin; its
    other states (never reached) may be anything with the same coin."""
    m = draw(coin_machines(max_states=3))
    p = draw(st.sampled_from((1.0, 0.0, 0.5, 0.3)))
    policy = np.array(m.policy)
    drawing = (policy > 0.0).all(axis=1)
    coin = policy[drawing][0] if drawing.any() else np.array([p, 1.0 - p])
    s0 = m.initial_state
    policy[s0] = coin if 0.0 < p < 1.0 else [p, 1.0 - p]
    transition = np.array(m.transition)
    transition[s0] = s0
    return StateMachine(policy, transition, s0)


@settings(max_examples=60, deadline=None)
@given(
    fixed=memoryless_machines(),
    other=coin_machines(),
    fixed_is_a=st.booleans(),
    data=st.data(),
    noise=st.one_of(st.just(0.0), noise_rates(0.3)),
    misread=st.one_of(st.just(0.0), noise_rates(0.3)),
    seed=seeds(),
)
def test_driven_path_equals_lockstep_path_and_reference(
    fixed: StateMachine, other: StateMachine, fixed_is_a: bool, data: st.DataObject,
    noise: float, misread: float, seed: int,
) -> None:  # fmt: skip
    ms = [fixed, other] if fixed_is_a else [other, fixed]
    flat, init, cuts = _bundles(ms, noise, misread, seed)
    machines_ = pack(ms, 2).bundle
    coin = _coin_cuts(flat[0], flat[1], 2)
    assert (coin != np.uint64(MIXED)).all()
    marks = _memoryless(machines_[2], machines_[3], machines_[1])
    assert marks[0 if fixed_is_a else 1] != -2
    units = _units(data, 2, 3 * DRIVEN_WINDOW + 5)
    units = (np.zeros_like(units[0]), np.ones_like(units[1]), *units[2:])  # a = ms[0], b = ms[1]
    run_of, run_a, run_b = _runs(units[0], units[1])
    driven_a = marks[run_b] != -2
    table = _driven_tables(flat, np.where(driven_a, run_a, run_b))
    joint = np.zeros((units[0].shape[0], 2, 2), dtype=np.int64)
    _play_driven(flat[3], init, units, cuts, (run_of, table, coin, marks, driven_a), joint)
    _assert_lockstep_and_reference(
        joint, ms, units, (flat, init, cuts), data, (noise, misread), seed
    )


def test_memoryless_machines_are_those_that_never_leave_their_state() -> None:
    stay = np.zeros((1, 2, 2), dtype=np.int32)
    always_c = StateMachine(np.array([[1.0, 0.0]]), stay, 0)
    coin = StateMachine(np.array([[0.5, 0.5]]), stay, 0)
    tit_for_tat = StateMachine(
        np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[[0, 1], [0, 1]], [[0, 1], [0, 1]]]), 0
    )
    _, det, trans, init = pack([always_c, coin, tit_for_tat], 2).bundle
    assert _memoryless(trans, init, det).tolist() == [0, -1, -2]


def test_driven_tables_step_three_turns() -> None:
    # tit-for-tat seeing D, C, D with no mistake and no coin: it plays C, D, C and ends in D
    tit_for_tat = StateMachine(
        np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[[0, 1], [0, 1]], [[0, 1], [0, 1]]]), 0
    )
    flat, _, _ = _bundles([tit_for_tat], 0.0, 0.0, 1)
    table = _driven_tables(flat, np.array([0], dtype=np.int64))
    seen = 0b101  # bit i: what it sees at turn i
    entry = int(table[0, 0 * _DRIVEN_INPUTS + seen])
    assert entry & 0xFF == 1  # it ends defecting
    assert entry >> 8 == 0b010  # it defected at turn 1 only


@settings(max_examples=50, deadline=None)
@given(
    ms=st.lists(machines(2, max_states=5, stochastic=False), min_size=1, max_size=3),
    data=st.data(),
    noise=noise_rates(0.3),
    misread=st.one_of(st.just(0.0), noise_rates(0.3)),
    seed=seeds(),
)
def test_joint_path_equals_lockstep_path_and_reference(
    ms: list[StateMachine], data: st.DataObject, noise: float, misread: float, seed: int
) -> None:
    flat, init, cuts = _bundles(ms, noise, misread, seed)
    units = _units(data, len(ms), 3 * WINDOW + 5)
    run_of, run_a, run_b = _runs(units[0], units[1])
    per = 2 if misread > 0.0 else 4
    table = _joint_tables(flat, run_a, run_b, per)
    joint = np.zeros((units[0].shape[0], 2, 2), dtype=np.int64)
    _play_joint(flat[3], init, units, cuts, (run_of, table, np.int64(per)), joint)
    _assert_lockstep_and_reference(
        joint, ms, units, (flat, init, cuts), data, (noise, misread), seed
    )
