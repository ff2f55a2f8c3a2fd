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
from trustlab.domain.errors import InvalidParameter
from trustlab.domain.games import Game
from trustlab.domain.matches import Progress, game_for, run_units, version
from trustlab.domain.play import (
    Length,
    check_count,
    check_probability,
    check_units,
    describe_request,
    resolve_seed,
)
from trustlab.kernel.match import seat_sums

__all__ = ["TournamentResult", "pair_key", "play_tournament"]


def pair_key(i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """The match index of the unordered pair (i ≤ j): j(j + 1)/2 + i."""
    return np.asarray(j * (j + 1) // 2 + i)


@dataclass(frozen=True)
class TournamentResult:
    """Outcome of a round robin.

    Attributes
    ----------
    names : list of str
        The characters, in the order given.
    pairs : ndarray (n_pairs, 2)
        The (i, j) index pairs that played, i ≤ j.
    totals : ndarray (n_pairs, repetitions, 2)
        Total payoff of i and of j in each repetition.
    turns : ndarray (n_pairs, repetitions)
        Turns of each repetition.
    cooperations : ndarray (n_pairs, repetitions, 2)
        Turns in which i and j executed the cooperative action.
    """

    names: list[str]
    game: Game
    length: Length
    noise: float
    misread: float
    repetitions: int
    self_play: bool
    seed: int
    pairs: np.ndarray = field(repr=False)
    totals: np.ndarray = field(repr=False)
    turns: np.ndarray = field(repr=False)
    cooperations: np.ndarray = field(repr=False)
    version: str = field(default_factory=version)

    def _per_player(self, values: np.ndarray) -> np.ndarray:
        """Sum a per-seat quantity (n_pairs, reps, 2) onto players (both seats of self-play)."""
        n = len(self.names)
        out = np.zeros(n)
        np.add.at(out, self.pairs[:, 0], values[:, :, 0].sum(axis=1))
        np.add.at(out, self.pairs[:, 1], values[:, :, 1].sum(axis=1))
        return out

    # The per-player sums walk every repetition (millions in a large tournament): compute once.
    @cached_property
    def _player_totals(self) -> np.ndarray:
        return self._per_player(self.totals)

    @cached_property
    def _player_cooperations(self) -> np.ndarray:
        return self._per_player(self.cooperations.astype(np.float64))

    @cached_property
    def _player_turns(self) -> np.ndarray:
        per_pair = self.turns.sum(axis=1).astype(np.float64)
        out = np.zeros(len(self.names))
        np.add.at(out, self.pairs[:, 0], per_pair)
        np.add.at(out, self.pairs[:, 1], per_pair)
        return out

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
        a_wins = (self.totals[:, :, 0] > self.totals[:, :, 1]).sum(axis=1) * other
        b_wins = (self.totals[:, :, 1] > self.totals[:, :, 0]).sum(axis=1) * other
        out = np.zeros(n, dtype=np.int64)
        np.add.at(out, self.pairs[:, 0], a_wins)
        np.add.at(out, self.pairs[:, 1], b_wins)
        return out

    @property
    def payoff_matrix(self) -> np.ndarray:
        """``m[i, j]``: mean payoff per turn of i against j (nan where the pair did not play)."""
        n = len(self.names)
        m = np.full((n, n), np.nan)
        t = self.turns.sum(axis=1)
        for (i, j), tot, tt in zip(self.pairs, self.totals.sum(axis=1), t, strict=True):
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
        mean_totals = self.totals.mean(axis=1)
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
    game: Game | None = None,
    turns: int = 200,
    continuation: float | None = None,
    noise: float = 0.0,
    misread: float = 0.0,
    repetitions: int = 1,
    self_play: bool = True,
    seed: int | None = None,
    progress: Progress | None = None,
) -> TournamentResult:
    """Play a round robin between ``characters`` and rank them by mean score per turn.

    Parameters are those of :func:`~trustlab.domain.matches.play_match`; ``self_play`` includes
    each character's match against a copy of itself; ``progress(done, total)`` is called with
    turns played so far.

    Examples
    --------
    >>> t = play_tournament(["tit-for-tat", "always-defect", "always-cooperate"], turns=10, seed=0)
    >>> [t.names[i] for i in t.ranking()]
    ['tit-for-tat', 'always-cooperate', 'always-defect']
    """
    chars = [get_character(c) for c in characters]
    if len(chars) < 2:
        raise InvalidParameter(f"a tournament needs at least 2 characters, got {len(chars)}")
    names = [c.name for c in chars]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise InvalidParameter(f"each character may enter once; repeated: {', '.join(dup)}")
    g = game_for(chars, game)
    length = Length(turns=turns, continuation=continuation)
    noise = check_probability(noise, "noise")
    misread = check_probability(misread, "misread")
    repetitions = check_count(repetitions, "repetitions")
    n = len(chars)
    n_pairs = n * (n + 1) // 2 if self_play else n * (n - 1) // 2
    check_units(
        n_pairs * repetitions, length, n_actions=g.n_actions,
        what=describe_request(length, characters=n, repetitions=repetitions),
    )  # fmt: skip
    s = resolve_seed(seed)
    ii, jj = np.triu_indices(n, 0 if self_play else 1)
    pairs = np.stack([ii, jj], axis=1).astype(np.int64)
    keys = pair_key(pairs[:, 0], pairs[:, 1])
    unit_a = np.repeat(pairs[:, 0], repetitions)
    unit_b = np.repeat(pairs[:, 1], repetitions)
    unit_match = np.repeat(keys, repetitions)
    unit_rep = np.tile(np.arange(repetitions, dtype=np.int64), len(pairs))
    joint, t, _ = run_units(
        chars, g, unit_a, unit_b, unit_match, unit_rep, length, noise, misread, s, progress=progress
    )
    totals, cooperations = _seat_sums(joint, g)
    shape = (len(pairs), repetitions, 2)
    return TournamentResult(
        names, g, length, noise, misread, repetitions, self_play, s,
        pairs, totals.reshape(shape), t.reshape(len(pairs), repetitions),
        cooperations.reshape(shape),
    )  # fmt: skip


def _seat_sums(joint: np.ndarray, game: Game) -> tuple[np.ndarray, np.ndarray]:
    """Per unit and seat, the total payoff and the turns spent on the cooperative action."""
    n = joint.shape[0]
    totals = np.zeros((n, 2))
    cooperations = np.zeros((n, 2), dtype=np.int64)
    seat_sums(joint, game.payoffs, np.int64(game.cooperative_action), totals, cooperations)
    return totals, cooperations
