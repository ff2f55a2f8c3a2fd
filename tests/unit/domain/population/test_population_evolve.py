"""evolve(): paths, records, reproducibility and errors."""

from __future__ import annotations

import numpy as np
import pytest

from numba_threads import at_threads
from trustlab import InvalidParameter, TrustlabError, UnknownName, evolve, matrix_game


def test_history_starts_at_the_initial_counts_and_records_every_k():
    r = evolve("tit-for-tat:6,always-defect:4", dynamics="fermi", generations=10,
               record_every=5, seed=1)  # fmt: skip
    d = r.to_dict()
    assert [h["generation"] for h in d["history"]] == [0, 5, 10]
    assert d["history"][0]["frequencies"] == {"tit-for-tat": 0.6, "always-defect": 0.4}
    assert sum(d["final"].values()) == pytest.approx(1.0)
    assert d["seed"] == 1 and d["version"]


def _ring_runs(runs: int) -> tuple[np.ndarray, np.ndarray]:
    kw = dict(graph="ring:20:2", dynamics="moran-db", generations=30, runs=runs, seed=9,
              payoffs="one-shot", game="donation:4,1")  # fmt: skip
    r = evolve("always-cooperate:10,always-defect:10", **kw)
    return r.final, r.history


def test_same_seed_same_history_for_any_thread_count_and_batching():
    # two threads for real, even on a one-core runner (a subprocess: tests/numba_threads.py)
    a_final, a_history = at_threads(1, _ring_runs, 40)
    b_final, b_history = at_threads(2, _ring_runs, 40)
    np.testing.assert_array_equal(a_final, b_final)
    np.testing.assert_array_equal(a_history, b_history)
    c_final, _ = _ring_runs(7)  # the first runs do not depend on how many follow
    np.testing.assert_array_equal(c_final, a_final[:7])


def test_large_synchronous_run_equals_the_per_run_kernel():
    game = matrix_game([[1, 0], [1.85, 0]])
    kw = dict(graph="lattice:64x64", neighbourhood="moore", self_interaction=True,
              accumulate="sum", dynamics="best-neighbour", payoffs="one-shot", game=game,
              generations=8, seed=5)  # fmt: skip
    pop = "always-cooperate:0.9,always-defect:0.1"
    one = evolve(pop, **kw)  # 4096 sites: the sites-in-parallel path
    two = evolve(pop, **kw, runs=2)  # the runs-in-parallel path
    np.testing.assert_array_equal(one.history[0], two.history[0])


def test_fixation_is_recorded_with_its_generation():
    r = evolve("always-cooperate:1,always-defect:9", dynamics="moran-bd", payoffs="one-shot",
               intensity=2.0, generations=500, seed=4)  # fmt: skip
    d = r.to_dict()
    assert d["fixation"]["character"] == "always-defect"
    assert 0 < d["fixation"]["generation"] < 500
    assert d["final"] == {"always-cooperate": 0.0, "always-defect": 1.0}


def test_mutation_keeps_both_types_and_brings_in_mutant_types():
    r = evolve("always-cooperate:50", dynamics="fermi", mutation=0.2,
               mutants=["always-cooperate", "always-defect"], payoffs="one-shot",
               generations=20, seed=1)  # fmt: skip
    assert r.names == ["always-cooperate", "always-defect"]
    assert 0.02 < r.final_frequencies[1] < 0.98
    assert (r.fixed_type == -1).all()


def test_snapshots_of_a_lattice():
    r = evolve("always-cooperate:0.5,always-defect:0.5", graph="lattice:6x5",
               dynamics="best-neighbour", payoffs="one-shot", generations=4, snapshots=True,
               seed=2)  # fmt: skip
    assert r.snapshots is not None and r.snapshots.shape == (5, 30) and r.shape == (5, 6)
    assert (np.bincount(r.snapshots[-1], minlength=2) == r.final[0]).all()


def test_expected_payoffs_come_from_the_analysis_or_a_tournament():
    r = evolve("tit-for-tat:5,always-defect:5", generations=1, turns=10, seed=0)
    assert r.payoffs.startswith("expected")
    assert r.payoff_matrix is not None
    np.testing.assert_allclose(r.payoff_matrix, [[3.0, 0.9], [1.4, 1.0]])


def test_played_matches_each_generation_on_a_graph():
    r = evolve("tit-for-tat:0.5,always-defect:0.5", graph="ring:20:4", dynamics="fermi",
               payoffs="matches", turns=20, generations=40, intensity=5.0, seed=3)  # fmt: skip
    assert r.payoffs == "matches"
    assert r.final_frequencies[0] > 0.5  # reciprocity spreads on a ring with long matches


@pytest.mark.parametrize(
    ("kw", "err", "match"),
    [(dict(graph="ring:10:2", population="tit-for-tat:5,always-defect:6"), InvalidParameter,
      "does not fit"),
     (dict(dynamics="moran"), UnknownName, "moran-bd"),
     (dict(graph="lattic:4x4"), UnknownName, "lattice"),
     (dict(dynamics="elimination", graph="ring:10:2"), InvalidParameter, "well-mixed"),
     (dict(dynamics="elimination", eliminate=6), InvalidParameter, "between 1 and"),
     (dict(dynamics="moran-bd", update="synchronous"), InvalidParameter, "asynchronous"),
     (dict(intensity=-1.0), InvalidParameter, "intensity"),
     (dict(mutation=1.5), InvalidParameter, "mutation"),
     (dict(fitness="linear", intensity=5.0, payoffs="one-shot", game="donation:3,1",
           dynamics="moran-bd"), InvalidParameter, "not positive"),
     (dict(population="tit-for-tat:0.5,always-defect:0.6", size=10), InvalidParameter,
      "sum to 1")],
)  # fmt: skip
def test_bad_input_raises_a_one_line_error(kw, err, match):
    kw = {"population": "tit-for-tat:5,always-defect:5", "generations": 1, **kw}
    with pytest.raises(err, match=match) as info:
        evolve(**kw)
    assert isinstance(info.value, TrustlabError) and "\n" not in str(info.value)
