"""Running a society: the state arrays, one round, and the whole run with its time series.

The state is a handful of arrays (see :mod:`trustlab.kernel.society`); a round calls the kernels
in a fixed order; a run records the measures of :mod:`trustlab.domain.society.measures` every
``record_every`` rounds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from trustlab.domain.play import resolve_seed
from trustlab.domain.provenance import version
from trustlab.domain.society import measures
from trustlab.domain.society.agents import (
    action_kinds,
    allocate,
    answer_kinds,
    giver_mask,
    judged_acts,
    learner_arrays,
    pack_members,
    place,
)
from trustlab.domain.society.config import SocietyConfig
from trustlab.domain.society.reputation import judged_table
from trustlab.domain.society.state import SocietyState
from trustlab.kernel import society as K

__all__ = [
    "DecidedRun",
    "SocietyResult",
    "SocietyState",
    "decision",
    "new_state",
    "run_society",
    "run_until_decided",
    "step",
]

Progress = Callable[[int, int], None]
MODES = {"none": K.MODE_NONE, "random": K.MODE_RANDOM, "friends": K.MODE_FRIENDS,
         "reputation": K.MODE_REPUTATION, "trusted": K.MODE_TRUSTED}  # fmt: skip


@dataclass(frozen=True)
class _Prepared:
    """The config turned into the kernels' constant arrays."""

    cum: np.ndarray
    det: np.ndarray
    trans: np.ndarray
    init: np.ndarray
    when_bad: np.ndarray
    payoffs: np.ndarray
    is_open: np.ndarray
    is_support: np.ndarray
    is_coop: np.ndarray
    norm: np.ndarray  # (2, 2, 3) [donor, recipient, judged act] → good
    answer_of: np.ndarray  # per action: 0 support, 1 withhold, 2 exploit
    judged: np.ndarray  # per action: the act a norm judges (0 C, 1 withhold, 2 exploit)
    learn_scale: np.ndarray  # per member: trust-learner's opening scale, −1 if not a learner
    learn_cert: np.ndarray  # per member: trust-learner's certainty
    is_giver: np.ndarray  # per member: an unconditional giver
    plain: bool  # K.plain_round: play_round's copy without the general code will do


def prepare(config: SocietyConfig) -> _Prepared:
    """The kernels' constant arrays for ``config``."""
    assert config.game is not None
    packed, when_bad = pack_members(config.members, config.game)
    is_open, is_support, is_coop = action_kinds(config.game)
    norm = judged_table(config.reputation) if config.reputation != "none" else np.ones(
        (2, 2, 3), dtype=np.int8)  # fmt: skip
    scale, cert = learner_arrays(config.members, config.trust_prior)
    return _Prepared(
        packed.cum, packed.det, packed.trans, packed.init, when_bad,
        np.ascontiguousarray(config.game.payoffs), is_open, is_support, is_coop, norm,
        answer_kinds(config.game), judged_acts(config.game), scale, cert,
        giver_mask(config.members, config.game),
        bool(K.plain_round(when_bad, scale, config.misread, config.churn)),
    )  # fmt: skip


def new_state(config: SocietyConfig, seed: int, prep: _Prepared | None = None) -> SocietyState:
    """Agents placed and linked into the initial network, before the first round."""
    prep = prep or prepare(config)
    n, cap = config.n_agents, config.capacity
    counts = allocate(config.shares, n)
    cluster = config.names.index(config.cluster) if config.cluster is not None else None
    char = place(counts, seed, cluster)
    a0, b0 = config.trust_prior
    rel = K.new_slots(n, cap)
    st = SocietyState(
        seed=seed,
        char=char,
        rel=rel,
        degree=np.zeros(n, dtype=np.int64),
        hurt=np.zeros(n, dtype=np.int8),
        rep=np.ones(n, dtype=np.int8),
        view=np.ones((n, n) if config.private else (0, 0), dtype=np.int8),
        win_turns=np.zeros((n, config.memory), dtype=np.int32),
        win_intimate=np.zeros((n, config.memory), dtype=np.int32),
        lonely=np.ones(n),
        tally=np.zeros((n, K.N_TALLY), dtype=np.int64),
        payoff_total=np.zeros(n),
        payoff_since=np.zeros(n),
        round_pay=np.zeros(n),
        round_open=np.full(n, -1.0),
        char_tally=np.zeros((len(config.members), K.N_TALLY), dtype=np.int64),
        char_payoff=np.zeros(len(config.members)),
        char_rounds=np.zeros(len(config.members), dtype=np.int64),
        mark=np.zeros((n, K.N_TALLY + 3)),
        pay_giver=np.zeros(n),
        char_pay_giver=np.zeros(len(config.members)),
    )
    K.initial_network(
        np.uint64(seed), config.network == "ring", 4 * cap, st.char, prep.init,
        st.rel, st.relf, st.degree, a0, b0,
    )  # fmt: skip
    return st


