"""A fuzzer of the whole command line: every command, every option, odd values.

Commands and options are discovered from the typer app (``typer.main.get_command``), so a
command or option added later is fuzzed without touching this file. Each example is an argument
list: a command, its arguments, a small *base* that keeps valid requests quick (few turns,
agents, generations; applied only to options the command has), then up to five options with
values drawn from pools of out-of-range, non-finite, huge, empty, unicode, malformed and
conflicting values. Later options override the base, so huge values are still tried.

Each example runs in-process under :func:`trustlab.domain.limits.tightened` (a 256 MiB memory
cap and time limits cut to a thousandth), so whatever is accepted finishes quickly, and asserts:

* exit code 0 or 2 (nothing else), never a traceback;
* exit 2 comes with exactly one line on stderr starting ``error:``, at most 400 characters
  (a group without its subcommand prints its usage instead);
* bounded time (:data:`TIME_BUDGET` seconds) and memory (the process's peak resident size may
  grow by at most :data:`MEMORY_BUDGET` bytes during an example).

The first use of each command (imports, loading compiled kernels) is done once before the
examples, so that the time budget measures the request, not the start-up.

The example database kept in the repository (``tests/.hypothesis-db``, read-only to the tests)
holds failures found earlier: they are replayed first on every run; new ones are saved in the
local ``.hypothesis`` folder (copy an entry into the repository's to keep it). ``-m slow`` runs
a longer fuzz (1,500 examples; the default run is 40 examples, under a minute).
"""

from __future__ import annotations

import contextlib
import io
import os
import resource
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.database import (
    DirectoryBasedExampleDatabase,
    MultiplexedDatabase,
    ReadOnlyDatabase,
)

from trustlab.domain import limits
from trustlab.interfaces.cli import _register, app, main

# the repository's examples are replayed, never rewritten (a run leaves the checkout clean); new
# failures go to the local, ignored .hypothesis folder
DATABASE = MultiplexedDatabase(
    ReadOnlyDatabase(
        DirectoryBasedExampleDatabase(str(Path(__file__).resolve().parents[1] / ".hypothesis-db"))
    ),
    DirectoryBasedExampleDatabase(str(Path(".hypothesis", "cli-fuzz").resolve())),
)
TIME_BUDGET = 20.0  # seconds per example (the machine is shared; typical examples take < 1 s)
MEMORY_BUDGET = 600 * 2**20  # growth of the peak resident size per example

WARM_UP = [
    ["strategies"],
    ["match", "tft", "random", "--turns", "2", "--seed", "1"],
    ["tournament", "--turns", "2", "--seed", "1"],
    ["analyze", "payoffs", "tft", "wsls", "--noise", "0.1"],
    ["analyze", "fixation", "--payoffs", "3,0,5,1", "--population", "10"],
    ["analyze", "replicator", "--strategies", "tft,always-defect"],
    ["profile", "tft"],
    ["evolve", "-p", "tft:5,always-defect:5", "--generations", "2", "--seed", "1"],
    ["society", "-p", "reciprocator:0.5,exploiter:0.5", "--agents", "20", "--rounds", "2"],
    ["critical-mass", "--agents", "20", "--rounds", "2", "--runs", "1", "--shares", "0.5"],
]

# Options that keep a *valid* request small; applied only where a command has the option.
BASE: dict[str, str] = {
    "--turns": "5",
    "--generations": "5",
    "--agents": "30",
    "--rounds": "5",
    "--capacity": "2",
    "--runs": "1",
    "--shares": "0.5",
    "--repetitions": "1",
}

INTS = ["0", "1", "2", "3", "-1", "10", "1000000000", "1000000000000", str(2**63), "1e3", "x"]
FLOATS = ["0", "0.5", "1", "-0.1", "1.5", "nan", "inf", "-inf", "1e308", "0.9999999999999999",
          "", "x"]  # fmt: skip
TEXTS = [
    "", " ", "tft", "tit-for-tat", "grudger", "titfortat", "memory-one:1,0,1,0.5",
    "memory-one:1,0,1,0.5,tft", "memroy-one:1,0,1,0", "reactive:1,nan", "tft;grudger",
    "tft:5,always-defect:5", "tft:nan,always-defect:5", "tft:0.5,always-defect:0.5",
    "reciprocator:1", "reciprocator:0.5,exploiter:0.5", "guarded", "lattice:4x4",
    "lattice:100000x100000", "ring:10:2", f"ring:{10**9}:2", "well-mixed", "edges:/nonexistent",
    "erdos-renyi:1000000:0.5", "3,0,5,1", "4,0,3,1", "1,2,3", "donation:3,1",
    "vulnerability-exchange", "public-goods:5:3", "moore", "hex", "fixed", "sum", "moran",
    "fermi", "elimination", "best-neighbour", "matches", "one-shot", "expected", "ü", "信頼",
    "x" * 2000, "/proc/out.png", "/no/such/folder/out.png", "out.xyz", "out.png", "out.gif",
    "--help",
]  # fmt: skip


def _leaf_commands() -> list[tuple[list[str], Any]]:
    """Every runnable command as (path words, click command), discovered from the app."""
    _register()
    root = typer.main.get_command(app)
    found: list[tuple[list[str], Any]] = []

    def walk(cmd: Any, path: list[str]) -> None:
        subs = getattr(cmd, "commands", None)
        if subs:
            found.append((path, cmd))  # a group alone: usage and exit 2
            for name, sub in subs.items():
                walk(sub, [*path, name])
        else:
            found.append((path, cmd))

    walk(root, [])
    return found


