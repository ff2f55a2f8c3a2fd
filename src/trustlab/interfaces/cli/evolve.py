"""``trustlab evolve``: which characters spread when successful behaviour is copied."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from trustlab.domain.population import DYNAMICS, evolve
from trustlab.domain.population.groups import is_group_game
from trustlab.interfaces.cli._common import (
    ContinuationOpt,
    FormatOpt,
    GameOpt,
    MisreadOpt,
    NoiseOpt,
    OutputFormat,
    PayoffsOpt,
    SeedOpt,
    TurnsOpt,
    check_output,
    emit,
    fail,
    game_from_options,
    given,
    match_length,
    not_applicable,
    progress_bar,
    split_characters,
)

__all__ = ["register"]


def evolve_command(
    ctx: typer.Context,
    population: Annotated[
        str,
        typer.Option(
            "--population",
            "-p",
            help="Characters and counts, e.g. 'tit-for-tat:10,always-defect:5' (or shares "
            "summing to 1 with --size).",
        ),
    ],
    size: Annotated[
        int | None, typer.Option("--size", help="Population size when giving shares.")
    ] = None,
    dynamics: Annotated[
        str,
        typer.Option("--dynamics", help=f"One of: {', '.join(DYNAMICS)}."),
    ] = "moran-bd",
    graph: Annotated[
        str,
        typer.Option(
            "--graph",
            help="well-mixed, lattice:WxH, ring:N:k, random-regular:N:k, erdos-renyi:N:p, "
            "barabasi-albert:N:m, watts-strogatz:N:k:p or edges:FILE.",
        ),
    ] = "well-mixed",
    generations: Annotated[int, typer.Option("--generations", "-g", help="Generations.")] = 100,
    runs: Annotated[
        int, typer.Option("--runs", help="Independent runs (estimates fixation probabilities).")
    ] = 1,
    payoff_source: Annotated[
        str,
        typer.Option(
            "--payoff-source",
            help="expected (exact expected payoff per turn), matches (played every "
            "generation) or one-shot (one turn, opening moves).",
        ),
    ] = "expected",
    turns: TurnsOpt = None,
    continuation: ContinuationOpt = None,
    noise: NoiseOpt = 0.0,
    misread: MisreadOpt = 0.0,
    game: GameOpt = None,
    payoffs: PayoffsOpt = None,
    intensity: Annotated[
        float,
        typer.Option("--intensity", help="Selection intensity (w for Moran, β for Fermi)."),
    ] = 1.0,
    fitness: Annotated[
        str, typer.Option("--fitness", help="Moran fitness: exponential exp(wπ) or linear.")
    ] = "exponential",
    mutation: Annotated[
        float, typer.Option("--mutation", help="Probability an update yields a random mutant.")
    ] = 0.0,
    mutants: Annotated[
        str | None,
        typer.Option(
            "--mutants",
            help="Characters mutants are drawn from, comma-separated (with --mutation).",
        ),
    ] = None,
    update: Annotated[
        str | None,
        typer.Option(
            "--update",
            help="synchronous or asynchronous (default: synchronous for best-neighbour and "
            "elimination).",
        ),
    ] = None,
    neighbourhood: Annotated[
        str,
        typer.Option(
            "--neighbourhood", help="Lattice neighbours: von-neumann or moore (lattices only)."
        ),
    ] = "von-neumann",
    boundary: Annotated[
        str, typer.Option("--boundary", help="Lattice boundary: periodic or fixed (lattices only).")
    ] = "periodic",
    self_interaction: Annotated[
        bool,
        typer.Option("--self-interaction/--no-self-interaction", help="Also play oneself."),
    ] = False,
    accumulate: Annotated[
        str, typer.Option("--accumulate", help="Payoffs over partners: sum or average.")
    ] = "average",
    eliminate: Annotated[
        int, typer.Option("--eliminate", help="Elimination: the k lowest replaced per round.")
    ] = 5,
    record_every: Annotated[
        int | None,
        typer.Option(
            "--record-every",
            help="Record the shares every this many generations (default: about 1000 records).",
        ),
    ] = None,
    plot: Annotated[
        str | None,
        typer.Option("--plot", help="Write the shares over time to this file (.png, .svg, .pdf)."),
    ] = None,
    gif: Annotated[
        str | None, typer.Option("--gif", help="Write the lattice over time to this .gif.")
    ] = None,
    snapshot: Annotated[
        str | None, typer.Option("--snapshot", help="Write the final lattice to this PNG.")
    ] = None,
    seed: SeedOpt = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Evolve a population: elimination, Moran, Fermi or best-neighbour imitation, on a graph.

    Examples:

      trustlab evolve -p "tit-for-tat:10,always-defect:5,grudger:10" --generations 200 --seed 1

      trustlab evolve -p "always-cooperate:0.9,always-defect:0.1" --graph lattice:100x100
      --neighbourhood moore --self-interaction --accumulate sum --dynamics best-neighbour
      --payoffs 1,0,1.9,0 --payoff-source one-shot --gif chaos.gif --seed 1

      trustlab evolve -p "always-cooperate:1,always-defect:9" --graph ring:10:2 --runs 10000
      --generations 100000 --intensity 0 --payoff-source one-shot --format json
    """
    # output paths first: a bad one must not cost the computation
    check_output(plot, "--plot", "plot")
    check_output(gif, "--gif", "animation")
    check_output(snapshot, "--snapshot", "image")
    fixed = match_length(ctx, turns, continuation)
    _check_applicable(ctx, graph, dynamics, payoff_source, game)
    group = is_group_game(game)
    if group and payoffs is not None:
        fail("give either a group --game or --payoffs, not both")
    g: Any = game if group else game_from_options(game, payoffs)
    mutant_list = split_characters(mutants, "--mutants") if mutants is not None else None
    lattice_out = gif is not None or snapshot is not None
    every = record_every if record_every is not None else max(1, generations // 1000)
    with progress_bar("evolve") as progress:
        result = evolve(
            population, size=size, dynamics=dynamics, graph=graph, generations=generations,
            game=g, payoffs=payoff_source, turns=fixed, continuation=continuation, noise=noise,
            misread=misread, intensity=intensity, fitness=fitness, mutation=mutation,
            mutants=mutant_list, update=update, self_interaction=self_interaction,
            accumulate=accumulate, eliminate=eliminate, neighbourhood=neighbourhood,
            boundary=boundary, runs=runs, record_every=every, snapshots=lattice_out,
            seed=seed, progress=progress,
        )  # fmt: skip
    payload = result.to_dict()
    files: dict[str, str] = {}
    if plot or gif or snapshot:
        from trustlab.interfaces.plots import evolution as figs

        if plot:
            files["plot"] = str(figs.save_frequency_plot(result, plot))
        if gif:
            files["gif"] = str(figs.save_gif(result, gif))
        if snapshot:
            files["snapshot"] = str(figs.save_snapshot(result, snapshot))
        payload["files"] = files
    emit(payload, fmt, _table, _rows)


def _check_applicable(
    ctx: typer.Context, graph: str, dynamics: str, source: str, game: str | None
) -> None:
    """Refuse options that would be ignored by what was asked (not silently drop them)."""
    kind = graph.strip().partition(":")[0].strip().lower().replace("_", "-")
    if kind != "lattice":
        what = "a well-mixed population" if kind == "well-mixed" else f"a {kind} graph"
        not_applicable(ctx, ["neighbourhood", "boundary"], f"{what} (only to --graph lattice:WxH)")
        not_applicable(ctx, ["gif", "snapshot"], f"{what} (only to --graph lattice:WxH)")
    dyn = dynamics.strip().lower().replace("_", "-")
    if dyn != "elimination":
        not_applicable(ctx, ["eliminate"], f"--dynamics {dyn} (only to elimination)")
    if dyn not in ("moran-bd", "moran-db"):
        not_applicable(ctx, ["fitness"], f"--dynamics {dyn} (only to moran-bd and moran-db)")
    src = source.strip().lower()
    if game is not None and is_group_game(game):
        not_applicable(
            ctx, ["turns", "continuation", "misread", "payoff_source"], "a group game (one round)"
        )
    elif src == "one-shot":
        not_applicable(ctx, ["turns", "continuation", "misread"], "--payoff-source one-shot")
    if given(ctx, "mutants") and not given(ctx, "mutation"):
        fail("--mutants needs --mutation (the probability an update yields a mutant)")


def _table(p: dict[str, Any]) -> list[Table]:
    names = list(p["final"])
    hist = p["history"]
    step = max(1, len(hist) // 10)
    shown = hist[::step] + ([hist[-1]] if (len(hist) - 1) % step else [])
    t = Table(title=f"{p['dynamics']} on {p['graph']} — {p['game']}, seed {p['seed']}")
    t.add_column("generation", justify="right")
    for n in names:
        t.add_column(n, justify="right")
    for h in shown:
        t.add_row(str(h["generation"]), *(f"{h['frequencies'][n]:.3f}" for n in names))
    out = [t]
    fx = p["fixation"]
    if "runs" in p:
        f = Table(title=f"fixation over {p['runs']} runs (unfixed: {p['unfixed']:.4f})")
        f.add_column("character")
        f.add_column("share of runs fixed", justify="right")
        f.add_column("mean generation", justify="right")
        for n in names:
            g = p["mean_fixation_generation"][n]
            f.add_row(n, f"{fx[n]:.4f}", "" if g is None else f"{g:.1f}")
        out.append(f)
    elif fx["character"] is not None:
        f = Table(title="fixation")
        f.add_column("character")
        f.add_column("generation", justify="right")
        f.add_row(fx["character"], f"{fx['generation']:.2f}")
        out.append(f)
    return out


def _rows(p: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"generation": h["generation"], **h["frequencies"], "seed": p["seed"]} for h in p["history"]
    ]


def register(app: typer.Typer) -> None:
    """Add ``evolve`` to ``app``."""
    app.command("evolve")(evolve_command)
