"""Synchronous best-neighbour imitation of two types on a square lattice: the fast path.

Nowak & May's setting — two types, payoffs from a 2×2 matrix, a square lattice with the von
Neumann (4) or Moore (8) neighbourhood, periodic or fixed boundary, self-interaction on or off,
every site copying the best scorer among itself and its neighbours at once, no mutation — on a
dense ``uint8`` grid instead of CSR neighbour lists. Each generation is two passes over the rows
(in parallel with ``prange``; no row depends on another within a pass):

1. *payoffs*: the number of type-1 neighbours of every site by separable sums (a column pass,
   then a row pass, integer arithmetic), then the site's key 2·rank + type, the rank of its
   payoff from a table indexed by (type, degree, type-1 neighbours) — a site's payoff depends on
   nothing else;
2. *imitation*: the largest key in the neighbourhood by a separable max; a rank reached by one
   type only names the new type directly. Where both types can reach the top rank, the key's
   last bit says whether a type-1 site is there; only when both types are (an exact tie between
   a cooperator and a defector) is the site settled by :func:`_tie`, a line-for-line copy of the
   general kernel's reservoir sampling (same neighbour order, same counter-based draws).

Identity with the general path (:func:`trustlab.kernel.population.evolve_sites`) holds because
(a) the table's payoffs are the very floats the general kernel sums — :func:`rank_tables`
accepts a matrix only when the sum over neighbours cannot depend on their order (one of the two
entries of a row is zero, or every partial sum is exact in binary) and refuses otherwise, so the
caller keeps the general path; (b) ranks compare as the payoffs do (``>``, ``==``); (c) when the
best sites all have one type, the reservoir sampling returns that type whatever it draws; and
(d) ties across types are replayed exactly. Tested generation by generation in
``tests/parity/test_lattice_fast_path.py``.

References
----------
Nowak & May (1992), "Evolutionary games and spatial chaos", Nature 359:826.
doi:10.1038/359826a0
"""

# Inside compiled kernels Python ints, NumPy integers and booleans are one type to Numba; mypy
# cannot see that through the dispatcher, so these argument/assignment checks are off here only.
# mypy: disable-error-code="arg-type,assignment,return-value,no-any-return"

from __future__ import annotations

from fractions import Fraction

import numpy as np
from numba import njit, prange

from trustlab.kernel.population import _TIES, Out, Span, _step_key, record_state
from trustlab.kernel.rng import base_key, uniform_pair

__all__ = ["MAX_DEGREE", "evolve_lattice", "lattice_kind", "rank_tables"]

#: the most neighbours a site has (Moore)
MAX_DEGREE = 8
_STRIDE = MAX_DEGREE + 1  # table index: (type · 9 + degree) · 9 + type-1 neighbours
#: the offsets of :func:`trustlab.domain.population.structures.lattice`, von Neumann then Moore
_DR = np.array([0, 1, 0, -1, 1, 1, -1, -1], dtype=np.int64)
_DC = np.array([1, 0, -1, 0, 1, -1, 1, -1], dtype=np.int64)
#: rows (and columns) per block of work in the parallel passes
_BLOCK = 16


@njit(cache=True)
def _neighbours(a: int, b: int, h: int, w: int, moore: bool, periodic: bool,
                out: np.ndarray) -> int:  # fmt: skip
    """The neighbours of the site at row ``a``, column ``b`` in ascending site order (the CSR
    order of ``lattice``) into ``out``; returns how many. No duplicates are removed: on a
    periodic lattice narrower than 3 the CSR has fewer, and :func:`lattice_kind` refuses it."""
    k = 0
    for o in range(8 if moore else 4):
        r = a + _DR[o]
        c = b + _DC[o]
        if periodic:
            r %= h
            c %= w
        elif r < 0 or r >= h or c < 0 or c >= w:
            continue
        z = r * w + c
        i = k  # insertion sort: at most 8 entries
        while i > 0 and out[i - 1] > z:
            out[i] = out[i - 1]
            i -= 1
        out[i] = z
        k += 1
    return k


@njit(cache=True)
def _is_lattice(indptr: np.ndarray, indices: np.ndarray, h: int, w: int, moore: bool,
                periodic: bool) -> bool:  # fmt: skip
    if indptr.shape[0] != h * w + 1:
        return False
    nb = np.empty(8, dtype=np.int64)
    for a in range(h):
        for b in range(w):
            x = a * w + b
            k = _neighbours(a, b, h, w, moore, periodic, nb)
            lo = indptr[x]
            if indptr[x + 1] - lo != k:
                return False
            for e in range(k):
                if indices[lo + e] != nb[e]:
                    return False
    return True


