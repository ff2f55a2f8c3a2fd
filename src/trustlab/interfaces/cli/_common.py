"""What every trustlab command shares: output formats, one-line errors, progress bars, options.

The contract for command modules:

* a command builds a JSON-able payload (dict or list) and calls :func:`emit` with it, plus a
  function that renders it as a rich table and one that flattens it to CSV rows;
* bad input raises :class:`~trustlab.domain.errors.TrustlabError` (or calls :func:`fail`); the
  entry point turns it into one line on stderr and exit code 2, never a traceback;
* long work takes a ``progress`` callback from :func:`progress_bar`.

Reusable checks for every command, old or new (use them, do not re-implement them):

* :func:`check_output` — an output path (``--plot``, ``--gif``, ``--out``...) is checked
  *before* any computation: not a folder, parent exists, writable, a known extension for its
  kind (:data:`OUTPUT_KINDS`; add a kind there);
* :func:`check_budget` — one line saying how big a request is and what the limit is; the domain
  raises :class:`~trustlab.domain.limits.TooLarge` the same way for sizes it can judge, with the
  limits in :mod:`trustlab.domain.limits`; :data:`TABLE_ROWS` and :data:`OUTPUT_ROWS` bound
  what a command prints;
* :func:`given`, :func:`not_applicable`, :func:`one_of` — an option that does not apply to what
  was asked, or conflicts with another, is refused (never silently ignored);
* :func:`split_characters` — the one grammar of lists of characters (family specs included);
* :func:`clip` — echo user input cut short;
* :class:`SharedOption` and :func:`shared_options` — declare a group of options once and add it
  to several commands (the society's options are declared this way).
"""

from __future__ import annotations

import csv
import functools
import inspect
import io
import json
import math
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from typer import _click as click  # typer ships its own click: use its classes
from typer._click.core import ParameterSource

from trustlab.domain.errors import shorten
from trustlab.domain.games import Game, matrix_game, parse_game
from trustlab.domain.games import parse_numbers as _parse_numbers

__all__ = [
    "DEFAULT_TURNS",
    "ECHO_CHARS",
    "OUTPUT_KINDS",
    "OUTPUT_ROWS",
    "TABLE_ROWS",
    "ContinuationOpt",
    "FormatOpt",
    "GameOpt",
    "MisreadOpt",
    "NoiseOpt",
    "OutputFormat",
    "PayoffsOpt",
    "RepetitionsOpt",
    "SeedOpt",
    "SharedOption",
    "TurnsOpt",
    "check_budget",
    "check_output",
    "clip",
    "emit",
    "fail",
    "game_from_options",
    "given",
    "jsonable",
    "match_length",
    "names_from_option",
    "not_applicable",
    "one_of",
    "option_name",
    "print_table",
    "progress_bar",
    "set_threads",
    "shared_options",
    "split_characters",
]

#: Rows a command prints as a rich table; above, it points to --format csv or json.
TABLE_ROWS = 10_000
#: Rows a command streams as CSV or JSON (about a gigabyte of text).
OUTPUT_ROWS = 20_000_000
#: Characters of user input echoed in a message.
ECHO_CHARS = 60


class OutputFormat(StrEnum):
    """How a command prints its result."""

    table = "table"
    json = "json"
    csv = "csv"


class UsageFailure(Exception):
    """Raised by :func:`fail`; the entry point prints the message and exits with code 2."""


def fail(message: str) -> NoReturn:
    """Stop the command: ``message`` on one line of stderr, exit code 2."""
    raise UsageFailure(message)


FormatOpt = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="Output format: table, json or csv.")
]
SeedOpt = Annotated[
    int | None,
    typer.Option("--seed", help="Seed of every random number (omit for fresh entropy, recorded)."),
]
TurnsOpt = Annotated[
    int | None, typer.Option("--turns", help="Turns per match (fixed length; default 200).")
]
#: Match length when neither --turns nor --continuation is given.
DEFAULT_TURNS = 200
ContinuationOpt = Annotated[
    float | None,
    typer.Option(
        "--continuation",
        help="Probability W that another turn follows (0 ≤ W < 1): matches of random length, "
        "1/(1 − W) turns on average; replaces --turns.",
    ),
]
NoiseOpt = Annotated[
    float, typer.Option("--noise", help="Execution noise: probability an action is replaced.")
]
MisreadOpt = Annotated[
    float, typer.Option("--misread", help="Perception noise: probability a move is misread.")
]
RepetitionsOpt = Annotated[int, typer.Option("--repetitions", help="Independent repetitions.")]
GameOpt = Annotated[
    str | None,
    typer.Option(
        "--game",
        help="Game preset with optional parameters, e.g. prisoners-dilemma, stag-hunt, "
        "snowdrift:4,2, harmony, donation:3,1, vulnerability-exchange:3,1,3,2.",
    ),
]
PayoffsOpt = Annotated[
    str | None,
    typer.Option("--payoffs", help="Custom 2×2 payoffs R,S,T,P for the row player (as given)."),
]