def attribute(st: SocietyState) -> None:
    """Credit every count and payoff since the last call to the character the agent had then.

    Characters change only at revisions, so calling this just before each revision (and before
    reading the totals) attributes everything exactly.
    """
    K.attribute_counts(
        st.char, st.tally, st.payoff_total, st.pay_giver, st.rounds_done, st.mark,
        st.char_tally, st.char_payoff, st.char_rounds, st.char_pay_giver,
    )  # fmt: skip


def step(st: SocietyState, config: SocietyConfig, prep: _Prepared) -> None:
    """Play one round in place: seek, play, tally, judge, perhaps revise, then part."""
    seed = np.uint64(st.seed)
    r = st.rounds_done
    a0, b0 = config.trust_prior
    private = bool(config.private)
    K.seek_partners(
        seed, r, MODES[config.partner_choice], config.openness,
        config.n_candidates, st.char, prep.init, st.rel, st.relf, st.degree, st.rep,
        st.view, private, a0, b0,
    )  # fmt: skip
    play = (
        seed, r, prep.cum, prep.det, prep.trans, prep.when_bad, st.char, st.rel, st.relf, st.rep,
        st.view, private, config.noise, config.misread, prep.payoffs, prep.is_open,
        prep.is_support, prep.answer_of, prep.learn_scale, prep.learn_cert,
        config.trust_learning, a0, b0, config.forgetting, config.betrayal_weight,
        config.disappointment_weight, config.leave_threshold, config.churn,
    )  # fmt: skip
    if prep.plain:
        K.play_round(*play)  # the copy compiled without the general code
    else:
        K.play_round(*play, True)
    interval = config.revision_interval
    revising = interval > 0 and (r + 1) % interval == 0
    # nothing after the tally reads this round's ended relationships unless reputations are
    # judged or characters revised: then the tally's pass clears them too
    clear_now = config.reputation == "none" and not revising
    K.tally_agents(
        r, st.rel, st.relf, prep.is_open, prep.is_support, prep.answer_of, st.char,
        prep.is_giver, bool(prep.is_giver.any()), st.pay_giver, st.hurt, st.win_turns,
        st.win_intimate, st.lonely, st.round_pay, st.round_open, st.tally, st.payoff_total,
        st.payoff_since, st.degree, clear_now,
    )  # fmt: skip
    if config.reputation != "none":
        if private:
            n = st.char.size
            ev_r = np.empty(n, dtype=np.int64)
            ev_a = np.empty(n, dtype=np.int64)
            K.choose_events(seed, r, prep.judged, prep.is_open, st.rel, st.degree, ev_r, ev_a)
            new_view = np.empty_like(st.view)
            K.assess_private(
                seed, r, prep.norm, config.observation_rate, config.observation_error,
                config.assessment_error, ev_r, ev_a, st.view, new_view,
            )  # fmt: skip
            st.view = new_view
        else:
            new_rep = np.empty_like(st.rep)
            K.assess_public(
                seed, r, prep.norm, config.observation_error, config.assessment_error,
                prep.judged, prep.is_open, st.rel, st.degree, st.rep, new_rep,
            )  # fmt: skip
            st.rep = new_rep
    st.rounds_done += 1
    if revising:
        attribute(st)
        new_char = np.empty_like(st.char)
        K.revise(
            seed, r, config.revision_rate, config.mutation, config.selection,
            len(config.members), interval, st.char, new_char, st.rel,
            st.degree, st.payoff_since,
        )  # fmt: skip
        K.reset_changed(st.char, new_char, prep.init, st.rel)
        st.char = new_char
        st.payoff_since[:] = 0.0
    # relationships that end this round end after the revision: people compare themselves with
    # whoever they met this round, even when they part
    if not clear_now:
        K.clear_endings(st.rel, st.degree, st.tally)


@dataclass(frozen=True)
class SocietyResult:
    """A society run: its parameters, seed, time series and final state.

    Attributes
    ----------
    history : list of dict
        One record per ``record_every`` rounds (keys in :func:`measures.record`).
    final : dict
        The last record plus per-character summaries and whole-run totals.
    state : SocietyState
        The arrays after the last round.
    """

    config: SocietyConfig
    seed: int
    history: list[dict[str, Any]]
    final: dict[str, Any]
    state: SocietyState = field(repr=False)
    version: str = field(default_factory=version)

    def series(self, key: str) -> np.ndarray:
        """One measure of the history as an array (None as NaN)."""
        return np.array([np.nan if h[key] is None else h[key] for h in self.history], dtype=float)

    def to_dict(self) -> dict[str, Any]:
        """The record the CLI prints as JSON (keys are a contract: keep them)."""
        return {
            "config": self.config.describe(),
            "seed": self.seed,
            "version": self.version,
            "history": self.history,
            "final": self.final,
        }


