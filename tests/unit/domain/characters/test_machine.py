"""The state-machine form: validation, derived views, the lift to four actions, minimisation and
the reference interpreter."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategies import machines, noise_rates, seeds
from trustlab import CompileError, InvalidParameter, TrustlabError, memory_one, reactive
from trustlab.domain.actions import GUARDED_EXPLOIT, OPEN_SUPPORT
from trustlab.domain.characters.machine import StateMachine, play_reference, replace_action

TFT_POLICY = np.array([[1.0, 0.0], [0.0, 1.0]])
TFT_TRANS = np.array([[[0, 1], [0, 1]], [[0, 1], [0, 1]]])


def tft() -> StateMachine:
    return StateMachine(TFT_POLICY, TFT_TRANS, 0)


# --- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "trans", "init", "error", "says"),
    [
        (np.array([1.0, 0.0]), TFT_TRANS, 0, CompileError, "policy must have shape"),
        (np.ones((2, 1)), np.zeros((2, 1, 1)), 0, CompileError, "actions≥2"),
        (TFT_POLICY, np.zeros((2, 2)), 0, CompileError, "transition must have shape (2, 2, 2)"),
        (TFT_POLICY, np.zeros((3, 2, 2)), 0, CompileError, "transition must have shape"),
        (np.array([[1.5, -0.5], [0, 1]]), TFT_TRANS, 0, InvalidParameter, "lie in [0, 1]"),
        (np.array([[np.nan, 1], [0, 1]]), TFT_TRANS, 0, InvalidParameter, "lie in [0, 1]"),
        (np.array([[0.5, 0.4], [0, 1]]), TFT_TRANS, 0, InvalidParameter, "must sum to 1"),
        (TFT_POLICY, TFT_TRANS + 1, 0, CompileError, "transitions must point to states 0..1"),
        (TFT_POLICY, TFT_TRANS - 1, 0, CompileError, "transitions must point to states 0..1"),
        (TFT_POLICY, TFT_TRANS, 2, CompileError, "initial state 2 is not a state"),
        (TFT_POLICY, TFT_TRANS, -1, CompileError, "initial state -1 is not a state"),
    ],
)
def test_invalid_machines_are_refused_with_a_reason(policy, trans, init, error, says) -> None:
    with pytest.raises(error) as info:
        StateMachine(policy, trans, init)
    assert says in str(info.value)
    assert isinstance(info.value, TrustlabError)


def test_a_machine_is_frozen_and_normalised() -> None:
    m = StateMachine([[1.0 + 1e-13, -1e-13], [0, 1]], TFT_TRANS.tolist(), np.int64(1))
    assert m.policy.dtype == np.float64 and m.transition.dtype == np.int32
    assert m.policy.min() >= 0.0 and m.policy.max() <= 1.0  # rounding dust clipped
    assert isinstance(m.initial_state, int) and m.initial_state == 1
    assert not m.policy.flags.writeable and not m.transition.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        m.policy[0, 0] = 0.5


def test_views_of_a_machine() -> None:
    m = StateMachine([[0.25, 0.75], [1.0, 0.0], [0.0, 1.0]], np.zeros((3, 2, 2)), 1)
    assert (m.n_states, m.n_actions) == (3, 2)
    assert m.deterministic_action.tolist() == [-1, 0, 1]
    assert m.cumulative_policy.tolist() == [[0.25, 1.0], [1.0, 1.0], [0.0, 1.0]]
    # starting in state 1, every move leads to the random state 0
    assert m.reachable_states().tolist() == [0, 1]
    assert m.is_stochastic
    sure = StateMachine([[0.25, 0.75], [1.0, 0.0]], [[[1, 1], [1, 1]], [[1, 1], [1, 1]]], 1)
    assert sure.reachable_states().tolist() == [1]
    assert not sure.is_stochastic  # the random state can never be reached


def test_cumulative_policy_ends_exactly_at_one() -> None:
    m = StateMachine([[0.1, 0.2, 0.3, 0.4]], np.zeros((1, 4, 4)), 0)
    assert m.cumulative_policy[0, -1] == 1.0
    assert np.all(np.diff(m.cumulative_policy[0]) >= 0)


# --- lift --------------------------------------------------------------------------------------


def test_lift_plays_c_as_open_support_and_d_as_guarded_exploit() -> None:
    m = reactive(0.75, 0.25, 0.5)
    up = m.lifted()
    assert up.n_actions == 6 and up.n_states == m.n_states
    np.testing.assert_array_equal(up.policy[:, OPEN_SUPPORT], m.policy[:, 0])
    np.testing.assert_array_equal(up.policy[:, GUARDED_EXPLOIT], m.policy[:, 1])
    assert np.all(up.policy[:, 1:5] == 0)
    # an action is seen through its answer: support = C (0, 3), withhold or exploit = D
    as_two = [0, 1, 1, 0, 1, 1]
    for s in range(m.n_states):
        for mine in range(6):
            for theirs in range(6):
                expected = m.transition[s, as_two[mine], as_two[theirs]]
                assert up.transition[s, mine, theirs] == expected


def test_for_game_keeps_lifts_or_refuses() -> None:
    m = tft()
    assert m.for_game(2) is m
    assert m.for_game(6).n_actions == 6
    four = m.lifted()
    assert four.for_game(6) is four
    with pytest.raises(CompileError, match="only two-action machines can be lifted"):
        four.lifted()
    with pytest.raises(CompileError, match="for 6 actions cannot play a game of 2 actions"):
        four.for_game(2)


# --- minimisation ------------------------------------------------------------------------------


def test_minimising_merges_duplicates_and_drops_unreachable_states() -> None:
    # tit-for-tat written with four states: two copies of each, plus an unreachable random one
    policy = [[1, 0], [0, 1], [1, 0], [0, 1], [0.5, 0.5]]
    trans = np.array([[[2, 1], [2, 3]], [[0, 3], [0, 1]], [[0, 1], [2, 3]], [[2, 1], [0, 3]],
                      [[4, 4], [4, 4]]])  # fmt: skip
    m = StateMachine(policy, trans, 0)
    small = m.minimised()
    assert small.n_states == 2 and not m.is_stochastic
    np.testing.assert_array_equal(small.policy, TFT_POLICY)
    np.testing.assert_array_equal(small.transition, TFT_TRANS)
    assert small.initial_state == 0


def test_minimising_keeps_states_that_differ_later() -> None:
    # memory-one TFT: the first-move state and the "after CC" state both cooperate and move
    # alike, so they merge; what remains is TFT's two states
    assert memory_one(1, 0, 1, 0).minimised().n_states == 2
    # grim: cooperates until the partner defects, then defects for ever: 2 states, not 1
    grim = StateMachine(TFT_POLICY, [[[0, 1], [0, 1]], [[1, 1], [1, 1]]], 0)
    assert grim.minimised().n_states == 2
    assert StateMachine([[1, 0]], np.zeros((1, 2, 2)), 0).minimised().n_states == 1


def _same_records(a: list, b: list) -> bool:
    return [(r.intended, r.executed, r.observed) for r in a] == [
        (r.intended, r.executed, r.observed) for r in b
    ]


@given(
    m=machines(),
    partner=st.data(),
    noise=noise_rates(),
    misread=noise_rates(),
    seed=seeds(),
    turns=st.integers(1, 40),
)
def test_minimised_machines_play_identical_histories(
    m: StateMachine, partner: st.DataObject, noise: float, misread: float, seed: int, turns: int
) -> None:
    other = partner.draw(machines(m.n_actions), label="partner")
    small = m.minimised()
    assert small.n_states <= len(m.reachable_states())
    kw = {"noise": noise, "misread": misread, "seed": seed}
    assert _same_records(
        play_reference(m, other, turns, **kw), play_reference(small, other, turns, **kw)
    )
    assert _same_records(
        play_reference(other, m, turns, **kw), play_reference(other, small, turns, **kw)
    )


@given(m=machines(), perm_seed=st.integers(0, 2**32 - 1))
def test_minimisation_is_canonical_and_idempotent(m: StateMachine, perm_seed: int) -> None:
    # renaming the states gives the same minimised machine, array for array
    perm = np.random.default_rng(perm_seed).permutation(m.n_states)  # old state -> new label
    inv = np.argsort(perm)
    renamed = StateMachine(m.policy[inv], perm[m.transition[inv]], int(perm[m.initial_state]))
    small = m.minimised()
    other = renamed.minimised()
    np.testing.assert_array_equal(small.policy, other.policy)
    np.testing.assert_array_equal(small.transition, other.transition)
    again = small.minimised()
    assert again.n_states == small.n_states
    np.testing.assert_array_equal(again.transition, small.transition)
    assert len(small.reachable_states()) == small.n_states  # nothing unreachable is kept


# --- the reference interpreter -----------------------------------------------------------------


def test_reference_plays_tit_for_tat_against_always_defect() -> None:
    alld = StateMachine([[0.0, 1.0]], np.zeros((1, 2, 2)), 0)
    records = play_reference(tft(), alld, 3)
    assert [r.executed for r in records] == [(0, 1), (1, 1), (1, 1)]
    assert [r.observed for r in records] == [(1, 0), (1, 1), (1, 1)]
    assert play_reference(tft(), alld, 0) == []


def test_reference_refuses_machines_of_different_games() -> None:
    with pytest.raises(CompileError, match="same number of actions"):
        play_reference(tft(), tft().lifted(), 3)


def test_reference_with_full_noise_flips_and_full_misreading_misreads() -> None:
    records = play_reference(tft(), tft(), 5, noise=1.0)
    # both intend C, execute D, see D, intend D, execute C, ...
    assert [r.intended for r in records] == [(0, 0), (1, 1), (0, 0), (1, 1), (0, 0)]
    assert all(r.executed == (1 - r.intended[0], 1 - r.intended[1]) for r in records)
    records = play_reference(tft(), tft(), 4, misread=1.0)
    assert [r.executed for r in records] == [(0, 0), (1, 1), (0, 0), (1, 1)]


def test_replace_action_in_two_action_games_flips() -> None:
    for u in (0.0, 0.5, 0.999999):
        assert replace_action(0, u, 2) == 1 and replace_action(1, u, 2) == 0
    assert [replace_action(2, u, 4) for u in (0.0, 0.34, 0.67)] == [0, 1, 3]
