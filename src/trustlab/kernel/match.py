"""The match kernel: many matches between state machines, in parallel, with counter-based noise.

The kernels take a few tuples ("bundles") rather than long argument lists:

* ``machines = (cum, det, trans, init)``: padded arrays for ``n`` machines with at most ``S``
  states playing a ``k``-action game: ``cum[n, S, k]`` cumulative action probabilities,
  ``det[n, S]`` the sure action or −1, ``trans[n, S, k, k]`` next states, ``init[n]`` initial
  states (:meth:`trustlab.domain.play.PackedMachines.bundle`);
* ``units = (unit_a, unit_b, unit_match, unit_rep, unit_turns)``: one row per unit of work (a
  match repetition): the two machines, the match and repetition indices that key its random
  numbers, and its number of turns;
* ``draws = (noise, misread, seed)``: the execution and perception noise probabilities and the
  seed (``np.uint64``);
* ``out = (joint, history)`` for :func:`play_units`; :func:`play_pairs` instead takes a tournament
  ``block``, a ``scoring`` pair and per-pair accumulators (see there).

The draws are exactly those of :func:`trustlab.domain.characters.machine.play_reference`.

Two paths, one result. Two-action games without a recorded history (tournaments, evolution) take
a specialised path: each machine state becomes one global index with a cooperation threshold and
a flat next-state table, a mistake or misreading is a flip, joint counts are kept in registers,
and each thread plays two units in lockstep so that one unit's hashing hides the other's chain of
dependent loads. Every other case takes the general path. Both make exactly the draws of the
reference interpreter and give bit-identical counts (tested against each other and the reference).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit, parallel_chunksize, prange

from trustlab.kernel.rng import base_key, child_key, uniform_pair

__all__ = ["Bundle", "play_pairs", "play_units", "seat_sums"]

#: a kernel argument bundle: a tuple of arrays and scalars (see the module docstring)
Bundle = tuple[Any, ...]


@njit(cache=True, inline="always")
def _replace(intended: np.int64, u: float, k: np.int64) -> np.int64:
    r = np.int64(u * (k - 1))
    if r > k - 2:
        r = k - 2
    return r if r < intended else r + 1


@njit(cache=True, inline="always")
def _choose(
    cum: np.ndarray, det: np.ndarray, m: np.int64, s: np.int64, u: float, k: np.int64
) -> np.int64:
    act = det[m, s]
    if act >= 0:
        return np.int64(act)
    for a in range(k):
        if u < cum[m, s, a]:
            return np.int64(a)
    return k - 1


@njit(cache=True, inline="always")
def _cut(p: float) -> np.uint64:
    """The integer ``c`` with ``h < c`` iff ``h · 2⁻³² < p``, for every 32-bit integer ``h``."""
    return np.uint64(np.ceil(p * 4294967296.0))


@njit(cache=True, inline="always")
def _draw(key: np.uint64, counter: int) -> tuple[np.uint64, np.uint64]:
    """The two 32-bit halves of :func:`uniform_pair`'s hash (the ``counter``-th child key),
    before scaling to [0, 1)."""
    h = child_key(key, np.int64(counter))
    return h >> np.uint64(32), h & np.uint64(0xFFFFFFFF)


@njit(cache=True)
def _flatten_two(
    cum: np.ndarray, det: np.ndarray, trans: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two-action machines as global states ``g = machine * S + state``.

    ``threshold[g]``: action 0 when the draw's high 32 bits ``hi < threshold[g]``, which is
    ``u = hi · 2⁻³² < p`` with ``p`` the probability of action 0 (exactly: scaling by 2³² is
    exact, and for an integer ``hi``, ``hi < x`` iff ``hi < ceil(x)``); for a sure state ``p`` is
    1 or 0, so its action never depends on the draw (``hi`` is 0 when no draw is made).
    ``random[g]``: whether the state needs a draw; ``nxt[4g + 2x + o]``: the next global state
    after executing ``x`` and seeing ``o``.
    """
    n, n_states = det.shape
    threshold = np.empty(n * n_states, dtype=np.uint64)
    random = np.empty(n * n_states, dtype=np.bool_)
    nxt = np.empty(n * n_states * 4, dtype=np.int64)
    for m in range(n):
        for s in range(n_states):
            g = m * n_states + s
            d = det[m, s]
            random[g] = d < 0
            p = cum[m, s, 0] if d < 0 else (1.0 if d == 0 else 0.0)
            threshold[g] = _cut(p)
            for x in range(2):
                for o in range(2):
                    nxt[4 * g + 2 * x + o] = m * n_states + trans[m, s, x, o]
    return threshold, random, nxt


