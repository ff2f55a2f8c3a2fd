"""``trustlab strategies``, ``trustlab match`` and ``trustlab tournament``.

Each command validates nothing itself beyond what the options need: the domain functions raise
:class:`~trustlab.domain.errors.TrustlabError` on bad input and the entry point turns that into
one line and exit code 2.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from trustlab.domain.characters.catalogue import catalogue, select
from trustlab.domain.characters.character import Character
from trustlab.domain.errors import UnknownName
from trustlab.domain.games import Game
from trustlab.domain.matches import play_match
from trustlab.domain.play import characters_for
from trustlab.domain.tournaments import play_tournament
from trustlab.interfaces.cli._common import (
    OUTPUT_ROWS,
    TABLE_ROWS,
    ContinuationOpt,
    FormatOpt,
    GameOpt,
    MisreadOpt,
    NoiseOpt,
    OutputFormat,
    PayoffsOpt,
    RepetitionsOpt,
    SeedOpt,
    TurnsOpt,
    check_budget,
    emit,
    fail,
    game_from_options,
    match_length,
    names_from_option,
    progress_bar,
)

__all__ = ["register", "tournament_entrants"]

TagOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--tag",
        "-t",
        help="Only characters carrying this tag (repeatable: all must match), e.g. explorable, "
        "classic, essay.",
    ),
]


def _with_tags(tags: list[str]) -> list[Character]:
    """The characters carrying every tag; an unknown tag names the closest known ones."""
    known = sorted({t for c in catalogue().values() for t in c.tags})
    for tag in tags:
        if tag not in known:
            raise UnknownName("tag", tag, known)
    return select(tags)


def strategies(tag: TagOpt = None, fmt: FormatOpt = OutputFormat.table) -> None:
    """List the catalogue of characters: names, aliases, memory, tags and one-line rules.

    Any name or alias, or a family spec such as memory-one:1,0.1,1,0.1 or reactive:1,0.33,
    can be given wherever a character is asked for.

    Example: trustlab strategies --tag explorable --format json
    """
    chars = _with_tags(tag) if tag else list(catalogue().values())
    payload = [c.summary() for c in chars]

    def table(rows: list[dict[str, Any]]) -> Table:
        t = Table(title=f"{len(rows)} characters", title_justify="left")
        for col in ("name", "aliases", "memory", "stochastic", "actions", "rule"):
            t.add_column(col, overflow="fold")
        for r in rows:
            depth = "∞" if r["memory_depth"] is None else str(r["memory_depth"])
            t.add_row(
                r["name"],
                ", ".join(r["aliases"]),
                depth,
                "yes" if r["stochastic"] else "",
                str(r["actions"]),
                r["rule"],
            )
        return t

    def csv_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**r, "aliases": " ".join(r["aliases"]), "tags": " ".join(r["tags"])} for r in rows]

    emit(payload, fmt, table, csv_rows)


def match(
    ctx: typer.Context,
    a: Annotated[str, typer.Argument(help="First character: name, alias or family spec.")],
    b: Annotated[str, typer.Argument(help="Second character.")],
    turns: TurnsOpt = None,
    continuation: ContinuationOpt = None,
    noise: NoiseOpt = 0.0,
    misread: MisreadOpt = 0.0,
    repetitions: RepetitionsOpt = 1,
    seed: SeedOpt = None,
    game: GameOpt = None,
    payoffs: PayoffsOpt = None,
    history: Annotated[
        bool,
        typer.Option(
            "--history",
            help=f"Include every turn's executed actions (JSON and CSV stream them; a table "
            f"shows at most {TABLE_ROWS:,} turns).",
        ),
    ] = False,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Play a match between two characters and report scores and cooperation rates.

    scores are the mean total per match; scores_per_turn the total over all repetitions divided
    by all turns played.

    Example: trustlab match copycat always-defect --turns 10 --noise 0.05 --seed 1 --format json
    """
    fixed = match_length(ctx, turns, continuation)
    if history:
        _check_history_rows(fixed, continuation, repetitions, fmt)
    g = game_from_options(game, payoffs)
    with progress_bar("match") as progress:
        result = play_match(
            a, b, game=g, turns=fixed, continuation=continuation, noise=noise,
            misread=misread, repetitions=repetitions, seed=seed, history=history,
            progress=progress,
        )  # fmt: skip
    if history and fmt is not OutputFormat.table:
        _stream_history(result, fmt)
        return
    payload = result.to_dict()

    def table(p: dict[str, Any]) -> list[Table]:
        length = f"{p['turns']} turns" if p["turns"] else f"continuation {p['continuation']:g}"
        t = Table(
            title=f"{p['players'][0]} vs {p['players'][1]} — {p['game']}, {length}, "
            f"{p['repetitions']} repetition(s), seed {p['seed']}",
            title_justify="left",
        )
        cols = ["character", "score per match", "score per turn", "cooperation rate"]
        rates = p.get("action_rates")
        if rates:
            cols += list(rates[0])
        for col in cols:
            t.add_column(col)
        for i, name in enumerate(p["players"]):
            row = [
                name,
                f"{p['scores'][i]:.3f}",
                f"{p['scores_per_turn'][i]:.4f}",
                f"{p['cooperation_rates'][i]:.3f}",
            ]
            if rates:
                row += [f"{v:.3f}" for v in rates[i].values()]
            t.add_row(*row)
        tables = [t]
        if "history" in p:
            h = Table(title="history (executed actions)", title_justify="left")
            for col in ("repetition", "turn", *p["players"]):
                h.add_column(col)
            for r, moves in enumerate(p["history"]):
                for n, (x, y) in enumerate(moves):
                    h.add_row(str(r), str(n + 1), x, y)
            tables.append(h)
        return tables

    def csv_rows(p: dict[str, Any]) -> list[dict[str, Any]]:
        if "history" in p:
            a_name, b_name = p["players"]
            return [
                {"repetition": r, "turn": n + 1, "a": a_name, "b": b_name,
                 "action_a": x, "action_b": y, "seed": p["seed"]}
                for r, moves in enumerate(p["history"])
                for n, (x, y) in enumerate(moves)
            ]  # fmt: skip
        return [
            {"character": name, "score": p["scores"][i], "score_per_turn": p["scores_per_turn"][i],
             "cooperation_rate": p["cooperation_rates"][i], "seed": p["seed"]}
            for i, name in enumerate(p["players"])
        ]  # fmt: skip

    emit(payload, fmt, table, csv_rows)


