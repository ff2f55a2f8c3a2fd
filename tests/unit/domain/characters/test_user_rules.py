"""A user's own rule either compiles to the fast form or says, in one line, why it cannot."""

from __future__ import annotations

import pytest

from trustlab import (
    Character,
    CompileError,
    InvalidParameter,
    TrustlabError,
    compile_rule,
    play_match,
)
from trustlab.domain.actions import GUARDED_SUPPORT, OPEN_SUPPORT, C, D
from trustlab.domain.characters.archetypes import betrayed


def one_line(error: TrustlabError) -> str:
    text = str(error)
    assert "\n" not in text and text
    return text


def test_a_list_memory_is_refused_with_the_fix() -> None:
    with pytest.raises(CompileError) as info:
        compile_rule(
            start=lambda: [],
            act=lambda seen: D if D in seen else C,
            update=lambda seen, mine, theirs: [*seen, theirs][-2:],
        )
    assert "must be hashable (use tuples, not lists)" in one_line(info.value)


def test_a_memory_that_keeps_the_whole_history_is_refused_with_the_fix() -> None:
    # "defect when the partner defected more than it cooperated", counting without a bound
    with pytest.raises(CompileError) as info:
        compile_rule(
            start=lambda: 0,
            act=lambda lead: D if lead < 0 else C,
            update=lambda lead, mine, theirs: lead + (1 if theirs == C else -1),
        )
    text = one_line(info.value)
    assert "more than 4096 distinct memories" in text
    assert "saturate counters" in text


@pytest.mark.parametrize(
    ("act", "error", "says"),
    [
        (lambda m: "C", CompileError, "not an action or probabilities"),
        (lambda m: True, CompileError, "returned a bool"),
        (lambda m: 2, CompileError, "not one of 0..1"),
        (lambda m: -0.5, InvalidParameter, "outside [0, 1]"),
        (lambda m: (0.5, 0.2), InvalidParameter, "not a distribution"),
    ],
)
def test_bad_act_output_is_refused(act: object, error: type, says: str) -> None:
    with pytest.raises(error) as info:
        compile_rule(start=lambda: 0, act=act, update=lambda m, mine, theirs: 0)  # type: ignore[arg-type]
    assert says in one_line(info.value)


def test_an_exchange_rule_with_a_two_action_answer_is_refused() -> None:
    with pytest.raises(CompileError, match="single probability"):
        compile_rule(start=lambda: 0, act=lambda m: 0.5, update=lambda m, a, b: 0, n_actions=6)


def test_a_users_archetype_compiles_and_plays_against_the_catalogue() -> None:
    # "opens until betrayed, then keeps its distance for three turns, then tries again"
    def act(wait: int) -> int:
        return GUARDED_SUPPORT if wait else OPEN_SUPPORT

    def update(wait: int, mine: int, theirs: int) -> int:
        if wait:
            return wait - 1
        return 3 if betrayed(mine, theirs) else 0

    machine = compile_rule(start=lambda: 0, act=act, update=update, n_actions=6)
    assert machine.n_states == 4
    me = Character("tries-again", "Keeps its distance for three turns after a betrayal.", machine)
    r = play_match(me, "exploiter", turns=9, seed=0, history=True)
    assert r.history is not None
    assert "".join("OTXGWE"[a] for a in r.history[0, :, 0, 1]) == "OGGGOGGGO"
