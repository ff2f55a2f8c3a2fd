"""What every benchmark shares: the machine's description, medians, and where results go.

The convention (``run_all.py`` relies on it): a script ``benchmarks/bench_NAME.py`` measures,
prints a table, and calls :func:`save_result` with ``"NAME"`` and a JSON-able dict, which writes
``benchmarks/results/NAME.json`` together with the machine, the load and the versions, so the
README's tables can be regenerated from the files alone.

Benchmarks are not tests: they report what they measure and never assert a speed.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
BUILD = HERE / "_build"

__all__ = [
    "BUILD",
    "HERE",
    "RESULTS",
    "cpu_time",
    "load",
    "machine",
    "median_run",
    "run_process",
    "save_result",
    "trustlab_command",
]


def load() -> list[float]:
    """The 1, 5 and 15 minute load averages (the machine is shared: report them with timings)."""
    return [round(x, 2) for x in os.getloadavg()]


def _cpu_model() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return platform.processor() or "unknown"
    for line in out.splitlines():
        if line.startswith("Model name:"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def machine() -> dict[str, Any]:
    """The hardware and software a result was measured on."""
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for pkg in ("trustlab", "numpy", "numba", "axelrod"):
        try:
            versions[pkg] = version(pkg)
        except PackageNotFoundError:
            versions[pkg] = None
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
    }


def median_run(fn: Callable[[], Any], runs: int) -> dict[str, Any]:
    """Call ``fn`` ``runs`` times; the median wall-clock seconds, every run, and the load around.

    ``cpu_seconds`` is the median CPU time of this process and its finished children (all
    threads): on a shared machine wall time also counts the time other processes held the cores.
    """
    seconds, cpu = [], []
    before = load()
    value = None
    for _ in range(runs):
        c0 = cpu_time()
        t0 = time.perf_counter()
        value = fn()
        seconds.append(time.perf_counter() - t0)
        cpu.append(cpu_time() - c0)
    return {
        "seconds": statistics.median(seconds),
        "cpu_seconds": statistics.median(cpu),
        "runs": [round(s, 4) for s in seconds],
        "load_before": before,
        "load_after": load(),
        "value": value,
    }


def cpu_time() -> float:
    """CPU seconds used so far by this process and its waited-for children (user + system)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def trustlab_command() -> list[str]:
    """How to start the ``trustlab`` CLI as a subprocess: its console script next to this Python."""
    script = Path(sys.executable).with_name("trustlab")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from trustlab.interfaces.cli import main; main()"]


def run_process(cmd: list[str]) -> tuple[bytes, float, Any]:
    """Run ``cmd`` to its end: its standard output, wall seconds, and the resource usage of that
    one process from ``os.wait4`` (``ru_maxrss`` in KiB on Linux: what ``/usr/bin/time -v``
    prints as "Maximum resident set size"; ``ru_utime + ru_stime`` its CPU seconds)."""
    t0 = time.perf_counter()
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as proc:
        assert proc.stdout is not None
        out = proc.stdout.read()
        proc.stdout.close()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])} ... exited with {proc.returncode}")
    return out, wall, usage


def save_result(name: str, payload: dict[str, Any], *, directory: Path | None = None) -> Path:
    """Write ``results/NAME.json``: the payload, the machine, the time and the load."""
    out_dir = RESULTS if directory is None else directory
    out_dir.mkdir(parents=True, exist_ok=True)
    record = {
        "benchmark": name,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "load_at_end": load(),
        **payload,
    }
    path = out_dir / f"{name}.json"
    path.write_text(json.dumps(record, indent=2) + "\n")
    return path