def _check_history_rows(
    turns: int, continuation: float | None, repetitions: object, fmt: OutputFormat
) -> None:
    """Refuse, before playing, a history too long to print (rows = turns × repetitions)."""
    if not isinstance(repetitions, int) or not isinstance(turns, int):
        return  # the domain names the bad value
    if continuation is not None and 0 <= continuation < 1:
        rows = repetitions / (1.0 - continuation)
    else:
        rows = float(turns) * repetitions
    if fmt is OutputFormat.table:
        hint = "; use --format csv or --format json (streamed) for longer histories"
        check_budget(rows, TABLE_ROWS, what="--history as a table", unit="rows", hint=hint)
    else:
        check_budget(rows, OUTPUT_ROWS, what="--history", unit="rows of output")


def _stream_history(result: Any, fmt: OutputFormat) -> None:
    """Write a match with its history as CSV or JSON, a repetition at a time (bounded memory,
    the same records as ``MatchResult.to_dict``)."""
    import json
    import sys
    from dataclasses import replace

    import numpy as np

    from trustlab.interfaces.cli._common import jsonable

    assert result.history is not None
    names = np.array(result.game.action_names, dtype=object)
    out = sys.stdout
    summary = replace(result, history=None).to_dict()
    a_name, b_name = summary["players"]
    if fmt is OutputFormat.csv:
        out.write("repetition,turn,a,b,action_a,action_b,seed\n")
    else:
        head = json.dumps(jsonable(summary), indent=2)
        out.write(head[: head.rstrip().rfind("}")].rstrip() + ',\n  "history": [')
    for r in range(result.repetitions):
        n = int(result.turns[r])
        acts = names[result.history[r, :n, :, 1]]
        if fmt is OutputFormat.csv:
            prefix = f"{r},"
            suffix = f",{result.seed}\n"
            for lo in range(0, n, 100_000):
                out.write("".join(
                    f"{prefix}{t + 1},{a_name},{b_name},{x},{y}{suffix}"
                    for t, (x, y) in enumerate(acts[lo : lo + 100_000].tolist(), lo)
                ))  # fmt: skip
        else:
            out.write(("\n    " if r == 0 else ",\n    ") + "[")
            for lo in range(0, n, 100_000):
                chunk = acts[lo : lo + 100_000].tolist()
                out.write(("" if lo == 0 else ", ") + ", ".join(
                    f'["{x}", "{y}"]' for x, y in chunk
                ))  # fmt: skip
            out.write("]")
    if fmt is OutputFormat.json:
        out.write("\n  ]\n}\n")


