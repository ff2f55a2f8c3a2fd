"""trustlab: a laboratory for the evolution of trust.

Everything a user calls is here: matches and tournaments, the conditions they are played under,
the exact analysis, evolution, the society and its critical mass, characters, games and errors.
The subpackages (``trustlab.domain``, ``trustlab.kernel``, ``trustlab.interfaces``) are the
implementation; their names may change between versions, these do not.

Importing trustlab does no work: kernels compile on first use (and are cached on disk), and the
catalogue of characters is built the first time it is asked for.

>>> import trustlab
>>> trustlab.play_match("copycat", "always-defect", turns=5, seed=0).scores.tolist()
[4.0, 9.0]
"""

from typing import TYPE_CHECKING, Any

from trustlab.domain.actions import C, D
from trustlab.domain.characters import (
    Character,
    StateMachine,
    catalogue,
    compile_history_rule,
    compile_rule,
    get_character,
    memory_one,
    reactive,
    select,
)
from trustlab.domain.conditions import Conditions
from trustlab.domain.errors import (
    CompileError,
    GameError,
    InvalidParameter,
    SpecError,
    TrustlabError,
    UnknownName,
)
from trustlab.domain.games import (
    Game,
    donation,
    harmony,
    matrix_game,
    parse_game,
    prisoners_dilemma,
    snowdrift,
    stag_hunt,
    vulnerability_exchange,
)
from trustlab.domain.matches import MatchResult, play_match
from trustlab.domain.play import characters_for
from trustlab.domain.tournaments import TournamentResult, play_tournament

if TYPE_CHECKING:
    from trustlab.domain.analysis import (
        FixationResult,
        LongRunPayoffs,
        ReducibleChain,
        ReplicatorAnalysis,
        TraitProfile,
        analyze_replicator,
        expected_payoff_matrix,
        fixation_probabilities,
        fixation_probability,
        long_run_payoffs,
        rare_mutation_stationary,
        trait_profile,
    )
    from trustlab.domain.population import EvolutionResult, GraphSpec, evolve
    from trustlab.domain.society import SocietyConfig, critical_mass, run_society

# The analysis (scipy), evolution and the society load on first use: importing trustlab stays
# as quick as importing numpy and numba.
_LAZY = {
    "trustlab.domain.analysis": (
        "FixationResult",
        "LongRunPayoffs",
        "ReducibleChain",
        "ReplicatorAnalysis",
        "TraitProfile",
        "analyze_replicator",
        "expected_payoff_matrix",
        "fixation_probabilities",
        "fixation_probability",
        "long_run_payoffs",
        "rare_mutation_stationary",
        "trait_profile",
    ),
    "trustlab.domain.population": ("EvolutionResult", "GraphSpec", "evolve"),
    "trustlab.domain.society": ("SocietyConfig", "critical_mass", "run_society"),
}
_LAZY_MODULE = {name: module for module, names in _LAZY.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _LAZY_MODULE.get(name)
    if module is None:
        raise AttributeError(f"module 'trustlab' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY_MODULE))


__version__ = "0.1.0"

__all__ = [
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
