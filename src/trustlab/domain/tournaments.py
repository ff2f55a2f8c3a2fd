"""Round-robin tournaments: every pair of characters plays, and the characters are ranked.

Each unordered pair {i, j} (i ≤ j, self-play included by default) is one match, keyed for the
random numbers by its triangular index j(j + 1)/2 + i, so adding characters at the end of the list
leaves every earlier match unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from trustlab.domain.characters.catalogue import get_character
from trustlab.domain.characters.character import Character
from trustlab.domain.conditions import Conditions, resolve_conditions
from trustlab.domain.errors import InvalidParameter
from trustlab.domain.games import Game
from trustlab.domain.play import (
    Length,
    check_units,
    describe_request,
    draw_turns,
    game_for,
    pack,
    resolve_seed,
)
from trustlab.domain.provenance import Progress, version
from trustlab.kernel.match import play_pairs

__all__ = ["Repetitions", "TournamentResult", "pair_key", "play_tournament"]


def pair_key(i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """The match index of the unordered pair (i ≤ j): j(j + 1)/2 + i."""
    return np.asarray(j * (j + 1) // 2 + i)


@dataclass(frozen=True)
class Repetitions:
    """Per-repetition detail of a tournament, kept only on request (``keep_repetitions=True``).

    Attributes
    ----------
    totals : ndarray (n_pairs, repetitions, 2)
        Total payoff of i and of j in each repetition.
    turns : ndarray (n_pairs, repetitions)
        Turns of each repetition.
    cooperations : ndarray (n_pairs, repetitions, 2)
        Turns in which i and j executed the cooperative action.
    """

    totals: np.ndarray = field(repr=False)
    turns: np.ndarray = field(repr=False)
    cooperations: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class TournamentResult:
    """Outcome of a round robin.

    Everything the ranking, the payoff matrix and the standard errors need is summed per pair
    while the matches are played, so a result's size does not grow with the repetitions; the
    per-repetition arrays (``totals``, ``turns``, ``cooperations``) exist only when the tournament
    was played with ``keep_repetitions=True``.

    Attributes
    ----------
    names : list of str
        The characters, in the order given.
    pairs : ndarray (n_pairs, 2)
        The (i, j) index pairs that played, i ≤ j.
    pair_joint : ndarray (n_pairs, k, k)
        Executed joint-action counts summed over the repetitions (row: i's action).
    pair_turns : ndarray (n_pairs,)
        Turns summed over the repetitions.
    pair_scores : ndarray (n_pairs, 2)
        Total payoff of i and of j, summed over the repetitions.
    pair_squares : ndarray (n_pairs, 2)
        The repetitions' total payoffs squared and summed (for standard errors).
    pair_wins : ndarray (n_pairs, 2)
        Repetitions i and j won outright (a greater total than the other's).
    detail : Repetitions or None
        Per-repetition arrays, when kept.
    conditions : Conditions
        What every match was played under (its game resolved); ``game``, ``length``, ``noise``,
        ``misread`` and ``repetitions`` read from it.

    Examples
    --------
    >>> from trustlab import Conditions, play_tournament
    >>> t = play_tournament(["tit-for-tat", "always-defect"], conditions=Conditions(turns=10),
    ...                     seed=0)
    >>> t.wins.tolist(), t.conditions.turns
    ([0, 1], 10)
    """

    names: list[str]
    conditions: Conditions
    self_play: bool
    seed: int
    pairs: np.ndarray = field(repr=False)
    pair_joint: np.ndarray = field(repr=False)
    pair_turns: np.ndarray = field(repr=False)
    pair_scores: np.ndarray = field(repr=False)
    pair_squares: np.ndarray = field(repr=False)
    pair_wins: np.ndarray = field(repr=False)
    detail: Repetitions | None = field(default=None, repr=False)
    version: str = field(default_factory=version)

    @property
    def game(self) -> Game:
        """The game played."""
        assert self.conditions.game is not None
        return self.conditions.game

    @property
    def length(self) -> Length:
        """The match length (turns or continuation)."""
        return self.conditions.match_length()

    @property
    def noise(self) -> float:
        """Execution noise."""
        return self.conditions.noise

    @property
    def misread(self) -> float:
        """Perception noise."""
        return self.conditions.misread

    @property
    def repetitions(self) -> int:
        """Repetitions of each match."""
        return self.conditions.repetitions

    def _kept(self) -> Repetitions:
        if self.detail is None:
            raise InvalidParameter(
                "per-repetition results were not kept; play the tournament with "
                "keep_repetitions=True"
            )
        return self.detail

    @property
    def totals(self) -> np.ndarray:
        """(n_pairs, repetitions, 2) total payoff of i and of j in each repetition (kept only)."""
        return self._kept().totals

    @property
    def turns(self) -> np.ndarray:
        """(n_pairs, repetitions) turns of each repetition (kept only)."""
        return self._kept().turns

    @property
    def cooperations(self) -> np.ndarray:
        """(n_pairs, repetitions, 2) turns i and j executed the cooperative action (kept only)."""
        return self._kept().cooperations

    @property
    def pair_cooperations(self) -> np.ndarray:
        """(n_pairs, 2) turns i and j executed the cooperative action, over all repetitions."""
        c = self.game.cooperative_action
        return np.stack(
            [self.pair_joint[:, c, :].sum(axis=1), self.pair_joint[:, :, c].sum(axis=1)], axis=1
        )

    @property
    def pair_standard_errors(self) -> np.ndarray:
        """(n_pairs, 2) standard error of the mean total payoff per match of i and of j
        (sample standard deviation over the repetitions / √repetitions; nan for one)."""
        r = self.repetitions
        if r < 2:
            return np.full(self.pair_scores.shape, np.nan)
        mean = self.pair_scores / r
        var = np.maximum(self.pair_squares - r * mean * mean, 0.0) / (r - 1)
        return np.asarray(np.sqrt(var / r))

    def _per_player(self, per_pair: np.ndarray) -> np.ndarray:
        """Sum a per-seat quantity (n_pairs, 2) onto players (both seats of self-play)."""
        out = np.zeros(len(self.names))
        np.add.at(out, self.pairs[:, 0], per_pair[:, 0])
        np.add.at(out, self.pairs[:, 1], per_pair[:, 1])
        return out

    @cached_property
    def _player_totals(self) -> np.ndarray:
        return self._per_player(self.pair_scores)

    @cached_property
    def _player_cooperations(self) -> np.ndarray:
        return self._per_player(self.pair_cooperations.astype(np.float64))

    @cached_property
    def _player_turns(self) -> np.ndarray:
        per_pair = self.pair_turns.astype(np.float64)
        return self._per_player(np.stack([per_pair, per_pair], axis=1))

    @property
    def turns_played(self) -> np.ndarray:
        """Turns each character played (both seats of its self-play count)."""
        return self._player_turns.copy()

    @property
    def score_per_turn(self) -> np.ndarray:
        """Each character's total payoff divided by the turns it played."""
        return np.asarray(self._player_totals / self._player_turns)

    @property
    def cooperation_rate(self) -> np.ndarray:
        """Share of its turns in which each character cooperated."""
        return np.asarray(self._player_cooperations / self._player_turns)

    @property
    def wins(self) -> np.ndarray:
        """Repetitions each character won outright against another character (ties not counted)."""
        n = len(self.names)
        other = self.pairs[:, 0] != self.pairs[:, 1]
        out = np.zeros(n, dtype=np.int64)
        np.add.at(out, self.pairs[:, 0], self.pair_wins[:, 0] * other)
        np.add.at(out, self.pairs[:, 1], self.pair_wins[:, 1] * other)
        return out

    @property
    def payoff_matrix(self) -> np.ndarray:
        """``m[i, j]``: mean payoff per turn of i against j (nan where the pair did not play)."""
        n = len(self.names)
        m = np.full((n, n), np.nan)
        for (i, j), tot, tt in zip(self.pairs, self.pair_scores, self.pair_turns, strict=True):
            if i == j:
                m[i, i] = tot.sum() / (2 * tt)
            else:
                m[i, j] = tot[0] / tt
                m[j, i] = tot[1] / tt
        return m

    def ranking(self) -> list[int]:
        """Indices of the characters, best score per turn first (ties: name order)."""
        spt = self.score_per_turn
        return sorted(range(len(self.names)), key=lambda i: (-spt[i], self.names[i]))

    def to_dict(self) -> dict[str, Any]:
        """The record the CLI prints as JSON (keys are a contract: keep them)."""
        spt, coop, wins = self.score_per_turn, self.cooperation_rate, self.wins
        mean_totals = self.pair_scores / self.repetitions
        return {
            "game": self.game.describe(),
            "turns": self.length.turns,
            "continuation": self.length.continuation,
            "repetitions": self.repetitions,
            "noise": self.noise,
            "misread": self.misread,
            "self_play": self.self_play,
            "seed": self.seed,
            "version": self.version,
            "ranking": [
                {
                    "rank": r + 1,
                    "name": self.names[i],
                    "score_per_turn": float(spt[i]),
                    "cooperation_rate": float(coop[i]),
                    "wins": int(wins[i]),
                }
                for r, i in enumerate(self.ranking())
            ],
            "pairs": [
                {"a": self.names[i], "b": self.names[j], "scores": mean_totals[p].tolist()}
                for p, (i, j) in enumerate(self.pairs.tolist())
            ],
            "payoff_matrix": {
                "names": self.names,
                "values": [
                    [None if np.isnan(x) else float(x) for x in row] for row in self.payoff_matrix
                ],
            },
        }


def play_tournament(
    characters: Sequence[str | Character],
    *,
    conditions: Conditions | None = None,
    game: Game | None = None,
    turns: int | None = None,
    continuation: float | None = None,
    noise: float | None = None,
    misread: float | None = None,
    repetitions: int | None = None,
    self_play: bool = True,
    seed: int | None = None,
    progress: Progress | None = None,
    keep_repetitions: bool = False,
) -> TournamentResult:
    """Play a round robin between ``characters`` and rank them by mean score per turn.

    Parameters are those of :func:`~trustlab.play_match` (``conditions``, or the keywords
    ``game``, ``turns``, ``continuation``, ``noise``, ``misread``, ``repetitions``);
    ``self_play`` includes each character's match against a copy of itself;
    ``progress(done, total)`` is called with turns played so far (with a continuation
    probability ``total`` is the expected number until the last call); ``keep_repetitions`` also
    keeps every repetition's totals, turns and cooperations (memory proportional to the
    repetitions; without it the result is summed per pair as the matches are played, and its
    size does not depend on the repetitions).

    Examples
    --------
    >>> from trustlab import play_tournament
    >>> t = play_tournament(["tit-for-tat", "always-defect", "always-cooperate"], turns=10, seed=0)
    >>> [t.names[i] for i in t.ranking()]
    ['tit-for-tat', 'always-cooperate', 'always-defect']
    >>> t.pair_scores.shape, t.wins.tolist()
    ((6, 2), [0, 2, 0])
    """
    cond = resolve_conditions(
        conditions, game=game, turns=turns, continuation=continuation, noise=noise,
        misread=misread, repetitions=repetitions,
    )  # fmt: skip
    chars = [get_character(c) for c in characters]
    if len(chars) < 2:
        raise InvalidParameter(f"a tournament needs at least 2 characters, got {len(chars)}")
    names = [c.name for c in chars]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise InvalidParameter(f"each character may enter once; repeated: {', '.join(dup)}")
    g = game_for(chars, cond.game)
    cond = cond.with_game(g)
    length = cond.match_length()
    repetitions = cond.repetitions
    n = len(chars)
    n_pairs = n * (n + 1) // 2 if self_play else n * (n - 1) // 2
    check_units(
        n_pairs * repetitions, length, n_actions=g.n_actions, kept=keep_repetitions,
        what=describe_request(length, characters=n, repetitions=repetitions),
    )  # fmt: skip
    s = resolve_seed(seed)
    ii, jj = np.triu_indices(n, 0 if self_play else 1)
    pairs = np.stack([ii, jj], axis=1).astype(np.int64)
    sums, detail = _play_pairs(
        chars, g, pairs, repetitions, length, (cond.noise, cond.misread, np.uint64(s)),
        progress=progress, keep=keep_repetitions,
    )  # fmt: skip
    joint, pair_turns, scores, squares, wins = sums
    return TournamentResult(
        names, cond, self_play, s,
        pairs, joint, pair_turns, scores, squares, wins, detail,
    )  # fmt: skip


#: per pair: joint counts, turns, seat totals summed, squared-and-summed, wins (TournamentResult)
PairSums = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]

#: units per kernel call: bounds a tournament's working memory (≈ 80 bytes a unit) and paces
#: the progress callback; results do not depend on it
BLOCK_UNITS = 1 << 18


def _play_pairs(
    characters: list[Character],
    game: Game,
    pairs: np.ndarray,
    repetitions: int,
    length: Length,
    draws: tuple[float, float, np.uint64],
    *,
    progress: Progress | None = None,
    keep: bool = False,
    block_units: int = BLOCK_UNITS,
) -> tuple[PairSums, Repetitions | None]:
    """Play every (pair, repetition) unit block by block, summing per pair as it goes.

    Returns the per-pair sums ``(joint, turns, scores, squares, wins)`` (see
    :class:`TournamentResult`) and, when ``keep``, the per-repetition detail.
    """
    k = game.n_actions
    n_pairs = len(pairs)
    n_units = n_pairs * repetitions
    machines = pack([c.machine for c in characters], k).bundle
    keys = pair_key(pairs[:, 0], pairs[:, 1])
    acc: PairSums = (
        np.zeros((n_pairs, k, k), dtype=np.int64),
        np.zeros(n_pairs, dtype=np.int64),
        np.zeros((n_pairs, 2)),
        np.zeros((n_pairs, 2)),
        np.zeros((n_pairs, 2), dtype=np.int64),
    )
    rows = n_units if keep else 0
    detail = (np.zeros((rows, 2)), np.zeros(rows, dtype=np.int64), np.zeros((rows, 2), np.int64))
    scoring = (game.payoffs, np.int64(game.cooperative_action))
    expected = round(n_units * length.expected_turns)
    done = 0
    seed = int(draws[2])
    for lo in range(0, n_units, block_units):
        hi = min(n_units, lo + block_units)
        if length.continuation is None:
            assert length.turns is not None
            turns = np.full(hi - lo, length.turns, dtype=np.int64)
        else:
            g = np.arange(lo, hi, dtype=np.int64)
            turns = draw_turns(length, seed, keys[g // repetitions], g % repetitions)
        block = (pairs[:, 0], pairs[:, 1], keys, np.int64(repetitions), np.int64(lo),
                 np.int64(hi), turns)  # fmt: skip
        play_pairs(machines, block, draws, scoring, acc, detail)
        done += int(turns.sum())
        if progress is not None:
            progress(done, done if hi == n_units else max(expected, done))
    kept = None
    if keep:
        totals, unit_turns, coops = detail
        kept = Repetitions(
            totals.reshape(n_pairs, repetitions, 2),
            unit_turns.reshape(n_pairs, repetitions),
            coops.reshape(n_pairs, repetitions, 2),
        )
    return acc, kept
