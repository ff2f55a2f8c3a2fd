"""The trait profile of a character: the essay's signs of a trustworthy person, measured.

Nothing here is declared by the character; every number comes from playing *probes* (scripted or
simple partners) through the exact product chain of :mod:`trustlab.domain.analysis.markov`, so
stochastic characters get exact expectations, not samples.

Cooperation is action 0 (C; in the vulnerability exchange open + support) and a probe's
*defection* is the last action (D; guarded + exploit). In the vulnerability exchange anything but
open + support counts as not cooperating: exploiting, or withholding openness.

Traits (each in [0, 1], higher means more of it):

``niceness``
    Probability of never being the first to defect, over the whole infinite game against an
    unconditional cooperator.
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

Measures (raw numbers behind the traits) come with the profile: the payoffs, the extra
defections, and which probes were used.

References
----------
Axelrod (1984), *The Evolution of Cooperation* (nice, retaliatory, forgiving, clear). Basic Books.
Boyd (1989), "Mistakes allow evolutionary stability in the repeated prisoner's dilemma game",
J. Theor. Biol. 136:47. doi:10.1016/S0022-5193(89)80188-2
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

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

__all__ = ["PROBE_TURN", "TRAIT_NAMES", "TraitProfile", "trait_profile"]

#: the turn (0-based) of a probe's defection or mistake: after every catalogue opening
PROBE_TURN = 10
#: turns after the probe over which extra defections are counted
HORIZON = 100

TRAIT_NAMES: tuple[str, ...] = (
    "niceness",
    "retaliation",
    "forgiveness",
    "forgiveness_speed",
    "contrition",
    "exploitability",
    "against_exploiters",
    "noise_tolerance",
)

_EXPLOITERS = ("always-defect", "extort-2", "detective")


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
    if k in (2, 4):
        return tit_for_tat().for_game(k)
    trans = np.broadcast_to(np.arange(k)[None, None, :], (k + 1, k, k)) + 1
    policy = np.vstack([np.eye(k)[:1], np.eye(k)])
    return StateMachine(policy, trans.astype(np.int32), 0)


def _never_defects_first(m: StateMachine) -> float:
    """P(never playing anything but action 0) against a partner who always plays action 0.

    Until its first defection the character's path is deterministic, s → transition[s, 0, 0]:
    a lasso. The probability is the product of P(action 0) along it, or 0 if the cycle holds a
    state that defects with positive probability (it then defects sooner or later).
    """
    s, p, seen = m.initial_state, 1.0, set()
    while s not in seen:
        seen.add(s)
        p *= float(m.policy[s, 0])
        s = int(m.transition[s, 0, 0])
    cycle_start, cyc = s, 1.0
    while True:
        cyc *= float(m.policy[s, 0])
        s = int(m.transition[s, 0, 0])
        if s == cycle_start:
            break
    return p if cyc >= 1.0 else 0.0


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
        Any catalogue name, alias, family spec or user character (two or four actions).
    game : Game, optional
        Default: the prisoner's dilemma, or the vulnerability exchange for four-action
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
    if k in (2, 4):
        exploiters += list(_EXPLOITERS[1:]) + (["con-artist"] if k == 4 else [])
    alld_char = Character("always-defect", "", alld)
    vs = {}
    for name in exploiters:
        partner = alld_char if name == "always-defect" else get_character(name)
        vs[name] = long_run_payoffs(ch, partner, game=g).scores_per_turn
    exploiter_payoff = float(vs["always-defect"][1])
    mean_vs = float(np.mean([v[0] for v in vs.values()]))
    self_noisy = float(long_run_payoffs(ch, ch, game=g, noise=noise).scores_per_turn[0])

    forgiveness = _ratio(single["coop_probe"], single["coop_base"])
    traits = {
        "niceness": _never_defects_first(me),
        "retaliation": float(np.clip(single["first"], 0.0, 1.0)),
        "forgiveness": forgiveness,
        "forgiveness_speed": forgiveness / (1.0 + max(single["extra"], 0.0)),
        "contrition": _ratio(slip["mutual_probe"], slip["mutual_base"]),
        "exploitability": _ratio(exploiter_payoff - p_, t_ - p_),
        "against_exploiters": _ratio(mean_vs - s_, r_ - s_),
        "noise_tolerance": _ratio(self_noisy - p_, r_ - p_),
    }
    traits = {key: round(v, 12) for key, v in traits.items()}
    measures = {
        "extra_defections": single["extra"],
        "exploiter_payoff": exploiter_payoff,
        "payoff_vs_exploiters": mean_vs,
        **{f"payoff_vs_{n.replace('-', '_')}": float(v[0]) for n, v in vs.items()},
        "self_payoff_noisy": self_noisy,
        "probe_turn": float(PROBE_TURN),
    }
    return TraitProfile(ch.name, g, noise, traits, measures)
