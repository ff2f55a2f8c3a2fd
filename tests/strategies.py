"""Shared Hypothesis generators for trustlab's tests: machines, games, noise, seeds and indices.

Import them from any test module (``tests/`` is on ``sys.path`` while pytest runs, see
``tests/conftest.py``)::

    from strategies import machine_pairs, noise_rates, seeds

    @given(pair=machine_pairs(n_actions=4), noise=noise_rates(), seed=seeds())
    def test_something(pair, noise, seed): ...

Every generator shrinks towards the simplest case (one state, no noise, seed 0), so a failure
reports the smallest machine that shows it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st

from trustlab import Character, Game, StateMachine, matrix_game
from trustlab.domain.play import Length

__all__ = [
    "MAX_SEED",
    "MachinePair",
    "action_counts",
    "characters",
    "games",
    "lengths",
    "machine_pairs",
    "machines",
    "match_indices",
    "noise_rates",
    "policies",
    "probabilities",
    "repetition_indices",
    "seeds",
    "turn_counts",
]

MAX_SEED = (1 << 64) - 1


def action_counts() -> st.SearchStrategy[int]:
    """2 (the classic dilemmas) or 4 (the vulnerability exchange)."""
    return st.sampled_from((2, 6))  # two actions, or the vulnerability exchange's six


def probabilities() -> st.SearchStrategy[float]:
    """A probability in [0, 1], with the edges and simple fractions drawn often."""
    return st.one_of(
        st.sampled_from((0.0, 1.0, 0.5, 1 / 3, 0.1)),
        st.floats(0.0, 1.0, allow_nan=False, allow_subnormal=False),
    )


def noise_rates(max_rate: float = 0.5) -> st.SearchStrategy[float]:
    """An execution or perception noise rate in [0, ``max_rate``], zero drawn often."""
    return st.one_of(
        st.just(0.0),
        st.floats(0.0, max_rate, allow_nan=False, allow_subnormal=False),
    )


def seeds() -> st.SearchStrategy[int]:
    """Any seed trustlab accepts: 0 .. 2**64 − 1."""
    return st.integers(0, MAX_SEED)


def match_indices() -> st.SearchStrategy[int]:
    """A match index as a tournament of up to ~10^6 characters could produce."""
    return st.integers(0, (1 << 40) - 1)


def repetition_indices() -> st.SearchStrategy[int]:
    """A repetition index."""
    return st.integers(0, (1 << 20) - 1)


def turn_counts(max_turns: int = 60) -> st.SearchStrategy[int]:
    """A fixed number of turns, 1 .. ``max_turns``."""
    return st.integers(1, max_turns)


def lengths(max_turns: int = 60) -> st.SearchStrategy[Length]:
    """A match length: fixed turns (1 .. ``max_turns``) or a continuation probability."""
    return st.one_of(
        st.builds(Length, turns=turn_counts(max_turns)),
        st.builds(Length, continuation=st.sampled_from((0.0, 0.5, 0.9))),
    )


@st.composite
def policies(draw: st.DrawFn, n_actions: int, stochastic: bool | None = None) -> np.ndarray:
    """One state's action distribution: a sure action, or weights that may contain zeros.

    ``stochastic=None`` mixes sure and random rows; ``True`` and ``False`` force one kind.
    """
    sure = draw(st.booleans()) if stochastic is None else not stochastic
    row = np.zeros(n_actions)
    if sure:
        row[draw(st.integers(0, n_actions - 1))] = 1.0
        return row
    # small integer weights give exact ties and zero-probability actions (edge cases of the
    # cumulative search); float weights give everything else
    weights = draw(
        st.one_of(
            st.lists(st.integers(0, 4), min_size=n_actions, max_size=n_actions),
            st.lists(st.floats(0.0, 1.0, allow_subnormal=False), min_size=n_actions,
                     max_size=n_actions),
        )
    )  # fmt: skip
    w = np.asarray(weights, dtype=np.float64)
    if w.sum() <= 1e-6 or np.count_nonzero(w) < 2:
        # at least two actions with weight, so the row is truly random
        w = w + 0.5
    return w / w.sum()


@st.composite
def machines(
    draw: st.DrawFn,
    n_actions: int | None = None,
    *,
    min_states: int = 1,
    max_states: int = 8,
    stochastic: bool | None = None,
) -> StateMachine:
    """A random :class:`StateMachine` with 1–8 states for a game of 2 or 4 actions.

    Parameters
    ----------
    n_actions : int, optional
        2 or 4; drawn when not given.
    min_states, max_states : int
        Bounds on the number of states.
    stochastic : bool, optional
        ``False``: every state chooses a sure action (a deterministic machine); ``True``: every
        state chooses at random; ``None``: a mix.
    """
    k = draw(action_counts()) if n_actions is None else n_actions
    n_states = draw(st.integers(min_states, max_states))
    policy = np.stack([draw(policies(k, stochastic)) for _ in range(n_states)])
    flat = draw(
        st.lists(st.integers(0, n_states - 1), min_size=n_states * k * k, max_size=n_states * k * k)
    )
    transition = np.asarray(flat, dtype=np.int32).reshape(n_states, k, k)
    initial = draw(st.integers(0, n_states - 1))
    return StateMachine(policy, transition, initial)


@dataclass(frozen=True)
class MachinePair:
    """Two machines for the same game."""

    a: StateMachine
    b: StateMachine

    @property
    def n_actions(self) -> int:
        return self.a.n_actions


@st.composite
def machine_pairs(
    draw: st.DrawFn,
    n_actions: int | None = None,
    *,
    max_states: int = 8,
    stochastic: bool | None = None,
) -> MachinePair:
    """Two random machines playing the same number of actions (see :func:`machines`)."""
    k = draw(action_counts()) if n_actions is None else n_actions
    a = draw(machines(k, max_states=max_states, stochastic=stochastic))
    b = draw(machines(k, max_states=max_states, stochastic=stochastic))
    return MachinePair(a, b)


def characters(
    n_actions: int | None = None, *, max_states: int = 8, stochastic: bool | None = None
) -> st.SearchStrategy[Character]:
    """A random machine wrapped as a :class:`Character` (named after its shape)."""

    def wrap(m: StateMachine) -> Character:
        return Character(f"machine-{m.n_states}x{m.n_actions}-{id(m):x}", "random machine", m)

    return machines(n_actions, max_states=max_states, stochastic=stochastic).map(wrap)


def games(n_actions: int | None = None) -> st.SearchStrategy[Game]:
    """A custom k×k game (accepted as given) with small integer or real payoffs."""

    @st.composite
    def build(draw: st.DrawFn) -> Game:
        k = draw(action_counts()) if n_actions is None else n_actions
        values = draw(
            st.one_of(
                st.lists(st.integers(-5, 10), min_size=k * k, max_size=k * k),
                st.lists(st.floats(-10.0, 10.0, allow_subnormal=False), min_size=k * k,
                         max_size=k * k),
            )
        )  # fmt: skip
        return matrix_game(np.asarray(values, dtype=np.float64).reshape(k, k))

    return build()
