"""Slow, obvious reference implementations of the population kernels, for parity tests.

Plain Python, payoffs recomputed from scratch before every draw (no incremental bookkeeping), the
same counter-based random numbers as :mod:`trustlab.kernel.population`: the kernels must agree
with these type for type.
"""

from __future__ import annotations

import math

import numpy as np

from trustlab.kernel.rng import base_key_py, child_key_py, uniform_pair_py

__all__ = ["evolve_counts_reference", "evolve_sites_reference"]

MORAN_BD, MORAN_DB, FERMI, BEST = 0, 1, 2, 3
PAIR, GROUP, FIXED = 0, 1, 2


def _group(kind: int, par: list[float], a: int, nc: int, size: int) -> float:
    if kind == 0:
        return par[0] * par[1] * nc / size - par[1] * a
    if kind == 1:
        return (par[1] * par[2] * nc / size if nc >= par[0] else 0.0) - par[2] * a
    keep = par[3] if nc >= par[0] else par[3] * (1.0 - par[1])
    return keep - par[2] * par[3] * a


def _fit(p: float, w: float, linear: bool) -> float:
    return 1.0 - w + w * p if linear else math.exp(w * p)


def _payoffs(
    t: list[int],
    nb: list[list[int]],
    A: np.ndarray,
    act: list[int],
    mode: int,
    self_int: bool,
    average: bool,
    gkind: int,
    gpar: list[float],
) -> list[float]:
    n = len(t)
    out = []
    for x in range(n):
        s, k = 0.0, 0
        if mode == PAIR:
            for y in nb[x]:
                s += float(A[t[x], t[y]])
                k += 1
            if self_int:
                s += float(A[t[x], t[x]])
                k += 1
        else:
            for c in [x, *nb[x]]:
                nc = act[t[c]] + sum(act[t[z]] for z in nb[c])
                s += _group(gkind, gpar, act[t[x]], nc, len(nb[c]) + 1)
                k += 1
        out.append(s / k if average and k else s)
    return out


def _pick(weights: list[float], u: float) -> int:
    """Index drawn in proportion to ``weights`` (the last positive one if rounding runs over)."""
    target, acc, last = u * sum(weights), 0.0, 0
    for i, wt in enumerate(weights):
        if wt > 0:
            last = i
            acc += wt
            if target < acc:
                return i
    return last


def _best(x: int, sk: int, p: list[float], t: list[int], nb: list[list[int]]) -> int:
    """Type of the best of x and its neighbours; ties at random (a draw only when it matters)."""
    best, top, ties, j = t[x], p[x], 1, 0
    for z in nb[x]:
        if p[z] > top:
            best, top, ties = t[z], p[z], 1
        elif p[z] == top:
            ties += 1
            if t[z] != best:
                u, _ = uniform_pair_py(sk, 3 + j)
                j += 1
                if u * ties < 1.0:
                    best = t[z]
    return best


def _mutate(sk: int, new: int, mu: float, mutants: list[int]) -> int:
    if mu > 0:
        um, ut = uniform_pair_py(sk, 2)
        if um < mu:
            return mutants[min(int(ut * len(mutants)), len(mutants) - 1)]
    return new


