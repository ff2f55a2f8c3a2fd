"""The machinery behind :func:`~trustlab.domain.population.runs.evolve`: validated settings in, the
right kernel path chosen, arrays out.

Paths, chosen from the settings:

* well mixed, Moran or Fermi, payoffs from a matrix (or a group game's table) — counts per type
  (:func:`trustlab.kernel.population.evolve_counts`), O(m²) per step whatever the size;
* a graph (or best-neighbour imitation) — one type per site
  (:func:`~trustlab.kernel.population.evolve_sites`), a single large synchronous run with its
  sites in parallel (:func:`~trustlab.kernel.population.sync_generation`);
* Nowak & May's setting (two types, a payoff matrix, a square lattice, synchronous
  best-neighbour imitation, no mutation) — a dense grid with separable neighbourhood sums
  (:func:`~trustlab.kernel.lattice.evolve_lattice`), chosen automatically; the same results as
  the site kernel, draw for draw;
* payoffs from matches played every generation — the match kernel, then one generation of the
  site kernel on those payoffs, generation after generation;
* the explorable's elimination — a tournament among the individuals, then NumPy selection.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numba
import numpy as np

from trustlab.domain.characters.character import Character
from trustlab.domain.conditions import Conditions
from trustlab.domain.errors import InvalidParameter
from trustlab.domain.games import Game
from trustlab.domain.play import Length
from trustlab.domain.population.groups import (
    GroupGame,
    fixation_probabilities,
    gradient_of_selection,
    group_fitness_table,
    tipping_points,
)
from trustlab.domain.population.payoffs import expected_matrix, one_shot_matrix, opening_actions
from trustlab.domain.population.structures import Structure, complete_graph
from trustlab.kernel import lattice as kl
from trustlab.kernel import population as kp
from trustlab.kernel.rng import base_key_np, child_key_np, derive_seed, uniform53_np

__all__ = ["Config", "Output", "initial_types", "run"]

# the purposes of the seeds derived from an evolution's seed (trustlab.kernel.rng.derive_seed)
PURPOSE_GRAPH = 1
PURPOSE_INITIAL = 2
PURPOSE_MATCHES = 3
PURPOSE_ELIMINATION = 4
_DYN = {"moran-bd": kp.MORAN_BD, "moran-db": kp.MORAN_DB, "fermi": kp.FERMI,
        "best-neighbour": kp.BEST}  # fmt: skip
_HISTORY_CELLS = 4_000_000  # int64 counts kept per call (32 MB): later runs keep only finals
_SNAPSHOT_CELLS = 200_000_000
_LATTICE_PARALLEL_SITES = 1 << 16  # below this a generation is too short to share among threads
# threads are tried only in runs long enough (site-generations; ~0.3 s on one core) to repay a
# failed trial: on a loaded machine a pass in parallel can wait a whole time slice at its barrier
_LATTICE_TRIAL_WORK = 1 << 28


@dataclass
class Config:
    """Validated settings (built by ``evolve``)."""

    characters: list[Character]
    counts: np.ndarray
    structure: Structure
    dynamics: str
    synchronous: bool
    source: str
    conditions: Conditions
    group: GroupGame | None
    intensity: float
    linear: bool
    mutation: float
    mutants: np.ndarray
    self_interaction: bool
    average: bool
    eliminate: int
    initial: np.ndarray | None
    runs: int
    generations: int
    every: int
    stop: bool
    snapshots: bool
    seed: int

    @property
    def game(self) -> Game | None:
        """The two-player game (``None`` for a group game)."""
        return self.conditions.game

    @property
    def length(self) -> Length:
        """The length of the matches played for payoffs."""
        return self.conditions.match_length()


@dataclass
class Output:
    """Arrays of a finished evolution."""

    history: np.ndarray
    final: np.ndarray
    fixed_type: np.ndarray
    fixation_step: np.ndarray
    snapshots: np.ndarray | None
    matrix: np.ndarray | None
    payoff_source: str
    extras: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Payoffs:
    mode: int
    A: np.ndarray
    act: np.ndarray
    gkind: int
    gpar: np.ndarray
    source: str
    matrix: np.ndarray | None


def _payoffs(cfg: Config) -> _Payoffs:
    m = len(cfg.characters)
    if cfg.group is not None:
        p = opening_actions(cfg.characters, 2)
        bad = [c.name for c, row in zip(cfg.characters, p, strict=True) if row.max() < 1.0]
        if bad:
            raise InvalidParameter(
                f"group games need characters that open with a sure action (contribute or "
                f"not); {', '.join(bad)} open at random"
            )
        act = (p[:, 0] == 1.0).astype(np.int64)
        g = cfg.group
        return _Payoffs(kp.GROUP, np.zeros((m, m)), act, g.kind, g.kernel_parameters,
                        "group", None)  # fmt: skip
    assert cfg.game is not None
    zeros = np.zeros(m, dtype=np.int64)
    if cfg.source == "one-shot":
        a = one_shot_matrix(cfg.characters, cfg.game, cfg.conditions.noise)
        return _Payoffs(kp.PAIR, a, zeros, 0, np.zeros(1), "one-shot", a)
    if cfg.source == "expected":
        a, how = expected_matrix(cfg.characters, cfg.conditions)
        return _Payoffs(kp.PAIR, a, zeros, 0, np.zeros(1), f"expected ({how})", a)
    return _Payoffs(kp.FIXED, np.zeros((m, m)), zeros, 0, np.zeros(1), "matches", None)


def _payoff_bundle(cfg: Config, pay: _Payoffs) -> kp.Payoff:
    """The kernels' ``payoff`` bundle (see :mod:`trustlab.kernel.population`)."""
    return (pay.act, pay.A, pay.mode, cfg.self_interaction, cfg.average, pay.gkind, pay.gpar)


