"""The slow, obvious society round: plain Python, one loop per phase, the kernels' yardstick.

:func:`reference_step` does what :func:`trustlab.domain.society.simulation.step` does with the
compiled kernels, with the same counter-based random numbers (drawn by
:func:`trustlab.kernel.rng.uniform_pair_py`), so the tests can compare the two array by array.
It is written for clarity, not speed: use it on societies of a few dozen agents.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import betainc

from trustlab.domain.actions import GUARDED_SUPPORT, OPEN_SUPPORT
from trustlab.domain.characters.machine import replace_action
from trustlab.domain.society.config import SocietyConfig
from trustlab.domain.society.simulation import SocietyState, _Prepared, attribute
from trustlab.kernel import society as K
from trustlab.kernel.rng import base_key_py, child_key_py, uniform_pair_py

__all__ = ["reference_step"]


def _u(seed: int, rnd: int, agent: int, counter: int) -> tuple[float, float]:
    return uniform_pair_py(base_key_py(seed, rnd, agent), counter)


def _slots(st: SocietyState, i: int) -> list[int]:
    """Agent i's occupied slots, in slot order."""
    return [s for s in range(st.rel.shape[1]) if st.rel[i, s, K.PARTNER] >= 0]


def _good(st: SocietyState, config: SocietyConfig, judge: int, who: int) -> bool:
    if config.private:
        return bool(st.view[judge, who] == 1)
    return bool(st.rep[who] == 1)  # same rule for everyone: the public image


def _link(st: SocietyState, prep: _Prepared, config: SocietyConfig, i: int, j: int) -> None:
    a0, b0 = config.trust_prior
    free_i = next(s for s in range(st.rel.shape[1]) if st.rel[i, s, K.PARTNER] < 0)
    free_j = next(s for s in range(st.rel.shape[1]) if st.rel[j, s, K.PARTNER] < 0)
    for a, s, b, t in ((i, free_i, j, free_j), (j, free_j, i, free_i)):
        st.rel[a, s, :] = 0
        st.rel[a, s, K.PARTNER] = b
        st.rel[a, s, K.PSLOT] = t
        st.rel[a, s, K.STATE] = prep.init[st.char[a]]
        st.rel[a, s, [K.INTENT, K.ACT, K.OBS, K.PACT]] = -1
        st.relf[a, s, [K.ALPHA, K.BETA, K.PAY]] = (a0, b0, 0.0)
    st.degree[i] += 1
    st.degree[j] += 1


def _seek(st: SocietyState, prep: _Prepared, config: SocietyConfig, rnd: int) -> None:
    mode = config.partner_choice
    if mode == "none":
        return
    n, cap = int(st.rel.shape[0]), int(st.rel.shape[1])
    start = int(child_key_py(st.seed, rnd) % n)

    def stranger(i: int, u: float) -> int:
        j = min(int(u * (n - 1)), n - 2)
        return j if j < i else j + 1

    for step in range(n):
        i = (start + step) % n
        if st.degree[i] >= cap:
            continue
        u1, u2 = _u(st.seed, rnd, i, K.SEEK)
        j = -1
        if mode == "random":
            if u1 < config.openness:
                j = stranger(i, u2)
        elif mode in ("friends", "trusted"):
            mine = _slots(st, i)
            if mine:
                if mode == "friends":
                    fs = mine[int(u2 * len(mine))]
                else:  # the friend I trust most (the first on ties)
                    fs = max(mine, key=lambda q: (_trust(st, i, q), -q))
                f = int(st.rel[i, fs, K.PARTNER])
                u3, _ = _u(st.seed, rnd, i, K.SEEK + 1)
                theirs = _slots(st, f)
                if len(theirs) > 1:
                    g = int(st.rel[f, theirs[int(u3 * len(theirs))], K.PARTNER])
                    if g != i:
                        j = g
            if j < 0 and u1 < config.openness:
                j = stranger(i, _u(st.seed, rnd, i, K.SEEK + 2)[0])
        elif u1 < config.openness:
            for c in range(config.n_candidates):
                cand = stranger(i, _u(st.seed, rnd, i, K.SEEK + 1 + c)[0])
                if _good(st, config, i, cand):
                    j = cand
                    break
        if j < 0 or st.degree[j] >= cap or j in st.rel[i, :, K.PARTNER]:
            continue
        if mode == "reputation" and not _good(st, config, j, i):
            continue
        _link(st, prep, config, i, j)


