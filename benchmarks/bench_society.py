"""The society at scale: 10⁵ agents with capacity 8 for 1000 rounds (the issue's target: under a
minute on 2 cores), plus a smaller society for the per-round cost.

Measured after one warm-up run (compilation not counted). The society: reciprocators,
guarded and exploiters (5 %, 90 %, 5 %), the vulnerability exchange, random partner choice,
leaving, public stern-judging reputation switched off (the default), revision every 10
rounds, noise 0.01; history recorded every 50 rounds. Reported: wall-clock seconds,
relationship-turns per second (each relationship plays one turn per round), the number of
threads and the machine's load (the machine is shared: read timings with the load).

The issue's figure is the **whole process**: :func:`whole_process` times ``trustlab --threads 2
society ... --format json`` as a subprocess (start-up, cache load, the run, the JSON), with its
CPU seconds and peak memory from ``os.wait4``; ``--whole N`` runs it N times (default 1), and the
record keeps every run and their median. The machine's speed drifts: read the runs together.

Run: ``.venv/bin/python benchmarks/bench_society.py [--quick] [--whole N]``
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numba
from _common import load, run_process, save_result, trustlab_command

from trustlab.domain.society import SocietyConfig, run_society

POP = "reciprocator:0.05,guarded:0.9,exploiter:0.05"


def measure(n_agents: int, capacity: int, rounds: int, **kw: object) -> dict[str, object]:
    cfg = SocietyConfig(POP, n_agents=n_agents, capacity=capacity, rounds=rounds, noise=0.01,
                        record_every=50, **kw)  # type: ignore[arg-type]  # fmt: skip
    before = load()
    t0 = time.perf_counter()
    c0 = time.process_time()
    res = run_society(cfg, seed=1)
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - c0
    turns = int(res.state.tally[:, 0].sum()) // 2  # relationship-turns (each counted by both)
    return {
        "agents": n_agents,
        "capacity": capacity,
        "rounds": rounds,
        "options": {k: str(v) for k, v in kw.items()},
        "seconds": round(seconds, 3),
        # CPU seconds of all threads: on a shared machine, wall time ≈ cpu / threads when idle
        "cpu_seconds": round(cpu, 3),
        "relationship_turns": turns,
        "turns_per_second": round(turns / seconds),
        "final_relationships": res.final["relationships"],
        "final_open_rate": res.final["open_rate"],
        "load_before": before,
        "load_after": load(),
    }


def whole_process(n_agents: int, capacity: int, rounds: int, *, threads: int = 2) -> dict[str, Any]:
    """One whole ``trustlab society`` process on the benchmark's society: wall and CPU seconds,
    peak RSS, and what it reports (relationships and open rate at the end)."""
    cmd = [*trustlab_command(), "--threads", str(threads), "society", "-p", POP,
           "--agents", str(n_agents), "--capacity", str(capacity), "--rounds", str(rounds),
           "--noise", "0.01", "--record-every", str(min(50, rounds)), "--seed", "1",
           "--format", "json"]  # fmt: skip
    before = load()
    out, wall, usage = run_process(cmd)
    final = json.loads(out)["final"]
    return {
        "agents": n_agents,
        "capacity": capacity,
        "rounds": rounds,
        "threads": threads,
        "seconds": round(wall, 3),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3),
        "peak_rss_bytes": usage.ru_maxrss * 1024,  # Linux reports KiB
        "final_relationships": final["relationships"],
        "final_open_rate": final["open_rate"],
        "load_before": before,
    }


def main() -> None:
    quick = "--quick" in sys.argv
    whole_runs = int(sys.argv[sys.argv.index("--whole") + 1]) if "--whole" in sys.argv else 1
    run_society(SocietyConfig(POP, n_agents=200, capacity=8, rounds=20, noise=0.01), seed=0)
    rows = []
    for args, kw in (
        ((10_000, 8, 200), {}),
        ((10_000, 8, 200), {"reputation": "stern-judging", "partner_choice": "reputation"}),
        ((100_000, 8, 100 if quick else 1000), {}),
    ):
        r = measure(*args, **kw)
        rows.append(r)
        print(f"{r['agents']:>7} agents × {r['capacity']} for {r['rounds']:>4} rounds "
              f"{r['options'] or ''}: {r['seconds']:8.2f} s wall, {r['cpu_seconds']:8.2f} s CPU, "
              f"{r['turns_per_second']:,} relationship-turns/s (load {r['load_before']})",
              flush=True)  # fmt: skip
    size = (100_000, 8, 100 if quick else 1000)
    runs = []
    for _ in range(whole_runs):
        w = whole_process(*size)
        runs.append(w)
        print(
            f"whole process {w['agents']} agents × {w['capacity']} for {w['rounds']} rounds: "
            f"{w['seconds']:.2f} s wall, {w['cpu_seconds']:.2f} CPU-s, "
            f"{w['peak_rss_bytes'] / 2**20:.0f} MiB (load {w['load_before']})",
            flush=True,
        )
    whole = {"runs": runs, "median_seconds": statistics.median(r["seconds"] for r in runs)}
    path = save_result(
        "society", {"threads": numba.get_num_threads(), "rows": rows, "whole_process": whole}
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
