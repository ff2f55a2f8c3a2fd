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

Several paths, one result. Two-action games without a recorded history (tournaments,
evolution) take specialised paths, chosen per unit by :func:`_play_two_action`:

* *lockstep*: each machine state becomes one global index with a cooperation threshold and a flat
  next-state table, a mistake or misreading is a flip, joint counts are kept in registers, and
  each thread plays two units in lockstep so that one unit's hashing hides the other's chain of
  dependent loads;
* *table paths*, for machines that draw little or never: the draws that decide mistakes,
  misreadings and coins do not depend on the state, so each unit hashes them 64 turns at a time
  (a loop the compiler vectorises) and the machines move by table look-ups — the *quiet* path
  crosses the turns between two events in one look-up, the *driven* path moves a machine 3 turns
  per look-up against one that never leaves its state, the *joint* path moves two machines 4
  turns per look-up when events are common.

Every other case takes the general path. All make exactly the draws of the reference
interpreter and give bit-identical counts (tested against each other and the reference).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import numpy as np
from numba import njit, parallel_chunksize, prange
from numba.cpython.unsafe.numbers import trailing_zeros as _trailing_zeros

from trustlab.kernel.rng import base_key, child_key, child_state, child_stride, mix64, uniform_pair

__all__ = ["Bundle", "play_pairs", "play_units", "seat_sums"]

#: count trailing zero bits (LLVM's ``cttz``), typed for mypy
trailing_zeros = cast(Callable[[np.uint64], int], _trailing_zeros)

#: a count of turns, as Python or compiled code holds it
Count = int | np.int64

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
def _add_counts(joint: np.ndarray, u: int, n_turns: int, da: Count, db: Count, dd: Count) -> None:
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


#: the most quiet turns one table look-up covers on the quiet path (a count must fit 8 bits)
QUIET_SPAN = 64
#: the quiet path's tables may hold at most this many 8-byte entries (32 MiB) per call
QUIET_TABLE_ENTRIES = 1 << 22
#: turns whose events the quiet path finds in one vectorised pass
WINDOW = 64
_BYTE = np.uint64(0xFF)