def _trust(st: SocietyState, i: int, s: int) -> float:
    a, b = float(st.relf[i, s, K.ALPHA]), float(st.relf[i, s, K.BETA])
    return a / (a + b)


def _learner_opens(st: SocietyState, prep: _Prepared, rnd: int, i: int, s: int) -> bool:
    """A trust-learner opens with probability min(1, scale · mean trust), surely when it is
    ``certainty`` sure that P(support) > 1/2 under its Beta(alpha, beta) counts."""
    c = int(st.char[i])
    a, b = float(st.relf[i, s, K.ALPHA]), float(st.relf[i, s, K.BETA])
    p = min(1.0, prep.learn_scale[c] * a / (a + b))
    if float(betainc(b, a, 0.5)) >= prep.learn_cert[c]:  # P(p > 1/2) = I_{1/2}(b, a)
        p = 1.0
    return bool(_u(st.seed, rnd, i, K.LEARN + s)[0] < p)


def _move(
    st: SocietyState, prep: _Prepared, config: SocietyConfig, rnd: int, i: int, s: int, j: int
) -> tuple[int, int]:
    """Agent i's intended and executed action towards j in slot s."""
    k = prep.cum.shape[2]
    c = int(st.char[i])
    u_act, u_exec = _u(st.seed, rnd, i, K.PLAY + 2 * s)
    if prep.when_bad[c] >= 0 and not _good(st, config, i, j):
        a = int(prep.when_bad[c])
    elif prep.learn_scale[c] >= 0:  # a trust-learner: open or not, always supporting
        a = OPEN_SUPPORT if _learner_opens(st, prep, rnd, i, s) else GUARDED_SUPPORT
    else:
        state = int(st.rel[i, s, K.STATE])
        a = int(prep.det[c, state])
        if a < 0:
            a = min(int(np.searchsorted(prep.cum[c, state], u_act, side="right")), k - 1)
    x = replace_action(a, u_exec / config.noise, k) if u_exec < config.noise else a
    return a, x


def _play(st: SocietyState, prep: _Prepared, config: SocietyConfig, rnd: int) -> None:
    k = prep.cum.shape[2]
    a0, b0 = config.trust_prior
    n, cap = st.rel.shape[0], st.rel.shape[1]
    for i in range(n):
        for s in range(cap):
            j = int(st.rel[i, s, K.PARTNER])
            if j < i:
                continue
            t = int(st.rel[i, s, K.PSLOT])
            ai, xi = _move(st, prep, config, rnd, i, s, j)
            aj, xj = _move(st, prep, config, rnd, j, t, i)
            seen = {}
            for me, slot, other_x in ((i, s, xj), (j, t, xi)):
                o = other_x
                if config.misread > 0:
                    m, p = _u(st.seed, rnd, me, K.PLAY + 2 * slot + 1)
                    if m < config.misread:
                        o = replace_action(o, p, k)
                seen[me] = o
            leaves = {}
            for me, slot, a, x, y in ((i, s, ai, xi, xj), (j, t, aj, xj, xi)):
                o = seen[me]
                c = int(st.char[me])
                st.rel[me, slot, K.STATE] = prep.trans[c, st.rel[me, slot, K.STATE], x, o]
                st.rel[me, slot, K.INTENT] = a
                st.rel[me, slot, K.ACT] = x
                st.rel[me, slot, K.OBS] = o
                st.rel[me, slot, K.PACT] = y
                st.rel[me, slot, K.AGE] += 1
                st.relf[me, slot, K.PAY] = prep.payoffs[x, y]
                st.rel[me, slot, K.GIVEN] += bool(prep.is_open[y] and prep.is_support[x])
                st.rel[me, slot, K.GOT] += bool(prep.is_open[x] and prep.is_support[y])
                if config.trust_learning:
                    # trust is stored in float32 and computed in float64, as in the kernel
                    al = a0 + config.forgetting * (float(st.relf[me, slot, K.ALPHA]) - a0)
                    be = b0 + config.forgetting * (float(st.relf[me, slot, K.BETA]) - b0)
                    if prep.is_open[x]:
                        told = int(prep.answer_of[o])  # what I saw: support, withhold, exploit
                        if told == 0:
                            al += 1.0
                        elif told == 2:
                            be += config.betrayal_weight
                        else:
                            be += config.disappointment_weight
                    st.relf[me, slot, K.ALPHA] = al
                    st.relf[me, slot, K.BETA] = be
                a32, b32 = st.relf[me, slot, K.ALPHA], st.relf[me, slot, K.BETA]
                leaves[me] = float(a32) < config.leave_threshold * float(a32 + b32)
            chance = config.churn > 0 and _u(st.seed, rnd, i, K.CHURN + s)[0] < config.churn
            st.rel[i, s, K.ENDING] = leaves[i] + 2 * leaves[j] + 4 * chance
            st.rel[j, t, K.ENDING] = leaves[j] + 2 * leaves[i] + 4 * chance


