"""Evolving populations: dynamics, structures, payoffs and group games.

The public surface is :func:`evolve` and its result; graphs, group games and the analytical
results for group games live in their own modules.
"""

from trustlab.domain.population.runs import DYNAMICS, EvolutionResult, evolve
from trustlab.domain.population.structures import GraphSpec

__all__ = ["DYNAMICS", "EvolutionResult", "GraphSpec", "evolve"]
