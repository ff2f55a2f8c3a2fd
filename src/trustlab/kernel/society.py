"""The society kernels: one round of a society of agents, as a handful of array passes.

A society of ``n`` agents with a capacity of ``K`` relationships each lives in one int32 array
``rel`` of shape ``(n, K, 16)`` whose rows are relationship *slots*, and its float32 view
``relf = rel.view(np.float32)``: ``rel[i, s, :]`` holds everything agent ``i`` knows about the
relationship in its slot ``s`` in 64 bytes — one cache line, so that playing a pair touches the
partner's side of memory once (at 10⁵ agents the kernels are bound by these random accesses):

=========  ==========================================================================
``rel``    ``PARTNER`` (agent or −1), ``PSLOT`` (where the partner keeps me), ``STATE`` (my
           character's state here), ``AGE`` (rounds it lasted), ``INTENT``/``ACT`` (my intended
           and executed action last turn), ``OBS`` (what I saw the partner do), ``PACT`` (what
           the partner really did), ``PENDING`` (1: my last action here was a mistake whose
           answer is pending), ``ENDING`` (1 I leave, + 2 the partner leaves, + 4 by chance),
           ``GIVEN``/``GOT`` (supports I gave my partner when it opened / that I received
           when I opened, over the relationship's life: its reciprocity balance)
``relf``   ``ALPHA``/``BETA`` (trust counts), ``PAY`` (my payoff last turn), float32 fields of
           the same line
=========  ==========================================================================

A round is, in this order (each a function below, called from
:mod:`trustlab.domain.society.simulation`):

1. :func:`seek_partners` — agents with free capacity look for a partner (serial, cheap: one
   proposal per agent; the order of agents is rotated each round so nobody is always first);
2. :func:`play_round` — every relationship plays one turn (parallel over agents, each pair once,
   by its lower-indexed member); trust updates; leaving and chance endings are decided;
3. :func:`tally_agents` — per agent: needs, loneliness window, cumulative counters;
4. :func:`assess_public` or :func:`choose_events` + :func:`assess_private` — reputations;
5. every so many rounds :func:`revise` + :func:`reset_changed` — characters change (people
   compare themselves with whoever they met this round, even a partner they are leaving);
6. :func:`clear_endings` — ended relationships are emptied and counted.

Every random number is ``uniform_pair(base_key(seed, round, agent), counter)`` with a counter
that names its purpose (and slot), so results do not depend on the number of threads.
:mod:`trustlab.domain.society.reference` is the slow, obvious twin the tests compare against.
"""

# Numba types these kernels; mypy cannot follow NumPy scalar arithmetic inside them.
# mypy: disable-error-code="arg-type,assignment,return-value,no-any-return,index,operator"
from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from trustlab.kernel.match import _choose, _replace
from trustlab.kernel.memory import aligned_zeros, prefetch, prefetch_read
from trustlab.kernel.rng import base_key, child_key, root_key, uniform_pair

__all__ = [
    "ACT",
    "AGE",
    "ALPHA",
    "BETA",
    "CHURN",
    "ENDING",
    "GIVEN",
    "GOT",
    "INIT",
    "INTENT",
    "LEARN",
    "MODE_FRIENDS",
    "MODE_NONE",
    "MODE_RANDOM",
    "MODE_REPUTATION",
    "MODE_TRUSTED",
    "N_REL",
    "N_TALLY",
    "OBS",
    "OBSERVE",
    "PACT",
    "PARTNER",
    "PAY",
    "PENDING",
    "PLAY",
    "PSLOT",
    "REPUTATION",
    "REVISE",
    "SEEK",
    "STATE",
    "T_ACC_OK",
    "T_ACC_OPP",
    "T_COMMITTED",
    "T_CON_OK",
    "T_CON_OPP",
    "T_ENDED",
    "T_ENDED_AGE",
    "T_ENDED_ONE_SIDED",
    "T_ENDED_SUPPORTED",
    "T_EXPLOITED",
    "T_GIVER_TURNS",
    "T_INTIMATE",
    "T_LEFT",
    "T_MISTAKES",
    "T_OPEN",
    "T_TURNS",
    "T_WITHHELD",
    "T_WITHHELD_FROM",
    "assess_private",
    "assess_public",
    "attribute_counts",
    "beta_above_half",
    "choose_events",
    "clear_endings",
    "initial_network",
    "learner_opens",
    "most_trusted_slot",
    "new_slots",
    "plain_round",
    "play_round",
    "reset_changed",
    "revise",
    "seek_partners",
    "slot_summary",
    "tally_agents",
]

# --- purposes of random numbers (hash counters under the key of (seed, round, agent)) ---
PLAY = 0  # + 2·slot: (choice, execution error); + 2·slot + 1: (misread, which misreading)
SEEK = 1000  # + n: partner seeking draws
REPUTATION = 2000  # + 0: (which relationship is judged, observation error); + 1: assessment error
CHURN = 3000  # + slot: chance ending of a relationship (drawn by its lower-indexed member)
REVISE = 4000  # + 0..2: revision draws
INIT = 5000  # + pass: the initial random network
LEARN = 6000  # + slot: a trust-learner's decision to open to the partner in that slot
OBSERVE = 1 << 20  # + 2·donor (+1): a private observer's draws about one donor

MODE_NONE = 0
MODE_RANDOM = 1
MODE_FRIENDS = 2
MODE_REPUTATION = 3
MODE_TRUSTED = 4