def _tally(st: SocietyState, prep: _Prepared, config: SocietyConfig, rnd: int) -> None:
    w = rnd % config.memory
    for i in range(st.rel.shape[0]):
        counts = dict.fromkeys(("turns", "open", "intimate", "hit", "withheld", "committed",
                                "withheld_from", "acc_opp", "acc_ok", "mistakes", "giver"),
                               0)  # fmt: skip
        pay = 0.0
        pay_giver = 0.0
        for s in _slots(st, i):
            x, y = int(st.rel[i, s, K.ACT]), int(st.rel[i, s, K.PACT])
            counts["turns"] += 1
            pay += float(st.relf[i, s, K.PAY])
            if prep.is_giver[st.char[st.rel[i, s, K.PARTNER]]]:
                counts["giver"] += 1
                pay_giver += float(st.relf[i, s, K.PAY])
            if prep.is_open[x]:
                counts["open"] += 1
                counts[("intimate", "withheld", "hit")[int(prep.answer_of[y])]] += 1
            if prep.is_open[y]:
                mine = int(prep.answer_of[x])
                counts["committed"] += mine == 2
                counts["withheld_from"] += mine == 1
            if st.rel[i, s, K.PENDING]:
                counts["acc_opp"] += 1
                counts["acc_ok"] += bool(prep.is_support[y])
            slipped = int(st.rel[i, s, K.INTENT]) != x
            st.rel[i, s, K.PENDING] = slipped
            counts["mistakes"] += slipped
        if st.hurt[i] and counts["open"]:
            st.tally[i, K.T_CON_OPP] += 1
            st.tally[i, K.T_CON_OK] += counts["intimate"] > 0
            st.hurt[i] = 0
        if counts["hit"]:
            st.hurt[i] = 1
        st.win_turns[i, w] = counts["turns"]
        st.win_intimate[i, w] = counts["intimate"]
        total = int(st.win_turns[i].sum())
        st.lonely[i] = 1.0 if total == 0 else 1.0 - int(st.win_intimate[i].sum()) / total
        st.round_pay[i] = pay
        st.round_open[i] = -1.0 if counts["turns"] == 0 else counts["open"] / counts["turns"]
        for col, key in ((K.T_TURNS, "turns"), (K.T_OPEN, "open"), (K.T_INTIMATE, "intimate"),
                         (K.T_EXPLOITED, "hit"), (K.T_COMMITTED, "committed"),
                         (K.T_ACC_OPP, "acc_opp"), (K.T_ACC_OK, "acc_ok"),
                         (K.T_MISTAKES, "mistakes"), (K.T_WITHHELD, "withheld"),
                         (K.T_WITHHELD_FROM, "withheld_from"),
                         (K.T_GIVER_TURNS, "giver")):  # fmt: skip
            st.tally[i, col] += counts[key]
        st.pay_giver[i] += pay_giver
        st.payoff_total[i] += pay
        st.payoff_since[i] += pay


def _act(prep: _Prepared, x: int, y: int) -> int:
    """The judged act of a donor who played x to a recipient who played y: 0 cooperate,
    1 withhold, 2 exploit (only a recipient who opened can be exploited)."""
    a = int(prep.judged[x])
    return 1 if a == 2 and not prep.is_open[y] else a


def _judged_turn(st: SocietyState, rnd: int, i: int) -> tuple[int, int]:
    """The slot and recipient of agent i's turn that is judged this round."""
    mine = _slots(st, i)
    u1, _ = _u(st.seed, rnd, i, K.REPUTATION)
    s = mine[int(u1 * len(mine))]
    return s, int(st.rel[i, s, K.PARTNER])


