"""Who lives in a society: its characters, how many of each, and where they are placed.

Agents are arrays, not objects: agent ``i`` has character ``char[i]``, an index into the society's
list of :class:`Member` s. A member is a catalogue character plus, for *discriminators*, what it
does to a partner of bad reputation. Discriminators exist only here (they need reputations, which
only the society has): they are the society's own characters, found before the catalogue.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from trustlab.domain.actions import (
    EXPLOITS,
    GUARDED_WITHHOLD,
    N_EXCHANGE_ACTIONS,
    OPENS,
    SUPPORTS,
    C,
    D,
)
from trustlab.domain.characters.archetypes import reciprocator
from trustlab.domain.characters.catalogue import character_names, get_character
from trustlab.domain.characters.character import Character
from trustlab.domain.characters.classics import always, random_character, tit_for_tat
from trustlab.domain.errors import GameError, InvalidParameter, SpecError, UnknownName
from trustlab.domain.games import Game
from trustlab.domain.play import PackedMachines, pack
from trustlab.kernel.rng import base_key_np, mix64_np

__all__ = [
    "SOCIETY_CHARACTERS",
    "Member",
    "action_kinds",
    "allocate",
    "answer_kinds",
    "get_member",
    "giver_mask",
    "judged_acts",
    "learner_arrays",
    "pack_members",
    "place",
]

NOWAK_SIGMUND_1998 = "Nowak & Sigmund (1998), Nature 393:573. doi:10.1038/31225"
DEFAULT_CERTAINTY = 0.9


@dataclass(frozen=True)
class Member:
    """A character as the society plays it.

    Parameters
    ----------
    character : Character
        What it does, as a state machine (lifted to the vulnerability exchange when needed).
    discriminating : bool
        When true, with a partner it sees as of bad reputation it withholds instead: it plays D
        in two-action games, guarded + withhold in the vulnerability exchange (it neither opens
        to the bad nor answers their openness, and never exploits them).
    learner : bool
        A trust-learner: its openness towards each partner follows its own trust in that
        partner (the kernel decides, not the machine; vulnerability exchange only).
    openness : float, optional
        A learner's probability of opening to a stranger (trust at the prior); it opens with
        probability min(1, openness · m / m0), m its mean trust, m0 the prior's. None: with
        probability m.
    certainty : float
        A learner opens surely once P(partner supports more often than not) ≥ certainty.
    """

    character: Character
    discriminating: bool = False
    learner: bool = False
    openness: float | None = None
    certainty: float = DEFAULT_CERTAINTY

    @property
    def name(self) -> str:
        """The character's name."""
        return self.character.name

    def for_game(self, game: Game) -> Member:
        """This member checked against ``game`` (raises if it cannot play it)."""
        self.character.machine.for_game(game.n_actions)
        if self.discriminating:
            withhold_action(game)
        if self.learner and game.n_actions != N_EXCHANGE_ACTIONS:
            raise GameError(
                f"{self.name} opens or stays guarded while always supporting: it needs the "
                f"vulnerability exchange, not a {game.n_actions}-action game"
            )
        return self


def withhold_action(game: Game) -> int:
    """What a discriminator does to a partner of bad reputation in ``game``."""
    if game.n_actions == 2:
        return D
    if game.n_actions == N_EXCHANGE_ACTIONS:
        return GUARDED_WITHHOLD
    raise GameError(
        f"discriminators need a two-action game or the vulnerability exchange, "
        f"not a {game.n_actions}-action game"
    )


def _discriminator(slip: float = 0.0) -> Member:
    if not 0.0 <= slip <= 1.0:
        raise InvalidParameter(f"a discriminator's slip must be in [0, 1], got {slip:g}")
    name = "discriminator" if slip == 0.0 else f"discriminator:{slip:g}"
    rule = (
        "Cooperates (opens and supports) with partners of good reputation and withholds (stays "
        "guarded and leaves their openness unanswered; D in two-action games) from partners of "
        "bad reputation"
    )
    if slip:
        rule += f"; fails to cooperate with probability {slip:g}"
    machine = always(C) if slip == 0.0 else random_character(1.0 - slip)
    ch = Character(name, rule + ".", machine, (), 0, frozenset({"society", "discriminator"}),
                   NOWAK_SIGMUND_1998)  # fmt: skip
    return Member(ch, True)


def _discriminating_reciprocator(n_actions: int) -> Member:
    machine = reciprocator() if n_actions == N_EXCHANGE_ACTIONS else tit_for_tat()
    ch = Character(
        "discriminating-reciprocator",
        "A reciprocator (tit-for-tat in two-action games) that never opens to a partner of bad "
        "reputation: with them it stays guarded and withholds.",
        machine,
        (),
        1,
        frozenset({"society", "discriminator", "trustworthy"}),
        NOWAK_SIGMUND_1998,
    )
    return Member(ch, True)