# --- fields of a relationship slot ---
PARTNER, PSLOT, STATE, AGE, INTENT, ACT, OBS, PACT, PENDING, ENDING = range(10)
ALPHA, BETA, PAY = 10, 11, 12  # float32 fields of the float32 view of the same slot
GIVEN, GOT = 13, 14  # supports I gave my partner when it opened / received when I opened
N_REL = 16  # 32-bit fields per slot: 64 bytes, one cache line (see :func:`new_slots`)
PREFETCH_AHEAD = 2  # play_round prefetches the partners of the agent this many steps ahead
STREAM_AHEAD = 4  # kernels sweeping the agents prefetch the slots of the agent this far ahead

# --- columns of the cumulative per-agent tally ---
T_TURNS = 0  # turns played
T_OPEN = 1  # turns in which I opened
T_INTIMATE = 2  # turns in which I opened and my partner supported me (reassurance)
T_EXPLOITED = 3  # turns in which I opened and my partner exploited me
T_COMMITTED = 4  # turns in which my partner opened and I exploited it
T_ACC_OPP = 5  # my mistakes whose answer is known (acceptance opportunities)
T_ACC_OK = 6  # ... answered by support, without my partner leaving
T_CON_OPP = 7  # times I opened again after being exploited (consolation opportunities)
T_CON_OK = 8  # ... and was supported
T_MISTAKES = 9  # turns in which I executed another action than I intended
T_ENDED = 10  # relationships that ended (counted by their lower-indexed member)
T_ENDED_AGE = 11  # their summed lifetimes in rounds
T_LEFT = 12  # relationships I left because my trust fell below my threshold
T_WITHHELD = 13  # turns in which I opened and my partner withheld (disappointment)
T_WITHHELD_FROM = 14  # turns in which my partner opened and I withheld
T_GIVER_TURNS = 15  # turns played with a partner who is an unconditional giver
T_ENDED_SUPPORTED = 16  # ended relationships (lower-indexed member) in which support flowed
T_ENDED_ONE_SIDED = 17  # ... and flowed one way only
N_TALLY = 18


@njit(cache=True, inline="always")
def _round_key(seed: np.uint64, rnd: int) -> np.uint64:
    """The part of ``base_key(seed, rnd, agent)`` that does not depend on the agent."""
    return child_key(root_key(seed), rnd)


@njit(cache=True, inline="always")
def _agent_key(round_key: np.uint64, agent: int) -> np.uint64:
    """``base_key(seed, rnd, agent)`` from :func:`_round_key` (one hash instead of three)."""
    return child_key(round_key, agent)


@njit(cache=True, inline="always")
def _stranger(i: int, u: float, n: int) -> int:
    j = np.int64(u * (n - 1))
    if j > n - 2:
        j = n - 2
    return j if j < i else j + 1


@njit(cache=True, inline="always")
def _nth_partner(rel: np.ndarray, i: int, nth: int) -> int:
    """The slot of agent i's ``nth`` occupied relationship (0-based), or −1."""
    seen = 0
    for s in range(rel.shape[1]):
        if rel[i, s, PARTNER] >= 0:
            if seen == nth:
                return np.int64(s)
            seen += 1
    return np.int64(-1)


@njit(cache=True, inline="always")
def _linked(rel: np.ndarray, i: int, j: int) -> bool:
    for s in range(rel.shape[1]):  # noqa: SIM110 - a plain loop compiles best in Numba
        if rel[i, s, PARTNER] == j:
            return True
    return False


@njit(cache=True, inline="always")
def _good(rep: np.ndarray, view: np.ndarray, private: bool, judge: int, who: int) -> bool:
    if private:
        return bool(view[judge, who] == 1)
    return bool(rep[who] == 1)


@njit(cache=True, inline="always")
def _free_slot(rel: np.ndarray, i: int) -> int:
    for s in range(rel.shape[1]):
        if rel[i, s, PARTNER] < 0:
            return np.int64(s)
    return np.int64(-1)


@njit(cache=True)
def _link(
    i: int,
    j: int,
    char: np.ndarray,
    init: np.ndarray,
    rel: np.ndarray,
    relf: np.ndarray,
    degree: np.ndarray,
    a0: float,
    b0: float,
) -> None:
    si = _free_slot(rel, i)
    sj = _free_slot(rel, j)
    for a, s, b, t in ((i, si, j, sj), (j, sj, i, si)):
        for f in range(rel.shape[2]):
            rel[a, s, f] = 0
        rel[a, s, PARTNER] = b
        rel[a, s, PSLOT] = t
        rel[a, s, STATE] = init[char[a]]
        rel[a, s, INTENT] = -1
        rel[a, s, ACT] = -1
        rel[a, s, OBS] = -1
        rel[a, s, PACT] = -1
        relf[a, s, ALPHA] = a0
        relf[a, s, BETA] = b0
        relf[a, s, PAY] = 0.0
    degree[i] += 1
    degree[j] += 1


def new_slots(n: int, cap: int) -> np.ndarray:
    """Empty relationship slots for ``n`` agents of capacity ``cap``: ``(n, cap, N_REL)`` int32,
    ``PARTNER`` −1 and every other field 0, each slot on its own 64-byte cache line (NumPy alone
    would start the array 16 bytes into a line, and every slot would straddle two).

    Examples
    --------
    >>> rel = new_slots(1000, 8)
    >>> rel.shape, rel.ctypes.data % 64, int(rel[:, :, PARTNER].max()), int(rel[:, :, AGE].sum())
    ((1000, 8, 16), 0, -1, 0)
    """
    rel = aligned_zeros((n, cap, N_REL), np.int32)
    rel[:, :, PARTNER] = -1
    return rel


