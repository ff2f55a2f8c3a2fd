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
    SharedOption,
    check_output,
    emit,
    game_from_options,
    progress_bar,
    shared_options,
)

__all__ = ["register"]

AgentsOpt = Annotated[int, typer.Option("--agents", help="Number of agents.")]
RoundsOpt = Annotated[
    int,
    typer.Option(
        "--rounds",
        help="Rounds to simulate (critical-mass: the most a run may last; it stops when decided).",
    ),
]
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
PlotOpt = Annotated[
    Path | None, typer.Option("--plot", help="Write a figure to this file (.png, .svg, .pdf).")
]

#: The society's options, declared once: ``society`` and ``critical-mass`` both take them (add
#: a new society option here, with the SocietyConfig keyword it sets as ``target``).
SOCIETY_OPTIONS: tuple[SharedOption, ...] = (
    SharedOption("agents", AgentsOpt, 1000, "n_agents"),
    SharedOption("rounds", RoundsOpt, 200),
    SharedOption("capacity", CapacityOpt, 4),
    SharedOption("partner_choice", ChoiceOpt, "random"),
    SharedOption("openness", OpennessOpt, 0.5),
    SharedOption("network", NetworkOpt, "random"),
    SharedOption("leave_threshold", LeaveOpt, 0.3),
    SharedOption("churn", ChurnOpt, 0.0),
    SharedOption("betrayal_weight", BetrayalOpt, 3.0),
    SharedOption("disappointment_weight", DisappointOpt, 1.0),
    SharedOption("trust_learning", LearningOpt, True),
    SharedOption("forgetting", ForgetOpt, 0.98),
    SharedOption("memory", MemoryOpt, 10),
    SharedOption("reputation", ReputationOpt, "none"),
    SharedOption("private", PrivateOpt, False),
    SharedOption("observation_rate", ObsRateOpt, 1.0),
    SharedOption("observation_error", ObsErrOpt, 0.0),
    SharedOption("assessment_error", AssessErrOpt, 0.0),
    SharedOption("revision_interval", IntervalOpt, 10),
    SharedOption("revision_rate", RateOpt, 0.5),
    SharedOption("mutation", MutationOpt, 0.0),
    SharedOption("selection", SelectionOpt, 1.0),
    SharedOption("game", GameOpt, None),
    SharedOption("payoffs", PayoffsOpt, None),
    SharedOption("noise", NoiseOpt, 0.0),
    SharedOption("misread", MisreadOpt, 0.0),
)


def _config(population: str, settings: dict[str, Any], **kw: Any) -> SocietyConfig:
    """The SocietyConfig of a command's shared options (``settings``) and its own (``kw``)."""
    opts = dict(settings)
    game = game_from_options(opts.pop("game"), opts.pop("payoffs"))
    return SocietyConfig(population, game=game, **opts, **kw)


@shared_options(SOCIETY_OPTIONS, into="settings")
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
    cluster: Annotated[
        str | None, typer.Option("--cluster", help="Place this character as one block (ring).")
    ] = None,
    settings: dict[str, Any] | None = None,
    record_every: RecordOpt = None,
    seed: SeedOpt = None,
    plot: PlotOpt = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Run a society: partners sought, kept or left; trust, reputation, needs and loneliness.

    Example: trustlab society --population "reciprocator:0.05,guarded:0.9,exploiter:0.05"
    --agents 2000 --rounds 300 --capacity 4 --seed 1 --format json
    """
    check_output(plot, "--plot", "plot")
    assert settings is not None
    cfg = _config(population, settings, cluster=cluster, record_every=record_every)
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


@shared_options(
    SOCIETY_OPTIONS, into="settings", defaults={"agents": 300, "rounds": 2000, "churn": 0.1}
)
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
    settings: dict[str, Any] | None = None,
    seed: SeedOpt = None,
    plot: PlotOpt = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Find the share of initiators at which openness takes over a guarded society in half the
    runs (each run goes on until decided; relationships end by chance with --churn 0.1 here).

    Example: trustlab critical-mass --agents 300 --seed 1 --format json
    """
    check_output(plot, "--plot", "plot")
    assert settings is not None
    if placement not in ("random", "clustered"):
        from trustlab.domain.errors import UnknownName

        raise UnknownName("--placement", placement, ("random", "clustered"))
    grid = DEFAULT_SHARES if shares is None else tuple(parse_numbers(shares, "--shares"))
    base = _config(guarded + ":1", settings)
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
