"""The one data form every character compiles to: a finite-state machine with stochastic actions.

A machine has ``S`` states and plays a game of ``k`` actions:

* ``policy[s, a]`` — probability of choosing action ``a`` in state ``s`` (rows sum to 1);
* ``transition[s, x, o]`` — the next state after executing ``x`` while seeing the partner play ``o``
  (what the character *saw*, which perception noise may have changed);
* ``initial_state`` — the state of the first turn.

Memory-one and reactive strategies, lookup tables on the last n turns, counters that saturate,
grudges, probes and con artists are all such machines. The compiled kernel
(:mod:`trustlab.kernel.match`) and the reference interpreter :func:`play_reference` below run them
with the same counter-based random numbers and are tested move by move against each other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trustlab.domain.actions import LIFT_ACTION, N_EXCHANGE_ACTIONS, PROJECT_ACTION
from trustlab.domain.errors import CompileError, InvalidParameter
from trustlab.kernel.rng import base_key_py, uniform_pair_py

__all__ = ["StateMachine", "TurnRecord", "play_reference", "replace_action"]

_ATOL = 1e-12


@dataclass(frozen=True, eq=False)
class StateMachine:
    """A stochastic finite-state machine (see the module docstring).

    Examples
    --------
    >>> import numpy as np
    >>> tft = StateMachine(np.array([[1.0, 0.0], [0.0, 1.0]]),
    ...                    np.array([[[0, 1], [0, 1]], [[0, 1], [0, 1]]]), 0)
    >>> tft.n_states, tft.n_actions, tft.is_stochastic
    (2, 2, False)
    """

    policy: np.ndarray
    transition: np.ndarray
    initial_state: int = 0

    def __post_init__(self) -> None:
        policy = np.array(self.policy, dtype=np.float64)
        trans = np.array(self.transition, dtype=np.int32)
        if policy.ndim != 2 or policy.shape[1] < 2:
            raise CompileError(f"policy must have shape (states, actions≥2), got {policy.shape}")
        n_states, k = policy.shape
        if trans.shape != (n_states, k, k):
            raise CompileError(f"transition must have shape {(n_states, k, k)}, got {trans.shape}")
        if not np.all(np.isfinite(policy)) or np.any(policy < -_ATOL) or np.any(policy > 1 + _ATOL):
            raise InvalidParameter("action probabilities must lie in [0, 1]")
        if not np.allclose(policy.sum(axis=1), 1.0, atol=1e-9):
            raise InvalidParameter("the action probabilities of each state must sum to 1")
        if trans.min() < 0 or trans.max() >= n_states:
            raise CompileError(f"transitions must point to states 0..{n_states - 1}")
        if not 0 <= self.initial_state < n_states:
            raise CompileError(f"initial state {self.initial_state} is not a state")
        policy = np.clip(policy, 0.0, 1.0)
        policy.setflags(write=False)
        trans.setflags(write=False)
        object.__setattr__(self, "policy", policy)
        object.__setattr__(self, "transition", trans)
        object.__setattr__(self, "initial_state", int(self.initial_state))

    @property
    def n_states(self) -> int:
        """Number of states S."""
        return int(self.policy.shape[0])

    @property
    def n_actions(self) -> int:
        """Number of actions k of the game this machine plays natively."""
        return int(self.policy.shape[1])

    @property
    def is_stochastic(self) -> bool:
        """Whether some reachable state chooses at random."""
        reach = self.reachable_states()
        return bool(np.any(self.policy[reach].max(axis=1) < 1.0))

    @property
    def deterministic_action(self) -> np.ndarray:
        """Per state, the action chosen with probability 1, or −1 where the choice is random."""
        det = np.where(self.policy.max(axis=1) >= 1.0, self.policy.argmax(axis=1), -1)
        return det.astype(np.int64)

    @property
    def cumulative_policy(self) -> np.ndarray:
        """Per state, cumulative action probabilities with the last one exactly 1."""
        cum = np.cumsum(self.policy, axis=1)
        cum[:, -1] = 1.0
        return cum

    def reachable_states(self) -> np.ndarray:
        """Indices of the states reachable from the initial state under any play (noise too)."""
        seen = np.zeros(self.n_states, dtype=bool)
        stack = [self.initial_state]
        seen[self.initial_state] = True
        while stack:
            s = stack.pop()
            for nxt in np.unique(self.transition[s]):
                if not seen[nxt]:
                    seen[nxt] = True
                    stack.append(int(nxt))
        return np.flatnonzero(seen)

    def lifted(self) -> StateMachine:
        """This two-action machine playing the six-action vulnerability exchange.

        C becomes open + support and D guarded + exploit; actions are seen through their answer
        (see :mod:`trustlab.domain.actions`).
        """
        if self.n_actions != 2:
            raise CompileError(
                f"only two-action machines can be lifted, this one has {self.n_actions}"
            )
        policy = np.zeros((self.n_states, N_EXCHANGE_ACTIONS))
        policy[:, LIFT_ACTION[0]] = self.policy[:, 0]
        policy[:, LIFT_ACTION[1]] = self.policy[:, 1]
        trans = self.transition[:, PROJECT_ACTION][:, :, PROJECT_ACTION]
        return StateMachine(policy, trans, self.initial_state)

    def for_game(self, n_actions: int) -> StateMachine:
        """This machine for a game of ``n_actions`` actions (itself, or lifted from two to six)."""
        if n_actions == self.n_actions:
            return self
        if self.n_actions == 2 and n_actions == N_EXCHANGE_ACTIONS:
            return self.lifted()
        raise CompileError(
            f"a character for {self.n_actions} actions cannot play a game of {n_actions} actions"
        )

    def minimised(self) -> StateMachine:
        """The smallest equivalent machine: unreachable states dropped, equivalent states merged.

        Two states are equivalent when they choose with the same probabilities and, for every
        pair of actions, move to equivalent states (Moore's partition refinement).
        """
        reach = self.reachable_states()
        # start from blocks of identical policies, then split by where transitions lead
        block = {s: tuple(self.policy[s].tolist()) for s in reach.tolist()}
        n_blocks = -1
        while True:
            labels = {key: i for i, key in enumerate(sorted(set(block.values()), key=repr))}
            ids = {s: labels[block[s]] for s in block}
            if len(labels) == n_blocks:
                break
            n_blocks = len(labels)
            block = {
                s: (ids[s], tuple(ids[int(n)] for n in self.transition[s].ravel())) for s in block
            }
        # number blocks in order of first appearance from the initial state (canonical form)
        order: dict[int, int] = {}
        stack = [self.initial_state]
        while stack:
            s = stack.pop(0)
            if ids[s] in order:
                continue
            order[ids[s]] = len(order)
            stack.extend(int(n) for n in self.transition[s].ravel())
        rep = {ids[s]: s for s in sorted(block, reverse=True)}
        policy = np.array([self.policy[rep[b]] for b in order])
        trans = np.array(
            [[[order[ids[int(n)]] for n in row] for row in self.transition[rep[b]]] for b in order]
        )
        return StateMachine(policy, trans.astype(np.int32), 0)


def replace_action(intended: int, u: float, k: int) -> int:
    """The action that replaces ``intended`` after a mistake: uniform over the k − 1 others.

    ``u`` is uniform in [0, 1). In two-action games the action is simply flipped.
    """
    r = int(u * (k - 1))
    r = min(r, k - 2)
    return r if r < intended else r + 1


@dataclass(frozen=True)
class TurnRecord:
    """One turn of a match as the reference interpreter saw it (index 0 and 1 are the players)."""

    intended: tuple[int, int]
    executed: tuple[int, int]
    observed: tuple[int, int]  # what player i saw its partner do


def play_reference(
    a: StateMachine,
    b: StateMachine,
    turns: int,
    *,
    noise: float = 0.0,
    misread: float = 0.0,
    seed: int = 0,
    match: int = 0,
    repetition: int = 0,
) -> list[TurnRecord]:
    """Play one match in plain Python: slow, obvious, and the yardstick for the compiled kernel.

    Draws per turn t and player p: hash counter ``4t + 2p`` gives (action, execution noise) and
    ``4t + 2p + 1`` gives (misread, which misreading). A mistake replaces the action with
    :func:`replace_action`; with noise ``e`` the replacement uses ``u_exec / e`` (uniform given
    ``u_exec < e``).
    """
    k = a.n_actions
    if b.n_actions != k:
        raise CompileError("both machines must play the same number of actions")
    key = base_key_py(seed, match, repetition)
    machines = (a, b)
    cums = (a.cumulative_policy, b.cumulative_policy)
    dets = (a.deterministic_action, b.deterministic_action)
    state = [a.initial_state, b.initial_state]
    out: list[TurnRecord] = []
    for t in range(turns):
        intended, executed = [0, 0], [0, 0]
        for p in (0, 1):
            u_act, u_exec = uniform_pair_py(key, 4 * t + 2 * p)
            s = state[p]
            act = int(dets[p][s])
            if act < 0:
                act = int(np.searchsorted(cums[p][s], u_act, side="right"))
                act = min(act, k - 1)
            intended[p] = act
            executed[p] = replace_action(act, u_exec / noise, k) if u_exec < noise else act
        observed = [executed[1], executed[0]]
        for p in (0, 1):
            u_mis, u_pick = uniform_pair_py(key, 4 * t + 2 * p + 1)
            if u_mis < misread:
                observed[p] = replace_action(observed[p], u_pick, k)
        for p in (0, 1):
            state[p] = int(machines[p].transition[state[p], executed[p], observed[p]])
        out.append(
            TurnRecord(
                (intended[0], intended[1]), (executed[0], executed[1]), (observed[0], observed[1])
            )
        )
    return out