@njit(cache=True)
def initial_network(
    seed: np.uint64,
    ring: bool,
    passes: int,
    char: np.ndarray,
    init: np.ndarray,
    rel: np.ndarray,
    relf: np.ndarray,
    degree: np.ndarray,
    a0: float,
    b0: float,
) -> None:
    """The acquaintances a society starts with: a ring lattice (each agent linked to its K // 2
    nearest neighbours on either side) or ``passes`` sweeps of random proposals."""
    n, cap = rel.shape[0], rel.shape[1]
    if ring:
        for i in range(n):
            for d in range(1, cap // 2 + 1):
                j = (i + d) % n
                if j != i and degree[i] < cap and degree[j] < cap and not _linked(rel, i, j):
                    _link(i, j, char, init, rel, relf, degree, a0, b0)
        return
    for p in range(passes):
        for i in range(n):
            if degree[i] >= cap:
                continue
            u, _ = uniform_pair(base_key(seed, 0, i), INIT + p)
            j = _stranger(i, u, n)
            if degree[j] < cap and not _linked(rel, i, j):
                _link(i, j, char, init, rel, relf, degree, a0, b0)


@njit(cache=True)
def _beta_cf(a: float, b: float, x: float) -> float:
    """The continued fraction of the regularized incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab = a + b
    qap = a + 1.0
    qam = a - 1.0
    c = 1.0
    d = 1.0 - qab * x / qap
    if abs(d) < tiny:
        d = tiny
    d = 1.0 / d
    h = d
    for m in range(1, 400):
        m2 = 2.0 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        if abs(d) < tiny:
            d = tiny
        c = 1.0 + aa / c
        if abs(c) < tiny:
            c = tiny
        d = 1.0 / d
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        if abs(d) < tiny:
            d = tiny
        c = 1.0 + aa / c
        if abs(c) < tiny:
            c = tiny
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return h


@njit(cache=True)
def beta_above_half(a: float, b: float) -> float:
    """P(p > 1/2) for p ~ Beta(a, b), a, b > 0: one minus the regularized incomplete beta
    function I_{1/2}(a, b), by its continued fraction (Press et al., Numerical Recipes §6.4).

    A trust-learner's certainty that its partner supports it more often than not.
    """
    # I_x(a, b) = x^a (1 - x)^b / (a B(a, b)) · cf(a, b, x); at x = 1/2: 2^-(a+b)
    front = np.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) - (a + b) * math.log(2.0))
    if (a + 1.0) / (a + b + 2.0) > 0.5:
        return 1.0 - front * _beta_cf(a, b, 0.5) / a
    return front * _beta_cf(b, a, 0.5) / b


@njit(cache=True, inline="always")
def _trust_mean(relf: np.ndarray, i: int, s: int) -> float:
    al = np.float64(relf[i, s, ALPHA])
    return al / (al + np.float64(relf[i, s, BETA]))


@njit(cache=True)
def most_trusted_slot(rel: np.ndarray, relf: np.ndarray, i: int) -> int:
    """The slot of agent i's partner with the highest mean trust alpha / (alpha + beta) (the
    first such slot on ties), or −1 when it has none."""
    fs = np.int64(-1)
    best = -1.0
    for s in range(rel.shape[1]):
        if rel[i, s, PARTNER] >= 0:
            tr = _trust_mean(relf, i, s)
            if tr > best:
                best = tr
                fs = np.int64(s)
    return fs


@njit(cache=True)
def seek_partners(
    seed: np.uint64,
    rnd: int,
    mode: int,
    openness: float,
    n_candidates: int,
    char: np.ndarray,
    init: np.ndarray,
    rel: np.ndarray,
    relf: np.ndarray,
    degree: np.ndarray,
    rep: np.ndarray,
    view: np.ndarray,
    private: bool,
    a0: float,
    b0: float,
) -> None:
    """Each agent with free capacity makes at most one proposal; it is accepted when the other
    has free capacity too (and, choosing by reputation, sees the proposer as good).

    Random: a stranger, with probability ``openness``. Friends: a friend of a random friend
    (friends vouch: no openness needed), else a stranger with probability ``openness``.
    Reputation: with probability ``openness``, the first of ``n_candidates`` strangers that
    looks good to me. Trusted: a friend of the friend I trust most (the highest mean trust
    alpha / (alpha + beta), the first such slot on ties), else a stranger with probability
    ``openness``. Agents propose in an order rotated every round.
    """
    n, cap = rel.shape[0], rel.shape[1]
    if mode == MODE_NONE:
        return
    start = np.int64(child_key(seed, rnd) % np.uint64(n))
    rk = _round_key(seed, rnd)
    for step in range(n):
        i = start + step  # (start + step) mod n, without a division per agent
        if i >= n:
            i -= n
        if degree[i] >= cap:
            continue
        key = _agent_key(rk, i)
        u1, u2 = uniform_pair(key, SEEK)
        j = np.int64(-1)
        if mode == MODE_RANDOM:
            if u1 < openness:
                j = _stranger(i, u2, n)
        elif mode == MODE_FRIENDS or mode == MODE_TRUSTED:  # noqa: SIM109 - Numba
            if degree[i] > 0:
                if mode == MODE_FRIENDS:
                    fs = _nth_partner(rel, i, np.int64(u2 * degree[i]))
                else:
                    fs = most_trusted_slot(rel, relf, i)
                f = np.int64(rel[i, fs, PARTNER])
                u3, _ = uniform_pair(key, SEEK + 1)
                if degree[f] > 1:
                    g = np.int64(rel[f, _nth_partner(rel, f, np.int64(u3 * degree[f])), PARTNER])
                    if g != i:
                        j = g
            if j < 0 and u1 < openness:
                u5, _ = uniform_pair(key, SEEK + 2)
                j = _stranger(i, u5, n)
        elif u1 < openness:  # by reputation
            for c in range(n_candidates):
                uc, _ = uniform_pair(key, SEEK + 1 + c)
                cand = _stranger(i, uc, n)
                if _good(rep, view, private, i, cand):
                    j = cand
                    break
        if j < 0 or degree[j] >= cap or _linked(rel, i, j):
            continue
        if mode == MODE_REPUTATION and not _good(rep, view, private, j, i):
            continue
        _link(i, j, char, init, rel, relf, degree, a0, b0)


@njit(cache=True, inline="always")
def learner_opens(al: float, be: float, scale: float, certainty: float, u: float) -> bool:
    """A trust-learner's decision to open to a partner it trusts with Beta(al, be): it opens
    with probability min(1, scale · al / (al + be)), and surely once it is ``certainty`` sure
    that the partner supports it more often than not (P(p > 1/2) ≥ certainty)."""
    p = scale * al / (al + be)
    if p < 1.0 and certainty <= 1.0 and u >= p and beta_above_half(al, be) >= certainty:
        p = 1.0
    return u < p


@njit(cache=True, inline="always")
def _intend(
    key: np.uint64,
    counter: int,
    cum: np.ndarray,
    det: np.ndarray,
    when_bad: np.ndarray,
    c: int,
    state: int,
    partner_good: bool,
    noise: float,
    k: int,
    learn_scale: np.ndarray,
    learn_cert: np.ndarray,
    relf: np.ndarray,
    me: int,
    s: int,
    general: bool,
) -> tuple[int, int]:
    u_act, u_exec = uniform_pair(key, counter)
    if general and when_bad[c] >= 0 and not partner_good:
        a = np.int64(when_bad[c])
    elif general and learn_scale[c] >= 0.0:
        u_open, _ = uniform_pair(key, LEARN + s)
        al = np.float64(relf[me, s, ALPHA])
        be = np.float64(relf[me, s, BETA])
        # open + support (0) or guarded + support (3): a learner always supports
        a = np.int64(0 if learner_opens(al, be, learn_scale[c], learn_cert[c], u_open) else 3)
    else:
        a = _choose(cum, det, c, state, u_act, k)
    x = a
    if u_exec < noise:
        x = _replace(a, u_exec / noise, k)
    return a, x


@njit(cache=True, inline="always")
def _perceive(key: np.uint64, counter: int, y: int, misread: float, k: int) -> int:
    if misread <= 0.0:
        return y
    m, p = uniform_pair(key, counter)
    if m < misread:
        return _replace(y, p, k)
    return y


@njit(cache=True, inline="always")
def _learn(
    relf: np.ndarray,
    a: int,
    s: int,
    opened: bool,
    seen: int,
    a0: float,
    b0: float,
    forget: float,
    betrayal: float,
    disappointment: float,
) -> None:
    """Trust update of one side: relax towards the prior, then learn from an open turn by the
    answer seen (0 support: alpha + 1; 1 withhold: beta + ``disappointment``; 2 exploit:
    beta + ``betrayal``)."""
    al = a0 + forget * (relf[a, s, ALPHA] - a0)
    be = b0 + forget * (relf[a, s, BETA] - b0)
    if opened:
        if seen == 0:
            al += 1.0
        elif seen == 2:
            be += betrayal
        else:
            be += disappointment
    relf[a, s, ALPHA] = al
    relf[a, s, BETA] = be


@njit(cache=True, inline="always")
def _prefetch_slots(rel: np.ndarray, i: int) -> None:
    """Start fetching all of agent ``i``'s slots (nothing when there is no agent ``i``). A sweep
    over the agents reads their slots in order, but the processor's own prefetchers stop at
    page boundaries (every 8 agents of capacity 8): asked a few agents ahead, the play and the
    tally passes measured 5–15 % faster at 10⁵ agents."""
    if i < rel.shape[0]:
        for s in range(rel.shape[1]):
            prefetch(rel, i, s)


@njit(cache=True, inline="always")
def _play_agent(
    i: int,
    rk: np.uint64,
    rel: np.ndarray,
    relf: np.ndarray,
    char: np.ndarray,
    tables: tuple[np.ndarray, ...],
    rep: np.ndarray,
    view: np.ndarray,
    private: bool,
    noise: float,
    misread: float,
    trust: tuple[bool, float, float, float, float, float, float],
    churn: float,
    general: bool,
) -> None:
    """Agent ``i``'s share of :func:`play_round`: every relationship whose partner has a higher
    index. Where ``general`` is the constant False the discriminators', trust-learners',
    misreading and chance-ending code is left out. ``tables`` and ``trust``
    are :func:`play_round`'s character tables and trust parameters, in its order."""
    cum, det, trans, when_bad, payoffs, is_open, is_support, answer_of, learn_scale, learn_cert = (
        tables
    )
    learning, a0, b0, forget, betrayal, disappointment, threshold = trust
    n, cap = rel.shape[0], rel.shape[1]
    k = np.int64(cum.shape[2])
    ki = _agent_key(rk, i)
    # Start fetching the partners' slots (and characters) of the agent played two steps
    # from now: at 10⁵ agents the partners' sides are random reads, and by the time that
    # agent is played they are in cache. With the slots on cache lines (new_slots) this
    # kernel measured 1.45–1.65× faster than touching the current agent's partners first;
    # fetching the partners' characters too, another 1.2–1.3×.
    _prefetch_slots(rel, i + STREAM_AHEAD)
    ahead = i + PREFETCH_AHEAD
    if ahead < n:
        for s in range(cap):
            jj = rel[ahead, s, PARTNER]
            if jj > ahead:
                prefetch(rel, jj, rel[ahead, s, PSLOT])
                prefetch_read(char, jj)
    for s in range(cap):
        j = np.int64(rel[i, s, PARTNER])
        if j < i:  # empty slot, or the pair is played by its lower-indexed member j
            continue
        t = np.int64(rel[i, s, PSLOT])
        kj = _agent_key(rk, j)
        ci = np.int64(char[i])
        cj = np.int64(char[j])
        # reputations are looked up only by discriminators (a random read saved)
        gi = not general or when_bad[ci] < 0 or _good(rep, view, private, i, j)
        gj = not general or when_bad[cj] < 0 or _good(rep, view, private, j, i)
        si = np.int64(rel[i, s, STATE])
        sj = np.int64(rel[j, t, STATE])
        ai, xi = _intend(ki, PLAY + 2 * s, cum, det, when_bad, ci, si, gi, noise, k,
                         learn_scale, learn_cert, relf, i, s, general)  # fmt: skip
        aj, xj = _intend(kj, PLAY + 2 * t, cum, det, when_bad, cj, sj, gj, noise, k,
                         learn_scale, learn_cert, relf, j, t, general)  # fmt: skip
        oi = xj
        oj = xi
        if general:
            oi = _perceive(ki, PLAY + 2 * s + 1, xj, misread, k)
            oj = _perceive(kj, PLAY + 2 * t + 1, xi, misread, k)
        rel[i, s, STATE] = trans[ci, si, xi, oi]
        rel[j, t, STATE] = trans[cj, sj, xj, oj]
        rel[i, s, INTENT] = ai
        rel[j, t, INTENT] = aj
        rel[i, s, ACT] = xi
        rel[j, t, ACT] = xj
        rel[i, s, OBS] = oi
        rel[j, t, OBS] = oj
        rel[i, s, PACT] = xj
        rel[j, t, PACT] = xi
        rel[i, s, AGE] += 1
        rel[j, t, AGE] += 1
        relf[i, s, PAY] = payoffs[xi, xj]
        relf[j, t, PAY] = payoffs[xj, xi]
        if is_open[xj] and is_support[xi]:
            rel[i, s, GIVEN] += 1
            rel[j, t, GOT] += 1
        if is_open[xi] and is_support[xj]:
            rel[i, s, GOT] += 1
            rel[j, t, GIVEN] += 1
        if learning:
            _learn(relf, i, s, is_open[xi], answer_of[oi], a0, b0, forget, betrayal,
                   disappointment)  # fmt: skip
            _learn(relf, j, t, is_open[xj], answer_of[oj], a0, b0, forget, betrayal,
                   disappointment)  # fmt: skip
        leave_i = relf[i, s, ALPHA] < threshold * (relf[i, s, ALPHA] + relf[i, s, BETA])
        leave_j = relf[j, t, ALPHA] < threshold * (relf[j, t, ALPHA] + relf[j, t, BETA])
        chance = False
        if general and churn > 0.0:
            u, _ = uniform_pair(ki, CHURN + s)
            chance = u < churn
        rel[i, s, ENDING] = (1 if leave_i else 0) + (2 if leave_j else 0) + (4 if chance else 0)
        rel[j, t, ENDING] = (1 if leave_j else 0) + (2 if leave_i else 0) + (4 if chance else 0)