def lattice_kind(
    indptr: np.ndarray, indices: np.ndarray, shape: tuple[int, int] | None
) -> tuple[bool, bool] | None:
    """``(moore, periodic)`` when the CSR graph is exactly the square lattice of ``shape``
    (height, width) that the fast kernel runs, else None (the caller keeps the general path).

    The whole neighbour list is checked (milliseconds for 10⁶ sites), so a hand-made structure
    that only claims a shape is never taken for a lattice.
    """
    if shape is None:
        return None
    h, w = int(shape[0]), int(shape[1])
    if h < 1 or w < 1:
        return None
    ip = np.ascontiguousarray(indptr, dtype=np.int64)
    ix = np.ascontiguousarray(indices, dtype=np.int64)
    for moore in (True, False):
        for periodic in (True, False):
            if _is_lattice(ip, ix, h, w, moore, periodic):
                return moore, periodic
    return None


def _degrees(h: int, w: int, moore: bool, periodic: bool) -> list[int]:
    """The degrees that occur on the lattice."""
    if periodic:
        return [8 if moore else 4]

    def spans(length: int) -> set[int]:  # rows (or columns) within reach, including one's own
        return {min(length, 2)} | ({3} if length >= 3 else set())

    out = {rc * cc - 1 if moore else rc + cc - 2 for rc in spans(h) for cc in spans(w)}
    return sorted(out)


def _order_free(a: float, b: float, terms: int) -> bool:
    """Whether any sum of ``terms`` values, each ``a`` or ``b``, comes out the same in every order:
    one of them is zero (adding 0.0 changes nothing), or all partial sums are exact in binary."""
    if a == 0.0 or b == 0.0:
        return True
    fa, fb = Fraction(a), Fraction(b)
    den = max(fa.denominator, fb.denominator)  # powers of two
    return max(abs(fa), abs(fb)) * den * terms <= 2**53


