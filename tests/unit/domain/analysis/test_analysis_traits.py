"""Trait profiles: the values the definitions imply for characters whose play is known by heart."""

from __future__ import annotations

import math

import numpy as np
import pytest

from trustlab import (
    Character,
    InvalidParameter,
    catalogue,
    compile_rule,
    long_run_payoffs,
    memory_one,
    vulnerability_exchange,
)
from trustlab.domain.actions import (
    EXPLOITS,
    GUARDED_EXPLOIT,
    GUARDED_SUPPORT,
    OPEN_EXPLOIT,
    OPEN_SUPPORT,
    OPEN_WITHHOLD,
)
from trustlab.domain.analysis.traits import TRAIT_NAMES, niceness, trait_profile
from trustlab.domain.characters.machine import StateMachine


def _wsls_self(eps: float) -> float:
    s = (1 - eps) ** 2 + eps**2
    cc = s * (1 - eps) ** 2 + (1 - s) * eps**2
    dd = s * eps**2 + (1 - s) * (1 - eps) ** 2
    return 3 * cc + 5 * eps * (1 - eps) + dd


#: the values each definition gives, worked out by hand from the rules (docs/analysis.md §4).
#: consistency: 1 − the largest fall in cooperation with an unconditional cooperator; honesty:
#: P(never exploiting that cooperator at or after having opened); responsiveness: long-run
#: support of partners who keep opening (in the exchange, averaged over the giver and the
#: one-sided).
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("tit-for-tat", {"niceness": 1, "retaliation": 1, "forgiveness": 1,
                         "forgiveness_speed": 0.5, "contrition": 0, "exploitability": 0,
                         "noise_tolerance": (2.25 - 1) / 2, "consistency": 1, "honesty": 1,
                         "responsiveness": 1}),
        ("always-cooperate", {"niceness": 1, "retaliation": 0, "forgiveness": 1,
                              "forgiveness_speed": 1, "contrition": 1, "exploitability": 1,
                              "consistency": 1, "honesty": 1, "responsiveness": 1}),
        # never cooperates, so never falls and never deceives; answers nobody's openness
        ("always-defect", {"niceness": 0, "retaliation": 0, "forgiveness": 0,
                           "forgiveness_speed": 0, "exploitability": 0,
                           "against_exploiters": 1 / 3, "consistency": 1, "honesty": 1,
                           "responsiveness": 0}),
        ("grudger", {"niceness": 1, "retaliation": 1, "forgiveness": 0, "forgiveness_speed": 0,
                     "contrition": 0, "consistency": 1, "honesty": 1, "responsiveness": 1}),
        ("tit-for-two-tats", {"niceness": 1, "retaliation": 0, "forgiveness": 1,
                              "forgiveness_speed": 1}),
        ("generous-tit-for-tat", {"niceness": 1, "retaliation": 2 / 3, "forgiveness": 1,
                                  "forgiveness_speed": 1 / (1 + 2 / 3), "contrition": 1}),
        ("contrite-tit-for-tat", {"niceness": 1, "retaliation": 1, "contrition": 1}),
        ("win-stay-lose-shift", {"niceness": 1, "exploitability": 0.5,
                                 "noise_tolerance": (_wsls_self(0.05) - 1) / 2,
                                 "consistency": 1, "honesty": 1, "responsiveness": 1}),
        # cooperates with probability 1/2 every turn: the same conduct in expectation, but it
        # will sooner or later defect on a cooperator after cooperating
        ("random", {"niceness": 0, "retaliation": 0, "exploitability": 0.5, "consistency": 1,
                    "honesty": 0, "responsiveness": 0.5}),
        # D then C for ever against a cooperator: rises, never falls, never deceives
        ("suspicious-tit-for-tat", {"niceness": 0, "retaliation": 1, "consistency": 1,
                                    "honesty": 1, "responsiveness": 1}),
        # C, D, C, C, then D for ever against a cooperator
        ("detective", {"niceness": 0, "consistency": 0, "honesty": 0, "responsiveness": 0}),
        ("alternator", {"niceness": 0, "consistency": 0, "honesty": 0, "responsiveness": 0.5}),
        # against a cooperator: cooperation x after CC 8/9, after DC 1/3, so x = 8x/9 + (1-x)/3
        # gives x = 3/4 in the long run, falling from 1 on the first turn
        ("extort-2", {"niceness": 0, "consistency": 0.75, "honesty": 0,
                      "responsiveness": 0.75}),
        # the vulnerability exchange
        ("guarded", {"niceness": 1, "retaliation": 0, "consistency": 1, "honesty": 1,
                     "responsiveness": 0, "exploitability": 0}),
        ("exploiter", {"niceness": 0, "consistency": 1, "honesty": 1, "responsiveness": 0}),
        ("one-sided", {"niceness": 1, "consistency": 1, "honesty": 1, "responsiveness": 0}),
        ("unconditional-giver", {"niceness": 1, "retaliation": 0, "exploitability": 1,
                                 "consistency": 1, "honesty": 1, "responsiveness": 1}),
        ("reciprocator", {"niceness": 1, "retaliation": 1, "forgiveness": 1,
                          "forgiveness_speed": 0.5, "consistency": 1, "honesty": 1,
                          "responsiveness": 1}),
        ("contrite", {"niceness": 1, "contrition": 1, "exploitability": 0, "consistency": 1,
                      "honesty": 1, "responsiveness": 1}),
        ("kind-at-a-distance", {"niceness": 1, "retaliation": 1, "forgiveness": 0,
                                "honesty": 1, "responsiveness": 1}),
        # open + support three turns, then guarded + exploit for ever against the giver
        ("con-artist", {"niceness": 0, "consistency": 0, "honesty": 0, "responsiveness": 0}),
        # exploits whoever withholds (not nice), but never after fooling a giver (honest);
        # supports the giver, exploits the one-sided
        ("critic", {"niceness": 0, "consistency": 1, "honesty": 1, "responsiveness": 0.5}),
        ("fair-weather-friend", {"niceness": 1, "honesty": 1, "responsiveness": 0.5}),
    ],
)  # fmt: skip
def test_known_characters_have_the_traits_their_rules_imply(
    name: str, expected: dict[str, float]
) -> None:
    traits = trait_profile(name).traits
    for key, value in expected.items():
        assert traits[key] == pytest.approx(value, abs=1e-9), key