def tournament_entrants(
    strategies: str | None, tags: list[str] | None, every: bool, game: Game | None
) -> list[str]:
    """The characters a tournament plays, from ``--strategies``, ``--tag`` or ``--all`` (at most
    one; none: the explorable's eight).

    ``--all`` is every character that can play the game: with a two-action game (the default)
    the two-action characters; with the vulnerability exchange all of them, the classics lifted.
    """
    given = [flag for flag, on in (("--strategies", strategies), ("--tag", tags), ("--all", every))
             if on]  # fmt: skip
    if len(given) > 1:
        fail(f"give one of --strategies, --tag or --all, not {' and '.join(given)}")
    if strategies is not None:
        return names_from_option(strategies, "--strategies")
    if tags:
        chosen = _with_tags(tags)
    elif every:
        chosen = characters_for(game)
    else:
        chosen = select(["explorable"])
    return [c.name for c in chosen]


def tournament(
    ctx: typer.Context,
    strategies_: Annotated[
        str | None,
        typer.Option(
            "--strategies",
            "-s",
            help="Characters, comma-separated (default: the explorable's eight); family specs "
            "keep their numbers (memory-one:1,0,1,0.5,tft is two characters), or separate "
            "with ';'.",
        ),
    ] = None,
    tag: TagOpt = None,
    all_: Annotated[
        bool,
        typer.Option(
            "--all", help="Every character that can play the game (two-action ones in the PD)."
        ),
    ] = False,
    turns: TurnsOpt = None,
    continuation: ContinuationOpt = None,
    noise: NoiseOpt = 0.0,
    misread: MisreadOpt = 0.0,
    repetitions: RepetitionsOpt = 1,
    self_play: Annotated[
        bool,
        typer.Option(
            "--self-play/--no-self-play", help="Include each character's match with itself."
        ),
    ] = True,
    seed: SeedOpt = None,
    game: GameOpt = None,
    payoffs: PayoffsOpt = None,
    matrix: Annotated[
        bool, typer.Option("--matrix", help="Also print the payoff matrix (table format).")
    ] = False,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Play a round-robin tournament and rank the characters by mean score per turn.

    Each unordered pair plays once per repetition (self-play included unless --no-self-play);
    wins count repetitions won outright against another character.

    Example: trustlab tournament --strategies copycat,grudger,always-defect --repetitions 5 --seed 1
    """
    fixed = match_length(ctx, turns, continuation)
    g = game_from_options(game, payoffs)
    names = tournament_entrants(strategies_, tag, all_, g)
    with progress_bar(f"tournament of {len(names)}") as progress:
        result = play_tournament(
            names, game=g, turns=fixed, continuation=continuation, noise=noise, misread=misread,
            repetitions=repetitions, self_play=self_play, seed=seed, progress=progress,
        )  # fmt: skip
    payload = result.to_dict()

    def table(p: dict[str, Any]) -> list[Table]:
        length = f"{p['turns']} turns" if p["turns"] else f"continuation {p['continuation']:g}"
        t = Table(
            title=f"Tournament — {p['game']}, {length}, {p['repetitions']} repetition(s), "
            f"noise {p['noise']:g}, misread {p['misread']:g}, seed {p['seed']}",
            title_justify="left",
        )
        for col in ("rank", "character", "score per turn", "cooperation rate", "wins"):
            t.add_column(col, justify="left" if col == "character" else "right")
        for r in p["ranking"]:
            t.add_row(
                str(r["rank"]),
                r["name"],
                f"{r['score_per_turn']:.4f}",
                f"{r['cooperation_rate']:.3f}",
                str(r["wins"]),
            )
        if not matrix:
            return [t]
        # columns numbered like the rows, so that the matrix fits a terminal
        m = Table(title="payoff per turn of row against column", title_justify="left")
        pm = p["payoff_matrix"]
        m.add_column("", no_wrap=True)
        for j in range(len(pm["names"])):
            m.add_column(str(j + 1), justify="right")
        for i, (name, row) in enumerate(zip(pm["names"], pm["values"], strict=True)):
            m.add_row(f"{i + 1} {name}", *("" if v is None else f"{v:.2f}" for v in row))
        return [t, m]

    emit(payload, fmt, table, lambda p: p["ranking"])


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("strategies")(strategies)
    app.command("match")(match)
    app.command("tournament")(tournament)
