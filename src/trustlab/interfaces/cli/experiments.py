"""``trustlab run SPEC.toml`` and ``trustlab results list|show|export``: sweeps and their store.

The spec's keys are this command line's own options: :func:`cli_backend` reads them from the
commands themselves (names, types, defaults, choices), and :func:`execute` runs one unit by
invoking the command in-process with ``--format json``, so a spec and a command line never
disagree.
"""

from __future__ import annotations

import contextlib
import enum
import io
import json
import sys
import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from trustlab.domain.errors import TrustlabError
from trustlab.experiments.commands import Backend, CommandSchema, OptionSchema
from trustlab.experiments.errors import Interrupted, UnitFailed, UnitInputError
from trustlab.interfaces.cli._common import (
    FormatOpt,
    OutputFormat,
    UsageFailure,
    check_output,
    clip,
    emit,
    fail,
    progress_bar,
)

__all__ = ["KINDS", "cli_backend", "execute", "register"]

KINDS = (
    "match", "tournament", "evolve", "society", "critical-mass",
    "analyze payoffs", "analyze fixation", "analyze replicator", "profile",
)  # fmt: skip
"""The commands a spec may name as its ``kind``."""

# Options a spec may not set, and why (the runner owns them, or they write files).
EXCLUDED = {
    "seed": "every unit's seed derives from the spec's top-level seed",
    "format": "the runner reads each unit's JSON",
    "plot": "it writes a file; draw figures from the store instead",
    "gif": "it writes a file; draw figures from the store instead",
    "snapshot": "it writes a file; draw figures from the store instead",
}

StoreOpt = Annotated[Path, typer.Option("--store", help="The results database (DuckDB file).")]


# -- the backend: schemas read from the commands, and the unit executor ------------------------


def _click_command(kind: str) -> Any:
    from trustlab.interfaces.cli import _register, app

    _register()
    cmd: Any = typer.main.get_command(app)
    for word in kind.split():
        sub = getattr(cmd, "commands", {}).get(word)
        if sub is None:
            return None
        cmd = sub
    return cmd


def _option_schema(p: Any) -> OptionSchema | None:
    """The spec's view of one click parameter (None for --format and the like)."""
    is_option = getattr(p, "param_type_name", "") == "option"
    longs = [o for o in p.opts if o.startswith("--")]
    key = longs[0][2:] if is_option and longs else p.name.replace("_", "-")
    annotation = getattr(getattr(p, "type_descriptor", None), "annotation", None)
    choices: tuple[str, ...] = ()
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        vtype = "choice"
        choices = tuple(str(m.value) for m in annotation)
    elif getattr(p, "is_bool_flag", False) or annotation is bool:
        vtype = "bool"
    elif annotation is int:
        vtype = "int"
    elif annotation is float:
        vtype = "float"
    elif getattr(p, "multiple", False):
        vtype = "list"
    elif isinstance(annotation, type) and issubclass(annotation, Path):
        return None
    else:
        vtype = "str"
    default = p.default
    if isinstance(default, enum.Enum):
        default = default.value
    if default is not None and vtype == "float":
        default = float(default)
    return OptionSchema(
        key=key, type=vtype, default=default, required=bool(p.required),  # type: ignore[arg-type]
        flag=longs[0] if is_option and longs else "",
        off_flag=(p.secondary_opts or [""])[0] if is_option else "",
        choices=choices, help=" ".join(str(p.help or "").split()),
    )  # fmt: skip


def _schema(kind: str, cmd: Any) -> CommandSchema:
    options: list[OptionSchema] = []
    excluded: dict[str, str] = {}
    seeded = False
    for p in cmd.params:
        if p.name == "seed":
            seeded = True
        o = _option_schema(p)
        key = o.key if o is not None else p.name.replace("_", "-")
        if key in EXCLUDED or o is None or p.name == "fmt":
            excluded[key] = EXCLUDED.get(key, "it names a file")
            continue
        options.append(o)
    summary = (cmd.help or "").strip().splitlines()[0] if cmd.help else ""
    return CommandSchema(kind, tuple(options), seeded, excluded, summary)


@cache
def cli_backend() -> Backend:
    """The commands a spec may name, read from this command line, and :func:`execute`.

    Examples
    --------
    >>> b = cli_backend()
    >>> b.command("tournament").option("noise").type
    'float'
    >>> b.command("tournament").option("self_play").argv(False)
    ['--no-self-play']
    """
    commands = {}
    for kind in KINDS:
        cmd = _click_command(kind)
        if cmd is not None:
            commands[kind] = _schema(kind, cmd)
    return Backend(commands=commands, execute=execute)


_LOCK = threading.Lock()  # stdout is redirected per unit: one unit at a time per process