def rank_tables(
    A: np.ndarray,
    *,
    height: int,
    width: int,
    moore: bool,
    periodic: bool,
    self_interaction: bool,
    average: bool,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Payoff ranks for the fast kernel, or None when the general path must run.

    Parameters
    ----------
    A : ndarray (2, 2)
        Payoff of a type against a type (row player).
    height, width, moore, periodic
        The lattice.
    self_interaction, average
        As in the general kernel: a game against oneself added after the neighbours' games;
        the sum divided by the number of games.

    Returns
    -------
    key : ndarray of uint8, (256,)
        2·r + type, where r is 1 + the rank of the payoff of (type, degree, type-1 neighbours)
        among all payoffs that occur (equal payoffs share a rank); 0 where the combination
        cannot occur.
    rank_type : ndarray of int8, (128,)
        For each r: the type whose payoffs have that rank, or −1 when both types reach it (a
        tie the kernel settles with the general path's random draws when both are present).

    Each payoff is summed in the order of the general kernel (neighbours, then oneself) and
    returned only when that order cannot matter (see :func:`_order_free`), so the ranks order
    sites exactly as the general kernel's payoffs do.

    Examples
    --------
    Nowak & May at b = 2 without self-interaction: a defector with 4 cooperating neighbours
    (4 defecting ones) earns 8, exactly what a cooperator with 8 cooperating neighbours earns.

    >>> key, rank_type = rank_tables(np.array([[1.0, 0.0], [2.0, 0.0]]), height=9, width=9,
    ...                              moore=True, periodic=True, self_interaction=False,
    ...                              average=False)
    >>> d, c = key[(1 * 9 + 8) * 9 + 4], key[(0 * 9 + 8) * 9 + 0]
    >>> int(d >> 1) == int(c >> 1), int(d & 1), int(c & 1), int(rank_type[d >> 1])
    (True, 1, 0, -1)
    >>> rank_tables(np.array([[0.1, 0.2], [0.3, 0.0]]), height=9, width=9, moore=True,
    ...             periodic=True, self_interaction=False, average=False) is None
    True
    """
    a = np.asarray(A, dtype=np.float64)
    if a.shape != (2, 2) or not np.isfinite(a).all():
        return None
    degrees = _degrees(height, width, moore, periodic)
    terms = max(degrees) + int(self_interaction)
    if not all(_order_free(float(a[t, 0]), float(a[t, 1]), terms) for t in (0, 1)):
        return None
    cells: list[tuple[int, float]] = []
    for t in (0, 1):
        for d in degrees:
            for n1 in range(d + 1):
                s = 0.0
                for _ in range(d - n1):
                    s += float(a[t, 0])
                for _ in range(n1):
                    s += float(a[t, 1])
                games = d
                if self_interaction:
                    s += float(a[t, t])
                    games += 1
                if average and games > 0:
                    s /= games
                cells.append(((t * _STRIDE + d) * _STRIDE + n1, s))
    values = np.unique(np.array([v for _, v in cells]))  # -0.0 and 0.0 are one value, as for ==
    if values.size > 126:  # cannot happen (2 types × (4 + 6 + 9) counts at most): 2·r + 1 < 256
        return None
    key = np.zeros(256, dtype=np.uint8)  # any byte indexes it: junk in padding cells is harmless
    rank_type = np.full(128, -2, dtype=np.int8)
    for code, v in cells:
        r = int(np.searchsorted(values, v)) + 1
        t = code // (_STRIDE * _STRIDE)
        key[code] = 2 * r + t
        rank_type[r] = t if rank_type[r] in (-2, t) else -1
    return key, rank_type


@njit(cache=True)
def _halo(x: np.ndarray, h: int, w: int, periodic: bool) -> None:
    """Fill the padding of a flat (h + 2) × (w + 2) grid: the opposite edges (periodic) or 0."""
    p = w + 2
    if periodic:
        for j in range(1, w + 1):
            x[j] = x[h * p + j]
            x[(h + 1) * p + j] = x[p + j]
        for i in range(h + 2):
            x[i * p] = x[i * p + w]
            x[i * p + w + 1] = x[i * p + 1]
    else:  # the flat passes leave junk in the padding columns
        for i in range(h + 2):
            x[i * p] = 0
            x[i * p + w + 1] = 0


@njit(cache=True)
def _payoff_rows(lo: int, hi: int, t: np.ndarray, k: np.ndarray, v: np.ndarray,
                 code: np.ndarray, h: int, w: int, moore: bool, periodic: bool,
                 key: np.ndarray) -> None:  # fmt: skip
    """Payoff keys (2·rank + type) of the padded rows ``lo..hi-1`` (1-based) into ``k``.

    The grids are flat; each loop runs over the rows' cells in one stretch (padding columns
    included, their junk overwritten by :func:`_halo`), so short rows cost no loop overheads.
    """
    p = w + 2
    a = lo * p
    b = hi * p
    n = b - a - 2  # the cells a + 1 .. b − 2
    # views indexed by the loop counter alone: offsets inside the index would cost Numba's
    # negative-index checks and LLVM's vectorisation
    base = np.uint8((8 if moore else 4) * _STRIDE)
    per_type = np.uint8(_STRIDE * _STRIDE)
    up, mid, dn, vv = t[a - p : b - p], t[a:b], t[a + p : b + p], v[a:b]
    for q in range(b - a):
        vv[q] = up[q] + mid[q] + dn[q]
    c, own = code[a + 1 : b - 1], t[a + 1 : b - 1]
    if moore:
        left, centre, right = v[a : b - 2], v[a + 1 : b - 1], v[a + 2 : b]
        for q in range(n):
            c[q] = own[q] * per_type + base + left[q] + centre[q] + right[q] - own[q]
    else:
        north, south = t[a + 1 - p : b - 1 - p], t[a + 1 + p : b - 1 + p]
        west, east = t[a : b - 2], t[a + 2 : b]
        for q in range(n):
            c[q] = own[q] * per_type + base + north[q] + south[q] + west[q] + east[q]
    if not periodic:  # sites on the edges have fewer neighbours
        d_mid = 8 if moore else 4
        for i in range(lo, hi):
            rc = 3 - (i == 1) - (i == h)
            step = 1 if rc < 3 else max(w - 1, 1)  # every column of an edge row, else 1 and w
            for j in range(1, w + 1, step):
                cc = 3 - (j == 1) - (j == w)
                d = rc * cc - 1 if moore else rc + cc - 2
                code[i * p + j] += (d - d_mid) * _STRIDE
    out = k[a + 1 : b - 1]
    for q in range(n):
        out[q] = key[c[q]]


@njit(cache=True, inline="always")
def _ascending(a: int, h: int, periodic: bool) -> tuple[int, int, int]:
    """The offsets −1, 0, 1 from row (or column) ``a`` in ascending order of the row they reach:
    on a periodic lattice the first row's upper neighbour is the last row."""
    if periodic and a == 0:
        return (0, 1, -1)
    if periodic and a == h - 1:
        return (1, -1, 0)
    return (-1, 0, 1)


@njit(cache=True)
def _tie(i: int, j: int, t: np.ndarray, k: np.ndarray, h: int, w: int, moore: bool,
         periodic: bool, rk: np.uint64) -> int:  # fmt: skip
    """The new type of padded cell (i, j) exactly as ``population._best_of`` picks it: the
    neighbours in ascending site order (the CSR order: by row, then column, wrapped), reservoir
    sampling over the tied ones with the same keyed draws.

    Outside a fixed lattice the padding has key 0, below every payoff, so visiting it changes
    nothing (the CSR simply lacks those neighbours).
    """
    p = w + 2
    f = i * p + j
    best = np.int64(t[f])
    bp = k[f] >> 1  # keys are 2·rank + type: ranks compare as the payoffs do
    ties = 1
    n_draws = 0
    sk = np.uint64(0)
    for di in _ascending(i - 1, h, periodic):
        for dj in _ascending(j - 1, w, periodic):
            if (di == 0 and dj == 0) or not (moore or di == 0 or dj == 0):
                continue
            z = f + di * p + dj
            q = k[z] >> 1
            tz = np.int64(t[z])
            if q > bp:
                best = tz
                bp = q
                ties = 1
            elif q == bp:
                ties += 1
                if tz != best:
                    if n_draws == 0:
                        sk = _step_key(rk, (i - 1) * w + (j - 1))
                    u, _ = uniform_pair(sk, _TIES + n_draws)
                    n_draws += 1
                    if u * ties < 1.0:
                        best = tz
    return best


@njit(cache=True, inline="always")
def _key_around(f: int, p: int, k: np.ndarray, key: int, moore: bool) -> bool:
    """Whether a site with this key is in the neighbourhood of flat cell f, itself included."""
    for di in range(-1, 2):
        for dj in range(-1, 2):
            if (moore or di == 0 or dj == 0) and k[f + di * p + dj] == key:
                return True
    return False


@njit(cache=True)
def _imitate_rows(lo: int, hi: int, t: np.ndarray, k: np.ndarray, out: np.ndarray,
                  v: np.ndarray, top: np.ndarray, h: int, w: int, moore: bool, periodic: bool,
                  rank_type: np.ndarray, rk: np.uint64) -> int:  # fmt: skip
    """New types of the padded rows ``lo..hi-1`` into ``out``; returns how many are type 1."""
    p = w + 2
    a = lo * p
    b = hi * p
    n = b - a - 2
    best = top[a + 1 : b - 1]
    if moore:
        up, mid, dn, vv = k[a - p : b - p], k[a:b], k[a + p : b + p], v[a:b]
        for q in range(b - a):
            vv[q] = max(up[q], mid[q], dn[q])
        left, centre, right = v[a : b - 2], v[a + 1 : b - 1], v[a + 2 : b]
        for q in range(n):
            best[q] = max(left[q], centre[q], right[q])
    else:
        north, south = k[a + 1 - p : b - 1 - p], k[a + 1 + p : b - 1 + p]
        west, own, east = k[a : b - 2], k[a + 1 : b - 1], k[a + 2 : b]
        for q in range(n):
            best[q] = max(north[q], south[q], west[q], own[q], east[q])
    ones = 0
    for i in range(lo, hi):
        for f in range(i * p + 1, i * p + w + 1):
            tp = top[f]
            s = np.int64(rank_type[tp >> 1])
            if s < 0:  # a payoff both types can earn: a tie between types only if both are there
                if tp & 1 == 0:
                    s = 0  # no type-1 site has the top payoff
                elif not _key_around(f, p, k, tp - 1, moore):
                    s = 1
                else:
                    s = _tie(i, f - i * p, t, k, h, w, moore, periodic, rk)
            out[f] = s
            ones += s
    return ones


@njit(cache=True, parallel=True)
def _payoff_pass(t: np.ndarray, k: np.ndarray, v: np.ndarray, code: np.ndarray, h: int, w: int,
                 moore: bool, periodic: bool, key: np.ndarray) -> None:  # fmt: skip
    for blk in prange((h + _BLOCK - 1) // _BLOCK):
        lo = 1 + blk * _BLOCK
        _payoff_rows(lo, min(lo + _BLOCK, h + 1), t, k, v, code, h, w, moore, periodic, key)


@njit(cache=True, parallel=True)
def _imitate_pass(t: np.ndarray, k: np.ndarray, out: np.ndarray, v: np.ndarray,
                  top: np.ndarray, h: int, w: int, moore: bool, periodic: bool,
                  rank_type: np.ndarray, rk: np.uint64) -> int:  # fmt: skip
    ones = 0
    for blk in prange((h + _BLOCK - 1) // _BLOCK):
        lo = 1 + blk * _BLOCK
        ones += _imitate_rows(lo, min(lo + _BLOCK, h + 1), t, k, out, v, top, h, w, moore,
                              periodic, rank_type, rk)  # fmt: skip
    return ones


@njit(cache=True)
def _unpad(t: np.ndarray, h: int, w: int, out: np.ndarray) -> None:
    p = w + 2
    for a in range(h):
        for b in range(w):
            out[a * w + b] = t[(a + 1) * p + b + 1]


@njit(cache=True)
def evolve_lattice(
    types0: np.ndarray,
    lattice: tuple[int, int, bool, bool],
    tables: tuple[np.ndarray, np.ndarray],
    span: Span,
    out: Out,
    parallel: bool,
) -> None:
    """Synchronous best-neighbour imitation of types 0 and 1 on a ``height`` × ``width`` lattice,
    run by run; the arguments and outputs are those of
    :func:`trustlab.kernel.population.evolve_sites` (``types0[r, n]`` updated in place, ``hist``,
    ``snaps``, ``final``, ``fix_type``, ``fix_step``), with the same draws and the same results.

    ``lattice`` is ``(height, width, moore, periodic)``, ``tables`` the ``(key, rank_type)`` of
    :func:`rank_tables`; ``span`` and ``out`` are the bundles of :mod:`trustlab.kernel.population`.
    ``parallel`` runs each pass with its rows in parallel (worth it from about 10⁴ sites; the
    results do not depend on it).
    """
    h, w, moore, periodic = lattice
    key, rank_type = tables
    run0, gen0, generations, seed, every, stop = span
    hist, snaps, final, fix_type, fix_step = out
    n_runs, n = types0.shape
    size = (h + 2) * (w + 2)  # flat grids with a padding of one cell all round
    t = np.zeros(size, dtype=np.uint8)
    nxt = np.zeros(size, dtype=np.uint8)
    k = np.zeros(size, dtype=np.uint8)
    v = np.zeros(size, dtype=np.uint8)
    code = np.zeros(size, dtype=np.uint8)
    counts = np.zeros(2, dtype=np.int64)
    for r in range(n_runs):
        types = types0[r]
        ones = 0
        for a in range(h):
            for b in range(w):
                t[(a + 1) * (w + 2) + b + 1] = types[a * w + b]
                ones += types[a * w + b]
        _halo(t, h, w, periodic)
        counts[0] = n - ones
        counts[1] = ones
        if gen0 == 0:
            record_state(r, 0, every, False, counts, types, hist, snaps)
        done = stop and (ones == 0 or ones == n)
        for g in range(generations):
            gg = gen0 + g
            if not done:
                rk = base_key(seed, run0 + r, gg)
                if parallel:
                    _payoff_pass(t, k, v, code, h, w, moore, periodic, key)
                    _halo(k, h, w, periodic)
                    ones = _imitate_pass(t, k, nxt, v, code, h, w, moore, periodic, rank_type, rk)
                else:
                    _payoff_rows(1, h + 1, t, k, v, code, h, w, moore, periodic, key)
                    _halo(k, h, w, periodic)
                    ones = _imitate_rows(1, h + 1, t, k, nxt, v, code, h, w, moore, periodic,
                                         rank_type, rk)  # fmt: skip
                _halo(nxt, h, w, periodic)
                t, nxt = nxt, t
                counts[0] = n - ones
                counts[1] = ones
                if fix_type[r] < 0 and (ones == 0 or ones == n):
                    fix_type[r] = 0 if ones == 0 else 1
                    fix_step[r] = (gg + 1) * n
                    done = stop
            if r == 0 and snaps.shape[0] > 0 and ((gg + 1) % every == 0 or done):
                _unpad(t, h, w, types)  # the sites as the snapshot shows them
            record_state(r, gg + 1, every, done, counts, types, hist, snaps)
            if done:
                break
        _unpad(t, h, w, types)
        final[r, :] = counts