def _trust_learner(openness: float | None, certainty: float) -> Member:
    if openness is not None and not 0.0 <= openness <= 1.0:
        raise InvalidParameter(f"a trust-learner's openness must be in [0, 1], got {openness:g}")
    if not 0.0 < certainty <= 1.0:
        raise InvalidParameter(f"a trust-learner's certainty must be in (0, 1], got {certainty:g}")
    if openness is None:
        name = "trust-learner" if certainty == DEFAULT_CERTAINTY else f"trust-learner:{certainty:g}"
        stranger = "with probability equal to its mean trust alpha / (alpha + beta)"
    else:
        name = f"trust-learner:{openness:g}:{certainty:g}"
        stranger = (
            f"with probability min(1, {openness:g} · m / m0), m its mean trust, m0 a stranger's"
        )
    rule = (
        f"Opens to each partner {stranger}, and surely once it is {certainty:g} certain that "
        "the partner supports it more often than not (Beta posterior of its trust counts); "
        "always supports a partner who opens."
    )
    ch = Character(name, rule, always(C), (), math.inf, frozenset({"society", "trust-learner",
                   "trustworthy"}), "DESIGN.md §1: keep an open mind; when certain, trust "
                   "wholeheartedly")  # fmt: skip
    return Member(ch, learner=True, openness=openness, certainty=certainty)


def _learner_spec(text: str, args: str) -> Member:
    parts = [a for a in args.replace(",", ":").split(":") if a.strip()]
    try:
        values = [float(a) for a in parts]
    except ValueError:
        values = []
    if not 1 <= len(values) <= 2:
        raise SpecError(
            "trust-learner takes trust-learner:certainty or trust-learner:openness:certainty "
            f"(numbers in [0, 1]), got {text!r}"
        )
    if len(values) == 1:
        return _trust_learner(None, values[0])
    return _trust_learner(values[0], values[1])


#: the society's own characters: name -> one-line rule
SOCIETY_CHARACTERS = {
    "discriminator": "Cooperates with the good, withholds from the bad (slip e: discriminator:e).",
    "discriminating-reciprocator": "A reciprocator that never opens to a partner of bad repute.",
    "trust-learner": "Opens as much as it trusts each partner, fully when certain "
    "(trust-learner:certainty, trust-learner:openness:certainty); always supports.",
}


def get_member(spec: str | Character | Member, n_actions: int = 4) -> Member:
    """A society member from a name: the society's own characters first, then the catalogue.

    Examples
    --------
    >>> get_member("discriminator:0.1").name, get_member("copycat").name
    ('discriminator:0.1', 'tit-for-tat')
    >>> get_member("trust-learner:0.5:0.95").name
    'trust-learner:0.5:0.95'
    """
    if isinstance(spec, Member):
        return spec
    if isinstance(spec, Character):
        return Member(spec)
    text = spec.strip()
    head, sep, args = text.partition(":")
    key = head.lower().replace("_", "-")
    if key == "discriminator":
        if not sep:
            return _discriminator()
        try:
            slip = float(args)
        except ValueError:
            raise SpecError(
                f"discriminator takes discriminator:e with a slip e, got {text!r}"
            ) from None
        return _discriminator(slip)
    if key == "discriminating-reciprocator" and not sep:
        return _discriminating_reciprocator(n_actions)
    if key == "trust-learner":
        return _learner_spec(text, args) if sep else _trust_learner(None, DEFAULT_CERTAINTY)
    try:
        return Member(get_character(text))
    except UnknownName:
        raise UnknownName("character", text, [*character_names(), *SOCIETY_CHARACTERS]) from None


def allocate(shares: Sequence[float], n_agents: int) -> np.ndarray:
    """How many agents of each character: shares times ``n_agents``, rounded by largest
    remainder so the counts sum to ``n_agents``.

    Examples
    --------
    >>> allocate([0.05, 0.9, 0.05], 10).tolist()
    [1, 9, 0]
    """
    exact = np.asarray(shares, dtype=np.float64) * n_agents
    counts = np.floor(exact).astype(np.int64)
    rest = n_agents - int(counts.sum())
    if rest > 0:
        order = np.argsort(-(exact - counts), kind="stable")
        counts[order[:rest]] += 1
    return counts


