"""Invariants of the society that must hold whatever the seed."""

from __future__ import annotations

import numpy as np
import pytest

from trustlab import SocietyConfig, run_society
from trustlab.domain.society import simulation as S
from trustlab.kernel import society as K


@pytest.mark.parametrize("choice", ["none", "random", "friends"])
def test_an_all_guarded_society_is_fully_lonely_and_never_exploited(choice: str) -> None:
    cfg = SocietyConfig("guarded:1", n_agents=200, capacity=4, rounds=30, partner_choice=choice,
                        noise=0.0, churn=0.05)  # fmt: skip
    r = run_society(cfg, seed=3)
    assert all(h["loneliness"] == 1.0 for h in r.history)
    assert all(h["open_rate"] == 0.0 and h["exploitation_rate"] == 0.0 for h in r.history)
    assert r.state.tally[:, K.T_EXPLOITED].sum() == 0
    assert r.state.tally[:, K.T_TURNS].sum() > 0


@pytest.mark.parametrize("choice", ["none", "random", "friends"])
def test_an_all_reciprocator_society_is_never_lonely_after_its_first_round(choice: str) -> None:
    # without partner choice nobody replaces a partner lost by chance: no churn there
    churn = 0.0 if choice == "none" else 0.05
    cfg = SocietyConfig("reciprocator:1", n_agents=200, capacity=4, rounds=30,
                        partner_choice=choice, churn=churn, memory=5)  # fmt: skip
    prep = S.prepare(cfg)
    st = S.new_state(cfg, 4, prep)
    for _ in range(cfg.rounds):
        S.step(st, cfg, prep)
        played = st.win_turns.sum(axis=1) > 0
        assert played.mean() > 0.95
        # everyone who played a turn was open and supported in all of them
        assert np.all(st.lonely[played] == 0.0)
    assert st.tally[:, K.T_INTIMATE].sum() == st.tally[:, K.T_TURNS].sum()


def _min_withholds(cfg: SocietyConfig) -> int:
    """Fewest withholdings, with no exploitation, after which a side can leave: trust starts at
    a0 / (a0 + b0), alpha never falls below a0 and each withholding adds at most d to beta
    (forgetting only shrinks what was added), so leaving after W of them needs
    a0 / (a0 + b0 + d·W) < threshold, i.e. W > (a0 (1 − θ) / θ − b0) / d."""
    a0, b0 = cfg.trust_prior
    bound = (a0 * (1 - cfg.leave_threshold) / cfg.leave_threshold - b0) / cfg.disappointment_weight
    return int(np.floor(bound)) + 1


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_leaving_needs_exploitation_when_disappointment_weighs_little(seed: int) -> None:
    # Leaving needs exploitation or repeated disappointment. With a disappointment weight so
    # small that 60 rounds of withholding cannot bring trust below the threshold, every agent
    # who left someone was exploited (noise and misreading are zero: what is seen is done).
    cfg = SocietyConfig(
        "reciprocator:0.3,guarded:0.2,exploiter:0.2,con-artist:0.1,forgiver:0.1,"
        "kind-at-a-distance:0.1",
        n_agents=300, capacity=4, rounds=60, leave_threshold=0.4, partner_choice="friends",
        disappointment_weight=0.005,
    )  # fmt: skip
    assert _min_withholds(cfg) > cfg.rounds
    r = run_society(cfg, seed=seed)
    left = r.state.tally[:, K.T_LEFT]
    exploited = r.state.tally[:, K.T_EXPLOITED]
    assert left.sum() > 0  # exploiters and con artists were left
    assert r.state.tally[:, K.T_WITHHELD].sum() > 0  # the guarded did disappoint openers
    assert np.all(exploited[left > 0] > 0)
    assert np.all(left <= exploited)  # each left relationship holds an exploitation of mine
    # without anyone who exploits, nobody ever leaves
    kind = cfg.with_(population="reciprocator:0.4,guarded:0.3,forgiver:0.3")
    assert run_society(kind, seed=seed).state.tally[:, K.T_LEFT].sum() == 0


