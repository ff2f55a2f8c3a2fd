"""Population kernels: Moran, pairwise-comparison and best-neighbour dynamics on arrays.

Two representations, both parallel over independent runs (``prange``), each run sequential:

* :func:`evolve_counts` — a well-mixed population as counts per type (``counts[m]``); every
  elementary step draws types in proportion to counts, so a step costs O(m²) whatever N;
* :func:`evolve_sites` — one type per site of a graph given in CSR form (``indptr``, ``indices``);
  payoffs are kept per site and refreshed locally after each change.

:func:`sync_generation` plays one synchronous generation of a single large run with the sites in
parallel (``prange`` over sites); it draws exactly the numbers :func:`evolve_sites` draws.

Random numbers: generation ``g`` of run ``r`` has the key ``base_key(seed, r, g)``; elementary
step ``s`` (or site ``x`` in a synchronous generation) hashes its own key from it, and each draw
of that step has a fixed counter (0: choose, 1: accept, 2: mutate, 3+: ties). Results therefore do
not depend on threads, batching, or on which kernel ran them.

Codes (module constants): dynamics ``MORAN_BD, MORAN_DB, FERMI, BEST``; payoff modes ``PAIR``
(matrix ``A[type, type]``), ``GROUP`` (group games on graph neighbourhoods, or a fitness table
``table[action, contributors]`` for :func:`evolve_counts`) and ``FIXED`` (given per-site payoffs,
e.g. from played matches, held for the generation); group games ``PGG, THRESHOLD, RISK``.

Arguments come in small bundles (tuples; Numba types each once), the same in every kernel:

* ``payoff = (act, A, mode, self_int, average, gkind, gpar)`` — where payoffs come from: each
  type's action in group games, the pair matrix, the mode, self-interaction, averaging over
  partners, the group game and its parameters;
* ``graph = (indptr, indices)`` — the neighbours of every site (CSR);
* ``rule = (dyn, synchronous, w, linear, mu, mutants)`` — the dynamics, update order, intensity,
  linear fitness, mutation probability and the types a mutant may take;
* ``span = (run0, gen0, generations, seed, every, stop)`` — which runs and generations to play,
  the seed, record every ``every`` generations, stop at fixation;
* ``out = (hist, snaps, final, fix_type, fix_step)`` — what is recorded (see
  :func:`record_state`, the one place the recording rule is written).
"""

# Inside compiled kernels Python ints, NumPy integers and booleans are one type to Numba; mypy
# cannot see that through the dispatcher, so these argument/assignment checks are off here only.
# mypy: disable-error-code="arg-type,assignment,return-value,no-any-return"

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from trustlab.kernel.rng import base_key, child_key, uniform_pair

__all__ = [
    "BEST",
    "FERMI",
    "FIXED",
    "GROUP",
    "MORAN_BD",
    "MORAN_DB",
    "PAIR",
    "PGG",
    "RISK",
    "THRESHOLD",
    "Graph",
    "Out",
    "Payoff",
    "Rule",
    "Span",
    "evolve_counts",
    "evolve_sites",
    "group_payoff",
    "record_state",
    "site_payoffs",
    "sync_generation",
]

Payoff = tuple[np.ndarray, np.ndarray, int, bool, bool, int, np.ndarray]
Graph = tuple[np.ndarray, np.ndarray]
Rule = tuple[int, bool, float, bool, float, np.ndarray]
Span = tuple[int, int, int, np.uint64, int, bool]
Out = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]

MORAN_BD = 0
MORAN_DB = 1
FERMI = 2
BEST = 3

PAIR = 0
GROUP = 1
FIXED = 2

PGG = 0
THRESHOLD = 1
RISK = 2

# the draws of one step, by counter
_CHOOSE = 0
_ACCEPT = 1
_MUTATE = 2
_TIES = 3


@njit(cache=True, inline="always")
def _step_key(run_key: np.uint64, s: int) -> np.uint64:
    return child_key(run_key, s)


@njit(cache=True)
def group_payoff(kind: int, par: np.ndarray, a: int, nc: int, size: int) -> float:
    """Payoff of a member playing ``a`` (1 contributes) in a group of ``size`` with ``nc``
    contributors: public goods ``par = (r, c)``; threshold ``(M, F, c)``; collective risk
    ``(M, risk, c, b)``."""
    if kind == PGG:
        return par[0] * par[1] * nc / size - par[1] * a
    if kind == THRESHOLD:
        share = par[1] * par[2] * nc / size if nc >= par[0] else 0.0
        return share - par[2] * a
    keep = par[3] if nc >= par[0] else par[3] * (1.0 - par[1])
    return keep - par[2] * par[3] * a