@njit(cache=True, inline="always")
def _turn_two(
    threshold: np.ndarray,
    random: np.ndarray,
    nxt: np.ndarray,
    key: np.uint64,
    t: int,
    ga: int,
    gb: int,
    noise: np.uint64,
    misread: np.uint64,
) -> tuple[int, int, int, int]:
    """One turn of a two-action unit: the next global states and both executed actions.

    The draws are the general path's (counters 4t + 2p and 4t + 2p + 1), compared as integers
    with :func:`_cut` thresholds (``noise`` and ``misread`` too), which decides exactly as the
    general path's floating-point comparisons; with two actions :func:`_replace` is a flip
    whatever its uniform, so none is needed beyond the coin.
    """
    c0 = 4 * t
    zero = np.uint64(0)
    ua = ea = zero
    if noise > zero or random[ga]:
        ua, ea = _draw(key, c0)
    xa = 0 if ua < threshold[ga] else 1
    if ea < noise:
        xa = 1 - xa
    ub = eb = zero
    if noise > zero or random[gb]:
        ub, eb = _draw(key, c0 + 2)
    xb = 0 if ub < threshold[gb] else 1
    if eb < noise:
        xb = 1 - xb
    oa = xb
    ob = xa
    if misread > zero:
        m1, _ = _draw(key, c0 + 1)
        if m1 < misread:
            oa = 1 - oa
        m2, _ = _draw(key, c0 + 3)
        if m2 < misread:
            ob = 1 - ob
    return nxt[4 * ga + 2 * xa + oa], nxt[4 * gb + 2 * xb + ob], xa, xb


@njit(cache=True, inline="always")
def _add_counts(joint: np.ndarray, u: int, n_turns: int, da: int, db: int, dd: int) -> None:
    """Joint counts from the turns a defected (``da``), b defected (``db``) and both (``dd``)."""
    joint[u, 1, 1] += dd
    joint[u, 1, 0] += da - dd
    joint[u, 0, 1] += db - dd
    joint[u, 0, 0] += n_turns - da - db + dd


