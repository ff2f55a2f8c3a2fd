"""The parameters of a society, validated once at the boundary (a frozen dataclass).

Every number is checked where it enters, with a one-line message that says what is allowed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

from trustlab.domain.errors import InvalidParameter, SpecError, TrustlabError, UnknownName
from trustlab.domain.games import Game, vulnerability_exchange
from trustlab.domain.limits import check_society
from trustlab.domain.play import check_probability
from trustlab.domain.society.agents import Member, get_member
from trustlab.domain.society.reputation import get_norm

__all__ = [
    "NETWORKS",
    "PARTNER_CHOICES",
    "SocietyConfig",
    "parse_population",
]

PARTNER_CHOICES = ("none", "random", "friends", "reputation", "trusted")
NETWORKS = ("random", "ring")
_SHARE_TOL = 1e-6


def parse_population(text: str) -> tuple[tuple[str, float], ...]:
    """``"reciprocator:0.05,guarded:0.9,exploiter:0.05"`` → ((name, share), ...).

    Family specs keep their commas (``memory-one:1,0,1,0:0.5``): entries are read as the
    shortest run of comma-separated pieces that ends in ``name:share`` with a name the society
    knows. Unknown names are checked later (against the game, with the closest names); shares
    must be numbers in [0, 1].

    Examples
    --------
    >>> parse_population("reciprocator:0.1, guarded:0.9")
    (('reciprocator', 0.1), ('guarded', 0.9))
    >>> parse_population("memory-one:1,0,1,0:0.5,guarded:0.5")
    (('memory-one:1,0,1,0', 0.5), ('guarded', 0.5))
    """
    out: list[tuple[str, float]] = []
    acc = ""
    for piece in text.split(","):
        piece = piece.strip()
        if not piece and not acc:
            continue
        acc = f"{acc},{piece}" if acc else piece
        name, sep, share = acc.rpartition(":")
        if not sep or not name.strip() or _number(share) is None or not _is_member(name):
            continue
        out.append((name.strip(), float(share)))
        acc = ""
    if acc:  # an unknown name (say which, with the closest) or a malformed entry
        name, sep, share = acc.rpartition(":")
        if sep and name.strip() and "," not in name and _number(share) is not None:
            from trustlab.domain.society.agents import get_member

            get_member(name.strip())
        return _simple_population(text)
    if not out:
        raise SpecError("population is empty; give name:share pairs, e.g. reciprocator:1")
    return tuple(out)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _is_member(name: str) -> bool:
    from trustlab.domain.society.agents import get_member

    try:
        get_member(name.strip())
    except TrustlabError:
        return False
    return True


def _simple_population(text: str) -> tuple[tuple[str, float], ...]:
    """Entries split at every comma, for the error messages of what the grammar could not read."""
    out: list[tuple[str, float]] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        name, sep, share = part.rpartition(":")
        if not sep or not name.strip():
            raise SpecError(
                f"population entries are name:share, got {part!r} "
                "(e.g. reciprocator:0.05,guarded:0.9,exploiter:0.05)"
            )
        value = _number(share)
        if value is None:
            raise SpecError(f"population: the share of {name.strip()!r} is not a number")
        out.append((name.strip(), value))
    if not out:
        raise SpecError("population is empty; give name:share pairs, e.g. reciprocator:1")
    return tuple(out)


def _positive_int(value: Any, what: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidParameter(f"{what} must be an integer ≥ {minimum}, got {value!r}")
    return int(value)


def _choice(value: str, what: str, allowed: tuple[str, ...]) -> str:
    key = str(value).strip().lower().replace("_", "-")
    if key not in allowed:
        raise UnknownName(what, str(value), allowed)
    return key


@dataclass(frozen=True)
class SocietyConfig:
    """Everything that defines a society run except the seed.

    Parameters
    ----------
    population : tuple of (str, float) or str
        Characters and their shares (summing to 1), or the CLI's ``"name:share,..."`` string.
        Names are catalogue characters or the society's own characters (discriminators,
        trust-learners).
    n_agents, rounds, capacity : int
        Agents; rounds simulated; relationships per agent (capacity < agents).
    game : Game, optional
        Default: the vulnerability exchange (3, 1, 3, 2). Two-action characters play it lifted.
    partner_choice : {"none", "random", "friends", "reputation", "trusted"}
        How agents with free capacity find partners after the initial network: not at all, among
        strangers at random, through introductions by friends (strangers only with ``openness``),
        among a few strangers the first one of good reputation, or through introductions by the
        friend they trust most (strangers only with ``openness``).
    openness : float
        Probability that an agent with free capacity approaches a stranger in a round.
    n_candidates : int
        Strangers considered when choosing by reputation.
    network : {"random", "ring"}
        The initial acquaintances: random proposals until (nearly) full, or a ring lattice.
    cluster : str, optional
        A character placed as one contiguous block (needs the ring network).
    leave_threshold : float
        An agent leaves a partner whose trust (mean of its Beta estimate) falls below this;
        0 never leaves. Must be below the prior trust, or new partners would be left at once.
    churn : float
        Probability per round that a relationship ends by chance (people move away).
    trust_prior : (float, float)
        Beta prior (alpha0, beta0) of trust in a stranger.
    betrayal_weight : float
        What one observed exploitation adds to beta (one observed support adds 1 to alpha).
    disappointment_weight : float
        What one observed withholding (an open turn left unanswered) adds to beta; 0 = none.
    trust_learning : bool
        When false the trust counts stay at the prior: nobody learns (so nobody leaves, and
        trust-learners open at the prior's rate) — the control for what learning changes.
    forgetting : float
        Per round, trust counts relax towards the prior by this factor (1 = never forget).
    memory : int
        Rounds over which loneliness is measured.
    reputation : str
        ``none`` or a norm (image-scoring, simple-standing, stern-judging, shunning, l1..l8).
    private : bool
        Private reputations (each agent its own views; at most 4000 agents) or public ones.
    observation_rate, observation_error, assessment_error : float
        Private observers see a given agent's judged turn with ``observation_rate``; an action is
        misperceived with ``observation_error``; a judgement is flipped with ``assessment_error``.
    revision_interval : int
        Every so many rounds characters may change (0 = never).
    revision_rate, mutation, selection : float
        Share of agents revising at a revision; probability a reviser mutates to a random
        character; selection intensity of the Fermi imitation rule.
    noise, misread : float
        Execution and perception noise, as in matches.
    record_every : int, optional
        Rounds between history records (default: about 100 records).

    Examples
    --------
    >>> from trustlab import SocietyConfig, run_society
    >>> cfg = SocietyConfig("reciprocator:0.5,guarded:0.5", n_agents=100, rounds=20)
    >>> cfg.names, cfg.with_(rounds=40).rounds
    (['reciprocator', 'guarded'], 40)
    """

    population: tuple[tuple[str, float], ...] | str
    n_agents: int = 1000
    rounds: int = 200
    capacity: int = 4
    game: Game | None = None
    partner_choice: str = "random"
    openness: float = 0.5
    n_candidates: int = 3
    network: str = "random"
    cluster: str | None = None
    leave_threshold: float = 0.3
    churn: float = 0.0
    trust_prior: tuple[float, float] = (1.0, 1.0)
    betrayal_weight: float = 3.0
    forgetting: float = 0.98
    memory: int = 10
    reputation: str = "none"
    private: bool = False
    observation_rate: float = 1.0
    observation_error: float = 0.0
    assessment_error: float = 0.0
    revision_interval: int = 10
    revision_rate: float = 0.5
    mutation: float = 0.0
    selection: float = 1.0
    noise: float = 0.0
    misread: float = 0.0
    record_every: int | None = None
    disappointment_weight: float = 1.0
    trust_learning: bool = True
    members: tuple[Member, ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        pop = self.population
        if isinstance(pop, str):
            pop = parse_population(pop)
        pop = tuple((str(n), float(s)) for n, s in pop)
        set_ = object.__setattr__
        set_(self, "population", pop)
        game = self.game if self.game is not None else vulnerability_exchange()
        set_(self, "game", game)
        names = [name for name, _ in pop]
        shares = [share for _, share in pop]
        for name, share in pop:
            if not math.isfinite(share) or share < 0 or share > 1:
                raise InvalidParameter(
                    f"population: the share of {name!r} must be in [0, 1], got {share}"
                )
        total = sum(shares)
        if abs(total - 1.0) > _SHARE_TOL:
            raise InvalidParameter(
                f"population shares must sum to 1, got {total:g} ({', '.join(names)})"
            )
        members = tuple(get_member(n, game.n_actions).for_game(game) for n in names)
        canon = [m.name for m in members]
        if len(set(canon)) != len(canon):
            dup = next(c for c in canon if canon.count(c) > 1)
            raise InvalidParameter(f"population names {dup!r} twice")
        set_(self, "members", members)
        n = _positive_int(self.n_agents, "agents", 2)
        _positive_int(self.rounds, "rounds")
        cap = _positive_int(self.capacity, "capacity")
        if cap >= n:
            raise InvalidParameter(f"capacity must be below the number of agents ({n}), got {cap}")
        if cap > 64:
            raise InvalidParameter(f"capacity must be at most 64, got {cap}")
        check_society(n, cap, int(self.rounds))
        set_(self, "partner_choice", _choice(self.partner_choice, "partner choice",
                                             PARTNER_CHOICES))  # fmt: skip
        set_(self, "network", _choice(self.network, "network", NETWORKS))
        set_(self, "reputation", get_norm(self.reputation))
        probabilities = (
            "openness", "churn", "observation_rate", "observation_error", "assessment_error",
            "revision_rate", "mutation", "noise", "misread",
        )  # fmt: skip
        for key in probabilities:
            set_(self, key, check_probability(getattr(self, key), key.replace("_", " ")))
        _positive_int(self.n_candidates, "candidates")
        _positive_int(self.memory, "memory")
        _positive_int(self.revision_interval, "revision interval", 0)
        if self.record_every is not None:
            _positive_int(self.record_every, "record every")
        a0, b0 = (float(x) for x in self.trust_prior)
        if not (math.isfinite(a0) and math.isfinite(b0) and a0 > 0 and b0 > 0):
            raise InvalidParameter(
                f"trust prior must be two positive numbers, got {self.trust_prior}"
            )
        set_(self, "trust_prior", (a0, b0))
        prior = a0 / (a0 + b0)
        thr = check_probability(self.leave_threshold, "leave threshold")
        if thr >= prior:
            raise InvalidParameter(
                f"leave threshold must be in [0, {prior:g}) — below a stranger's trust "
                f"{prior:g}, or new partners would be left at once — got {thr:g}"
            )
        set_(self, "leave_threshold", thr)
        w = float(self.betrayal_weight)
        if not math.isfinite(w) or w <= 0:
            raise InvalidParameter(f"betrayal weight must be a positive number, got {w}")
        set_(self, "betrayal_weight", w)
        dw = float(self.disappointment_weight)
        if not math.isfinite(dw) or dw < 0:
            raise InvalidParameter(f"disappointment weight must be a number ≥ 0, got {dw}")
        set_(self, "disappointment_weight", dw)
        set_(self, "trust_learning", bool(self.trust_learning))
        f = float(self.forgetting)
        if not math.isfinite(f) or not 0.0 < f <= 1.0:
            raise InvalidParameter(f"forgetting must be in (0, 1], got {f}")
        set_(self, "forgetting", f)
        sel = float(self.selection)
        if not math.isfinite(sel) or sel < 0:
            raise InvalidParameter(f"selection intensity must be ≥ 0, got {sel}")
        set_(self, "selection", sel)
        discriminators = [m.name for m in members if m.discriminating]
        if self.reputation == "none" and discriminators:
            raise InvalidParameter(
                f"{discriminators[0]} judges partners by reputation: give --reputation "
                "(image-scoring, simple-standing, stern-judging, shunning, l1..l8)"
            )
        if self.partner_choice == "reputation" and self.reputation == "none":
            raise InvalidParameter("partner choice 'reputation' needs a --reputation norm")
        if self.private and self.reputation == "none":
            raise InvalidParameter("private reputation needs a --reputation norm")
        if self.private and n > 4000:
            raise InvalidParameter(
                f"private reputation keeps every agent's view of every other (n² memory): at "
                f"most 4000 agents, got {n}"
            )
        if self.cluster is not None:
            if self.network != "ring":
                raise InvalidParameter(
                    "a clustered character needs the ring network (--network ring)"
                )
            key = get_member(self.cluster, game.n_actions).name
            if key not in canon:
                raise InvalidParameter(
                    f"cluster {self.cluster!r} is not in the population ({', '.join(canon)})"
                )
            set_(self, "cluster", key)

    @property
    def names(self) -> list[str]:
        """The characters' canonical names, in population order."""
        return [m.name for m in self.members]

    @property
    def shares(self) -> list[float]:
        """The population shares, in order."""
        pop = self.population
        assert not isinstance(pop, str)
        return [share for _, share in pop]

    @property
    def record_interval(self) -> int:
        """Rounds between history records."""
        if self.record_every is not None:
            return self.record_every
        return max(1, self.rounds // 100)

    def with_(self, **changes: Any) -> SocietyConfig:
        """A copy with some parameters changed (validated again)."""
        return replace(self, **changes)

    def describe(self) -> dict[str, Any]:
        """The parameters as plain data, for records."""
        assert self.game is not None
        return {
            "population": {n: s for n, s in zip(self.names, self.shares, strict=True)},
            "agents": self.n_agents,
            "rounds": self.rounds,
            "capacity": self.capacity,
            "game": self.game.describe(),
            "partner_choice": self.partner_choice,
            "openness": self.openness,
            "network": self.network,
            "cluster": self.cluster,
            "leave_threshold": self.leave_threshold,
            "churn": self.churn,
            "trust_prior": list(self.trust_prior),
            "betrayal_weight": self.betrayal_weight,
            "disappointment_weight": self.disappointment_weight,
            "trust_learning": self.trust_learning,
            "forgetting": self.forgetting,
            "memory": self.memory,
            "reputation": self.reputation,
            "private": self.private,
            "observation_rate": self.observation_rate,
            "observation_error": self.observation_error,
            "assessment_error": self.assessment_error,
            "revision_interval": self.revision_interval,
            "revision_rate": self.revision_rate,
            "mutation": self.mutation,
            "selection": self.selection,
            "noise": self.noise,
            "misread": self.misread,
        }
