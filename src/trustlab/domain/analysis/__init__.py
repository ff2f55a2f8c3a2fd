"""Exact analysis: long-run payoffs, replicator dynamics, fixation probabilities, trait profiles.

Simulation tells what happened once; analysis tells what must happen. Everything here is computed
without random numbers, and the tests check it against trustlab's own simulations.

* :mod:`~trustlab.domain.analysis.markov` — the Markov chain on the product of two characters'
  states: stationary payoffs, expected totals with a continuation probability or fixed turns,
  and :func:`expected_payoff_matrix` for populations;
* :mod:`~trustlab.domain.analysis.fixation` — Moran and Fermi fixation probabilities, the
  rare-mutation stationary distribution;
* :mod:`~trustlab.domain.analysis.replicator` — rest points, stability, trajectories;
* :mod:`~trustlab.domain.analysis.traits` — the measured trait profile of a character.
"""

from trustlab.domain.analysis.fixation import (
    FixationResult,
    fixation_matrix,
    fixation_probabilities,
    fixation_probability,
    moran_constant_fitness,
    rare_mutation_stationary,
)
from trustlab.domain.analysis.markov import (
    LongRunPayoffs,
    ProductChain,
    ReducibleChain,
    expected_payoff_matrix,
    long_run_payoffs,
    product_chain,
)
from trustlab.domain.analysis.replicator import (
    Classification,
    ReplicatorAnalysis,
    RestPoint,
    analyze_replicator,
    classify_two,
    integrate_replicator,
    rest_points,
)
from trustlab.domain.analysis.traits import TRAIT_NAMES, TraitProfile, niceness, trait_profile

__all__ = [
    "TRAIT_NAMES",
    "Classification",
    "FixationResult",
    "LongRunPayoffs",
    "ProductChain",
    "ReducibleChain",
    "ReplicatorAnalysis",
    "RestPoint",
    "TraitProfile",
    "analyze_replicator",
    "classify_two",
    "expected_payoff_matrix",
    "fixation_matrix",
    "fixation_probabilities",
    "fixation_probability",
    "integrate_replicator",
    "long_run_payoffs",
    "moran_constant_fitness",
    "niceness",
    "product_chain",
    "rare_mutation_stationary",
    "rest_points",
    "trait_profile",
]
