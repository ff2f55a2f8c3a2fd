"""The population kernels against their pure-Python references, type for type."""

from __future__ import annotations

import numpy as np
import pytest

from trustlab.domain.population.engine import initial_types
from trustlab.domain.population.reference import evolve_counts_reference, evolve_sites_reference
from trustlab.domain.population.structures import lattice, parse_graph, ring
from trustlab.kernel import population as kp

PD = np.array([[3.0, 0.0, 2.0], [5.0, 1.0, 0.5], [4.0, 0.2, 1.5]])


def _run_sites(types0, s, A, act, mode, dyn, sync, *, mu=0.0, linear=False, self_int=False,
               average=True, gkind=0, gpar=None, fixed=None, gens=3, seed=7):  # fmt: skip
    m = 3
    gpar = np.array([3.0, 1.0]) if gpar is None else gpar
    fixed = np.zeros((types0.shape[0], 0)) if fixed is None else fixed
    t = types0.copy()
    runs, n = t.shape
    hist = np.zeros((runs, gens + 1, m), dtype=np.int64)
    final = np.zeros((runs, m), dtype=np.int64)
    fix = np.full(runs, -1, dtype=np.int64)
    step = np.full(runs, -1, dtype=np.int64)
    kp.evolve_sites(t, m, (act, A, mode, self_int, average, gkind, gpar), (s.indptr, s.indices),
                    fixed, (dyn, sync, 0.7, linear, mu, np.arange(m, dtype=np.int64)),
                    (0, 0, gens, np.uint64(seed), 1, False),
                    (hist, np.zeros((0, 0, n), np.int32), final, fix, step))  # fmt: skip
    ref = evolve_sites_reference(types0, s.indptr, s.indices, A, act, mode, self_int, average,
                                 gkind, gpar, fixed, dyn, sync, 0.7, linear, mu,
                                 np.arange(m), 0, gens, seed)  # fmt: skip
    return t, ref, hist, final


@pytest.mark.parametrize(
    ("dyn", "sync"),
    [(kp.MORAN_BD, False), (kp.MORAN_DB, False), (kp.FERMI, False), (kp.FERMI, True),
     (kp.BEST, False), (kp.BEST, True)],
)  # fmt: skip
@pytest.mark.parametrize("mu", [0.0, 0.2])
def test_sites_kernel_matches_reference_pair_payoffs(dyn, sync, mu):
    s = parse_graph("erdos-renyi:14:0.3", seed=3)  # irregular, maybe isolated sites
    types0 = initial_types(np.array([5, 5, 4]), 3, seed=11)
    t, ref, hist, final = _run_sites(types0, s, PD, np.zeros(3, np.int64), kp.PAIR, dyn, sync,
                                     mu=mu)  # fmt: skip
    np.testing.assert_array_equal(t, ref)
    np.testing.assert_array_equal(final, np.stack([np.bincount(r, minlength=3) for r in ref]))
    assert (hist.sum(axis=2) == 14).all()


@pytest.mark.parametrize("dyn", [kp.MORAN_BD, kp.FERMI, kp.BEST])
@pytest.mark.parametrize(("gkind", "gpar"), [(kp.PGG, [3.0, 1.0]), (kp.THRESHOLD, [3, 4.0, 1.0]),
                                             (kp.RISK, [3, 0.9, 0.1, 1.0])])  # fmt: skip
def test_sites_kernel_matches_reference_group_games(dyn, gkind, gpar):
    s = lattice(4, 4, neighbourhood="von-neumann", boundary="fixed")
    act = np.array([1, 0, 1], dtype=np.int64)
    types0 = initial_types(np.array([6, 6, 4]), 2, seed=5)
    gp = np.array(gpar, dtype=float)
    t, ref, _, _ = _run_sites(types0, s, np.zeros((3, 3)), act, kp.GROUP, dyn, dyn == kp.BEST,
                              gkind=gkind, gpar=gp, average=False)  # fmt: skip
    np.testing.assert_array_equal(t, ref)