@njit(cache=True, parallel=True)
def play_round(
    seed: np.uint64,
    rnd: int,
    cum: np.ndarray,
    det: np.ndarray,
    trans: np.ndarray,
    when_bad: np.ndarray,
    char: np.ndarray,
    rel: np.ndarray,
    relf: np.ndarray,
    rep: np.ndarray,
    view: np.ndarray,
    private: bool,
    noise: float,
    misread: float,
    payoffs: np.ndarray,
    is_open: np.ndarray,
    is_support: np.ndarray,
    answer_of: np.ndarray,
    learn_scale: np.ndarray,
    learn_cert: np.ndarray,
    learning: bool,
    a0: float,
    b0: float,
    forget: float,
    betrayal: float,
    disappointment: float,
    threshold: float,
    churn: float,
    general: bool = False,
) -> None:
    """Every relationship plays one turn; each side's trust learns from it; endings are decided.

    Trust is a Beta(alpha, beta) estimate of being supported when opening: every round both
    counts first relax towards the prior (``forget``), then, if I opened, a support I saw adds 1
    to alpha, a withholding I saw adds ``disappointment`` to beta and an exploitation I saw
    adds ``betrayal`` to beta (``answer_of[action]``: 0 support, 1 withhold, 2 exploit).
    Guarded turns teach nothing; without ``learning`` the counts stay at the prior.
    Trust-learners (``learn_scale[c] ≥ 0``) decide from these counts whether to open
    (:func:`learner_opens`). A side whose trust alpha / (alpha + beta) is now below
    ``threshold`` leaves; independently the relationship ends by chance with probability
    ``churn``. ``GIVEN``/``GOT`` count supports given to / received by an open side.

    Societies without discriminators, trust-learners, misreadings or chance endings (the
    common case, :func:`plain_round`) leave ``general`` out: Numba then compiles a copy of
    the loop in which it is the constant False and the code for those is left out (the same
    numbers, fewer instructions a pair). Every other society passes ``general=True`` (a
    second compiled copy, made only when first used); leaving it out for one is refused.
    """
    if not general and not plain_round(when_bad, learn_scale, misread, churn):
        raise ValueError("this society needs play_round(..., general=True)")
    n = rel.shape[0]
    rk = _round_key(seed, rnd)
    tables = (cum, det, trans, when_bad, payoffs, is_open, is_support, answer_of, learn_scale,
              learn_cert)  # fmt: skip
    trust = (learning, a0, b0, forget, betrayal, disappointment, threshold)
    for i in prange(n):
        _play_agent(i, rk, rel, relf, char, tables, rep, view, private, noise, misread, trust,
                    churn, general)  # fmt: skip