@njit(cache=True, parallel=True)
def _play_two(
    flat: Bundle, init: np.ndarray, units: Bundle, cuts: Bundle, joint: np.ndarray
) -> None:
    """The two-action path: units u = 2i and v = 2i + 1 in lockstep, each to its own last turn.

    ``flat = (threshold, random, nxt, n_states)`` from :func:`_flatten_two`; ``cuts = (noise,
    misread, seed)`` with the rates as :func:`_cut` thresholds. One inlined copy of the turn per
    unit (rather than a lockstep loop plus two tails) halves the compile time at no measurable
    cost in speed.
    """
    threshold, random, nxt, n_states = flat
    unit_a, unit_b, unit_match, unit_rep, unit_turns = units
    noise, misread, seed = cuts
    n = unit_a.shape[0]
    for i in prange((n + 1) // 2):
        u = 2 * i
        v = min(u + 1, n - 1)  # with an odd count the last unit is played once, alone
        key_u = base_key(seed, unit_match[u], unit_rep[u])
        key_v = base_key(seed, unit_match[v], unit_rep[v])
        ga = unit_a[u] * n_states + init[unit_a[u]]
        gb = unit_b[u] * n_states + init[unit_b[u]]
        ha = unit_a[v] * n_states + init[unit_a[v]]
        hb = unit_b[v] * n_states + init[unit_b[v]]
        tu = unit_turns[u]
        tv = unit_turns[v] if v != u else 0
        da = db = dd = 0
        ea = eb = ee = 0
        for t in range(max(tu, tv)):
            if t < tu:
                ga, gb, xa, xb = _turn_two(threshold, random, nxt, key_u, t, ga, gb, noise, misread)
                da += xa
                db += xb
                dd += xa & xb
            if t < tv:
                ha, hb, ya, yb = _turn_two(threshold, random, nxt, key_v, t, ha, hb, noise, misread)
                ea += ya
                eb += yb
                ee += ya & yb
        _add_counts(joint, u, tu, da, db, dd)
        if v != u:
            _add_counts(joint, v, tv, ea, eb, ee)


@njit(cache=True, parallel=True)
def play_units(machines: Bundle, units: Bundle, draws: Bundle, out: Bundle) -> None:
    """Play every unit; add joint executed-action counts into ``joint[u, x_a, x_b]``.

    ``machines``, ``units`` and ``draws`` are the bundles of the module docstring;
    ``out = (joint, history)``: ``joint`` of shape ``(n_units, k, k)`` (added to, never cleared),
    ``history`` either of shape ``(n_units, max_turns, 2, 3)`` — per turn and player the
    intended, executed and observed action — or of shape ``(0, 0, 2, 3)`` to record nothing.
    """
    joint, history = out
    cum, det, trans, init = machines
    unit_a, unit_b, unit_match, unit_rep, unit_turns = units
    noise, misread, seed = draws
    k = np.int64(cum.shape[2])
    record = history.shape[0] > 0
    if k == 2 and not record:
        threshold, random, nxt = _flatten_two(cum, det, trans)
        flat = (threshold, random, nxt, np.int64(det.shape[1]))
        _play_two(flat, init, units, (_cut(noise), _cut(misread), seed), joint)
        return
    for u in prange(unit_a.shape[0]):
        ma = unit_a[u]
        mb = unit_b[u]
        key = base_key(seed, unit_match[u], unit_rep[u])
        sa = np.int64(init[ma])
        sb = np.int64(init[mb])
        for t in range(unit_turns[u]):
            c0 = np.int64(4 * t)
            # player a: choose, then perhaps make a mistake
            need_a = det[ma, sa] < 0 or noise > 0.0
            ua = 0.0
            ea = 0.0
            if need_a:
                ua, ea = uniform_pair(key, c0)
            ia = _choose(cum, det, ma, sa, ua, k)
            xa = ia
            if ea < noise:
                xa = _replace(ia, ea / noise, k)
            # player b
            need_b = det[mb, sb] < 0 or noise > 0.0
            ub = 0.0
            eb = 0.0
            if need_b:
                ub, eb = uniform_pair(key, c0 + 2)
            ib = _choose(cum, det, mb, sb, ub, k)
            xb = ib
            if eb < noise:
                xb = _replace(ib, eb / noise, k)
            # what each sees of the other
            oa = xb
            ob = xa
            if misread > 0.0:
                m1, p1 = uniform_pair(key, c0 + 1)
                if m1 < misread:
                    oa = _replace(oa, p1, k)
                m2, p2 = uniform_pair(key, c0 + 3)
                if m2 < misread:
                    ob = _replace(ob, p2, k)
            joint[u, xa, xb] += 1
            if record:
                history[u, t, 0, 0] = ia
                history[u, t, 0, 1] = xa
                history[u, t, 0, 2] = oa
                history[u, t, 1, 0] = ib
                history[u, t, 1, 1] = xb
                history[u, t, 1, 2] = ob
            sa = np.int64(trans[ma, sa, xa, oa])
            sb = np.int64(trans[mb, sb, xb, ob])


@njit(cache=True, inline="always")
def _seat(
    joint: np.ndarray, u: int, payoffs: np.ndarray, coop: np.int64
) -> tuple[float, float, int, int]:
    """Unit ``u``'s total payoff of each seat (summed in (i, j) order) and cooperative turns."""
    k = joint.shape[1]
    a = 0.0
    b = 0.0
    ca = 0
    cb = 0
    for i in range(k):
        for j in range(k):
            n = joint[u, i, j]
            a += n * payoffs[i, j]
            b += n * payoffs[j, i]
            if i == coop:
                ca += n
            if j == coop:
                cb += n
    return a, b, ca, cb


@njit(cache=True, parallel=True)
def seat_sums(
    joint: np.ndarray, payoffs: np.ndarray, coop: np.int64, totals: np.ndarray, coops: np.ndarray
) -> None:
    """Per unit and seat, the total payoff and the turns on the cooperative action.

    ``totals[u, 0] = Σ_ij joint[u, i, j]·payoffs[i, j]`` (the row seat) and
    ``totals[u, 1] = Σ_ij joint[u, i, j]·payoffs[j, i]``, summed in (i, j) order;
    ``coops[u]`` counts the turns each seat executed action ``coop``. One pass over the units: in a
    tournament of millions of repetitions NumPy's temporaries cost more than this loop.
    """
    for u in prange(joint.shape[0]):
        a, b, ca, cb = _seat(joint, u, payoffs, coop)
        totals[u, 0] = a
        totals[u, 1] = b
        coops[u, 0] = ca
        coops[u, 1] = cb


@njit(cache=True)
def _fold(
    joint: np.ndarray, turns: np.ndarray, lo: int, reps: int, scoring: Bundle, acc: Bundle,
    detail: Bundle,
) -> None:  # fmt: skip
    """Add units ``lo, lo + 1, ...`` (rows of ``joint``) into their pairs' sums, in unit order.

    One left fold per pair, continued from block to block: the sums do not depend on how the
    units were split into blocks or threads.
    """
    payoffs, coop = scoring
    pair_joint, pair_turns, pair_scores, pair_squares, pair_wins = acc
    totals, unit_turns, coops = detail
    keep = totals.shape[0] > 0
    k = joint.shape[1]
    for q in range(joint.shape[0]):
        g = lo + q
        p = g // reps
        a, b, ca, cb = _seat(joint, q, payoffs, coop)
        for i in range(k):
            for j in range(k):
                pair_joint[p, i, j] += joint[q, i, j]
        pair_turns[p] += turns[q]
        pair_scores[p, 0] += a
        pair_scores[p, 1] += b
        pair_squares[p, 0] += a * a
        pair_squares[p, 1] += b * b
        if a > b:
            pair_wins[p, 0] += 1
        elif b > a:
            pair_wins[p, 1] += 1
        if keep:
            totals[g, 0] = a
            totals[g, 1] = b
            unit_turns[g] = turns[q]
            coops[g, 0] = ca
            coops[g, 1] = cb


@njit(cache=True)
def _block_units(
    pair_a: np.ndarray, pair_b: np.ndarray, pair_match: np.ndarray, reps: int, lo: int, hi: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Machines, match keys and repetitions of units ``lo ≤ g < hi`` (pair g // reps)."""
    n = hi - lo
    unit_a = np.empty(n, dtype=np.int64)
    unit_b = np.empty(n, dtype=np.int64)
    unit_match = np.empty(n, dtype=np.int64)
    unit_rep = np.empty(n, dtype=np.int64)
    for q in range(n):
        g = lo + q
        p = g // reps
        unit_a[q] = pair_a[p]
        unit_b[q] = pair_b[p]
        unit_match[q] = pair_match[p]
        unit_rep[q] = g - p * reps
    return unit_a, unit_b, unit_match, unit_rep


_NO_HISTORY = np.zeros((0, 0, 2, 3), dtype=np.int8)

#: lockstep iterations (two units each) a thread takes at a time in :func:`play_pairs`: threads
#: take work as they finish (dynamic scheduling) rather than half each, so one thread delayed by
#: another process does not hold up the block; results do not depend on it
PARALLEL_CHUNK = 32


def play_pairs(
    machines: Bundle, block: Bundle, draws: Bundle, scoring: Bundle, acc: Bundle, detail: Bundle
) -> None:
    """Play a block of a tournament's units and fold each into its pair's sums.

    ``block = (pair_a, pair_b, pair_match, reps, lo, hi, turns)``: the tournament's units are
    ``g = p · reps + r`` for each pair ``p`` (machines ``pair_a[p]`` v ``pair_b[p]``, match key
    ``pair_match[p]``) and repetition ``r < reps``; this block plays ``lo ≤ g < hi``, unit ``g``
    lasting ``turns[g − lo]``. ``scoring = (payoffs, coop)``: the game's ``(k, k)`` payoffs and
    its cooperative action.

    ``acc = (pair_joint, pair_turns, pair_scores, pair_squares, pair_wins)`` per pair: summed
    joint counts ``(P, k, k)``, turns ``(P,)``, each seat's total payoff per repetition summed
    ``(P, 2)`` and squared-and-summed ``(P, 2)``, repetitions each seat won outright ``(P, 2)``;
    added to, in unit order. ``detail = (totals, turns, coops)`` with one row per unit of the
    tournament (``(P · reps, 2)``, ``(P · reps,)``, ``(P · reps, 2)``) keeps every repetition's
    seat totals (as :func:`seat_sums`), turns and cooperative turns; zero rows keep nothing.
    Memory is the block's: nothing here grows with the tournament's repetitions unless asked.

    Plain Python calling three compiled functions, on purpose: a parallel function (here
    :func:`play_units`) called from two cached compiled functions crashed Numba 0.68 once both
    callers were loaded from the on-disk cache; its only callers are therefore Python.
    """
    pair_a, pair_b, pair_match, reps, lo, hi, turns = block
    k = machines[0].shape[2]
    units = (*_block_units(pair_a, pair_b, pair_match, reps, lo, hi), turns)
    joint = np.zeros((hi - lo, k, k), dtype=np.int64)
    with parallel_chunksize(PARALLEL_CHUNK):
        play_units(machines, units, draws, (joint, _NO_HISTORY))
    _fold(joint, turns, lo, reps, scoring, acc, detail)
