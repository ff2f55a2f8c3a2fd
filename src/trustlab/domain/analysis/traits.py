"""The trait profile of a character: the essay's signs of a trustworthy person, measured.

Nothing here is declared by the character; every number comes from playing *probes* (scripted or
simple partners) through the exact product chain of :mod:`trustlab.domain.analysis.markov`, so
stochastic characters get exact expectations, not samples.

Cooperation is action 0 (C; in the vulnerability exchange open + support) and a probe's
*defection* is the last action (D; guarded + exploit). For retaliation, forgiveness and contrition
anything but open + support counts as not cooperating in the vulnerability exchange. Niceness and
honesty are about *exploiting*: in two-action games that is defecting; in the vulnerability
exchange it is answering with exploitation (withholding and staying guarded are not exploiting).

Traits (each in [0, 1], higher means more of it; niceness, consistency, honesty and
responsiveness by construction, as probabilities, rates or one minus a fall in a probability;
the ratios and the retaliation rise are capped to [0, 1]):

``niceness``
    Never exploits first (DESIGN.md's "nice"): the probability of never exploiting, over the whole
    infinite game, against the worst partner that never exploits (any partner, adaptive, choosing
    among the actions that do not exploit). In two-action games the only such partner is the
    unconditional cooperator; in the vulnerability exchange it may open or not, and support or
    withhold. Exact: a safety game on the character's states, solved by policy iteration.
``retaliation``
    How much a single defection of an otherwise cooperative partner (on turn 10) raises the
    probability of defecting on the next turn (against the same partner without the defection).
``forgiveness``
    Long-run cooperation after that single defection, relative to the long run without it.
``forgiveness_speed``
    forgiveness / (1 + the expected number of extra defections the single defection provokes
    within 100 turns): 1 forgives at once, ½ retaliates once (tit-for-tat), 0 never returns to
    cooperation (a grudger, or always-defect, which has nothing to forgive with).
``contrition``
    Against tit-for-tat, after its own mistake (forced defection on turn 10): long-run share of
    mutual cooperation relative to the same match without the mistake. 1 accepts the
    retaliation and restores cooperation; tit-for-tat itself echoes the mistake for ever (0).
``exploitability``
    What always-defect earns against it per turn, scaled from P (0: fully protected) to T (1).
``against_exploiters``
    Its own long-run payoff per turn against always-defect, extort-2 and detective (and the
    con artist in the vulnerability exchange), on average, scaled from S (0) to R (1).
``noise_tolerance``
    Its stationary payoff per turn against itself under execution noise (5% by default), scaled
    from P (0) to R (1).
``consistency``
    Keeps its standards: 1 − the largest fall in its probability of cooperating with an
    unconditional cooperator between a turn and any later one (the first 200 turns, and the long
    run). A character that builds trust and then turns on a partner who never changed (the con
    artist, detective) has 0; one whose conduct towards such a partner never worsens has 1.
``honesty``
    Its openness means what it says: the probability that it never exploits an unconditional
    cooperator at or after a turn in which it opened (in two-action games: cooperated). Opening
    while exploiting (open + exploit) is dishonest by construction. A character that exploits
    without ever having opened (exploiter, always-defect) deceives nobody: 1.
``responsiveness``
    Encourages openness: its long-run rate of answering with support a partner who keeps opening
    and never exploits, averaged over those partners (the vulnerability exchange: one who
    supports back and one who withholds; two-action games: the unconditional cooperator).

Measures (raw numbers behind the traits) come with the profile: the payoffs, the extra
defections, the largest fall in cooperation, the support rates, and the probe turn.

References
----------
Axelrod (1984), *The Evolution of Cooperation* (nice, retaliatory, forgiving, clear). Basic Books.
Boyd (1989), "Mistakes allow evolutionary stability in the repeated prisoner's dilemma game",
J. Theor. Biol. 136:47. doi:10.1016/S0022-5193(89)80188-2
Reis & Shaver (1988), "Intimacy as an interpersonal process", in *Handbook of Personal
Relationships*, 367-389. Wiley (responsiveness: the supportive answer to a disclosure).
Baier & Katoen (2008), *Principles of Model Checking*, §10.6 (maximal reachability probabilities
in Markov decision processes, by policy iteration). MIT Press.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph
from scipy.sparse.linalg import spsolve

from trustlab.domain.actions import (
    EXPLOITS,
    N_EXCHANGE_ACTIONS,
    OPEN_SUPPORT,
    OPEN_WITHHOLD,
    OPENS,
    SUPPORTS,
)
from trustlab.domain.analysis.markov import (
    ProductChain,
    long_run_distribution,
    long_run_payoffs,
    product_chain,
)
from trustlab.domain.characters.catalogue import get_character
from trustlab.domain.characters.character import Character
from trustlab.domain.characters.classics import tit_for_tat
from trustlab.domain.characters.machine import StateMachine
from trustlab.domain.games import Game
from trustlab.domain.play import check_probability, game_for
from trustlab.domain.provenance import version

__all__ = ["PROBE_TURN", "TRAIT_NAMES", "TraitProfile", "niceness", "trait_profile"]

#: the turn (0-based) of a probe's defection or mistake: after every catalogue opening
PROBE_TURN = 10
#: turns after the probe over which extra defections are counted
HORIZON = 100
#: turns over which consistency looks for a fall in cooperation (then the long run)
CONSISTENCY_TURNS = 200

TRAIT_NAMES: tuple[str, ...] = (
    "niceness",
    "retaliation",
    "forgiveness",
    "forgiveness_speed",
    "contrition",
    "exploitability",
    "against_exploiters",
    "noise_tolerance",
    "consistency",
    "honesty",
    "responsiveness",
)

_EXPLOITERS = ("always-defect", "extort-2", "detective")
#: names of the steady partners the responsiveness probe uses, for the measures
_PROBE_NAMES = {
    (N_EXCHANGE_ACTIONS, OPEN_SUPPORT): "giver",
    (N_EXCHANGE_ACTIONS, OPEN_WITHHOLD): "one_sided",
}


@dataclass(frozen=True)
class TraitProfile:
    """A character's measured traits (see the module docstring for the definitions).

    Examples
    --------
    >>> from trustlab import trait_profile
    >>> p = trait_profile("always-defect")
    >>> p.name, p.traits["niceness"]
    ('always-defect', 0.0)
    """

    name: str
    game: Game
    noise: float
    traits: dict[str, float]
    measures: dict[str, float] = field(default_factory=dict)
    version: str = field(default_factory=version)

    def to_dict(self) -> dict[str, Any]:
        """The record ``trustlab profile`` prints (``traits`` is a contract: keep it)."""
        return {
            "name": self.name,
            "game": self.game.describe(),
            "noise": self.noise,
            "traits": dict(self.traits),
            "measures": dict(self.measures),
            "version": self.version,
        }


def _steady(action: int, k: int) -> StateMachine:
    policy = np.zeros((1, k))
    policy[0, action] = 1.0
    return StateMachine(policy, np.zeros((1, k, k), dtype=np.int32), 0)


def _copycat(k: int) -> StateMachine:
    """Tit-for-tat for k actions: lifted in the vulnerability exchange, else copy the last move."""
    if k in (2, N_EXCHANGE_ACTIONS):
        return tit_for_tat().for_game(k)
    trans = np.broadcast_to(np.arange(k)[None, None, :], (k + 1, k, k)) + 1
    policy = np.vstack([np.eye(k)[:1], np.eye(k)])
    return StateMachine(policy, trans.astype(np.int32), 0)


def _exploits(k: int) -> np.ndarray:
    """Per action: does it exploit (the exchange), or defect (any other game: not action 0)."""
    if k == N_EXCHANGE_ACTIONS:
        return EXPLOITS.copy()
    return np.asarray(np.arange(k) != 0)


def _opens(k: int) -> np.ndarray:
    """Per action: does it make the player vulnerable (the exchange), or cooperate (action 0)."""
    if k == N_EXCHANGE_ACTIONS:
        return OPENS.copy()
    return np.asarray(np.arange(k) == 0)


def _supports(k: int) -> np.ndarray:
    """Per action: does it answer openness with support (the exchange), or cooperate."""
    if k == N_EXCHANGE_ACTIONS:
        return SUPPORTS.copy()
    return np.asarray(np.arange(k) == 0)


def _max_failure(policy: np.ndarray, fail: np.ndarray, nxt: np.ndarray, start: int) -> float:
    """The largest probability, over partners, of ever taking a failing action.

    A Markov decision process on the character's states: in state ``s`` it takes action ``x``
    with ``policy[s, x]``; ``fail[s, x]`` ends the game as a failure; otherwise the partner's
    choice ``j`` (adaptive, knowing the state) moves it to ``nxt[s, x, j]``. The maximal
    probability of reaching a failure is found by policy iteration over the partner's choices:
    each policy is evaluated exactly (states that cannot fail under it are 0, the others solve
    (I − P) f = e), and a state switches choice only on a strict improvement. The value reached
    satisfies the Bellman equation, whose least solution is the optimum (Baier & Katoen 2008,
    §10.6), so it is the maximum.
    """
    n = policy.shape[0]
    n_choices = nxt.shape[2]
    go = np.where(fail, 0.0, policy)  # P(taking x and going on)
    e = np.where(fail, policy, 0.0).sum(axis=1)  # P(failing now)
    # the states reachable from the start, whatever the partner chooses
    rows, xs = np.nonzero(go > 0)
    edges = sp.coo_matrix(
        (np.ones(rows.size * n_choices), (np.repeat(rows, n_choices), nxt[rows, xs].ravel())),
        shape=(n, n),
    ).tocsr()
    reach = csgraph.breadth_first_order(edges, start, directed=True, return_predecessors=False)
    if not np.any(e[reach] > 0):
        return 0.0
    choice = np.zeros(n, dtype=np.int64)
    f = np.zeros(n)
    while True:  # each round strictly improves some state's value: finitely many rounds
        p = sp.coo_matrix((go[rows, xs], (rows, nxt[rows, xs, choice[rows]])), shape=(n, n))
        p = p.tocsr()
        # states that can fail under this choice: backwards from the failing ones
        can = np.zeros(n, dtype=bool)
        back = p.T.tocsr()
        for s in np.flatnonzero(e > 0):
            if not can[s]:
                order = csgraph.breadth_first_order(back, int(s), return_predecessors=False)
                can[order] = True
        idx = np.flatnonzero(can)
        f = np.zeros(n)
        lhs = (sp.identity(idx.size, format="csc") - p[idx][:, idx]).tocsc()
        f[idx] = np.atleast_1d(spsolve(lhs, e[idx]))
        # g[s, j]: the value of choosing j in s, then following the current choices
        g = e[:, None] + np.einsum("sx,sxj->sj", go, f[nxt])
        current = g[np.arange(n), choice]
        better = g.max(axis=1) > current + 1e-12
        if not better.any():
            break
        choice[better] = g[better].argmax(axis=1)
    return float(f[start])


def _nice(m: StateMachine) -> float:
    """P(never exploiting) against the worst partner that never exploits (see module doc)."""
    exploit = _exploits(m.n_actions)
    partner = np.flatnonzero(~exploit)
    fail = np.broadcast_to(exploit, m.policy.shape)
    nxt = m.transition[:, :, partner]
    return 1.0 - _max_failure(m.policy, fail, nxt, m.initial_state)


def niceness(character: str | Character, *, game: Game | None = None) -> float:
    """The trait ``niceness`` alone: the probability of never exploiting first, against the worst
    partner that never exploits (see the module docstring).

    The catalogue's ``nice`` tag is exactly ``niceness == 1`` (a test checks every row).

    Examples
    --------
    >>> niceness("tit-for-tat"), niceness("guarded"), niceness("exploiter"), niceness("critic")
    (1.0, 1.0, 0.0, 0.0)
    """
    ch = get_character(character)
    k = game_for([ch], game).n_actions
    return round(_nice(ch.machine.for_game(k)), 12)


def _honest(m: StateMachine) -> float:
    """P(never exploiting an unconditional cooperator at or after a turn in which it opened).

    The character's states are doubled by a flag "has opened"; exploiting fails when the flag is
    set or the same action opens.
    """
    n, k = m.policy.shape
    exploit, opens = _exploits(k), _opens(k)
    policy = np.vstack([m.policy, m.policy])
    flag = np.repeat(np.array([False, True]), n)
    fail = exploit[None, :] & (flag[:, None] | opens[None, :])
    after = m.transition[:, :, 0]  # the partner cooperates: action 0
    nxt = np.vstack([after + n * opens[None, :], after + n])[:, :, None]
    return 1.0 - _max_failure(policy, fail, nxt, m.initial_state)


def _largest_fall(chain: ProductChain) -> float:
    """The largest fall in A's probability of cooperating (action 0) between a turn and a later
    one, over :data:`CONSISTENCY_TURNS` turns and the long run."""
    m = chain.matrix()
    mt = m.T.tocsr()
    coop = chain.executed()[:, 0, :].sum(axis=1)
    p = _start(chain)
    best, fall = 0.0, 0.0
    for _ in range(CONSISTENCY_TURNS):
        c = float(coop @ p)
        best = max(best, c)
        fall = max(fall, best - c)
        p = mt @ p
    lr = float(long_run_distribution(m, _start(chain)).distribution @ coop)
    return max(fall, best - lr)


def _support_rate(me: StateMachine, partner_action: int) -> float:
    """Long-run probability that A answers with support a partner who always plays one action."""
    k = me.n_actions
    chain = product_chain(me, _steady(partner_action, k))
    lr = long_run_distribution(chain.matrix(), _start(chain)).distribution
    supports = chain.executed()[:, _supports(k), :].sum(axis=(1, 2))
    return float(lr @ supports)


def _start(chain: ProductChain) -> np.ndarray:
    p = np.zeros(chain.n_states)
    p[0] = 1.0
    return p


def _ratio(num: float, den: float) -> float:
    return float(np.clip(num / den, 0.0, 1.0)) if den > 1e-12 else 0.0


def _probe(chain: ProductChain, *, force_a: int | None, force_b: int | None) -> dict[str, Any]:
    """Play to PROBE_TURN, then one turn with and one without the forced action, and follow both."""
    m = chain.matrix()
    mt = m.T.tocsr()
    forced_t = chain.matrix(force_a=force_a, force_b=force_b).T.tocsr()
    ex = chain.executed()
    coop_a = ex[:, 0, :].sum(axis=1)
    mutual = ex[:, 0, 0]
    p = _start(chain)
    for _ in range(PROBE_TURN):
        p = mt @ p
    base, probe = mt @ p, forced_t @ p
    extra = 0.0
    first = (coop_a @ base) - (coop_a @ probe)
    for _ in range(HORIZON):
        extra += (coop_a @ base) - (coop_a @ probe)
        base, probe = mt @ base, mt @ probe
    lr_base = long_run_distribution(m, base).distribution
    lr_probe = long_run_distribution(m, probe).distribution
    return {
        "first": float(first),
        "extra": float(extra),
        "coop_base": float(lr_base @ coop_a),
        "coop_probe": float(lr_probe @ coop_a),
        "mutual_base": float(lr_base @ mutual),
        "mutual_probe": float(lr_probe @ mutual),
    }


def trait_profile(
    character: str | Character, *, game: Game | None = None, noise: float = 0.05
) -> TraitProfile:
    """Measure a character's traits by exact probes (definitions in the module docstring).

    Parameters
    ----------
    character : str or Character
        Any catalogue name, alias, family spec or user character (two actions, or the
        vulnerability exchange's six).
    game : Game, optional
        Default: the prisoner's dilemma, or the vulnerability exchange for six-action
        characters.
    noise : float
        Execution noise of the ``noise_tolerance`` probe.

    Examples
    --------
    >>> t = trait_profile("tit-for-tat").traits
    >>> t["niceness"], t["retaliation"], t["forgiveness"], t["forgiveness_speed"], t["contrition"]
    (1.0, 1.0, 1.0, 0.5, 0.0)
    >>> trait_profile("grudger").traits["forgiveness"]
    0.0
    """
    ch = get_character(character)
    noise = check_probability(noise, "noise")
    g = game_for([ch], game)
    k = g.n_actions
    pay = g.payoffs
    d = k - 1
    r_, s_, t_, p_ = pay[0, 0], pay[0, d], pay[d, 0], pay[d, d]
    me = ch.machine.for_game(k)
    allc, alld = _steady(0, k), _steady(d, k)
    tft = _copycat(k)

    single = _probe(product_chain(me, allc), force_a=None, force_b=d)
    slip = _probe(product_chain(me, tft), force_a=d, force_b=None)

    exploiters = ["always-defect"]
    if k in (2, N_EXCHANGE_ACTIONS):
        exploiters += list(_EXPLOITERS[1:]) + (["con-artist"] if k == N_EXCHANGE_ACTIONS else [])
    alld_char = Character("always-defect", "", alld)
    vs = {}
    for name in exploiters:
        partner = alld_char if name == "always-defect" else get_character(name)
        vs[name] = long_run_payoffs(ch, partner, game=g).scores_per_turn
    exploiter_payoff = float(vs["always-defect"][1])
    mean_vs = float(np.mean([v[0] for v in vs.values()]))
    self_noisy = float(long_run_payoffs(ch, ch, game=g, noise=noise).scores_per_turn[0])

    forgiveness = _ratio(single["coop_probe"], single["coop_base"])
    fall = _largest_fall(product_chain(me, allc))
    openers = [OPEN_SUPPORT, OPEN_WITHHOLD] if k == N_EXCHANGE_ACTIONS else [0]
    support = {a: _support_rate(me, a) for a in openers}
    traits = {
        "niceness": _nice(me),
        "retaliation": float(np.clip(single["first"], 0.0, 1.0)),
        "forgiveness": forgiveness,
        "forgiveness_speed": forgiveness / (1.0 + max(single["extra"], 0.0)),
        "contrition": _ratio(slip["mutual_probe"], slip["mutual_base"]),
        "exploitability": _ratio(exploiter_payoff - p_, t_ - p_),
        "against_exploiters": _ratio(mean_vs - s_, r_ - s_),
        "noise_tolerance": _ratio(self_noisy - p_, r_ - p_),
        "consistency": 1.0 - fall,
        "honesty": _honest(me),
        "responsiveness": float(np.mean(list(support.values()))),
    }
    traits = {key: round(v, 12) for key, v in traits.items()}
    measures = {
        "extra_defections": single["extra"],
        "exploiter_payoff": exploiter_payoff,
        "payoff_vs_exploiters": mean_vs,
        **{f"payoff_vs_{n.replace('-', '_')}": float(v[0]) for n, v in vs.items()},
        "self_payoff_noisy": self_noisy,
        "largest_fall_in_cooperation": fall,
        **{f"support_vs_{_PROBE_NAMES.get((k, a), 'cooperator')}": v for a, v in support.items()},
        "probe_turn": float(PROBE_TURN),
    }
    return TraitProfile(ch.name, g, noise, traits, measures)
