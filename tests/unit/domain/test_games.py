"""Games: presets and their defaults, defining inequalities, the vulnerability exchange cell by
cell, and the spec strings of ``parse_game``."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from trustlab import GameError, SpecError, TrustlabError, UnknownName
from trustlab.domain.actions import (
    ACTION_NAMES_EXCHANGE,
    GUARDED_EXPLOIT,
    GUARDED_SUPPORT,
    GUARDED_WITHHOLD,
    OPEN_EXPLOIT,
    OPEN_SUPPORT,
    is_exploit,
    is_open,
    is_support,
)
from trustlab.domain.games import (
    GAME_PRESETS,
    Game,
    donation,
    harmony,
    matrix_game,
    parse_game,
    parse_numbers,
    prisoners_dilemma,
    snowdrift,
    stag_hunt,
    vulnerability_exchange,
)


@pytest.mark.parametrize(
    ("game", "matrix"),
    [
        (prisoners_dilemma(), [[3, 0], [5, 1]]),
        (stag_hunt(), [[4, 0], [3, 1]]),
        (snowdrift(), [[3, 2], [4, 0]]),  # b=4, c=2: R = b − c/2, S = b − c, T = b, P = 0
        (harmony(), [[4, 2], [3, 1]]),
        (donation(), [[2, -1], [3, 0]]),  # b=3, c=1: R = b − c, S = −c, T = b, P = 0
    ],
)
def test_two_action_presets_have_their_documented_defaults(game: Game, matrix: list) -> None:
    assert game.payoffs.tolist() == matrix
    assert game.n_actions == 2
    assert game.action_names == ("C", "D")
    assert game.cooperative_action == 0


def test_every_preset_builds_with_defaults_and_by_name() -> None:
    for name, (builder, params) in GAME_PRESETS.items():
        g = builder()
        assert g.name == name
        assert parse_game(name) == g
        assert set(g.parameters) == set(params)


def test_presets_record_the_parameters_they_were_built_from() -> None:
    assert prisoners_dilemma().parameters == {"R": 3, "S": 0, "T": 5, "P": 1}
    assert donation(4, 1).parameters == {"b": 4, "c": 1}
    assert (
        vulnerability_exchange().describe() == "vulnerability-exchange(b=3, c=1, t=3, h=2, e=0.5)"
    )


@pytest.mark.parametrize(
    ("build", "needs"),
    [
        (lambda: prisoners_dilemma(R=6), "a prisoner's dilemma needs T > R > P > S"),
        (lambda: prisoners_dilemma(S=2), "a prisoner's dilemma needs T > R > P > S"),
        (lambda: prisoners_dilemma(T=2), "a prisoner's dilemma needs T > R > P > S"),
        (lambda: prisoners_dilemma(P=0), "a prisoner's dilemma needs T > R > P > S"),
        (lambda: prisoners_dilemma(R=3, S=0, T=7, P=1), "a prisoner's dilemma needs 2R > T + S"),
        (lambda: stag_hunt(T=5), "a stag hunt needs R > T ≥ P > S"),
        (lambda: stag_hunt(S=2), "a stag hunt needs R > T ≥ P > S"),
        (lambda: snowdrift(b=1, c=2), "a snowdrift game needs b > c > 0"),
        (lambda: snowdrift(c=0), "a snowdrift game needs b > c > 0"),
        (lambda: harmony(T=5), "a harmony game needs R > T"),
        (lambda: harmony(S=0), "a harmony game needs S > P"),
        (lambda: donation(b=1, c=1), "a donation game needs b > c > 0"),
        (lambda: donation(c=-1), "a donation game needs b > c > 0"),
        (lambda: vulnerability_exchange(c=-1), "needs c ≥ 0"),
        (lambda: vulnerability_exchange(b=1.5, c=1), "needs b > c + e"),
        (lambda: vulnerability_exchange(t=1), "needs t > b − c − e"),
        (lambda: vulnerability_exchange(h=0), "needs h > 0"),
        (lambda: vulnerability_exchange(t=9, h=1), "needs 2(b − c − e) > t − e − h"),
    ],
)
def test_each_broken_inequality_is_named(build, needs: str) -> None:
    with pytest.raises(GameError) as info:
        build()
    message = str(info.value)
    assert needs in message
    assert "\n" not in message and "(got " in message  # one line, with the values received


def test_vulnerability_exchange_matches_its_definition_cell_by_cell() -> None:
    b, c, t, h, e = 5.0, 1.5, 4.5, 2.5, 0.75
    g = vulnerability_exchange(b, c, t, h, e)
    assert g.n_actions == 6 and g.action_names == ACTION_NAMES_EXCHANGE
    for me in range(6):
        for other in range(6):
            # DESIGN §3: if my partner opened, my support costs me c, my exploitation gains me t,
            # withholding nothing; if I opened, it cost me e, their support gives me b, their
            # exploitation costs me h, their withholding nothing
            expected = 0.0
            if is_open(other):
                expected += -c if is_support(me) else t if is_exploit(me) else 0.0
            if is_open(me):
                expected += -e + (b if is_support(other) else -h if is_exploit(other) else 0.0)
            assert g.payoffs[me, other] == expected, (me, other)
    # spelled out for the corners of the dilemma, the unreceptive and kindness at a distance
    assert g.payoffs[OPEN_SUPPORT, OPEN_SUPPORT] == b - c - e  # R
    assert g.payoffs[OPEN_SUPPORT, GUARDED_EXPLOIT] == -e - h  # S
    assert g.payoffs[GUARDED_EXPLOIT, OPEN_SUPPORT] == t  # T
    assert g.payoffs[GUARDED_EXPLOIT, GUARDED_EXPLOIT] == 0  # P: nobody opens, nothing happens
    assert g.payoffs[OPEN_SUPPORT, GUARDED_WITHHOLD] == -e  # exposure unrepaid
    assert g.payoffs[GUARDED_WITHHOLD, OPEN_SUPPORT] == 0  # the unreceptive gain nothing
    assert g.payoffs[GUARDED_SUPPORT, GUARDED_SUPPORT] == 0
    assert g.payoffs[GUARDED_SUPPORT, OPEN_SUPPORT] == -c
    assert g.payoffs[OPEN_EXPLOIT, OPEN_EXPLOIT] == t - h - e
    assert g.parameters == {"b": b, "c": c, "t": t, "h": h, "e": e}


def test_vulnerability_exchange_defaults_make_openness_a_stag_hunt_among_the_unreceptive() -> None:
    g = vulnerability_exchange()
    pair = [OPEN_SUPPORT, GUARDED_WITHHOLD]
    (r, s_), (t, p) = g.payoffs[np.ix_(pair, pair)].tolist()
    assert r > t >= p > s_  # a stag hunt: bistable
    assert (p - s_) / (r - s_ - t + p) == pytest.approx(0.25)  # x* = e / (b − c)
    with pytest.raises(GameError, match=r"e ≥ 0"):
        vulnerability_exchange(e=-0.1)


@given(
    b=st.floats(0.5, 10),
    c=st.floats(0, 5),
    t=st.floats(0, 20),
    h=st.floats(0.01, 10),
    e=st.floats(0, 3),
)
def test_vulnerability_exchange_accepts_exactly_the_prisoners_dilemmas(
    b: float, c: float, t: float, h: float, e: float
) -> None:
    # reduced to open+support v guarded+exploit: R = b − c − e, S = −e − h, T = t, P = 0
    R, S, T, P = b - c - e, -e - h, t, 0.0
    is_pd = T > R > P > S and 2 * R > T + S
    try:
        g = vulnerability_exchange(b, c, t, h, e)
    except GameError:
        assert not is_pd
    else:
        assert is_pd
        reduced = g.payoffs[
            np.ix_([OPEN_SUPPORT, GUARDED_EXPLOIT], [OPEN_SUPPORT, GUARDED_EXPLOIT])
        ]
        np.testing.assert_allclose(reduced, [[R, S], [T, P]])


def test_matrix_game_accepts_any_numbers_as_given() -> None:
    g = matrix_game([1, 2, 3, 4])  # not a dilemma of any kind: accepted
    assert g.payoffs.tolist() == [[1, 2], [3, 4]] and g.name == "custom"
    assert g.parameters == {"R": 1, "S": 2, "T": 3, "P": 4}
    g3 = matrix_game(np.arange(9).reshape(3, 3))
    assert g3.n_actions == 3 and g3.action_names == ("a0", "a1", "a2")
    assert not g3.payoffs.flags.writeable


@pytest.mark.parametrize(
    ("payoffs", "says"),
    [
        ([1, 2, 3], "R,S,T,P (4 numbers)"),
        ([[1, 2, 3], [4, 5, 6]], "must be square"),
        ([[1.0]], "at least 2 actions"),
        ([[1, np.nan], [0, 1]], "finite"),
        ([[1, np.inf], [0, 1]], "finite"),
    ],
)
def test_matrix_game_rejects_what_is_not_a_square_finite_matrix(payoffs, says: str) -> None:
    with pytest.raises(GameError, match=re.escape(says)):
        matrix_game(payoffs)


def test_game_checks_names_and_compares_by_name_and_payoffs() -> None:
    with pytest.raises(GameError, match="2 actions need 2 names"):
        Game("x", np.eye(2), ("C",))
    with pytest.raises(GameError, match=re.escape("must be square, got shape (2, 3)")):
        Game("x", np.zeros((2, 3)), ("C", "D"))
    assert prisoners_dilemma() == matrix_game([3, 0, 5, 1], name="prisoners-dilemma")
    assert prisoners_dilemma() != matrix_game([3, 0, 5, 1])
    assert hash(donation()) == hash(parse_game("donation:3,1"))
    assert prisoners_dilemma() != "prisoners-dilemma"


@pytest.mark.parametrize(
    ("spec", "matrix"),
    [
        ("prisoners-dilemma", [[3, 0], [5, 1]]),
        ("pd", [[3, 0], [5, 1]]),
        ("PD:4,0,6,1", [[4, 0], [6, 1]]),
        ("prisoners_dilemma:3,0,5", [[3, 0], [5, 1]]),  # fewer numbers keep later defaults
        ("donation:4,1", [[3, -1], [4, 0]]),
        ("donation:4:1", [[3, -1], [4, 0]]),  # colons separate too
        ("donation:5", [[4, -1], [5, 0]]),
        ("chicken", [[3, 2], [4, 0]]),
        ("hawk-dove:6,2", [[5, 4], [6, 0]]),
        (" stag-hunt ", [[4, 0], [3, 1]]),
        ("harmony:5,3,4,2", [[5, 3], [4, 2]]),
    ],
)
def test_parse_game_names_aliases_and_parameters(spec: str, matrix: list) -> None:
    assert parse_game(spec).payoffs.tolist() == matrix


def test_parse_game_aliases_of_the_vulnerability_exchange() -> None:
    for spec in ("vulnerability-exchange", "ve", "vulnerability", "ve:3,1,3,2", "ve:3,1,3,2,0.5"):
        assert parse_game(spec) == vulnerability_exchange()
    assert parse_game("ve:3,0.5").parameters == {"b": 3, "c": 0.5, "t": 3, "h": 2, "e": 0.5}


@pytest.mark.parametrize(
    ("spec", "error", "says"),
    [
        ("prisoners-dillema", UnknownName, "did you mean 'prisoners-dilemma'"),
        ("stag", UnknownName, "unknown game 'stag'"),
        ("donation:4,1,2", SpecError, "takes at most 2 parameters (b, c), got 3"),
        ("pd:1,2,3,4,5", SpecError, "at most 4 parameters"),
        ("donation:four,1", SpecError, "'four' is not a number"),
        ("donation:4,", SpecError, "'' is not a number"),
        ("donation:nan,1", SpecError, "not a finite number"),
        ("donation:inf", SpecError, "not a finite number"),
        ("donation:1,3", GameError, "b > c > 0"),
        ("pd:3,0,7,1", GameError, "2R > T + S"),
    ],
)
def test_parse_game_explains_bad_specs(spec: str, error: type, says: str) -> None:
    with pytest.raises(error) as info:
        parse_game(spec)
    assert isinstance(info.value, TrustlabError)
    assert says in str(info.value)
    assert "\n" not in str(info.value)


def test_parse_numbers_reads_commas_and_colons() -> None:
    assert parse_numbers("1, 2.5:-3", "x") == [1.0, 2.5, -3.0]
    with pytest.raises(SpecError, match=r"^x: 'a' is not a number$"):
        parse_numbers("1,a", "x")
