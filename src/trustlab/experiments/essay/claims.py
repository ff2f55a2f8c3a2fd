"""The claims of the essay report, their experiments and their criteria.

Every claim is written here with its criterion *before* anything runs; :data:`SIZES` sets how
much each mode computes (replicates, agents, rounds, turns, sweep density) and nothing else.
Where a claim has a natural control — a setting in which it should not hold — the sweep includes
it, so the report shows the claim failing where it should.
"""

from __future__ import annotations

from typing import Any, Literal

from trustlab.experiments.commands import Backend
from trustlab.experiments.report.claims import Claim, Criterion
from trustlab.experiments.spec import spec_from_dict

__all__ = ["MODES", "SIZES", "TITLE", "essay_claims"]

Mode = Literal["tiny", "quick", "full"]
MODES: tuple[Mode, ...] = ("tiny", "quick", "full")
TITLE = "The essay's claims, tested"

SIZES: dict[str, dict[str, Any]] = {
    # tiny: the test suite's end-to-end run (seconds); quick: `trustlab essay --quick`;
    # full: the report proper (for a cluster).
    "tiny": {"replicates": 2, "turns": 30, "repetitions": 1, "agents": 40, "rounds": 30,
             "noise": [0.0, 0.05], "cm_agents": 30, "cm_runs": 2, "cm_replicates": 2,
             "cm_refine": False},
    "quick": {"replicates": 8, "turns": 100, "repetitions": 2, "agents": 200, "rounds": 150,
              "noise": [0.0, 0.01, 0.02, 0.05, 0.1], "cm_agents": 100, "cm_runs": 4,
              "cm_replicates": 3, "cm_refine": False},
    "full": {"replicates": 20, "turns": 200, "repetitions": 10, "agents": 1000, "rounds": 300,
             "noise": [0.0, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1], "cm_agents": 300,
             "cm_runs": 12, "cm_replicates": 10, "cm_refine": True},
}  # fmt: skip

_SCORE = "ranking.{}.score_per_turn"
_CM_SHARES = "0.02,0.05,0.1,0.2,0.4"


def _tournament(z: dict[str, Any], seed: int, strategies: str | list[str],
                noise: list[float] | None = None) -> dict[str, Any]:  # fmt: skip
    grid: dict[str, Any] = {"noise": z["noise"] if noise is None else noise}
    if isinstance(strategies, list):
        grid["strategies"] = strategies
        params: dict[str, Any] = {}
    else:
        params = {"strategies": strategies}
    params.update(turns=z["turns"], repetitions=z["repetitions"])
    return {"kind": "tournament", "seed": seed, "replicates": z["replicates"], "params": params,
            "grid": grid}  # fmt: skip