def _graph(sites: Structure) -> kp.Graph:
    """The kernels' ``graph`` bundle: the neighbours of every site (CSR)."""
    return (sites.indptr, sites.indices)


def _rule(cfg: Config) -> kp.Rule:
    """The kernels' ``rule`` bundle: dynamics, update order, intensity, fitness, mutation."""
    return (_DYN[cfg.dynamics], cfg.synchronous, cfg.intensity, cfg.linear, cfg.mutation,
            cfg.mutants)  # fmt: skip


def _span(cfg: Config, run0: int, gen0: int, generations: int) -> kp.Span:
    """The kernels' ``span`` bundle: runs from ``run0``, ``generations`` from ``gen0``."""
    return (run0, gen0, generations, np.uint64(cfg.seed), cfg.every, cfg.stop)


def initial_types(counts: np.ndarray, runs: int, seed: int, run0: int = 0) -> np.ndarray:
    """``(runs, n)`` random arrangements of the multiset given by ``counts``, one per run,
    each a pure function of (seed, run)."""
    n = int(counts.sum())
    base = np.repeat(np.arange(counts.size, dtype=np.int32), counts)
    r = np.repeat(np.arange(run0, run0 + runs, dtype=np.int64), n)
    x = np.tile(np.arange(n, dtype=np.int64), runs)
    keys = base_key_np(derive_seed(seed, PURPOSE_INITIAL), r, x).reshape(runs, n)
    return np.ascontiguousarray(base[np.argsort(keys, axis=1, kind="stable")])


def _validate_linear(cfg: Config, pay: _Payoffs, max_deg: int) -> None:
    if not cfg.linear or cfg.dynamics not in ("moran-bd", "moran-db") or pay.mode == kp.FIXED:
        return
    if pay.mode == kp.PAIR:
        lo = float(pay.A.min())
        lowest = lo if cfg.average else min(lo * (max_deg + cfg.self_interaction), lo)
    else:
        assert cfg.group is not None
        g = cfg.group
        worst = min(g.payoff(1, 1, g.group_size), g.payoff(1, 0 + 1, 2), 0.0)
        lowest = worst if cfg.average else worst * (max_deg + 1)
    if 1.0 - cfg.intensity + cfg.intensity * lowest <= 0:
        raise InvalidParameter(
            f"linear fitness 1 − w + w·π is not positive for payoffs down to {lowest:g} at "
            f"w={cfg.intensity:g}: lower the intensity or use exponential fitness"
        )


