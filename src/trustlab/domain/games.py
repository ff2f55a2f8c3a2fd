"""Symmetric matrix games: the classic 2×2 dilemmas and the essay's vulnerability exchange.

A game is a k×k matrix of the row player's payoffs (k ≥ 2); the column player's payoffs are its
transpose. Action and payoff orders are those of :mod:`trustlab.domain.actions`.

References
----------
Rapoport & Chammah (1965), *Prisoner's Dilemma*. University of Michigan Press.
Nowak (2006), *Evolutionary Dynamics*, ch. 4. Harvard University Press. doi:10.2307/j.ctvjghw98
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from trustlab.domain.actions import ACTION_NAMES_2, ACTION_NAMES_EXCHANGE, N_EXCHANGE_ACTIONS
from trustlab.domain.errors import GameError, SpecError, UnknownName

__all__ = [
    "GAME_PRESETS",
    "Game",
    "donation",
    "harmony",
    "matrix_game",
    "parse_game",
    "prisoners_dilemma",
    "snowdrift",
    "stag_hunt",
    "vulnerability_exchange",
]


@dataclass(frozen=True, eq=False)
class Game:
    """A symmetric k-action game given by the row player's payoff matrix.

    Parameters
    ----------
    name : str
        Preset name or ``"custom"``.
    payoffs : ndarray of shape (k, k)
        ``payoffs[i, j]`` is what a player choosing ``i`` gets against ``j``.
    action_names : tuple of str
        One name per action, in the canonical order.
    parameters : dict
        The numbers the game was built from (for records and display).

    Examples
    --------
    >>> g = prisoners_dilemma()
    >>> g.payoffs.tolist()
    [[3.0, 0.0], [5.0, 1.0]]
    >>> g.n_actions
    2
    """

    name: str
    payoffs: np.ndarray
    action_names: tuple[str, ...]
    parameters: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        m = np.array(self.payoffs, dtype=np.float64)
        if m.ndim != 2 or m.shape[0] != m.shape[1]:
            raise GameError(f"a payoff matrix must be square, got shape {m.shape}")
        if m.shape[0] < 2:
            raise GameError("a game needs at least 2 actions")
        if not np.all(np.isfinite(m)):
            raise GameError("payoffs must be finite numbers")
        if len(self.action_names) != m.shape[0]:
            raise GameError(f"{m.shape[0]} actions need {m.shape[0]} names")
        m.setflags(write=False)
        object.__setattr__(self, "payoffs", m)

    @property
    def n_actions(self) -> int:
        """Number of actions k."""
        return int(self.payoffs.shape[0])

    @property
    def cooperative_action(self) -> int:
        """The action counted as cooperation: C, or open + support (both index 0)."""
        return 0

    def describe(self) -> str:
        """A one-line description with the parameters."""
        params = ", ".join(f"{k}={v:g}" for k, v in self.parameters.items())
        return f"{self.name}({params})" if params else self.name

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Game)
            and self.name == other.name
            and np.array_equal(self.payoffs, other.payoffs)
        )

    def __hash__(self) -> int:
        return hash((self.name, self.payoffs.tobytes()))


def _rstp(name: str, R: float, S: float, T: float, P: float) -> Game:
    return Game(
        name,
        np.array([[R, S], [T, P]], dtype=np.float64),
        ACTION_NAMES_2,
        {"R": R, "S": S, "T": T, "P": P},
    )


def _require(ok: bool, game: str, rule: str, values: str) -> None:
    if not ok:
        raise GameError(f"a {game} needs {rule} (got {values})")


def matrix_game(payoffs: Sequence[Sequence[float]] | np.ndarray, name: str = "custom") -> Game:
    """A game from any square matrix, accepted as given (no inequalities checked).

    A 2×2 input may also be given flat as ``(R, S, T, P)``.

    Examples
    --------
    >>> matrix_game([3, 0, 5, 1]).payoffs.tolist()
    [[3.0, 0.0], [5.0, 1.0]]
    """
    m = np.asarray(payoffs, dtype=np.float64)
    if m.ndim == 1:
        if m.size != 4:
            raise GameError(f"flat payoffs must be R,S,T,P (4 numbers), got {m.size}")
        return _rstp(name, *(float(x) for x in m))
    if m.ndim != 2 or m.shape[0] != m.shape[1]:
        raise GameError(f"a payoff matrix must be square, got shape {m.shape}")
    names = ACTION_NAMES_2 if m.shape[0] == 2 else tuple(f"a{i}" for i in range(m.shape[0]))
    return Game(name, m, names)


def prisoners_dilemma(R: float = 3, S: float = 0, T: float = 5, P: float = 1) -> Game:
    """The prisoner's dilemma: T > R > P > S and 2R > T + S (mutual cooperation beats taking turns).

    References
    ----------
    Axelrod & Hamilton (1981), "The evolution of cooperation", Science 211:1390.
    doi:10.1126/science.7466396

    Examples
    --------
    >>> from trustlab import prisoners_dilemma
    >>> prisoners_dilemma().payoffs.tolist()  # row: my action (C, D); column: the partner's
    [[3.0, 0.0], [5.0, 1.0]]
    """
    vals = f"R={R:g}, S={S:g}, T={T:g}, P={P:g}"
    _require(T > R > P > S, "prisoner's dilemma", "T > R > P > S", vals)
    _require(2 * R > T + S, "prisoner's dilemma", "2R > T + S", vals)
    return _rstp("prisoners-dilemma", R, S, T, P)


def stag_hunt(R: float = 4, S: float = 0, T: float = 3, P: float = 1) -> Game:
    """The stag hunt, a coordination game: R > T ≥ P > S.

    Examples
    --------
    >>> from trustlab import stag_hunt
    >>> stag_hunt().payoffs.tolist()
    [[4.0, 0.0], [3.0, 1.0]]"""
    vals = f"R={R:g}, S={S:g}, T={T:g}, P={P:g}"
    _require(R > T >= P > S, "stag hunt", "R > T ≥ P > S", vals)
    return _rstp("stag-hunt", R, S, T, P)


def snowdrift(b: float = 4, c: float = 2) -> Game:
    """The snowdrift (hawk–dove) game with benefit b and cost c shared when both work: b > c > 0.

    R = b − c/2, S = b − c, T = b, P = 0, so that T > R > S > P.

    Examples
    --------
    >>> from trustlab import snowdrift
    >>> snowdrift(b=4, c=2).payoffs.tolist()
    [[3.0, 2.0], [4.0, 0.0]]
    """
    _require(b > c > 0, "snowdrift game", "b > c > 0", f"b={b:g}, c={c:g}")
    g = _rstp("snowdrift", b - c / 2, b - c, b, 0.0)
    return Game("snowdrift", g.payoffs, ACTION_NAMES_2, {"b": b, "c": c})


def harmony(R: float = 4, S: float = 2, T: float = 3, P: float = 1) -> Game:
    """The harmony game, where cooperation dominates: R > T and S > P.

    Examples
    --------
    >>> from trustlab import harmony
    >>> harmony().payoffs.tolist()
    [[4.0, 2.0], [3.0, 1.0]]"""
    vals = f"R={R:g}, S={S:g}, T={T:g}, P={P:g}"
    _require(R > T, "harmony game", "R > T", vals)
    _require(S > P, "harmony game", "S > P", vals)
    return _rstp("harmony", R, S, T, P)


def donation(b: float = 3, c: float = 1) -> Game:
    """The donation game: cooperating pays c to give b to the partner, b > c > 0.

    R = b − c, S = −c, T = b, P = 0.

    References
    ----------
    Sigmund (2010), *The Calculus of Selfishness*, ch. 1. Princeton University Press.

    Examples
    --------
    >>> from trustlab import donation
    >>> donation(b=3, c=1).payoffs.tolist()
    [[2.0, -1.0], [3.0, 0.0]]
    """
    _require(b > c > 0, "donation game", "b > c > 0", f"b={b:g}, c={c:g}")
    g = _rstp("donation", b - c, -c, b, 0.0)
    return Game("donation", g.payoffs, ACTION_NAMES_2, {"b": b, "c": c})


def vulnerability_exchange(
    b: float = 3, c: float = 1, t: float = 3, h: float = 2, e: float = 0.5
) -> Game:
    """The essay's game: open up or stay guarded; answer openness with support, withholding or
    exploitation.

    Opening exposes me: it costs ``e`` whatever happens, and only a supportive answer repays it.
    If my partner opened, my support costs me ``c`` and gives them ``b``; my exploitation gains
    me ``t`` and costs them ``h``; withholding (the unreceptive answer, or honest
    disappointment) neither gives nor takes. If nobody opens, nothing happens. So my payoff is
    ``[I open]·(−e + b·[partner supports] − h·[partner exploits]) +
    [partner open]·(−c·[I support] + t·[I exploit])``.

    Two reductions matter (see docs/society.md):

    - open+support (C) against guarded+exploit (D) is a prisoner's dilemma with
      R = b − c − e, S = −e − h, T = t, P = 0, which the parameters must keep:
      R > 0, T > R, S < 0 and 2R > T + S;
    - open+support against guarded+withhold (the unreceptive) is a stag hunt with
      R = b − c − e, S = −e, T = P = 0: among the unreceptive a lone opener loses ``e`` a turn,
      among openers it gains R. Its interior rest point x* = e / (b − c) is the share of openers
      above which opening pays — the collective-action threshold of a well-mixed population.

    Guarded+support is kindness at a safe distance: it helps whoever opens, never risks anything
    itself, and so never shares intimacy.

    Parameters
    ----------
    b, c, t, h : float
        Benefit and cost of support, gain and harm of exploitation.
    e : float
        Exposure: what opening costs the opener (≥ 0; > 0 makes openness a collective risk).

    Raises
    ------
    GameError
        When the parameters break an inequality above (the message names it).

    Examples
    --------
    >>> g = vulnerability_exchange()
    >>> g.payoffs[[0, 0, 5, 5], [0, 5, 0, 5]].tolist()  # R, S, T, P of the reduced dilemma
    [1.5, -2.5, 3.0, 0.0]
    >>> g.payoffs[[0, 0, 4, 4], [0, 4, 0, 4]].tolist()  # the stag hunt against the unreceptive
    [1.5, -0.5, 0.0, 0.0]
    """
    vals = f"b={b:g}, c={c:g}, t={t:g}, h={h:g}, e={e:g}"
    name = "vulnerability exchange"
    _require(c >= 0, name, "c ≥ 0 (support costs the supporter)", vals)
    _require(e >= 0, name, "e ≥ 0 (opening costs the opener)", vals)
    _require(h > 0, name, "h > 0 (being exploited hurts)", vals)
    _require(b - c - e > 0, name, "b > c + e (mutual openness pays: R = b − c − e > P = 0)", vals)
    _require(t > b - c - e, name, "t > b − c − e (exploiting tempts: T > R)", vals)
    _require(2 * (b - c - e) > t - e - h, name, "2(b − c − e) > t − e − h (2R > T + S)", vals)
    k = N_EXCHANGE_ACTIONS
    m = np.zeros((k, k))
    for i in range(k):
        for j in range(k):
            i_open, i_answer = i < 3, i % 3
            j_open, j_answer = j < 3, j % 3
            if j_open:
                m[i, j] += (-c, 0.0, t)[i_answer]
            if i_open:
                m[i, j] += -e + (b, 0.0, -h)[j_answer]
    params = {"b": b, "c": c, "t": t, "h": h, "e": e}
    return Game("vulnerability-exchange", m, ACTION_NAMES_EXCHANGE, params)


#: name -> (builder, parameter names)
GAME_PRESETS: dict[str, tuple[Callable[..., Game], tuple[str, ...]]] = {
    "prisoners-dilemma": (prisoners_dilemma, ("R", "S", "T", "P")),
    "stag-hunt": (stag_hunt, ("R", "S", "T", "P")),
    "snowdrift": (snowdrift, ("b", "c")),
    "harmony": (harmony, ("R", "S", "T", "P")),
    "donation": (donation, ("b", "c")),
    "vulnerability-exchange": (vulnerability_exchange, ("b", "c", "t", "h", "e")),
}
_GAME_ALIASES = {
    "pd": "prisoners-dilemma",
    "prisoners_dilemma": "prisoners-dilemma",
    "hawk-dove": "snowdrift",
    "chicken": "snowdrift",
    "ve": "vulnerability-exchange",
    "vulnerability": "vulnerability-exchange",
}


def parse_numbers(text: str, what: str) -> list[float]:
    """Comma- or colon-separated finite numbers, or a :class:`SpecError` naming ``what``."""
    parts = [p for p in text.replace(":", ",").split(",")]
    out: list[float] = []
    for p in parts:
        try:
            x = float(p)
        except ValueError:
            raise SpecError(f"{what}: {p.strip()!r} is not a number") from None
        if not math.isfinite(x):
            raise SpecError(f"{what}: {p.strip()!r} is not a finite number")
        out.append(x)
    return out


def parse_game(spec: str) -> Game:
    """A game from a name with optional parameters: ``donation:4,1``, ``stag-hunt``.

    Parameters follow the name after a colon, separated by commas (or colons), in the order of
    the preset's signature. Fewer parameters than the preset takes keep the later defaults.

    Raises
    ------
    UnknownName
        For a name that is not a preset (the message names the closest ones).
    SpecError, GameError
        For malformed numbers or parameters that break the preset's defining inequalities.

    Examples
    --------
    >>> parse_game("donation:4,1").payoffs.tolist()
    [[3.0, -1.0], [4.0, 0.0]]
    """
    name, _, rest = spec.strip().partition(":")
    key = _GAME_ALIASES.get(name.lower(), name.lower())
    if key not in GAME_PRESETS:
        raise UnknownName("game", name, list(GAME_PRESETS) + list(_GAME_ALIASES))
    builder, params = GAME_PRESETS[key]
    if not rest:
        return builder()
    values = parse_numbers(rest, f"game {key!r}")
    if len(values) > len(params):
        raise SpecError(
            f"game {key!r} takes at most {len(params)} parameters ({', '.join(params)}), "
            f"got {len(values)}"
        )
    return builder(**dict(zip(params, values, strict=False)))
