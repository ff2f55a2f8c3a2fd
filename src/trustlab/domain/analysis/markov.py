"""Exact long-run payoffs of two characters from the Markov chain on the product of their states.

Two state machines A (``S_a`` states) and B (``S_b``) playing a k-action game form a Markov chain on
joint states ``(s_a, s_b)``. In one turn, exactly as the kernel and
:func:`~trustlab.domain.characters.machine.play_reference` play it:

1. each player intends an action from its policy, ``policy[s, i]``;
2. execution noise ``noise`` replaces the intended action, uniformly among the k − 1 others;
3. each player observes the other's executed action, misread with probability ``misread`` (the
   observation replaced uniformly among the k − 1 others), independently for the two players;
4. each moves to ``transition[s, executed, observed]``.

From this chain trustlab computes, without sampling:

* the **stationary** (infinite game) payoffs per turn: the long-run average from the initial joint
  state (the Cesàro limit). When the chain has one closed class (any noise makes it so for the
  catalogue) this is its unique stationary distribution. Without noise a chain is often
  reducible, and periodic (tit-for-tat against suspicious tit-for-tat alternates): the long-run
  average then depends on where play starts, and trustlab uses the start that applies — the
  initial joint state — by weighting each closed class's stationary distribution with the
  probability of being absorbed into it;
* with a **continuation** probability W, the expected totals
  ``Σ_t W^t E[payoff_t] = e0ᵀ (I − W·M)⁻¹ r`` (first turn included) and expected turns 1/(1 − W);
* for a fixed number of **turns**, the exact expected totals by forward iteration.

References
----------
Nowak & Sigmund (1993), "A strategy of win-stay, lose-shift that outperforms tit-for-tat in the
Prisoner's Dilemma game", Nature 364:56. doi:10.1038/364056a0
Press & Dyson (2012), "Iterated Prisoner's Dilemma contains strategies that dominate any
evolutionary opponent", PNAS 109:10409. doi:10.1073/pnas.1206569109
Kemeny & Snell (1976), *Finite Markov Chains*, ch. 3 (absorbing chains). Springer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph
from scipy.sparse.linalg import spsolve

from trustlab.domain.characters.catalogue import get_character
from trustlab.domain.characters.character import Character
from trustlab.domain.characters.machine import StateMachine
from trustlab.domain.conditions import Conditions, resolve_conditions
from trustlab.domain.errors import InvalidParameter, TrustlabError
from trustlab.domain.games import Game
from trustlab.domain.limits import TooLarge
from trustlab.domain.play import Length, check_probability, game_for
from trustlab.domain.provenance import version

__all__ = [
    "LongRunPayoffs",
    "ProductChain",
    "ReducibleChain",
    "expected_payoff_matrix",
    "long_run_payoffs",
    "product_chain",
]

#: joint states beyond which the dense index of (s_a, s_b) would not be reasonable
MAX_JOINT_STATES = 2_000_000


class ReducibleChain(TrustlabError):
    """The chain has several closed classes, so the long run depends on where play starts.

    Examples
    --------
    >>> from trustlab import ReducibleChain, long_run_payoffs
    >>> try:
    ...     long_run_payoffs("detective", "random", require_unique=True)
    ... except ReducibleChain as e:
    ...     print(str(e).split(":")[0])
    the chain of detective against random (noise 0, misread 0) is reducible
    """


def _mistake_matrix(rate: float, k: int) -> np.ndarray:
    """``m[i, x]``: probability that ``i`` becomes ``x`` (kept with 1 − rate, else uniform)."""
    m = np.full((k, k), rate / (k - 1))
    np.fill_diagonal(m, 1.0 - rate)
    return m


@dataclass(frozen=True, eq=False)
class ProductChain:
    """The joint states two machines can reach, with every way a turn can move between them.

    Attributes
    ----------
    a, b : StateMachine
        The two machines, both for the game's k actions.
    states : ndarray (n, 2)
        ``(s_a, s_b)`` of each chain state; index 0 is the initial joint state. The set holds
        every joint state reachable under *any* executed and observed actions, so that forced
        moves (the trait probes' deliberate mistakes) never leave it.
    successor : ndarray (n, k, k, k, k)
        Next chain state after A executes x and B executes y, A observes o_a and B observes o_b,
        indexed ``[state, x, y, o_a, o_b]``.
    noise, misread : float
        Execution and perception noise.
    complete : bool
        Whether every joint state reachable under any actions is in (see :func:`product_chain`).
    """

    a: StateMachine
    b: StateMachine
    states: np.ndarray
    successor: np.ndarray
    noise: float
    misread: float
    complete: bool = True

    @property
    def n_states(self) -> int:
        """Number of joint states."""
        return int(self.states.shape[0])

    @property
    def n_actions(self) -> int:
        """Actions k of the game."""
        return int(self.successor.shape[1])

    def executed(self, force_a: int | None = None, force_b: int | None = None) -> np.ndarray:
        """(n, k, k): distribution of the executed joint action in each state.

        ``force_a`` / ``force_b`` make that player execute the given action for sure (a
        deliberate mistake of a probe); otherwise intention and execution noise decide.
        """
        if not self.complete and (force_a is not None or force_b is not None):
            raise InvalidParameter("forced moves need a chain built with explore=True")
        k = self.n_actions
        noise = _mistake_matrix(self.noise, k)
        ea = self.a.policy @ noise
        eb = self.b.policy @ noise
        if force_a is not None:
            ea = np.zeros_like(ea)
            ea[:, force_a] = 1.0
        if force_b is not None:
            eb = np.zeros_like(eb)
            eb[:, force_b] = 1.0
        return np.asarray(ea[self.states[:, 0]][:, :, None] * eb[self.states[:, 1]][:, None, :])

    def matrix(self, force_a: int | None = None, force_b: int | None = None) -> sp.csr_matrix:
        """The (n, n) transition matrix of one turn (rows sum to 1), see :meth:`executed`."""
        k = self.n_actions
        mis = _mistake_matrix(self.misread, k)
        joint = self.executed(force_a, force_b)
        # p[s, x, y, oa, ob] = P(x, y | s) · P(A sees oa | y) · P(B sees ob | x)
        p = joint[:, :, :, None, None] * mis[None, None, :, :, None] * mis[None, :, None, None, :]
        n = self.n_states
        rows = np.broadcast_to(np.arange(n)[:, None, None, None, None], p.shape)
        keep = p > 0.0
        m = sp.coo_matrix((p[keep], (rows[keep], self.successor[keep])), shape=(n, n))
        return m.tocsr()  # duplicates (two ways to the same state) are summed


def product_chain(
    a: StateMachine,
    b: StateMachine,
    *,
    noise: float = 0.0,
    misread: float = 0.0,
    explore: bool = True,
) -> ProductChain:
    """The product chain of two machines playing the same k-action game (see the module docstring).

    With ``explore`` (the default) the chain holds every joint state reachable under any executed
    and observed actions, so that forced moves stay inside it; without, only the joint states
    reachable with positive probability under the given policies and noise (a noiseless
    deterministic pair then has a single path, however large the machines).

    Examples
    --------
    >>> from trustlab.domain.characters import get_character
    >>> tft = get_character("tit-for-tat").machine
    >>> chain = product_chain(tft, tft, noise=0.1)
    >>> chain.n_states, chain.matrix().sum(axis=1).round(12).ravel().tolist()
    (5, [1.0, 1.0, 1.0, 1.0, 1.0])
    """
    if a.n_actions != b.n_actions:
        raise InvalidParameter(
            f"both machines must play the same number of actions, got {a.n_actions} and "
            f"{b.n_actions}"
        )
    noise = check_probability(noise, "noise")
    misread = check_probability(misread, "misread")
    k = a.n_actions
    sa_n, sb_n = a.n_states, b.n_states
    if sa_n * sb_n > MAX_JOINT_STATES:
        raise InvalidParameter(
            f"{sa_n} × {sb_n} joint states is more than the {MAX_JOINT_STATES} the exact "
            "analysis handles; minimise the machines or simulate instead"
        )
    index = np.full(sa_n * sb_n, -1, dtype=np.int64)
    start = a.initial_state * sb_n + b.initial_state
    index[start] = 0
    codes = [np.array([start], dtype=np.int64)]
    succ_parts: list[np.ndarray] = []
    frontier = codes[0]
    n = 1
    ta, tb = a.transition, b.transition
    ea = a.policy @ _mistake_matrix(noise, k)
    eb = b.policy @ _mistake_matrix(noise, k)
    mis = _mistake_matrix(misread, k)
    while frontier.size:
        sa, sb = frontier // sb_n, frontier % sb_n
        # next_a[f, x, oa] and next_b[f, y, ob], combined over (x, y, oa, ob)
        na = ta[sa][:, :, None, :, None]
        nb = tb[sb][:, None, :, None, :]
        nxt = (na.astype(np.int64) * sb_n + nb).reshape(frontier.size, -1)
        unseen = index[nxt] < 0
        if not explore:
            possible = (
                ea[sa][:, :, None, None, None]
                * eb[sb][:, None, :, None, None]
                * mis[None, None, :, :, None]
                * mis[None, :, None, None, :]
            ) > 0.0
            unseen &= possible.reshape(frontier.size, -1)
        new = np.unique(nxt[unseen])
        index[new] = np.arange(n, n + new.size)
        n += new.size
        codes.append(new)
        succ_parts.append(index[nxt].reshape(frontier.size, k, k, k, k))
        frontier = new
    all_codes = np.concatenate(codes)
    states = np.stack([all_codes // sb_n, all_codes % sb_n], axis=1)
    successor = np.concatenate(succ_parts).astype(np.int64)
    return ProductChain(a, b, states, successor, noise, misread, explore)


# --- the long run -------------------------------------------------------------------------------


#: Largest closed class whose stationary distribution is found by GTH elimination (dense, n³);
#: bigger ones by a sparse solve.
GTH_STATES = 512


def _stationary_of_class(m: sp.csr_matrix) -> np.ndarray:
    """The stationary distribution of an irreducible chain (periodic ones included).

    Up to :data:`GTH_STATES` states by Grassmann–Taksar–Heyman elimination (Grassmann, Taksar &
    Heyman 1985), which never subtracts: it keeps its relative accuracy when some transitions are
    as rare as 1e-300 (a tiny mistake rate), where the balance equations are numerically
    singular. Should a product of rare transitions underflow to zero, the states it cut off are
    left with zero mass, which is what they have to the precision of a float.

    >>> m = sp.csr_matrix(np.array([[0.5, 0.5], [0.25, 0.75]]))
    >>> _stationary_of_class(m).round(4).tolist()
    [0.3333, 0.6667]
    """
    n = m.shape[0]
    if n == 1:
        return np.ones(1)
    if n > GTH_STATES:
        # πᵀ(M − I) = 0 with Σπ = 1: replace the last balance equation by the normalisation
        a = sp.vstack([(m.T - sp.identity(n, format="csr"))[:-1], sp.csr_matrix(np.ones((1, n)))])
        rhs = np.zeros(n)
        rhs[n - 1] = 1.0
        pi = np.clip(np.asarray(spsolve(a.tocsc(), rhs), dtype=np.float64), 0.0, None)
        return np.asarray(pi / pi.sum())
    p = m.toarray()
    base = 0
    for k in range(n - 1, 0, -1):
        out = p[k, :k].sum()  # rate of leaving k for the states below it: no 1 − p[k, k]
        if out <= 0.0:
            base = k  # k never returns below (to a float's precision): the mass is from k up
            break
        p[:k, k] /= out
        p[:k, :k] += np.outer(p[:k, k], p[k, :k])
    pi = np.zeros(n)
    pi[base] = 1.0
    for k in range(base + 1, n):
        pi[k] = pi[:k] @ p[:k, k]
    return np.asarray(pi / pi.sum())


@dataclass(frozen=True)
class LongRun:
    """The long-run (Cesàro) distribution over chain states from a start, and what it took."""

    distribution: np.ndarray  # (n,)
    n_classes: int  # closed classes reachable from the start


def long_run_distribution(m: sp.csr_matrix, start: np.ndarray) -> LongRun:
    """lim (1/T) Σ_{t<T} start·Mᵗ, exactly: absorption into closed classes, then each class's
    stationary distribution (Kemeny & Snell 1976, ch. 3)."""
    n = m.shape[0]
    # states reachable with positive probability from the start's support
    support = np.flatnonzero(start > 0)
    seen = np.zeros(n, dtype=bool)
    for s in support:
        if not seen[s]:
            order = csgraph.breadth_first_order(m, int(s), directed=True, return_predecessors=False)
            seen[order] = True
    sub = np.flatnonzero(seen)
    ms = m[sub][:, sub].tocsr()
    p0 = start[sub]
    n_comp, labels = csgraph.connected_components(ms, directed=True, connection="strong")
    coo = ms.tocoo()
    leaves = labels[coo.row] != labels[coo.col]
    open_comp = np.zeros(n_comp, dtype=bool)
    open_comp[labels[coo.row[leaves]]] = True
    recurrent = ~open_comp[labels]
    enter = np.where(recurrent, p0, 0.0)
    transient = np.flatnonzero(~recurrent)
    closed = np.flatnonzero(~open_comp)
    if closed.size == 1:
        # one closed class: everything is absorbed into it, no need to solve for the transients
        enter = recurrent.astype(np.float64)
    elif transient.size and p0[transient].sum() > 0.0:
        q = ms[transient][:, transient]
        # expected visits to each transient state: u = p0_T (I − Q)⁻¹
        lhs = (sp.identity(transient.size, format="csc") - q.T).tocsc()
        u = np.atleast_1d(spsolve(lhs, p0[transient]))
        enter = enter + np.asarray(ms[transient].T @ u).ravel() * recurrent
    out = np.zeros(sub.size)
    for c in closed:
        members = np.flatnonzero(labels == c)
        mass = enter[members].sum()
        if mass > 0.0:
            out[members] += mass * _stationary_of_class(ms[members][:, members].tocsr())
    full = np.zeros(n)
    full[sub] = out / out.sum()
    return LongRun(full, int(closed.size))


#: Turns up to which a fixed-length expectation iterates turn by turn (about 1 s).
FORWARD_TURNS = 100_000
#: Largest chain for which longer matches are summed by repeated squaring (n³ per squaring).
DOUBLING_STATES = 256


def _forward_occupation(m: sp.csr_matrix, start: np.ndarray, turns: int) -> np.ndarray:
    """Σ_{t<turns} start·Mᵗ: expected visits to each state in a match of ``turns`` turns.

    Turn by turn up to :data:`FORWARD_TURNS`; beyond, by repeated squaring of (Mᵏ, Σ_{t<k} Mᵗ)
    in log₂(turns) steps for chains of at most :data:`DOUBLING_STATES` states; larger requests
    raise :class:`~trustlab.domain.limits.TooLarge` before any work.
    """
    n = m.shape[0]
    if turns > FORWARD_TURNS:
        if n > DOUBLING_STATES:
            raise TooLarge(
                f"turns = {turns} over a chain of {n} joint states: exact sums go up to "
                f"{FORWARD_TURNS:,} turns for chains above {DOUBLING_STATES} states; leave out "
                "turns for the long run per turn, or give a continuation probability"
            )
        a = m.toarray()  # M^(2^i)
        b = np.eye(n)  # Σ_{t<2^i} M^t
        p, occ = start.copy(), np.zeros_like(start)
        k = int(turns)
        while k:
            if k & 1:
                occ += p @ b
                p = p @ a
            k >>= 1
            if k:
                b = b + a @ b
                a = a @ a
        return occ
    mt = m.T.tocsr()
    p = start.copy()
    occ = np.zeros_like(p)
    for _ in range(turns):
        occ += p
        p = mt @ p
    return occ


def _discounted_occupation(m: sp.csr_matrix, start: np.ndarray, w: float) -> np.ndarray:
    """Σ_t Wᵗ start·Mᵗ = start (I − W·M)⁻¹: expected visits with continuation probability W."""
    n = m.shape[0]
    lhs = (sp.identity(n, format="csc") - w * m.T).tocsc()
    return np.atleast_1d(np.asarray(spsolve(lhs, start), dtype=np.float64))


# --- public results -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LongRunPayoffs:
    """Exact expected payoffs of two characters.

    Attributes
    ----------
    joint : ndarray (k, k)
        Expected share of turns with each executed joint action (row: the first player).
    expected_turns : float or None
        Expected length of the match (``None`` for the infinite, stationary game).
    n_states : int
        Joint states of the product chain.
    n_classes : int
        Closed classes reachable from the start (1: the long run does not depend on the start).
    conditions : Conditions
        The game (resolved), length (none: the infinite game), noise and misread; ``game``,
        ``turns``, ``continuation``, ``noise`` and ``misread`` read from it.

    Examples
    --------
    >>> from trustlab import long_run_payoffs
    >>> r = long_run_payoffs("tit-for-tat", "always-defect", continuation=0.9)
    >>> r.mode, r.conditions.continuation, round(float(r.expected_turns), 6)
    ('continuation', 0.9, 10.0)
    """

    players: tuple[str, str]
    conditions: Conditions
    joint: np.ndarray = field(repr=False)
    expected_turns: float | None
    n_states: int
    n_classes: int
    start: tuple[int, int]
    version: str = field(default_factory=version)

    @property
    def game(self) -> Game:
        """The game played."""
        assert self.conditions.game is not None
        return self.conditions.game

    @property
    def turns(self) -> int | None:
        """Fixed turns, or ``None``."""
        return self.conditions.turns

    @property
    def continuation(self) -> float | None:
        """Continuation probability, or ``None``."""
        return self.conditions.continuation

    @property
    def noise(self) -> float:
        """Execution noise."""
        return self.conditions.noise

    @property
    def misread(self) -> float:
        """Perception noise."""
        return self.conditions.misread

    @property
    def mode(self) -> str:
        """``"stationary"``, ``"turns"`` or ``"continuation"``."""
        if self.continuation is not None:
            return "continuation"
        return "stationary" if self.turns is None else "turns"

    @property
    def scores_per_turn(self) -> np.ndarray:
        """Expected payoff per turn of each player (totals / expected turns for finite games)."""
        g = self.game.payoffs
        return np.array([float((self.joint * g).sum()), float((self.joint * g.T).sum())])

    @property
    def scores(self) -> np.ndarray | None:
        """Expected total payoff per match of each player (``None`` for the stationary game)."""
        if self.expected_turns is None:
            return None
        return self.scores_per_turn * self.expected_turns

    @property
    def action_rates(self) -> np.ndarray:
        """(2, k): expected share of turns each player executes each action."""
        return np.stack([self.joint.sum(axis=1), self.joint.sum(axis=0)])

    @property
    def cooperation_rates(self) -> np.ndarray:
        """Expected share of turns each player cooperates (open + support in the exchange)."""
        return np.asarray(self.action_rates[:, self.game.cooperative_action])

    def to_dict(self) -> dict[str, Any]:
        """The record ``trustlab analyze payoffs`` prints (keys are a contract: keep them)."""
        names = self.game.action_names
        out: dict[str, Any] = {
            "players": list(self.players),
            "game": self.game.describe(),
            "mode": self.mode,
            "turns": self.turns,
            "continuation": self.continuation,
            "noise": self.noise,
            "misread": self.misread,
            "scores_per_turn": self.scores_per_turn.tolist(),
            "cooperation_rates": self.cooperation_rates.tolist(),
            "joint_actions": {
                f"{names[x]}/{names[y]}": float(self.joint[x, y])
                for x in range(len(names))
                for y in range(len(names))
            },
            "chain_states": self.n_states,
            "closed_classes": self.n_classes,
            "start": list(self.start),
            "version": self.version,
        }
        if self.expected_turns is not None:
            scores = self.scores
            assert scores is not None
            out["scores"] = scores.tolist()
            out["expected_turns"] = self.expected_turns
        return out


def _conditions(
    conditions: Conditions | None,
    game: Game | None,
    turns: int | None,
    continuation: float | None,
    noise: float | None,
    misread: float | None,
) -> Conditions:
    """The analysis's conditions: no length given is the infinite (stationary) game."""
    return resolve_conditions(
        conditions, game=game, turns=turns, continuation=continuation, noise=noise,
        misread=misread, default_turns=None, continuation_replaces_turns=False,
    )  # fmt: skip


def _weights(
    chain: ProductChain, length: Length | None, *, require_unique: bool, names: tuple[str, str]
) -> tuple[np.ndarray, float | None, int]:
    """Per chain state, the expected share of turns spent there; expected turns; closed classes."""
    m = chain.matrix()
    start = np.zeros(chain.n_states)
    start[0] = 1.0
    if length is None:
        lr = long_run_distribution(m, start)
        if require_unique and lr.n_classes > 1:
            raise ReducibleChain(
                f"the chain of {names[0]} against {names[1]} (noise {chain.noise:g}, misread "
                f"{chain.misread:g}) is reducible: {lr.n_classes} closed classes, so the long run "
                "depends on the start; the start that applies is the initial joint state "
                f"{tuple(int(s) for s in chain.states[0])} (drop require_unique to use it, or add "
                "noise)"
            )
        return lr.distribution, None, lr.n_classes
    if length.continuation is not None:
        occ = _discounted_occupation(m, start, length.continuation)
        expected = length.expected_turns
    else:
        assert length.turns is not None
        occ = _forward_occupation(m, start, length.turns)
        expected = float(length.turns)
    return occ / occ.sum(), expected, 0


def _pair_joint(
    chain: ProductChain, length: Length | None, *, require_unique: bool, names: tuple[str, str]
) -> tuple[np.ndarray, float | None, int]:
    weights, expected, n_classes = _weights(
        chain, length, require_unique=require_unique, names=names
    )
    joint = np.einsum("s,sxy->xy", weights, chain.executed())
    return joint, expected, n_classes


def long_run_payoffs(
    a: str | Character,
    b: str | Character,
    *,
    conditions: Conditions | None = None,
    game: Game | None = None,
    turns: int | None = None,
    continuation: float | None = None,
    noise: float | None = None,
    misread: float | None = None,
    require_unique: bool = False,
) -> LongRunPayoffs:
    """Exact expected payoffs of ``a`` against ``b`` from their product Markov chain.

    Parameters
    ----------
    a, b : str or Character
        Names, aliases, family specs or characters (two-action characters are lifted to play a
        six-action vulnerability exchange).
    conditions : Conditions, optional
        Game, length (none: the infinite game) and noise in one value; or give them as the
        keywords below (not both). Repetitions do not apply.
    game : Game, optional
        Default: the prisoner's dilemma, or the vulnerability exchange for its own characters.
    turns : int, optional
        Exact expectation over a match of this many turns.
    continuation : float, optional
        Exact expectation with continuation probability W (first turn included).
    noise, misread : float
        Execution and perception noise.
    require_unique : bool
        For the stationary game: raise :class:`ReducibleChain` when the long run depends on the
        start, instead of using the initial joint state.

    Returns
    -------
    LongRunPayoffs
        Stationary payoffs per turn when neither ``turns`` nor ``continuation`` is given.

    References
    ----------
    Nowak & Sigmund (1993), Nature 364:56. doi:10.1038/364056a0

    Examples
    --------
    >>> from trustlab import long_run_payoffs
    >>> r = long_run_payoffs("win-stay-lose-shift", "win-stay-lose-shift", noise=0.1)
    >>> [round(float(x), 6) for x in r.scores_per_turn]
    [2.602, 2.602]
    >>> long_run_payoffs("tit-for-tat", "always-defect", turns=10).scores.tolist()
    [9.0, 14.0]
    """
    cond = _conditions(conditions, game, turns, continuation, noise, misread)
    ca, cb = get_character(a), get_character(b)
    g = game_for([ca, cb], cond.game)
    cond = cond.with_game(g)
    length = cond.length
    k = g.n_actions
    ma, mb = ca.machine.for_game(k), cb.machine.for_game(k)
    chain = product_chain(ma, mb, noise=cond.noise, misread=cond.misread, explore=False)
    names = (ca.name, cb.name)
    joint, expected, n_classes = _pair_joint(
        chain, length, require_unique=require_unique, names=names
    )
    return LongRunPayoffs(
        names,
        cond,
        joint,
        expected,
        chain.n_states,
        n_classes,
        (ma.initial_state, mb.initial_state),
    )


def expected_payoff_matrix(
    characters: Sequence[str | Character],
    *,
    conditions: Conditions | None = None,
    game: Game | None = None,
    turns: int | None = None,
    continuation: float | None = None,
    noise: float | None = None,
    misread: float | None = None,
) -> np.ndarray:
    """``m[i, j]``: the exact expected payoff per turn of character i against character j.

    Stationary (the infinite game, from the initial joint state) when neither ``turns`` nor
    ``continuation`` is given; total / turns for a fixed number of turns; expected total /
    expected turns with a continuation probability. The diagonal is each character against a
    copy of itself. Each unordered pair's chain is solved once. The conditions are given as
    ``conditions`` or as the keywords (not both), as in :func:`long_run_payoffs`.

    Examples
    --------
    >>> from trustlab import expected_payoff_matrix
    >>> m = expected_payoff_matrix(["tit-for-tat", "always-defect"], turns=10)
    >>> m.round(3).tolist()
    [[3.0, 0.9], [1.4, 1.0]]
    """
    cond = _conditions(conditions, game, turns, continuation, noise, misread)
    chars = [get_character(c) for c in characters]
    if not chars:
        raise InvalidParameter("expected_payoff_matrix needs at least one character")
    g = game_for(chars, cond.game)
    length = cond.length
    k = g.n_actions
    machines = [c.machine.for_game(k) for c in chars]
    n = len(chars)
    out = np.zeros((n, n))
    pay = g.payoffs
    for i in range(n):
        for j in range(i, n):
            chain = product_chain(
                machines[i], machines[j], noise=cond.noise, misread=cond.misread, explore=False
            )
            joint, _, _ = _pair_joint(
                chain, length, require_unique=False, names=(chars[i].name, chars[j].name)
            )
            out[i, j] = float((joint * pay).sum())
            out[j, i] = float((joint * pay.T).sum())
    return out
