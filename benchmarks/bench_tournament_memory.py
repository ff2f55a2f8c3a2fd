"""Peak memory of a whole ``trustlab tournament`` process against the number of repetitions.

The explorable's eight characters, 200 turns, noise 0.05, two threads, as subprocesses of the
``trustlab`` command with JSON output; the peak resident set size of each process is read from
``os.wait4``'s resource usage (the same figure ``/usr/bin/time -v`` prints as "Maximum resident
set size"). A tournament sums per pair as it plays, so the peak should not grow with the
repetitions: the issue's acceptance is the peak at 4·10⁵ repetitions within 1.2× the peak at 10⁴.

Run ``python benchmarks/bench_tournament_memory.py`` (``--quick``: 10² and 10³ repetitions).
Writes ``benchmarks/results/tournament_memory.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import load, run_process, save_result, trustlab_command

EXPLORABLE = [
    "always-cooperate", "always-defect", "tit-for-tat", "grudger", "detective",
    "tit-for-two-tats", "win-stay-lose-shift", "random",
]  # fmt: skip
TURNS = 200
NOISE = 0.05
FULL = [10_000, 100_000, 400_000]
QUICK = [100, 1_000]


def peak_rss(repetitions: int, *, threads: int = 2, keep: bool = False) -> dict[str, Any]:
    """Peak RSS (bytes) and wall seconds of one ``trustlab tournament`` process."""
    cmd = [*trustlab_command(), "--threads", str(threads), "tournament",
           "--strategies", ",".join(EXPLORABLE), "--turns", str(TURNS),
           "--repetitions", str(repetitions), "--noise", repr(NOISE), "--seed", "1",
           "--format", "json"]  # fmt: skip
    out, wall, usage = run_process(cmd)
    payload = json.loads(out)
    return {
        "repetitions": repetitions,
        "turns": 36 * repetitions * TURNS,
        "peak_rss_bytes": usage.ru_maxrss * 1024,  # Linux reports KiB
        "seconds": wall,
        "ranking": [r["name"] for r in payload["ranking"]],
        "load": load(),
    }


def run(sizes: list[int]) -> dict[str, Any]:
    """One process per size (smallest first, after a warm-up that fills the Numba cache)."""
    peak_rss(2)
    rows = [peak_rss(r) for r in sizes]
    base = rows[0]["peak_rss_bytes"]
    for row in rows:
        row["ratio_to_smallest"] = row["peak_rss_bytes"] / base
    return {"characters": EXPLORABLE, "turns": TURNS, "noise": NOISE, "threads": 2, "rows": rows}


def markdown(record: dict[str, Any]) -> str:
    """The README's table, from a saved record (``run_all.py --table``)."""
    lines = [
        f"### Tournament memory (measured {record['measured_at']}, "
        f"load {record['load_at_end'][0]})",
        "",
        "`trustlab --threads 2 tournament` of the explorable's eight, 200 turns, noise 0.05; "
        "peak resident set size of the whole process:",
        "",
        "| repetitions | match-turns | peak RSS | × smallest | seconds |",
        "|---|---|---|---|---|",
    ]
    for r in record["rows"]:
        lines.append(
            f"| {r['repetitions']:,} | {r['turns']:.2e} | {r['peak_rss_bytes'] / 2**20:,.0f} MiB "
            f"| {r['ratio_to_smallest']:.2f} | {r['seconds']:.1f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (a smoke run)")
    parser.add_argument("--no-save", action="store_true", help="do not write results/")
    args = parser.parse_args(argv)
    record = run(QUICK if args.quick else FULL)
    for r in record["rows"]:
        mib = r["peak_rss_bytes"] / 2**20
        print(
            f"{r['repetitions']:>9,} repetitions: peak RSS {mib:8.1f} MiB "
            f"(x{r['ratio_to_smallest']:.2f}), {r['seconds']:.1f} s, load {r['load'][0]}"
        )
    if not args.no_save and not args.quick:
        print(f"wrote {save_result('tournament_memory', record)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