def run_society(
    config: SocietyConfig,
    *,
    seed: int | None = None,
    progress: Progress | None = None,
) -> SocietyResult:
    """Run a society for ``config.rounds`` rounds.

    Parameters
    ----------
    config : SocietyConfig
        The society (validated on construction).
    seed : int, optional
        ``None`` draws fresh entropy, recorded in the result.
    progress : callable, optional
        ``progress(done, total)`` after each round.

    Examples
    --------
    >>> cfg = SocietyConfig("reciprocator:0.5,exploiter:0.5", n_agents=40, rounds=20, capacity=2)
    >>> r = run_society(cfg, seed=1)
    >>> len(r.history), sorted(r.final["frequencies"])
    (20, ['exploiter', 'reciprocator'])
    """
    s = resolve_seed(seed)
    prep = prepare(config)
    st = new_state(config, s, prep)
    every = config.record_interval
    history: list[dict[str, Any]] = []
    last = measures.Mark.of(st)
    for _ in range(config.rounds):
        step(st, config, prep)
        if st.rounds_done % every == 0 or st.rounds_done == config.rounds:
            history.append(measures.record(st, config, last))
            last = measures.Mark.of(st)
        if progress is not None:
            progress(st.rounds_done, config.rounds)
    attribute(st)
    final = measures.final(st, config, history)
    return SocietyResult(config, s, history, final, st)


def decision(char: np.ndarray, watch: int, success_share: float) -> int:
    """The collective-action stopping rule: +1 once the watched character holds at least
    ``success_share`` of the agents, −1 once it is gone, 0 while undecided.

    Examples
    --------
    >>> decision(np.array([0, 0, 0, 1]), 0, 0.75), decision(np.array([1, 1]), 0, 0.95)
    (1, -1)
    """
    share = float(np.count_nonzero(char == watch)) / char.size
    if share >= success_share:
        return 1
    return -1 if share == 0.0 else 0


@dataclass(frozen=True)
class DecidedRun:
    """A society run until its collective-action question was decided (or ``config.rounds``).

    Attributes
    ----------
    outcome : int
        +1 the watched character reached the success share, −1 it died out, 0 undecided when the
        rounds ran out.
    rounds : int
        Rounds played.
    shares : numpy.ndarray
        Final share of each character.
    open_rate : float or None
        Share of turns opened in the last round.
    payoff_early : numpy.ndarray
        Payoff per agent and round of each character over the first revision interval (the
        first 10 rounds without revision), before anyone changed; NaN where nobody had it.
    payoff : numpy.ndarray
        Payoff per agent-round of each character over the whole run (NaN where nobody had it).
    """

    outcome: int
    rounds: int
    shares: np.ndarray
    open_rate: float | None
    payoff_early: np.ndarray
    payoff: np.ndarray


def run_until_decided(
    config: SocietyConfig, *, seed: int, watch: int, success_share: float
) -> DecidedRun:
    """Run ``config`` until character ``watch`` holds ``success_share`` of the agents or is
    gone (checked by :func:`decision` after every revision and after the last round), at most
    ``config.rounds`` rounds. Records no history.

    Examples
    --------
    >>> cfg = SocietyConfig("reciprocator:0.5,guarded:0.5", n_agents=40, rounds=20, capacity=2,
    ...                     revision_interval=0)
    >>> r = run_until_decided(cfg, seed=1, watch=0, success_share=0.95)
    >>> r.outcome, r.rounds, r.shares.tolist()
    (0, 20, [0.5, 0.5])
    """
    prep = prepare(config)
    st = new_state(config, seed, prep)
    n_types = len(config.members)
    interval = config.revision_interval
    first = min(interval if interval > 0 else 10, config.rounds)
    early = np.full(n_types, np.nan)
    outcome = 0
    while st.rounds_done < config.rounds:
        before = st.char
        step(st, config, prep)
        if st.rounds_done == first:
            counts = np.bincount(before, minlength=n_types)
            pay = np.bincount(before, weights=st.payoff_total, minlength=n_types)
            with np.errstate(invalid="ignore", divide="ignore"):
                early = np.where(counts > 0, pay / np.maximum(counts, 1) / first, np.nan)
        if interval > 0 and st.rounds_done % interval == 0:
            outcome = decision(st.char, watch, success_share)
            if outcome != 0:
                break
    else:
        outcome = decision(st.char, watch, success_share)
    attribute(st)
    per = np.where(st.char_rounds > 0, st.char_payoff / np.maximum(st.char_rounds, 1), np.nan)
    opened = st.round_open[st.round_open >= 0]
    return DecidedRun(
        outcome, st.rounds_done, np.bincount(st.char, minlength=n_types) / st.char.size,
        float(opened.mean()) if opened.size else None, early, per,
    )  # fmt: skip
