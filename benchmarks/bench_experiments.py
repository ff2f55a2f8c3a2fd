"""The experiments layer: overhead per unit, two workers against one, Dask against processes.

1. **Overhead per small unit.** A sweep of tiny matches (10 turns) run through
   ``run_experiment`` in this process into a fresh DuckDB store, against the same matches called
   directly through the domain (``play_match(...).to_dict()``) and through the command line's
   unit executor (the command invoked in-process with ``--format json``). CPU time per unit, the
   compiled kernels on one thread (as in a worker). overhead = sweep − direct (target < 5 ms).
2. **Two local workers against one** on a CPU-bound sweep (tournaments of the explorable's
   eight with noise): wall-clock seconds of ``--workers 2`` against one worker process (target:
   at most 60 %), plus the in-process serial runner. Workers are started and their compiled
   kernels loaded before the clock starts; that start-up is reported apart.
3. **Dask (two local workers on loopback) against local processes** on the same sweep, the
   same way, with its start-up.

The machine is shared: every timing is reported with the load average around it; ratios are
measured side by side in one run. Run: ``python benchmarks/bench_experiments.py [--quick]``.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import load, save_result

from trustlab.experiments import (
    DaskRunner,
    ProcessRunner,
    SerialRunner,
    parse_spec,
    run_experiment,
    spec_units,
)
from trustlab.interfaces.cli.experiments import cli_backend, execute
from trustlab.store import Store

SMALL = """
kind = "match"
seed = 1
replicates = {reps}
[params]
a = "tit-for-tat"
b = "random"
turns = 10
[grid]
noise = [0.0, 0.05]
"""

CPU_BOUND = """
kind = "tournament"
seed = 2
replicates = {reps}
[params]
turns = 200
repetitions = {repetitions}
[grid]
noise = [0.01, 0.05]
"""


def overhead(reps: int) -> dict[str, Any]:
    import numba

    from trustlab.domain.matches import play_match

    backend = cli_backend()
    spec = parse_spec(SMALL.format(reps=reps), backend)
    units = spec_units(spec, backend)
    numba.set_num_threads(1)
    execute("match", units[0].argv)  # warm: load the compiled kernels
    play_match("tit-for-tat", "random", turns=10, seed=1)

    def per_unit(fn: Any) -> float:
        c0 = time.process_time()
        fn()
        return (time.process_time() - c0) / len(units)

    def direct() -> None:
        for u in units:
            play_match("tit-for-tat", "random", turns=10, noise=u.params["noise"],
                       seed=u.seed).to_dict()  # fmt: skip

    def via_cli() -> None:
        for u in units:
            execute("match", u.argv)

    def sweep() -> None:
        with tempfile.TemporaryDirectory() as d, Store(Path(d) / "b.duckdb") as store:
            run = run_experiment(spec, store, SerialRunner(), backend)
            assert run.computed == len(units)

    before = load()
    d, c, s = [], [], []
    for _ in range(3):  # interleaved, so that load changes hit all three alike
        d.append(per_unit(direct))
        c.append(per_unit(via_cli))
        s.append(per_unit(sweep))
    ms = {k: 1e3 * statistics.median(v) for k, v in (("direct", d), ("cli", c), ("sweep", s))}
    return {
        "units": len(units),
        "direct_ms_per_unit": round(ms["direct"], 3),
        "cli_executor_ms_per_unit": round(ms["cli"], 3),
        "sweep_ms_per_unit": round(ms["sweep"], 3),
        "overhead_ms_per_unit": round(ms["sweep"] - ms["direct"], 3),
        "of_which_cli_invocation_ms": round(ms["cli"] - ms["direct"], 3),
        "of_which_runner_and_store_ms": round(ms["sweep"] - ms["cli"], 3),
        "target_ms": 5.0,
        "load_before": before,
        "load_after": load(),
    }


WARM = ("tournament", ("--turns", "10", "--seed", "1"), {})


def warm_up(runner: Any) -> float:
    """Start the workers and load the compiled kernels in each; the seconds it took."""
    t0 = time.perf_counter()
    runner.warm(execute, ("warm", *WARM))
    return round(time.perf_counter() - t0, 3)


def timed_sweep(spec_text: str, runner: Any) -> dict[str, Any]:
    """The sweep on warmed-up workers (their start-up is reported apart)."""
    backend = cli_backend()
    spec = parse_spec(spec_text, backend)
    started = warm_up(runner)
    before = load()
    with tempfile.TemporaryDirectory() as d, Store(Path(d) / "b.duckdb") as store:
        t0 = time.perf_counter()
        run = run_experiment(spec, store, runner, backend)  # warmed: stays up afterwards
        seconds = time.perf_counter() - t0
        runner.close()
        rows = store.sql("SELECT unit_key, result FROM units ORDER BY unit_key")
    return {"seconds": round(seconds, 3), "units": run.computed, "runner": run.runner,
            "startup_seconds": started, "load_before": before, "load_after": load(),
            "rows": rows}  # fmt: skip


def scaling(reps: int, repetitions: int) -> dict[str, Any]:
    text = CPU_BOUND.format(reps=reps, repetitions=repetitions)
    runs = {
        "serial": timed_sweep(text, SerialRunner()),
        "one_worker": timed_sweep(text, ProcessRunner(1)),
        "two_workers": timed_sweep(text, ProcessRunner(2)),
        "dask_two_workers": timed_sweep(text, DaskRunner("local:2")),
        # again, interleaved: the load on a shared machine moves between runs
        "two_workers_again": timed_sweep(text, ProcessRunner(2)),
        "dask_two_workers_again": timed_sweep(text, DaskRunner("local:2")),
    }
    same = all(r["rows"] == runs["serial"]["rows"] for r in runs.values())
    for r in runs.values():
        del r["rows"]
    one = runs["one_worker"]["seconds"]
    two = statistics.mean(runs[k]["seconds"] for k in ("two_workers", "two_workers_again"))
    dask = statistics.mean(
        runs[k]["seconds"] for k in ("dask_two_workers", "dask_two_workers_again")
    )
    return {
        "sweep": "tournament of the explorable's eight, 200 turns, "
        f"{repetitions} repetitions, noise 0.01 and 0.05, {reps} replicates",
        **runs,
        "two_workers_mean_seconds": round(two, 3),
        "dask_two_workers_mean_seconds": round(dask, 3),
        "two_over_one": round(two / one, 3),
        "target_two_over_one": 0.6,
        "dask_over_processes": round(dask / two, 3),
        "identical_stored_values": same,
    }


def markdown(record: dict[str, Any]) -> str:
    o, s = record["overhead"], record["scaling"]
    return "\n".join([
        "### experiments",
        "",
        f"Measured {record['measured_at']}, load {record['load_at_end']} on "
        f"{record['machine']['cores']} cores.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| small unit (10-turn match), direct | {o['direct_ms_per_unit']:.2f} ms CPU |",
        f"| same unit through a sweep (store included) | {o['sweep_ms_per_unit']:.2f} ms CPU |",
        f"| overhead per unit (target < 5 ms) | {o['overhead_ms_per_unit']:.2f} ms |",
        f"| CPU-bound sweep, 1 worker | {s['one_worker']['seconds']:.1f} s |",
        f"| CPU-bound sweep, 2 workers | {s['two_workers_mean_seconds']:.1f} s "
        f"({s['two_over_one']:.0%} of one; target ≤ 60 %) |",
        f"| same on Dask, 2 local workers | {s['dask_two_workers_mean_seconds']:.1f} s "
        f"({s['dask_over_processes']:.2f}× processes) |",
        f"| identical stored values (serial, 1, 2, Dask) | {s['identical_stored_values']} |",
        "",
    ])  # fmt: skip


def main(argv: list[str]) -> None:
    quick = "--quick" in argv
    result = {
        "quick": quick,
        "overhead": overhead(reps=10 if quick else 150),
        # 4000 repetitions: units of about half a second. With 1000 (0.15 s units, a 3.5 s
        # sweep) the last task, when one worker is busy and the other has nothing left, was a
        # tenth of the sweep and two workers took 67 % of one; the layer's cost is measured in 1.
        "scaling": scaling(reps=1 if quick else 12, repetitions=2 if quick else 4000),
    }
    path = save_result("experiments", result)
    o, s = result["overhead"], result["scaling"]
    direct, sweep = o["direct_ms_per_unit"], o["sweep_ms_per_unit"]
    print(f"overhead per small unit: {o['overhead_ms_per_unit']:.2f} ms "
          f"(direct {direct:.2f}, sweep {sweep:.2f})")  # fmt: skip
    print(f"CPU-bound: serial {s['serial']['seconds']:.1f} s, one worker "
          f"{s['one_worker']['seconds']:.1f} s, two {s['two_workers_mean_seconds']:.1f} s "
          f"({s['two_over_one']:.0%}), Dask two {s['dask_two_workers_mean_seconds']:.1f} s; "
          f"identical: {s['identical_stored_values']}; load {load()}")  # fmt: skip
    print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