def game_from_options(game: str | None, payoffs: str | None) -> Game | None:
    """The game named by ``--game`` or built from ``--payoffs`` (not both); None for the default."""
    if game is not None and payoffs is not None:
        fail("give either --game or --payoffs, not both")
    if payoffs is not None:
        import numpy as np

        return matrix_game(np.asarray(_parse_numbers(payoffs, "--payoffs"), dtype=np.float64))
    if game is not None:
        return parse_game(game)
    return None


def names_from_option(text: str, option: str) -> list[str]:
    """The characters listed in ``option`` (see :func:`split_characters`); at least one."""
    return split_characters(text, option)


def _continues(piece: str) -> bool:
    """Whether a comma-separated piece continues the previous item (it is a number)."""
    try:
        float(piece)
    except ValueError:
        return not piece[:1].isalpha()
    return True


def split_characters(text: str, option: str) -> list[str]:
    """The characters of a list option, family specs included.

    The grammar, the same in every command: items are separated by commas; a piece after a
    comma that is a number (``0.5``, ``-1``, ``nan``) or does not start with a letter continues
    the item before it, so a family's numbers stay together: ``memory-one:1,0,1,0.5,tft`` is
    ``memory-one:1,0,1,0.5`` and ``tft``. Where that is ambiguous, separate items with ``;``
    instead (then commas never split): ``gtft:3,0,5,1;tft``. Blank items are dropped; at least
    one item is required.

    Examples
    --------
    >>> split_characters("memory-one:1,0,1,0.5,tft", "--strategies")
    ['memory-one:1,0,1,0.5', 'tft']
    >>> split_characters("tft, grudger ,reactive:1,0.3", "-s")
    ['tft', 'grudger', 'reactive:1,0.3']
    >>> split_characters("gtft:3,0,5,1;  tft", "-s")
    ['gtft:3,0,5,1', 'tft']
    """
    if ";" in text:
        items = [t.strip() for t in text.split(";")]
    else:
        items = []
        for piece in (t.strip() for t in text.split(",")):
            if items and piece and _continues(piece):
                items[-1] = f"{items[-1]},{piece}"
            else:
                items.append(piece)
    names = [t for t in items if t]
    if not names:
        fail(f"{option} needs a list of characters, e.g. tft,grudger, got {clip(text)!r}")
    return names


def clip(text: str, n: int = ECHO_CHARS) -> str:
    """``text`` cut to ``n`` characters with an ellipsis, for echoing user input.

    Examples
    --------
    >>> clip("x" * 100, 10)
    'xxxxxxxxx…'
    """
    return shorten(text, n)


# --- options that apply, options that conflict ------------------------------------------------


def given(ctx: click.Context, name: str) -> bool:
    """Whether the option (Python name, e.g. ``"neighbourhood"``) was given on the command line
    (or through the environment), not left at its default."""
    source = ctx.get_parameter_source(name)
    return source not in (None, ParameterSource.DEFAULT, ParameterSource.DEFAULT_MAP)


def option_name(ctx: click.Context, name: str) -> str:
    """The option as users type it (``--neighbourhood``) for a parameter's Python name."""
    for p in ctx.command.params:
        if p.name == name:
            longs = [o for o in p.opts if o.startswith("--")]
            return (longs or list(p.opts) or [name])[0]
    return "--" + name.replace("_", "-")


def not_applicable(ctx: click.Context, names: Sequence[str], reason: str) -> None:
    """Refuse the first of ``names`` that was given: ``--X does not apply to REASON``.

    Example: ``not_applicable(ctx, ["neighbourhood", "boundary"], "a well-mixed population")``.
    """
    for name in names:
        if given(ctx, name):
            fail(f"{option_name(ctx, name)} does not apply to {reason}")


