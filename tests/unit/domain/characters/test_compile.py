"""From readable rules to machines: what compiles, what it plays, and the reasons for refusing."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategies import machines, noise_rates, seeds
from trustlab import (
    CompileError,
    InvalidParameter,
    TrustlabError,
    compile_history_rule,
    compile_rule,
    memory_one,
    reactive,
)
from trustlab.domain.characters.machine import StateMachine, play_reference


def _tft_rule() -> StateMachine:
    return compile_rule(start=lambda: 0, act=lambda m: m, update=lambda m, mine, theirs: theirs)


def test_tit_for_tat_compiles_to_two_states() -> None:
    m = _tft_rule()
    assert (m.n_states, m.n_actions, m.initial_state) == (2, 2, 0)
    assert m.policy.tolist() == [[1.0, 0.0], [0.0, 1.0]]
    assert m.transition.tolist() == [[[0, 1], [0, 1]], [[0, 1], [0, 1]]]


def test_grudger_and_a_counting_rule() -> None:
    grim = compile_rule(
        start=lambda: False,
        act=lambda wronged: 1 if wronged else 0,
        update=lambda wronged, mine, theirs: wronged or theirs == 1,
    )
    assert grim.n_states == 2 and grim.transition[1].tolist() == [[1, 1], [1, 1]]
    # defect after the partner's third defection (a counter that saturates at 3)
    three_strikes = compile_rule(
        start=lambda: 0,
        act=lambda n: 1 if n >= 3 else 0,
        update=lambda n, mine, theirs: min(3, n + theirs),
    )
    assert three_strikes.n_states == 4
    alld = StateMachine([[0.0, 1.0]], np.zeros((1, 2, 2)), 0)
    moves = [r.executed[0] for r in play_reference(three_strikes, alld, 6)]
    assert moves == [0, 0, 0, 1, 1, 1]


def test_rules_may_return_probabilities_or_distributions() -> None:
    gtft = compile_rule(
        start=lambda: 0, act=lambda m: 1.0 if m == 0 else 1 / 3, update=lambda m, x, y: y
    )
    np.testing.assert_allclose(gtft.policy, [[1.0, 0.0], [1 / 3, 2 / 3]], rtol=1e-15)
    assert gtft.is_stochastic
    four = compile_rule(
        start=lambda: 0,
        act=lambda m: [0.5, 0.0, 0.5, 0.0] if m == 0 else 3,
        update=lambda m, x, y: int(y == 3),
        n_actions=4,
    )
    assert four.n_actions == 4 and four.policy.tolist()[0] == [0.5, 0.0, 0.5, 0.0]
    assert four.deterministic_action.tolist() == [-1, 3]


def test_compiled_machines_are_minimised() -> None:
    # a rule that stores more than it uses: the last two turns, but only the partner's last move
    # matters; the machine keeps just what changes play
    m = compile_history_rule(lambda mine, theirs: theirs[-1] if theirs else 0, 2)
    assert m.n_states == 2


@pytest.mark.parametrize(
    ("start", "act", "update", "n_actions", "error", "says"),
    [
        (lambda: [0], lambda m: 0, lambda m, x, y: m, 2, CompileError, "must be hashable"),
        (lambda: 0, lambda m: 0, lambda m, x, y: [y], 2, CompileError, "must be hashable"),
        (lambda: 0, lambda m: True, lambda m, x, y: y, 2, CompileError, "returned a bool"),
        (lambda: 0, lambda m: 2, lambda m, x, y: y, 2, CompileError, "not one of 0..1"),
        (lambda: 0, lambda m: -1, lambda m, x, y: y, 2, CompileError, "not one of 0..1"),
        (lambda: 0, lambda m: 0.5, lambda m, x, y: y, 4, CompileError, "single probability"),
        (lambda: 0, lambda m: 1.5, lambda m, x, y: y, 2, InvalidParameter, "outside [0, 1]"),
        (lambda: 0, lambda m: [0.5, 0.5], lambda m, x, y: y, 4, CompileError, "need 4"),
        (lambda: 0, lambda m: [0.7, 0.7], lambda m, x, y: y, 2, InvalidParameter,
         "not a distribution"),
        (lambda: 0, lambda m: [1.2, -0.2], lambda m, x, y: y, 2, InvalidParameter,
         "not a distribution"),
        (lambda: 0, lambda m: "C", lambda m, x, y: y, 2, CompileError, "not an action"),
        (lambda: 0, lambda m: None, lambda m, x, y: y, 2, CompileError, "need 2"),
        (lambda: 0, lambda m: 0, lambda m, x, y: m + y, 2, CompileError,
         "more than 50 distinct memories"),
    ],
)  # fmt: skip
def test_rules_that_cannot_compile_say_why(start, act, update, n_actions, error, says) -> None:
    with pytest.raises(error) as info:
        compile_rule(start, act, update, n_actions=n_actions, max_states=50)
    assert says in str(info.value)
    assert isinstance(info.value, TrustlabError) and "\n" not in str(info.value)


def test_an_unbounded_memory_is_refused_with_advice() -> None:
    with pytest.raises(CompileError, match="forget old turns or saturate counters"):
        compile_rule(start=lambda: (), act=lambda m: 0, update=lambda m, x, y: (*m, y))


def test_history_rules() -> None:
    two_tits = compile_history_rule(lambda mine, theirs: 1 if 1 in theirs else 0, 2)
    alternator = StateMachine([[1.0, 0.0], [0.0, 1.0]], [[[1, 1], [1, 1]], [[0, 0], [0, 0]]], 0)
    moves = [r.executed[0] for r in play_reference(two_tits, alternator, 6)]
    assert moves == [0, 0, 1, 1, 1, 1]  # the partner's D on turn 2 is remembered two turns
    blind = compile_history_rule(lambda mine, theirs: 0 if not mine else 1 - mine[-1], 1)
    assert [r.executed[0] for r in play_reference(blind, alternator, 4)] == [0, 1, 0, 1]
    # depth 0 sees no history at all, ever
    zero = compile_history_rule(lambda mine, theirs: 0 if (mine, theirs) == ((), ()) else 1, 0)
    assert zero.n_states == 1 and zero.policy.tolist() == [[1.0, 0.0]]
    with pytest.raises(InvalidParameter, match="memory depth must be ≥ 0, got -1"):
        compile_history_rule(lambda mine, theirs: 0, -1)


# --- memory-one and reactive families ----------------------------------------------------------


@given(
    bits=st.tuples(*[st.integers(0, 1)] * 5),
    partner=machines(2, stochastic=False),
    noise=noise_rates(),
    misread=noise_rates(),
    seed=seeds(),
)
def test_memory_one_cooperates_after_the_outcome_seen_own_move_first(
    bits: tuple[int, ...], partner: StateMachine, noise: float, misread: float, seed: int
) -> None:
    p1, p2, p3, p4, p0 = bits
    m = memory_one(p1, p2, p3, p4, p0)
    records = play_reference(m, partner, 30, noise=noise, misread=misread, seed=seed)
    # C (0) with probability 1 after an outcome whose p is 1: what it executed, what it saw
    p = (p1, p2, p3, p4)
    assert records[0].intended[0] == 1 - p0
    for before, now in itertools.pairwise(records):
        own, seen = before.executed[0], before.observed[0]
        assert now.intended[0] == 1 - p[2 * own + seen]


def test_memory_one_and_reactive_policies() -> None:
    m = memory_one(0.9, 0.1, 0.8, 0.2, 0.7)
    assert m.n_states == 5 and m.policy[:, 0].tolist() == [0.7, 0.9, 0.1, 0.8, 0.2]
    # state 1 + 2·mine + theirs, from any state
    for s, mine, theirs in itertools.product(range(5), (0, 1), (0, 1)):
        assert m.transition[s, mine, theirs] == 1 + 2 * mine + theirs
    r = reactive(1.0, 1 / 3, 0.5)
    assert r.policy[:, 0].tolist() == [0.5, 1.0, 1 / 3]
    assert r.transition[:, :, 0].tolist() == [[1, 1]] * 3
    assert r.transition[:, :, 1].tolist() == [[2, 2]] * 3
    assert memory_one(1, 1, 1, 1).policy[0, 0] == 1.0  # the first move defaults to C


@pytest.mark.parametrize(
    ("build", "says"),
    [
        (lambda: memory_one(1.2, 0, 1, 0), "p1 must be a probability in [0, 1], got 1.2"),
        (lambda: memory_one(1, 0, 1, -0.5), "p4 must be a probability in [0, 1], got -0.5"),
        (lambda: memory_one(1, 0, 1, 0, 2), "p0 must be a probability"),
        (lambda: memory_one(1, float("nan"), 1, 0), "p2 must be a probability"),
        (lambda: reactive(1, 1.5), "q must be a probability"),
        (lambda: reactive(-1, 0), "p must be a probability"),
        (lambda: reactive(1, 0, float("inf")), "p0 must be a probability"),
        (lambda: memory_one("high", 0, 1, 0), "p1 must be a probability in [0, 1], got 'high'"),
        (lambda: reactive(1, None), "q must be a probability in [0, 1], got None"),
    ],
)
def test_family_parameters_outside_zero_to_one_are_refused(build, says: str) -> None:
    with pytest.raises(InvalidParameter) as info:
        build()
    assert says in str(info.value)