def _assess(st: SocietyState, prep: _Prepared, config: SocietyConfig, rnd: int) -> None:
    if config.reputation == "none":
        return
    n = st.rel.shape[0]
    if not config.private:
        new = st.rep.copy()
        for i in range(n):
            if st.degree[i] == 0:
                continue
            s, j = _judged_turn(st, rnd, i)
            a = _act(prep, int(st.rel[i, s, K.ACT]), int(st.rel[i, s, K.PACT]))
            _, u2 = _u(st.seed, rnd, i, K.REPUTATION)
            if u2 < config.observation_error:  # cooperation seen as not, the rest as it
                a = 1 if a == 0 else 0
            g = int(prep.norm[st.rep[i], st.rep[j], a])
            u3, _ = _u(st.seed, rnd, i, K.REPUTATION + 1)
            new[i] = 1 - g if u3 < config.assessment_error else g
        st.rep = new
        return
    view = st.view.copy()
    for i in range(n):
        if st.degree[i] == 0:
            continue
        s, j = _judged_turn(st, rnd, i)
        action = _act(prep, int(st.rel[i, s, K.ACT]), int(st.rel[i, s, K.PACT]))
        for o in range(n):
            u1, u2 = _u(st.seed, rnd, o, K.OBSERVE + 2 * i)
            if u1 >= config.observation_rate:
                continue
            u3, _ = _u(st.seed, rnd, o, K.OBSERVE + 2 * i + 1)
            a = (1 if action == 0 else 0) if u2 < config.observation_error else action
            g = int(prep.norm[st.view[o, i], st.view[o, j], a])
            view[o, i] = 1 - g if u3 < config.assessment_error else g
    st.view = view


def _clear(st: SocietyState) -> None:
    for i in range(st.rel.shape[0]):
        for s in _slots(st, i):
            e = int(st.rel[i, s, K.ENDING])
            if e == 0:
                continue
            if i < st.rel[i, s, K.PARTNER]:
                st.tally[i, K.T_ENDED] += 1
                st.tally[i, K.T_ENDED_AGE] += st.rel[i, s, K.AGE]
                given, got = int(st.rel[i, s, K.GIVEN]), int(st.rel[i, s, K.GOT])
                st.tally[i, K.T_ENDED_SUPPORTED] += given + got > 0
                st.tally[i, K.T_ENDED_ONE_SIDED] += given + got > 0 and min(given, got) == 0
            st.tally[i, K.T_LEFT] += e & 1
            if st.rel[i, s, K.PENDING] and e & 2:
                st.tally[i, K.T_ACC_OPP] += 1
            st.rel[i, s, K.PARTNER] = -1
            st.rel[i, s, K.PENDING] = 0
            st.rel[i, s, K.ENDING] = 0
            st.degree[i] -= 1


def _revise(st: SocietyState, prep: _Prepared, config: SocietyConfig, rnd: int) -> None:
    interval = config.revision_interval
    new = st.char.copy()
    n_types = len(config.members)
    for i in range(st.char.size):
        u1, u2 = _u(st.seed, rnd, i, K.REVISE)
        if u1 >= config.revision_rate:
            continue
        if u2 < config.mutation:
            new[i] = min(int(_u(st.seed, rnd, i, K.REVISE + 1)[0] * n_types), n_types - 1)
            continue
        mine = _slots(st, i)
        if not mine:
            continue
        u3, u4 = _u(st.seed, rnd, i, K.REVISE + 2)
        j = int(st.rel[i, mine[int(u3 * len(mine))], K.PARTNER])
        diff = (st.payoff_since[j] - st.payoff_since[i]) / interval
        if u4 < 1.0 / (1.0 + math.exp(-config.selection * diff)):
            new[i] = st.char[j]
    for changed in np.flatnonzero(new != st.char).tolist():
        for s in _slots(st, changed):
            st.rel[changed, s, K.STATE] = prep.init[new[changed]]
    st.char = new
    st.payoff_since[:] = 0.0


def reference_step(st: SocietyState, config: SocietyConfig, prep: _Prepared) -> None:
    """One round in plain Python, in place: the same phases, order and draws as the kernels."""
    rnd = st.rounds_done
    _seek(st, prep, config, rnd)
    _play(st, prep, config, rnd)
    _tally(st, prep, config, rnd)
    _assess(st, prep, config, rnd)
    st.rounds_done += 1
    if config.revision_interval > 0 and st.rounds_done % config.revision_interval == 0:
        attribute(st)  # bookkeeping shared with the fast path (not a kernel)
        _revise(st, prep, config, rnd)
    _clear(st)