@njit(cache=True)
def plain_round(
    when_bad: np.ndarray, learn_scale: np.ndarray, misread: float, churn: float
) -> bool:
    """Whether :func:`play_round` can leave out what only some societies need: no character
    discriminates (``when_bad``) or learns whom to trust (``learn_scale``), nobody misreads
    and no relationship ends by chance."""
    if misread > 0.0 or churn > 0.0:
        return False
    for c in range(when_bad.shape[0]):  # noqa: SIM110 - Numba
        if when_bad[c] >= 0 or learn_scale[c] >= 0.0:
            return False
    return True


@njit(cache=True, parallel=True)
def tally_agents(
    rnd: int,
    rel: np.ndarray,
    relf: np.ndarray,
    is_open: np.ndarray,
    is_support: np.ndarray,
    answer_of: np.ndarray,
    char: np.ndarray,
    is_giver: np.ndarray,
    any_giver: bool,
    pay_giver: np.ndarray,
    hurt: np.ndarray,
    win_turns: np.ndarray,
    win_intimate: np.ndarray,
    lonely: np.ndarray,
    round_pay: np.ndarray,
    round_open: np.ndarray,
    tally: np.ndarray,
    payoff_total: np.ndarray,
    payoff_since: np.ndarray,
    degree: np.ndarray,
    clear: bool,
) -> None:
    """Per agent: this round's turns, needs met, loneliness over the window, running counts.

    Definitions (DESIGN.md §4, :mod:`trustlab.domain.society.measures`): *reassurance* — I
    opened and my partner supported me; *acceptance* — after a mistake of mine (executed ≠
    intended) my partner's next answer was support and it did not leave (a leaving is counted
    by :func:`clear_endings`); *consolation* — after I was exploited, the next round in which I
    opened, I was supported at least once; *loneliness* — 1 − (turns open and supported) /
    (turns played) over the last ``W`` rounds, 1 when no turn was played. An open turn is
    answered by support, withholding or exploitation (``answer_of``), counted apart, both as
    suffered (I opened) and as done (my partner opened). With unconditional givers in the
    society (``any_giver``), turns with a giver partner and their payoff are counted apart.

    With ``clear`` each agent then does :func:`clear_endings`' work on its own slots in the same
    pass (when nothing between the two reads the ended relationships: no reputation, no
    revision this round), saving a second sweep over memory; the results are the same.
    """
    n, cap = rel.shape[0], rel.shape[1]
    w_len = win_turns.shape[1]
    w = rnd % w_len
    for i in prange(n):
        _prefetch_slots(rel, i + STREAM_AHEAD)
        turns = 0
        opened = 0
        intimate = 0
        exploited = 0
        withheld = 0
        committed = 0
        withheld_from = 0
        acc_opp = 0
        acc_ok = 0
        mistakes = 0
        g_turns = 0
        g_pay = 0.0
        p = 0.0
        for s in range(cap):
            j = rel[i, s, PARTNER]
            if j < 0:
                continue
            x = rel[i, s, ACT]
            y = rel[i, s, PACT]
            turns += 1
            p += relf[i, s, PAY]
            if any_giver and is_giver[char[j]]:
                g_turns += 1
                g_pay += relf[i, s, PAY]
            if is_open[x]:
                opened += 1
                ans = answer_of[y]
                if ans == 0:
                    intimate += 1
                elif ans == 2:
                    exploited += 1
                else:
                    withheld += 1
            if is_open[y]:
                mine = answer_of[x]
                if mine == 2:
                    committed += 1
                elif mine == 1:
                    withheld_from += 1
            if rel[i, s, PENDING] != 0:
                acc_opp += 1
                if is_support[y]:
                    acc_ok += 1
            slipped = rel[i, s, INTENT] != x
            rel[i, s, PENDING] = 1 if slipped else 0
            if slipped:
                mistakes += 1
        if hurt[i] != 0 and opened > 0:
            tally[i, T_CON_OPP] += 1
            if intimate > 0:
                tally[i, T_CON_OK] += 1
            hurt[i] = 0
        if exploited > 0:
            hurt[i] = 1
        win_turns[i, w] = turns
        win_intimate[i, w] = intimate
        sum_t = 0
        sum_i = 0
        for q in range(w_len):
            sum_t += win_turns[i, q]
            sum_i += win_intimate[i, q]
        lonely[i] = 1.0 if sum_t == 0 else 1.0 - sum_i / sum_t
        round_pay[i] = p
        round_open[i] = -1.0 if turns == 0 else opened / turns
        tally[i, T_TURNS] += turns
        tally[i, T_OPEN] += opened
        tally[i, T_INTIMATE] += intimate
        tally[i, T_EXPLOITED] += exploited
        tally[i, T_WITHHELD] += withheld
        tally[i, T_COMMITTED] += committed
        tally[i, T_WITHHELD_FROM] += withheld_from
        tally[i, T_GIVER_TURNS] += g_turns
        pay_giver[i] += g_pay
        tally[i, T_ACC_OPP] += acc_opp
        tally[i, T_ACC_OK] += acc_ok
        tally[i, T_MISTAKES] += mistakes
        payoff_total[i] += p
        payoff_since[i] += p
        if clear:
            _clear_agent(rel, degree, tally, i)