def evolve_sites_reference(
    types0: np.ndarray, indptr: np.ndarray, indices: np.ndarray, A: np.ndarray, act: np.ndarray,
    mode: int, self_int: bool, average: bool, gkind: int, gpar: np.ndarray, fixed_pay: np.ndarray,
    dyn: int, synchronous: bool, w: float, linear: bool, mu: float, mutants: np.ndarray,
    run0: int, generations: int, seed: int,
) -> np.ndarray:  # fmt: skip
    """Final types ``(runs, n)`` after ``generations`` (no early stop)."""
    n = types0.shape[1]
    nb = [[int(v) for v in indices[indptr[x] : indptr[x + 1]]] for x in range(n)]
    a, par, mut = [int(v) for v in act], [float(v) for v in gpar], [int(v) for v in mutants]
    out = []
    for r, row in enumerate(types0):
        t = [int(v) for v in row]
        fixed = [float(v) for v in fixed_pay[r]] if mode == FIXED else None

        def pay(t: list[int] = t, fixed: list[float] | None = fixed) -> list[float]:
            return fixed if fixed is not None else _payoffs(
                t, nb, A, a, mode, self_int, average, gkind, par)  # fmt: skip

        for g in range(generations):
            rk = base_key_py(seed, run0 + r, g)
            if synchronous:
                p, new = pay(), list(t)
                for x in range(n):
                    sk = child_key_py(rk, x)
                    if dyn == BEST:
                        new[x] = _best(x, sk, p, t, nb)
                    elif nb[x]:
                        _, u1 = uniform_pair_py(sk, 0)
                        y = nb[x][min(int(u1 * len(nb[x])), len(nb[x]) - 1)]
                        acc, _ = uniform_pair_py(sk, 1)
                        if acc * (1.0 + math.exp(-w * (p[y] - p[x]))) < 1.0:
                            new[x] = t[y]
                    new[x] = _mutate(sk, new[x], mu, mut)
                t[:] = new
                continue
            for s in range(n):
                sk = child_key_py(rk, s)
                u0, u1 = uniform_pair_py(sk, 0)
                p = pay()
                y, nt = -1, -1
                if dyn == MORAN_BD:
                    x = _pick([_fit(v, w, linear) for v in p], u0)
                    if nb[x]:
                        y, nt = nb[x][min(int(u1 * len(nb[x])), len(nb[x]) - 1)], t[x]
                elif dyn == MORAN_DB:
                    y = min(int(u0 * n), n - 1)
                    if nb[y]:
                        nt = t[nb[y][_pick([_fit(p[z], w, linear) for z in nb[y]], u1)]]
                    else:
                        y = -1
                elif dyn == FERMI:
                    y = min(int(u0 * n), n - 1)
                    nt = t[y]
                    if nb[y]:
                        z = nb[y][min(int(u1 * len(nb[y])), len(nb[y]) - 1)]
                        acc, _ = uniform_pair_py(sk, 1)
                        if acc * (1.0 + math.exp(-w * (p[z] - p[y]))) < 1.0:
                            nt = t[z]
                else:
                    y = min(int(u0 * n), n - 1)
                    nt = _best(y, sk, p, t, nb)
                if y >= 0:
                    t[y] = _mutate(sk, nt, mu, mut)
        out.append(t)
    return np.array(out, dtype=np.int64)


def evolve_counts_reference(
    counts0: np.ndarray, A: np.ndarray, act: np.ndarray, table: np.ndarray, mode: int,
    self_int: bool, average: bool, dyn: int, w: float, linear: bool, mu: float,
    mutants: np.ndarray, run0: int, generations: int, seed: int,
) -> np.ndarray:  # fmt: skip
    """Final counts ``(runs, m)`` of a well-mixed population after ``generations``."""
    m = counts0.shape[1]
    mut = [int(v) for v in mutants]
    out = []
    for r, row in enumerate(counts0):
        c = [int(v) for v in row]
        n = sum(c)

        def pi(c: list[int] = c, n: int = n) -> list[float]:
            if mode != PAIR:
                nc = sum(ci * int(act[i]) for i, ci in enumerate(c))
                return [float(table[int(act[i]), nc]) for i in range(m)]
            res = []
            for i in range(m):
                s = sum(c[j] * float(A[i, j]) for j in range(m))
                k = n if self_int else n - 1
                s = s if self_int else s - float(A[i, i])
                res.append(s / k if average else s)
            return res

        for g in range(generations):
            rk = base_key_py(seed, run0 + r, g)
            for s in range(n):
                sk = child_key_py(rk, s)
                u0, u1 = uniform_pair_py(sk, 0)
                p = pi()
                others = list(c)
                if dyn == MORAN_BD:
                    new = _pick([c[i] * _fit(p[i], w, linear) for i in range(m)], u0)
                    others[new] -= 1
                    dead = _pick([float(v) for v in others], u1)
                elif dyn == MORAN_DB:
                    dead = _pick([float(v) for v in c], u0)
                    others[dead] -= 1
                    new = _pick([others[i] * _fit(p[i], w, linear) for i in range(m)], u1)
                else:
                    dead = _pick([float(v) for v in c], u0)
                    others[dead] -= 1
                    model = _pick([float(v) for v in others], u1)
                    acc, _ = uniform_pair_py(sk, 1)
                    new = dead
                    if acc * (1.0 + math.exp(-w * (p[model] - p[dead]))) < 1.0:
                        new = model
                new = _mutate(sk, new, mu, mut)
                c[dead] -= 1
                c[new] += 1
        out.append(c)
    return np.array(out, dtype=np.int64)