@njit(cache=True)
def _runs(unit_a: np.ndarray, unit_b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Runs of consecutive units between the same two machines: each unit's run, and each run's
    machines. A tournament's units come pair by pair, so its blocks hold a few runs."""
    n = unit_a.shape[0]
    run_of = np.empty(n, dtype=np.int64)
    n_runs = 0
    for u in range(n):
        if u == 0 or unit_a[u] != unit_a[u - 1] or unit_b[u] != unit_b[u - 1]:
            n_runs += 1
        run_of[u] = n_runs - 1
    run_a = np.empty(n_runs, dtype=np.int64)
    run_b = np.empty(n_runs, dtype=np.int64)
    for u in range(n):
        run_a[run_of[u]] = unit_a[u]
        run_b[run_of[u]] = unit_b[u]
    return run_of, run_a, run_b


@njit(cache=True, inline="always")
def _entry(sa: int, sb: int, da: int, db: int, dd: int) -> np.uint64:
    """A table entry: local states, then the turns a defected, b defected, both defected."""
    return (
        np.uint64(sa)
        | (np.uint64(sb) << np.uint64(8))
        | (np.uint64(da) << np.uint64(16))
        | (np.uint64(db) << np.uint64(24))
        | (np.uint64(dd) << np.uint64(32))
    )


@njit(cache=True, inline="always")
def _action(threshold: np.ndarray, random: np.ndarray, g: int, coin: int) -> int:
    """The action of state ``g`` before any mistake: a sure state's (its cut is 2³² for action
    0, 0 for action 1), or for a state that draws, action 0 exactly when ``coin`` is 1 (the
    draw fell below the machine's one cut)."""
    if random[g]:
        return 1 - coin
    return 0 if threshold[g] > 0 else 1


#: the noisy-turn entries of a row: bit 0 a makes a mistake, 1 b does, 2 a misreads, 3 b
#: misreads, 4 a's draw falls below its cut, 5 b's does
N_EVENTS = 64


@njit(cache=True)
def _quiet_tables(
    flat: Bundle, run_a: np.ndarray, run_b: np.ndarray, span: int
) -> np.ndarray:  # fmt: skip
    """Where quiet turns and single noisy turns lead, per run's pair of machines and joint state.

    A turn is *quiet* when neither player makes a mistake or misreads and both are in sure
    states: then each plays its state's sure action and sees the other's, and the turn is a pure
    function of the joint state ``j = sa · S + sb``. Any other turn is a function of ``j`` and
    six bits of its draws, when each machine's drawing states share one cut
    (:func:`_coin_cuts`). Row ``table[r, j]`` of run ``r``:

    * ``k ≤ span``: the states after ``k`` quiet turns from ``j`` and the turns a defected, b
      defected and both defected on the way (:func:`_entry`), valid while ``k`` is at most the
      *reach* of ``j``: how many quiet turns can follow in a row before a state needs a draw
      (capped at ``span``; 0 when ``j`` itself needs one);
    * ``span + 1 + e``: one turn from ``j`` with the events ``e`` (:data:`N_EVENTS`): the
      states after it and the actions executed.

    Every entry also holds, in bits 40–47, the reach of the joint state it leads to.
    """
    threshold, random, nxt, n_states = flat
    jn = n_states * n_states
    width = span + 1 + N_EVENTS
    table = np.zeros((run_a.shape[0], jn, width), dtype=np.uint64)
    for r in range(run_a.shape[0]):
        ba = run_a[r] * n_states
        bb = run_b[r] * n_states
        reach = np.zeros(jn, dtype=np.int64)
        for j in range(jn):
            sa = j // n_states
            sb = j - sa * n_states
            table[r, j, 0] = _entry(sa, sb, 0, 0, 0)
            da = db = dd = 0
            for k in range(1, span + 1):
                ga = ba + sa
                gb = bb + sb
                if random[ga] or random[gb]:
                    break
                xa = _action(threshold, random, ga, 0)
                xb = _action(threshold, random, gb, 0)
                sa = nxt[4 * ga + 2 * xa + xb] - ba
                sb = nxt[4 * gb + 2 * xb + xa] - bb
                da += xa
                db += xb
                dd += xa & xb
                table[r, j, k] = _entry(sa, sb, da, db, dd)
                reach[j] = k
            ga = ba + j // n_states
            gb = bb + j % n_states
            for e in range(N_EVENTS):
                xa = _action(threshold, random, ga, (e >> 4) & 1) ^ (e & 1)
                xb = _action(threshold, random, gb, (e >> 5) & 1) ^ ((e >> 1) & 1)
                oa = xb ^ ((e >> 2) & 1)
                ob = xa ^ ((e >> 3) & 1)
                sa = nxt[4 * ga + 2 * xa + oa] - ba
                sb = nxt[4 * gb + 2 * xb + ob] - bb
                table[r, j, span + 1 + e] = _entry(sa, sb, xa, xb, xa & xb)
        for j in range(jn):
            for k in range(width):
                if k > reach[j] and k <= span:
                    continue
                x = table[r, j, k]
                to = np.int64(x & _BYTE) * n_states + np.int64((x >> np.uint64(8)) & _BYTE)
                table[r, j, k] = x | (np.uint64(reach[to]) << np.uint64(40))
    return table


@njit(cache=True)
def _events(
    key: np.uint64, t0: int | np.int64, n: int | np.int64, cuts: Bundle
) -> tuple[np.uint64, ...]:  # fmt: skip
    """The events of the ``n ≤ 64`` turns ``t0 … t0 + n − 1`` from their draws alone (those
    :func:`_turn_two` makes; hashing only, vectorised by the compiler): one bit per turn (bit
    ``i`` for turn ``t0 + i``; 0 past ``n``) in each of ``noisy`` (a mistake or a misreading),
    a's and b's mistakes, a's and b's misreadings, a's and b's draws below their coin cuts.

    ``cuts = (noise, misread, coin_a, coin_b)``; a zero cut makes no event of its kind.
    """
    noise, misread, coin_a, coin_b = cuts
    zero = np.uint64(0)
    low = np.uint64(0xFFFFFFFF)
    hi = np.uint64(32)
    # the draws of turn t0 + i are children 4(t0 + i) + {0: a, 1: a sees, 2: b, 3: b sees}
    x0 = child_state(key, np.int64(4 * t0))
    step = child_stride(np.int64(4))
    one = child_stride(np.int64(1))
    two = child_stride(np.int64(2))
    fa = fb = ma = mb = ca = cb = zero
    if coin_a > zero or coin_b > zero:
        x = x0
        for i in range(n):
            ha = mix64(x)
            hb = mix64(x + two)
            bit = np.uint64(i)
            fa |= np.uint64((ha & low) < noise) << bit
            fb |= np.uint64((hb & low) < noise) << bit
            ca |= np.uint64((ha >> hi) < coin_a) << bit
            cb |= np.uint64((hb >> hi) < coin_b) << bit
            x += step
    elif noise > zero:
        x = x0
        for i in range(n):
            bit = np.uint64(i)
            fa |= np.uint64((mix64(x) & low) < noise) << bit
            fb |= np.uint64((mix64(x + two) & low) < noise) << bit
            x += step
    if misread > zero:
        x = x0 + one
        for i in range(n):
            bit = np.uint64(i)
            ma |= np.uint64((mix64(x) >> hi) < misread) << bit
            mb |= np.uint64((mix64(x + two) >> hi) < misread) << bit
            x += step
    return fa | fb | ma | mb, fa, fb, ma, mb, ca, cb


@njit(cache=True, inline="always")
def _fields(x: np.uint64) -> tuple[np.int64, np.int64, np.int64, np.int64, np.int64, np.int64]:
    """An entry's states, its three counts and the reach of where it leads (:func:`_entry`)."""
    return (
        np.int64(x & _BYTE),
        np.int64((x >> np.uint64(8)) & _BYTE),
        np.int64((x >> np.uint64(16)) & _BYTE),
        np.int64((x >> np.uint64(24)) & _BYTE),
        np.int64((x >> np.uint64(32)) & _BYTE),
        np.int64((x >> np.uint64(40)) & _BYTE),
    )


@njit(cache=True, inline="always")
def _bit(mask: np.uint64, i: np.uint64, to: int) -> np.uint64:
    return ((mask >> i) & np.uint64(1)) << np.uint64(to)


@njit(cache=True, parallel=True)
def _play_quiet(
    n_states: int, init: np.ndarray, units: Bundle, cuts: Bundle, runs: Bundle, joint: np.ndarray
) -> None:  # fmt: skip
    """The two-action path by table look-ups, for machines whose drawing states share one cut.

    Each unit finds its events 64 turns at a time from the draws alone (:func:`_events`),
    crosses the quiet turns up to the next mistake or misreading with one look-up in ``table``
    (:func:`_quiet_tables`), and every other turn with another, indexed by the turn's events. The
    draws and decisions are :func:`_turn_two`'s, so the counts are bit for bit those of
    :func:`_play_two`.

    ``cuts = (noise, misread, seed)`` as :func:`_play_two`'s; ``runs = (run_of, table, coin)``:
    each unit's run, the runs' tables and each machine's coin cut (:func:`_coin_cuts`).
    """
    unit_a, unit_b, unit_match, unit_rep, unit_turns = units
    noise, misread, seed = cuts
    run_of, table, coin = runs
    span = table.shape[2] - 1 - N_EVENTS
    events = noise > np.uint64(0) or misread > np.uint64(0)
    zero = np.uint64(0)
    for u in prange(unit_a.shape[0]):
        r = run_of[u]
        draws = (noise, misread, coin[unit_a[u]], coin[unit_b[u]])
        windows = events or draws[2] > zero or draws[3] > zero
        key = base_key(seed, unit_match[u], unit_rep[u])
        n_turns = unit_turns[u]
        x = table[r, init[unit_a[u]] * n_states + init[unit_b[u]], 0]
        t = np.int64(0)
        da = db = dd = np.int64(0)
        w0 = np.int64(-WINDOW)  # the turns whose events the masks hold: w0 … w0 + 63
        noisy = fa = fb = ma = mb = ca = cb = zero
        while t < n_turns:
            if windows and t >= w0 + WINDOW:
                w0 = t
                noisy, fa, fb, ma, mb, ca, cb = _events(key, t, min(WINDOW, n_turns - t), draws)
            sa, sb, _, _, _, reach = _fields(x)
            if reach > 0:
                stop = min(n_turns, t + reach)
                hit = False
                if events:
                    stop = min(stop, w0 + WINDOW)
                    rest = noisy >> np.uint64(t - w0)
                    if rest != zero:
                        e = t + np.int64(trailing_zeros(rest))
                        if e <= stop:
                            stop = e
                            hit = True
                if stop > t:
                    x = table[r, sa * n_states + sb, stop - t]
                    sa, sb, xa, xb, xx, reach = _fields(x)
                    da += xa
                    db += xb
                    dd += xx
                    t = stop
                    if t >= n_turns:
                        break
                if not hit and (reach > 0 or t >= w0 + WINDOW):
                    continue  # the window or the span ended: go on from here
            # turns with events or draws, one look-up each, to the next quiet state or window end
            end = min(n_turns, w0 + WINDOW)
            while t < end:
                i = np.uint64(t - w0)
                code = (
                    _bit(fa, i, 0) | _bit(fb, i, 1) | _bit(ma, i, 2) | _bit(mb, i, 3)
                    | _bit(ca, i, 4) | _bit(cb, i, 5)
                )  # fmt: skip
                x = table[r, sa * n_states + sb, span + 1 + np.int64(code)]
                sa, sb, xa, xb, xx, reach = _fields(x)
                da += xa
                db += xb
                dd += xx
                t += 1
                if reach > 0:
                    break
        _add_counts(joint, u, n_turns, da, db, dd)


#: turns one look-up covers on the driven path (the look-up reads 3 bits a turn)
DRIVEN_STEP = 3
#: turns of one window on the driven path: the most whole steps in a 64-bit mask
DRIVEN_WINDOW = 63
_DRIVEN_INPUTS = 1 << (3 * DRIVEN_STEP)


@njit(cache=True)
def _memoryless(trans: np.ndarray, init: np.ndarray, det: np.ndarray) -> np.ndarray:
    """Each machine's action in a state it never leaves: the sure action of its initial state
    when that state is absorbing (always-cooperate, always-defect), −1 when the absorbing state
    draws (random), −2 when the machine can leave its initial state."""
    n = init.shape[0]
    out = np.full(n, -2, dtype=np.int64)
    for m in range(n):
        s0 = init[m]
        stays = True
        for x in range(2):
            for o in range(2):
                if trans[m, s0, x, o] != s0:
                    stays = False
        if stays:
            out[m] = det[m, s0] if det[m, s0] >= 0 else -1
    return out


@njit(cache=True)
def _driven_tables(flat: Bundle, run_x: np.ndarray) -> np.ndarray:
    """Where :data:`DRIVEN_STEP` turns lead machine ``run_x[r]`` from each of its states, given
    per turn what it sees, whether it makes a mistake and whether its draw falls below its coin
    cut (:func:`_coin_cuts`): ``table[r, s · 2⁹ + (o | f << 3 | c << 6)]`` with bit ``i`` of
    ``o``, ``f``, ``c`` for turn ``i``, holding the state after the steps (bits 0–7) and the
    actions executed (bit ``8 + i`` for turn ``i``)."""
    threshold, random, nxt, n_states = flat
    table = np.zeros((run_x.shape[0], n_states * _DRIVEN_INPUTS), dtype=np.uint16)
    for r in range(run_x.shape[0]):
        base = run_x[r] * n_states
        for s0 in range(n_states):
            for inp in range(_DRIVEN_INPUTS):
                s = s0
                acts = 0
                for i in range(DRIVEN_STEP):
                    g = base + s
                    x = _action(threshold, random, g, (inp >> (6 + i)) & 1) ^ ((inp >> (3 + i)) & 1)
                    acts |= x << i
                    s = nxt[4 * g + 2 * x + ((inp >> i) & 1)] - base
                table[r, s0 * _DRIVEN_INPUTS + inp] = s | (acts << 8)
    return table


@njit(cache=True, inline="always")
def _popcount(x: np.uint64) -> np.int64:
    """The number of one bits of ``x`` (SWAR)."""
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return np.int64((x * np.uint64(0x0101010101010101)) >> np.uint64(56))


@njit(cache=True, parallel=True)
def _play_driven(
    n_states: int, init: np.ndarray, units: Bundle, cuts: Bundle, runs: Bundle, joint: np.ndarray
) -> None:  # fmt: skip
    """The two-action path for a unit against a machine that never leaves its state.

    Such a machine's executed actions are a function of the draws alone, and so is everything
    its opponent (the *driven* machine, with at most one coin cut) sees: each unit finds 63
    turns of events at a time (:func:`_events`), derives both players' inputs as bit masks, and
    moves the driven machine :data:`DRIVEN_STEP` turns per look-up in ``table``
    (:func:`_driven_tables`); counts are popcounts of the action masks. The draws and decisions
    are :func:`_turn_two`'s, so the counts are bit for bit those of :func:`_play_two`.

    ``runs = (run_of, table, coin, fixed, driven_a)``: each unit's run, the runs' tables, each
    machine's coin cut and fixed action (:func:`_memoryless`), and per run whether the driven
    machine is player a.
    """
    unit_a, unit_b, unit_match, unit_rep, unit_turns = units
    noise, misread, seed = cuts
    run_of, table, coin, fixed, driven_a = runs
    zero = np.uint64(0)
    ones = np.uint64(0xFFFFFFFFFFFFFFFF)
    seven = np.uint64(7)
    for u in prange(unit_a.shape[0]):
        r = run_of[u]
        a_driven = driven_a[r]
        mx = unit_a[u] if a_driven else unit_b[u]
        mr = unit_b[u] if a_driven else unit_a[u]
        draws = (noise, misread, coin[unit_a[u]], coin[unit_b[u]])
        key = base_key(seed, unit_match[u], unit_rep[u])
        n_turns = unit_turns[u]
        s = np.int64(init[mx])
        nx = nr = nn = np.int64(0)
        for w0 in range(0, n_turns, DRIVEN_WINDOW):
            n_valid = min(DRIVEN_WINDOW, n_turns - w0)
            _, fa, fb, ma, mb, ca, cb = _events(key, np.int64(w0), n_valid, draws)
            fx, mxr, cx, fr, cr = (fa, ma, ca, fb, cb) if a_driven else (fb, mb, cb, fa, ca)
            act_r = ones if fixed[mr] == 1 else (zero if fixed[mr] == 0 else ~cr)
            xr = act_r ^ fr  # the fixed machine's executed actions
            seen = xr ^ mxr  # what the driven machine sees
            acts = zero
            for i in range(0, n_valid, DRIVEN_STEP):
                b = np.uint64(i)
                inp = (
                    ((seen >> b) & seven)
                    | (((fx >> b) & seven) << np.uint64(3))
                    | (((cx >> b) & seven) << np.uint64(6))
                )
                e = table[r, s * _DRIVEN_INPUTS + np.int64(inp)]
                s = np.int64(e & 0xFF)
                acts |= np.uint64(e >> 8) << b
            x_x, x_r, x_xr = _count_window(acts, xr, n_valid)
            nx += x_x
            nr += x_r
            nn += x_xr
        if a_driven:
            _add_counts(joint, u, n_turns, nx, nr, nn)
        else:
            _add_counts(joint, u, n_turns, nr, nx, nn)


#: the share of turns with an event above which two machines that never draw take the joint
#: path rather than the quiet one (the two measured equal on one thread near noise 0.035, seven
#: turns in a hundred with an event; at 0.01 the quiet path is 25 % faster, at 0.05 the joint)
JOINT_EVENTS = 0.07
#: inputs of one look-up on the joint path: 8 bits of events
_JOINT_INPUTS = 256


@njit(cache=True)
def _joint_tables(flat: Bundle, run_a: np.ndarray, run_b: np.ndarray, per: int) -> np.ndarray:
    """Where ``per`` turns (4 without misreadings, 2 with) lead two machines that never draw,
    given which player makes a mistake (and misreads) at each turn: ``table[r, j · 256 + e]``
    for joint state ``j = sa · S + sb`` and events ``e`` (``per`` bits each, in this order: a's
    mistakes, b's mistakes, a's misreadings, b's misreadings; bit ``i`` of each for turn ``i``),
    holding the actions a and b executed (bits ``i`` and ``4 + i`` for turn ``i``) and, above
    them, the row of the joint state after the turns (``j · 256``: the next look-up adds its
    events to it, no multiplication on the chain)."""
    threshold, random, nxt, n_states = flat
    jn = n_states * n_states
    table = np.zeros((run_a.shape[0], jn * _JOINT_INPUTS), dtype=np.uint32)
    for r in range(run_a.shape[0]):
        ba = run_a[r] * n_states
        bb = run_b[r] * n_states
        for j in range(jn):
            for e in range(_JOINT_INPUTS):
                sa = j // n_states
                sb = j % n_states
                acts = 0
                for i in range(per):
                    ga = ba + sa
                    gb = bb + sb
                    xa = _action(threshold, random, ga, 0) ^ ((e >> i) & 1)
                    xb = _action(threshold, random, gb, 0) ^ ((e >> (per + i)) & 1)
                    oa = xb ^ ((e >> (2 * per + i)) & 1)
                    ob = xa ^ ((e >> (3 * per + i)) & 1)
                    acts |= (xa << i) | (xb << (4 + i))
                    sa = nxt[4 * ga + 2 * xa + oa] - ba
                    sb = nxt[4 * gb + 2 * xb + ob] - bb
                table[r, j * _JOINT_INPUTS + e] = (sa * n_states + sb) * _JOINT_INPUTS | acts
    return table


@njit(cache=True, inline="always")
def _joint_input(
    fa: np.uint64, fb: np.uint64, ma: np.uint64, mb: np.uint64, b: np.uint64, low: np.uint64,
    width: np.uint64,
) -> np.uint64:  # fmt: skip
    """The events of ``width`` turns from turn ``b`` of a window, as :func:`_joint_tables` reads
    them."""
    return (
        ((fa >> b) & low)
        | (((fb >> b) & low) << width)
        | (((ma >> b) & low) << (width + width))
        | (((mb >> b) & low) << (width + width + width))
    )


@njit(cache=True, inline="always")
def _joint_step(
    table: np.ndarray, r: int, row: np.int64, e: np.uint64
) -> tuple[np.int64, np.uint64, np.uint64]:  # fmt: skip
    """One look-up of the joint path: the next row, and a's and b's executed actions (bit ``i``
    for the look-up's turn ``i``)."""
    x = table[r, row + np.int64(e)]
    acts_a = np.uint64(x & np.uint32(15))
    acts_b = np.uint64((x >> np.uint32(4)) & np.uint32(15))
    return np.int64(x & np.uint32(0xFFFFFF00)), acts_a, acts_b


@njit(cache=True, inline="always")
def _count_window(
    acts_a: np.uint64, acts_b: np.uint64, n: int
) -> tuple[np.int64, np.int64, np.int64]:  # fmt: skip
    """The defections of a window's first ``n`` turns (bit ``i`` of the action masks for turn
    ``i``): a's, b's, both's."""
    if n < 64:
        valid = (np.uint64(1) << np.uint64(n)) - np.uint64(1)
        acts_a &= valid
        acts_b &= valid
    return _popcount(acts_a), _popcount(acts_b), _popcount(acts_a & acts_b)


@njit(cache=True, parallel=True)
def _play_joint(
    n_states: int, init: np.ndarray, units: Bundle, cuts: Bundle, runs: Bundle, joint: np.ndarray
) -> None:  # fmt: skip
    """The two-action path for two machines that never draw, at noise where events are common.

    Each unit finds 64 turns of mistakes and misreadings at a time (:func:`_events`) and moves
    the pair ``per`` turns per look-up in ``table`` (:func:`_joint_tables`): no branch on the
    events, so its cost does not grow with the noise (the quiet path's does). Counts are
    popcounts of the action masks, bit for bit those of :func:`_play_two`.

    ``runs = (run_of, table, per)``.
    """
    unit_a, unit_b, unit_match, unit_rep, unit_turns = units
    noise, misread, seed = cuts
    run_of, table, per = runs
    draws = (noise, misread, np.uint64(0), np.uint64(0))
    width = np.uint64(per)
    low = np.uint64((1 << per) - 1)
    zero = np.uint64(0)
    n = unit_a.shape[0]
    for q in prange((n + 1) // 2):
        # two units at a time, their chains of look-ups interleaved (each is latency-bound)
        u = 2 * q
        v = min(u + 1, n - 1)  # with an odd count the last unit is played once, alone
        ru = run_of[u]
        rv = run_of[v]
        key_u = base_key(seed, unit_match[u], unit_rep[u])
        key_v = base_key(seed, unit_match[v], unit_rep[v])
        tu = unit_turns[u]
        tv = unit_turns[v] if v != u else 0
        row_u = np.int64(init[unit_a[u]] * n_states + init[unit_b[u]]) * _JOINT_INPUTS
        row_v = np.int64(init[unit_a[v]] * n_states + init[unit_b[v]]) * _JOINT_INPUTS
        da_u = db_u = dd_u = da_v = db_v = dd_v = np.int64(0)
        for w0 in range(0, max(tu, tv), WINDOW):
            cu = max(0, min(WINDOW, tu - w0))
            cv = max(0, min(WINDOW, tv - w0))
            _, fa, fb, ma, mb, _, _ = _events(key_u, np.int64(w0), cu, draws)
            _, ga, gb, na, nb, _, _ = _events(key_v, np.int64(w0), cv, draws)
            au = bu = av = bv = zero
            for i in range(0, max(cu, cv), per):
                b = np.uint64(i)
                if i < cu:
                    e = _joint_input(fa, fb, ma, mb, b, low, width)
                    row_u, xa, xb = _joint_step(table, ru, row_u, e)
                    au |= xa << b
                    bu |= xb << b
                if i < cv:
                    e = _joint_input(ga, gb, na, nb, b, low, width)
                    row_v, xa, xb = _joint_step(table, rv, row_v, e)
                    av |= xa << b
                    bv |= xb << b
            x_a, x_b, x_ab = _count_window(au, bu, cu)
            da_u += x_a
            db_u += x_b
            dd_u += x_ab
            x_a, x_b, x_ab = _count_window(av, bv, cv)
            da_v += x_a
            db_v += x_b
            dd_v += x_ab
        _add_counts(joint, u, tu, da_u, db_u, dd_u)
        if v != u:
            _add_counts(joint, v, tv, da_v, db_v, dd_v)


@njit(cache=True)
def _tables_pay(entries: int, n_states: int, turns: int, noise: float, misread: float) -> bool:
    """Whether a table path is worth tables of ``entries`` entries: states fit 8 bits, the tables
    fit :data:`QUIET_TABLE_ENTRIES` and take fewer entries than the units have turns, and at
    least half the turns are free of mistakes and misreadings."""
    quiet = (1.0 - noise) ** 2 * (1.0 - misread) ** 2
    return n_states <= 255 and entries <= QUIET_TABLE_ENTRIES and entries <= turns and quiet >= 0.5


@njit(cache=True)
def _coin_cuts(threshold: np.ndarray, random: np.ndarray, n_machines: int) -> np.ndarray:
    """Each machine's *coin cut*: 0 when no state of it draws, the cut its drawing states share
    when they share one (its action is then a function of its state and one bit of the draw),
    and 2⁶⁴ − 1 when they differ (the quiet path cannot play it)."""
    n_states = random.shape[0] // n_machines
    coin = np.zeros(n_machines, dtype=np.uint64)
    mixed = np.uint64(0xFFFFFFFFFFFFFFFF)
    for g in range(random.shape[0]):
        m = g // n_states
        if random[g] and coin[m] != mixed:
            if coin[m] == np.uint64(0):
                coin[m] = threshold[g]
            elif coin[m] != threshold[g]:
                coin[m] = mixed
    return coin


@njit(cache=True)
def _subset(units: Bundle, pick: np.ndarray) -> tuple[np.ndarray, Bundle]:
    """The units where ``pick`` is true (their indices, and their rows of every unit array)."""
    idx = np.nonzero(pick)[0]
    unit_a, unit_b, unit_match, unit_rep, unit_turns = units
    return idx, (unit_a[idx], unit_b[idx], unit_match[idx], unit_rep[idx], unit_turns[idx])


@njit(cache=True)
def _add_rows(joint: np.ndarray, idx: np.ndarray, part: np.ndarray) -> None:
    """``joint[idx[q]] += part[q]`` for two-action counts, element by element (no views)."""
    for q in range(idx.shape[0]):
        u = idx[q]
        joint[u, 0, 0] += part[q, 0, 0]
        joint[u, 0, 1] += part[q, 0, 1]
        joint[u, 1, 0] += part[q, 1, 0]
        joint[u, 1, 1] += part[q, 1, 1]


@njit(cache=True)
def _paths(
    flat: Bundle, machines: Bundle, units: Bundle, noisy: bool, eventful: bool
) -> tuple[np.ndarray, ...]:  # fmt: skip
    """Which path plays each unit (0 lockstep, 1 quiet, 2 driven, 3 joint; see
    :func:`_play_two_action`), and each machine's coin cut (:func:`_coin_cuts`) and fixed action
    (:func:`_memoryless`)."""
    threshold, random, _, _ = flat
    _, det, trans, init = machines
    unit_a, unit_b = units[0], units[1]
    coin = _coin_cuts(threshold, random, init.shape[0])
    fixed = _memoryless(trans, init, det)
    sure = coin == np.uint64(0)
    playable = coin != np.uint64(0xFFFFFFFFFFFFFFFF)
    path = np.zeros(unit_a.shape[0], dtype=np.int8)
    for u in range(unit_a.shape[0]):
        a = unit_a[u]
        b = unit_b[u]
        both_sure = sure[a] and sure[b]
        if playable[a] and playable[b] and (fixed[a] != -2 or fixed[b] != -2):
            path[u] = 2 if noisy or not both_sure else 1
        elif both_sure:
            path[u] = 3 if eventful else 1
    return path, coin, fixed


def _play_part(
    flat: Bundle, init: np.ndarray, units: Bundle, cuts: Bundle, rates: Bundle, joint: np.ndarray,
    pick: np.ndarray, which: int, aux: Bundle,
) -> bool:  # fmt: skip
    """Play the units where ``pick`` holds on path ``which`` (1 quiet, 2 driven, 3 joint) into
    their rows of ``joint``, if that path's tables pay (:func:`_tables_pay`); False (nothing
    played) when they do not."""
    n_states = int(flat[3])
    noise, misread = rates
    coin, fixed = aux
    idx, sub = _subset(units, pick)
    turns = int(sub[4].sum())
    run_of, run_a, run_b = _runs(sub[0], sub[1])
    part = np.zeros((idx.shape[0], 2, 2), dtype=np.int64)
    if which == 1:
        entries = run_a.shape[0] * n_states * n_states * (QUIET_SPAN + 1 + N_EVENTS)
        if not _tables_pay(entries, n_states, turns, noise, misread):
            return False
        table = _quiet_tables(flat, run_a, run_b, QUIET_SPAN)
        _play_quiet(flat[3], init, sub, cuts, (run_of, table, coin), part)
    elif which == 3:
        if not _tables_pay(run_a.shape[0] * n_states**2 * _JOINT_INPUTS, n_states, turns, 0, 0):
            return False
        per = 2 if misread > 0.0 else 4
        jtable = _joint_tables(flat, run_a, run_b, per)
        _play_joint(flat[3], init, sub, cuts, (run_of, jtable, np.int64(per)), part)
    else:
        # (the driven path's cost does not grow with the noise)
        if not _tables_pay(run_a.shape[0] * n_states * _DRIVEN_INPUTS, n_states, turns, 0.0, 0.0):
            return False
        driven_a = fixed[run_b] != -2
        dtable = _driven_tables(flat, np.where(driven_a, run_a, run_b))
        _play_driven(flat[3], init, sub, cuts, (run_of, dtable, coin, fixed, driven_a), part)
    _add_rows(joint, idx, part)
    return True


def _play_two_action(
    flat: Bundle, machines: Bundle, units: Bundle, cuts: Bundle, rates: Bundle, joint: np.ndarray
) -> tuple[int, int, int]:  # fmt: skip
    """Every unit of a two-action game on the path that suits it; all give the same counts, this
    only decides the speed. Returns how many units took the quiet, the driven and the joint path.

    * **driven** (:func:`_play_driven`): one machine never leaves its state (always-cooperate,
      always-defect, random) and each has at most one coin cut, unless both never draw and
      there is no noise (then a match is a few quiet look-ups);
    * **joint** (:func:`_play_joint`): both machines never draw and more than
      :data:`JOINT_EVENTS` of the turns have a mistake or misreading (the quiet path's cost
      grows with them, about 25 ns an event; the joint path's does not);
    * **quiet** (:func:`_play_quiet`): both machines never draw, fewer events. It also plays
      machines with a coin exactly, but a state that draws every turn costs a dependent look-up
      per turn, measured slower than the lockstep path (random against tit-for-tat: 13 against
      10 ns a turn on one thread), so such units go elsewhere;
    * **lockstep** (:func:`_play_two`): the rest, and any unit whose path's tables do not pay.

    Plain Python choosing among compiled kernels, each its own entry point: compiled into one
    function they took a minute to compile from a cold cache (each parallel kernel is compiled
    again inside every compiled caller), and only the paths a call uses are compiled.
    """
    noise, misread = rates
    quiet = (1.0 - noise) ** 2 * (1.0 - misread) ** 2
    path, coin, fixed = _paths(
        flat, machines, units, noise > 0.0 or misread > 0.0, 1.0 - quiet > JOINT_EVENTS
    )
    played = np.zeros(path.shape[0], dtype=np.bool_)
    n_played = [0, 0, 0]
    for which in (1, 2, 3):
        pick = path == which
        if pick.any() and _play_part(flat, machines[3], units, cuts, rates, joint, pick, which,
                                     (coin, fixed)):  # fmt: skip
            played |= pick
            n_played[which - 1] = int(pick.sum())
    if not played.any():
        _play_two(flat, machines[3], units, cuts, joint)
    elif not played.all():
        idx, sub = _subset(units, ~played)
        part = np.zeros((idx.shape[0], 2, 2), dtype=np.int64)
        _play_two(flat, machines[3], sub, cuts, part)
        _add_rows(joint, idx, part)
    return n_played[0], n_played[1], n_played[2]


def play_units(machines: Bundle, units: Bundle, draws: Bundle, out: Bundle) -> None:
    """Play every unit; add joint executed-action counts into ``joint[u, x_a, x_b]``.

    ``machines``, ``units`` and ``draws`` are the bundles of the module docstring;
    ``out = (joint, history)``: ``joint`` of shape ``(n_units, k, k)`` (added to, never cleared),
    ``history`` either of shape ``(n_units, max_turns, 2, 3)`` — per turn and player the
    intended, executed and observed action — or of shape ``(0, 0, 2, 3)`` to record nothing.
    Two-action games without a history take the two-action paths (:func:`_play_two_action`),
    everything else the general path (:func:`_play_general`).
    """
    joint, history = out
    cum, det, trans, _ = machines
    noise, misread, seed = draws
    if cum.shape[2] == 2 and history.shape[0] == 0:
        threshold, random, nxt = _flatten_two(cum, det, trans)
        flat = (threshold, random, nxt, np.int64(det.shape[1]))
        cuts = (_cut(noise), _cut(misread), np.uint64(seed))
        _play_two_action(flat, machines, units, cuts, (noise, misread), joint)
        return
    _play_general(machines, units, (float(noise), float(misread), np.uint64(seed)), out)


@njit(cache=True, parallel=True)
def _play_general(machines: Bundle, units: Bundle, draws: Bundle, out: Bundle) -> None:
    """The general path of :func:`play_units`: any number of actions, history recorded or not."""
    joint, history = out
    cum, det, trans, init = machines
    unit_a, unit_b, unit_match, unit_rep, unit_turns = units
    noise, misread, seed = draws
    k = np.int64(cum.shape[2])
    record = history.shape[0] > 0
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

    Plain Python calling compiled functions, on purpose: a parallel kernel called from two cached
    compiled functions crashed Numba 0.68 once both callers were loaded from the on-disk cache,
    and every compiled caller compiles its parallel callees again; the parallel kernels' only
    callers are therefore Python.
    """
    pair_a, pair_b, pair_match, reps, lo, hi, turns = block
    k = machines[0].shape[2]
    units = (*_block_units(pair_a, pair_b, pair_match, reps, lo, hi), turns)
    joint = np.zeros((hi - lo, k, k), dtype=np.int64)
    with parallel_chunksize(PARALLEL_CHUNK):
        play_units(machines, units, draws, (joint, _NO_HISTORY))
    _fold(joint, turns, lo, reps, scoring, acc, detail)
