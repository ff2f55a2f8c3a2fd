"""Parametric families given as spec strings wherever a name is accepted, and their errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

from trustlab import (
    GameError,
    InvalidParameter,
    SpecError,
    UnknownName,
    play_match,
    prisoners_dilemma,
    vulnerability_exchange,
)
from trustlab.domain.characters.catalogue import FAMILIES, get_character
from trustlab.domain.characters.machine import play_reference
from trustlab.domain.characters.zero_determinant import (
    generous_probability,
    zero_determinant_vector,
)
from trustlab.interfaces.cli import main


def first_moves(spec: str, partner: str, turns: int) -> str:
    a, b = get_character(spec).machine, get_character(partner).machine
    return "".join("CD"[r.executed[0]] for r in play_reference(a, b, turns))


def test_every_family_is_listed_with_its_form() -> None:
    assert set(FAMILIES) >= {
        "memory-one",
        "reactive",
        "random",
        "tit-for-n-tats",
        "n-tits-for-tat",
        "cycler",
        "zero-determinant",
        "gtft",
    }


@pytest.mark.parametrize(
    ("spec", "name", "depth"),
    [
        ("random:0.25", "random:0.25", 0),
        ("tit-for-n-tats:3", "tit-for-n-tats:3", 3),
        ("tit_for_n_tats:3", "tit-for-n-tats:3", 3),
        ("n-tits-for-tat:2", "n-tits-for-tat:2", 2),
        ("cycler:ccd", "cycler:CCD", math.inf),
        ("zero-determinant:0.25,0.5,3", "zero-determinant:0.25,0.5,3", 1),
        ("gtft:3,0,5,1", "gtft:3,0,5,1", 1),
        ("memory-one:1,0,0,1", "memory-one:1,0,0,1", 1),
        ("reactive: 1, 0.5", "reactive:1,0.5", 1),
    ],
)
def test_family_specs_build_named_characters(spec: str, name: str, depth: float) -> None:
    c = get_character(spec)
    assert c.name == name
    assert c.memory_depth == depth
    assert c.rule.endswith(".") and c.rule[0].isupper()
    assert "family" in c.tags


def test_random_p_cooperates_with_probability_p() -> None:
    c = get_character("random:0.25")
    assert c.machine.policy.tolist() == [[0.25, 0.75]]
    r = play_match("random:0.25", "tit-for-tat", turns=400, repetitions=10, seed=2)
    n = int(r.turns.sum())
    assert abs(r.cooperation_rates[0] - 0.25) < 4 * math.sqrt(0.25 * 0.75 / n)
    assert get_character("random:0").machine.policy.tolist() == [[0.0, 1.0]]


def test_tit_for_n_tats_and_n_tits_for_tat_play_their_rules() -> None:
    assert first_moves("tit-for-n-tats:3", "cycler:DDDC", 8) == "CCCDCCCD"
    assert first_moves("tit-for-n-tats:1", "cycler:DC", 4) == first_moves("tft", "cycler:DC", 4)
    assert first_moves("n-tits-for-tat:2", "cycler:DCCC", 8) == first_moves(
        "two-tits-for-tat", "cycler:DCCC", 8
    )
    assert first_moves("n-tits-for-tat:4", "cycler:DCCCCC", 8) == "CDDDDCCD"
    # a run of n is counted, not stored: the machine grows with n, not 2^n
    assert get_character("tit-for-n-tats:20").machine.n_states == 21


def test_cycler_plays_its_pattern_by_turn_number() -> None:
    assert first_moves("cycler:CDD", "always-defect", 7) == "CDDCDDC"
    assert get_character("cycler:CDD").machine.n_states == 3


def test_zero_determinant_family_matches_the_named_ones() -> None:
    fam = get_character("zero-determinant:0.1111111111111111,0.5,1").machine.policy[1:, 0]
    np.testing.assert_allclose(fam, get_character("extort-2").machine.policy[1:, 0])
    np.testing.assert_allclose(
        zero_determinant_vector(0.25, 0.5, 3), get_character("zdgtft-2").machine.policy[1:, 0]
    )


def test_gtft_family_uses_nowak_and_sigmunds_generosity() -> None:
    # q = min(1 − (T − R)/(R − S), (R − P)/(T − P))
    assert generous_probability(prisoners_dilemma()) == pytest.approx(1 / 3)
    assert generous_probability(prisoners_dilemma(4, 0, 5, 1)) == pytest.approx(3 / 4)
    assert get_character("gtft:4,0,5,1").machine.policy[2, 0] == pytest.approx(3 / 4)
    np.testing.assert_allclose(
        get_character("gtft:3,0,5,1").machine.policy,
        get_character("generous-tit-for-tat").machine.policy,
    )
    with pytest.raises(GameError, match="two-action game"):
        generous_probability(vulnerability_exchange())


@pytest.mark.parametrize(
    ("spec", "error", "says"),
    [
        ("random:", SpecError, "random:p"),
        ("random:0.1,0.2", SpecError, "random:p (1 numbers), got 2"),
        ("random:half", SpecError, "'half' is not a number"),
        ("random:1.5", InvalidParameter, "[0, 1]"),
        ("tit-for-n-tats:2.5", SpecError, "whole number n from 1 to 64"),
        ("tit-for-n-tats:0", SpecError, "whole number n from 1 to 64"),
        ("tit-for-n-tats:65", SpecError, "whole number n from 1 to 64"),
        ("n-tits-for-tat:-1", SpecError, "whole number"),
        ("tit-for-n-tats", SpecError, "tit-for-n-tats:n"),
        ("cycler:CXD", SpecError, "letters C or D"),
        ("cycler:", SpecError, "letters C or D"),
        ("cycler:" + "C" * 65, SpecError, "1 to 64 letters"),
        ("zero-determinant:1,0.5", SpecError, "phi,s,l"),
        ("zero-determinant:1,0.5,1", InvalidParameter, "smaller phi"),
        ("zero-determinant:0.1,0.5,4", InvalidParameter, "[P, R]"),
        ("gtft:3,0,5", SpecError, "R,S,T,P"),
        ("memory-one:1,0,0", SpecError, "p1,p2,p3,p4"),
        ("memory-on:1,0,0,1", UnknownName, "'memory-one'"),
        ("tit-for-tat:1", UnknownName, "character family"),
    ],
)
def test_malformed_specs_fail_in_one_clear_line(spec: str, error: type, says: str) -> None:
    with pytest.raises(error) as info:
        get_character(spec)
    assert says in str(info.value)
    assert "\n" not in str(info.value)


def test_unknown_names_suggest_families_too() -> None:
    with pytest.raises(UnknownName) as info:
        get_character("cyclr")
    assert "cycler" in str(info.value)


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("tit-for-n-tats:x", ["'x'", "not a number"]),
        ("cycler:CQ", ["letters C or D"]),
        ("random:2", ["[0, 1]"]),
    ],
)
def test_the_cli_turns_bad_specs_into_exit_code_2(
    spec: str, words: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["match", spec, "tft"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    for w in words:
        assert w in err


def test_family_characters_play_from_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    main(["match", "cycler:CCD", "tit-for-n-tats:2", "--turns", "6", "--seed", "0"])
    out = capsys.readouterr().out
    assert "cycler:CCD" in out and "tit-for-n-tats:2" in out