@njit(cache=True, inline="always")
def _fitness(pi: float, w: float, linear: bool) -> float:
    if linear:
        return 1.0 - w + w * pi
    return math.exp(w * pi)


@njit(cache=True, inline="always")
def _pair_payoff(
    x: int,
    types: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    A: np.ndarray,
    self_int: bool,
    average: bool,
) -> float:
    t = types[x]
    lo = indptr[x]
    hi = indptr[x + 1]
    s = 0.0
    for e in range(lo, hi):
        s += A[t, types[indices[e]]]
    n = hi - lo
    if self_int:
        s += A[t, t]
        n += 1
    if average and n > 0:
        s /= n
    return s


@njit(cache=True, inline="always")
def _site_payoff(
    x: int,
    types: np.ndarray,
    act: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    A: np.ndarray,
    mode: int,
    self_int: bool,
    average: bool,
    gkind: int,
    gpar: np.ndarray,
    ncontrib: np.ndarray,
) -> float:
    if mode == PAIR:
        return _pair_payoff(x, types, indptr, indices, A, self_int, average)
    a = act[types[x]]
    s = group_payoff(gkind, gpar, a, ncontrib[x], indptr[x + 1] - indptr[x] + 1)
    n = 1
    for e in range(indptr[x], indptr[x + 1]):
        c = indices[e]
        s += group_payoff(gkind, gpar, a, ncontrib[c], indptr[c + 1] - indptr[c] + 1)
        n += 1
    if average:
        s /= n
    return s


@njit(cache=True)
def _contributors(x: int, types: np.ndarray, act: np.ndarray, indptr: np.ndarray,
                  indices: np.ndarray) -> int:  # fmt: skip
    n = act[types[x]]
    for e in range(indptr[x], indptr[x + 1]):
        n += act[types[indices[e]]]
    return n


@njit(cache=True, parallel=True)
def site_payoffs(
    types: np.ndarray, payoff: Payoff, graph: Graph, ncontrib: np.ndarray, pay: np.ndarray
) -> None:
    """Fill ``ncontrib`` (group mode) and ``pay`` for every site from scratch."""
    act, A, mode, self_int, average, gkind, gpar = payoff
    indptr, indices = graph
    n = types.shape[0]
    if mode == GROUP:
        for x in prange(n):
            ncontrib[x] = _contributors(x, types, act, indptr, indices)
    for x in prange(n):
        pay[x] = _site_payoff(
            x, types, act, indptr, indices, A, mode, self_int, average, gkind, gpar, ncontrib
        )


@njit(cache=True, inline="always")
def _refresh(z: int, types: np.ndarray, act: np.ndarray, indptr: np.ndarray,
             indices: np.ndarray, A: np.ndarray, mode: int, self_int: bool, average: bool,
             gkind: int, gpar: np.ndarray, ncontrib: np.ndarray, pay: np.ndarray,
             fit: np.ndarray, w: float, linear: bool) -> None:  # fmt: skip
    pay[z] = _site_payoff(z, types, act, indptr, indices, A, mode, self_int, average, gkind,
                          gpar, ncontrib)  # fmt: skip
    fit[z] = _fitness(pay[z], w, linear)


