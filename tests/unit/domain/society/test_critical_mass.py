"""The collective action experiment measured honestly: a no-change control never succeeds,
runs go on until decided (doubling the rounds keeps the answer inside its interval), seeds are
independent, the interval is a valid bootstrap over runs, and separated data raise no warning.

Small sizes here; the full-size checks (the well-mixed critical share against the replicator
dynamics' rest point e / (b − c)) are ``@pytest.mark.slow`` at the end."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from trustlab.domain.errors import InvalidParameter
from trustlab.domain.games import vulnerability_exchange
from trustlab.domain.society import SocietyConfig, critical_mass
from trustlab.domain.society.critical_mass import (
    estimate_critical_share,
    fit_logistic,
    run_seed,
)
from trustlab.domain.society.simulation import decision, run_until_decided

# the critical-mass default society, small: relationships that end by chance (churn 0.1)
SMALL = dict(n_agents=100, capacity=4, churn=0.1)


def well_mixed(n: int, rounds: int, e: float = 0.5, interval: int = 20) -> SocietyConfig:
    """Every relationship lasts one round (churn 1), partners drawn at random each round
    (openness 1), nobody leaves: the society's well-mixed limit."""
    return SocietyConfig(
        "guarded:1", n_agents=n, rounds=rounds, capacity=4, churn=1.0, openness=1.0,
        leave_threshold=0.0, revision_interval=interval, game=vulnerability_exchange(e=e),
    )  # fmt: skip


def test_no_change_control_never_succeeds_below_the_threshold() -> None:
    # with revision off nobody changes: below the success share no run is ever decided, so no
    # critical share is reported (the old rule, "half the agents", was met by the share 0.6)
    base = SocietyConfig("guarded:1", rounds=60, revision_interval=0, **SMALL)
    r = critical_mass(base, shares=[0.3, 0.6, 0.9], runs=3, seed=4)
    assert r.critical_share is None and r.method == "undecided"
    assert [c["successes"] for c in r.curve] == [0, 0, 0]
    assert [c["undecided"] for c in r.curve] == [3, 3, 3]
    assert [c["final_share"] for c in r.curve] == pytest.approx([0.3, 0.6, 0.9])
    # the same society with revision on decides and finds a critical share inside the grid
    on = critical_mass(base.with_(revision_interval=10, rounds=1500), shares=[0.01, 0.3, 0.6],
                       runs=6, refine=False, seed=4)  # fmt: skip
    assert on.critical_share is not None and 0.01 < on.critical_share < 0.6
    assert [c["success_rate"] for c in on.curve] == [0.0, 1.0, 1.0]


def test_a_few_openers_lose_and_enough_of_them_win() -> None:
    # bistable: one reciprocator among 99 guarded dies out in nearly every run (it pays the
    # exposure to each new partner; drift alone rescues it now and then), 30 % take over
    base = SocietyConfig("guarded:1", rounds=1500, **SMALL)
    r = critical_mass(base, shares=[0.01, 0.3], runs=6, refine=False, seed=5)
    low, high = r.curve
    assert low["failures"] >= 5 and low["initiator_payoff_early"] < 0  # exposure to the guarded
    assert high["successes"] == 6 and high["final_share"] >= 0.95
    assert low["guarded_payoff"] == 0.0  # the guarded never open, never give


def test_doubling_the_rounds_keeps_the_answer_inside_its_interval() -> None:
    # at 300 rounds 18 of 72 runs are still undecided and are left out, not counted as
    # failures; at 600 only 3: the answer must stay inside each other's interval
    base = SocietyConfig("guarded:1", rounds=300, **SMALL)
    kw = dict(shares=[0.02, 0.04, 0.06, 0.08, 0.12, 0.16], runs=12, refine=False, seed=7)
    short = critical_mass(base, **kw)
    long = critical_mass(base.with_(rounds=600), **kw)
    for a, b in ((short, long), (long, short)):
        lo, hi = a.interval
        assert a.critical_share is not None and lo is not None and hi is not None
        assert b.critical_share is not None and lo <= b.critical_share <= hi
    assert long.undecided < short.undecided