def run(cfg: Config, progress: Callable[[int, int], None] | None = None) -> Output:
    """Run the evolution described by ``cfg``."""
    pay = _payoffs(cfg)
    n = int(cfg.counts.sum())
    struct = cfg.structure
    if cfg.dynamics == "elimination":
        if not struct.well_mixed:
            raise InvalidParameter("elimination needs a well-mixed population (--graph well-mixed)")
        if not 1 <= cfg.eliminate <= n // 2:
            raise InvalidParameter(f"eliminate must be between 1 and n/2 = {n // 2}, got "
                                   f"{cfg.eliminate}")  # fmt: skip
        out = _run_elimination(cfg, pay, progress)
    elif struct.well_mixed and cfg.dynamics != "best-neighbour" and pay.mode != kp.FIXED:
        _validate_linear(cfg, pay, n - 1)
        out = _run_counts(cfg, pay, progress)
    else:
        if struct.well_mixed and pay.mode == kp.GROUP:
            raise InvalidParameter(
                "group games in a well-mixed population sample groups at random: use moran-bd, "
                "moran-db or fermi, or put the population on a graph"
            )
        sites = complete_graph(n) if struct.well_mixed else struct
        _validate_linear(cfg, pay, int(sites.degrees.max()))
        out = _run_sites(cfg, pay, sites, progress)
    out.matrix = pay.matrix
    out.payoff_source = pay.source
    if cfg.group is not None and struct.well_mixed and cfg.dynamics == "fermi":
        out.extras["theory"] = _group_theory(cfg, n)
    return out


def _group_theory(cfg: Config, n: int) -> dict[str, Any]:
    assert cfg.group is not None
    g, w, mu = cfg.group, cfg.intensity, cfg.mutation
    grad = gradient_of_selection(g, n, intensity=w, mutation=mu)
    return {
        "gradient_of_selection": [
            {"share": j / n, "gradient": float(x)} for j, x in enumerate(grad.tolist())
        ],
        "tipping_points": tipping_points(g, n, intensity=w, mutation=mu),
        "fixation_probability": fixation_probabilities(g, n, intensity=w),
    }


