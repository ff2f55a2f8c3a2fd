"""The generic battery every catalogue character goes through (as the Axelrod library does).

For each row of the table: its names are kebab-case and unique; it compiles to a valid machine;
its rule is a sentence and says "probability" exactly when the machine chooses at random; its
declared memory depth is the one its machine has (computed exactly, see
:func:`empirical_memory_depth`); the tag ``nice`` is present exactly when it is never the first
to defect or exploit; play is reproducible; two-action characters play the vulnerability exchange
through the lift; four-action characters refuse two-action games with a clear error.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from trustlab import (
    Character,
    CompileError,
    StateMachine,
    play_match,
    prisoners_dilemma,
    vulnerability_exchange,
)
from trustlab.domain.actions import (
    EXPLOITS,
    LIFT_ACTION,
    N_EXCHANGE_ACTIONS,
    OPEN_EXPLOIT,
)
from trustlab.domain.analysis.traits import niceness
from trustlab.domain.characters.catalogue import CATALOGUE, catalogue, get_character, select

NAMES = [e.name for e in CATALOGUE]
KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
#: a memory still undecided after this many turns is taken to be unbounded (every finite depth
#: in the catalogue is far below it; an unbounded one is one that counts or never forgets)
DEPTH_HORIZON = 16


def empirical_memory_depth(
    m: StateMachine, horizon: int = DEPTH_HORIZON, max_pairs: int | None = 20_000
) -> float:
    """The smallest d such that any two histories ending with the same d turns (pairs of the
    character's executed action and its partner's observed action, noise allowing any pair) lead
    to the same action distribution; ``math.inf`` if there is none.

    Exact, by sets of state pairs: P0 holds every pair of reachable states (any two prefixes);
    P_{j+1} moves both states of each pair by the same action pair. Since P_{j+1} ⊆ P_j, the
    depth is the first j at which every pair agrees on its policy, and infinite if the sets stop
    shrinking before that (or have not settled after ``horizon`` turns). For large machines
    every step first keeps a sample of ``max_pairs`` pairs: pairs that still disagree after
    ``horizon`` turns prove an unbounded memory; a settled sample is confirmed on every pair.
    """
    reach = m.reachable_states()
    k = m.n_actions
    trans = m.transition.reshape(m.n_states, k * k)
    # pairs of distinct states as codes a * S + b (equal states stay equal, so drop them)
    a, b = np.meshgrid(reach, reach, indexing="ij")
    codes = np.unique((a * m.n_states + b)[a != b])
    rng = np.random.default_rng(0)
    sampled = False
    for depth in range(horizon + 1):
        if max_pairs is not None and codes.size > max_pairs:
            codes = rng.choice(codes, max_pairs, replace=False)
            sampled = True
        first, second = np.divmod(codes, m.n_states)
        if np.allclose(m.policy[first], m.policy[second]):
            return empirical_memory_depth(m, horizon, None) if sampled else depth
        x, y = trans[first].ravel(), trans[second].ravel()
        nxt = np.unique((x * m.n_states + y)[x != y])
        if not sampled and np.array_equal(nxt, codes):
            return math.inf
        codes = nxt
    return math.inf


def is_nice(m: StateMachine) -> bool:
    """Whether the machine never defects (two actions) or exploits (the exchange) before its
    partner has: no state reachable while the partner never exploits puts any weight on such an
    action (one niceness: withholding and staying guarded are nice, exploiting first is not)."""
    k = m.n_actions
    exploit = EXPLOITS if k == N_EXCHANGE_ACTIONS else np.array([False, True])
    supportive = np.flatnonzero(~exploit)
    seen = {m.initial_state}
    stack = [m.initial_state]
    while stack:
        s = stack.pop()
        if m.policy[s, exploit].sum() > 0:
            return False
        for mine in np.flatnonzero(m.policy[s] > 0):
            for theirs in supportive:
                nxt = int(m.transition[s, mine, theirs])
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
    return True


@pytest.fixture(scope="module")
def characters() -> dict[str, Character]:
    return catalogue()


def test_the_catalogue_holds_at_least_45_characters() -> None:
    assert len(CATALOGUE) >= 45
    assert len(select(["essay"])) >= 12


def test_names_and_aliases_are_kebab_case_and_unique_across_both() -> None:
    spellings = [s for e in CATALOGUE for s in (e.name, *e.aliases)]
    assert len(spellings) == len(set(spellings))
    bad = [s for s in spellings if not KEBAB.match(s)]
    assert bad == []
    snake = [s.replace("-", "_") for s in spellings]
    assert len(snake) == len(set(snake))


@pytest.mark.parametrize("name", NAMES)
def test_every_name_alias_and_snake_case_spelling_resolves_to_its_row(name: str) -> None:
    entry = next(e for e in CATALOGUE if e.name == name)
    for spelling in (name, *entry.aliases):
        assert get_character(spelling).name == name
        assert get_character(spelling.replace("-", "_")).name == name
        assert get_character(spelling.upper()).name == name


@pytest.mark.parametrize("name", NAMES)
def test_compiles_to_a_valid_minimal_machine(characters: dict[str, Character], name: str) -> None:
    c = characters[name]
    m = c.machine
    assert m.n_actions in (2, N_EXCHANGE_ACTIONS)
    np.testing.assert_allclose(m.policy.sum(axis=1), 1.0)
    assert m.transition.min() >= 0 and m.transition.max() < m.n_states
    # every state reachable (noise can reach any); minimising keeps the initial policy
    assert m.reachable_states().size == m.n_states
    np.testing.assert_array_equal(m.minimised().policy[0], m.policy[m.initial_state])
    assert c.n_actions == (N_EXCHANGE_ACTIONS if "essay" in c.tags else 2)


@pytest.mark.parametrize("name", NAMES)
def test_rule_reference_and_tags_are_filled_in(characters: dict[str, Character], name: str) -> None:
    c = characters[name]
    assert c.rule[0].isupper() and c.rule.endswith(".") and len(c.rule) > 15
    assert c.reference
    assert c.tags
    assert c.memory_depth == math.inf or float(c.memory_depth).is_integer()


@pytest.mark.parametrize("name", NAMES)
def test_stochastic_exactly_when_the_rule_speaks_of_probability(
    characters: dict[str, Character], name: str
) -> None:
    c = characters[name]
    assert c.stochastic == ("probability" in c.rule)
    assert c.summary()["stochastic"] is c.stochastic


@pytest.mark.parametrize("name", NAMES)
def test_declared_memory_depth_is_the_machines(characters: dict[str, Character], name: str) -> None:
    c = characters[name]
    assert empirical_memory_depth(c.machine) == c.memory_depth


@pytest.mark.parametrize("name", [e.name for e in CATALOGUE if math.isfinite(e.memory_depth)])
def test_declared_memory_depth_holds_on_random_histories(
    characters: dict[str, Character], name: str
) -> None:
    # a sampled cross-check of the exact computation: prefixes of any length, same last d turns
    c = characters[name]
    m, d, k = c.machine, int(c.memory_depth), c.n_actions
    rng = np.random.default_rng(abs(hash(name)) % 2**32)
    for n1, n2 in rng.integers(0, 12, size=(40, 2)):
        suffix = rng.integers(0, k, size=(64, d, 2))
        states = []
        for n in (n1, n2):
            hist = np.concatenate([rng.integers(0, k, size=(64, n, 2)), suffix], axis=1)
            s = np.full(64, m.initial_state)
            for t in range(hist.shape[1]):
                s = m.transition[s, hist[:, t, 0], hist[:, t, 1]]
            states.append(s)
        np.testing.assert_allclose(m.policy[states[0]], m.policy[states[1]])


def test_memory_depth_finder_sees_each_kind_of_memory() -> None:
    # the yardstick itself must be able to fail: it tells apart 0, 1, 2, 3 and unbounded
    assert empirical_memory_depth(get_character("always-defect").machine) == 0
    assert empirical_memory_depth(get_character("tit-for-tat").machine) == 1
    assert empirical_memory_depth(get_character("tit-for-n-tats:2").machine) == 2
    assert empirical_memory_depth(get_character("hard-tit-for-tat").machine) == 3
    assert empirical_memory_depth(get_character("grudger").machine) == math.inf
    assert empirical_memory_depth(get_character("cycler:CCD").machine) == math.inf


@pytest.mark.parametrize("name", NAMES)
def test_tagged_nice_exactly_when_never_first_to_defect_or_exploit(
    characters: dict[str, Character], name: str
) -> None:
    c = characters[name]
    assert ("nice" in c.tags) == is_nice(c.machine)


@pytest.mark.parametrize("name", NAMES)
def test_nice_tag_is_the_measured_niceness(characters: dict[str, Character], name: str) -> None:
    # one niceness: the tag, the reachability check above and the trait profile's exact measure
    # (never exploiting first against the worst partner that never exploits) agree on every row
    c = characters[name]
    assert ("nice" in c.tags) == (niceness(c) == 1.0)


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_play_under_noise(characters: dict[str, Character], name: str) -> None:
    partner = "random" if characters[name].n_actions == 2 else "forgiver"
    kw = {"turns": 40, "noise": 0.1, "misread": 0.05, "repetitions": 3, "history": True}
    r1 = play_match(name, partner, seed=11, **kw)
    r2 = play_match(name, partner, seed=11, **kw)
    r3 = play_match(name, partner, seed=12, **kw)
    assert r1.history is not None and r2.history is not None and r3.history is not None
    np.testing.assert_array_equal(r1.history, r2.history)
    np.testing.assert_array_equal(r1.joint, r2.joint)
    assert r1.seed == 11
    assert not np.array_equal(r1.history, r3.history)


TWO_ACTION = [e.name for e in CATALOGUE if "essay" not in e.tags]
FOUR_ACTION = [e.name for e in CATALOGUE if "essay" in e.tags]


@pytest.mark.parametrize("name", TWO_ACTION)
def test_two_action_characters_play_the_vulnerability_exchange_lifted(name: str) -> None:
    # noiseless, the lifted match is the two-action match with C as open+support, D as
    # guarded+exploit (the same random draws decide stochastic choices)
    kw = {"turns": 30, "seed": 5, "history": True}
    two = play_match(name, "random", game=prisoners_dilemma(), **kw)
    four = play_match(name, "random", game=vulnerability_exchange(), **kw)
    assert two.history is not None and four.history is not None
    np.testing.assert_array_equal(LIFT_ACTION[two.history[0, :, :, 1]], four.history[0, :, :, 1])
    assert four.game.n_actions == N_EXCHANGE_ACTIONS


@pytest.mark.parametrize("name", TWO_ACTION)
def test_lifted_characters_never_open_and_exploit(
    characters: dict[str, Character], name: str
) -> None:
    lifted = characters[name].machine.for_game(N_EXCHANGE_ACTIONS)
    assert np.all(lifted.policy[:, OPEN_EXPLOIT] == 0)
    assert lifted.n_states == characters[name].machine.n_states


@pytest.mark.parametrize("name", FOUR_ACTION)
def test_four_action_characters_refuse_two_action_games_clearly(name: str) -> None:
    with pytest.raises(CompileError, match="6 actions cannot play a game of 2 actions"):
        play_match(name, "tit-for-tat", game=prisoners_dilemma(), turns=5, seed=1)
