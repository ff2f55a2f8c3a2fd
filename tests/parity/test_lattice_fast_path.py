"""The dense-lattice fast path against the general site kernel, generation by generation.

The fast path (``trustlab.kernel.lattice``) must give the very same lattices as
``trustlab.kernel.population.evolve_sites`` (itself tested against the pure-Python reference)
for the same seed, ties between types included; ``evolve`` must route Nowak & May's setting to it
and give unchanged results.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from numba_threads import at_threads
from trustlab import matrix_game
from trustlab.domain.population import engine, evolve
from trustlab.domain.population.reference import evolve_sites_reference
from trustlab.domain.population.structures import Structure, lattice, ring
from trustlab.kernel import lattice as kl
from trustlab.kernel import population as kp

#: temptations b of Nowak & May's matrix [[1, 0], [b, 0]]: integers and 1.5 tie cooperators with
#: defectors (payoff m against b·k), the others between breakpoints do not
TEMPTATIONS = [1.0, 1.5, 1.6, 1.85, 1.9, 2.0, 2.5, 3.0]
#: other matrices the fast path accepts: integers (exact sums in any order), a zero in each row
OTHER = [[[3.0, 0.0], [5.0, 1.0]], [[4.0, 0.0], [0.0, 3.0]], [[0.5, -0.25], [0.75, 0.125]],
         [[0.0, 0.7], [1.3, 0.0]]]  # fmt: skip
MATRICES = st.one_of(
    st.sampled_from(TEMPTATIONS).map(lambda b: [[1.0, 0.0], [b, 0.0]]), st.sampled_from(OTHER)
)


def _outputs(runs: int, n: int, gens: int) -> tuple[np.ndarray, ...]:
    return (
        np.zeros((runs, gens + 1, 2), np.int64),
        np.zeros((1, gens + 1, n), np.int32),
        np.zeros((runs, 2), np.int64),
        np.full(runs, -1, np.int64),
        np.full(runs, -1, np.int64),
    )


def _general(types0, s, A, self_int, average, gens, seed, stop=False):
    t = types0.copy()
    out = _outputs(*t.shape[:1], t.shape[1], gens)
    kp.evolve_sites(t, 2, (np.zeros(2, np.int64), A, kp.PAIR, self_int, average, 0, np.zeros(1)),
                    (s.indptr, s.indices), np.zeros((t.shape[0], 0)),
                    (kp.BEST, True, 1.0, False, 0.0, np.arange(2, dtype=np.int64)),
                    (0, 0, gens, np.uint64(seed), 1, stop), out)  # fmt: skip
    return (t, *out)


def _fast(types0, s, A, self_int, average, gens, seed, stop=False, parallel=False):
    kind = kl.lattice_kind(s.indptr, s.indices, s.shape)
    assert kind is not None
    h, w = s.shape
    tables = kl.rank_tables(A, height=h, width=w, moore=kind[0], periodic=kind[1],
                            self_interaction=self_int, average=average)  # fmt: skip
    assert tables is not None
    t = types0.copy()
    out = _outputs(*t.shape[:1], t.shape[1], gens)
    kl.evolve_lattice(t, (h, w, *kind), tables, (0, 0, gens, np.uint64(seed), 1, stop), out,
                      parallel)  # fmt: skip
    return (t, *out)


def _assert_same(a, b):
    names = ("types", "history", "snapshots", "final", "fixed type", "fixation step")
    for name, x, y in zip(names, a, b, strict=True):
        np.testing.assert_array_equal(x, y, err_msg=name)


@given(
    width=st.integers(1, 11),
    height=st.integers(1, 11),
    moore=st.booleans(),
    periodic=st.booleans(),
    self_int=st.booleans(),
    average=st.booleans(),
    matrix=MATRICES,
    share=st.floats(0.05, 0.95),
    seed=st.integers(0, 2**32),
    stop=st.booleans(),
    parallel=st.booleans(),
)
def test_fast_path_equals_the_site_kernel_generation_by_generation(
    width, height, moore, periodic, self_int, average, matrix, share, seed, stop, parallel
):
    if width * height < 2:
        return
    s = lattice(width, height, neighbourhood="moore" if moore else "von-neumann",
                boundary="periodic" if periodic else "fixed")  # fmt: skip
    if kl.lattice_kind(s.indptr, s.indices, s.shape) is None:
        # only a periodic lattice narrower than 3 (wrapped neighbours coincide) is refused
        assert periodic and min(width, height) < 3
        return
    n = width * height
    rng = np.random.default_rng(seed)
    types0 = (rng.random((3, n)) < share).astype(np.int32)
    A = np.array(matrix)
    gens = 12
    # snapshots hold run 0's lattice after every generation; history the counts of every run
    _assert_same(_general(types0, s, A, self_int, average, gens, seed, stop),
                 _fast(types0, s, A, self_int, average, gens, seed, stop, parallel))  # fmt: skip


@pytest.mark.parametrize("b", [2.0, 1.5])
def test_ties_between_types_are_drawn_as_the_site_kernel_draws_them(b):
    # with b = 2 a defector with k cooperating neighbours earns 2k, a cooperator m: exact ties
    # in every generation, settled by the same keyed draws
    A = np.array([[1.0, 0.0], [b, 0.0]])
    _, rank_type = kl.rank_tables(A, height=40, width=30, moore=True, periodic=True,
                                  self_interaction=False, average=False)  # fmt: skip
    assert (rank_type == -1).sum() >= 3  # payoffs that both types reach
    s = lattice(30, 40, neighbourhood="moore")
    types0 = (np.random.default_rng(3).random((1, 1200)) < 0.5).astype(np.int32)
    fast = _fast(types0, s, A, False, False, 40, 11)
    _assert_same(_general(types0, s, A, False, False, 40, 11), fast)
    ref = evolve_sites_reference(types0, s.indptr, s.indices, A, np.zeros(2, np.int64), kp.PAIR,
                                 False, False, 0, np.zeros(1), np.zeros((1, 0)), kp.BEST, True,
                                 1.0, False, 0.0, np.arange(2), 0, 40, 11)  # fmt: skip
    np.testing.assert_array_equal(fast[0], ref)


def _parallel_rows(parallel: bool) -> tuple[np.ndarray, ...]:
    s = lattice(70, 50, neighbourhood="von-neumann", boundary="fixed")
    A = np.array([[1.0, 0.0], [2.0, 0.0]])
    types0 = (np.random.default_rng(8).random((1, 3500)) < 0.6).astype(np.int32)
    return _fast(types0, s, A, True, True, 30, 5, parallel=parallel)


def test_rows_in_parallel_or_not_and_any_thread_count_give_the_same_lattices():
    # two threads for real, even on a one-core runner (a subprocess: tests/numba_threads.py)
    one = at_threads(1, _parallel_rows, True)
    _assert_same(one, at_threads(2, _parallel_rows, True))
    _assert_same(one, _parallel_rows(False))


def test_lattice_kind_recognises_exactly_the_lattices():
    for nb in ("moore", "von-neumann"):
        for bd in ("periodic", "fixed"):
            s = lattice(5, 4, neighbourhood=nb, boundary=bd)
            kind = (nb == "moore", bd == "periodic")
            assert kl.lattice_kind(s.indptr, s.indices, s.shape) == kind
    r = ring(20, 4)
    # a structure that claims a shape without the lattice's neighbours is not taken for one
    fake = Structure("fake", 20, r.indptr, r.indices, (4, 5))
    assert kl.lattice_kind(fake.indptr, fake.indices, fake.shape) is None
    assert kl.lattice_kind(r.indptr, r.indices, None) is None
    two = lattice(2, 5, neighbourhood="moore")  # wrapped neighbours coincide: deduplicated CSR
    assert kl.lattice_kind(two.indptr, two.indices, two.shape) is None


def test_rank_tables_refuse_payoffs_whose_sum_depends_on_the_order():
    kw = dict(height=5, width=5, moore=True, periodic=True, self_interaction=True, average=False)
    # 0.1 + 0.2 + 0.2 ≠ 0.2 + 0.2 + 0.1 in binary: only the general path sums in CSR order
    assert kl.rank_tables(np.array([[0.1, 0.2], [0.3, 0.0]]), **kw) is None
    assert kl.rank_tables(np.array([[1.0, np.nan], [0.3, 0.0]]), **kw) is None
    key, rank_type = kl.rank_tables(np.array([[1.0, 0.0], [1.9, 0.0]]), **kw)
    # Nowak & May at b = 1.9: cooperators earn 1..9, defectors 1.9·k; no payoff is shared, and
    # each key's last bit is its type
    used = key[key > 0]
    assert (rank_type[used >> 1] == used & 1).all()
    coop = key[(0 * 9 + 8) * 9 : (0 * 9 + 8) * 9 + 9]  # a cooperator with 0..8 defectors around
    assert (np.diff(coop.astype(int)) < 0).all()
    defector = key[(1 * 9 + 8) * 9 : (1 * 9 + 8) * 9 + 9]  # 1.9 · (8 − n1): 0 for n1 = 8
    assert (np.diff(defector.astype(int)) < 0).all() and defector[-1] == 2 * 1 + 1


NOWAK_MAY = dict(graph="lattice:30x20", neighbourhood="moore", self_interaction=True,
                 accumulate="sum", dynamics="best-neighbour", payoffs="one-shot")  # fmt: skip


def _without_fast_path(monkeypatch, pop, **kw):
    with monkeypatch.context() as m:
        m.setattr(engine, "_lattice_fast_path", lambda *a: None)
        return evolve(pop, **kw)


def _same_result(a, b):
    for name in ("history", "final", "fixed_type", "fixation_step"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    if a.snapshots is not None or b.snapshots is not None:
        np.testing.assert_array_equal(a.snapshots, b.snapshots)
    assert a.to_dict() == b.to_dict()


@pytest.mark.parametrize(
    "kw",
    [
        dict(game=matrix_game([[1, 0], [1.9, 0]]), generations=30, snapshots=True),
        dict(game=matrix_game([[1, 0], [2, 0]]), generations=25, record_every=4, runs=3),
        dict(game=matrix_game([[1, 0], [1.6, 0]]), generations=40, boundary="fixed",
             neighbourhood="von-neumann", self_interaction=False, accumulate="average"),
        dict(game="prisoners-dilemma", generations=60, runs=2, stop_at_fixation=False),
        dict(game="donation:2,1", generations=60, snapshots=True),  # fixes: records repeat
    ],
)  # fmt: skip
def test_evolve_takes_the_fast_path_with_unchanged_results(monkeypatch, kw):
    pop = "always-cooperate:0.7,always-defect:0.3"
    settings = {**NOWAK_MAY, **kw, "seed": 21}
    calls = []
    real = kl.evolve_lattice
    with monkeypatch.context() as m:
        m.setattr(kl, "evolve_lattice", lambda *a: calls.append(1) or real(*a))
        fast = evolve(pop, **settings)
    assert calls, "Nowak & May's setting should run on the dense-lattice kernel"
    _same_result(fast, _without_fast_path(monkeypatch, pop, **settings))


def test_a_large_run_in_chunks_equals_the_sites_in_parallel_path(monkeypatch):
    # 4096+ sites and one run: the general path is the sites-in-parallel one
    settings = {**NOWAK_MAY, "graph": "lattice:80x60", "game": matrix_game([[1, 0], [1.85, 0]]),
                "generations": 45, "seed": 4}  # fmt: skip
    pop = "always-cooperate:0.9,always-defect:0.1"
    _same_result(evolve(pop, **settings), _without_fast_path(monkeypatch, pop, **settings))


@pytest.mark.parametrize(
    "kw",
    [
        dict(mutation=0.01),
        dict(update="asynchronous"),
        dict(game=matrix_game([[0.1, 0.2], [0.3, 0.0]])),
        dict(dynamics="fermi"),
        dict(graph="ring:600:4"),
    ],
)
def test_other_settings_keep_the_general_path(monkeypatch, kw):
    calls = []
    with monkeypatch.context() as m:
        m.setattr(kl, "evolve_lattice", lambda *a: calls.append(1))
        evolve("always-cooperate:0.5,always-defect:0.5", **{**NOWAK_MAY, "generations": 2,
                                                            "seed": 1, **kw})  # fmt: skip
    assert not calls
    with monkeypatch.context() as m:
        m.setattr(kl, "evolve_lattice", lambda *a: calls.append(1))
        evolve("always-cooperate:0.4,always-defect:0.3,tit-for-tat:0.3",
               **{**NOWAK_MAY, "generations": 2, "seed": 1})  # fmt: skip
    assert not calls  # three types


def _timed_trial() -> tuple[list[bool], list[tuple[int, int]]]:
    settings = {**NOWAK_MAY, "graph": "lattice:40x30", "game": matrix_game([[1, 0], [2, 0]]),
                "generations": 23, "record_every": 2, "snapshots": True, "seed": 6}  # fmt: skip
    pop = "always-cooperate:0.8,always-defect:0.2"
    seen: list[tuple[int, int]] = []
    modes: list[bool] = []
    real = kl.evolve_lattice
    with pytest.MonkeyPatch.context() as m:
        general = _without_fast_path(m, pop, **settings)
        # every run is "long enough" to try threads: two generations each way, then the faster
        m.setattr(engine, "_LATTICE_PARALLEL_SITES", 1)
        m.setattr(engine, "_LATTICE_TRIAL_WORK", 1)
        m.setattr(kl, "evolve_lattice", lambda *a: modes.append(a[-1]) or real(*a))
        fast = evolve(pop, **settings, progress=lambda d, t: seen.append((d, t)))
    _same_result(fast, general)
    return modes, seen


def test_timed_trial_of_threads_and_progress_chunks_change_nothing():
    # the trial needs two threads: for real, even on a one-core runner (tests/numba_threads.py)
    modes, seen = at_threads(2, _timed_trial)
    assert modes[:2] == [False, True] and len(modes) > 3
    assert seen[-1] == (23, 23) and len(seen) == len(modes)
