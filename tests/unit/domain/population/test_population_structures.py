"""Graph specs to CSR neighbour lists."""

from __future__ import annotations

import numpy as np
import pytest

from trustlab import InvalidParameter, SpecError, UnknownName
from trustlab.domain.population.structures import lattice, parse_graph, ring


def _neighbours(s, x):
    return sorted(s.indices[s.indptr[x] : s.indptr[x + 1]].tolist())


def test_periodic_von_neumann_lattice_wraps_around():
    s = lattice(4, 3)
    assert s.n_sites == 12 and s.shape == (3, 4)
    assert _neighbours(s, 0) == [1, 3, 4, 8]  # right, left (wrapped), down, up (wrapped)
    assert (s.degrees == 4).all()


def test_fixed_moore_lattice_has_fewer_neighbours_at_edges():
    s = lattice(3, 3, neighbourhood="moore", boundary="fixed")
    assert s.degrees.tolist() == [3, 5, 3, 5, 8, 5, 3, 5, 3]


def test_csr_is_symmetric_for_every_kind(tmp_path):
    f = tmp_path / "g.txt"
    f.write_text("# a triangle and a tail\n0 1\n1,2\n2 0\n2 3\n")
    specs = ["lattice:5x4", "ring:10:4", "random-regular:12:3", "erdos-renyi:20:0.2",
             "barabasi-albert:20:2", "watts-strogatz:20:4:0.3", f"edges:{f}"]  # fmt: skip
    for spec in specs:
        s = parse_graph(spec, seed=1)
        n = s.n_sites
        m = np.zeros((n, n), dtype=int)
        src = np.repeat(np.arange(n), s.degrees)
        m[src, s.indices] += 1
        assert (m == m.T).all() and m.max() == 1 and np.trace(m) == 0, spec
    assert parse_graph(f"edges:{f}").degrees.tolist() == [2, 2, 3, 1]


def test_ring_neighbours_and_random_regular_degree():
    assert _neighbours(ring(6, 2), 0) == [1, 5]
    assert _neighbours(ring(8, 4), 0) == [1, 2, 6, 7]
    assert (parse_graph("random-regular:30:4", seed=2).degrees == 4).all()


def test_random_graphs_depend_on_the_seed_only():
    a = parse_graph("erdos-renyi:50:0.1", seed=5)
    b = parse_graph("erdos-renyi:50:0.1", seed=5)
    c = parse_graph("erdos-renyi:50:0.1", seed=6)
    assert np.array_equal(a.indices, b.indices)
    assert not np.array_equal(a.indices, c.indices)


def test_unknown_graph_names_the_closest():
    with pytest.raises(UnknownName, match="did you mean 'lattice'"):
        parse_graph("latice:10x10")


@pytest.mark.parametrize(
    ("spec", "err"),
    [("lattice:10", SpecError), ("ring:10", SpecError), ("ring:10:3", InvalidParameter),
     ("erdos-renyi:10:2", InvalidParameter), ("random-regular:5:3", InvalidParameter),
     ("edges:/no/such/file", InvalidParameter), ("ring:x:2", SpecError)],
)  # fmt: skip
def test_bad_specs_raise_one_line_errors(spec, err):
    with pytest.raises(err) as info:
        parse_graph(spec)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("neighbourhood", ["von-neumann", "moore"])
@pytest.mark.parametrize(("width", "height"), [(3, 3), (4, 3), (3, 7), (17, 5), (30, 30)])
def test_periodic_lattice_rows_equal_the_general_edge_list(
    neighbourhood: str, width: int, height: int
) -> None:
    # periodic lattices of side ≥ 3 skip the global sort; they must equal _csr of all pairs
    from trustlab.domain.population.structures import _csr

    offsets = [(0, 1), (1, 0), (0, -1), (-1, 0)]
    if neighbourhood == "moore":
        offsets += [(1, 1), (1, -1), (-1, 1), (-1, -1)]
    rows, cols = np.divmod(np.arange(width * height), width)
    src = np.concatenate([rows * width + cols for _ in offsets])
    dst = np.concatenate(
        [((rows + dr) % height) * width + (cols + dc) % width for dr, dc in offsets]
    )
    want = _csr(width * height, src, dst, "x", (height, width))
    got = lattice(width, height, neighbourhood=neighbourhood)
    np.testing.assert_array_equal(got.indptr, want.indptr)
    np.testing.assert_array_equal(got.indices, want.indices)
    assert got.indices.dtype == want.indices.dtype
    assert got.shape == (height, width)


def test_a_graph_spec_is_one_validated_value() -> None:
    from trustlab import GraphSpec, evolve

    spec = GraphSpec("Lattice:5x4", neighbourhood="moore", boundary="fixed")
    assert spec.kind == "lattice" and not spec.well_mixed and GraphSpec().well_mixed
    built = spec.build()
    assert built.n_sites == 20 and built.degrees.max() == 8 and built.degrees.min() == 3
    for bad, what in (
        ({"graph": "lattic:5x5"}, "unknown graph 'lattic'"),
        ({"neighbourhood": "hex"}, "unknown neighbourhood 'hex'"),
        ({"boundary": "open"}, "unknown boundary 'open'"),
    ):
        with pytest.raises(UnknownName, match=what):
            GraphSpec(**bad)
    with pytest.raises(InvalidParameter, match="give neighbourhood in the GraphSpec"):
        evolve("always-cooperate:0.5,always-defect:0.5", graph=spec, neighbourhood="moore")
    # the value and the loose keywords give the same evolution
    kw = {"dynamics": "fermi", "payoffs": "one-shot", "generations": 5, "seed": 3}
    pop = "always-cooperate:0.6,always-defect:0.4"
    a = evolve(pop, graph=GraphSpec("ring:30:4"), **kw)  # type: ignore[arg-type]
    b = evolve(pop, graph="ring:30:4", **kw)  # type: ignore[arg-type]
    assert np.array_equal(a.history, b.history) and a.to_dict() == b.to_dict()
    c = evolve(pop, graph=spec, **kw)  # type: ignore[arg-type]
    d = evolve(pop, graph="lattice:5x4", neighbourhood="moore", boundary="fixed", **kw)  # type: ignore[arg-type]
    assert np.array_equal(c.history, d.history)
