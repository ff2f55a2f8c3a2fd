"""Trait profiles: the values the definitions imply for characters whose play is known by heart."""

from __future__ import annotations

import math

import pytest

from trustlab import Character, InvalidParameter, catalogue, memory_one, vulnerability_exchange
from trustlab.domain.analysis.traits import TRAIT_NAMES, trait_profile


def _wsls_self(eps: float) -> float:
    s = (1 - eps) ** 2 + eps**2
    cc = s * (1 - eps) ** 2 + (1 - s) * eps**2
    dd = s * eps**2 + (1 - s) * (1 - eps) ** 2
    return 3 * cc + 5 * eps * (1 - eps) + dd


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("tit-for-tat", {"niceness": 1, "retaliation": 1, "forgiveness": 1,
                         "forgiveness_speed": 0.5, "contrition": 0, "exploitability": 0,
                         "noise_tolerance": (2.25 - 1) / 2}),
        ("always-cooperate", {"niceness": 1, "retaliation": 0, "forgiveness": 1,
                              "forgiveness_speed": 1, "contrition": 1, "exploitability": 1}),
        ("always-defect", {"niceness": 0, "retaliation": 0, "forgiveness": 0,
                           "forgiveness_speed": 0, "exploitability": 0,
                           "against_exploiters": 1 / 3}),
        ("grudger", {"niceness": 1, "retaliation": 1, "forgiveness": 0, "forgiveness_speed": 0,
                     "contrition": 0}),
        ("tit-for-two-tats", {"niceness": 1, "retaliation": 0, "forgiveness": 1,
                              "forgiveness_speed": 1}),
        ("generous-tit-for-tat", {"niceness": 1, "retaliation": 2 / 3, "forgiveness": 1,
                                  "forgiveness_speed": 1 / (1 + 2 / 3), "contrition": 1}),
        ("contrite-tit-for-tat", {"niceness": 1, "retaliation": 1, "contrition": 1}),
        ("win-stay-lose-shift", {"niceness": 1, "exploitability": 0.5,
                                 "noise_tolerance": (_wsls_self(0.05) - 1) / 2}),
        ("random", {"niceness": 0, "retaliation": 0, "exploitability": 0.5}),
        ("suspicious-tit-for-tat", {"niceness": 0, "retaliation": 1}),
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


def test_four_action_archetypes() -> None:
    contrite = trait_profile("contrite").traits
    assert contrite["contrition"] == 1 and contrite["niceness"] == 1
    assert contrite["exploitability"] == 0
    giver = trait_profile("unconditional-giver").traits
    assert giver["exploitability"] == 1 and giver["retaliation"] == 0
    exploiter = trait_profile("exploiter").traits
    assert exploiter["niceness"] == 0
    kind = trait_profile("kind-at-a-distance").traits
    assert kind["forgiveness"] == 0 and kind["retaliation"] == 1
    # a two-action character lifted into the exchange keeps its reciprocity
    tft_ve = trait_profile("tit-for-tat", game=vulnerability_exchange()).traits
    assert tft_ve["retaliation"] == 1 and tft_ve["forgiveness_speed"] == 0.5


def test_every_catalogue_character_has_traits_in_the_unit_interval() -> None:
    for name, ch in catalogue().items():
        if ch.machine.n_states > 100:  # large counting machines: covered by the slow run
            continue
        prof = trait_profile(ch)
        assert list(prof.traits) == list(TRAIT_NAMES)
        for key, v in prof.traits.items():
            assert 0.0 <= v <= 1.0, (name, key, v)
        assert all(math.isfinite(v) for v in prof.measures.values())
        assert prof.to_dict()["traits"] == prof.traits


def test_bad_noise_is_refused() -> None:
    with pytest.raises(InvalidParameter, match="noise"):
        trait_profile("tit-for-tat", noise=2.0)


@pytest.mark.slow
def test_every_catalogue_character_including_large_machines() -> None:
    for name, ch in catalogue().items():
        prof = trait_profile(ch)
        assert all(0.0 <= v <= 1.0 for v in prof.traits.values()), name
