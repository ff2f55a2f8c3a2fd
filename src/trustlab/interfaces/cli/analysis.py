"""``trustlab analyze payoffs|fixation|replicator`` and ``trustlab profile``: exact analysis."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.table import Table

from trustlab.domain.characters.catalogue import get_character
from trustlab.domain.games import Game, parse_numbers
from trustlab.interfaces.cli._common import (
    ContinuationOpt,
    FormatOpt,
    GameOpt,
    MisreadOpt,
    NoiseOpt,
    OutputFormat,
    PayoffsOpt,
    check_output,
    emit,
    fail,
    game_from_options,
    not_applicable,
    one_of,
    split_characters,
)

__all__ = ["register"]

# The analysis modules (and SciPy behind them) are imported inside the commands, so that other
# commands such as ``trustlab tournament`` do not pay for them at start-up.

analyze_app = typer.Typer(
    name="analyze",
    help="Exact analysis: long-run payoffs of two characters, fixation probabilities in finite "
    "populations, replicator dynamics. Every subcommand takes --format table|json|csv.\n\n"
    "Example: trustlab analyze payoffs win-stay-lose-shift tit-for-tat --noise 0.05 --format json",
    no_args_is_help=True,
)

MatrixOpt = Annotated[
    str | None,
    typer.Option(
        "--payoffs",
        help="Payoff matrix a,b,c,d (a = π(A,A), b = π(A,B), c = π(B,A), d = π(B,B)); "
        "k² numbers row by row for k strategies.",
    ),
]
StrategiesOpt = Annotated[
    str | None,
    typer.Option(
        "--strategies",
        "-s",
        help="Characters, comma-separated (family specs keep their numbers, or separate with "
        "';'); the payoff matrix comes from their matches, exactly.",
    ),
]
MatchTurnsOpt = Annotated[
    int | None,
    typer.Option(
        "--turns", help="Turns per match (with --strategies; default: the infinite game)."
    ),
]
MatchGameOpt = Annotated[
    str | None,
    typer.Option("--game", help="Game the characters play (with --strategies), e.g. donation:3,1."),
]


#: The options that describe matches, which apply only when the matrix comes from --strategies.
MATCH_OPTIONS = ("turns", "continuation", "noise", "misread", "game", "per_turn")


def _check_matrix_options(ctx: typer.Context, payoffs: str | None) -> None:
    """Refuse match options with a given matrix, and --turns with --continuation."""
    one_of(ctx, "payoffs", "strategies")
    if payoffs is not None:
        names = [n for n in MATCH_OPTIONS if any(p.name == n for p in ctx.command.params)]
        not_applicable(ctx, names, "a given --payoffs matrix (only to --strategies)")
    one_of(ctx, "turns", "continuation")


def _matrix_from(
    payoffs: str | None,
    strategies: str | None,
    *,
    game: str | None,
    turns: int | None,
    continuation: float | None,
    noise: float,
    misread: float,
    per_turn: bool,
) -> tuple[np.ndarray, list[str]]:
    """The payoff matrix from --payoffs, or built exactly from the characters' matches.

    From matches the entries are expected totals per match (per turn in the infinite game, or
    with ``per_turn``), as in Nowak et al. (2004)'s tit-for-tat against always-defect.
    """
    from trustlab.domain.analysis.fixation import check_payoff_matrix
    from trustlab.domain.analysis.markov import expected_payoff_matrix

    if (payoffs is None) == (strategies is None):
        fail("give either --payoffs or --strategies (exactly one)")
    if payoffs is not None:
        m = check_payoff_matrix(parse_numbers(payoffs, "--payoffs"))
        names = ["A", "B"] if m.shape[0] == 2 else [f"s{i}" for i in range(m.shape[0])]
        return m, names
    assert strategies is not None
    names = split_characters(strategies, "--strategies")
    if len(names) < 2:
        fail("--strategies needs at least two characters, e.g. tit-for-tat,always-defect")
    chars = [get_character(n) for n in names]
    g: Game | None = game_from_options(game, None)
    m = expected_payoff_matrix(
        chars, game=g, turns=turns, continuation=continuation, noise=noise, misread=misread
    )
    if not per_turn:
        if turns is not None:
            m = m * turns
        elif continuation is not None:
            m = m / (1.0 - continuation)
    return m, [c.name for c in chars]


@analyze_app.command("payoffs")
def payoffs_cmd(
    ctx: typer.Context,
    a: Annotated[str, typer.Argument(help="First character (name, alias or family spec).")],
    b: Annotated[str, typer.Argument(help="Second character.")],
    noise: NoiseOpt = 0.0,
    misread: MisreadOpt = 0.0,
    continuation: ContinuationOpt = None,
    turns: Annotated[
        int | None, typer.Option("--turns", help="Exact expectation over this many turns.")
    ] = None,
    game: GameOpt = None,
    payoffs: PayoffsOpt = None,
    require_unique: Annotated[
        bool,
        typer.Option(
            "--require-unique",
            help="Refuse (exit 2) when the long run depends on the start (a reducible chain) "
            "instead of using the initial joint state.",
        ),
    ] = False,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Exact long-run payoffs of two characters from the Markov chain of their states.

    Without --turns or --continuation: the stationary (infinite game) payoffs per turn. With
    --continuation W: the expected totals and expected turns 1/(1 − W).

    Example: trustlab analyze payoffs wsls tit-for-tat --noise 0.05 --format json
    """
    from trustlab.domain.analysis.markov import long_run_payoffs

    one_of(ctx, "turns", "continuation")
    result = long_run_payoffs(
        a, b, game=game_from_options(game, payoffs), turns=turns, continuation=continuation,
        noise=noise, misread=misread, require_unique=require_unique,
    )  # fmt: skip
    payload = result.to_dict()

    def table(p: dict[str, Any]) -> Table:
        length = p["mode"]
        if p.get("expected_turns") is not None:
            length += f", {p['expected_turns']:g} expected turns"
        t = Table(title=f"{p['players'][0]} vs {p['players'][1]} — {p['game']}, {length}")
        if p["closed_classes"] > 1:
            t.caption = (
                f"{p['closed_classes']} closed classes: the long run depends on the start; "
                f"from the initial joint state {tuple(p['start'])}"
            )
        cols = ["character", "payoff per turn", "cooperation rate"]
        if "scores" in p:
            cols.insert(1, "expected total")
        for col in cols:
            t.add_column(col)
        for i, name in enumerate(p["players"]):
            row = [name, f"{p['scores_per_turn'][i]:.6f}", f"{p['cooperation_rates'][i]:.4f}"]
            if "scores" in p:
                row.insert(1, f"{p['scores'][i]:.6f}")
            t.add_row(*row)
        return t

    def csv_rows(p: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            {"character": name, "score_per_turn": p["scores_per_turn"][i],
             "score": p["scores"][i] if "scores" in p else None,
             "cooperation_rate": p["cooperation_rates"][i]}
            for i, name in enumerate(p["players"])
        ]  # fmt: skip

    emit(payload, fmt, table, csv_rows)


