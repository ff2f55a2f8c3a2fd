"""The public API: ``import trustlab`` gives what a user calls, each with a runnable example.

``trustlab.__all__`` is pinned here: adding or removing a public name is a decision, made in
this file as well as in ``trustlab/__init__.py``.
"""

from __future__ import annotations

import doctest
import inspect

import pytest

import trustlab

PUBLIC = [
    "C",
    "Character",
    "CompileError",
    "Conditions",
    "D",
    "EvolutionResult",
    "FixationResult",
    "Game",
    "GameError",
    "GraphSpec",
    "InvalidParameter",
    "LongRunPayoffs",
    "MatchResult",
    "ReducibleChain",
    "ReplicatorAnalysis",
    "SocietyConfig",
    "SpecError",
    "StateMachine",
    "TournamentResult",
    "TraitProfile",
    "TrustlabError",
    "UnknownName",
    "analyze_replicator",
    "catalogue",
    "characters_for",
    "compile_history_rule",
    "compile_rule",
    "critical_mass",
    "donation",
    "evolve",
    "expected_payoff_matrix",
    "fixation_probabilities",
    "fixation_probability",
    "get_character",
    "harmony",
    "long_run_payoffs",
    "matrix_game",
    "memory_one",
    "parse_game",
    "play_match",
    "play_tournament",
    "prisoners_dilemma",
    "rare_mutation_stationary",
    "reactive",
    "run_society",
    "select",
    "snowdrift",
    "stag_hunt",
    "trait_profile",
    "vulnerability_exchange",
]

# The two-action game's action codes: plain integers, documented with the actions module.
CONSTANTS = {"C": 0, "D": 1}

# Public names whose docstrings still lack an example, because their modules (games, characters,
# the society's config) were being reworked by others when the public API was curated (issue 9).
# The test below fails when one of them gains an example: then remove it from this set.
AWAITING_EXAMPLE: set[str] = set()


def _examples(obj: object) -> list[doctest.Example]:
    doc = inspect.getdoc(obj) or ""
    return doctest.DocTestParser().get_examples(doc)


def test_public_names_are_pinned() -> None:
    assert sorted(PUBLIC) == PUBLIC
    assert trustlab.__all__ == PUBLIC


def test_every_public_name_is_importable_from_trustlab() -> None:
    for name in PUBLIC:
        assert getattr(trustlab, name) is not None, name
    assert {n: getattr(trustlab, n) for n in CONSTANTS} == CONSTANTS


FUNCTIONS_AND_CLASSES = sorted(set(PUBLIC) - set(CONSTANTS))


@pytest.mark.parametrize("name", FUNCTIONS_AND_CLASSES)
def test_every_public_name_has_a_docstring(name: str) -> None:
    doc = inspect.getdoc(getattr(trustlab, name))
    assert doc is not None and len(doc.split()) >= 5, f"{name} needs a docstring"


@pytest.mark.parametrize("name", sorted(set(FUNCTIONS_AND_CLASSES) - AWAITING_EXAMPLE))
def test_every_public_name_has_an_example(name: str) -> None:
    # the example itself runs with the doctests of the module that defines the name
    assert _examples(getattr(trustlab, name)), f"{name}'s docstring needs a >>> example"


def test_the_names_awaiting_an_example_still_lack_one() -> None:
    assert set(PUBLIC) >= AWAITING_EXAMPLE
    have = sorted(n for n in AWAITING_EXAMPLE if _examples(getattr(trustlab, n)))
    assert have == [], f"these now have examples: drop them from AWAITING_EXAMPLE: {have}"


def test_public_examples_import_from_trustlab_only() -> None:
    # an example shows the import a user writes: from trustlab, not from its layers
    for name in sorted(set(FUNCTIONS_AND_CLASSES) - AWAITING_EXAMPLE):
        for ex in _examples(getattr(trustlab, name)):
            assert "trustlab.domain" not in ex.source, f"{name}: {ex.source.strip()}"
            assert "trustlab.kernel" not in ex.source, f"{name}: {ex.source.strip()}"


def test_the_layers_keep_their_names_private_by_all() -> None:
    # every module of the domain and kernel declares what it exports
    import importlib
    import pkgutil

    missing = []
    for pkg_name in ("trustlab.domain", "trustlab.kernel"):
        pkg = importlib.import_module(pkg_name)
        for info in pkgutil.walk_packages(pkg.__path__, prefix=f"{pkg_name}."):
            module = importlib.import_module(info.name)
            if not info.ispkg and not hasattr(module, "__all__"):
                missing.append(info.name)
    assert missing == []