def execute(kind: str, argv: Sequence[str]) -> dict[str, Any]:
    """Run one unit: the command ``kind`` with ``argv`` and ``--format json``; its payload.

    Raises
    ------
    UnitInputError
        The command rejected its input (one line, as the command line would print it).
    """
    from typer._click import exceptions as click_exceptions

    cmd = _cached_command(kind)
    out = io.StringIO()
    with _LOCK:
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
                code = cmd.main(
                    args=[*argv, "--format", "json"], prog_name=f"trustlab {kind}",
                    standalone_mode=False,
                )  # fmt: skip
        except (TrustlabError, UsageFailure) as exc:
            raise UnitInputError(" ".join(str(exc).split())) from None
        except click_exceptions.ClickException as exc:
            raise UnitInputError(" ".join(exc.format_message().split())) from None
    if code == 130:
        # typer turns Ctrl-C inside a command into the return code 130 (it would be recorded
        # as a crash, and retried): give the sweep its Ctrl-C back
        raise KeyboardInterrupt
    payload: dict[str, Any] = json.loads(out.getvalue())
    return payload


@cache
def _cached_command(kind: str) -> Any:
    cmd = _click_command(kind)
    if cmd is None:
        raise UnitInputError(f"unknown kind {kind!r}")
    return cmd


# -- commands -----------------------------------------------------------------------------------

#: where units run, the same in `run`, `report` and `essay`
WorkersOpt = Annotated[
    int, typer.Option("--workers", "-w", help="Local worker processes (1: this process).")
]
ClusterOpt = Annotated[
    str | None,
    typer.Option(
        "--cluster",
        help="Run on Dask: tcp://HOST:8786 (a running scheduler) or local:N (start N "
        "workers on this machine). Replaces --workers.",
    ),
]


def run_command(
    spec: Annotated[Path, typer.Argument(help="The experiment spec (TOML).")],
    store: StoreOpt = Path("trustlab.duckdb"),
    workers: WorkersOpt = 1,
    cluster: ClusterOpt = None,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="Continue an interrupted sweep: the store must exist. (Stored units are never "
            "recomputed, with or without it.)",
        ),
    ] = False,
    task_seconds: Annotated[
        float, typer.Option("--task-seconds", help="Target seconds of work per task.")
    ] = 1.0,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Run an experiment spec: every unit not yet in the store, each stored as it finishes.

    Example: trustlab run examples/noisy-tournament.toml --workers 2 --store results.duckdb
    """
    from trustlab.experiments import load_spec, make_runner, run_experiment
    from trustlab.store import Store
    from trustlab.store.database import check_store_path

    backend = cli_backend()
    sp = load_spec(spec, backend)
    if resume and not store.exists():
        fail(f"--resume: {store} does not exist, so there is nothing to resume")
    check_store_path(store)
    if task_seconds <= 0:
        fail(f"--task-seconds must be positive, got {task_seconds}")
    runner = make_runner(workers, cluster)
    with Store(store) as db:
        try:
            with progress_bar(f"{sp.name}") as progress:
                run = run_experiment(
                    sp, db, runner, backend, progress=progress, task_seconds=task_seconds
                )
        except Interrupted as exc:
            sys.stderr.write(
                f"interrupted: {exc.stored} of {exc.total} units stored in {store}; "
                "run again with --resume to finish\n"
            )
            raise typer.Exit(130) from None
        except UnitFailed as exc:
            sys.stderr.write(f"error: {exc}\n")
            raise typer.Exit(1) from None
        except UnitInputError:
            raise
    payload = run.to_dict()

    def table(p: dict[str, Any]) -> Table:
        t = Table(title=f"{p['spec']} ({p['spec_hash']}) — {p['kind']}", title_justify="left")
        for c in ("units", "reused", "computed", "failed", "seconds", "runner", "store"):
            t.add_column(c)
        t.add_row(str(p["units"]), str(p["reused"]), str(p["computed"]), str(len(p["failed"])),
                  f"{p['seconds']:.2f}", p["runner"], p["store"])  # fmt: skip
        return t

    emit(payload, fmt, table, lambda p: [{k: v for k, v in p.items() if k != "failed"}])


results_app = typer.Typer(
    name="results",
    help="What the results database holds: list specs, show a spec's numbers, export tables. "
    'Plain SQL works too: duckdb trustlab.duckdb "SELECT * FROM results".',
    no_args_is_help=True,
)


def _open(store: Path) -> Any:
    from trustlab.store import Store

    return Store(store, read_only=True)


@results_app.command("list")
def results_list(
    store: StoreOpt = Path("trustlab.duckdb"), fmt: FormatOpt = OutputFormat.table
) -> None:
    """List the specs in the store and how many of their units are stored.

    Example: trustlab results list --store results.duckdb
    """
    with _open(store) as db:
        rows = db.specs()
    payload = [{**r, "created": str(r["created"])} for r in rows]

    def table(rs: list[dict[str, Any]]) -> Table:
        t = Table(title=f"{store}: {len(rs)} spec(s)", title_justify="left")
        for c in ("spec_hash", "name", "kind", "units", "stored", "created"):
            t.add_column(c)
        for r in rs:
            t.add_row(r["spec_hash"], r["name"], r["kind"], str(r["n_units"]), str(r["stored"]),
                      r["created"][:19])  # fmt: skip
        return t

    emit(payload, fmt, table, lambda rs: rs)


@results_app.command("show")
def results_show(
    spec: Annotated[str, typer.Argument(help="Spec name or hash (a prefix will do).")],
    metric: Annotated[
        list[str] | None,
        typer.Option("--metric", "-m", help="Metrics to show (glob patterns; repeatable)."),
    ] = None,
    level: Annotated[float, typer.Option("--level", help="Interval level.")] = 0.95,
    store: StoreOpt = Path("trustlab.duckdb"),
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Show a spec's points: varied parameters, and each metric's mean and interval.

    Example: trustlab results show noisy-tournament -m "ranking.*.score_per_turn"
    """
    from trustlab.experiments.results import point_summaries

    if not 0 < level < 1:
        fail(f"--level must be between 0 and 1, got {level}")
    with _open(store) as db:
        found = db.find_spec(spec)
        rows = point_summaries(db, found["spec_hash"], metric or (), level)
    if metric and rows and not rows[0]["metrics"]:
        fail(f"no metric of {found['name']} matches {', '.join(metric)}")
    payload = {"spec": found["name"], "spec_hash": found["spec_hash"], "kind": found["kind"],
               "points": rows}  # fmt: skip

    def table(p: dict[str, Any]) -> Table:
        pts = p["points"]
        t = Table(title=f"{p['spec']} ({p['spec_hash']}) — mean [{level:.0%} interval]",
                  title_justify="left")  # fmt: skip
        keys = [k for k in (pts[0] if pts else {}) if k not in ("point", "metrics")]
        names = list(pts[0]["metrics"]) if pts else []
        if len(names) > 8 and not metric:
            t.caption = f"{len(names)} metrics; showing 8 (choose with --metric)"
            names = names[:8]
        for c in ("point", *keys, *names):
            t.add_column(c, overflow="fold")
        for r in pts:
            cells = [_cell(r["metrics"][n]) for n in names]
            t.add_row(str(r["point"]), *(str(r[k]) for k in keys), *cells)
        return t

    def csv_rows(p: dict[str, Any]) -> list[dict[str, Any]]:
        out = []
        for r in p["points"]:
            base = {k: v for k, v in r.items() if k != "metrics"}
            for name, s in r["metrics"].items():
                out.append({**base, "metric": name, **s})
        return out

    emit(payload, fmt, table, csv_rows)