@njit(cache=True, inline="always")
def _judged_act(judged: np.ndarray, is_open: np.ndarray, x: int, y: int) -> int:
    """What a norm judges of a donor who played ``x`` to a recipient who played ``y``:
    0 cooperate, 1 withhold, 2 exploit — exploiting only if the recipient opened this turn
    (``judged[x]`` is 2 for the exploiting actions; nothing is taken from a guarded partner)."""
    a = np.int64(judged[x])
    if a == 2 and not is_open[y]:
        a = np.int64(1)
    return a


@njit(cache=True, parallel=True)
def assess_public(
    seed: np.uint64,
    rnd: int,
    norm: np.ndarray,
    observation_error: float,
    assessment_error: float,
    judged: np.ndarray,
    is_open: np.ndarray,
    rel: np.ndarray,
    degree: np.ndarray,
    rep_old: np.ndarray,
    rep_new: np.ndarray,
) -> None:
    """Public reputation: each round one of every agent's turns (a slot drawn uniformly) is
    judged by the shared norm ``norm[donor, recipient, act]`` (1 = good), with the reputations
    of the round before; the act is :func:`_judged_act` (0 cooperate, 1 withhold, 2 exploit an
    open partner). An observation error (``observation_error``) sees cooperation as withholding
    and anything else as cooperation; the judgement is flipped with ``assessment_error``. An
    agent without relationships keeps its reputation."""
    n = rel.shape[0]
    rk = _round_key(seed, rnd)
    for i in prange(n):
        if degree[i] == 0:
            rep_new[i] = rep_old[i]
            continue
        key = _agent_key(rk, i)
        u1, u2 = uniform_pair(key, REPUTATION)
        u3, _ = uniform_pair(key, REPUTATION + 1)
        s = _nth_partner(rel, i, np.int64(u1 * degree[i]))
        j = rel[i, s, PARTNER]
        a = _judged_act(judged, is_open, rel[i, s, ACT], rel[i, s, PACT])
        if u2 < observation_error:
            a = 1 if a == 0 else 0
        g = norm[rep_old[i], rep_old[j], a]
        if u3 < assessment_error:
            g = 1 - g
        rep_new[i] = g