def test_niceness_is_the_probability_of_never_defecting_first() -> None:
    # cooperates first with probability 0.8, then keeps cooperating after CC: nice with p = 0.8
    shy = Character("shy", "", memory_one(1, 0, 1, 0, 0.8))
    assert trait_profile(shy).traits["niceness"] == pytest.approx(0.8, abs=1e-12)
    # cooperates with probability 0.99 after CC: defects sooner or later
    slips = Character("slips", "", memory_one(0.99, 0, 1, 0, 1))
    assert trait_profile(slips).traits["niceness"] == 0.0


def test_two_action_characters_lifted_into_the_exchange() -> None:
    # a lifted tit-for-tat keeps its reciprocity, but answers withholding (which it sees as D)
    # with guarded + exploit: in the exchange it exploits a partner who never exploited
    tft_ve = trait_profile("tit-for-tat", game=vulnerability_exchange()).traits
    assert tft_ve["retaliation"] == 1 and tft_ve["forgiveness_speed"] == 0.5
    assert tft_ve["niceness"] == 0 and niceness("tit-for-tat") == 1
    assert tft_ve["honesty"] == 1 and tft_ve["responsiveness"] == 0.5


def test_responsiveness_averages_the_support_of_each_opener() -> None:
    fwf = trait_profile("fair-weather-friend").measures
    assert (fwf["support_vs_giver"], fwf["support_vs_one_sided"]) == (1.0, 0.0)
    assert trait_profile("tit-for-tat").measures["support_vs_cooperator"] == 1.0


def test_profile_record_lists_every_trait() -> None:
    prof = trait_profile("reciprocator")
    assert list(prof.traits) == list(TRAIT_NAMES)
    assert len(TRAIT_NAMES) == 11
    assert prof.to_dict()["traits"] == prof.traits
    assert all(math.isfinite(v) for v in prof.measures.values())


def _first_then_exploit(action: int, other: int, p: float) -> Character:
    """Plays ``action`` with probability p on the first turn (else ``other``), then exploits
    (guarded + exploit) for ever."""
    policy = np.zeros((2, 6))
    policy[0, action] += p
    policy[0, other] += 1 - p
    policy[1, GUARDED_EXPLOIT] = 1.0
    return Character("x", "", StateMachine(policy, np.ones((2, 6, 6), dtype=np.int32), 0))


def test_honesty_is_the_probability_of_never_exploiting_after_opening() -> None:
    # opens (and supports) on the first turn with probability 0.3, then exploits: 0.7
    opener = _first_then_exploit(OPEN_SUPPORT, GUARDED_SUPPORT, 0.3)
    assert trait_profile(opener).traits["honesty"] == pytest.approx(0.7, abs=1e-12)
    # open + exploit on the first turn with probability 0.4 is dishonest by construction
    liar = _first_then_exploit(OPEN_EXPLOIT, GUARDED_EXPLOIT, 0.4)
    assert trait_profile(liar).traits["honesty"] == pytest.approx(0.6, abs=1e-12)
    # two actions: cooperates first with probability 0.25, then defects for ever; its
    # cooperation falls by 0.25 from the first turn to the second
    hook = trait_profile(Character("hook", "", memory_one(0, 0, 0, 0, 0.25))).traits
    assert hook["honesty"] == pytest.approx(0.75, abs=1e-12)
    assert hook["consistency"] == pytest.approx(0.75, abs=1e-12)


