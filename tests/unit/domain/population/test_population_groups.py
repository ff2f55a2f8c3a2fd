"""Group games: payoffs, hypergeometric fitness, gradient of selection, tipping points."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from trustlab import InvalidParameter, SpecError, evolve
from trustlab.domain.population.groups import (
    fixation_probabilities,
    gradient_of_selection,
    group_fitness_table,
    parse_group_game,
    stationary_distribution,
    tipping_points,
)


def test_payoffs_of_the_three_games():
    pgg = parse_group_game("public-goods:4:2")
    assert pgg.payoff(1, 4) == pytest.approx(1.0) and pgg.payoff(0, 3) == pytest.approx(1.5)
    th = parse_group_game("threshold:4:3:2:1")
    assert th.payoff(0, 2) == 0.0 and th.payoff(1, 2) == -1.0
    assert th.payoff(0, 3) == pytest.approx(1.5) and th.payoff(1, 3) == pytest.approx(0.5)
    risk = parse_group_game("collective-risk:4:2:0.8")  # c = 0.1, b = 1
    assert risk.payoff(0, 1) == pytest.approx(0.2) and risk.payoff(1, 2) == pytest.approx(0.9)


def test_fitness_table_equals_brute_force_over_groups():
    g = parse_group_game("threshold:3:2:2.5")
    z, j = 6, 3
    pop = [1] * j + [0] * (z - j)
    t = group_fitness_table(g, z)
    for focal in (0, z - 1):  # a contributor, a defector
        others = [x for i, x in enumerate(pop) if i != focal]
        pays = [g.payoff(pop[focal], pop[focal] + sum(grp))
                for grp in itertools.combinations(others, 2)]  # fmt: skip
        assert t[pop[focal], j] == pytest.approx(np.mean(pays))


def test_public_goods_with_r_below_n_always_favours_defection():
    grad = gradient_of_selection(parse_group_game("public-goods:5:3"), 30, intensity=2.0)
    assert (grad[1:-1] < 0).all() and grad[0] == 0 and grad[-1] == 0


def test_threshold_game_has_a_tipping_point_and_a_coexistence_point():
    # Pacheco et al. 2009, fig. 2: N = 10, M = 5, F = 8 in a population of 50
    pts = tipping_points(parse_group_game("threshold:10:5:8"), 50, intensity=5.0)
    kinds = [p["kind"] for p in pts]
    assert kinds == ["unstable", "stable"]
    assert 0.2 < float(pts[0]["share"]) < 0.5 < float(pts[1]["share"]) < 1.0


def test_risk_lowers_the_tipping_point():
    lo = tipping_points(parse_group_game("collective-risk:6:3:0.3"), 60, intensity=5.0)
    hi = tipping_points(parse_group_game("collective-risk:6:3:0.9"), 60, intensity=5.0)
    unstable = [float(p["share"]) for p in hi if p["kind"] == "unstable"]
    assert unstable and (not lo or unstable[0] < float(lo[0]["share"]))


def test_stationary_distribution_is_a_distribution():
    p = stationary_distribution(parse_group_game("public-goods:5:3"), 20, mutation=0.05)
    assert p.sum() == pytest.approx(1.0) and p.argmax() < 10
    with pytest.raises(InvalidParameter):
        stationary_distribution(parse_group_game("public-goods:5:3"), 20, mutation=0.0)


def test_simulated_fermi_fixation_matches_the_birth_death_chain():
    game = parse_group_game("threshold:4:2:3")
    z, runs = 12, 4000
    rho = fixation_probabilities(game, z, intensity=1.0)["contributor"]
    r = evolve("always-cooperate:1,always-defect:11", dynamics="fermi", game=game,
               intensity=1.0, generations=2000, runs=runs, seed=3)  # fmt: skip
    se = math.sqrt(rho * (1 - rho) / runs)
    assert r.fixation[0] == pytest.approx(rho, abs=4 * se)
    assert r.fixed_type.min() >= 0


def test_group_games_on_graphs_and_their_errors():
    r = evolve("always-cooperate:0.5,always-defect:0.5", graph="lattice:10x10",
               dynamics="fermi", game="public-goods:5:1.5", intensity=5.0, generations=100,
               seed=2)  # fmt: skip
    assert r.final_frequencies[1] > 0.9  # r < group size: defection wins on a lattice too
    with pytest.raises(InvalidParameter, match="open at random"):
        evolve("random:5,always-defect:5", dynamics="fermi", game="public-goods:5:3")
    with pytest.raises(SpecError, match="takes 3 to 4"):
        parse_group_game("threshold:5:3")
    with pytest.raises(InvalidParameter, match="threshold M"):
        parse_group_game("threshold:5:7:3")