def place(counts: np.ndarray, seed: int, cluster: int | None = None) -> np.ndarray:
    """Characters of agents 0..n−1: shuffled at random by hashes of (seed, agent); if ``cluster``
    is a character index, that character occupies one contiguous block of agents (neighbours on
    the ring network) starting at agent 0, the others shuffled around it."""
    char = np.repeat(np.arange(counts.size, dtype=np.int64), counts)
    n = char.size
    order = np.argsort(mix64_np(base_key_np(seed, np.full(n, 7), np.arange(n))), kind="stable")
    char = char[order]
    if cluster is not None:
        block = char[char == cluster]
        others = char[char != cluster]
        char = np.concatenate([block, others])
    return char


def pack_members(members: Sequence[Member], game: Game) -> tuple[PackedMachines, np.ndarray]:
    """The kernel's arrays for ``members`` in ``game``: padded machines and, per member, the
    action it plays to a partner of bad reputation (−1 for non-discriminators)."""
    packed = pack([m.character.machine for m in members], game.n_actions)
    when_bad = np.array(
        [withhold_action(game) if m.discriminating else -1 for m in members], dtype=np.int64
    )
    return packed, when_bad


def action_kinds(game: Game) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per action of ``game``: whether it opens, whether it supports, whether it is the
    cooperative action. In the vulnerability exchange these are its two halves; in any other
    game action 0 (C) opens, supports and cooperates and every other action does none of them
    (the lift of :mod:`trustlab.domain.actions`)."""
    k = game.n_actions
    a = np.arange(k)
    if k == N_EXCHANGE_ACTIONS:
        return OPENS.copy(), SUPPORTS.copy(), a == 0
    return a == 0, a == 0, a == 0


def answer_kinds(game: Game) -> np.ndarray:
    """Per action of ``game``, how it answers a partner's openness: 0 support, 1 withhold,
    2 exploit. In two-action (and other non-exchange) games C supports and every other action
    is the lift's guarded + exploit.

    Examples
    --------
    >>> from trustlab.domain.games import vulnerability_exchange, prisoners_dilemma
    >>> answer_kinds(vulnerability_exchange()).tolist(), answer_kinds(prisoners_dilemma()).tolist()
    ([0, 1, 2, 0, 1, 2], [0, 2])
    """
    k = game.n_actions
    if k == N_EXCHANGE_ACTIONS:
        return np.where(SUPPORTS, 0, np.where(EXPLOITS, 2, 1)).astype(np.int8)
    out = np.full(k, 2, dtype=np.int8)
    out[0] = 0
    return out


def judged_acts(game: Game) -> np.ndarray:
    """Per action of ``game``, the act a reputation norm judges: 0 cooperate, 1 withhold,
    2 exploit (counted as exploitation only when the recipient opened that turn, see
    :func:`trustlab.domain.society.reputation.judged_table`). In the vulnerability exchange
    only open + support cooperates and the exploiting actions exploit; every other action
    withholds. Two-action games keep the classic C/D meaning: C cooperates, D is the classic
    "defect" (act 1), never judged as exploitation.

    Examples
    --------
    >>> from trustlab.domain.games import vulnerability_exchange, donation
    >>> judged_acts(vulnerability_exchange()).tolist(), judged_acts(donation()).tolist()
    ([0, 1, 2, 1, 1, 2], [0, 1])
    """
    k = game.n_actions
    if k == N_EXCHANGE_ACTIONS:
        out = np.where(EXPLOITS, 2, 1).astype(np.int8)
        out[0] = 0
        return out
    out = np.ones(k, dtype=np.int8)
    out[0] = 0
    return out


def learner_arrays(
    members: Sequence[Member], prior: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray]:
    """The kernel's per-member trust-learner parameters: the scale s of the opening probability
    min(1, s · m) (−1 for members that are not learners) and the certainty."""
    m0 = prior[0] / (prior[0] + prior[1])
    scale = np.array(
        [(-1.0 if not m.learner else 1.0 if m.openness is None else m.openness / m0)
         for m in members], dtype=np.float64,
    )  # fmt: skip
    cert = np.array([m.certainty if m.learner else 2.0 for m in members], dtype=np.float64)
    return scale, cert


def giver_mask(members: Sequence[Member], game: Game) -> np.ndarray:
    """Per member, whether it is an unconditional giver: it opens and supports (C in
    two-action games) in every state, whatever its partner does or is reputed to be.

    Examples
    --------
    >>> from trustlab.domain.games import vulnerability_exchange
    >>> ms = [get_member(n) for n in ("unconditional-giver", "always-cooperate", "reciprocator",
    ...                               "discriminator")]
    >>> giver_mask(ms, vulnerability_exchange()).tolist()
    [True, True, False, False]
    """
    out = []
    for m in members:
        policy = m.character.machine.for_game(game.n_actions).policy
        out.append(bool(not m.discriminating and not m.learner and np.all(policy[:, 0] == 1.0)))
    return np.array(out, dtype=np.bool_)