def one_of(ctx: click.Context, *names: str) -> None:
    """Refuse two or more of ``names`` given together: ``give either --a or --b, not both``."""
    chosen = [option_name(ctx, n) for n in names if given(ctx, n)]
    if len(chosen) > 1:
        listed = " or ".join(option_name(ctx, n) for n in names)
        fail(f"give either {listed}, not {' and '.join(chosen)}")


def match_length(ctx: click.Context, turns: int | None, continuation: float | None) -> int:
    """The fixed length to pass with ``continuation`` (refusing --turns with --continuation)."""
    one_of(ctx, "turns", "continuation")
    return DEFAULT_TURNS if turns is None else turns


# --- sizes and output paths, checked before any work --------------------------------------------


def check_budget(amount: float, limit: float, *, what: str, unit: str, hint: str = "") -> None:
    """Refuse a request over a limit, in one line: how big it is and what the limit is.

    Examples
    --------
    >>> check_budget(10, 100, what="--history", unit="rows")
    """
    if not amount <= limit:
        size = f"{amount:,.0f}" if math.isfinite(amount) and amount < 1e7 else f"{amount:.3g}"
        cap = f"{limit:,.0f}" if limit < 1e7 else f"{limit:.3g}"
        fail(f"{what} asks for {size} {unit}; the limit is {cap}{hint}")


#: Output kinds and the extensions each accepts (first: the usual one). Add new kinds here.
OUTPUT_KINDS: dict[str, tuple[str, ...]] = {
    "plot": (".png", ".svg", ".pdf"),
    "image": (".png",),
    "animation": (".gif",),
    "json": (".json",),
    "csv": (".csv",),
    "html": (".html",),
    "store": (".duckdb",),
    "table": (".csv", ".parquet"),
}


def check_output(path: str | Path | None, option: str, kind: str) -> Path | None:
    """Check an output path before computing: ``None`` passes; anything else must name a file
    (not a folder) with an extension of ``kind`` in a folder that exists and can be written.

    The check creates the file if it did not exist and removes it again (the only sure test on
    every file system, ``/proc`` included); an existing file is opened for appending, not
    truncated.

    Raises
    ------
    UsageFailure
        With one line naming ``option``, the path (cut short) and what is wrong.
    """
    if path is None:
        return None
    text = str(path)
    allowed = OUTPUT_KINDS[kind]
    listed = ", ".join(allowed[:-1]) + (" or " if len(allowed) > 1 else "") + allowed[-1]
    if not text.strip():
        fail(f"{option} needs a file name ending in {listed}, got an empty name")
    p = Path(text).expanduser()
    shown = repr(clip(text))
    try:
        is_dir = p.is_dir()
        parent_is_dir = p.parent.is_dir()
        existed = p.exists()
    except OSError as exc:  # a name longer than the file system allows, and the like
        fail(f"{option} {shown} cannot be written: {(exc.strerror or type(exc).__name__).lower()}")
    if is_dir or text.endswith(("/", os.sep)):
        fail(f"{option} {shown} is a folder; give a file name ending in {listed}")
    suffix = p.suffix.lower()
    if suffix not in allowed:
        what = f"unknown format {suffix!r}" if suffix else "no extension"
        fail(f"{option} {shown}: {what}; use a file name ending in {listed}")
    if not parent_is_dir:
        fail(f"{option} {shown}: folder {clip(str(p.parent))!r} does not exist")
    try:
        with open(p, "ab"):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        fail(f"{option} {shown} cannot be written: {reason.lower()}")
    if not existed:
        with suppress(OSError):
            p.unlink()
    return p


# --- options declared once, shared by several commands ------------------------------------------

_F = TypeVar("_F", bound=Callable[..., Any])


@dataclass(frozen=True)
class SharedOption:
    """One option of a group declared once and added to several commands.

    ``name`` is the Python parameter name (typer derives ``--name-with-dashes`` unless
    ``annotation``'s ``typer.Option`` names it); ``target`` the keyword the value is collected
    under (default: ``name``).
    """

    name: str
    annotation: Any
    default: Any
    target: str | None = None