@njit(cache=True)
def _change(
    y: int,
    new: int,
    types: np.ndarray,
    act: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    A: np.ndarray,
    mode: int,
    self_int: bool,
    average: bool,
    gkind: int,
    gpar: np.ndarray,
    ncontrib: np.ndarray,
    pay: np.ndarray,
    fit: np.ndarray,
    w: float,
    linear: bool,
    counts: np.ndarray,
) -> None:
    """Set site ``y`` to type ``new`` and refresh the payoffs (and fitnesses) that depend on it."""
    old = types[y]
    if old == new:
        return
    types[y] = new
    counts[old] -= 1
    counts[new] += 1
    if mode == PAIR:
        _refresh(y, types, act, indptr, indices, A, mode, self_int, average, gkind, gpar,
                 ncontrib, pay, fit, w, linear)  # fmt: skip
        for e in range(indptr[y], indptr[y + 1]):
            _refresh(indices[e], types, act, indptr, indices, A, mode, self_int, average, gkind,
                     gpar, ncontrib, pay, fit, w, linear)  # fmt: skip
    elif mode == GROUP:
        d = act[new] - act[old]
        if d == 0:
            # the same action: every group keeps its contributors, so no payoff changes
            return
        ncontrib[y] += d
        for e in range(indptr[y], indptr[y + 1]):
            ncontrib[indices[e]] += d
        # payoffs of every site within distance 2 of y (groups centred on y and its neighbours)
        for c0 in range(indptr[y] - 1, indptr[y + 1]):
            c = y if c0 < indptr[y] else indices[c0]
            _refresh(c, types, act, indptr, indices, A, mode, self_int, average, gkind, gpar,
                     ncontrib, pay, fit, w, linear)  # fmt: skip
            for e in range(indptr[c], indptr[c + 1]):
                _refresh(indices[e], types, act, indptr, indices, A, mode, self_int, average,
                         gkind, gpar, ncontrib, pay, fit, w, linear)  # fmt: skip


@njit(cache=True, inline="always")
def _best_of(
    x: int,
    rk: np.uint64,
    s: int,
    pay: np.ndarray,
    types: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
) -> tuple[int, bool]:
    """The type with the highest payoff among x and its neighbours; ties uniformly at random;
    and whether a random number was drawn.

    Reservoir sampling over the tied sites; a tie with a site of the type already held cannot
    change the outcome, so it only counts (no draw), which keeps uniform regions cheap. The key
    of step ``s`` is hashed only when a draw is needed.
    """
    best = types[x]
    bp = pay[x]
    ties = 1
    j = 0
    sk = np.uint64(0)
    for e in range(indptr[x], indptr[x + 1]):
        z = indices[e]
        p = pay[z]
        if p > bp:
            best = types[z]
            bp = p
            ties = 1
        elif p == bp:
            ties += 1
            if types[z] != best:
                if j == 0:
                    sk = _step_key(rk, s)
                u, _ = uniform_pair(sk, _TIES + j)
                j += 1
                if u * ties < 1.0:
                    best = types[z]
    return best, j > 0


@njit(cache=True, inline="always")
def _sync_choice(
    x: int,
    rk: np.uint64,
    dyn: int,
    w: float,
    mu: float,
    mutants: np.ndarray,
    types: np.ndarray,
    pay: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
) -> int:
    """The type site ``x`` takes in a synchronous generation (best neighbour or Fermi)."""
    new = types[x]
    deg = indptr[x + 1] - indptr[x]
    if dyn == BEST:
        new, _ = _best_of(x, rk, x, pay, types, indptr, indices)
        if mu == 0.0:
            return new
    sk = _step_key(rk, x)
    if dyn != BEST and deg > 0:
        _, u1 = uniform_pair(sk, _CHOOSE)
        y = indices[indptr[x] + min(np.int64(u1 * deg), deg - 1)]
        a, _ = uniform_pair(sk, _ACCEPT)
        if a * (1.0 + math.exp(-w * (pay[y] - pay[x]))) < 1.0:
            new = types[y]
    if mu > 0.0:
        um, ut = uniform_pair(sk, _MUTATE)
        if um < mu:
            nm = mutants.shape[0]
            new = mutants[min(np.int64(ut * nm), nm - 1)]
    return new


