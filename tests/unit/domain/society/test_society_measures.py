"""The needs and loneliness of DESIGN §4 on hand-built histories, and the kernel's running counts
against those definitions on a small noisy society."""

from __future__ import annotations

import numpy as np
import pytest

from trustlab.domain.actions import (
    GUARDED_EXPLOIT as GE,
)
from trustlab.domain.actions import (
    GUARDED_SUPPORT as GS,
)
from trustlab.domain.actions import (
    GUARDED_WITHHOLD as GW,
)
from trustlab.domain.actions import (
    OPEN_EXPLOIT as OE,
)
from trustlab.domain.actions import (
    OPEN_SUPPORT as OS,
)
from trustlab.domain.actions import (
    OPEN_WITHHOLD as OW,
)
from trustlab.domain.actions import is_open, is_support
from trustlab.domain.society import SocietyConfig, Turn, needs_of, run_society
from trustlab.domain.society import reference as R
from trustlab.domain.society import simulation as S
from trustlab.domain.society.measures import Mark, enabling, reciprocity
from trustlab.domain.society.measures import record as _record
from trustlab.kernel import society as K


def t(partner: int, mine: int, theirs: int, intended: int | None = None, **kw: bool) -> Turn:
    return Turn(partner, mine if intended is None else intended, mine, theirs, **kw)


def test_reassurance_counts_open_turns_answered_with_support() -> None:
    h = [[t(1, OS, OS), t(2, OS, GS), t(3, OS, GE)], [t(1, GS, OS)]]
    n = needs_of(h)
    assert (n.open_turns, n.reassured, n.exploited) == (3, 2, 1)


def test_withholding_is_disappointment_not_exploitation() -> None:
    h = [[t(1, OS, GW), t(2, OS, OW), t(3, OS, GE), t(4, GW, OS), t(5, GE, OS), t(6, GW, GS)]]
    n = needs_of(h)
    assert (n.open_turns, n.reassured, n.withheld, n.exploited) == (3, 0, 2, 1)
    assert (n.withheld_from, n.committed) == (1, 1)  # my GW and GE to the open partners 4, 5
    # disappointment alone does not call for consolation (only exploitation hurts)
    h2 = [[t(1, OS, GW)], [t(1, OS, OS)]]
    assert needs_of(h2).consolation_opportunities == 0


def test_exploitation_committed_is_exploiting_an_open_partner() -> None:
    h = [[t(1, GE, OS), t(2, GE, GS), t(3, OE, OE)]]
    n = needs_of(h)
    # exploiting someone who stays guarded commits nothing; OE vs OE exploits an open partner
    assert n.committed == 2
    assert n.exploited == 1  # my own OE was open and answered by exploitation


def test_acceptance_after_a_mistake_answered_with_support() -> None:
    h = [[t(1, GE, OS, intended=OS)], [t(1, OS, GS)]]
    n = needs_of(h)
    assert (n.acceptance_opportunities, n.accepted) == (1, 1)


def test_acceptance_fails_when_the_partner_answers_with_exploitation() -> None:
    h = [[t(1, GE, OS, intended=OS)], [t(1, OS, GE)]]
    n = needs_of(h)
    assert (n.acceptance_opportunities, n.accepted) == (1, 0)


def test_acceptance_fails_when_the_partner_leaves_after_my_mistake() -> None:
    h = [[t(1, GE, OS, intended=OS, partner_left=True, ended=True)], [t(2, OS, OS)]]
    n = needs_of(h)
    assert (n.acceptance_opportunities, n.accepted) == (1, 0)


def test_a_chance_ending_leaves_acceptance_open() -> None:
    h = [[t(1, GE, OS, intended=OS, ended=True)], [t(2, OS, OS)]]
    assert needs_of(h).acceptance_opportunities == 0


def test_no_mistake_no_acceptance_question() -> None:
    h = [[t(1, OS, GE)], [t(1, OS, GE)]]
    assert needs_of(h).acceptance_opportunities == 0


def test_consolation_is_the_next_round_i_open_again() -> None:
    h = [
        [t(1, OS, GE)],  # exploited
        [t(2, GS, OS)],  # guarded: not yet a consolation opportunity
        [t(2, OS, GE), t(3, OS, OS)],  # opened: supported once -> consoled; exploited again
        [t(3, OS, GE)],  # opened after the new exploitation, not supported
        [t(3, OS, OS)],  # opened again: consoled
    ]
    n = needs_of(h)
    assert (n.consolation_opportunities, n.consoled) == (3, 2)


