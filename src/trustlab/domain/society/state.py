"""The state of a society between rounds: every array the kernels update in place.

Its own module so that the measures (which read it) and the simulation (which advances it) do not
import each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from trustlab.kernel import society as K
from trustlab.kernel.memory import aligned_zeros

__all__ = ["SocietyState"]


@dataclass
class SocietyState:
    """Every array of a society between rounds (mutable; the kernels update it in place).

    Relationship slots live in ``rel`` (int32 fields ``PARTNER``, ``PSLOT``, ``STATE``, ``AGE``,
    ``INTENT``, ``ACT``, ``OBS``, ``PACT``, ``PENDING``, ``ENDING`` of
    :mod:`trustlab.kernel.society`) and its float32 view ``relf`` (``ALPHA``, ``BETA``, ``PAY``).
    """

    seed: int
    char: np.ndarray  # (n,) character index per agent
    rel: np.ndarray  # (n, K, N_REL) int32 relationship slots (float32 view: relf)
    degree: np.ndarray  # (n,) relationships
    hurt: np.ndarray  # (n,) 1 if exploited and not yet consoled
    rep: np.ndarray  # (n,) public reputation (1 good)
    view: np.ndarray  # (n, n) private views, or (0, 0)
    win_turns: np.ndarray  # (n, memory) turns per round, ring buffer
    win_intimate: np.ndarray  # (n, memory) open-and-supported turns per round
    lonely: np.ndarray  # (n,) loneliness over the window
    tally: np.ndarray  # (n, N_TALLY) cumulative counts
    payoff_total: np.ndarray  # (n,) payoff since the start
    payoff_since: np.ndarray  # (n,) payoff since the last revision
    round_pay: np.ndarray  # (n,) payoff in the last round
    round_open: np.ndarray  # (n,) share of turns opened in the last round (−1: no turn)
    char_tally: np.ndarray  # (types, N_TALLY) counts attributed to the character that made them
    char_payoff: np.ndarray  # (types,) payoff attributed likewise
    char_rounds: np.ndarray  # (types,) agent-rounds lived as each character
    mark: np.ndarray  # (n, N_TALLY + 3) tally, payoff, rounds, giver payoff at last attribution
    pay_giver: np.ndarray  # (n,) payoff earned in turns with unconditional-giver partners
    char_pay_giver: np.ndarray  # (types,) attributed likewise
    rounds_done: int = 0

    @property
    def relf(self) -> np.ndarray:
        """(n, K, N_REL) float32 view of ``rel``: trust counts and last payoff."""
        return self.rel.view(np.float32)

    @property
    def partner(self) -> np.ndarray:
        """(n, K) partner per slot, −1 when empty."""
        return self.rel[:, :, K.PARTNER]

    @property
    def age(self) -> np.ndarray:
        """(n, K) rounds each relationship has lasted."""
        return self.rel[:, :, K.AGE]

    @property
    def trust(self) -> np.ndarray:
        """(n, K) mean trust alpha / (alpha + beta) per slot (meaningless in empty slots)."""
        a = self.relf[:, :, K.ALPHA].astype(np.float64)
        b = self.relf[:, :, K.BETA].astype(np.float64)
        return np.asarray(a / (a + b))

    def copy(self) -> SocietyState:
        """A deep copy (for comparisons)."""
        kw: dict[str, Any] = {
            k: (v.copy() if isinstance(v, np.ndarray) else v)
            for k, v in vars(self).items()
            if k != "rel"
        }
        # the slots stay on cache lines (a plain copy would start 16 bytes into one)
        kw["rel"] = aligned_zeros(self.rel.shape, self.rel.dtype)
        kw["rel"][...] = self.rel
        return SocietyState(**kw)