@njit(cache=True)
def _async_step(
    s: int,
    rk: np.uint64,
    dyn: int,
    w: float,
    linear: bool,
    mu: float,
    mutants: np.ndarray,
    types: np.ndarray,
    act: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    A: np.ndarray,
    mode: int,
    self_int: bool,
    average: bool,
    gkind: int,
    gpar: np.ndarray,
    ncontrib: np.ndarray,
    pay: np.ndarray,
    fit: np.ndarray,
    counts: np.ndarray,
) -> None:
    n = types.shape[0]
    sk = _step_key(rk, s)
    u0, u1 = uniform_pair(sk, _CHOOSE)
    y = np.int64(-1)  # the site that changes
    new = np.int64(-1)
    if dyn == MORAN_BD:
        total = 0.0
        for x in range(n):
            total += fit[x]
        target = u0 * total
        x = n - 1
        acc = 0.0
        for z in range(n):
            acc += fit[z]
            if target < acc:
                x = z
                break
        deg = indptr[x + 1] - indptr[x]
        if deg > 0:
            y = indices[indptr[x] + min(np.int64(u1 * deg), deg - 1)]
            new = types[x]
    elif dyn == MORAN_DB:
        y = min(np.int64(u0 * n), n - 1)
        total = 0.0
        for e in range(indptr[y], indptr[y + 1]):
            total += fit[indices[e]]
        if indptr[y + 1] > indptr[y]:
            target = u1 * total
            x = indices[indptr[y + 1] - 1]
            acc = 0.0
            for e in range(indptr[y], indptr[y + 1]):
                acc += fit[indices[e]]
                if target < acc:
                    x = indices[e]
                    break
            new = types[x]
        else:
            y = -1
    elif dyn == FERMI:
        y = min(np.int64(u0 * n), n - 1)
        new = types[y]
        deg = indptr[y + 1] - indptr[y]
        if deg > 0:
            z = indices[indptr[y] + min(np.int64(u1 * deg), deg - 1)]
            a, _ = uniform_pair(sk, _ACCEPT)
            if a * (1.0 + math.exp(-w * (pay[z] - pay[y]))) < 1.0:
                new = types[z]
    else:  # BEST, asynchronous
        y = min(np.int64(u0 * n), n - 1)
        new, _ = _best_of(y, rk, s, pay, types, indptr, indices)
    if y < 0:
        return
    if mu > 0.0:
        um, ut = uniform_pair(sk, _MUTATE)
        if um < mu:
            nm = mutants.shape[0]
            new = mutants[min(np.int64(ut * nm), nm - 1)]
    _change(y, new, types, act, indptr, indices, A, mode, self_int, average, gkind, gpar,
            ncontrib, pay, fit, w, linear, counts)  # fmt: skip


@njit(cache=True)
def record_state(
    r: int,
    g_done: int,
    every: int,
    done: bool,
    counts: np.ndarray,
    sites: np.ndarray,
    hist: np.ndarray,
    snaps: np.ndarray,
) -> None:
    """Record run ``r`` after ``g_done`` generations: every ``every`` generations its counts go
    to ``hist[r, g_done // every]`` (for the first ``hist.shape[0]`` runs) and, for run 0, its
    ``sites`` to ``snaps[0, g_done // every]`` (when ``snaps.shape[0] > 0``). When the run is
    ``done`` (fixed and stopped), nothing changes any more: every later record repeats this state.

    The one place the recording rule is written: the site, count and lattice kernels and the
    sites-in-parallel path all call it.
    """
    i = g_done // every
    keep_hist = r < hist.shape[0]
    keep_snap = r == 0 and snaps.shape[0] > 0
    if g_done % every == 0:
        if keep_hist and i < hist.shape[1]:
            hist[r, i, :] = counts
        if keep_snap and i < snaps.shape[1]:
            snaps[0, i, :] = sites
    if done:
        for j in range(i + 1, hist.shape[1] if keep_hist else 0):
            hist[r, j, :] = counts
        for j in range(i + 1, snaps.shape[1] if keep_snap else 0):
            snaps[0, j, :] = sites


@njit(cache=True)
def _fixed(counts: np.ndarray, n: int) -> int:
    for i in range(counts.shape[0]):
        if counts[i] == n:
            return i
    return -1