def test_loneliness_counts_recent_open_and_supported_turns() -> None:
    h = [[t(1, OS, OS), t(2, GS, OS)], [t(1, OS, GE), t(2, OS, OS)]]
    assert needs_of(h).loneliness == pytest.approx(1 - 2 / 4)
    # with a memory of one round only the last round counts
    assert needs_of(h, memory=1).loneliness == pytest.approx(1 - 1 / 2)


def test_never_opening_and_never_playing_are_lonely() -> None:
    assert needs_of([[t(1, GS, OS), t(2, GS, OS)]]).loneliness == 1.0
    assert needs_of([[], []]).loneliness == 1.0


def test_two_action_games_read_c_as_open_and_support() -> None:
    h = [[t(1, 0, 0), t(2, 0, 1), t(3, 1, 0)]]
    n = needs_of(h, opens=lambda a: a == 0, answer=lambda a: 0 if a == 0 else 2)
    assert (n.open_turns, n.reassured, n.exploited, n.committed) == (2, 1, 1, 1)


def record_of(st: S.SocietyState, cfg: SocietyConfig) -> dict:
    return _record(st, cfg, Mark.of(st))


def _histories(config: SocietyConfig, seed: int, rounds: int) -> tuple[S.SocietyState, list]:
    """Run the reference phase by phase, writing down every agent's turns before partings."""
    prep = S.prepare(config)
    st = S.new_state(config, seed, prep)
    hist: list[list[list[Turn]]] = [[] for _ in range(config.n_agents)]
    for rnd in range(rounds):
        R._seek(st, prep, config, rnd)
        R._play(st, prep, config, rnd)
        R._tally(st, prep, config, rnd)
        for i in range(config.n_agents):
            turns = []
            for s in R._slots(st, i):
                e = int(st.rel[i, s, K.ENDING])
                turns.append(
                    Turn(int(st.rel[i, s, K.PARTNER]), int(st.rel[i, s, K.INTENT]),
                         int(st.rel[i, s, K.ACT]), int(st.rel[i, s, K.PACT]),
                         partner_left=bool(e & 2), ended=e != 0)
                )  # fmt: skip
            hist[i].append(turns)
        R._assess(st, prep, config, rnd)
        st.rounds_done += 1
        R._clear(st)
    return st, hist


def test_kernel_counts_match_the_definitions_on_a_noisy_society() -> None:
    cfg = SocietyConfig(
        "reciprocator:0.3,exploiter:0.2,forgiver:0.2,con-artist:0.1,one-sided:0.1,guarded:0.1",
        n_agents=24, capacity=3, noise=0.15, misread=0.05, churn=0.05, leave_threshold=0.3,
        revision_interval=0, memory=4,
    )  # fmt: skip
    rounds = 25
    _, hist = _histories(cfg, 11, rounds)
    prep = S.prepare(cfg)
    st = S.new_state(cfg, 11, prep)
    for _ in range(rounds):
        S.step(st, cfg, prep)
    checked = withheld = 0
    for i in range(cfg.n_agents):
        n = needs_of(hist[i], memory=cfg.memory)
        row = st.tally[i]
        assert row[K.T_TURNS] == n.turns
        assert row[K.T_OPEN] == n.open_turns
        assert row[K.T_INTIMATE] == n.reassured
        assert row[K.T_EXPLOITED] == n.exploited
        assert row[K.T_COMMITTED] == n.committed
        assert row[K.T_WITHHELD] == n.withheld
        assert row[K.T_WITHHELD_FROM] == n.withheld_from
        withheld += n.withheld
        assert row[K.T_ACC_OPP] == n.acceptance_opportunities
        assert row[K.T_ACC_OK] == n.accepted
        assert row[K.T_CON_OPP] == n.consolation_opportunities
        assert row[K.T_CON_OK] == n.consoled
        assert st.lonely[i] == pytest.approx(n.loneliness)
        checked += n.acceptance_opportunities + n.consolation_opportunities
    assert checked > 10  # the noisy society exercised acceptance and consolation
    assert withheld > 10 and st.tally[:, K.T_EXPLOITED].sum() > 10
    assert np.all((st.lonely >= 0) & (st.lonely <= 1))


