"""The Python API refuses requests too big for memory or time before allocating anything, with
one line naming the size and the limit (the CLI relies on the same checks)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from trustlab.domain import limits
from trustlab.domain.analysis.fixation import fixation_probability
from trustlab.domain.analysis.markov import long_run_payoffs
from trustlab.domain.matches import play_match
from trustlab.domain.population import evolve
from trustlab.domain.population.structures import from_edges, parse_graph
from trustlab.domain.society.config import SocietyConfig
from trustlab.domain.society.critical_mass import critical_mass
from trustlab.domain.tournaments import play_tournament

T12 = 10**12
PD = np.array([[3.0, 0.0], [5.0, 1.0]])

HUGE: list[tuple[str, Callable[[], Any], str]] = [
    ("match repetitions", lambda: play_match("tft", "tft", repetitions=T12), "repetitions = "),
    ("match turns", lambda: play_match("tft", "tft", turns=T12), "match-turns"),
    ("match continuation", lambda: play_match("tft", "tft", continuation=1 - 1e-16),
     "continuation"),
    ("match history", lambda: play_match("tft", "tft", turns=10**11, history=True), "turns"),
    ("tournament", lambda: play_tournament(["tft", "grudger"], repetitions=10**10),
     "repetitions = "),
    ("lattice", lambda: parse_graph("lattice:100000x100000"), "lattice:100000x100000"),
    ("ring", lambda: parse_graph(f"ring:{10**10}:2"), "ring"),
    ("erdos-renyi", lambda: parse_graph("erdos-renyi:10000000:0.5"), "erdos-renyi"),
    ("evolve runs", lambda: evolve("tft:5,always-defect:5", runs=10**10), "runs = "),
    ("evolve counts", lambda: evolve(f"tft:{10**10},always-defect:5"), "population of"),
    ("society agents", lambda: SocietyConfig("reciprocator:1", n_agents=10**10), "agents = "),
    ("society rounds", lambda: SocietyConfig("reciprocator:1", rounds=T12), "rounds = "),
    ("critical mass runs",
     lambda: critical_mass(SocietyConfig("guarded:1", n_agents=500), runs=10**9), "runs = "),
    ("fixation", lambda: fixation_probability(PD, T12), "population = "),
]  # fmt: skip


@pytest.mark.parametrize(("call", "words"), [c[1:] for c in HUGE], ids=[c[0] for c in HUGE])
def test_the_api_refuses_before_allocating(call: Callable[[], Any], words: str) -> None:
    start = time.perf_counter()
    with pytest.raises(limits.TooLarge) as info:
        call()
    assert time.perf_counter() - start < 5.0
    message = str(info.value)
    assert words in message and "limit" in message and "\n" not in message


def test_an_edge_list_naming_a_huge_site_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "edges.txt"
    f.write_text("0 1\n1 99999999999\n")
    with pytest.raises(limits.TooLarge, match="99999999999"):
        from_edges(f)


def test_requests_below_the_limits_still_run() -> None:
    assert play_match("tft", "tft", turns=10, repetitions=3, seed=1).scores.tolist() == [30, 30]
    assert parse_graph("ring:100:2").n_sites == 100


def test_a_process_memory_limit_lowers_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under ``ulimit -v`` the cap is half of that limit, not of the machine's memory."""
    import resource

    unlimited = limits.memory_cap()
    monkeypatch.setattr(resource, "getrlimit", lambda _: (2**30, resource.RLIM_INFINITY))
    assert limits.memory_cap() == min(unlimited, 2**29)


def test_long_fixed_matches_are_summed_exactly_by_squaring(monkeypatch: pytest.MonkeyPatch) -> None:
    """Beyond FORWARD_TURNS the expectation is summed by repeated squaring: the same numbers as
    turn by turn, and 10¹² turns in milliseconds."""
    from trustlab.domain.analysis import markov

    turns = markov.FORWARD_TURNS + 17
    by_squaring = long_run_payoffs("wsls", "tft", noise=0.05, turns=turns).scores
    monkeypatch.setattr(markov, "FORWARD_TURNS", 10**7)
    by_turns = long_run_payoffs("wsls", "tft", noise=0.05, turns=turns).scores
    np.testing.assert_allclose(by_squaring, by_turns, rtol=1e-12)
    r = long_run_payoffs("tft", "tft", noise=0.05, turns=T12)
    np.testing.assert_allclose(r.scores_per_turn, [2.25, 2.25], atol=1e-9)


def test_messages_say_size_and_limit() -> None:
    with pytest.raises(limits.TooLarge) as info:
        limits.check_memory(3 * 2**50, "repetitions = 10")
    assert "3.0 PiB" in str(info.value) and "the limit is" in str(info.value)