@njit(cache=True, parallel=True)
def evolve_sites(
    types0: np.ndarray,
    n_types: int,
    payoff: Payoff,
    graph: Graph,
    fixed_pay: np.ndarray,
    rule: Rule,
    span: Span,
    out: Out,
) -> None:
    """Evolve ``types0[r, n]`` (updated in place) for ``generations`` generations of n steps.

    ``hist[r, i, :]`` (for the first ``hist.shape[0]`` runs) receives the counts after generation
    ``i·every`` (row 0: the start); ``snaps[0, i]`` the sites of run 0 at the same moments (when
    ``snaps.shape[0] > 0``); ``final[r]`` the last counts. ``fix_type[r]``/``fix_step[r]`` are the
    type that took over and the elementary step (from the start of generation 0) when it did, or
    −1 (left as given when the run was already fixed). ``fixed_pay[r, n]`` are the payoffs in mode
    ``FIXED``. Rows after a fixation (``stop``) repeat the final counts. The bundles are those
    of the module docstring.
    """
    act, A, mode, self_int, average, gkind, gpar = payoff
    indptr, indices = graph
    dyn, synchronous, w, linear, mu, mutants = rule
    run0, gen0, generations, seed, every, stop = span
    hist, snaps, final, fix_type, fix_step = out
    n_runs, n = types0.shape
    for r in prange(n_runs):
        types = types0[r]
        counts = np.zeros(n_types, dtype=np.int64)
        for x in range(n):
            counts[types[x]] += 1
        ncontrib = np.zeros(n, dtype=np.int64)
        pay = np.zeros(n)
        fit = np.zeros(n)
        if mode == FIXED:
            pay[:] = fixed_pay[r]
        else:
            for x in range(n):
                if mode == GROUP:
                    ncontrib[x] = _contributors(x, types, act, indptr, indices)
            for x in range(n):
                pay[x] = _site_payoff(x, types, act, indptr, indices, A, mode, self_int, average,
                                      gkind, gpar, ncontrib)  # fmt: skip
        for x in range(n):
            fit[x] = _fitness(pay[x], w, linear)
        if gen0 == 0:
            record_state(r, 0, every, False, counts, types, hist, snaps)
        done = stop and mu == 0.0 and _fixed(counts, n) >= 0
        nxt = np.empty(n, dtype=types.dtype)
        for g in range(generations):
            gg = gen0 + g
            if not done:
                rk = base_key(seed, run0 + r, gg)
                if synchronous:
                    for x in range(n):
                        nxt[x] = _sync_choice(x, rk, dyn, w, mu, mutants, types, pay, indptr,
                                              indices)  # fmt: skip
                    for x in range(n):
                        if nxt[x] != types[x]:
                            counts[types[x]] -= 1
                            counts[nxt[x]] += 1
                            types[x] = nxt[x]
                    if mode != FIXED:
                        for x in range(n):
                            if mode == GROUP:
                                ncontrib[x] = _contributors(x, types, act, indptr, indices)
                        for x in range(n):
                            pay[x] = _site_payoff(
                                x, types, act, indptr, indices, A, mode, self_int, average,
                                gkind, gpar, ncontrib,
                            )  # fmt: skip
                    if fix_type[r] < 0 and mu == 0.0:
                        f = _fixed(counts, n)
                        if f >= 0:
                            fix_type[r] = f
                            fix_step[r] = (gg + 1) * n
                            done = stop
                else:
                    for s in range(n):
                        _async_step(s, rk, dyn, w, linear, mu, mutants, types, act, indptr,
                                    indices, A, mode, self_int, average, gkind, gpar, ncontrib,
                                    pay, fit, counts)  # fmt: skip
                        if fix_type[r] < 0 and mu == 0.0:
                            f = _fixed(counts, n)
                            if f >= 0:
                                fix_type[r] = f
                                fix_step[r] = gg * n + s + 1
                                if stop:
                                    done = True
                                    break
            record_state(r, gg + 1, every, done, counts, types, hist, snaps)
            if done:
                break
        final[r, :] = counts


@njit(cache=True, parallel=True)
def sync_generation(
    types: np.ndarray,
    nxt: np.ndarray,
    run: int,
    gen: int,
    seed: np.uint64,
    rule: Rule,
    pay: np.ndarray,
    graph: Graph,
) -> None:
    """One synchronous generation of one run, sites in parallel: ``nxt`` receives the new types.

    Draws exactly the numbers of the synchronous branch of :func:`evolve_sites`; the caller
    refreshes ``pay`` (e.g. with :func:`site_payoffs`) before the next generation.
    """
    dyn, _, w, _, mu, mutants = rule
    indptr, indices = graph
    rk = base_key(seed, run, gen)
    for x in prange(types.shape[0]):
        nxt[x] = _sync_choice(np.int64(x), rk, dyn, w, mu, mutants, types, pay, indptr, indices)


@njit(cache=True)
def _type_payoffs(
    counts: np.ndarray,
    n: int,
    A: np.ndarray,
    act: np.ndarray,
    table: np.ndarray,
    mode: int,
    self_int: bool,
    average: bool,
    out: np.ndarray,
) -> None:
    m = counts.shape[0]
    if mode == PAIR:
        for i in range(m):
            s = 0.0
            for j in range(m):
                s += counts[j] * A[i, j]
            partners = n
            if not self_int:
                s -= A[i, i]
                partners = n - 1
            if average and partners > 0:
                s /= partners
            out[i] = s
    else:
        nc = 0
        for i in range(m):
            nc += counts[i] * act[i]
        for i in range(m):
            out[i] = table[act[i], nc]