@njit(cache=True, parallel=True)
def choose_events(
    seed: np.uint64,
    rnd: int,
    judged: np.ndarray,
    is_open: np.ndarray,
    rel: np.ndarray,
    degree: np.ndarray,
    ev_recipient: np.ndarray,
    ev_action: np.ndarray,
) -> None:
    """Private reputation: the one turn of each agent that observers may see this round (the
    same slot draw as the public assessment)."""
    n = rel.shape[0]
    rk = _round_key(seed, rnd)
    for i in prange(n):
        if degree[i] == 0:
            ev_recipient[i] = -1
            ev_action[i] = -1
            continue
        u1, _ = uniform_pair(_agent_key(rk, i), REPUTATION)
        s = _nth_partner(rel, i, np.int64(u1 * degree[i]))
        ev_recipient[i] = rel[i, s, PARTNER]
        ev_action[i] = _judged_act(judged, is_open, rel[i, s, ACT], rel[i, s, PACT])


@njit(cache=True, parallel=True)
def assess_private(
    seed: np.uint64,
    rnd: int,
    norm: np.ndarray,
    observation_rate: float,
    observation_error: float,
    assessment_error: float,
    ev_recipient: np.ndarray,
    ev_action: np.ndarray,
    view_old: np.ndarray,
    view_new: np.ndarray,
) -> None:
    """Private reputation: every observer sees each agent's turn with ``observation_rate`` and
    judges it with its own views of donor and recipient (``view[observer, agent]``, 1 = good)."""
    n = view_old.shape[0]
    rk = _round_key(seed, rnd)
    for o in prange(n):
        key = _agent_key(rk, o)
        for i in range(n):
            j = ev_recipient[i]
            if j < 0:
                view_new[o, i] = view_old[o, i]
                continue
            u1, u2 = uniform_pair(key, OBSERVE + 2 * i)
            if u1 >= observation_rate:
                view_new[o, i] = view_old[o, i]
                continue
            u3, _ = uniform_pair(key, OBSERVE + 2 * i + 1)
            a = ev_action[i]
            if u2 < observation_error:
                a = 1 if a == 0 else 0
            g = norm[view_old[o, i], view_old[o, j], a]
            if u3 < assessment_error:
                g = 1 - g
            view_new[o, i] = g


@njit(cache=True, inline="always")
def _clear_agent(rel: np.ndarray, degree: np.ndarray, tally: np.ndarray, i: int) -> None:
    """Agent i empties its own slots of ended relationships and counts them."""
    for s in range(rel.shape[1]):
        e = rel[i, s, ENDING]
        if e == 0 or rel[i, s, PARTNER] < 0:
            continue
        if i < rel[i, s, PARTNER]:
            tally[i, T_ENDED] += 1
            tally[i, T_ENDED_AGE] += rel[i, s, AGE]
            given = rel[i, s, GIVEN]
            got = rel[i, s, GOT]
            if given + got > 0:
                tally[i, T_ENDED_SUPPORTED] += 1
                if given == 0 or got == 0:
                    tally[i, T_ENDED_ONE_SIDED] += 1
        if e & 1:
            tally[i, T_LEFT] += 1
        if rel[i, s, PENDING] != 0 and (e & 2):
            tally[i, T_ACC_OPP] += 1
        rel[i, s, PARTNER] = -1
        rel[i, s, PENDING] = 0
        rel[i, s, ENDING] = 0
        degree[i] -= 1


