"""Where the payoffs of an evolving population come from — always an explicit choice.

* ``"expected"`` — the expected payoff per turn of each pair of characters, ``A[i, j]``: exact from
  :func:`trustlab.domain.analysis.expected_payoff_matrix` where that module exists, else estimated
  once by a tournament on the match kernel and cached for the process;
* ``"one-shot"`` — one turn, pure actions: each character plays its opening move (with execution
  noise mixing in the other actions), ``A = pᵢᵀ G pⱼ``;
* ``"matches"`` — matches are played again every generation between the individuals who meet
  (see :mod:`trustlab.domain.population.runs`), so chance in the matches matters.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

import numpy as np

from trustlab.domain.characters.character import Character
from trustlab.domain.conditions import Conditions
from trustlab.domain.errors import InvalidParameter
from trustlab.domain.games import Game

__all__ = ["PAYOFF_SOURCES", "expected_matrix", "one_shot_matrix", "opening_actions"]

PAYOFF_SOURCES = ("expected", "matches", "one-shot")


def opening_actions(characters: Sequence[Character], n_actions: int) -> np.ndarray:
    """``p[i, a]``: probability that character i opens with action a (lifted to ``n_actions``)."""
    out = np.zeros((len(characters), n_actions))
    for i, c in enumerate(characters):
        m = c.machine.for_game(n_actions)
        out[i] = m.policy[m.initial_state]
    return out


def one_shot_matrix(characters: Sequence[Character], game: Game, noise: float = 0.0) -> np.ndarray:
    """Expected payoff of one turn between opening moves, with execution noise.

    Examples
    --------
    >>> from trustlab.domain.characters.catalogue import get_character
    >>> from trustlab.domain.games import prisoners_dilemma
    >>> cs = [get_character("tit-for-tat"), get_character("always-defect")]
    >>> one_shot_matrix(cs, prisoners_dilemma()).tolist()
    [[3.0, 0.0], [5.0, 1.0]]
    """
    k = game.n_actions
    p = opening_actions(characters, k)
    if noise > 0:
        # a mistake replaces the intended action by one of the k − 1 others, uniformly
        p = (1 - noise) * p + noise * (1 - p) / (k - 1)
    return np.asarray(p @ game.payoffs @ p.T)


_CACHE: dict[tuple[object, ...], np.ndarray] = {}


def _estimated(
    characters: Sequence[Character], conditions: Conditions, repetitions: int
) -> np.ndarray:
    from trustlab.domain.tournaments import play_tournament

    c = conditions
    key = (tuple(x.name for x in characters), c.game, c.turns, c.continuation, c.noise, c.misread)
    if key in _CACHE:
        return _CACHE[key]
    t = play_tournament(
        list(characters), game=c.game, turns=c.turns if c.turns is not None else 1,
        continuation=c.continuation, noise=c.noise, misread=c.misread, repetitions=repetitions,
        seed=0x5EED,
    )  # fmt: skip
    m = t.payoff_matrix
    m.setflags(write=False)
    if len(_CACHE) > 64:
        _CACHE.clear()
    _CACHE[key] = m
    return m


def expected_matrix(
    characters: Sequence[Character], conditions: Conditions
) -> tuple[np.ndarray, str]:
    """``(A, how)``: expected payoff per turn of i against j under ``conditions`` (its game set),
    and how it was obtained (``"exact"`` or ``"estimated"``)."""
    fn: Any = None
    # the analysis package is optional here: without it the matrix is estimated
    with contextlib.suppress(ImportError):
        from trustlab.domain.analysis import expected_payoff_matrix as fn
    if fn is not None:
        m = np.asarray(fn(list(characters), conditions=conditions), dtype=np.float64)
        return m, "exact"
    names = tuple(c.name for c in characters)
    if len(set(names)) != len(names):
        raise InvalidParameter("each character may appear once in a population")
    c = conditions
    stochastic = c.noise > 0 or c.misread > 0 or c.continuation is not None
    stochastic = stochastic or any(x.stochastic for x in characters)
    reps = 200 if stochastic else 1
    return np.array(_estimated(characters, conditions, reps)), "estimated"
