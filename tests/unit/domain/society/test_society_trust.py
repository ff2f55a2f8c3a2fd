"""Trust that decides: the Beta tail, the trust-learner's rule, partner choice by trust, the
learning switch; and the three-answer norms."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import betainc

from trustlab.domain.actions import (
    GUARDED_EXPLOIT,
    GUARDED_SUPPORT,
    GUARDED_WITHHOLD,
    OPEN_SUPPORT,
)
from trustlab.domain.errors import GameError, InvalidParameter, SpecError
from trustlab.domain.games import donation, vulnerability_exchange
from trustlab.domain.society import SocietyConfig, get_member, norm_table, run_society
from trustlab.domain.society.agents import answer_kinds, giver_mask, judged_acts
from trustlab.domain.society.reputation import NORM_NAMES, judged_table
from trustlab.kernel import society as K


@pytest.mark.parametrize(
    ("a", "b"),
    [(1.0, 1.0), (4.0, 1.0), (1.0, 4.0), (2.5, 7.25), (50.0, 1.0), (1.0, 50.0), (30.3, 29.9),
     (0.5, 0.5), (1.02, 3.94)],
)  # fmt: skip
def test_beta_tail_matches_scipy(a: float, b: float) -> None:
    assert K.beta_above_half(a, b) == pytest.approx(1.0 - betainc(a, b, 0.5), abs=1e-13)


def test_beta_tail_closed_forms() -> None:
    assert K.beta_above_half(1.0, 1.0) == pytest.approx(0.5, abs=1e-15)
    assert K.beta_above_half(4.0, 1.0) == pytest.approx(1 - 0.5**4, abs=1e-15)  # 1 − x^a
    assert K.beta_above_half(1.0, 3.0) == pytest.approx(0.5**3, abs=1e-15)  # (1 − x)^b


def test_learner_opens_with_its_mean_trust_and_fully_when_certain() -> None:
    us = np.linspace(0.0, 0.999, 1000)

    def share(al: float, be: float, scale: float, cert: float) -> float:
        return float(np.mean([K.learner_opens(al, be, scale, cert, u) for u in us]))

    assert share(1.0, 1.0, 1.0, 0.9) == pytest.approx(0.5, abs=1e-3)  # a stranger: the prior
    assert share(1.0, 4.0, 1.0, 0.9) == pytest.approx(0.2, abs=1e-3)
    assert share(4.0, 1.0, 1.0, 0.95) == pytest.approx(0.8, abs=1e-3)  # 0.9375 < 0.95: not sure
    assert share(4.0, 1.0, 1.0, 0.9) == 1.0  # 0.9375 ≥ 0.9: opens fully
    assert share(1.0, 1.0, 0.6 / 0.5, 1.0) == pytest.approx(0.6, abs=1e-3)  # openness 0.6
    assert share(1.0, 1.0, 1.0, 0.5) == 1.0  # certainty 0.5: a stranger is already enough


def test_trust_learner_specs() -> None:
    m = get_member("trust-learner")
    assert m.learner and m.openness is None and m.certainty == 0.9
    assert get_member("trust-learner:0.8").name == "trust-learner:0.8"
    m2 = get_member("trust-learner:0.6:0.95")
    assert (m2.openness, m2.certainty, m2.name) == (0.6, 0.95, "trust-learner:0.6:0.95")
    assert get_member("trust-learner:0.6,0.95").name == m2.name
    with pytest.raises(SpecError):
        get_member("trust-learner:x")
    with pytest.raises(InvalidParameter):
        get_member("trust-learner:0")
    with pytest.raises(InvalidParameter):
        get_member("trust-learner:1.5:0.9")
    with pytest.raises(GameError):
        SocietyConfig("trust-learner:1", game=donation(), n_agents=10, capacity=2)
    cfg = SocietyConfig("trust-learner:0.6:0.95:0.5,guarded:0.5", n_agents=10, capacity=2)
    assert cfg.names == ["trust-learner:0.6:0.95", "guarded"]


def test_trust_learners_learn_whom_to_open_to() -> None:
    # learners among exploiters and unconditional givers, nobody leaves: with learning they
    # open to givers (who always support) and stop opening to exploiters; without learning they
    # open to everyone at the prior's rate, one half
    base = SocietyConfig(
        "trust-learner:0.4,exploiter:0.3,unconditional-giver:0.3", n_agents=300, capacity=4,
        rounds=60, leave_threshold=0.0, revision_interval=0, partner_choice="none",
    )  # fmt: skip
    on = run_society(base, seed=1)
    off = run_society(base.with_(trust_learning=False), seed=1)
    row_on = on.final["by_character"][0]
    row_off = off.final["by_character"][0]
    # without learning a learner opens with probability 1/2 to everyone: its open rate is a
    # binomial share of 0.5 over many turns (sd < 0.01)
    assert row_off["open_rate"] == pytest.approx(0.5, abs=0.03)
    assert np.all(off.state.relf[:, :, K.ALPHA][off.state.partner >= 0] == 1.0)
    # with learning: exploited far less, and reassured more per open turn
    assert row_on["exploitation_suffered"] < 0.5 * row_off["exploitation_suffered"]
    assert row_on["reassurance_rate"] > row_off["reassurance_rate"] + 0.2
    assert row_on["loneliness"] < row_off["loneliness"]


def test_partner_choice_trusted_asks_the_most_trusted_friend() -> None:
    rel = np.zeros((1, 4, K.N_REL), dtype=np.int32)
    relf = rel.view(np.float32)
    rel[0, :, K.PARTNER] = [-1, 7, 8, 9]
    relf[0, :, K.ALPHA] = [9.0, 2.0, 3.0, 3.0]
    relf[0, :, K.BETA] = [1.0, 1.0, 1.0, 1.0]
    assert K.most_trusted_slot(rel, relf, 0) == 2  # slot 0 is empty; 2 and 3 tie: the first
    relf[0, 1, K.ALPHA] = 30.0
    assert K.most_trusted_slot(rel, relf, 0) == 1
    rel[0, :, K.PARTNER] = -1
    assert K.most_trusted_slot(rel, relf, 0) == -1
    # in a society: churned relationships are replaced through trusted friends
    cfg = SocietyConfig("trust-learner:0.5,reciprocator:0.5", n_agents=100, capacity=4,
                        rounds=30, partner_choice="trusted", openness=0.0, churn=0.05)  # fmt: skip
    st = run_society(cfg, seed=3).state
    assert st.tally[:, K.T_ENDED].sum() > 100  # (about 250 ended)
    none = run_society(cfg.with_(partner_choice="none"), seed=3).state
    assert st.degree.sum() > 2 * none.degree.sum()  # (314 against 98 relationship ends)
    with pytest.raises(Exception, match="partner choice"):
        SocietyConfig("reciprocator:1", n_agents=10, capacity=2, partner_choice="trust")


def test_judged_tables_keep_the_classic_entries_and_exploitation_is_always_bad() -> None:
    for name in NORM_NAMES[1:]:
        t = judged_table(name)
        classic = norm_table(name)
        np.testing.assert_array_equal(t[:, :, 0], classic[:, :, 0])
        np.testing.assert_array_equal(t[:, :, 1], classic[:, :, 1])
        assert np.all(t[:, :, 2] == 0)
    sj = judged_table("stern-judging")
    G, B = 1, 0
    assert sj[G, B, 1] == 1 and sj[G, B, 2] == 0  # withholding from the bad: good; exploiting: bad


def test_action_meanings() -> None:
    ve = vulnerability_exchange()
    assert answer_kinds(ve).tolist() == [0, 1, 2, 0, 1, 2]
    assert judged_acts(ve).tolist() == [0, 1, 2, 1, 1, 2]
    assert judged_acts(donation()).tolist() == [0, 1]  # classic C/D, never "exploitation"
    assert answer_kinds(donation()).tolist() == [0, 2]  # the lift: D is guarded + exploit
    ms = [get_member(n) for n in ("unconditional-giver", "exploiter", "trust-learner")]
    assert giver_mask(ms, ve).tolist() == [True, False, False]


def _judge(norm: str, donor_act: int, recipient_act: int, recipient_good: int) -> int:
    """The public verdict on agent 0's act towards agent 1 (good donor), through the kernel."""
    rel = np.full((2, 1, K.N_REL), 0, dtype=np.int32)
    rel[0, 0, K.PARTNER], rel[1, 0, K.PARTNER] = 1, 0
    rel[0, 0, K.ACT], rel[0, 0, K.PACT] = donor_act, recipient_act
    rel[1, 0, K.ACT], rel[1, 0, K.PACT] = recipient_act, donor_act
    ve = vulnerability_exchange()
    from trustlab.domain.society.agents import action_kinds

    is_open = action_kinds(ve)[0]
    rep_old = np.array([1, recipient_good], dtype=np.int8)
    rep_new = np.empty(2, dtype=np.int8)
    K.assess_public(np.uint64(1), 0, judged_table(norm), 0.0, 0.0, judged_acts(ve), is_open,
                    rel, np.array([1, 1]), rep_old, rep_new)  # fmt: skip
    return int(rep_new[0])


def test_kernel_judges_three_acts() -> None:
    # stern judging, bad recipient: withholding is justified, exploiting an open one is not
    assert _judge("stern-judging", GUARDED_WITHHOLD, OPEN_SUPPORT, 0) == 1
    assert _judge("stern-judging", GUARDED_EXPLOIT, OPEN_SUPPORT, 0) == 0
    # exploiting answer to a recipient who stayed guarded took nothing: judged as withholding
    assert _judge("stern-judging", GUARDED_EXPLOIT, GUARDED_SUPPORT, 0) == 1
    assert _judge("stern-judging", GUARDED_EXPLOIT, GUARDED_SUPPORT, 1) == 0
    # guarded + support is not cooperation (it does not open) but withholding nothing taken
    assert _judge("image-scoring", GUARDED_SUPPORT, OPEN_SUPPORT, 1) == 0
    assert _judge("image-scoring", OPEN_SUPPORT, GUARDED_EXPLOIT, 0) == 1
    for norm in ("simple-standing", "l1", "l8"):
        assert _judge(norm, GUARDED_EXPLOIT, OPEN_SUPPORT, 0) == 0
        assert _judge(norm, GUARDED_WITHHOLD, OPEN_SUPPORT, 0) == 1