def test_runs_stop_when_decided() -> None:
    cfg = well_mixed(60, 3000).with_(population=(("reciprocator", 0.6), ("guarded", 0.4)))
    r = run_until_decided(cfg, seed=1, watch=0, success_share=0.95)
    assert r.outcome == 1 and r.rounds < 3000 and r.rounds % 20 == 0
    assert r.shares[0] >= 0.95
    cfg = cfg.with_(population=(("reciprocator", 0.05), ("guarded", 0.95)))
    r = run_until_decided(cfg, seed=1, watch=0, success_share=0.95)
    assert r.outcome == -1 and r.shares[0] == 0.0
    # openers among the guarded pay the exposure e = 0.5 in each of at most 4 relationships
    assert -4 * 0.5 <= r.payoff_early[0] < 0 and r.payoff_early[1] == 0.0
    assert decision(np.array([0, 1, 1, 1]), 0, 0.95) == 0


def test_every_run_has_its_own_seed() -> None:
    seeds = {run_seed(3, k, r) for k in range(1, 40) for r in range(30)}
    assert len(seeds) == 39 * 30
    # a share's runs do not depend on which other shares were measured
    base = SocietyConfig("guarded:1", rounds=200, **SMALL)
    a = critical_mass(base, shares=[0.2], runs=3, refine=False, seed=9)
    b = critical_mass(base, shares=[0.1, 0.2], runs=3, refine=False, seed=9)
    assert a.curve[0] == b.curve[1]
    assert a.curve[0]["final_share"] != b.curve[0]["final_share"]


def test_separated_and_extreme_data_raise_no_warning() -> None:
    x = np.array([0.1, 0.2, 0.3, 0.4])
    n = np.array([20.0, 20, 20, 20])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert estimate_critical_share(x, np.array([0, 0, 20, 20]), n) == (
            0.25, (0.2, 0.3), "bracket")  # fmt: skip
        crit, (lo, hi), how = estimate_critical_share(x, np.array([0, 1, 20, 20]), n, seed=1)
        assert how == "logistic" and lo is not None and hi is not None
        assert 0.2 <= crit <= 0.3 and lo <= crit <= hi
        assert fit_logistic(x * 1e4, np.array([0, 1, 19, 20]), n) is not None
        assert fit_logistic(x, np.array([0, 0, 20, 20]), n) is None
        assert estimate_critical_share(x, np.zeros(4), n)[2] == "above-grid"
        assert estimate_critical_share(x, n, n)[2] == "below-grid"


def test_bootstrap_interval_covers_the_true_midpoint() -> None:
    # 150 synthetic experiments from a known curve p(x) = 1 / (1 + exp(−(x − 0.3) / 0.03)),
    # 12 runs at each of 7 shares: a 95 % interval must cover 0.3 in about 95 % of them. The
    # coverage's standard error over 150 experiments is sqrt(0.95 · 0.05 / 150) = 0.018: we ask for
    # ≥ 0.89, 3.3 standard errors below 0.95 (measured: 0.975 over 200).
    rng = np.random.default_rng(11)
    x = np.array([0.2, 0.25, 0.28, 0.3, 0.32, 0.35, 0.4])
    p = 1.0 / (1.0 + np.exp(-(x - 0.3) / 0.03))
    n = np.full(x.size, 12.0)
    cover, widths = 0, []
    for k in range(150):
        y = rng.binomial(12, p).astype(float)
        _, (lo, hi), _ = estimate_critical_share(x, y, n, seed=k)
        assert lo is not None and hi is not None
        cover += lo <= 0.3 <= hi
        widths.append(hi - lo)
    assert cover / 150 >= 0.89
    assert np.median(widths) < 0.06


def test_adaptive_refinement_meets_the_width_or_says_so() -> None:
    base = well_mixed(100, 1500)
    r = critical_mass(base, shares=[0.1, 0.2, 0.3, 0.4], runs=8, width=0.05, budget=120,
                      seed=3)  # fmt: skip
    assert r.total_runs <= 120 and r.total_runs == sum(c["runs"] for c in r.curve)
    assert r.width is not None
    assert r.width <= 0.05 or r.total_runs + 3 * 8 > 120
    assert len(r.curve) > 4  # shares were added inside the interval


def test_bad_parameters_say_what_is_allowed() -> None:
    base = SocietyConfig("guarded:1", **SMALL)
    for kw, words in ((dict(success_share=0.5), "(0.5, 1]"), (dict(budget=0), "budget"),
                      (dict(width=0.0), "width"), (dict(shares=[0.001]), "one agent")):  # fmt: skip
        with pytest.raises(InvalidParameter, match=words.replace("(", r"\(").replace("]", r"\]")):
            critical_mass(base, seed=1, **kw)  # type: ignore[arg-type]