@pytest.mark.parametrize(("weight", "seed"), [(1.0, 1), (1.0, 2), (0.3, 1), (0.3, 2)])
def test_repeated_disappointment_alone_makes_people_leave(weight: float, seed: int) -> None:
    # Nobody exploits, the guarded withhold: every left relationship needs at least
    # _min_withholds disappointments (1 at weight 1, 2 at weight 0.3: then reciprocators, who
    # open once to a guarded partner, stay; forgivers, who open twice, leave).
    cfg = SocietyConfig(
        "reciprocator:0.3,forgiver:0.3,guarded:0.4", n_agents=300, capacity=4, rounds=60,
        leave_threshold=0.4, partner_choice="friends", disappointment_weight=weight,
        revision_interval=0,
    )  # fmt: skip
    w_min = _min_withholds(cfg)
    assert w_min == (1 if weight == 1.0 else 2)
    st = run_society(cfg, seed=seed).state
    left, withheld = st.tally[:, K.T_LEFT], st.tally[:, K.T_WITHHELD]
    assert st.tally[:, K.T_EXPLOITED].sum() == 0
    assert left.sum() > 0
    assert np.all(left <= withheld // w_min)
    recip = st.char == 0  # characters never change here (no revision)
    if w_min == 2:  # a reciprocator opens once to a guarded partner, then waits: it stays
        assert left[recip].sum() == 0
    else:
        assert left[recip].sum() > 0
    # and without disappointment weighing at all, nobody leaves
    none = run_society(cfg.with_(disappointment_weight=0.0), seed=seed).state
    assert none.tally[:, K.T_LEFT].sum() == 0


def test_relationships_are_symmetric_and_within_capacity() -> None:
    cfg = SocietyConfig("reciprocator:0.5,exploiter:0.5", n_agents=150, capacity=5, rounds=40,
                        churn=0.1, noise=0.1, partner_choice="friends")  # fmt: skip
    st = run_society(cfg, seed=8).state
    rel = st.rel
    for i in range(150):
        for s in range(5):
            j = rel[i, s, K.PARTNER]
            if j >= 0:
                t = rel[i, s, K.PSLOT]
                assert rel[j, t, K.PARTNER] == i and rel[j, t, K.PSLOT] == s
    assert np.array_equal(st.degree, (rel[:, :, K.PARTNER] >= 0).sum(axis=1))
    partners = rel[:, :, K.PARTNER]
    assert all(len(set(row[row >= 0])) == (row >= 0).sum() for row in partners)
    assert np.all(partners != np.arange(150)[:, None])


def test_history_keys_are_the_contract() -> None:
    cfg = SocietyConfig("reciprocator:0.5,guarded:0.5", n_agents=50, capacity=3, rounds=10)
    d = run_society(cfg, seed=1).to_dict()
    for h in d["history"]:
        assert {"round", "open_rate", "loneliness", "exploitation_rate", "relationships",
                "frequencies"} <= set(h)  # fmt: skip
        assert sum(h["frequencies"].values()) == pytest.approx(1.0)
    assert [h["round"] for h in d["history"]] == list(range(1, 11))
    assert "by_character" in d["final"] and d["seed"] == 1


def test_per_character_figures_credit_what_agents_did_as_that_character() -> None:
    cfg = SocietyConfig("reciprocator:0.4,exploiter:0.3,guarded:0.3", n_agents=200, capacity=4,
                        rounds=40, revision_interval=5, revision_rate=0.8, noise=0.05)  # fmt: skip
    r = run_society(cfg, seed=12)
    st = r.state
    assert not np.array_equal(st.char, S.new_state(cfg, 12).char)  # characters did change
    np.testing.assert_array_equal(st.char_tally.sum(axis=0), st.tally.sum(axis=0))
    assert st.char_payoff.sum() == pytest.approx(st.payoff_total.sum())
    assert st.char_rounds.sum() == 200 * 40
    rows = {row["character"]: row for row in r.final["by_character"]}
    # guarded agents never open and exploiters never support an opener: while they were so
    assert rows["guarded"]["open_rate"] < 0.06  # only noise opens them
    assert (
        rows["exploiter"]["exploitation_committed"] > rows["reciprocator"]["exploitation_committed"]
    )