def test_sites_kernel_matches_reference_fixed_payoffs_and_linear_fitness():
    s = ring(12, 4)
    types0 = initial_types(np.array([4, 4, 4]), 2, seed=9)
    fixed = np.linspace(0.1, 2.0, 24).reshape(2, 12)
    t, ref, _, _ = _run_sites(types0, s, np.zeros((3, 3)), np.zeros(3, np.int64), kp.FIXED,
                              kp.MORAN_DB, False, fixed=fixed, linear=True, gens=1)  # fmt: skip
    np.testing.assert_array_equal(t, ref)


@pytest.mark.parametrize("dyn", [kp.MORAN_BD, kp.MORAN_DB, kp.FERMI])
@pytest.mark.parametrize("self_int", [False, True])
def test_counts_kernel_matches_reference(dyn, self_int):
    counts0 = np.array([[4, 3, 5], [1, 10, 1]], dtype=np.int64)
    m = 3
    for mode, mu in ((kp.PAIR, 0.0), (kp.PAIR, 0.3), (kp.GROUP, 0.1)):
        act = np.array([1, 0, 1], dtype=np.int64)
        table = np.vstack([np.linspace(0, 1, 13), np.linspace(-0.5, 1.5, 13)])
        c = counts0.copy()
        hist = np.zeros((2, 5, m), dtype=np.int64)
        final = np.zeros((2, m), dtype=np.int64)
        fix = np.full(2, -1, dtype=np.int64)
        step = np.full(2, -1, dtype=np.int64)
        kp.evolve_counts(c, (act, PD, mode, self_int, True, 0, np.zeros(1)), table,
                         (dyn, False, 0.9, False, mu, np.arange(m, dtype=np.int64)),
                         (0, 0, 4, np.uint64(3), 1, False),
                         (hist, np.zeros((0, 0, 0), np.int32), final, fix, step))  # fmt: skip
        ref = evolve_counts_reference(counts0, PD, act, table, mode, self_int, True, dyn, 0.9,
                                      False, mu, np.arange(m), 0, 4, 3)  # fmt: skip
        np.testing.assert_array_equal(final, ref)
        np.testing.assert_array_equal(hist[:, -1], ref)


@pytest.mark.parametrize(
    ("dyn", "mu", "b", "side", "gens"),
    [(kp.BEST, 0.05, 1.9, 9, 4), (kp.FERMI, 0.05, 1.9, 9, 4),
     # no mutation, with exact ties at b = 2 (payoffs 2·n against m)
     (kp.BEST, 0.0, 1.9, 40, 60), (kp.BEST, 0.0, 2.0, 40, 60), (kp.BEST, 0.0, 1.6, 30, 40)],
)  # fmt: skip
def test_parallel_synchronous_generation_draws_what_the_run_kernel_draws(dyn, mu, b, side, gens):
    s = lattice(side, side - 2, neighbourhood="moore")
    n = side * (side - 2)
    types0 = initial_types(np.array([n // 2, n - n // 2]), 1, seed=2)
    A = np.array([[1.0, 0.0], [b, 0.0]])
    m = 2
    t = types0.copy()
    payoff = (np.zeros(2, np.int64), A, kp.PAIR, True, False, 0, np.zeros(1))
    graph = (s.indptr, s.indices)
    rule = (dyn, True, 1.0, False, mu, np.arange(2, dtype=np.int64))
    kp.evolve_sites(t, m, payoff, graph, np.zeros((1, 0)), rule,
                    (0, 0, gens, np.uint64(4), 1, False),
                    (np.zeros((1, gens + 1, m), np.int64), np.zeros((0, 0, n), np.int32),
                     np.zeros((1, m), np.int64), np.full(1, -1), np.full(1, -1)))  # fmt: skip
    u = types0[0].copy()
    nxt = np.empty_like(u)
    pay, nc = np.zeros(n), np.zeros(n, np.int64)
    for g in range(gens):
        kp.site_payoffs(u, payoff, graph, nc, pay)
        kp.sync_generation(u, nxt, 0, g, np.uint64(4), rule, pay, graph)
        u[:] = nxt
    np.testing.assert_array_equal(t[0], u)
