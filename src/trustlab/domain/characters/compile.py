"""From readable Python to the fast form: compile a character's rule into a state machine.

A rule is three small functions over a hashable *memory* of the character's own choosing:

* ``start()`` — the memory before the first turn;
* ``act(memory)`` — an action (``0`` for C, ``1`` for D; or any of the game's k actions), a
  probability of playing action 0 (two-action games), or a sequence of k probabilities;
* ``update(memory, mine, theirs)`` — the memory after a turn in which the character executed
  ``mine`` and saw its partner play ``theirs``.

:func:`compile_rule` explores every memory reachable from ``start()`` under every pair of actions
(noise can produce any pair) and numbers them as states. It fails with a clear reason when the
memories never stop growing (a rule that remembers the whole history must forget or saturate).

Examples
--------
>>> tft = compile_rule(start=lambda: 0, act=lambda m: m, update=lambda m, mine, theirs: theirs)
>>> tft.n_states, tft.policy.tolist()
(2, [[1.0, 0.0], [0.0, 1.0]])
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

import numpy as np

from trustlab.domain.characters.machine import StateMachine
from trustlab.domain.errors import CompileError, InvalidParameter

__all__ = ["compile_history_rule", "compile_rule", "memory_one", "reactive"]

Memory = Hashable
M = TypeVar("M", bound=Hashable)
ActResult = int | float | Sequence[float]

MAX_STATES = 4096


def _distribution(result: Any, k: int, memory: Memory) -> np.ndarray:
    if isinstance(result, bool):
        raise CompileError(
            f"act({memory!r}) returned a bool; return an action index or a probability"
        )
    if isinstance(result, int | np.integer):
        if not 0 <= int(result) < k:
            raise CompileError(f"act({memory!r}) returned action {result}, not one of 0..{k - 1}")
        dist = np.zeros(k)
        dist[int(result)] = 1.0
        return dist
    if isinstance(result, float | np.floating):
        if k != 2:
            raise CompileError(
                f"act({memory!r}) returned a single probability; a {k}-action rule must return "
                f"an action or {k} probabilities"
            )
        p = float(result)
        if not 0.0 <= p <= 1.0:
            raise InvalidParameter(f"act({memory!r}) returned probability {p}, outside [0, 1]")
        return np.array([p, 1.0 - p])
    try:
        dist = np.asarray(result, dtype=np.float64)
    except (TypeError, ValueError):
        raise CompileError(
            f"act({memory!r}) returned {result!r}, not an action or probabilities"
        ) from None
    if dist.shape != (k,):
        raise CompileError(
            f"act({memory!r}) returned {dist.shape[0] if dist.ndim else 0} probabilities, need {k}"
        )
    if np.any(dist < 0) or np.any(dist > 1) or not np.isclose(dist.sum(), 1.0):
        raise InvalidParameter(
            f"act({memory!r}) returned probabilities {dist.tolist()} that are not a distribution"
        )
    return dist


def compile_rule(
    start: Callable[[], M],
    act: Callable[[M], ActResult],
    update: Callable[[M, int, int], M],
    *,
    n_actions: int = 2,
    max_states: int = MAX_STATES,
) -> StateMachine:
    """Compile a rule (see the module docstring) into a :class:`StateMachine`.

    Examples
    --------
    >>> from trustlab import compile_rule
    >>> grudge = compile_rule(start=lambda: False, act=lambda hurt: int(hurt),
    ...                       update=lambda hurt, mine, theirs: hurt or theirs == 1)
    >>> grudge.n_states, grudge.policy.tolist()
    (2, [[1.0, 0.0], [0.0, 1.0]])

    Raises
    ------
    CompileError
        If a memory is not hashable, ``act`` returns something that is not an action or a
        distribution, or more than ``max_states`` memories are reachable.
    """
    first = start()
    try:
        hash(first)
    except TypeError:
        raise CompileError(
            f"memories must be hashable (use tuples, not lists): got {first!r}"
        ) from None
    index: dict[M, int] = {first: 0}
    order: list[M] = [first]
    rows: list[list[list[int]]] = []
    policy: list[np.ndarray] = []
    i = 0
    while i < len(order):
        mem = order[i]
        policy.append(_distribution(act(mem), n_actions, mem))
        table = []
        for mine in range(n_actions):
            row = []
            for theirs in range(n_actions):
                nxt = update(mem, mine, theirs)
                try:
                    known = index.get(nxt)
                except TypeError:
                    raise CompileError(
                        f"memories must be hashable (use tuples, not lists): got {nxt!r}"
                    ) from None
                if known is None:
                    if len(order) >= max_states:
                        raise CompileError(
                            f"the rule reaches more than {max_states} distinct memories; a rule "
                            "must remember a bounded amount (forget old turns or saturate counters)"
                        )
                    known = index[nxt] = len(order)
                    order.append(nxt)
                row.append(known)
            table.append(row)
        rows.append(table)
        i += 1
    return StateMachine(np.array(policy), np.array(rows, dtype=np.int32), 0).minimised()


def compile_history_rule(
    decide: Callable[[tuple[int, ...], tuple[int, ...]], ActResult],
    memory_depth: int,
    *,
    n_actions: int = 2,
) -> StateMachine:
    """Compile a rule that looks at the last ``memory_depth`` turns of both players.

    ``decide(mine, theirs)`` receives the two players' last moves (oldest first, at most
    ``memory_depth`` of each; shorter at the start of a match) and returns what ``act`` would.

    Examples
    --------
    >>> two_tits = compile_history_rule(lambda mine, theirs: 1 if 1 in theirs else 0, 2)
    >>> two_tits.n_states
    3
    """
    if memory_depth < 0:
        raise InvalidParameter(f"memory depth must be ≥ 0, got {memory_depth}")

    def update(mem: Memory, mine: int, theirs: int) -> Memory:
        m: tuple[int, ...]
        t: tuple[int, ...]
        m, t = mem  # type: ignore[misc]
        if memory_depth == 0:
            return ((), ())
        return ((*m, mine)[-memory_depth:], (*t, theirs)[-memory_depth:])

    return compile_rule(
        start=lambda: ((), ()),
        act=lambda mem: decide(*mem),  # type: ignore[misc]
        update=update,
        n_actions=n_actions,
    )


def _probability(x: float, what: str) -> float:
    try:
        x = float(x)
    except (TypeError, ValueError):
        raise InvalidParameter(f"{what} must be a probability in [0, 1], got {x!r}") from None
    if not 0.0 <= x <= 1.0 or not np.isfinite(x):
        raise InvalidParameter(f"{what} must be a probability in [0, 1], got {x:g}")
    return x


def memory_one(p1: float, p2: float, p3: float, p4: float, p0: float = 1.0) -> StateMachine:
    """A memory-one character: cooperate with probability p1..p4 after CC, CD, DC, DD.

    Outcomes are seen from the player itself, own action first; ``p0`` is the probability of
    cooperating on the first turn.

    References
    ----------
    Nowak & Sigmund (1993), "A strategy of win-stay, lose-shift...", Nature 364:56.
    doi:10.1038/364056a0

    Examples
    --------
    >>> memory_one(1, 0, 1, 0).policy[:, 0].tolist()   # tit-for-tat
    [1.0, 1.0, 0.0, 1.0, 0.0]
    """
    ps = [
        _probability(p, name)
        for p, name in zip((p1, p2, p3, p4), ("p1", "p2", "p3", "p4"), strict=True)
    ]
    p0 = _probability(p0, "p0")
    # state 0 = first turn; state 1 + 2*mine + theirs = last outcome
    policy = np.array([[p0, 1 - p0]] + [[p, 1 - p] for p in ps])
    trans = np.zeros((5, 2, 2), dtype=np.int32)
    for mine in (0, 1):
        for theirs in (0, 1):
            trans[:, mine, theirs] = 1 + 2 * mine + theirs
    return StateMachine(policy, trans, 0)


def reactive(p: float, q: float, p0: float = 1.0) -> StateMachine:
    """A reactive character: cooperate with probability p after the partner's C, q after its D.

    References
    ----------
    Nowak & Sigmund (1992), "Tit for tat in heterogeneous populations", Nature 355:250.
    doi:10.1038/355250a0

    Examples
    --------
    >>> from trustlab import reactive
    >>> generous = reactive(1.0, 1 / 3)  # forgives a third of defections
    >>> generous.n_states, generous.policy[2].round(3).tolist()
    (3, [0.333, 0.667])
    """
    p = _probability(p, "p")
    q = _probability(q, "q")
    p0 = _probability(p0, "p0")
    policy = np.array([[p0, 1 - p0], [p, 1 - p], [q, 1 - q]])
    trans = np.zeros((3, 2, 2), dtype=np.int32)
    trans[:, :, 0] = 1
    trans[:, :, 1] = 2
    return StateMachine(policy, trans, 0)