def _cell(s: dict[str, Any]) -> str:
    if s["mean"] is None:
        return "—"
    if s["low"] is None or s["n"] < 2:
        return f"{s['mean']:.4g}"
    return f"{s['mean']:.4g} [{s['low']:.4g}, {s['high']:.4g}]"


@results_app.command("export")
def results_export(
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write: .csv or .parquet.")],
    spec: Annotated[
        str | None, typer.Argument(help="Spec name or hash (default: every spec).")
    ] = None,
    table: Annotated[
        str, typer.Option("--table", help="units (one row per unit), metrics or series (long).")
    ] = "units",
    store: StoreOpt = Path("trustlab.duckdb"),
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Export a table of the store as CSV or Parquet (through DuckDB's COPY).

    Example: trustlab results export noisy-tournament --out tournament.parquet --table metrics
    """
    if table not in ("units", "metrics", "series"):
        fail(f"--table must be units, metrics or series, got {clip(table)!r}")
    with contextlib.suppress(OSError):  # an unusable --store is refused when it is opened
        if out.exists() and store.exists() and out.resolve() == store.resolve():
            fail("--out would overwrite the store itself")
    checked = check_output(out, "--out", "table")
    assert checked is not None
    out = checked
    suffix = out.suffix.lower().lstrip(".")
    with _open(store) as db:
        spec_hash = db.find_spec(spec)["spec_hash"] if spec else None
        n = db.export(out, suffix, spec_hash=spec_hash, table=table)
    payload = {"rows": n, "out": str(out), "table": table, "format": suffix,
               "spec_hash": spec_hash}  # fmt: skip

    def summary(p: dict[str, Any]) -> Table:
        t = Table(title=f"wrote {p['rows']} rows of {p['table']} to {p['out']}")
        t.add_column("rows")
        t.add_column("file")
        t.add_row(str(p["rows"]), p["out"])
        return t

    emit(payload, fmt, summary, lambda p: [p])


def report_command(
    claims: Annotated[Path, typer.Argument(help="The claims file (TOML).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the report.")] = Path(
        "report"
    ),
    store: StoreOpt = Path("trustlab.duckdb"),
    workers: WorkersOpt = 1,
    cluster: ClusterOpt = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Test a file of claims: run each claim's spec, judge it by its criterion, write a report.

    Writes report.html (self-contained: figures embedded, no network), report.md with one PNG per
    claim, and results.json into --out; prints the verdicts. Stored units are reused, so a second
    run with the same store takes seconds.

    Example: trustlab report examples/tournament-claims.toml --out report --workers 2
    """
    from trustlab.experiments.report import load_claims

    title, claim_list = load_claims(claims, cli_backend())
    _report(claim_list, title, out, store, workers, cluster, fmt)


def _report(
    claim_list: Sequence[Any],
    title: str,
    out: Path,
    store: Path,
    workers: int,
    cluster: str | None,
    fmt: OutputFormat,
) -> None:
    """Run claims into ``store``, write the report into ``out`` and print the verdicts.

    Every path and the runner are checked before any unit runs (one line, exit 2)."""
    import time

    from trustlab.experiments import make_runner
    from trustlab.experiments.report import run_claims
    from trustlab.experiments.report.render import verdict_table, write_report
    from trustlab.store import Store
    from trustlab.store.database import check_store_path

    backend = cli_backend()
    check_store_path(store)  # checked before any work: the store, then the report folder
    try:
        if out.exists() and not out.is_dir():
            fail(f"--out {clip(str(out))} is a file; give a folder")
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".trustlab-write-check"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        fail(f"--out {clip(str(out))}: cannot write the report there ({exc.strerror})")
    runner = make_runner(workers, cluster)  # bad --workers/--cluster: refused before any work
    started = time.perf_counter()
    with Store(store) as db, progress_bar("claims") as bar:
        try:
            results = run_claims(
                claim_list, db, runner, backend,
                progress=lambda _id, done, total: bar(done, total),
            )  # fmt: skip
        except Interrupted as exc:
            sys.stderr.write(f"interrupted: {exc.stored} of {exc.total} units of a claim stored "
                             f"in {store}; run again to finish\n")  # fmt: skip
            raise typer.Exit(130) from None
    files = write_report(results, out, title)
    seconds = time.perf_counter() - started
    units = sum(r.units for r in results)
    reused = sum(r.reused for r in results)
    payload = {"title": title, "files": files, "store": str(store), "seconds": round(seconds, 2),
               "units": units, "reused": reused,
               "claims": [r.to_dict() for r in results]}  # fmt: skip

    def table(p: dict[str, Any]) -> list[Table]:
        t = verdict_table(results, title)
        t.caption = (f"{p['units']} units ({p['reused']} reused from {p['store']}) in "
                     f"{p['seconds']:.1f} s · report: {p['files']['html']} · "
                     f"{p['files']['markdown']}")  # fmt: skip
        return [t]

    emit(payload, fmt, table, lambda p: [{"id": c["id"], "claim": c["claim"],
         "criterion": c["criterion"], "verdict": c["verdict"]} for c in p["claims"]])  # fmt: skip


def essay_command(
    quick: Annotated[
        bool, typer.Option("--quick", help="Fewer replicates, smaller runs (minutes on a laptop).")
    ] = False,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the report.")] = Path(
        "essay-report"
    ),
    store: StoreOpt = Path("trustlab.duckdb"),
    workers: WorkersOpt = 1,
    cluster: ClusterOpt = None,
    mode: Annotated[
        str | None, typer.Option("--mode", hidden=True, help="tiny|quick|full (tests).")
    ] = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Test the essay's claims: one experiment per claim, a verdict from criteria fixed in advance.

    Runs every claim's experiment (stored units are reused), judges it by its criterion, writes
    report.html (self-contained), report.md with one figure per claim and results.json into
    --out, and prints the verdicts. --quick differs from the full report only in replicates and
    sizes, never in the criteria.

    Example: trustlab essay --quick
    """
    from trustlab.experiments.essay import MODES, TITLE, essay_claims

    chosen = mode or ("quick" if quick else "full")
    if chosen not in MODES:
        fail(f"--mode must be one of {', '.join(MODES)}, got {chosen!r}")
    claim_list = essay_claims(chosen, cli_backend())  # type: ignore[arg-type]
    title = f"{TITLE} ({chosen} mode)"
    _report(claim_list, title, out, store, workers, cluster, fmt)


def register(app: typer.Typer) -> None:
    """Add ``run``, ``results``, ``report`` and ``essay`` to ``app``."""
    app.command("run")(run_command)
    app.add_typer(results_app)
    app.command("report")(report_command)
    app.command("essay")(essay_command)