def _society(z: dict[str, Any], seed: int, params: dict[str, Any],
             grid: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
    base = {"agents": z["agents"], "rounds": z["rounds"], "revision-interval": 0}
    return {"kind": "society", "seed": seed, "replicates": z["replicates"],
            "params": {**base, **params}, "grid": grid}  # fmt: skip


def _claim_dicts(z: dict[str, Any]) -> list[dict[str, Any]]:
    """Each claim: id, text, spec (as in a spec file), criterion, the figure's x axis."""
    exploited = "reciprocator:0.4,exploiter:0.2,unconditional-giver:0.2,guarded:0.2"
    learners = "trust-learner:0.6,reciprocator:0.2,exploiter:0.2"
    judges = "discriminator:0.6,exploiter:0.2,unconditional-giver:0.2"
    givers = "unconditional-giver:0.8,exploiter:0.2"
    forgiving = "reciprocator,forgiver,contrite,unconditional-giver,guarded,exploiter"
    cm = {
        "kind": "critical-mass",
        "seed": 9,
        "replicates": z["cm_replicates"],
        "params": {
            "agents": z["cm_agents"],
            "runs": z["cm_runs"],
            "shares": _CM_SHARES,
            "refine": z["cm_refine"],
        },
        "points": [{}, {"noise": 0.05}, {"placement": "clustered"}, {"exploiters": 0.05}],
    }
    return [
        {
            "id": "reciprocity",
            "text": "Answering openness with support, and only openness that is returned "
            "(reciprocity), does better than both unconditional openness and guardedness.",
            "spec": _tournament(z, 1, "reciprocator,unconditional-giver,guarded,exploiter"),
            "criterion": Criterion(
                metric=_SCORE, better="reciprocator", than=["unconditional-giver", "guarded"]
            ),
            "x": "noise",
        },
        {
            "id": "enabling",
            "text": "Where exploiters exist, unconditional openness feeds them: an exploiter "
            "earns more per turn with an unconditional giver than with anyone else.",
            "spec": _society(z, 2, {"population": exploited}, {"leave-threshold": [0.0, 0.3]}),
            "criterion": Criterion(
                metric="final.enabling.{}.exploiter", better="with_givers", than=["with_others"]
            ),
            "x": "leave-threshold",
        },
        {
            "id": "leaving",
            "text": "Leaving a partner who betrays protects: exploiters earn less per round when "
            "others leave them than when nobody ever leaves (the control).",
            "spec": _society(z, 2, {"population": exploited}, {"leave-threshold": [0.0, 0.3]}),
            "criterion": Criterion(
                metric="final.by_character.exploiter.payoff_per_round",
                direction="<",
                versus={"leave-threshold": 0.0},
            ),
            "x": "leave-threshold",
        },
        {
            "id": "forgiveness",
            "text": "Forgiveness pays when mistakes happen: among exploiters and the guarded, "
            "a forgiver (who withdraws only after two disappointments) beats a strict "
            "reciprocator once actions go wrong, and not without mistakes.",
            "spec": _tournament(z, 3, forgiving),
            "criterion": Criterion(metric=_SCORE, better="forgiver", than=["reciprocator"]),
            "x": "noise",
        },
        {
            "id": "contrition",
            "text": "Admitting one's own mistakes pays when mistakes happen: a contrite "
            "reciprocator (who keeps opening after its own slip) beats a strict one.",
            "spec": _tournament(z, 3, forgiving),
            "criterion": Criterion(metric=_SCORE, better="contrite", than=["reciprocator"]),
            "x": "noise",
        },
        {
            "id": "trust-grows",
            "text": "Trust grows step by step from small interactions: trust-learners, who "
            "learn from every open turn, come to open more than the same people without "
            "learning (the control) — among mostly trustworthy partners, and even when only "
            "one in ten is trustworthy.",
            "spec": _society(
                z,
                4,
                {},
                {
                    "population": [learners, "trust-learner:0.1,exploiter:0.45,guarded:0.45"],
                    "trust-learning": [False, True],
                },
            ),
            "criterion": Criterion(
                metric="final.by_character.trust-learner.open_rate",
                versus={"trust-learning": False},
            ),
        },
        {
            "id": "betrayal-weighs-more",
            "text": "One betrayal costs more trust than one kindness earns, and that protects: "
            "trust-learners who weigh a betrayal three times a kindness are exploited less "
            "than those who weigh both alike (the control).",
            "spec": _society(z, 5, {"population": learners}, {"betrayal-weight": [1.0, 3.0]}),
            "criterion": Criterion(
                metric="final.by_character.trust-learner.exploitation_suffered",
                direction="<",
                versus={"betrayal-weight": 1.0},
            ),
            "x": "betrayal-weight",
        },
        {
            "id": "second-chances",
            "text": "People change: second chances (trust that forgets a betrayal, towards "
            "partners one stays with) help when people change their character, and cost when "
            "they do not.",
            "spec": _society(
                z,
                6,
                {"population": learners, "leave-threshold": 0.0},
                {"forgetting": [1.0, 0.9], "revision-interval": [0, 10]},
            ),
            "criterion": Criterion(
                metric="final.by_character.trust-learner.payoff_per_turn",
                versus={"forgetting": 1.0},
            ),
            "x": "revision-interval",
        },
        {
            "id": "honest-disappointment",
            "text": "Honest disappointment protects better than conflict-avoiding kindness: "
            "a character who stays guarded after a betrayal (while still supporting) does "
            "better than an unconditional giver where exploiters exist, and no better "
            "where none do (the control).",
            "spec": _tournament(
                z,
                7,
                [
                    "kind-at-a-distance,unconditional-giver,reciprocator,exploiter",
                    "kind-at-a-distance,unconditional-giver,reciprocator,guarded",
                ],
                noise=[0.0],
            ),
            "criterion": Criterion(
                metric=_SCORE, better="kind-at-a-distance", than=["unconditional-giver"]
            ),
            "x": "strategies",
        },
        {
            "id": "norms",
            "text": "Judging everyone by the same standard sustains trust: where discriminators "
            "open and support according to a reputation norm, exploiters earn less per turn "
            "than where the same people give to everyone (the control); nobody leaves, so the "
            "norm alone protects, and the sweep shows which norms do.",
            "spec": {
                **_society(z, 8, {"leave-threshold": 0.0}, {}),
                "grid": {},
                "points": [
                    {"population": judges, "reputation": norm}
                    for norm in ("image-scoring", "simple-standing", "stern-judging", "shunning")
                ]
                + [{"population": givers, "reputation": "none"}],
            },
            "criterion": Criterion(
                metric="final.by_character.exploiter.payoff_per_turn",
                direction="<",
                versus={"population": givers, "reputation": "none"},
            ),
            "x": "reputation",
        },
        {
            "id": "loneliness",
            "text": "Loneliness falls where support is available: reciprocators are less lonely "
            "among partners who support them than among the guarded, and not among partners "
            "who open without supporting (the control).",
            "spec": _society(
                z,
                10,
                {"leave-threshold": 0.0},
                {
                    "population": [
                        "reciprocator:0.2,guarded:0.8",
                        "reciprocator:0.2,unconditional-giver:0.4,guarded:0.4",
                        "reciprocator:0.2,one-sided:0.4,guarded:0.4",
                    ]
                },
            ),
            "criterion": Criterion(
                metric="final.by_character.reciprocator.loneliness",
                direction="<",
                versus={"population": "reciprocator:0.2,guarded:0.8"},
            ),
            "x": "population",
        },
        {
            "id": "critical-mass",
            "text": "A few initiators break the collective-action failure: a share of "
            "trustworthy initiators below one in five turns a guarded society open in half "
            "the runs — with or without mistakes, clustering and exploiters.",
            "spec": cm,
            "criterion": Criterion(metric="critical_share", direction="<", threshold=0.2),
        },
        {
            "id": "initiators-pay",
            "text": "The initiators pay on the way: at a share of 2 %, their payoff per round "
            "in the early rounds is below the guarded majority's.",
            "spec": cm,
            "criterion": Criterion(
                metric="curve.0.{}",
                better="initiator_payoff_early",
                than=["guarded_payoff"],
                direction="<",
            ),
        },
    ]


def essay_claims(mode: Mode, backend: Backend) -> list[Claim]:
    """The claims of the essay report, with their specs sized for ``mode``.

    Parameters
    ----------
    mode : {"tiny", "quick", "full"}
        How much to compute; the criteria are the same in every mode.
    backend : Backend
        The commands (``trustlab.interfaces.cli.experiments.cli_backend()``).

    Returns
    -------
    list of Claim

    Examples
    --------
    >>> from trustlab.interfaces.cli.experiments import cli_backend
    >>> claims = essay_claims("tiny", cli_backend())
    >>> len(claims) >= 9, claims[0].id
    (True, 'reciprocity')
    >>> q, f = essay_claims("quick", cli_backend()), essay_claims("full", cli_backend())
    >>> all(a.criterion == b.criterion for a, b in zip(q, f))
    True
    """
    if mode not in SIZES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    out = []
    for c in _claim_dicts(SIZES[mode]):
        spec = spec_from_dict(c["spec"], backend, source=f"essay claim {c['id']!r}",
                              default_name=f"essay-{c['id']}")  # fmt: skip
        out.append(Claim(c["id"], c["text"], spec, c["criterion"], c.get("x")))
    return out