@njit(cache=True, parallel=True)
def clear_endings(rel: np.ndarray, degree: np.ndarray, tally: np.ndarray) -> None:
    """Each agent empties its own slots of ended relationships and counts them (with their
    reciprocity: did support flow, and only one way); a mistake of mine answered by my partner
    leaving is an acceptance opportunity that failed."""
    for i in prange(rel.shape[0]):
        _clear_agent(rel, degree, tally, i)


@njit(cache=True)
def slot_summary(
    rel: np.ndarray, round_open: np.ndarray
) -> tuple[int, int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """What a history record reads of the slots, in one pass (agent by agent, slot by slot).

    Returns the number of occupied slots (each relationship counted from both sides), their
    summed ``AGE``; per occupied slot the two partners' shares of open turns last round
    (``x`` mine, ``y`` my partner's, from ``round_open``); per relationship, from its
    lower-indexed member, ``GIVEN`` and ``GOT``.
    """
    n, cap = rel.shape[0], rel.shape[1]
    x = np.empty(n * cap)
    y = np.empty(n * cap)
    given = np.empty(n * cap, dtype=np.int64)
    got = np.empty(n * cap, dtype=np.int64)
    k = 0
    m = 0
    age = 0
    for i in range(n):
        for s in range(cap):
            j = rel[i, s, PARTNER]
            if j < 0:
                continue
            x[k] = round_open[i]
            y[k] = round_open[j]
            k += 1
            age += rel[i, s, AGE]
            if j > i:
                given[m] = rel[i, s, GIVEN]
                got[m] = rel[i, s, GOT]
                m += 1
    return k, age, x[:k], y[:k], given[:m], got[:m]


@njit(cache=True)
def attribute_counts(
    char: np.ndarray,
    tally: np.ndarray,
    payoff_total: np.ndarray,
    pay_giver: np.ndarray,
    rounds_done: int,
    mark: np.ndarray,
    char_tally: np.ndarray,
    char_payoff: np.ndarray,
    char_rounds: np.ndarray,
    char_pay_giver: np.ndarray,
) -> None:
    """Credit each agent's counts, payoff, rounds and payoff with givers since its ``mark`` to
    the character it has now, then move the marks. One pass over the agents in index order, so
    the float sums are those of a weighted ``np.bincount`` added to the running totals."""
    n_types = char_payoff.shape[0]
    pay = np.zeros(n_types)
    lived = np.zeros(n_types)
    giver = np.zeros(n_types)
    nt = tally.shape[1]
    for i in range(char.shape[0]):
        c = char[i]
        for col in range(nt):
            char_tally[c, col] += tally[i, col] - np.int64(mark[i, col])
            mark[i, col] = tally[i, col]
        pay[c] += payoff_total[i] - mark[i, nt]
        lived[c] += rounds_done - mark[i, nt + 1]
        giver[c] += pay_giver[i] - mark[i, nt + 2]
        mark[i, nt] = payoff_total[i]
        mark[i, nt + 1] = rounds_done
        mark[i, nt + 2] = pay_giver[i]
    for c in range(n_types):
        char_payoff[c] += pay[c]
        char_rounds[c] += np.int64(lived[c])
        char_pay_giver[c] += giver[c]


@njit(cache=True, parallel=True)
def revise(
    seed: np.uint64,
    rnd: int,
    rate: float,
    mutation: float,
    selection: float,
    n_types: int,
    rounds_since: int,
    char_old: np.ndarray,
    char_new: np.ndarray,
    rel: np.ndarray,
    degree: np.ndarray,
    payoff_since: np.ndarray,
) -> None:
    """People change: with probability ``rate`` an agent revises — with probability ``mutation``
    it takes a character uniformly at random, otherwise it compares itself with a random partner
    and adopts the partner's character with the Fermi probability
    1 / (1 + exp(−selection · (π_partner − π_self))), π the payoff per round since the last
    revision (Szabó & Tőke 1998, doi:10.1103/PhysRevE.58.69). Synchronous: reads ``char_old``."""
    n = char_old.shape[0]
    rk = _round_key(seed, rnd)
    for i in prange(n):
        char_new[i] = char_old[i]
        key = _agent_key(rk, i)
        u1, u2 = uniform_pair(key, REVISE)
        if u1 >= rate:
            continue
        if u2 < mutation:
            u3, _ = uniform_pair(key, REVISE + 1)
            c = np.int64(u3 * n_types)
            char_new[i] = c if c < n_types else n_types - 1
            continue
        if degree[i] == 0:
            continue
        u3, u4 = uniform_pair(key, REVISE + 2)
        j = rel[i, _nth_partner(rel, i, np.int64(u3 * degree[i])), PARTNER]
        diff = (payoff_since[j] - payoff_since[i]) / rounds_since
        if u4 < 1.0 / (1.0 + np.exp(-selection * diff)):
            char_new[i] = char_old[j]


@njit(cache=True, parallel=True)
def reset_changed(
    char_old: np.ndarray, char_new: np.ndarray, init: np.ndarray, rel: np.ndarray
) -> None:
    """An agent whose character changed starts its new character afresh in every relationship
    (its partners keep their own memories of it)."""
    n, cap = rel.shape[0], rel.shape[1]
    for i in prange(n):
        if char_old[i] == char_new[i]:
            continue
        for s in range(cap):
            if rel[i, s, PARTNER] >= 0:
                rel[i, s, STATE] = init[char_new[i]]
