"""Population structures: who interacts with and learns from whom, as CSR neighbour lists.

A structure is a graph on ``n`` sites given by ``indptr`` and ``indices`` (the neighbours of site
``x`` are ``indices[indptr[x]:indptr[x + 1]]``), or the well-mixed population (``well_mixed``:
everyone is everyone's neighbour, stored as counts by the kernels). Lattices and rings are built
directly with NumPy (a 1000×1000 lattice in milliseconds); random graphs come from NetworkX with a
seed derived from the run's seed.

References
----------
Nowak & May (1992), "Evolutionary games and spatial chaos", Nature 359:826. doi:10.1038/359826a0
Lieberman, Hauert & Nowak (2005), "Evolutionary dynamics on graphs", Nature 433:312.
doi:10.1038/nature03204
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from trustlab.domain.errors import InvalidParameter, SpecError, UnknownName
from trustlab.domain.limits import check_memory

__all__ = [
    "BOUNDARIES",
    "GRAPH_KINDS",
    "NEIGHBOURHOODS",
    "GraphSpec",
    "Structure",
    "complete_graph",
    "from_edges",
    "lattice",
    "parse_graph",
    "ring",
]

GRAPH_KINDS = (
    "well-mixed",
    "lattice",
    "ring",
    "random-regular",
    "erdos-renyi",
    "barabasi-albert",
    "watts-strogatz",
    "edges",
)
NEIGHBOURHOODS = ("von-neumann", "moore")
BOUNDARIES = ("periodic", "fixed")


@dataclass(frozen=True, eq=False)
class Structure:
    """A population structure.

    Attributes
    ----------
    name : str
        The spec it was built from, e.g. ``"lattice:50x50"``.
    n_sites : int or None
        Number of sites (None for a well-mixed population of any size).
    indptr, indices : ndarray
        CSR neighbour lists (empty for well mixed).
    shape : tuple of int or None
        ``(height, width)`` for lattices (site ``x`` is row ``x // width``, column ``x % width``).
    """

    name: str
    n_sites: int | None
    indptr: np.ndarray = field(repr=False)
    indices: np.ndarray = field(repr=False)
    shape: tuple[int, int] | None = None

    @property
    def well_mixed(self) -> bool:
        """Whether everyone meets everyone (no graph)."""
        return self.n_sites is None

    @property
    def degrees(self) -> np.ndarray:
        """Number of neighbours of each site."""
        return np.diff(self.indptr)

    def describe(self) -> dict[str, object]:
        """For records: the spec, the number of sites and the mean degree."""
        if self.well_mixed:
            return {"graph": self.name}
        return {
            "graph": self.name,
            "sites": self.n_sites,
            "edges": int(self.indices.size // 2),
            "mean_degree": float(self.degrees.mean()) if self.n_sites else 0.0,
        }


def _check_size(name: str, n_sites: float, n_pairs: float, *, networkx: bool = False) -> None:
    """Refuse a graph whose construction would not fit in memory (before building it).

    The CSR build sorts every directed pair as int64 keys (about 48 bytes a pair at its peak);
    NetworkX's dicts of dicts take about 400 bytes a site and 300 an edge.
    """
    per_site, per_pair = (400.0, 300.0) if networkx else (24.0, 48.0)
    check_memory(n_sites * per_site + n_pairs * per_pair, f"graph {name}")


def _csr(n: int, src: np.ndarray, dst: np.ndarray, name: str, shape: tuple[int, int] | None = None
         ) -> Structure:  # fmt: skip
    """A structure from directed pairs (both directions must be present), duplicates removed."""
    keys = np.sort(src.astype(np.int64) * n + dst.astype(np.int64))
    # sorted, then duplicates dropped (np.unique's hashing is much slower on millions of edges)
    keys = keys[np.concatenate([[True], keys[1:] != keys[:-1]])]
    src, dst = keys // n, keys % n
    keep = src != dst
    src, dst = src[keep], dst[keep]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    return Structure(name, n, indptr, dst.astype(np.int32), shape)


def _undirected(n: int, u: np.ndarray, v: np.ndarray, name: str,
                shape: tuple[int, int] | None = None) -> Structure:  # fmt: skip
    return _csr(n, np.concatenate([u, v]), np.concatenate([v, u]), name, shape)


def lattice(
    width: int, height: int, *, neighbourhood: str = "von-neumann", boundary: str = "periodic"
) -> Structure:
    """A square lattice, von Neumann (4) or Moore (8) neighbours, periodic or fixed boundary.

    Examples
    --------
    >>> s = lattice(3, 3, neighbourhood="moore")
    >>> s.degrees.tolist()
    [8, 8, 8, 8, 8, 8, 8, 8, 8]
    >>> lattice(3, 3, boundary="fixed").degrees.tolist()
    [2, 3, 2, 3, 4, 3, 2, 3, 2]
    """
    if neighbourhood not in NEIGHBOURHOODS:
        raise UnknownName("neighbourhood", neighbourhood, NEIGHBOURHOODS)
    if boundary not in BOUNDARIES:
        raise UnknownName("boundary", boundary, BOUNDARIES)
    if width < 1 or height < 1 or width * height < 2:
        raise InvalidParameter(f"a lattice needs at least 2 sites, got {width}x{height}")
    degree = 8 if neighbourhood == "moore" else 4
    _check_size(f"lattice:{width}x{height}", width * height, width * height * degree)
    offsets = [(0, 1), (1, 0), (0, -1), (-1, 0)]
    if neighbourhood == "moore":
        offsets += [(1, 1), (1, -1), (-1, 1), (-1, -1)]
    rows, cols = np.divmod(np.arange(width * height, dtype=np.int64), width)
    name = f"lattice:{width}x{height}"
    if boundary == "periodic" and width >= 3 and height >= 3:
        # every site has len(offsets) distinct neighbours, none itself: sorting each row gives
        # the same CSR as the general path without a global sort of all n·degree pairs
        nb = np.stack([((rows + dr) % height) * width + (cols + dc) % width for dr, dc in offsets])
        nb = np.sort(nb.T, axis=1)
        n, d = nb.shape
        indptr = np.arange(0, n * d + 1, d, dtype=np.int64)
        return Structure(name, n, indptr, nb.ravel().astype(np.int32), (height, width))
    src, dst = [], []
    for dr, dc in offsets:
        r2, c2 = rows + dr, cols + dc
        if boundary == "periodic":
            ok = np.ones(rows.shape, dtype=bool)
            r2, c2 = r2 % height, c2 % width
        else:
            ok = (r2 >= 0) & (r2 < height) & (c2 >= 0) & (c2 < width)
        src.append((rows * width + cols)[ok])
        dst.append((r2 * width + c2)[ok])
    return _csr(width * height, np.concatenate(src), np.concatenate(dst), name, (height, width))


def ring(n: int, k: int = 2) -> Structure:
    """A ring (cycle) of ``n`` sites, each linked to its ``k`` nearest (k even, k/2 per side).

    Examples
    --------
    >>> ring(5, 2).indices[:2].tolist()
    [1, 4]
    """
    if n < 3:
        raise InvalidParameter(f"a ring needs at least 3 sites, got {n}")
    if k < 2 or k % 2 or k >= n:
        raise InvalidParameter(f"a ring's k must be even, at least 2 and below n={n}, got {k}")
    _check_size(f"ring:{n}:{k}", n, n * k)
    x = np.arange(n, dtype=np.int64)
    u = np.concatenate([x for _ in range(k // 2)])
    v = np.concatenate([(x + d) % n for d in range(1, k // 2 + 1)])
    return _undirected(n, u, v, f"ring:{n}:{k}")


def complete_graph(n: int) -> Structure:
    """Everyone linked to everyone (a well-mixed population as a graph, for per-site payoffs)."""
    if n < 2:
        raise InvalidParameter(f"a population needs at least 2 individuals, got {n}")
    if n > 5000:
        raise InvalidParameter(
            f"this dynamics needs individual payoffs in a well-mixed population, which is "
            f"limited to 5000 individuals, got {n}; use a graph or matrix payoffs"
        )
    ii, jj = np.nonzero(~np.eye(n, dtype=bool))
    return _csr(n, ii, jj, "well-mixed")


def from_edges(path: str | Path) -> Structure:
    """A graph from a text file with one edge per line: two site numbers (0-based), separated
    by white space or a comma; ``#`` starts a comment. Sites are 0..max index."""
    p = Path(path)
    if not p.is_file():
        raise InvalidParameter(f"edge list {str(p)!r} is not a readable file")
    pairs: list[tuple[int, int]] = []
    for lineno, line in enumerate(p.read_text().splitlines(), 1):
        text = line.split("#", 1)[0].replace(",", " ").split()
        if not text:
            continue
        if len(text) < 2:
            raise SpecError(f"edge list {p.name}, line {lineno}: need two site numbers")
        try:
            a, b = int(text[0]), int(text[1])
        except ValueError:
            raise SpecError(f"edge list {p.name}, line {lineno}: {line.strip()!r} is not two "
                            "integers") from None  # fmt: skip
        if a < 0 or b < 0:
            raise SpecError(f"edge list {p.name}, line {lineno}: site numbers must be ≥ 0")
        pairs.append((a, b))
    if not pairs:
        raise SpecError(f"edge list {p.name} has no edges")
    n = max(max(a, b) for a, b in pairs) + 1
    _check_size(f"edges:{p.name} (sites 0..{n - 1})", n, 2 * len(pairs))
    e = np.array(pairs, dtype=np.int64)
    return _undirected(n, e[:, 0], e[:, 1], f"edges:{p.name}")


def _from_networkx(graph: object, name: str) -> Structure:
    import networkx as nx

    g = nx.convert_node_labels_to_integers(graph)
    n = g.number_of_nodes()
    e = np.array(list(g.edges()), dtype=np.int64).reshape(-1, 2)
    return _undirected(n, e[:, 0], e[:, 1], name)


def _edges_guess(kind: str, n: int, second: str) -> float:
    """The edges a random graph spec will have (before its numbers are checked): N·(N − 1)/2·p
    for Erdős–Rényi, about N·k (or N·m) otherwise, never above N·(N − 1)/2."""
    try:
        x = float(second)
    except ValueError:
        x = 1.0
    most = n * (n - 1) / 2
    if not np.isfinite(x):
        return most
    guess = most * min(max(x, 0.0), 1.0) if kind == "erdos-renyi" else n * max(x, 1.0)
    return min(guess, most)


def _ints(parts: list[str], spec: str, names: tuple[str, ...]) -> list[int]:
    out = []
    for p, what in zip(parts, names, strict=True):
        try:
            out.append(int(p))
        except ValueError:
            raise SpecError(f"graph {spec!r}: {what} must be an integer, got {p!r}") from None
    return out


@dataclass(frozen=True)
class GraphSpec:
    """The population's structure as one value: a graph spec with the lattice's neighbourhood and
    boundary, validated when made; :meth:`build` draws the graph.

    Parameters
    ----------
    graph : str
        ``well-mixed``, ``lattice:WxH``, ``ring:N:k``, ``random-regular:N:k``,
        ``erdos-renyi:N:p``, ``barabasi-albert:N:m``, ``watts-strogatz:N:k:p`` or ``edges:FILE``.
    neighbourhood : {"von-neumann", "moore"}
        A lattice's neighbours (4 or 8).
    boundary : {"periodic", "fixed"}
        A lattice's boundary.

    Raises
    ------
    UnknownName
        For an unknown kind of graph, neighbourhood or boundary (the message names the closest).

    Examples
    --------
    >>> from trustlab import GraphSpec, evolve
    >>> spec = GraphSpec("lattice:6x5", neighbourhood="moore")
    >>> spec.kind, spec.build().n_sites
    ('lattice', 30)
    >>> r = evolve("always-cooperate:0.5,always-defect:0.5", graph=spec, dynamics="fermi",
    ...            payoffs="one-shot", generations=2, seed=1)
    >>> r.structure["graph"], r.size
    ('lattice:6x5', 30)
    """

    graph: str = "well-mixed"
    neighbourhood: str = "von-neumann"
    boundary: str = "periodic"

    def __post_init__(self) -> None:
        if not isinstance(self.graph, str):
            raise InvalidParameter(
                f"graph must be a spec such as 'lattice:50x50', got {self.graph!r}"
            )
        if self.kind not in GRAPH_KINDS:
            raise UnknownName("graph", self.kind, GRAPH_KINDS)
        if self.neighbourhood not in NEIGHBOURHOODS:
            raise UnknownName("neighbourhood", self.neighbourhood, NEIGHBOURHOODS)
        if self.boundary not in BOUNDARIES:
            raise UnknownName("boundary", self.boundary, BOUNDARIES)

    @property
    def kind(self) -> str:
        """The kind of graph (``lattice``, ``ring``...)."""
        return self.graph.strip().partition(":")[0].lower().replace("_", "-")

    @property
    def well_mixed(self) -> bool:
        """Whether everyone is everyone's neighbour."""
        return self.kind == "well-mixed"

    def build(self, seed: int = 0) -> Structure:
        """The structure (random graphs drawn with ``seed``)."""
        return parse_graph(
            self.graph, neighbourhood=self.neighbourhood, boundary=self.boundary, seed=seed
        )


def parse_graph(
    spec: str,
    *,
    neighbourhood: str = "von-neumann",
    boundary: str = "periodic",
    seed: int = 0,
) -> Structure:
    """A structure from its spec: ``well-mixed``, ``lattice:WxH``, ``ring:N:k``,
    ``random-regular:N:k``, ``erdos-renyi:N:p``, ``barabasi-albert:N:m``,
    ``watts-strogatz:N:k:p`` or ``edges:FILE``. Random graphs are drawn with ``seed``.

    Raises
    ------
    UnknownName
        For an unknown kind (the message names the closest).
    SpecError, InvalidParameter
        For a malformed or impossible spec.

    Examples
    --------
    >>> parse_graph("ring:10:2").n_sites
    10
    >>> parse_graph("lattice:4x3").shape
    (3, 4)
    """
    import networkx as nx

    kind, _, rest = spec.strip().partition(":")
    kind = kind.lower().replace("_", "-")
    if kind not in GRAPH_KINDS:
        raise UnknownName("graph", kind, GRAPH_KINDS)
    if kind == "well-mixed":
        return Structure("well-mixed", None, np.zeros(1, np.int64), np.zeros(0, np.int32))
    if kind == "edges":
        if not rest:
            raise SpecError("graph 'edges:FILE' needs a file name")
        return from_edges(rest)
    parts = rest.split(":") if rest else []
    nseed = int(seed % (2**32))
    if kind == "lattice":
        wh = rest.lower().split("x")
        if len(wh) != 2:
            raise SpecError(f"graph {spec!r}: write lattice:WxH, e.g. lattice:50x50")
        w, h = _ints(wh, spec, ("width", "height"))
        return lattice(w, h, neighbourhood=neighbourhood, boundary=boundary)
    want = {
        "ring": ("N", "k"),
        "random-regular": ("N", "k"),
        "erdos-renyi": ("N", "p"),
        "barabasi-albert": ("N", "m"),
        "watts-strogatz": ("N", "k", "p"),
    }[kind]
    if len(parts) != len(want):
        raise SpecError(
            f"graph {spec!r}: {kind} takes {len(want)} numbers ({':'.join(want)}), "
            f"e.g. {kind}:{':'.join({'N': '100', 'k': '4', 'p': '0.1', 'm': '2'}[w] for w in want)}"
        )
    (n,) = _ints(parts[:1], spec, ("N",))
    if n < 2:
        raise InvalidParameter(f"graph {spec!r}: N must be at least 2")
    if kind != "ring":
        _check_size(spec.strip(), n, _edges_guess(kind, n, parts[1]), networkx=True)
    if kind == "ring":
        (k,) = _ints(parts[1:2], spec, ("k",))
        return ring(n, k)
    if kind == "random-regular":
        (k,) = _ints(parts[1:2], spec, ("k",))
        if not 0 < k < n or (n * k) % 2:
            raise InvalidParameter(f"graph {spec!r}: need 0 < k < N and N·k even")
        return _from_networkx(nx.random_regular_graph(k, n, seed=nseed), spec)
    if kind == "barabasi-albert":
        (m,) = _ints(parts[1:2], spec, ("m",))
        if not 1 <= m < n:
            raise InvalidParameter(f"graph {spec!r}: need 1 ≤ m < N")
        return _from_networkx(nx.barabasi_albert_graph(n, m, seed=nseed), spec)
    try:
        p = float(parts[-1])
    except ValueError:
        raise SpecError(f"graph {spec!r}: p must be a number, got {parts[-1]!r}") from None
    if not 0.0 <= p <= 1.0:
        raise InvalidParameter(f"graph {spec!r}: p must be a probability in [0, 1], got {p}")
    if kind == "erdos-renyi":
        return _from_networkx(nx.fast_gnp_random_graph(n, p, seed=nseed), spec)
    (k,) = _ints(parts[1:2], spec, ("k",))
    if k < 2 or k % 2 or k >= n:
        raise InvalidParameter(f"graph {spec!r}: k must be even, at least 2 and below N")
    return _from_networkx(nx.watts_strogatz_graph(n, k, p, seed=nseed), spec)
