"""A real sweep killed mid-way (SIGKILL, or Ctrl-C) and resumed: every unit exactly once, with
the values of an uninterrupted run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from trustlab.store import Store

SPEC = """
name = "resume-me"
kind = "match"
seed = 11
replicates = 40
[params]
a = "tit-for-tat"
b = "random"
turns = 500
[grid]
noise = [0.0, 0.02, 0.05, 0.1, 0.2]
"""
TOTAL = 5 * 40
#: the same sweep with matches 40 times longer, for the Ctrl-C test: it must still be running when
#: the signal comes (with 500 turns a fast machine could finish between the check and the signal)
LONG_SPEC = SPEC.replace("turns = 500", "turns = 20000")


def trustlab(*args: str, **kw: Any) -> subprocess.Popen[str]:
    code = "from trustlab.interfaces.cli import main; main()"
    return subprocess.Popen(
        [sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, start_new_session=True, **kw,
    )  # fmt: skip


def wait_for_commits(store: Path, proc: subprocess.Popen[str], timeout: float = 120) -> None:
    """Until the sweep has committed some units (its write-ahead log grows)."""
    wal = Path(str(store) + ".wal")
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if proc.poll() is not None:
            _, err = proc.communicate()
            raise AssertionError(f"the sweep ended before it was stopped: {err}")
        if wal.exists() and wal.stat().st_size > 40_000:
            return
        time.sleep(0.05)
    raise AssertionError("no unit was committed in time")


def contents(path: Path) -> tuple[int, int, int, list[tuple[Any, ...]]]:
    with Store(path, read_only=True) as s:
        n, distinct = s.sql("SELECT count(*) AS n, count(DISTINCT unit_key) AS d FROM units")[
            0
        ].values()
        linked = s.sql("SELECT count(*) AS n FROM results")[0]["n"]
        rows = [tuple(r.values()) for r in s.sql(
            "SELECT unit_key, point, replicate, seed, result FROM units ORDER BY unit_key"
        )]  # fmt: skip
    return n, distinct, linked, rows


def finish(*args: str) -> subprocess.CompletedProcess[str]:
    code = "from trustlab.interfaces.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=600,
        check=False,
    )  # fmt: skip


def test_sigkill_mid_sweep_then_resume_stores_every_unit_once(tmp_path: Path) -> None:
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC)
    killed = tmp_path / "killed.duckdb"
    proc = trustlab("run", str(spec), "--store", str(killed), "--workers", "2",
                    "--task-seconds", "0.05")  # fmt: skip
    wait_for_commits(killed, proc)
    os.killpg(proc.pid, signal.SIGKILL)  # the coordinator and its workers, at once
    proc.communicate()
    n, distinct, _, _ = contents(killed)
    assert 0 < n < TOTAL, f"killed after {n} of {TOTAL} units: not mid-way"
    assert n == distinct

    resumed = finish("run", str(spec), "--store", str(killed), "--resume", "--workers", "2",
                     "--format", "json")  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr
    assert f'"reused": {n}' in resumed.stdout

    whole = tmp_path / "whole.duckdb"
    clean = finish("run", str(spec), "--store", str(whole), "--format", "json")
    assert clean.returncode == 0, clean.stderr

    n1, d1, linked1, rows1 = contents(killed)
    n2, d2, linked2, rows2 = contents(whole)
    assert (n1, d1, linked1) == (TOTAL, TOTAL, TOTAL)
    assert (n2, d2, linked2) == (TOTAL, TOTAL, TOTAL)
    assert rows1 == rows2


@pytest.mark.parametrize("workers", ["1", "2"])
def test_ctrl_c_stops_cleanly_and_keeps_what_finished(tmp_path: Path, workers: str) -> None:
    spec = tmp_path / "spec.toml"
    spec.write_text(LONG_SPEC)
    store = tmp_path / "s.duckdb"
    proc = trustlab("run", str(spec), "--store", str(store), "--task-seconds", "0.02",
                    "--workers", workers)  # fmt: skip
    wait_for_commits(store, proc)
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground process group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert err.strip().startswith("interrupted: "), err
    stored = int(err.split("interrupted: ")[1].split(" of ")[0])
    n, distinct, linked, _ = contents(store)  # the store is closed and readable
    assert 0 < n == distinct == linked == stored < TOTAL