def _pattern_exploiter(q: float) -> Character:
    """Exploits (with probability q, once) only after the partner played open + support and
    then open + withhold: no steady partner ever sees it exploit, an adaptive one can."""

    def act(mem: tuple[int, int, bool]) -> list[float] | int:
        before, last, done = mem
        if not done and (before, last) == (OPEN_SUPPORT, OPEN_WITHHOLD):
            dist = [0.0] * 6
            dist[GUARDED_EXPLOIT], dist[OPEN_SUPPORT] = q, 1 - q
            return dist
        return OPEN_SUPPORT

    def update(mem: tuple[int, int, bool], mine: int, theirs: int) -> tuple[int, int, bool]:
        before, last, done = mem
        fired = done or (before, last) == (OPEN_SUPPORT, OPEN_WITHHOLD)
        return (last, theirs, fired)

    machine = compile_rule(start=lambda: (-1, -1, False), act=act, update=update, n_actions=6)
    return Character("pattern", "", machine)


def test_niceness_takes_the_worst_partner_that_never_exploits() -> None:
    # only a partner who supports and then withholds triggers it: niceness 1 − q
    for q in (1.0, 0.25):
        assert niceness(_pattern_exploiter(q)) == pytest.approx(1 - q, abs=1e-12)
    # ... which no steady partner finds: against each, it supports for ever
    ch = _pattern_exploiter(1.0)
    for partner in ("unconditional-giver", "one-sided", "guarded", "kind-at-a-distance"):
        joint = long_run_payoffs(ch, partner).joint
        assert joint[GUARDED_EXPLOIT].sum() == 0.0, partner


def _backward_induction_niceness(m: StateMachine, turns: int = 4000) -> float:
    """P(never exploiting within ``turns`` turns) against the worst non-exploiting partner, by
    backward induction: an independent yardstick that converges to niceness from above."""
    safe = np.flatnonzero(~EXPLOITS)
    v = np.ones(m.n_states)
    for _ in range(turns):
        # v'[s] = min over the partner's y of Σ_x policy[s, x] v[T[s, x, y]] (x not exploiting)
        nxt = v[m.transition[:, safe][:, :, safe]]  # (s, x, y)
        v = np.min(np.einsum("sx,sxy->sy", m.policy[:, safe], nxt), axis=1)
    return float(v[m.initial_state])


def test_niceness_agrees_with_backward_induction_on_random_machines() -> None:
    rng = np.random.default_rng(7)
    values = []
    for i in range(40):
        n = 5
        policy = rng.dirichlet(np.ones(6), size=n)
        policy[:, EXPLOITS] *= rng.random((n, 1)) < 0.7  # some states never exploit
        policy[-1, EXPLOITS] = 0.0
        policy[:, OPEN_SUPPORT] += 1.0 - policy.sum(axis=1)
        if i % 2:  # any transitions: an exploiting state in a cycle is a sure failure
            trans = rng.integers(0, n, size=(n, 6, 6))
        else:  # forward only, into a last state that never exploits: values strictly inside
            trans = rng.integers(np.arange(n)[:, None, None] + 1, n + 1, size=(n, 6, 6))
            trans = np.minimum(trans, n - 1)
        m = StateMachine(policy, trans.astype(np.int32), 0)
        exact = niceness(Character("r", "", m))
        assert exact == pytest.approx(_backward_induction_niceness(m), abs=1e-9)
        values.append(exact)
    # the yardstick saw values strictly inside (0, 1), and both ends
    assert any(0 < v < 1 for v in values) and 0.0 in values


def test_bad_noise_is_refused() -> None:
    with pytest.raises(InvalidParameter, match="noise"):
        trait_profile("tit-for-tat", noise=2.0)


@pytest.mark.slow
def test_every_catalogue_profile_including_large_machines() -> None:
    # nice exactly when tagged so (the default run checks niceness alone, in the battery); a
    # deterministic two-action character facing a cooperator falls in cooperation exactly when
    # it deceives (C then D is both), so there honesty and consistency coincide
    for name, ch in catalogue().items():
        prof = trait_profile(ch)
        assert (prof.traits["niceness"] == 1) == ("nice" in ch.tags), name
        if ch.n_actions == 2 and not ch.stochastic:
            assert prof.traits["honesty"] == prof.traits["consistency"], name
        if "nice" in ch.tags:
            assert prof.traits["honesty"] == 1 and prof.traits["consistency"] == 1, name