def test_reciprocity_balance_on_hand_built_relationships() -> None:
    r = reciprocity(np.array([5, 4, 0, 0, 1]), np.array([5, 0, 3, 0, 3]))
    # balances: 0, 1, 1, (no support: left out), 0.5
    assert r["supported"] == 4
    assert r["mean_abs_imbalance"] == pytest.approx((0 + 1 + 1 + 0.5) / 4)
    assert r["one_sided_share"] == pytest.approx(2 / 4)
    assert reciprocity(np.array([0]), np.array([0]))["mean_abs_imbalance"] is None


def test_kernel_reciprocity_counts_match_the_history() -> None:
    # lasting relationships (no churn, no leaving, no seeking): GIVEN and GOT of each slot
    # count, over the whole run, the supports given to the open partner and received when open
    cfg = SocietyConfig(
        "reciprocator:0.3,one-sided:0.2,unconditional-giver:0.2,exploiter:0.1,guarded:0.2",
        n_agents=24, capacity=3, noise=0.1, leave_threshold=0.0, partner_choice="none",
        revision_interval=0,
    )  # fmt: skip
    st, hist = _histories(cfg, 4, 20)
    one_sided = 0
    for i in range(cfg.n_agents):
        for s in R._slots(st, i):
            j = int(st.rel[i, s, K.PARTNER])
            turns = [tn for rnd in hist[i] for tn in rnd if tn.partner == j]
            given = sum(is_open(tn.partner_executed) and is_support(tn.executed) for tn in turns)
            got = sum(is_open(tn.executed) and is_support(tn.partner_executed) for tn in turns)
            assert (st.rel[i, s, K.GIVEN], st.rel[i, s, K.GOT]) == (given, got)
            t = int(st.rel[i, s, K.PSLOT])
            assert st.rel[j, t, K.GOT] == given  # the partner's view is the mirror
            one_sided += (given + got > 0) and min(given, got) == 0
    rec = record_of(st, cfg)["reciprocity"]
    assert rec["supported"] > 0 and rec["one_sided_share"] > 0  # givers to one-sided partners
    assert rec["one_sided_share"] * rec["supported"] == pytest.approx(one_sided / 2)


def test_enabling_splits_payoff_by_giver_partners() -> None:
    # exploiters earn t = 3 in every turn with an unconditional giver (it always opens and is
    # always exploited); with reciprocators they earn 3 once, then 0 (guarded + support)
    cfg = SocietyConfig("exploiter:0.3,unconditional-giver:0.3,reciprocator:0.4", n_agents=200,
                        capacity=4, rounds=40, revision_interval=0, leave_threshold=0.0,
                        partner_choice="none")  # fmt: skip
    r = run_society(cfg, seed=2)
    e = r.final["enabling"]
    assert e["givers"] == ["unconditional-giver"]
    assert e["with_givers"]["exploiter"] == pytest.approx(3.0)
    assert e["with_others"]["exploiter"] < 0.5
    assert e["turns_with_givers"]["exploiter"] > 0
    st = r.state
    # per agent: the split adds up, and only turns with givers are counted as such
    assert st.pay_giver.sum() == pytest.approx(st.char_pay_giver.sum())
    without = run_society(cfg.with_(population="exploiter:0.5,reciprocator:0.5"), seed=2)
    assert without.final["enabling"] is None  # no givers: nothing to report for them
    assert without.state.tally[:, K.T_GIVER_TURNS].sum() == 0
    assert not without.state.pay_giver.any()


def test_enabling_from_totals() -> None:
    names = ["exploiter", "unconditional-giver"]
    e = enabling(np.array([10.0, 6.0]), np.array([10, 6]), np.array([8.0, 0.0]),
                 np.array([2, 0]), names, names[1:])  # fmt: skip
    assert e is not None
    assert e["with_givers"] == {"exploiter": 4.0, "unconditional-giver": None}
    assert e["with_others"] == {"exploiter": 0.25, "unconditional-giver": 1.0}
    assert enabling(np.zeros(1), np.ones(1), np.zeros(1), np.zeros(1), ["x"], []) is None