def shared_options(
    options: Sequence[SharedOption], *, into: str, defaults: Mapping[str, Any] | None = None
) -> Callable[[_F], _F]:
    """Add ``options`` to a command; their values reach it as one dict, keyword ``into``.

    The decorated function declares ``into: dict[str, Any]``; in the command's ``--help`` the
    options take its place. ``defaults`` overrides some defaults for this command. A command
    may not declare a parameter of the same name (an error at import).

    Example::

        @shared_options(SOCIETY_OPTIONS, into="settings", defaults={"agents": 500})
        def critical_mass_cmd(initiator: ..., settings: dict[str, Any], fmt: FormatOpt = ...):
            config = SocietyConfig(..., **settings)
    """
    overrides = dict(defaults or {})

    def decorate(func: _F) -> _F:
        sig = inspect.signature(func, eval_str=True)
        own = list(sig.parameters.values())
        names = [p.name for p in own]
        if into not in names:
            raise TypeError(f"{func.__name__} must declare a parameter {into!r}")
        clash = {o.name for o in options} & set(names)
        if clash:
            raise TypeError(f"{func.__name__} declares shared options {sorted(clash)} again")
        unknown = set(overrides) - {o.name for o in options}
        if unknown:
            raise TypeError(f"defaults for unknown shared options {sorted(unknown)}")
        kw = inspect.Parameter.KEYWORD_ONLY
        added = [
            inspect.Parameter(o.name, kw, default=overrides.get(o.name, o.default),
                              annotation=o.annotation)
            for o in options
        ]  # fmt: skip
        params: list[inspect.Parameter] = []
        for p in own:
            if p.name == into:
                params.extend(added)
            else:
                params.append(p.replace(kind=kw))
        targets = {o.name: o.target or o.name for o in options}

        @functools.wraps(func)
        def wrapper(**kwargs: Any) -> Any:
            group = {targets[n]: kwargs.pop(n) for n in list(kwargs) if n in targets}
            return func(**kwargs, **{into: group})

        wrapper.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in params}
        return wrapper  # type: ignore[return-value]

    return decorate


def set_threads(n: int) -> None:
    """Let the compiled kernels use ``n`` threads (results do not depend on it).

    Numba's pool is sized at start-up (``NUMBA_NUM_THREADS``, default: the cores); ``n`` may be
    anything from 1 to that size.
    """
    import numba

    config: Any = numba.config
    most = int(config.NUMBA_NUM_THREADS)
    if not 1 <= n <= most:
        fail(f"--threads must be between 1 and {most} on this machine, got {n}")
    numba.set_num_threads(n)


def jsonable(value: Any) -> Any:
    """``value`` with NumPy scalars/arrays turned into Python and non-finite floats into None."""
    import numpy as np

    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        f = float(value)
        return f if math.isfinite(f) else None
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def emit(
    payload: Any,
    fmt: OutputFormat,
    table: Callable[[Any], Table | Sequence[Table]],
    rows: Callable[[Any], Sequence[dict[str, Any]]],
) -> None:
    """Print ``payload`` as JSON, as CSV (``rows(payload)``) or as rich tables (``table(payload)``).

    JSON is the full payload (its keys are the contract other tools read); CSV is the flat rows
    that matter most; tables are for people.
    """
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps(jsonable(payload), indent=2) + "\n")
    elif fmt is OutputFormat.csv:
        records = [jsonable(r) for r in rows(payload)]
        buf = io.StringIO()
        if records:
            writer = csv.DictWriter(buf, fieldnames=list(records[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(records)
        sys.stdout.write(buf.getvalue())
    else:
        tables = table(payload)
        for t in [tables] if isinstance(tables, Table) else tables:
            print_table(t)


def print_table(t: Table) -> None:
    """Print a rich table completely, whatever the terminal's width or when piped.

    Outside a terminal (a file, a pipe, a CI log) the table gets its natural width, never
    wrapped or cut; in a terminal narrower than the table, at least the width at which every
    cell shows whole (long text folds, numbers never turn into ``…`` or empty cells).
    """
    probe = Console(width=100_000, color_system=None)
    need = probe.measure(t)
    if sys.stdout.isatty():
        console = Console()
        width = max(console.width, need.minimum)
    else:
        title = len(str(t.title)) if t.title is not None else 0
        width = max(need.maximum, title, 20)
    Console(width=width, soft_wrap=False).print(t)


@contextmanager
def progress_bar(description: str, *, enabled: bool = True) -> Iterator[Callable[[int, int], None]]:
    """A rich progress bar on stderr; yields a ``progress(done, total)`` callback.

    The bar is drawn only when stderr is a terminal and ``enabled``, so JSON on stdout and logs
    in CI stay clean.
    """
    if not enabled or not sys.stderr.isatty():
        yield lambda done, total: None
        return
    console = Console(stderr=True)
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>5.1f}%"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update
