"""Properties over random small populations: kernel = reference, counts conserved, seeds rule."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from trustlab.domain.population.engine import initial_types
from trustlab.domain.population.reference import evolve_sites_reference
from trustlab.domain.population.structures import parse_graph
from trustlab.kernel import population as kp

graphs = st.sampled_from(
    ["ring:9:2", "ring:10:4", "lattice:4x3", "erdos-renyi:11:0.35", "barabasi-albert:10:2",
     "watts-strogatz:12:4:0.3"]
)  # fmt: skip


@given(
    graph=graphs,
    graph_seed=st.integers(0, 50),
    dyn=st.sampled_from([kp.MORAN_BD, kp.MORAN_DB, kp.FERMI, kp.BEST]),
    sync=st.booleans(),
    mu=st.sampled_from([0.0, 0.1]),
    w=st.floats(0.0, 3.0),
    payoffs=st.lists(st.floats(-2.0, 5.0), min_size=9, max_size=9),
    seed=st.integers(0, 2**63),
    self_int=st.booleans(),
    average=st.booleans(),
)
def test_site_kernel_equals_reference_and_conserves_individuals(
    graph, graph_seed, dyn, sync, mu, w, payoffs, seed, self_int, average
):
    if dyn in (kp.MORAN_BD, kp.MORAN_DB):
        sync = False
    s = parse_graph(graph, seed=graph_seed)
    n = s.n_sites
    A = np.array(payoffs).reshape(3, 3)
    counts = np.array([n // 3, n // 3, n - 2 * (n // 3)])
    types0 = initial_types(counts, 2, seed=seed % 1000)
    t = types0.copy()
    final = np.zeros((2, 3), dtype=np.int64)
    kp.evolve_sites(t, 3, (np.zeros(3, np.int64), A, kp.PAIR, self_int, average, 0, np.zeros(1)),
                    (s.indptr, s.indices), np.zeros((2, 0)),
                    (dyn, sync, w, False, mu, np.arange(3, dtype=np.int64)),
                    (0, 0, 2, np.uint64(seed), 1, False),
                    (np.zeros((2, 3, 3), np.int64), np.zeros((0, 0, n), np.int32), final,
                     np.full(2, -1), np.full(2, -1)))  # fmt: skip
    ref = evolve_sites_reference(types0, s.indptr, s.indices, A, np.zeros(3), kp.PAIR, self_int,
                                 average, 0, np.zeros(1), np.zeros((2, 0)), dyn, sync, w, False,
                                 mu, np.arange(3), 0, 2, seed)  # fmt: skip
    np.testing.assert_array_equal(t, ref)
    assert (final.sum(axis=1) == n).all()
    if mu == 0.0:  # without mutation no type appears from nowhere
        assert ((final > 0) <= (counts > 0)).all()