@analyze_app.command("fixation")
def fixation_cmd(
    ctx: typer.Context,
    population: Annotated[int, typer.Option("--population", "-n", help="Population size N ≥ 2.")],
    payoffs: MatrixOpt = None,
    strategies: StrategiesOpt = None,
    process: Annotated[
        str, typer.Option("--process", help="moran (fitness 1 − w + w·π) or fermi (imitation).")
    ] = "moran",
    intensity: Annotated[
        float, typer.Option("--intensity", help="Selection intensity: w in [0, 1], or β ≥ 0.")
    ] = 0.1,
    mutants: Annotated[
        int, typer.Option("--mutants", help="Initial mutants, 1..N−1 (two types).")
    ] = 1,
    turns: MatchTurnsOpt = None,
    continuation: ContinuationOpt = None,
    noise: NoiseOpt = 0.0,
    misread: MisreadOpt = 0.0,
    game: MatchGameOpt = None,
    per_turn: Annotated[
        bool, typer.Option("--per-turn", help="With --strategies: payoffs per turn, not totals.")
    ] = False,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Exact fixation probabilities in a well-mixed population (no self-interaction).

    rho_a: probability that I mutants of A take over a population of B; rho_b the converse.
    For more than two types: the fixation matrix and the stationary distribution in the limit
    of rare mutations.

    Example: trustlab analyze fixation --payoffs 3,0,5,1 --population 20 --process fermi
    --intensity 0.5 --format json
    """
    from trustlab.domain.analysis.fixation import (
        PROCESSES,
        fixation_matrix,
        fixation_probabilities,
        rare_mutation_stationary,
    )

    if process not in PROCESSES:
        from trustlab.domain.errors import UnknownName

        raise UnknownName("--process", process, PROCESSES)
    _check_matrix_options(ctx, payoffs)
    m, names = _matrix_from(
        payoffs, strategies, game=game, turns=turns, continuation=continuation, noise=noise,
        misread=misread, per_turn=per_turn,
    )  # fmt: skip
    k = m.shape[0]
    payload: dict[str, Any]
    if k == 2:
        r = fixation_probabilities(
            m, population, process=process, intensity=intensity, mutants=mutants
        )
        payload = {"strategies": names, **r.to_dict()}
    else:
        not_applicable(ctx, ["mutants"], f"{k} types (only to two)")
        rho = fixation_matrix(m, population, process=process, intensity=intensity)
        payload = {
            "strategies": names, "payoffs": m.tolist(), "population": population,
            "process": process, "intensity": intensity, "mutants": 1,
            "neutral": 1.0 / population, "fixation": rho.tolist(),
        }  # fmt: skip
    stationary, _ = rare_mutation_stationary(m, population, process=process, intensity=intensity)
    payload["stationary"] = dict(zip(names, stationary.tolist(), strict=True))

    def table(p: dict[str, Any]) -> list[Table]:
        head = f"{p['process']}, N = {p['population']}, intensity {p['intensity']:g}"
        t = Table(title=f"Fixation probabilities — {head}")
        if "rho_a" in p:
            i = p["mutants"]
            for col in ("mutant type", "resident type", "ρ", f"neutral {i}/N", "favoured"):
                t.add_column(col)
            a, b = p["strategies"]
            t.add_row(a, b, f"{p['rho_a']:.6g}", f"{p['neutral']:.6g}", str(p["a_favoured"]))
            t.add_row(b, a, f"{p['rho_b']:.6g}", f"{p['neutral']:.6g}", str(p["b_favoured"]))
        else:
            t.add_column("mutant \\ resident")
            for n in p["strategies"]:
                t.add_column(n)
            for n, row in zip(p["strategies"], p["fixation"], strict=True):
                t.add_row(n, *(f"{x:.4g}" for x in row))
        s = Table(title="Rare mutations: share of time as the resident")
        s.add_column("type")
        s.add_column("share")
        for n, x in p["stationary"].items():
            s.add_row(n, f"{x:.6f}")
        return [t, s]

    def csv_rows(p: dict[str, Any]) -> list[dict[str, Any]]:
        if "rho_a" in p:
            a, b = p["strategies"]
            return [
                {"mutant": a, "resident": b, "rho": p["rho_a"], "neutral": p["neutral"]},
                {"mutant": b, "resident": a, "rho": p["rho_b"], "neutral": p["neutral"]},
            ]
        return [
            {"mutant": n, "resident": r, "rho": p["fixation"][i][j], "neutral": p["neutral"]}
            for i, n in enumerate(p["strategies"])
            for j, r in enumerate(p["strategies"])
            if i != j
        ]

    emit(payload, fmt, table, csv_rows)


@analyze_app.command("replicator")
def replicator_cmd(
    ctx: typer.Context,
    payoffs: MatrixOpt = None,
    strategies: StrategiesOpt = None,
    turns: MatchTurnsOpt = None,
    continuation: ContinuationOpt = None,
    noise: NoiseOpt = 0.0,
    misread: MisreadOpt = 0.0,
    game: MatchGameOpt = None,
    start: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="Also integrate a trajectory from these shares (k numbers summing to 1; for two "
            "strategies the share of A alone is enough).",
        ),
    ] = None,
    t_max: Annotated[float, typer.Option("--t-max", help="Trajectory length in time.")] = 50.0,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Rest points of the replicator dynamics with their stability, and for two strategies the
    classification (dominance, coexistence, bistability, neutral).

    Example: trustlab analyze replicator --payoffs 4,0,3,1 --format json
    """
    from trustlab.domain.analysis.replicator import analyze_replicator, integrate_replicator

    _check_matrix_options(ctx, payoffs)
    if start is None:
        not_applicable(ctx, ["t_max"], "the rest points alone (only with --from)")
    elif not (math.isfinite(t_max) and 0 < t_max <= MAX_T):
        fail(f"--t-max must be a positive time of at most {MAX_T:g}, got {t_max!r}")
    m, names = _matrix_from(
        payoffs, strategies, game=game, turns=turns, continuation=continuation, noise=noise,
        misread=misread, per_turn=True,
    )  # fmt: skip
    payload = analyze_replicator(m, tuple(names)).to_dict()
    if start is not None:
        x0 = _shares(parse_numbers(start, "--from"), m.shape[0])
        times, xs = integrate_replicator(m, x0, t_max=t_max, n_points=51)
        payload["trajectory"] = {"t": times.tolist(), "x": xs.tolist()}

    def table(p: dict[str, Any]) -> Table:
        title = "Replicator dynamics"
        if "classification" in p:
            title += f" — {p['description']}"
        t = Table(title=title)
        t.add_column("rest point (shares of " + ", ".join(p["strategies"]) + ")")
        t.add_column("stable")
        t.add_column("eigenvalues (real parts)")
        for r in p["rest_points"]:
            x = r["x"] if isinstance(r["x"], list) else [r["x"], 1.0 - r["x"]]
            t.add_row(
                ", ".join(f"{v:.6g}" for v in x),
                "yes" if r["stable"] else "no",
                ", ".join(f"{e:.4g}" for e in r["eigenvalues"]),
            )
        if "trajectory" in p:
            tr = p["trajectory"]
            t.caption = (
                "trajectory: "
                + ", ".join(f"{v:.4g}" for v in tr["x"][0])
                + " at t = 0 → "
                + ", ".join(f"{v:.4g}" for v in tr["x"][-1])
                + f" at t = {tr['t'][-1]:g}"
            )
        return t

    def csv_rows(p: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            {"x": r["x"] if not isinstance(r["x"], list) else " ".join(map(str, r["x"])),
             "stable": r["stable"], "classification": p.get("classification")}
            for r in p["rest_points"]
        ]  # fmt: skip

    emit(payload, fmt, table, csv_rows)


#: The longest replicator trajectory (--t-max) integrated.
MAX_T = 1e6


def _shares(x: list[float], k: int) -> list[float]:
    """The shares of --from: k numbers in [0, 1] summing to 1 (for k = 2, the share of A)."""
    if len(x) == 1 and k == 2:
        x = [x[0], 1.0 - x[0]]
    text = ", ".join(f"{v:g}" for v in x[:6]) + (", …" if len(x) > 6 else "")
    what = "the share of A (one number) or 2 shares" if k == 2 else f"{k} shares"
    if len(x) != k:
        fail(f"--from needs {what}, got {len(x)} numbers ({text})")
    if not all(math.isfinite(v) and 0.0 <= v <= 1.0 for v in x) or abs(sum(x) - 1.0) > 1e-9:
        fail(f"--from needs {what} in [0, 1] summing to 1, got {text}")
    return x


def profile_cmd(
    name: Annotated[str, typer.Argument(help="Character (name, alias or family spec).")],
    noise: Annotated[
        float, typer.Option("--noise", help="Execution noise of the noise-tolerance probe.")
    ] = 0.05,
    game: GameOpt = None,
    payoffs: PayoffsOpt = None,
    plot: Annotated[
        Path | None,
        typer.Option(
            "--plot", help="Draw a radar plot of the traits to this file (.png, .svg, .pdf)."
        ),
    ] = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """The trait profile of a character: niceness, retaliation, forgiveness, contrition,
    exploitability... measured by exact probes (definitions: docs/analysis.md).

    Example: trustlab profile tit-for-tat --plot tft.png --format json
    """
    from trustlab.domain.analysis.traits import TRAIT_NAMES, trait_profile

    plot = check_output(plot, "--plot", "plot")
    prof = trait_profile(name, game=game_from_options(game, payoffs), noise=noise)
    payload = prof.to_dict()
    if plot is not None:
        from trustlab.interfaces.plots.profile import radar

        radar(prof.traits, plot, title=f"{prof.name} — {prof.game.describe()}")
        payload["plot"] = str(plot)

    def table(p: dict[str, Any]) -> list[Table]:
        t = Table(title=f"Trait profile of {p['name']} — {p['game']}")
        t.add_column("trait")
        t.add_column("value")
        for key in TRAIT_NAMES:
            v = p["traits"][key]
            t.add_row(key.replace("_", " "), "n/a" if v is None or math.isnan(v) else f"{v:.4f}")
        m = Table(title="Measures")
        m.add_column("measure")
        m.add_column("value")
        for key, v in p["measures"].items():
            m.add_row(key.replace("_", " "), f"{v:.6g}")
        return [t, m]

    def csv_rows(p: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"name": p["name"], **p["traits"]}]

    emit(payload, fmt, table, csv_rows)


def register(app: typer.Typer) -> None:
    """Add ``analyze`` (a sub-app) and ``profile`` to ``app``."""
    app.add_typer(analyze_app, name="analyze")
    app.command("profile")(profile_cmd)
