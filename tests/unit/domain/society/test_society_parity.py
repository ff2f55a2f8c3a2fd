"""The compiled society round against the plain-Python reference, array by array; and the same
seed giving the same numbers for one and two threads."""

from __future__ import annotations

from typing import Any

import numba
import numpy as np
import pytest

from trustlab import SocietyConfig, prisoners_dilemma, run_society
from trustlab.domain.society import simulation as S
from trustlab.domain.society.reference import reference_step

CASES: list[dict[str, Any]] = [
    dict(population="reciprocator:0.4,guarded:0.3,exploiter:0.2,forgiver:0.1", noise=0.1,
         misread=0.05, churn=0.05, revision_interval=2, revision_rate=0.5, mutation=0.2),
    dict(population="discriminator:0.5,exploiter:0.2,reciprocator:0.3",
         reputation="stern-judging", partner_choice="reputation", noise=0.05,
         assessment_error=0.1, observation_error=0.1),
    dict(population="discriminating-reciprocator:0.5,exploiter:0.2,con-artist:0.3",
         reputation="l1", private=True, partner_choice="friends", noise=0.05,
         assessment_error=0.1, observation_rate=0.5, churn=0.1, revision_interval=3),
    dict(population="tit-for-tat:0.5,always-defect:0.3,generous-tit-for-tat:0.2",
         game=prisoners_dilemma(), network="ring", partner_choice="none", noise=0.1,
         leave_threshold=0.2),
    dict(population="unconditional-giver:0.5,exploiter:0.5", reputation="image-scoring",
         partner_choice="random", openness=1.0, churn=0.3, revision_interval=1),
]  # fmt: skip


def _assert_same(a: S.SocietyState, b: S.SocietyState, where: str) -> None:
    for name, v in vars(a).items():
        w = getattr(b, name)
        if isinstance(v, np.ndarray):
            if v.dtype.kind == "f":
                np.testing.assert_allclose(v, w, rtol=1e-12, atol=1e-12, err_msg=f"{where}: {name}")
            else:
                np.testing.assert_array_equal(v, w, err_msg=f"{where}: {name}")
        else:
            assert v == w, f"{where}: {name}"


@pytest.mark.parametrize("case", range(len(CASES)))
def test_kernel_round_matches_reference(case: int) -> None:
    cfg = SocietyConfig(n_agents=24, capacity=3, rounds=8, **CASES[case])
    prep = S.prepare(cfg)
    fast = S.new_state(cfg, 5 + case, prep)
    slow = fast.copy()
    for r in range(8):
        S.step(fast, cfg, prep)
        reference_step(slow, cfg, prep)
        _assert_same(fast, slow, f"case {case}, round {r}")
    # the case did something: turns were played and (for most) relationships ended
    assert fast.tally.sum() > 0


def test_same_seed_same_numbers_for_one_and_two_threads() -> None:
    cfg = SocietyConfig(
        "reciprocator:0.4,exploiter:0.3,guarded:0.3", n_agents=300, capacity=4, rounds=30,
        noise=0.05, misread=0.02, churn=0.02, reputation="stern-judging",
        assessment_error=0.05,
    )  # fmt: skip
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = run_society(cfg, seed=9)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two = run_society(cfg, seed=9)
    finally:
        numba.set_num_threads(before)
    assert one.history == two.history
    np.testing.assert_array_equal(one.state.rel, two.state.rel)
    other = run_society(cfg, seed=10)
    assert other.history != one.history


def test_the_round_key_shortcut_is_base_key() -> None:
    from numba import njit

    from trustlab.kernel.rng import base_key, base_key_py
    from trustlab.kernel.society import _agent_key, _round_key

    @njit
    def both(seed: np.uint64, r: int, a: int) -> tuple[np.uint64, np.uint64]:
        return base_key(seed, r, a), _agent_key(_round_key(seed, r), a)

    for seed, r, a in ((0, 0, 0), (5, 17, 12345), (2**63 + 7, 999, 99_999), (2**64 - 1, 3, 1)):
        x, y = both(np.uint64(seed), r, a)
        assert int(x) == int(y) == base_key_py(seed, r, a)
