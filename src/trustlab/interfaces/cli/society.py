"""``trustlab society`` and ``trustlab critical-mass``: the essay's society and its collective
action question."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from trustlab.domain.games import parse_numbers
from trustlab.domain.society.config import SocietyConfig
from trustlab.domain.society.critical_mass import DEFAULT_SHARES, critical_mass
from trustlab.domain.society.simulation import run_society
from trustlab.interfaces.cli._common import (
    FormatOpt,
    GameOpt,
    MisreadOpt,
    NoiseOpt,
    OutputFormat,
    PayoffsOpt,
    SeedOpt,
    emit,
    fail,
    game_from_options,
    progress_bar,
)

__all__ = ["register"]

AgentsOpt = Annotated[int, typer.Option("--agents", help="Number of agents.")]
RoundsOpt = Annotated[int, typer.Option("--rounds", help="Rounds to simulate.")]
CapacityOpt = Annotated[
    int, typer.Option("--capacity", help="Relationships per agent (below the number of agents).")
]
ChoiceOpt = Annotated[
    str,
    typer.Option(
        "--partner-choice",
        help="How free agents find partners: none, random, friends, reputation or trusted "
        "(introductions by the most trusted friend).",
    ),
]
OpennessOpt = Annotated[
    float, typer.Option("--openness", help="Probability of approaching a stranger in a round.")
]
NetworkOpt = Annotated[
    str, typer.Option("--network", help="Initial acquaintances: random or ring.")
]
LeaveOpt = Annotated[
    float,
    typer.Option(
        "--leave-threshold",
        help="Leave a partner whose trust falls below this (0 = never; below the prior 0.5).",
    ),
]
ChurnOpt = Annotated[
    float, typer.Option("--churn", help="Probability per round a relationship ends by chance.")
]
BetrayalOpt = Annotated[
    float, typer.Option("--betrayal-weight", help="Weight of an observed betrayal in trust.")
]
DisappointOpt = Annotated[
    float,
    typer.Option("--disappointment-weight", help="Weight of an observed withholding in trust."),
]
LearningOpt = Annotated[
    bool,
    typer.Option(
        "--trust-learning/--no-trust-learning",
        help="Learn trust from open turns, or keep the counts at the prior (control).",
    ),
]
ForgetOpt = Annotated[
    float, typer.Option("--forgetting", help="Per-round decay of trust counts towards the prior.")
]
MemoryOpt = Annotated[int, typer.Option("--memory", help="Rounds over which loneliness counts.")]
ReputationOpt = Annotated[
    str,
    typer.Option(
        "--reputation",
        help="Norm: none, image-scoring, simple-standing, stern-judging, shunning, l1..l8.",
    ),
]
PrivateOpt = Annotated[
    bool, typer.Option("--private/--public", help="Private views (≤ 4000 agents) or public.")
]
ObsRateOpt = Annotated[
    float, typer.Option("--observation-rate", help="Private: chance an observer sees a turn.")
]
ObsErrOpt = Annotated[
    float, typer.Option("--observation-error", help="Chance an observer misperceives an action.")
]
AssessErrOpt = Annotated[
    float, typer.Option("--assessment-error", help="Chance a judgement is flipped.")
]
IntervalOpt = Annotated[
    int, typer.Option("--revision-interval", help="Rounds between character changes (0 = never).")
]
RateOpt = Annotated[
    float, typer.Option("--revision-rate", help="Share of agents revising at each revision.")
]
MutationOpt = Annotated[
    float, typer.Option("--mutation", help="Chance a reviser takes a random character.")
]
SelectionOpt = Annotated[
    float, typer.Option("--selection", help="Selection intensity of Fermi imitation.")
]
RecordOpt = Annotated[
    int | None, typer.Option("--record-every", help="Rounds between records (default ~100).")
]
PlotOpt = Annotated[Path | None, typer.Option("--plot", help="Write a figure to this PNG file.")]


def _config(population: str, game: str | None, payoffs: str | None, **kw: Any) -> SocietyConfig:
    return SocietyConfig(population, game=game_from_options(game, payoffs), **kw)


def society(
    population: Annotated[
        str,
        typer.Option(
            "--population",
            "-p",
            help='Characters and shares summing to 1, e.g. "reciprocator:0.05,guarded:0.9,'
            'exploiter:0.05" (catalogue names, discriminator, discriminating-reciprocator, '
            "trust-learner[:certainty | :openness:certainty]).",
        ),
    ],
    agents: AgentsOpt = 1000,
    rounds: RoundsOpt = 200,
    capacity: CapacityOpt = 4,
    partner_choice: ChoiceOpt = "random",
    openness: OpennessOpt = 0.5,
    network: NetworkOpt = "random",
    cluster: Annotated[
        str | None, typer.Option("--cluster", help="Place this character as one block (ring).")
    ] = None,
    leave_threshold: LeaveOpt = 0.3,
    churn: ChurnOpt = 0.0,
    betrayal_weight: BetrayalOpt = 3.0,
    disappointment_weight: DisappointOpt = 1.0,
    trust_learning: LearningOpt = True,
    forgetting: ForgetOpt = 0.98,
    memory: MemoryOpt = 10,
    reputation: ReputationOpt = "none",
    private: PrivateOpt = False,
    observation_rate: ObsRateOpt = 1.0,
    observation_error: ObsErrOpt = 0.0,
    assessment_error: AssessErrOpt = 0.0,
    revision_interval: IntervalOpt = 10,
    revision_rate: RateOpt = 0.5,
    mutation: MutationOpt = 0.0,
    selection: SelectionOpt = 1.0,
    game: GameOpt = None,
    payoffs: PayoffsOpt = None,
    noise: NoiseOpt = 0.0,
    misread: MisreadOpt = 0.0,
    record_every: RecordOpt = None,
    seed: SeedOpt = None,
    plot: PlotOpt = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Run a society: partners sought, kept or left; trust, reputation, needs and loneliness.

    Example: trustlab society --population "reciprocator:0.05,guarded:0.9,exploiter:0.05"
    --agents 2000 --rounds 300 --capacity 4 --seed 1 --format json
    """
    cfg = _config(
        population, game, payoffs, n_agents=agents, rounds=rounds, capacity=capacity,
        partner_choice=partner_choice, openness=openness, network=network, cluster=cluster,
        leave_threshold=leave_threshold, churn=churn, betrayal_weight=betrayal_weight,
        disappointment_weight=disappointment_weight, trust_learning=trust_learning,
        forgetting=forgetting, memory=memory, reputation=reputation, private=private,
        observation_rate=observation_rate, observation_error=observation_error,
        assessment_error=assessment_error, revision_interval=revision_interval,
        revision_rate=revision_rate, mutation=mutation, selection=selection, noise=noise,
        misread=misread, record_every=record_every,
    )  # fmt: skip
    with progress_bar("society") as progress:
        result = run_society(cfg, seed=seed, progress=progress)
    payload = result.to_dict()
    if plot is not None:
        from trustlab.interfaces.plots.society import plot_society

        plot_society(payload, plot)

    def table(p: dict[str, Any]) -> list[Table]:
        t = Table(
            title=f"Society — seed {p['seed']} (every {max(1, len(p['history']) // 10)}th record)"
        )
        cols = ("round", "open_rate", "loneliness", "exploitation_rate", "reassurance_rate",
                "relationships", "assortment")  # fmt: skip
        for c in cols:
            t.add_column(c.replace("_", " "))
        step = max(1, len(p["history"]) // 10)
        for h in p["history"][::step] + ([p["history"][-1]] if len(p["history"]) % step else []):
            t.add_row(*[_fmt(h[c]) for c in cols])
        b = Table(title="By character (final)")
        bcols = ("character", "share", "payoff_per_round", "open_rate", "loneliness",
                 "exploitation_suffered", "disappointment_suffered", "exploitation_committed",
                 "withholding_done", "reputation_good")  # fmt: skip
        for c in bcols:
            b.add_column(c.replace("_", " "))
        for row in p["final"]["by_character"]:
            b.add_row(*[_fmt(row[c]) for c in bcols])
        rec = p["final"]["reciprocity"]
        tot = p["final"]["totals"]
        m = Table(title="Reciprocity of relationships (final)")
        for c in ("", "relationships with support", "mean |imbalance|", "one-sided share"):
            m.add_column(c)
        m.add_row("current", _fmt(rec["supported"]), _fmt(rec["mean_abs_imbalance"]),
                  _fmt(rec["one_sided_share"]))  # fmt: skip
        m.add_row("ended", _fmt(tot["ended_supported"]), "—", _fmt(tot["ended_one_sided_share"]))
        out = [t, b, m]
        en = p["final"]["enabling"]
        if en is not None:
            e = Table(
                title=f"Payoff per turn with unconditional givers ({', '.join(en['givers'])})"
            )
            for c in ("character", "with givers", "with everyone else", "turns with givers"):
                e.add_column(c)
            for nm in en["with_givers"]:
                e.add_row(nm, _fmt(en["with_givers"][nm]), _fmt(en["with_others"][nm]),
                          _fmt(en["turns_with_givers"][nm]))  # fmt: skip
            out.append(e)
        return out

    emit(payload, fmt, table, _history_rows)


def _fmt(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)


def _history_rows(p: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for h in p["history"]:
        row = {k: v for k, v in h.items() if not isinstance(v, dict | list)}
        for name, share in h["frequencies"].items():
            row[f"share:{name}"] = share
        for name, pay in h["payoff_per_round"].items():
            row[f"payoff:{name}"] = pay
        row["seed"] = p["seed"]
        rows.append(row)
    return rows


def critical_mass_cmd(
    initiator: Annotated[
        str, typer.Option("--initiator", help="The trustworthy character who opens first.")
    ] = "reciprocator",
    guarded: Annotated[str, typer.Option("--guarded", help="The guarded majority.")] = "guarded",
    exploiters: Annotated[
        float, typer.Option("--exploiters", help="Share of exploiters (placed at random).")
    ] = 0.0,
    placement: Annotated[
        str, typer.Option("--placement", help="Initiators random or clustered (ring network).")
    ] = "random",
    shares: Annotated[
        str | None,
        typer.Option("--shares", help="Initiator shares to try, comma-separated."),
    ] = None,
    runs: Annotated[
        int, typer.Option("--runs", help="Replicates per share (and per share added).")
    ] = 12,
    refine: Annotated[
        bool,
        typer.Option(
            "--refine/--no-refine", help="Add shares inside the interval until it is narrow."
        ),
    ] = True,
    success_share: Annotated[
        float,
        typer.Option(
            "--success-share",
            help="A run succeeds once the initiators' character holds this share (0.5, 1].",
        ),
    ] = 0.95,
    width: Annotated[
        float, typer.Option("--width", help="Refine until the 95 % interval is this narrow.")
    ] = 0.03,
    budget: Annotated[int, typer.Option("--budget", help="Most runs in all.")] = 400,
    agents: AgentsOpt = 300,
    rounds: Annotated[
        int, typer.Option("--rounds", help="Most rounds a run may last (it stops when decided).")
    ] = 2000,
    capacity: CapacityOpt = 4,
    partner_choice: ChoiceOpt = "random",
    openness: OpennessOpt = 0.5,
    network: NetworkOpt = "random",
    leave_threshold: LeaveOpt = 0.3,
    churn: ChurnOpt = 0.1,
    betrayal_weight: BetrayalOpt = 3.0,
    disappointment_weight: DisappointOpt = 1.0,
    trust_learning: LearningOpt = True,
    forgetting: ForgetOpt = 0.98,
    memory: MemoryOpt = 10,
    reputation: ReputationOpt = "none",
    private: PrivateOpt = False,
    observation_rate: ObsRateOpt = 1.0,
    observation_error: ObsErrOpt = 0.0,
    assessment_error: AssessErrOpt = 0.0,
    revision_interval: IntervalOpt = 10,
    revision_rate: RateOpt = 0.5,
    mutation: MutationOpt = 0.0,
    selection: SelectionOpt = 1.0,
    game: GameOpt = None,
    payoffs: PayoffsOpt = None,
    noise: NoiseOpt = 0.0,
    misread: MisreadOpt = 0.0,
    seed: SeedOpt = None,
    plot: PlotOpt = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Find the share of initiators at which openness takes over a guarded society in half the
    runs (each run goes on until decided; relationships end by chance with --churn 0.1 here).

    Example: trustlab critical-mass --agents 300 --seed 1 --format json
    """
    if placement not in ("random", "clustered"):
        fail(f"placement must be random or clustered, got {placement!r}")
    grid = DEFAULT_SHARES if shares is None else tuple(parse_numbers(shares, "--shares"))
    base = _config(
        guarded + ":1", game, payoffs, n_agents=agents, rounds=rounds, capacity=capacity,
        partner_choice=partner_choice, openness=openness, network=network,
        leave_threshold=leave_threshold, churn=churn, betrayal_weight=betrayal_weight,
        disappointment_weight=disappointment_weight, trust_learning=trust_learning,
        forgetting=forgetting, memory=memory, reputation=reputation, private=private,
        observation_rate=observation_rate, observation_error=observation_error,
        assessment_error=assessment_error, revision_interval=revision_interval,
        revision_rate=revision_rate, mutation=mutation, selection=selection, noise=noise,
        misread=misread,
    )  # fmt: skip
    with progress_bar("critical mass") as progress:
        result = critical_mass(
            base, initiator=initiator, guarded=guarded, exploiters=exploiters,
            clustered=placement == "clustered", shares=grid, runs=runs, refine=refine,
            success_share=success_share, width=width, budget=budget, seed=seed,
            progress=progress,
        )  # fmt: skip
    payload = result.to_dict()
    if plot is not None:
        from trustlab.interfaces.plots.society import plot_critical_mass

        plot_critical_mass(payload, plot)

    def table(p: dict[str, Any]) -> Table:
        lo, hi = p["interval"]
        t = Table(
            title=f"Critical mass of {p['initiator']} ({p['placement']}): "
            f"{_fmt(p['critical_share'])} [{_fmt(lo)}, {_fmt(hi)}] ({p['method']}), "
            f"{p['total_runs']} runs ({p['undecided']} undecided), seed {p['seed']}"
        )
        cols = ("share", "runs", "success_rate", "undecided", "rounds", "final_share",
                "final_open_rate", "initiator_payoff_early", "initiator_payoff",
                "guarded_payoff")  # fmt: skip
        for c in cols:
            t.add_column(c.replace("_", " "))
        for row in p["curve"]:
            t.add_row(*[_fmt(row[c]) for c in cols])
        return t

    emit(payload, fmt, table, lambda p: p["curve"])


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("society")(society)
    app.command("critical-mass")(critical_mass_cmd)