COMMANDS = _leaf_commands()


def _values_for(param: Any) -> st.SearchStrategy[str]:
    """Values for an option, by its declared type (typer's descriptor, or click's type)."""
    desc = getattr(param, "type_descriptor", None)
    kind = getattr(desc, "annotation", None) or getattr(param, "type", None)
    name = getattr(kind, "__name__", type(kind).__name__).lower()
    choices = getattr(desc, "choices", None) or getattr(getattr(param, "type", None), "choices", ())
    free = st.text(max_size=12)
    if choices:
        return st.one_of(st.sampled_from([str(getattr(c, "value", c)) for c in choices]), free)
    if "int" in name:
        return st.one_of(st.sampled_from(INTS), st.integers(-5, 10**13).map(str))
    if "float" in name:
        return st.one_of(st.sampled_from(FLOATS), st.floats(allow_nan=True).map(repr))
    return st.one_of(st.sampled_from(TEXTS), free)


@st.composite
def argvs(draw: st.DrawFn) -> list[str]:
    path, cmd = draw(st.sampled_from(COMMANDS))
    argv = list(path)
    if getattr(cmd, "commands", None):
        return argv
    params = [p for p in cmd.params if p.name not in ("help",)]
    for p in params:
        if p.param_type_name == "argument":
            argv.append(draw(st.sampled_from(TEXTS[2:20])))
    opts = [p for p in params if p.param_type_name == "option"]
    for p in opts:
        for o in p.opts:
            if o in BASE:
                argv += [o, BASE[o]]
    chosen = draw(st.lists(st.sampled_from(opts), max_size=5)) if opts else []
    for p in chosen:
        flag = draw(st.sampled_from(list(p.opts) + list(p.secondary_opts)))
        if p.is_flag:
            argv.append(flag)
        else:
            argv += [flag, draw(_values_for(p))]
    return argv


@contextlib.contextmanager
def _captured() -> Iterator[tuple[io.StringIO, io.StringIO]]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        yield out, err


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    for argv in WARM_UP:
        with _captured(), contextlib.suppress(SystemExit):
            main([*argv, "--format", "json"])


def _peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB


def _serve_returns(*args: Any, **kwargs: Any) -> None:
    """``trustlab serve`` stops where it would start listening: everything it checks before
    (options, the address, the port) is fuzzed; the server itself has its own tests."""


def _claims_not_run(claims: Any, *args: Any, **kwargs: Any) -> list[Any]:
    """``trustlab essay`` (and ``report``) stop where the experiments would run: everything
    they check before (--out, --store, --workers, --cluster, the mode) is fuzzed, and an empty
    report is written; the report itself has its own tests (tests/unit/experiments)."""
    return []


def run_case(argv: list[str], folder: Path) -> None:
    """Run one argument list and assert the contract (see the module docstring)."""
    import uvicorn

    here = os.getcwd()
    os.chdir(folder)
    rss = _peak_rss()
    start = time.perf_counter()
    try:
        with (
            limits.tightened(memory=256 * 2**20, time_share=1e-3),
            pytest.MonkeyPatch.context() as patch,
            _captured() as (out, err),
            pytest.raises(SystemExit) as info,
        ):
            patch.setattr(uvicorn, "run", _serve_returns)
            patch.setattr("trustlab.interfaces.cli.serve._open_soon", _serve_returns)
            patch.setattr("trustlab.experiments.report.run_claims", _claims_not_run)
            main(argv)
            raise SystemExit(0)
        took = time.perf_counter() - start
        grown = _peak_rss() - rss
    finally:
        os.chdir(here)
    code = info.value.code
    stderr = err.getvalue()
    shown = f"argv={argv!r}\nstderr={stderr[-2000:]!r}"
    assert code in (0, 2), shown
    assert "Traceback" not in stderr, shown
    if code == 2 and "Usage:" not in stderr + out.getvalue():
        lines = stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), shown
        assert len(lines[0]) <= 400, shown
    assert took < TIME_BUDGET, f"{took:.1f} s for {argv!r}"
    assert grown < MEMORY_BUDGET, f"{grown / 2**20:.0f} MiB more for {argv!r}"


_FUZZ = settings(
    database=DATABASE,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@settings(_FUZZ, max_examples=40)
@given(argv=argvs())
def test_every_command_answers_every_input(argv: list[str], tmp_path: Path) -> None:
    run_case(argv, tmp_path)


@pytest.mark.slow
@settings(_FUZZ, max_examples=1500)
@given(argv=argvs())
def test_every_command_answers_every_input_thoroughly(argv: list[str], tmp_path: Path) -> None:
    run_case(argv, tmp_path)


def test_the_fuzzer_sees_every_command() -> None:
    """Commands are discovered, not listed: all of today's are there."""
    paths = {" ".join(p) for p, _ in COMMANDS}
    expected = {"strategies", "match", "tournament", "profile", "evolve", "society",
                "critical-mass", "analyze", "analyze payoffs", "analyze fixation",
                "analyze replicator"}  # fmt: skip
    assert expected <= paths