@pytest.mark.slow
@pytest.mark.parametrize(("e", "x_star"), [(0.5, 0.25), (1.0, 0.5)])
def test_well_mixed_critical_share_is_the_replicator_rest_point(e: float, x_star: float) -> None:
    # open+support against guarded+withhold is a stag hunt with R = b − c − e, S = −e, T = P = 0:
    # the replicator dynamics' unstable rest point is x* = e / (b − c)
    # (revision every 100 rounds: an agent compares itself with a partner it has just met,
    # an encounter that is not a random sample and shifts the boundary by about
    # e / (interval · 2 · (b − c)); 0.006 at interval 20, 0.0013 at 100). The budget of 200
    # runs keeps the request under the size limit (400 runs × 10⁴ rounds would be refused);
    # 84 runs decide it.
    r = critical_mass(well_mixed(400, 10_000, e=e, interval=100),
                      shares=[x_star + d for d in (-0.15, -0.05, 0.05, 0.15)], budget=200,
                      seed=1)  # fmt: skip
    lo, hi = r.interval
    assert r.critical_share is not None and lo is not None and hi is not None
    assert lo <= x_star <= hi and r.width is not None and r.width <= 0.03
    assert r.undecided == 0


@pytest.mark.slow
def test_default_interval_is_at_most_003_wide_and_survives_doubling() -> None:
    # the CLI defaults (trustlab critical-mass --seed 1: the docs table's first two rows)
    base = SocietyConfig("guarded:1", n_agents=300, rounds=2000, capacity=4, churn=0.1)
    r = critical_mass(base, seed=1)
    lo, hi = r.interval
    assert r.width is not None and r.width <= 0.03 and r.critical_share is not None
    doubled = critical_mass(base.with_(rounds=4000), seed=1)
    assert doubled.critical_share is not None and lo is not None and hi is not None
    assert lo <= doubled.critical_share <= hi


@pytest.mark.slow
def test_honest_disappointment_keeps_initiators_in_view_and_lowers_the_threshold() -> None:
    # withholding weighs d = 1 in trust: one unanswered opening leaves trust 1/3 above the leave
    # threshold 0.3, the reciprocator stays (guarded), pays the exposure once per relationship
    # and stays in view of the guarded. d = 0 stays too (the same answer); d = 3 (trust 1/5)
    # leaves at once, the initiators sort themselves away from the guarded and the threshold
    # rises clear of d = 1's interval (measured 0.032 [0.023, 0.041] against 0.101 [0.097,
    # 0.108], seed 1)
    base = SocietyConfig("guarded:1", n_agents=300, rounds=2000, capacity=4, churn=0.1)
    r = {d: critical_mass(base.with_(disappointment_weight=d), seed=1) for d in (0.0, 1.0, 3.0)}
    lo, hi = r[1.0].interval
    assert lo is not None and hi is not None
    assert r[0.0].critical_share is not None and lo <= r[0.0].critical_share <= hi
    lo3 = r[3.0].interval[0]
    assert lo3 is not None and lo3 > hi


@pytest.mark.slow
@pytest.mark.parametrize(("mid", "scale"), [(0.032, 0.0075), (0.105, 0.008)])
def test_the_whole_adaptive_procedure_covers_a_known_midpoint(
    monkeypatch: pytest.MonkeyPatch, mid: float, scale: float
) -> None:
    # runs replaced by coin flips from a known steep curve like the default society's (midpoint
    # 0.032, scale 0.0075: near the grid's lowest share 0.02), and like the society with
    # --disappointment-weight 3 (0.105, 0.008): grid, refinement and interval together must
    # cover the midpoint in about 95 % of 60 experiments (standard error 0.028; we ask ≥ 0.87).
    # Measured: 58 and 59 of 60.
    import importlib

    from trustlab.domain.society.simulation import DecidedRun

    cm = importlib.import_module("trustlab.domain.society.critical_mass")

    def coin(cfg: SocietyConfig, *, seed: int, watch: int, success_share: float) -> DecidedRun:
        f = cfg.shares[0]
        p = 1.0 / (1.0 + np.exp(-(f - mid) / scale))
        won = np.random.default_rng(seed).random() < p
        return DecidedRun(1 if won else -1, 10, np.array([f, 1 - f]), 0.0, np.zeros(2),
                          np.zeros(2))  # fmt: skip

    monkeypatch.setattr(cm, "run_until_decided", coin)
    base = SocietyConfig("guarded:1", n_agents=300, rounds=10, capacity=4)
    cover = 0
    for s in range(60):
        lo, hi = cm.critical_mass(base, seed=1000 + s).interval
        cover += lo is not None and hi is not None and lo <= mid <= hi
    assert cover / 60 >= 0.87