@njit(cache=True, inline="always")
def _draw_type(weights: np.ndarray, u: float) -> int:
    total = 0.0
    for i in range(weights.shape[0]):
        total += weights[i]
    target = u * total
    acc = 0.0
    last = np.int64(0)
    for i in range(weights.shape[0]):
        if weights[i] > 0.0:
            last = i
            acc += weights[i]
            if target < acc:
                return np.int64(i)
    return last


@njit(cache=True, parallel=True)
def evolve_counts(
    counts0: np.ndarray,
    payoff: Payoff,
    table: np.ndarray,
    rule: Rule,
    span: Span,
    out: Out,
) -> None:
    """Evolve a well-mixed population given as ``counts0[r, m]`` (see :func:`evolve_sites` for the
    outputs). Partners are the other n − 1 individuals: a Moran offspring replaces another
    individual, a Fermi learner compares itself with another one. ``table`` is the group game's
    fitness table (mode ``GROUP``); ``span``'s ``gen0`` must be 0 and ``out``'s ``snaps`` empty
    (counts have no sites)."""
    act, A, mode, self_int, average, _, _ = payoff
    dyn, _, w, linear, mu, mutants = rule
    run0, _, generations, seed, every, stop = span
    hist, no_snaps, final, fix_type, fix_step = out
    n_runs, m = counts0.shape
    no_sites = np.zeros(0, dtype=no_snaps.dtype)
    for r in prange(n_runs):
        counts = counts0[r].copy()
        n = np.int64(counts.sum())
        pi = np.zeros(m)
        wts = np.zeros(m)
        _type_payoffs(counts, n, A, act, table, mode, self_int, average, pi)
        record_state(r, 0, every, False, counts, no_sites, hist, no_snaps)
        done = stop and mu == 0.0 and _fixed(counts, n) >= 0
        for g in range(generations):
            if not done:
                rk = base_key(seed, run0 + r, g)
                for s in range(n):
                    sk = _step_key(rk, s)
                    u0, u1 = uniform_pair(sk, _CHOOSE)
                    dead = np.int64(-1)
                    new = np.int64(-1)
                    if dyn == MORAN_BD:
                        for i in range(m):
                            wts[i] = counts[i] * _fitness(pi[i], w, linear)
                        new = _draw_type(wts, u0)
                        counts[new] -= 1  # the parent is not replaced by its own offspring
                        for i in range(m):
                            wts[i] = counts[i]
                        dead = _draw_type(wts, u1)
                        counts[new] += 1
                    elif dyn == MORAN_DB:
                        for i in range(m):
                            wts[i] = counts[i]
                        dead = _draw_type(wts, u0)
                        counts[dead] -= 1
                        for i in range(m):
                            wts[i] = counts[i] * _fitness(pi[i], w, linear)
                        new = _draw_type(wts, u1)
                        counts[dead] += 1
                    else:  # FERMI: a learner compares itself with a random other individual
                        for i in range(m):
                            wts[i] = counts[i]
                        dead = _draw_type(wts, u0)
                        counts[dead] -= 1
                        for i in range(m):
                            wts[i] = counts[i]
                        model = _draw_type(wts, u1)
                        counts[dead] += 1
                        new = dead
                        a, _ = uniform_pair(sk, _ACCEPT)
                        if a * (1.0 + math.exp(-w * (pi[model] - pi[dead]))) < 1.0:
                            new = model
                    if mu > 0.0:
                        um, ut = uniform_pair(sk, _MUTATE)
                        if um < mu:
                            nm = mutants.shape[0]
                            new = mutants[min(np.int64(ut * nm), nm - 1)]
                    if new != dead:
                        counts[dead] -= 1
                        counts[new] += 1
                        _type_payoffs(counts, n, A, act, table, mode, self_int, average, pi)
                        if fix_type[r] < 0 and mu == 0.0 and counts[new] == n:
                            fix_type[r] = new
                            fix_step[r] = g * n + s + 1
                            if stop:
                                done = True
                                break
            record_state(r, g + 1, every, done, counts, no_sites, hist, no_snaps)
            if done:
                break
        final[r, :] = counts
