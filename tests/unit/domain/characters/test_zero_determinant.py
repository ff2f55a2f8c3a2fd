"""Zero-determinant characters enforce their linear payoff relation against any partner.

Press & Dyson (2012), PNAS 109:10409, doi:10.1073/pnas.1206569109; in Stewart & Plotkin's
(2012) parametrisation a ZD character X with slope s and baseline l makes the long-run payoffs
satisfy ``s_Y − l = s (s_X − l)`` whatever its partner Y does.
"""

from __future__ import annotations

import numpy as np
import pytest

from trustlab import InvalidParameter, play_match
from trustlab.domain.characters.zero_determinant import zero_determinant_vector

TURNS = 2000
REPS = 24

#: name -> (phi, s, l) in the prisoner's dilemma (3, 0, 5, 1)
ZD = {
    "extort-2": (1 / 9, 1 / 2, 1.0),
    "zdgtft-2": (1 / 4, 1 / 2, 3.0),
    "extort-4": (4 / 17, 1 / 4, 1.0),
    "zd-gen-2": (1 / 8, 1 / 2, 3.0),
    "zd-set-2": (1 / 4, 0.0, 2.0),
}


@pytest.mark.parametrize(
    ("phi", "s", "baseline", "vector"),
    [
        (1 / 9, 1 / 2, 1.0, (8 / 9, 1 / 2, 1 / 3, 0.0)),
        (1 / 4, 1 / 2, 3.0, (1.0, 1 / 8, 1.0, 1 / 4)),
        (4 / 17, 1 / 4, 1.0, (11 / 17, 0.0, 8 / 17, 0.0)),
        (1 / 8, 1 / 2, 3.0, (1.0, 9 / 16, 1 / 2, 1 / 8)),
        (1 / 4, 0.0, 2.0, (3 / 4, 1 / 4, 1 / 2, 1 / 4)),
    ],
)
def test_vectors_of_the_published_characters(
    phi: float, s: float, baseline: float, vector: tuple[float, ...]
) -> None:
    np.testing.assert_allclose(zero_determinant_vector(phi, s, baseline), vector, atol=1e-12)


@pytest.mark.parametrize("name", list(ZD))
@pytest.mark.parametrize(
    "partner",
    ["random", "tit-for-tat", "alternator", "win-stay-lose-shift", "memory-one:0.9,0.2,0.7,0.4"],
)
def test_the_linear_relation_holds_against_any_partner(name: str, partner: str) -> None:
    _, s, baseline = ZD[name]
    r = play_match(name, partner, turns=TURNS, repetitions=REPS, seed=9)
    per_turn = r.totals / r.turns[:, None]
    gap = (per_turn[:, 1] - baseline) - s * (per_turn[:, 0] - baseline)  # 0 in the long run
    se = gap.std(ddof=1) / np.sqrt(REPS)
    # the first turns (before the chain forgets its start) bias a finite match by O(1/TURNS)
    assert abs(gap.mean()) <= 4 * se + 20 / TURNS


def test_an_equaliser_sets_its_partners_payoff() -> None:
    for partner in ("always-cooperate", "random", "suspicious-tit-for-tat"):
        r = play_match("zd-set-2", partner, turns=TURNS, repetitions=REPS, seed=1)
        per_turn = r.totals[:, 1] / r.turns
        assert abs(per_turn.mean() - 2.0) <= 4 * per_turn.std(ddof=1) / np.sqrt(REPS) + 20 / TURNS


def test_impossible_parameters_are_refused() -> None:
    with pytest.raises(InvalidParameter, match="outside"):
        zero_determinant_vector(1.0, 0.5, 1.0)
    with pytest.raises(InvalidParameter, match=r"\[P, R\]"):
        zero_determinant_vector(0.1, 0.5, 0.5)
