"""The compiled society round against the plain-Python reference, array by array; and the same
seed giving the same numbers for one and two threads."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from numba_threads import at_threads
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
    dict(population="trust-learner:0.4,guarded:0.2,exploiter:0.2,unconditional-giver:0.2",
         partner_choice="trusted", churn=0.2, noise=0.05, misread=0.05,
         disappointment_weight=0.5, reputation="simple-standing", observation_error=0.1,
         revision_interval=2),
    dict(population="trust-learner:0.6:0.8:0.5,one-sided:0.2,reciprocator:0.3",
         partner_choice="trusted", forgetting=0.9, churn=0.1, leave_threshold=0.2,
         reputation="stern-judging", private=True, observation_error=0.2),
    dict(population="trust-learner:0.7,con-artist:0.3", trust_learning=False, churn=0.1,
         partner_choice="friends"),
    dict(population="reciprocator:0.3,guarded:0.4,exploiter:0.2,forgiver:0.1", noise=0.1,
         partner_choice="random", openness=0.8, leave_threshold=0.4, revision_interval=2,
         mutation=0.1),
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


def _society_run(seed: int) -> tuple[object, np.ndarray]:
    cfg = SocietyConfig(
        "reciprocator:0.4,exploiter:0.3,guarded:0.3", n_agents=300, capacity=4, rounds=30,
        noise=0.05, misread=0.02, churn=0.02, reputation="stern-judging",
        assessment_error=0.05,
    )  # fmt: skip
    r = run_society(cfg, seed=seed)
    return r.history, r.state.rel


def test_same_seed_same_numbers_for_one_and_two_threads() -> None:
    # two threads for real, even on a one-core runner (a subprocess: tests/numba_threads.py)
    one_history, one_rel = at_threads(1, _society_run, 9)
    two_history, two_rel = at_threads(2, _society_run, 9)
    assert one_history == two_history
    np.testing.assert_array_equal(one_rel, two_rel)
    other_history, _ = _society_run(10)
    assert other_history != one_history


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


def test_both_compiled_copies_of_the_round_are_compared() -> None:
    # play_round compiles its loop twice: a plain copy (no discriminators, trust-learners,
    # misreadings or chance endings) and the general one; the cases above cover both
    from trustlab.kernel.society import plain_round

    def plain(case: dict[str, Any]) -> bool:
        cfg = SocietyConfig(n_agents=24, capacity=3, rounds=8, **case)
        prep = S.prepare(cfg)
        return bool(plain_round(prep.when_bad, prep.learn_scale, cfg.misread, cfg.churn))

    kinds = [plain(c) for c in CASES]
    assert kinds == [False, False, False, True, False, False, False, False, True]
    assert S.prepare(SocietyConfig(n_agents=24, capacity=3, **CASES[3])).plain
    assert not S.prepare(SocietyConfig(n_agents=24, capacity=3, **CASES[0])).plain
    # each thing that needs the general copy needs it on its own
    base = dict(population="reciprocator:0.5,guarded:0.5")
    assert plain(base)
    assert not plain({**base, "misread": 0.01})
    assert not plain({**base, "churn": 0.01})
    assert not plain({"population": "reciprocator:0.5,discriminator:0.5", "reputation": "l1"})
    assert not plain({"population": "reciprocator:0.5,trust-learner:0.5"})


def test_the_learner_cases_exercise_both_decisions() -> None:
    # the trust-learner cases above open and stay guarded, and the certain ones open fully
    cfg = SocietyConfig(n_agents=24, capacity=3, rounds=8, **CASES[5])
    prep = S.prepare(cfg)
    st = S.new_state(cfg, 10, prep)
    acts = []
    for _ in range(8):
        S.step(st, cfg, prep)
        learner = (st.char[:, None] == 0) & (st.partner >= 0)
        acts.extend(st.rel[:, :, 4][learner].tolist())  # INTENT
    assert {0, 3} <= set(acts)  # open + support and guarded + support


def test_the_plain_copy_refuses_a_society_that_needs_the_general_one() -> None:
    # leaving out general=True for a society with chance endings would silently drop them
    from trustlab.kernel.society import play_round

    cfg = SocietyConfig(n_agents=24, capacity=3, rounds=2, **CASES[0])
    prep = S.prepare(cfg)
    st = S.new_state(cfg, 1, prep)
    a0, b0 = cfg.trust_prior
    args = (
        np.uint64(1), 0, prep.cum, prep.det, prep.trans, prep.when_bad, st.char, st.rel, st.relf,
        st.rep, st.view, False, cfg.noise, cfg.misread, prep.payoffs, prep.is_open,
        prep.is_support, prep.answer_of, prep.learn_scale, prep.learn_cert, cfg.trust_learning,
        a0, b0, cfg.forgetting, cfg.betrayal_weight, cfg.disappointment_weight,
        cfg.leave_threshold, cfg.churn,
    )  # fmt: skip
    before = st.rel.copy()
    with pytest.raises(ValueError, match="general=True"):
        play_round(*args)
    np.testing.assert_array_equal(st.rel, before)  # refused before anything was played
    play_round(*args, True)
    assert not np.array_equal(st.rel, before)
