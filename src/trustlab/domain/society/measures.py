"""The essay's measures (DESIGN.md §4): needs, loneliness, exploitation, and society-wide series.

Definitions, per agent, from its own interaction history (a turn is one round of one
relationship):

* **reassurance** — a turn in which I opened and my partner supported me (rate: per open turn);
* **acceptance** — after a mistake of mine (I executed an action I did not intend), my partner did
  not leave and its next answer to me was support (rate: per mistake whose answer is known — a
  relationship that ends by chance, or a run that ends, leaves the question open);
* **consolation** — after someone exploited me, the next round in which I opened I was supported
  at least once (rate: per such next round);
* **loneliness** — 1 − (turns in which I opened and was supported) / (turns played), over the
  last ``memory`` rounds; 1 when I played no turn (never opening counts as lonely: distance is
  the opposite of intimacy);
* **exploitation suffered / committed** — turns in which I opened and was exploited / in which
  my partner opened and I exploited it;
* **disappointment suffered / withholding done** — turns in which I opened and my partner
  withheld (neither supported nor exploited me) / in which my partner opened and I withheld.
  Support, withholding and exploitation are the three answers to openness, counted apart.

Per relationship, its **reciprocity balance**: the supports I gave my partner when it opened
against those I received when I opened, over the relationship's life (:func:`reciprocity`).
And the **enabling** measure: what each character earns per turn with unconditional givers
(characters that open and support whatever happens) against with everyone else
(:func:`enabling`) — how much the givers feed exploiters.

:func:`needs_of` computes them from a hand-written history (the definitions, tested on small
cases); the kernel (:func:`trustlab.kernel.society.tally_agents`) computes the same running
counts for every agent at once; :func:`record` turns the counts into one history entry.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from trustlab.domain.actions import answer as _ve_answer
from trustlab.domain.actions import is_open as _ve_open
from trustlab.domain.society.agents import giver_mask
from trustlab.domain.society.state import SocietyState
from trustlab.kernel import society as K

if TYPE_CHECKING:
    from trustlab.domain.society.config import SocietyConfig

__all__ = [
    "Mark",
    "Needs",
    "Turn",
    "assortment",
    "enabling",
    "final",
    "needs_of",
    "reciprocity",
    "record",
]


@dataclass(frozen=True)
class Turn:
    """One turn of one relationship, from one agent's side (actions in the game's order)."""

    partner: int
    intended: int
    executed: int
    partner_executed: int
    partner_left: bool = False  # my partner left this relationship at the end of this round
    ended: bool = False  # the relationship ended at the end of this round (for any reason)


@dataclass(frozen=True)
class Needs:
    """Counts of needs met and their opportunities, and loneliness at the end."""

    open_turns: int
    reassured: int
    acceptance_opportunities: int
    accepted: int
    consolation_opportunities: int
    consoled: int
    exploited: int
    committed: int
    turns: int
    loneliness: float
    withheld: int = 0  # I opened and my partner withheld
    withheld_from: int = 0  # my partner opened and I withheld


def needs_of(
    rounds: Sequence[Sequence[Turn]],
    *,
    memory: int = 10,
    opens: Callable[[int], bool] = _ve_open,
    answer: Callable[[int], int] = _ve_answer,
) -> Needs:
    """The needs of one agent from its history: ``rounds[r]`` lists its turns in round r.

    ``opens(action)`` says whether an action opens, ``answer(action)`` how it answers openness
    (0 support, 1 withhold, 2 exploit); the defaults read the vulnerability exchange.

    Examples
    --------
    >>> from trustlab.domain.actions import OPEN_SUPPORT, GUARDED_EXPLOIT, GUARDED_WITHHOLD
    >>> h = [[Turn(1, OPEN_SUPPORT, OPEN_SUPPORT, GUARDED_EXPLOIT)],
    ...      [Turn(1, OPEN_SUPPORT, OPEN_SUPPORT, OPEN_SUPPORT),
    ...       Turn(2, OPEN_SUPPORT, OPEN_SUPPORT, GUARDED_WITHHOLD)]]
    >>> n = needs_of(h)
    >>> (n.reassured, n.exploited, n.withheld, n.consoled, n.loneliness)
    (1, 1, 1, 1, 0.6666666666666667)
    """
    open_turns = reassured = acc_opp = accepted = con_opp = consoled = 0
    exploited = committed = turns = withheld = withheld_from = 0
    pending: dict[int, bool] = {}  # partner -> my last action to them was a mistake
    hurt = False
    window: list[tuple[int, int]] = []
    for turns_now in rounds:
        opened = intimate = hit = 0
        for tn in turns_now:
            turns += 1
            theirs = answer(tn.partner_executed)
            if opens(tn.executed):
                opened += 1
                if theirs == 0:
                    intimate += 1
                elif theirs == 2:
                    hit += 1
                else:
                    withheld += 1
            if opens(tn.partner_executed):
                committed += answer(tn.executed) == 2
                withheld_from += answer(tn.executed) == 1
            if pending.pop(tn.partner, False):
                acc_opp += 1
                accepted += theirs == 0
            slipped = tn.intended != tn.executed
            if tn.ended:
                if slipped and tn.partner_left:
                    acc_opp += 1
            elif slipped:
                pending[tn.partner] = True
        if hurt and opened:
            con_opp += 1
            consoled += intimate > 0
            hurt = False
        if hit:
            hurt = True
        open_turns += opened
        reassured += intimate
        exploited += hit
        window.append((len(turns_now), intimate))
    recent = window[-memory:]
    t_sum = sum(t for t, _ in recent)
    i_sum = sum(i for _, i in recent)
    lonely = 1.0 if t_sum == 0 else 1.0 - i_sum / t_sum
    return Needs(open_turns, reassured, acc_opp, accepted, con_opp, consoled, exploited,
                 committed, turns, lonely, withheld, withheld_from)  # fmt: skip


@dataclass(frozen=True)
class Mark:
    """The running counts at a record, to take differences over the next interval."""

    rounds_done: int
    tally: np.ndarray
    payoff_total: np.ndarray
    char: np.ndarray

    @staticmethod
    def of(st: SocietyState) -> Mark:
        return Mark(st.rounds_done, st.tally.copy(), st.payoff_total.copy(), st.char.copy())


def _ratio(num: float, den: float) -> float | None:
    return float(num) / float(den) if den > 0 else None


def assortment(x: np.ndarray, y: np.ndarray) -> float | None:
    """Do openers end up with openers: the Pearson correlation, over relationships (both
    directions: one entry per occupied slot), of the two partners' shares of open turns in the
    last round (``x`` the slot owner's, ``y`` its partner's; −1 for an agent that played no
    turn, left out); None when there is no variation.

    Examples
    --------
    >>> x = np.array([1.0, 1.0, 1.0, 0.0, 0.0, 0.0, -1.0])
    >>> y = np.array([1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0])
    >>> round(assortment(x, y), 3)
    0.333
    """
    ok = (x >= 0) & (y >= 0)
    x, y = x[ok], y[ok]
    if x.size < 2 or np.ptp(x) == 0 or np.ptp(y) == 0:  # no variation (cheaper than std)
        return None
    return float(np.corrcoef(x, y)[0, 1])


def reciprocity(given: np.ndarray, got: np.ndarray) -> dict[str, float | int | None]:
    """The reciprocity balance of relationships, one entry per relationship: ``given`` supports
    one side gave the other when it opened, ``got`` those it received when it opened.

    Over the relationships in which support flowed at all, the balance of each is
    (given − got) / (given + got) ∈ [−1, 1]; reported: how many (``supported``), the mean
    absolute balance (0 every support returned, 1 all one way) and the share of one-sided
    relationships (support flowed one way only). None where no support flowed.

    Examples
    --------
    >>> r = reciprocity(np.array([3, 2, 0, 0]), np.array([3, 0, 4, 0]))
    >>> r["supported"], round(r["mean_abs_imbalance"], 3), round(r["one_sided_share"], 3)
    (3, 0.667, 0.667)
    """
    g = np.asarray(given, dtype=np.float64)
    r = np.asarray(got, dtype=np.float64)
    ok = (g + r) > 0
    k = int(ok.sum())
    if k == 0:
        return {"supported": 0, "mean_abs_imbalance": None, "one_sided_share": None}
    g, r = g[ok], r[ok]
    return {
        "supported": k,
        "mean_abs_imbalance": float(np.mean(np.abs(g - r) / (g + r))),
        "one_sided_share": float(np.mean((g == 0) | (r == 0))),
    }


def enabling(
    payoff: np.ndarray,
    turns: np.ndarray,
    payoff_giver: np.ndarray,
    turns_giver: np.ndarray,
    names: Sequence[str],
    givers: Sequence[str],
) -> dict[str, Any] | None:
    """How much unconditional givers feed each character: per character its payoff per turn
    in turns with a giver partner (``with_givers``) and with everyone else (``with_others``),
    from per-character totals. None when the population has no givers.

    Examples
    --------
    >>> e = enabling(np.array([12.0, 4.0]), np.array([6, 4]), np.array([9.0, 4.0]),
    ...              np.array([3, 4]), ["exploiter", "unconditional-giver"],
    ...              ["unconditional-giver"])
    >>> e["with_givers"]["exploiter"], e["with_others"]["exploiter"]
    (3.0, 1.0)
    """
    if not givers:
        return None
    out: dict[str, Any] = {"givers": list(givers), "with_givers": {}, "with_others": {},
                           "turns_with_givers": {}}  # fmt: skip
    for c, nm in enumerate(names):
        out["with_givers"][nm] = _ratio(payoff_giver[c], turns_giver[c])
        out["with_others"][nm] = _ratio(payoff[c] - payoff_giver[c], turns[c] - turns_giver[c])
        out["turns_with_givers"][nm] = int(turns_giver[c])
    return out


def _by_char(values: np.ndarray, char: np.ndarray, n_types: int) -> np.ndarray:
    return np.bincount(char, weights=values, minlength=n_types)


def _reputation_of(st: SocietyState, config: SocietyConfig) -> np.ndarray | None:
    """Per agent its reputation: public (0/1), or the share of observers who see it as good."""
    if config.reputation == "none":
        return None
    if config.private:
        return np.asarray(st.view.mean(axis=0))
    return st.rep.astype(np.float64)


def record(st: SocietyState, config: SocietyConfig, last: Mark) -> dict[str, Any]:
    """One history entry: rates over the rounds since ``last``, states at this round."""
    d = st.tally - last.tally
    tot = d.sum(axis=0)
    names = config.names
    n_types = len(names)
    n = st.char.size
    span = st.rounds_done - last.rounds_done
    counts = np.bincount(st.char, minlength=n_types)
    pay = _by_char(st.payoff_total - last.payoff_total, st.char, n_types)
    # what is read of the slots, in one compiled pass (each field alone would be a strided
    # read of every slot's cache line)
    occupied, age_sum, x_open, y_open, given, got = K.slot_summary(st.rel, st.round_open)
    hist, _ = np.histogram(st.lonely, bins=10, range=(0.0, 1.0))
    rep = _reputation_of(st, config)
    out: dict[str, Any] = {
        "round": st.rounds_done,
        "open_rate": _ratio(tot[K.T_OPEN], tot[K.T_TURNS]) or 0.0,
        "loneliness": float(st.lonely.mean()),
        "loneliness_distribution": (hist / n).tolist(),
        "reassurance_rate": _ratio(tot[K.T_INTIMATE], tot[K.T_OPEN]),
        "acceptance_rate": _ratio(tot[K.T_ACC_OK], tot[K.T_ACC_OPP]),
        "consolation_rate": _ratio(tot[K.T_CON_OK], tot[K.T_CON_OPP]),
        "exploitation_rate": _ratio(tot[K.T_EXPLOITED], tot[K.T_OPEN]) or 0.0,
        "exploitation_per_turn": _ratio(tot[K.T_EXPLOITED], tot[K.T_TURNS]) or 0.0,
        "disappointment_rate": _ratio(tot[K.T_WITHHELD], tot[K.T_OPEN]) or 0.0,
        "relationships": int(occupied // 2),
        "mean_relationship_age": float(age_sum) / occupied if occupied else 0.0,
        "ended": int(tot[K.T_ENDED]),
        "left": int(tot[K.T_LEFT]),
        "mean_lifetime_ended": _ratio(tot[K.T_ENDED_AGE], tot[K.T_ENDED]),
        "assortment": assortment(x_open, y_open),
        "frequencies": {nm: float(c) / n for nm, c in zip(names, counts, strict=True)},
        "payoff_per_round": {
            nm: (float(p) / (int(c) * span) if c and span else None)
            for nm, p, c in zip(names, pay, counts, strict=True)
        },
        "reputation_good": None if rep is None else float(rep.mean()),
        "reciprocity": reciprocity(given, got),
    }
    return out


def final(st: SocietyState, config: SocietyConfig, history: list[dict[str, Any]]) -> dict[str, Any]:
    """The last record, per-character summaries over the whole run, and run totals.

    Per-character figures count what agents did *while* they had that character (counts are
    credited to the character at every revision): ``payoff_per_round`` is per agent-round
    lived as that character; ``agents`` and ``share`` are at the end.
    """
    assert config.game is not None
    names = config.names
    n_types = len(names)
    char = st.char
    counts = np.bincount(char, minlength=n_types)
    ct = st.char_tally.astype(np.float64)
    lonely = _by_char(st.lonely, char, n_types)
    rep = _reputation_of(st, config)
    rep_c = None if rep is None else _by_char(rep, char, n_types)
    by_character = []
    for c, nm in enumerate(names):
        k = int(counts[c])
        by_character.append({
            "character": nm,
            "agents": k,
            "share": k / char.size,
            "payoff_per_round": _ratio(st.char_payoff[c], st.char_rounds[c]),
            "open_rate": _ratio(ct[c, K.T_OPEN], ct[c, K.T_TURNS]),
            "loneliness": float(lonely[c]) / k if k else None,
            "reassurance_rate": _ratio(ct[c, K.T_INTIMATE], ct[c, K.T_OPEN]),
            "exploitation_suffered": _ratio(ct[c, K.T_EXPLOITED], ct[c, K.T_TURNS]),
            "exploitation_committed": _ratio(ct[c, K.T_COMMITTED], ct[c, K.T_TURNS]),
            "disappointment_suffered": _ratio(ct[c, K.T_WITHHELD], ct[c, K.T_TURNS]),
            "withholding_done": _ratio(ct[c, K.T_WITHHELD_FROM], ct[c, K.T_TURNS]),
            "payoff_per_turn": _ratio(st.char_payoff[c], ct[c, K.T_TURNS]),
            "reputation_good": (float(rep_c[c]) / k if k else None) if rep_c is not None else None,
        })  # fmt: skip
    t = st.tally
    tot = t.sum(axis=0)
    out = dict(history[-1]) if history else {}
    out.update({
        "by_character": by_character,
        "totals": {
            "turns": int(tot[K.T_TURNS]),
            "open_rate": _ratio(tot[K.T_OPEN], tot[K.T_TURNS]),
            "reassurance_rate": _ratio(tot[K.T_INTIMATE], tot[K.T_OPEN]),
            "acceptance_rate": _ratio(tot[K.T_ACC_OK], tot[K.T_ACC_OPP]),
            "consolation_rate": _ratio(tot[K.T_CON_OK], tot[K.T_CON_OPP]),
            "exploitation_rate": _ratio(tot[K.T_EXPLOITED], tot[K.T_OPEN]),
            "disappointment_rate": _ratio(tot[K.T_WITHHELD], tot[K.T_OPEN]),
            "mistakes": int(tot[K.T_MISTAKES]),
            "relationships_ended": int(tot[K.T_ENDED]),
            "relationships_left": int(tot[K.T_LEFT]),
            "mean_lifetime_ended": _ratio(tot[K.T_ENDED_AGE], tot[K.T_ENDED]),
            "ended_supported": int(tot[K.T_ENDED_SUPPORTED]),
            "ended_one_sided_share": _ratio(tot[K.T_ENDED_ONE_SIDED], tot[K.T_ENDED_SUPPORTED]),
        },
        "enabling": enabling(
            st.char_payoff, st.char_tally[:, K.T_TURNS], st.char_pay_giver,
            st.char_tally[:, K.T_GIVER_TURNS], names,
            [nm for nm, g in zip(names, giver_mask(config.members, config.game), strict=True)
             if g],
        ),
    })  # fmt: skip
    return out