def _records(cfg: Config, m: int) -> tuple[int, int]:
    n_rec = cfg.generations // cfg.every + 1
    keep = min(cfg.runs, max(1, _HISTORY_CELLS // (n_rec * m)))
    return n_rec, keep


def _batches(total: int, parts: int) -> list[tuple[int, int]]:
    step = max(1, -(-total // parts))
    return [(a, min(total, a + step)) for a in range(0, total, step)]


def _fixed_at_start(counts: np.ndarray, n: int, mutation: float) -> tuple[np.ndarray, np.ndarray]:
    """Fixation outputs with runs that start monomorphic already marked (step 0); with mutation
    nothing is ever fixed."""
    mono = (counts.max(axis=1) == n) & (mutation == 0)
    fixed = np.where(mono, counts.argmax(axis=1), -1).astype(np.int64)
    return fixed, np.where(fixed >= 0, 0, -1).astype(np.int64)


def _run_counts(cfg: Config, pay: _Payoffs, progress: Callable[[int, int], None] | None) -> Output:
    m = len(cfg.characters)
    n = int(cfg.counts.sum())
    table = np.zeros((2, 1))
    if pay.mode == kp.GROUP:
        assert cfg.group is not None
        table = group_fitness_table(cfg.group, n)
    if cfg.initial is not None:
        raise InvalidParameter(
            "an initial arrangement needs a graph (well mixed, only counts count)"
        )
    n_rec, keep = _records(cfg, m)
    counts0 = np.tile(cfg.counts.astype(np.int64), (cfg.runs, 1))
    hist = np.zeros((keep, n_rec, m), dtype=np.int64)
    final = np.zeros((cfg.runs, m), dtype=np.int64)
    fixed, step = _fixed_at_start(counts0, n, cfg.mutation)
    payoff, rule = _payoff_bundle(cfg, pay), _rule(cfg)
    no_snaps = np.zeros((0, 0, 0), dtype=np.int32)
    for a, b in _batches(cfg.runs, 20 if cfg.runs >= 20 else 1):
        kp.evolve_counts(
            counts0[a:b], payoff, table, rule, _span(cfg, a, 0, cfg.generations),
            (hist[a:min(b, keep)], no_snaps, final[a:b], fixed[a:b], step[a:b]),
        )  # fmt: skip
        if progress is not None:
            progress(b, cfg.runs)
    return Output(hist, final, fixed, step, None, None, "")


def _start_types(cfg: Config, n: int) -> np.ndarray:
    if cfg.initial is None:
        return initial_types(cfg.counts, cfg.runs, cfg.seed)
    init = np.asarray(cfg.initial)
    m = len(cfg.characters)
    if init.shape != (n,) or init.min() < 0 or init.max() >= m:
        raise InvalidParameter(f"initial must be {n} type indices in 0..{m - 1}")
    return np.ascontiguousarray(np.tile(init.astype(np.int32), (cfg.runs, 1)))


def _run_sites(
    cfg: Config, pay: _Payoffs, sites: Structure, progress: Callable[[int, int], None] | None
) -> Output:
    m = len(cfg.characters)
    n = int(sites.n_sites or 0)
    types = _start_types(cfg, n)
    n_rec, keep = _records(cfg, m)
    hist = np.zeros((keep, n_rec, m), dtype=np.int64)
    final = np.zeros((cfg.runs, m), dtype=np.int64)
    counts0 = np.stack([np.bincount(t, minlength=m) for t in types])
    fixed, step = _fixed_at_start(counts0, n, cfg.mutation)
    snaps = np.zeros((0, 0, n), dtype=np.int32)
    if cfg.snapshots:
        if n_rec * n > _SNAPSHOT_CELLS:
            raise InvalidParameter(
                f"snapshots of {n} sites at {n_rec} records are too many: raise record_every"
            )
        snaps = np.zeros((1, n_rec, n), dtype=np.int32)
    fast = _lattice_fast_path(cfg, pay, sites)
    if pay.mode == kp.FIXED:
        _run_matches(cfg, sites, types, hist, snaps, final, fixed, step, progress)
    elif fast is not None:
        _run_lattice(cfg, sites, fast, types, hist, snaps, final, fixed, step, progress)
    elif cfg.runs == 1 and cfg.synchronous and n >= 4096:
        _run_big_sync(cfg, pay, sites, types, hist, snaps, final, fixed, step, progress)
    else:
        args = (_payoff_bundle(cfg, pay), _graph(sites), np.zeros((cfg.runs, 0)), _rule(cfg))
        if cfg.runs == 1:  # chunks of generations pace the progress bar (keys do not change)
            chunks = _batches(cfg.generations, 50) or [(0, 0)]
            for g0, g1 in chunks:
                kp.evolve_sites(
                    types, m, *args, _span(cfg, 0, g0, g1 - g0),
                    (hist, snaps, final, fixed, step),
                )  # fmt: skip
                if progress is not None:
                    progress(g1, cfg.generations)
        else:
            for a, b in _batches(cfg.runs, 20 if cfg.runs >= 20 else 1):
                kp.evolve_sites(
                    types[a:b], m, *args, _span(cfg, a, 0, cfg.generations),
                    (hist[a:min(b, keep)], snaps if a == 0 else snaps[:0], final[a:b],
                     fixed[a:b], step[a:b]),
                )  # fmt: skip
                if progress is not None:
                    progress(b, cfg.runs)
    return Output(hist, final, fixed, step, snaps[0] if cfg.snapshots else None, None, "")


_Fast = tuple[bool, bool, np.ndarray, np.ndarray]


def _lattice_fast_path(cfg: Config, pay: _Payoffs, sites: Structure) -> _Fast | None:
    """``(moore, periodic, key, rank_type)`` when the dense-lattice kernel gives exactly the
    site kernel's results (Nowak & May's setting), else None."""
    if (
        pay.mode != kp.PAIR
        or len(cfg.characters) != 2
        or cfg.dynamics != "best-neighbour"
        or not cfg.synchronous
        or cfg.mutation != 0.0
        or sites.shape is None
    ):
        return None
    kind = kl.lattice_kind(sites.indptr, sites.indices, sites.shape)
    if kind is None:
        return None
    moore, periodic = kind
    h, w = sites.shape
    tables = kl.rank_tables(pay.A, height=h, width=w, moore=moore, periodic=periodic,
                            self_interaction=cfg.self_interaction, average=cfg.average)  # fmt: skip
    return None if tables is None else (moore, periodic, *tables)


def _run_lattice(
    cfg: Config,
    sites: Structure,
    fast: _Fast,
    types: np.ndarray,
    hist: np.ndarray,
    snaps: np.ndarray,
    final: np.ndarray,
    fixed: np.ndarray,
    step: np.ndarray,
    progress: Callable[[int, int], None] | None,
) -> None:
    """Runs on the dense-lattice kernel: many runs one after the other, or one run in chunks
    of generations (for the progress bar) with its rows in parallel when that is faster.

    Whether threads help depends on the machine's load as much as on the lattice (each pass
    ends at a barrier that waits for every thread), so a long run times two generations each
    way and keeps the faster; shorter runs stay on one thread. The results are the same
    either way.
    """
    assert sites.shape is not None
    h, w = sites.shape
    moore, periodic, key, rank_type = fast
    lattice, tables = (h, w, moore, periodic), (key, rank_type)
    if cfg.runs > 1:
        for a, b in _batches(cfg.runs, 20 if cfg.runs >= 20 else 1):
            kl.evolve_lattice(
                types[a:b], lattice, tables, _span(cfg, a, 0, cfg.generations),
                (hist[a : min(b, hist.shape[0])], snaps if a == 0 else snaps[:0], final[a:b],
                 fixed[a:b], step[a:b]),
                False,
            )  # fmt: skip
            if progress is not None:
                progress(b, cfg.runs)
        return
    g_all = cfg.generations
    # two short trial chunks (one each way) when threads might help, then the rest: in one call,
    # or in about 20 chunks to move the progress bar
    trial = (
        h * w >= _LATTICE_PARALLEL_SITES
        and h * w * g_all >= _LATTICE_TRIAL_WORK
        and numba.get_num_threads() > 1
        and g_all >= 8
    )
    start = 4 if trial else 0
    rest = _batches(g_all - start, 20) if progress is not None else [(0, g_all - start)]
    chunks = ([(0, 2), (2, 4)] if trial else []) + [(start + a, start + b) for a, b in rest]
    per_gen = {False: np.inf, True: np.inf}
    for i, (g0, g1) in enumerate(chunks or [(0, 0)]):
        parallel = i == 1 if trial and i < 2 else per_gen[True] < per_gen[False]
        t0 = time.perf_counter()
        kl.evolve_lattice(
            types, lattice, tables, _span(cfg, 0, g0, g1 - g0),
            (hist, snaps, final, fixed, step), parallel,
        )  # fmt: skip
        if trial and i < 2:
            per_gen[parallel] = (time.perf_counter() - t0) / (g1 - g0)
        if progress is not None:
            progress(g1, g_all)


def _run_big_sync(
    cfg: Config,
    pay: _Payoffs,
    sites: Structure,
    types: np.ndarray,
    hist: np.ndarray,
    snaps: np.ndarray,
    final: np.ndarray,
    fixed: np.ndarray,
    step: np.ndarray,
    progress: Callable[[int, int], None] | None,
) -> None:
    """One large synchronous run, sites in parallel; the same draws as ``evolve_sites``."""
    m = len(cfg.characters)
    n = types.shape[1]
    t = types[0]
    nxt = np.empty_like(t)
    ncontrib = np.zeros(n, dtype=np.int64)
    p = np.zeros(n)
    payoff, graph, rule = _payoff_bundle(cfg, pay), _graph(sites), _rule(cfg)
    kp.site_payoffs(t, payoff, graph, ncontrib, p)
    counts = np.bincount(t, minlength=m)
    kp.record_state(0, 0, cfg.every, False, counts, t, hist, snaps)
    done = bool(cfg.stop and cfg.mutation == 0 and fixed[0] >= 0)
    for g in range(cfg.generations):
        if not done:
            kp.sync_generation(t, nxt, 0, g, np.uint64(cfg.seed), rule, p, graph)
            t[:] = nxt
            kp.site_payoffs(t, payoff, graph, ncontrib, p)
            counts = np.bincount(t, minlength=m)
            if fixed[0] < 0 and cfg.mutation == 0 and counts.max() == n:
                fixed[0], step[0] = int(counts.argmax()), (g + 1) * n
                done = cfg.stop
        kp.record_state(0, g + 1, cfg.every, done, counts, t, hist, snaps)
        if done:
            break
        if progress is not None and (g % 10 == 9 or g == cfg.generations - 1):
            progress(g + 1, cfg.generations)
    final[0] = counts


def _edges(sites: Structure, self_loops: bool) -> tuple[np.ndarray, np.ndarray]:
    src = np.repeat(np.arange(sites.n_sites or 0, dtype=np.int64), sites.degrees)
    dst = sites.indices.astype(np.int64)
    keep = src < dst
    i, j = src[keep], dst[keep]
    if self_loops:
        x = np.arange(sites.n_sites or 0, dtype=np.int64)
        i, j = np.concatenate([i, x]), np.concatenate([j, x])
    return i, j


def played_payoffs(
    cfg: Config, types: np.ndarray, runs: np.ndarray, gen: int, i: np.ndarray, j: np.ndarray
) -> np.ndarray:
    """``(len(runs), n)`` payoffs per turn, summed or averaged over partners, from matches played
    on every edge (i, j) in generation ``gen``; each match is keyed on (run, edge, generation)."""
    from trustlab.domain.play import run_units

    assert cfg.game is not None
    n = types.shape[1]
    e = i.size
    rr = np.repeat(runs.astype(np.int64), e)
    a = types[runs][:, i].reshape(-1).astype(np.int64)
    b = types[runs][:, j].reshape(-1).astype(np.int64)
    match = rr * e + np.tile(np.arange(e, dtype=np.int64), runs.size)
    rep = np.full(rr.size, gen, dtype=np.int64)
    joint, turns, _ = run_units(
        cfg.characters, cfg.game, a, b, match, rep, cfg.length, cfg.conditions.noise,
        cfg.conditions.misread,
        derive_seed(cfg.seed, PURPOSE_MATCHES),
    )  # fmt: skip
    g = cfg.game.payoffs
    pa = np.einsum("uxy,xy->u", joint, g) / turns
    pb = np.einsum("uxy,yx->u", joint, g) / turns
    out = np.zeros((runs.size, n))
    row = np.repeat(np.arange(runs.size), e)
    self_loop = np.tile(i == j, runs.size)
    np.add.at(out, (row, np.tile(i, runs.size)), np.where(self_loop, 0.5 * (pa + pb), pa))
    np.add.at(out, (row[~self_loop], np.tile(j, runs.size)[~self_loop]), pb[~self_loop])
    if cfg.average:
        partners = np.bincount(i, minlength=n) + np.bincount(j[i != j], minlength=n)
        out /= np.maximum(partners, 1)
    return out


def _run_matches(cfg: Config, sites: Structure, types: np.ndarray, hist: np.ndarray,
                 snaps: np.ndarray, final: np.ndarray, fixed: np.ndarray, step: np.ndarray,
                 progress: Callable[[int, int], None] | None) -> None:  # fmt: skip
    """Matches every generation on every edge, then one generation of the site kernel on those
    payoffs (held while the generation's steps run)."""
    m = len(cfg.characters)
    i, j = _edges(sites, cfg.self_interaction)
    pay = np.zeros((cfg.runs, types.shape[1]))
    zeros = np.zeros(m, dtype=np.int64)
    # payoffs are the played ones (mode FIXED): the matrix and group game are unused
    payoff = (zeros, np.zeros((m, m)), kp.FIXED, cfg.self_interaction, cfg.average, 0, np.zeros(1))
    graph, rule = _graph(sites), _rule(cfg)
    for g in range(max(cfg.generations, 1)):
        active = np.flatnonzero((fixed < 0) | (cfg.mutation > 0) | (not cfg.stop))
        if active.size and cfg.generations:
            pay[active] = played_payoffs(cfg, types, active, g, i, j)
        kp.evolve_sites(
            types, m, payoff, graph, pay, rule, _span(cfg, 0, g, 1 if cfg.generations else 0),
            (hist, snaps, final, fixed, step),
        )  # fmt: skip
        if progress is not None:
            progress(g + 1, cfg.generations)


def _uniforms(seed: int, run: int, gen: int, n: int) -> np.ndarray:
    key = base_key_np(seed, np.array([run]), np.array([gen]))[0]
    return uniform53_np(child_key_np(key, np.arange(n)))


def _run_elimination(
    cfg: Config, pay: _Payoffs, progress: Callable[[int, int], None] | None
) -> Output:
    """The explorable's round: everyone meets everyone, the k lowest scorers are replaced by
    copies of the k highest; ties broken by a uniform keyed on (seed, run, generation, site)."""
    m = len(cfg.characters)
    n = int(cfg.counts.sum())
    k = cfg.eliminate
    types = _start_types(cfg, n)
    n_rec, keep = _records(cfg, m)
    hist = np.zeros((keep, n_rec, m), dtype=np.int64)
    final = np.zeros((cfg.runs, m), dtype=np.int64)
    counts = np.stack([np.bincount(t, minlength=m) for t in types])
    fixed, step = _fixed_at_start(counts, n, cfg.mutation)
    hist[:, 0] = counts[:keep]
    table = group_fitness_table(cfg.group, n) if cfg.group is not None else None
    i, j = _edges(complete_graph(n), cfg.self_interaction) if pay.mode == kp.FIXED else (None, None)
    es = derive_seed(cfg.seed, PURPOSE_ELIMINATION)
    partners = n if cfg.self_interaction else n - 1
    for g in range(cfg.generations):
        active = np.flatnonzero((fixed < 0) | (cfg.mutation > 0) | (not cfg.stop))
        if active.size:
            if pay.mode == kp.FIXED:
                assert i is not None and j is not None
                payoff = played_payoffs(cfg, types, active, g, i, j)
            for row, r in enumerate(active):
                t = types[r]
                c = counts[r]
                if pay.mode == kp.FIXED:
                    p = payoff[row]
                elif pay.mode == kp.PAIR:
                    per_type = pay.A @ c - (0.0 if cfg.self_interaction else np.diag(pay.A))
                    p = (per_type / partners if cfg.average else per_type)[t]
                else:
                    assert table is not None
                    p = table[pay.act[t], int((c * pay.act).sum())]
                u = _uniforms(es, int(r), g, 2 * n + 2 * k)
                order = np.lexsort((u[:n], p))
                low, high = order[:k], order[::-1][:k]
                new = t[high].copy()
                if cfg.mutation > 0:
                    mut = u[2 * n : 2 * n + k] < cfg.mutation
                    pick = np.minimum(
                        (u[2 * n + k : 2 * n + 2 * k] * cfg.mutants.size).astype(np.int64),
                        cfg.mutants.size - 1,
                    )
                    new = np.where(mut, cfg.mutants[pick], new).astype(t.dtype)
                t[low] = new
                c[:] = np.bincount(t, minlength=m)
                if fixed[r] < 0 and cfg.mutation == 0 and c.max() == n:
                    fixed[r], step[r] = int(c.argmax()), (g + 1) * n
        if (g + 1) % cfg.every == 0:
            hist[:, (g + 1) // cfg.every] = counts[:keep]
        if progress is not None:
            progress(g + 1, cfg.generations)
    final[:] = counts
    return Output(hist, final, fixed, step, None, None, "")
