"""Published results the society reproduces (slow: run with ``pytest -m slow``).

Stern judging's equilibrium share of good reputations
------------------------------------------------------
Setting (Ohtsuki & Iwasa 2004, doi:10.1016/j.jtbi.2004.06.005): everybody is a discriminator in
the donation game who intends to cooperate with good recipients and defect against bad ones; an
*execution error* e makes an intended cooperation fail (a defection never turns into
cooperation); a public institution judges each donor once per round by stern judging, and its
judgement is flipped with probability μ (*assessment error*). A donor's recipient is good with
probability g, so

    P(judged good) = (1 − μ)·[g(1 − e) + (1 − g)] + μ·g·e,

whose fixed point is g* = (1 − μ) / (1 + e(1 − 2μ)).

In trustlab: the character ``discriminator:e`` (cooperates with probability 1 − e with the good,
defects against the bad), ``noise=0`` (so the only error is the failure to cooperate),
``reputation="stern-judging"``, ``assessment_error=μ``, a fixed ring network (every agent has
exactly K partners, so a random partner is good with probability g exactly on average), no
revision. The mean dynamics is affine in g, so the time average of the share of good
reputations converges to g*. Image scoring under the same setting has g* = μ / (1 − (1 − e)(1 −
2μ)), which shows the norm, not the setup, makes the number.

Tolerance: a round's share has standard error sqrt(g(1 − g)/N); we average R rounds after a
burn-in and allow for autocorrelation by counting only R/τ of them as independent, τ = 1 / (1 −
ρ) with ρ = |e(1 − 2μ)| (stern judging) or (1 − e)(1 − 2μ) (image scoring), the contraction
factor of the mean dynamics; the test allows 5 such standard errors.

Cooperation with leaving and long lives
---------------------------------------
Reciprocators and exploiters, half and half, imitating better-off partners: with one-round
relationships (``churn=1``) and no leaving, it is a one-shot dilemma and exploiters take over
(openness dies); with lasting relationships and leaving an exploiter after a betrayal,
reciprocators keep to each other and openness survives (Fu, Hauert, Nowak & Wang 2008,
doi:10.1103/PhysRevE.78.026117: partner switching rescues cooperation).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from trustlab import SocietyConfig, donation, run_society

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("norm", "e", "mu"),
    [("stern-judging", 0.1, 0.05), ("stern-judging", 0.2, 0.1), ("stern-judging", 0.05, 0.2),
     ("image-scoring", 0.1, 0.05)],
)  # fmt: skip
def test_equilibrium_share_of_good_reputations(norm: str, e: float, mu: float) -> None:
    n, rounds, burn = 2000, 400, 50
    cfg = SocietyConfig(
        f"discriminator:{e}:1", n_agents=n, rounds=rounds, capacity=4, game=donation(),
        network="ring", partner_choice="none", leave_threshold=0.0, reputation=norm,
        assessment_error=mu, revision_interval=0, record_every=1,
    )  # fmt: skip
    g = run_society(cfg, seed=2026).series("reputation_good")[burn:]
    if norm == "stern-judging":
        expected = (1 - mu) / (1 + e * (1 - 2 * mu))
        rho = abs(e * (1 - 2 * mu))
    else:
        expected = mu / (1 - (1 - e) * (1 - 2 * mu))
        rho = (1 - e) * (1 - 2 * mu)
    tau = 1.0 / (1.0 - rho)
    se = math.sqrt(expected * (1 - expected) / n) / math.sqrt(g.size / tau)
    assert abs(g.mean() - expected) < 5 * se, (g.mean(), expected, se)


def test_cooperation_survives_with_leaving_and_long_lives_and_dies_without() -> None:
    base = SocietyConfig(
        "reciprocator:0.5,exploiter:0.5", n_agents=600, rounds=300, capacity=4, openness=1.0,
        revision_interval=10, revision_rate=0.5,
    )  # fmt: skip
    with_ = [run_society(base.with_(leave_threshold=0.3, churn=0.0), seed=s) for s in (1, 2, 3)]
    without = [run_society(base.with_(leave_threshold=0.0, churn=1.0), seed=s) for s in (1, 2, 3)]
    for r in with_:
        assert r.final["frequencies"]["reciprocator"] >= 0.45
        assert r.final["open_rate"] > 0.4
    for r in without:
        assert r.final["frequencies"]["reciprocator"] < 0.05
        assert r.final["open_rate"] < 0.05
    # leavers escape: exploitation of the open falls to (almost) nothing
    assert np.mean([r.final["exploitation_rate"] for r in with_]) < 0.02
