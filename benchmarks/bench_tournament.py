"""Tournament throughput: trustlab against the Axelrod library and against a plain C ceiling.

Three measurements in one run, all in match-turns per second (one turn of one match, both
players moving):

1. **Peers.** The explorable's eight characters (Case 2017) in a round robin of 200-turn
   matches, self-play included, with and without execution noise, played by trustlab
   (``play_tournament``, 1 thread and all cores) and by the Axelrod library (4.14,
   ``axelrod.Tournament``, its default single process). Axelrod's import is timed apart and
   excluded from its throughput. Each tournament is sized to take a few seconds.
2. **Ceiling.** Eight memory-one characters with noise 0.05, played by a plain C -O3 program
   (``c/memory_one.c``, single-threaded, the same counter-based SplitMix64 draws) and by
   trustlab: through the API with 1 thread and all cores, and as the whole ``trustlab
   tournament`` process (start-up, imports, kernel cache load, output) with a warm and a cold
   Numba cache. The C program's joint-action counts must equal trustlab's, so both did the same
   work.
3. **Start-up.** Import time, the kernel's compile time (cold cache) and cache load time (warm
   cache), in fresh processes, and a check that the on-disk cache works from the editable
   install and from a fresh clone.

Run ``python benchmarks/bench_tournament.py`` (``--quick`` for a tiny smoke-sized run,
``--no-axelrod`` to skip the peer). Writes ``benchmarks/results/tournament.json``.

References
----------
Case, N. (2017), The Evolution of Trust. https://ncase.me/trust/
Knight, V. et al. (2016), An open reproducible framework for the study of the iterated
prisoner's dilemma. Journal of Open Research Software 4(1):e35. doi:10.5334/jors.125
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (
    BUILD,
    HERE,
    RESULTS,
    cpu_time,
    load,
    median_run,
    save_result,
    trustlab_command,
)

#: trustlab's name -> the Axelrod library's class, for the explorable's eight
EXPLORABLE = {
    "always-cooperate": "Cooperator",
    "always-defect": "Defector",
    "tit-for-tat": "TitForTat",
    "grudger": "Grudger",
    "detective": "Detective",
    "tit-for-two-tats": "TitFor2Tats",
    "win-stay-lose-shift": "WinStayLoseShift",
    "random": "Random",
}

#: catalogue characters that are memory-one, for the C ceiling
MEMORY_ONE = [
    "always-cooperate",
    "always-defect",
    "tit-for-tat",
    "win-stay-lose-shift",
    "random",
    "generous-tit-for-tat",
    "extort-2",
    "zdgtft-2",
]

TURNS = 200
SEED = 1
CEILING_NOISE = 0.05
PD = np.array([[3.0, 0.0], [5.0, 1.0]])


@dataclass(frozen=True)
class Sizes:
    """Repetitions per pair and runs per measurement (the median is reported)."""

    axelrod_reps: int
    trustlab_reps: int
    ceiling_reps: int
    cli_reps: int
    runs: int
    startup: bool
    api_runs: int = 5  # trustlab's API runs are short: more of them steady the median


# The whole-process runs play ~1.1e9 match-turns: "a tournament of a few seconds" end to end,
# so that start-up (imports, cache load: ~0.5–1 s) is counted but does not dominate.
FULL = Sizes(axelrod_reps=40, trustlab_reps=40_000, ceiling_reps=40_000, cli_reps=150_000,
             runs=3, startup=True)  # fmt: skip
QUICK = Sizes(axelrod_reps=1, trustlab_reps=20, ceiling_reps=20, cli_reps=20, runs=1,
              startup=False, api_runs=1)  # fmt: skip


def n_pairs(n: int) -> int:
    """Unordered pairs with self-play."""
    return n * (n + 1) // 2


def _rate(turns: int, seconds: float) -> float:
    return turns / seconds if seconds > 0 else float("inf")


# --- trustlab through the API ----------------------------------------------------------------


def time_trustlab(
    names: list[str], *, repetitions: int, noise: float, threads: int, runs: int
) -> dict[str, Any]:
    """Median seconds of ``play_tournament`` (warmed up first, so no compilation is timed)."""
    import numba

    from trustlab.domain.tournaments import play_tournament

    numba.set_num_threads(threads)
    try:
        play_tournament(names, turns=TURNS, repetitions=2, noise=noise, seed=SEED)

        def go() -> Any:
            return play_tournament(
                names, turns=TURNS, repetitions=repetitions, noise=noise, seed=SEED
            )

        m = median_run(go, runs)
    finally:
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    result = m.pop("value")
    turns = int(result.pair_turns.sum())
    return {**m, "turns": turns, "turns_per_s": _rate(turns, m["seconds"]),
            "turns_per_cpu_s": _rate(turns, m["cpu_seconds"]), "result": result}  # fmt: skip


# --- the Axelrod library -----------------------------------------------------------------------

_AXELROD: dict[str, Any] = {}


def import_axelrod() -> tuple[Any, float]:
    """The ``axelrod`` module and the seconds its first import took in this process."""
    if "module" not in _AXELROD:
        t0 = time.perf_counter()
        import axelrod

        _AXELROD["seconds"] = time.perf_counter() - t0
        _AXELROD["module"] = axelrod
    return _AXELROD["module"], _AXELROD["seconds"]


def time_axelrod(
    names: list[str], *, repetitions: int, noise: float, runs: int, build_results: bool = True
) -> dict[str, Any]:
    """Median seconds of an ``axelrod.Tournament`` of the same characters, import excluded.

    ``build_results=True`` is Axelrod's default ``play()``: matches, then its analysis of them
    (the ranking trustlab's ``play_tournament`` also returns); ``False`` times the matches only.
    """
    axl, import_seconds = import_axelrod()

    def go() -> Any:
        players = [getattr(axl, EXPLORABLE[n])() for n in names]
        tournament = axl.Tournament(
            players, turns=TURNS, repetitions=repetitions, noise=noise, seed=SEED
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "results will not be accessible"
            tournament.play(progress_bar=False, build_results=build_results)
        return tournament

    m = median_run(go, runs)
    tournament = m.pop("value")
    turns = n_pairs(len(names)) * repetitions * TURNS
    return {
        **m,
        "turns": turns,
        "turns_per_s": _rate(turns, m["seconds"]),
        "turns_per_cpu_s": _rate(turns, m["cpu_seconds"]),
        "import_seconds": import_seconds,
        "matches": int(tournament.num_interactions),
    }


# --- the C ceiling ---------------------------------------------------------------------------


def memory_one_vector(name: str) -> list[float]:
    """(p1, p2, p3, p4, p0) of a catalogue character whose play depends on the last turn only.

    Read from its machine: the probability of C in the initial state, and after each outcome
    (own action, partner's action) from every reachable state, which must agree.
    """
    from trustlab.domain.characters.catalogue import get_character

    m = get_character(name).machine
    reach = m.reachable_states()
    out = []
    for mine in (0, 1):
        for theirs in (0, 1):
            p = {float(m.policy[m.transition[s, mine, theirs], 0]) for s in reach}
            if len(p) != 1:
                raise ValueError(f"{name} is not memory-one: after {mine}{theirs} it plays {p}")
            out.append(p.pop())
    return [*out, float(m.policy[m.initial_state, 0])]


def build_ceiling(*, force: bool = False) -> Path | None:
    """Compile ``c/memory_one.c`` with ``gcc -O3 -march=native -fopenmp`` into ``_build/``
    (None: no gcc)."""
    exe = BUILD / "memory_one_omp"
    src = HERE / "c" / "memory_one.c"
    if exe.exists() and not force and exe.stat().st_mtime >= src.stat().st_mtime:
        return exe
    gcc = shutil.which("gcc")
    if gcc is None:
        return None
    BUILD.mkdir(parents=True, exist_ok=True)
    subprocess.run([gcc, "-O3", "-march=native", "-fopenmp", "-o", str(exe), str(src)],
                   check=True)  # fmt: skip
    return exe


def run_ceiling(
    exe: Path, vectors: list[list[float]], repetitions: int, threads: int = 1
) -> dict[str, Any]:
    """One run of the C program on ``threads`` OpenMP threads: its own loop timing, its process
    wall time, its counts."""
    args = [str(exe), str(TURNS), str(repetitions), repr(CEILING_NOISE), str(SEED)]
    args += [",".join(repr(p) for p in v) for v in vectors]
    env = {**os.environ, "OMP_NUM_THREADS": str(threads)}
    c0 = cpu_time()
    t0 = time.perf_counter()
    out = subprocess.run(args, capture_output=True, text=True, check=True, env=env).stdout
    wall = time.perf_counter() - t0
    record = json.loads(out)
    record["wall_seconds"] = wall
    record["cpu_seconds"] = cpu_time() - c0
    return record


def time_ceiling(
    exe: Path, names: list[str], repetitions: int, runs: int, threads: int = 1
) -> dict[str, Any]:
    """Median of ``runs`` C runs (the loop's own timing and the whole process's)."""
    vectors = [memory_one_vector(n) for n in names]
    before = load()
    records = [run_ceiling(exe, vectors, repetitions, threads) for _ in range(runs)]
    loop = float(np.median([r["seconds"] for r in records]))
    wall = float(np.median([r["wall_seconds"] for r in records]))
    cpu = float(np.median([r["cpu_seconds"] for r in records]))
    turns = int(records[0]["turns"])
    return {
        "seconds": loop,
        "wall_seconds": wall,
        "threads": int(records[0].get("threads", threads)),
        "runs": [round(r["seconds"], 4) for r in records],
        "load_before": before,
        "load_after": load(),
        "turns": turns,
        "turns_per_s": _rate(turns, loop),
        "wall_turns_per_s": _rate(turns, wall),
        "cpu_seconds": cpu,
        "turns_per_cpu_s": _rate(turns, cpu),
        "vectors": vectors,
        "joint": np.array(records[0]["joint"], dtype=np.int64),
    }


def c_pair_totals(joint: np.ndarray, n: int, repetitions: int) -> dict[tuple[int, int], list]:
    """Mean total payoff of i and of j per match, from the C counts (indexed by pair key)."""
    out = {}
    for j in range(n):
        for i in range(j + 1):
            cc, cd, dc, dd = joint[j * (j + 1) // 2 + i].tolist()
            a = PD[0, 0] * cc + PD[0, 1] * cd + PD[1, 0] * dc + PD[1, 1] * dd
            b = PD[0, 0] * cc + PD[1, 0] * cd + PD[0, 1] * dc + PD[1, 1] * dd
            out[(i, j)] = [a / repetitions, b / repetitions]
    return out


def same_work_as_c(c: dict[str, Any], result: Any, repetitions: int) -> bool:
    """Whether trustlab's tournament made exactly the C program's moves (per-pair counts)."""
    from trustlab.domain.tournaments import pair_key

    joint = c["joint"]
    keys = pair_key(result.pairs[:, 0], result.pairs[:, 1])
    ours = result.pair_cooperations  # (pairs, 2): turns i and j cooperated
    theirs = np.stack([joint[keys, 0] + joint[keys, 1], joint[keys, 0] + joint[keys, 2]], axis=1)
    return bool(np.array_equal(ours, theirs))


# --- the whole process -----------------------------------------------------------------------


_CLI_CPU: list[float] = []


def run_cli(
    names: list[str], *, repetitions: int, noise: float, threads: int, cache_dir: str | None
) -> tuple[float, dict[str, Any]]:
    """Wall seconds of one ``trustlab tournament`` process and its JSON output."""
    env = dict(os.environ)
    if cache_dir is not None:
        env["NUMBA_CACHE_DIR"] = cache_dir
    cmd = [*trustlab_command(), "--threads", str(threads), "tournament",
           "--strategies", ",".join(names), "--turns", str(TURNS),
           "--repetitions", str(repetitions), "--noise", repr(noise), "--seed", str(SEED),
           "--format", "json"]  # fmt: skip
    c0 = cpu_time()
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env).stdout
    _CLI_CPU.append(cpu_time() - c0)
    return time.perf_counter() - t0, json.loads(out)


def time_cli(
    names: list[str], *, repetitions: int, noise: float, threads: int, runs: int, cold: bool
) -> dict[str, Any]:
    """The whole process: median of warm runs (the project's cache), or one cold run (empty
    ``NUMBA_CACHE_DIR``, so every kernel compiles)."""
    turns = n_pairs(len(names)) * repetitions * TURNS
    before = load()
    _CLI_CPU.clear()
    if cold:
        with tempfile.TemporaryDirectory(prefix="trustlab-cold-") as d:
            seconds, payload = run_cli(
                names, repetitions=repetitions, noise=noise, threads=threads, cache_dir=d
            )
        all_runs = [seconds]
    else:
        run_cli(names, repetitions=1, noise=noise, threads=threads, cache_dir=None)  # fill cache
        all_runs, payload = [], {}
        for _ in range(runs):
            seconds, payload = run_cli(
                names, repetitions=repetitions, noise=noise, threads=threads, cache_dir=None
            )
            all_runs.append(seconds)
        seconds = float(np.median(all_runs))
        del _CLI_CPU[0]  # the cache-filling run
    cpu = float(np.median(_CLI_CPU))
    return {
        "seconds": seconds,
        "runs": [round(s, 4) for s in all_runs],
        "load_before": before,
        "load_after": load(),
        "turns": turns,
        "turns_per_s": _rate(turns, seconds),
        "cpu_seconds": cpu,
        "turns_per_cpu_s": _rate(turns, cpu),
        "payload": payload,
    }


def cli_same_work_as_c(c: dict[str, Any], payload: dict[str, Any], names: list[str],
                       repetitions: int) -> bool:  # fmt: skip
    """Whether the CLI's per-pair mean scores equal those the C counts give."""
    expected = c_pair_totals(c["joint"], len(names), repetitions)
    index = {n: i for i, n in enumerate(names)}
    for pair in payload["pairs"]:
        i, j = index[pair["a"]], index[pair["b"]]
        if not np.allclose(pair["scores"], expected[(i, j)], rtol=1e-12, atol=1e-9):
            return False
    return len(payload["pairs"]) == len(expected)


def process_vs_c(
    exe: Path, names: list[str], *, repetitions: int, threads: int, rounds: int
) -> dict[str, Any]:
    """The whole ``trustlab tournament`` process against the C program on ``threads`` threads,
    side by side: each round runs one C process and then one trustlab process (warm cache), so
    both meet the same load; medians of each and the median of the rounds' ratios.

    The C rate is counted two ways: its play loop only (the ceiling) and its whole process.
    """
    vectors = [memory_one_vector(n) for n in names]
    run_cli(names, repetitions=1, noise=CEILING_NOISE, threads=threads, cache_dir=None)  # warm
    c_runs, c_walls, cli_runs, loads = [], [], [], []
    payload: dict[str, Any] = {}
    joint = None
    for _ in range(rounds):
        loads.append(load())
        c = run_ceiling(exe, vectors, repetitions, threads)
        joint = np.array(c["joint"], dtype=np.int64)
        c_runs.append(c["seconds"])
        c_walls.append(c["wall_seconds"])
        seconds, payload = run_cli(names, repetitions=repetitions, noise=CEILING_NOISE,
                                   threads=threads, cache_dir=None)  # fmt: skip
        cli_runs.append(seconds)
    loads.append(load())
    turns = n_pairs(len(names)) * repetitions * TURNS
    c_loop = float(np.median(c_runs))
    proc = float(np.median(cli_runs))
    ratios = [c_s / p_s for c_s, p_s in zip(c_runs, cli_runs, strict=True)]
    return {
        "threads": threads,
        "turns": turns,
        "loads": loads,
        "c": {
            "seconds": c_loop,
            "runs": [round(x, 4) for x in c_runs],
            "turns_per_s": _rate(turns, c_loop),
            "wall_turns_per_s": _rate(turns, float(np.median(c_walls))),
        },
        "trustlab": {
            "seconds": proc,
            "runs": [round(x, 4) for x in cli_runs],
            "turns_per_s": _rate(turns, proc),
        },
        "fraction_of_c": _rate(turns, proc) / _rate(turns, c_loop),
        "fraction_of_c_process": _rate(turns, proc) / _rate(turns, float(np.median(c_walls))),
        "round_fractions": [round(r, 4) for r in ratios],
        "median_round_fraction": float(np.median(ratios)),
        "same_moves_as_c": cli_same_work_as_c({"joint": joint}, payload, names, repetitions),
    }


_PHASES = """
import contextlib, io, json, sys, time
clock = lambda: (time.perf_counter(), time.process_time())
marks = [("start", clock())]
import numba
marks.append(("import numba (it imports scipy.linalg for BLAS)", clock()))
import trustlab.interfaces.cli as cli
marks.append(("import trustlab and its CLI (typer, rich, catalogue)", clock()))
import trustlab.kernel.match as K
from trustlab.domain.tournaments import play_tournament
play_tournament(["tit-for-tat", "random"], turns=5, seed=0)
marks.append(("first kernel calls: Numba's registries and cache load", clock()))
spent = {"kernel (play_units)": [0.0, 0.0], "fold into per-pair sums": [0.0, 0.0],
         "block unit tables": [0.0, 0.0]}
def timed(fn, key):
    def call(*a):
        w, c = clock(); fn(*a); w2, c2 = clock()
        spent[key][0] += w2 - w; spent[key][1] += c2 - c
    return call
K.play_units = timed(K.play_units, "kernel (play_units)")
K._fold = timed(K._fold, "fold into per-pair sums")
block = K._block_units
def units(*a):
    w, c = clock(); r = block(*a); w2, c2 = clock()
    spent["block unit tables"][0] += w2 - w; spent["block unit tables"][1] += c2 - c
    return r
K._block_units = units
out = io.StringIO()
w0, c0 = clock()
with contextlib.redirect_stdout(out):
    with contextlib.suppress(SystemExit):
        cli.main(sys.argv[1:])
w1, c1 = clock()
rows = [(b[0], b[1][0] - a[1][0], b[1][1] - a[1][1]) for a, b in zip(marks, marks[1:])]
rows += [(k, v[0], v[1]) for k, v in spent.items()]
rows.append(("rest of the command: options, characters, packing, ranking, JSON",
             (w1 - w0) - sum(v[0] for v in spent.values()),
             (c1 - c0) - sum(v[1] for v in spent.values())))
print(json.dumps({"phases": rows, "total": [w1 - marks[0][1][0], c1 - marks[0][1][1]],
                  "output_bytes": len(out.getvalue())}))
"""


def phases(names: list[str], *, repetitions: int, noise: float, threads: int) -> dict[str, Any]:
    """Where a whole ``trustlab tournament`` process spends its wall and CPU seconds: imports,
    Numba's first use (registries, cache load), the kernel, the fold, the rest of the command."""
    args = ["--threads", str(threads), "tournament", "--strategies", ",".join(names),
            "--turns", str(TURNS), "--repetitions", str(repetitions), "--noise", repr(noise),
            "--seed", str(SEED), "--format", "json"]  # fmt: skip
    before = load()
    out = subprocess.run([sys.executable, "-c", _PHASES, *args], capture_output=True, text=True,
                         check=True).stdout  # fmt: skip
    record = dict(json.loads(out.strip().splitlines()[-1]))
    record.update(load_before=before, load_after=load(), repetitions=repetitions,
                  turns=n_pairs(len(names)) * repetitions * TURNS, threads=threads)  # fmt: skip
    return record


# --- start-up: import, compile, cache load ---------------------------------------------------

_PROBE = """
import json, sys, time
t0 = time.perf_counter()
import trustlab.domain.tournaments as T
from trustlab.domain.matches import play_match
from trustlab.kernel import match as K
t1 = time.perf_counter()
T.play_tournament(["tit-for-tat", "random"], turns=5, seed=0)
t2 = time.perf_counter()
play_match("tit-for-tat", "random", turns=5, seed=0, history=True)
t3 = time.perf_counter()
hits = {n: [sum(f.stats.cache_hits.values()), sum(f.stats.cache_misses.values())]
        for n, f in (("_play_general", K._play_general), ("_play_two", K._play_two))}
import trustlab
print(json.dumps({"import_seconds": t1 - t0, "first_tournament_seconds": t2 - t1,
                  "first_history_match_seconds": t3 - t2, "cache_hits_misses": hits,
                  "trustlab_file": trustlab.__file__}))
"""


def probe(cache_dir: str | None, *, pythonpath: str | None = None) -> dict[str, Any]:
    """Time a fresh process's import and first calls (which compile or load the kernels)."""
    env = dict(os.environ)
    env.pop("NUMBA_CACHE_DIR", None)
    if cache_dir is not None:
        env["NUMBA_CACHE_DIR"] = cache_dir
    if pythonpath is not None:
        env["PYTHONPATH"] = pythonpath
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True, env=env
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def startup() -> dict[str, Any]:
    """Cold compile and warm load in a private cache; the editable install's own cache; and a
    fresh ``git clone`` whose first process compiles into its own ``__pycache__`` and whose
    second loads it."""
    out: dict[str, Any] = {"load_before": load()}
    with tempfile.TemporaryDirectory(prefix="trustlab-cache-") as d:
        out["cold"] = probe(d)
        out["warm"] = probe(d)
    out["editable_install"] = probe(None)
    root = HERE.parent
    if shutil.which("git") and (root / ".git").exists():
        with tempfile.TemporaryDirectory(prefix="trustlab-clone-") as d:
            clone = Path(d) / "trustlab"
            subprocess.run(["git", "clone", "-q", str(root), str(clone)], check=True)
            src = str(clone / "src")
            first = probe(None, pythonpath=src)
            second = probe(None, pythonpath=src)
            cached = sorted(
                p.name for p in (clone / "src/trustlab/kernel/__pycache__").glob("*.nbi")
            )
            out["fresh_clone"] = {
                "first": first,
                "second": second,
                "index_files": cached,
                "imported_from_clone": first["trustlab_file"].startswith(d),
            }
    out["load_after"] = load()
    return out


# --- the whole benchmark ---------------------------------------------------------------------


def run(
    sizes: Sizes = FULL, *, axelrod: bool = True, ceiling: bool = True, cli: bool = True
) -> dict[str, Any]:
    """Measure everything; return the record (printing is :func:`report`'s job).

    ``axelrod``, ``ceiling`` and ``cli`` switch off the peer, the C program and the whole-process
    runs of the ``trustlab`` command.
    """
    import numba

    cores = int(numba.config.NUMBA_NUM_THREADS)
    names = list(EXPLORABLE)
    record: dict[str, Any] = {"turns": TURNS, "seed": SEED, "cores": cores, "peers": []}

    for noise in (0.0, 0.05):
        row: dict[str, Any] = {"characters": names, "noise": noise}
        for threads in sorted({1, cores}):
            m = time_trustlab(names, repetitions=sizes.trustlab_reps, noise=noise,
                              threads=threads, runs=sizes.api_runs)  # fmt: skip
            result = m.pop("result")
            row[f"trustlab_{threads}"] = m
            row["trustlab_ranking"] = [result.names[i] for i in result.ranking()]
        if axelrod:
            row["axelrod"] = time_axelrod(
                names, repetitions=sizes.axelrod_reps, noise=noise, runs=sizes.runs
            )
            # the matches alone: a ratio that errs in Axelrod's favour
            row["axelrod_matches_only"] = time_axelrod(
                names, repetitions=sizes.axelrod_reps, noise=noise, runs=sizes.runs,
                build_results=False,
            )  # fmt: skip
            for threads in sorted({1, cores}):
                ours = row[f"trustlab_{threads}"]["turns_per_s"]
                row[f"ratio_{threads}"] = ours / row["axelrod"]["turns_per_s"]
                row[f"ratio_matches_only_{threads}"] = (
                    ours / row["axelrod_matches_only"]["turns_per_s"]
                )
        if cli:  # the whole process, measured right after Axelrod's runs (the same load)
            m = time_cli(names, repetitions=sizes.cli_reps, noise=noise, threads=cores,
                         runs=sizes.runs, cold=False)  # fmt: skip
            m.pop("payload")
            row["cli_warm"] = m
            if "axelrod" in row:
                row["ratio_cli"] = m["turns_per_s"] / row["axelrod"]["turns_per_s"]
                row["ratio_matches_only_cli"] = (
                    m["turns_per_s"] / row["axelrod_matches_only"]["turns_per_s"]
                )
        record["peers"].append(row)
    if axelrod:
        record["axelrod_import_seconds"] = _AXELROD["seconds"]

    exe = build_ceiling() if ceiling else None
    if exe is not None:
        ceil: dict[str, Any] = {"characters": MEMORY_ONE, "noise": CEILING_NOISE}
        joint = None
        for threads in sorted({1, cores}):
            c = time_ceiling(exe, MEMORY_ONE, sizes.ceiling_reps, sizes.runs, threads=threads)
            joint = c.pop("joint")
            ceil[f"c_{threads}"] = c
            m = time_trustlab(MEMORY_ONE, repetitions=sizes.ceiling_reps, noise=CEILING_NOISE,
                              threads=threads, runs=sizes.api_runs)  # fmt: skip
            result = m.pop("result")
            m["same_moves_as_c"] = same_work_as_c({"joint": joint}, result, sizes.ceiling_reps)
            m["fraction_of_c"] = m["turns_per_s"] / c["turns_per_s"]
            m["fraction_of_c_cpu"] = m["turns_per_cpu_s"] / c["turns_per_cpu_s"]
            ceil[f"trustlab_{threads}"] = m
        if cli:
            ceil["process"] = process_vs_c(exe, MEMORY_ONE, repetitions=sizes.cli_reps,
                                           threads=cores, rounds=sizes.runs)  # fmt: skip
            m = time_cli(MEMORY_ONE, repetitions=sizes.cli_reps, noise=CEILING_NOISE,
                         threads=cores, runs=1, cold=True)  # fmt: skip
            m.pop("payload")
            m["fraction_of_c"] = m["turns_per_s"] / ceil["process"]["c"]["turns_per_s"]
            ceil["cli_cold"] = m
        record["ceiling"] = ceil
    if cli:
        run_cli(MEMORY_ONE, repetitions=1, noise=CEILING_NOISE, threads=cores, cache_dir=None)
        record["phases"] = phases(MEMORY_ONE, repetitions=sizes.cli_reps, noise=CEILING_NOISE,
                                  threads=cores)  # fmt: skip
    if sizes.startup:
        record["startup"] = startup()
    return record


def _m(x: float) -> str:
    return f"{x / 1e6:,.1f} M" if x >= 1e6 else f"{x / 1e3:,.1f} k"


def _ceiling_rows(record: dict[str, Any]) -> list[tuple[str, int, dict[str, Any]]]:
    """(who, threads, measurement) rows of the ceiling table, C first at each thread count."""
    c = record["ceiling"]
    rows: list[tuple[str, int, dict[str, Any]]] = []
    for threads in sorted({1, record["cores"]}):
        if f"c_{threads}" in c:
            rows.append(("C -O3 OpenMP (loop)", threads, c[f"c_{threads}"]))
        rows.append(("trustlab API", threads, c[f"trustlab_{threads}"]))
    if "process" in c:
        p = c["process"]
        rows.append(("C -O3 OpenMP, side by side (loop)", p["threads"], p["c"]))
        rows.append(("trustlab process, warm cache", p["threads"],
                     {**p["trustlab"], "fraction_of_c": p["fraction_of_c"],
                      "same_moves_as_c": p["same_moves_as_c"]}))  # fmt: skip
    if "cli_cold" in c:
        rows.append(("trustlab process, cold cache", record["cores"], c["cli_cold"]))
    return rows


def report(record: dict[str, Any]) -> None:
    """Print the record as rich tables."""
    from rich.console import Console
    from rich.table import Table

    console = Console(width=150)
    cores = record["cores"]
    t = Table(title=f"Explorable's eight, {record['turns']} turns: trustlab vs Axelrod 4.14")
    for col in ("noise", "who", "threads", "match-turns", "seconds", "turns/s", "turns/CPU-s",
                "× Axelrod", "× its matches only"):  # fmt: skip
        t.add_column(col, justify="right")

    def ratios(row: dict[str, Any], key: str) -> tuple[str, str]:
        if "axelrod" not in row:
            return "–", "–"
        return f"{row[f'ratio_{key}']:,.0f}", f"{row[f'ratio_matches_only_{key}']:,.0f}"

    for row in record["peers"]:
        noise = str(row["noise"])
        for who, key in (("Axelrod play()", "axelrod"),
                         ("Axelrod, matches only", "axelrod_matches_only")):  # fmt: skip
            if key in row:
                ax = row[key]
                t.add_row(noise, who, "1", f"{ax['turns']:,}", f"{ax['seconds']:.2f}",
                          _m(ax["turns_per_s"]), _m(ax["turns_per_cpu_s"]), "", "")  # fmt: skip
        for threads in sorted({1, cores}):
            m = row[f"trustlab_{threads}"]
            t.add_row(noise, "trustlab API", str(threads), f"{m['turns']:,}",
                      f"{m['seconds']:.2f}", _m(m["turns_per_s"]), _m(m["turns_per_cpu_s"]),
                      *ratios(row, str(threads)))  # fmt: skip
        if "cli_warm" in row:
            m = row["cli_warm"]
            t.add_row(noise, "trustlab process", str(cores), f"{m['turns']:,}",
                      f"{m['seconds']:.2f}", _m(m["turns_per_s"]), _m(m["turns_per_cpu_s"]),
                      *ratios(row, "cli"))  # fmt: skip
    console.print(t)
    if "axelrod_import_seconds" in record:
        console.print(f"Axelrod import (excluded): {record['axelrod_import_seconds']:.1f} s")

    if "ceiling" in record:
        c = record["ceiling"]
        t = Table(title=f"Eight memory-one characters, noise {c['noise']}: trustlab vs C OpenMP")
        for col in ("who", "threads", "turns/s", "of C (same threads)", "same moves"):
            t.add_column(col, justify="right")
        for who, threads, m in _ceiling_rows(record):
            same = {True: "yes", False: "NO", None: "–"}[m.get("same_moves_as_c")]
            frac = m.get("fraction_of_c")
            t.add_row(who, str(threads), _m(m["turns_per_s"]),
                      "100%" if frac is None else f"{100 * frac:.0f}%", same)  # fmt: skip
        console.print(t)
        if "process" in c:
            p = c["process"]
            med = p["median_round_fraction"]
            console.print(f"whole process / C loop on {p['threads']} threads, per round: "
                          f"{p['round_fractions']} (median {med:.2f})")  # fmt: skip

    if "phases" in record:
        ph = record["phases"]
        t = Table(title=f"Whole process, {ph['turns']:,} match-turns: where the time goes")
        for col in ("phase", "wall s", "CPU s"):
            t.add_column(col, justify="right")
        for name, wall, cpu in ph["phases"]:
            t.add_row(name, f"{wall:.2f}", f"{cpu:.2f}")
        t.add_row("total", f"{ph['total'][0]:.2f}", f"{ph['total'][1]:.2f}")
        console.print(t)
    if "startup" in record:
        s = record["startup"]
        t = Table(title="Start-up in a fresh process (seconds)")
        for col in (
            "cache",
            "import",
            "first tournament",
            "first match with history",
            "hits/misses",
        ):
            t.add_column(col, justify="right")
        cases = [("cold (empty)", s["cold"]), ("warm", s["warm"]),
                 ("editable install", s["editable_install"])]  # fmt: skip
        if "fresh_clone" in s:
            cases += [("fresh clone, 1st", s["fresh_clone"]["first"]),
                      ("fresh clone, 2nd", s["fresh_clone"]["second"])]  # fmt: skip
        for label, p in cases:
            hm = p["cache_hits_misses"]["_play_two"]
            t.add_row(label, f"{p['import_seconds']:.2f}", f"{p['first_tournament_seconds']:.2f}",
                      f"{p['first_history_match_seconds']:.2f}", f"{hm[0]}/{hm[1]}")  # fmt: skip
        console.print(t)
    console.print(f"load average before/after: see JSON; now {load()}")


def markdown(record: dict[str, Any]) -> str:
    """The README's tables, from a saved record (``run_all.py --table``)."""
    cores = record["cores"]
    lines = [f"### Tournaments ({record['machine']['cpu']}, {cores} cores, "
             f"measured {record['measured_at']}, load {record['load_at_end'][0]})", ""]  # fmt: skip
    lines += [
        "Explorable's eight, 200 turns, self-play; match-turns per second (median of runs); "
        "ratios against Axelrod's `Tournament.play()` and, in brackets, its matches only:",
        "",
        "| noise | Axelrod play() | Axelrod matches only | trustlab 1 thread | trustlab "
        f"{cores} threads | trustlab whole process | × Axelrod: 1 thread | {cores} threads "
        "| process |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in record["peers"]:
        one, many = row["trustlab_1"], row[f"trustlab_{cores}"]
        proc = row.get("cli_warm")
        ax, axm = row.get("axelrod"), row.get("axelrod_matches_only")

        def ratio(key: str, row: dict[str, Any] = row) -> str:
            if f"ratio_{key}" not in row:
                return "–"
            return f"{row[f'ratio_{key}']:,.0f} ({row[f'ratio_matches_only_{key}']:,.0f})"

        lines.append(
            f"| {row['noise']} | {_m(ax['turns_per_s']) if ax else '–'} | "
            f"{_m(axm['turns_per_s']) if axm else '–'} | "
            f"{_m(one['turns_per_s'])} | {_m(many['turns_per_s'])} | "
            f"{_m(proc['turns_per_s']) if proc else '–'} | {ratio('1')} | "
            f"{ratio(str(cores))} | {ratio('cli')} |"
        )
    if "axelrod_import_seconds" in record:
        lines += ["", f"Axelrod's import ({record['axelrod_import_seconds']:.1f} s) is excluded."]
    if "ceiling" in record:
        c = record["ceiling"]
        lines += [
            "",
            f"Eight memory-one characters, noise {c['noise']}, against plain C -O3 with OpenMP "
            "(same draws, same moves checked); each trustlab row against the C row of its thread "
            "count; the whole process and the C program run alternately, round by round:",
            "",
            "| who | threads | turns/s | of C |",
            "|---|---|---|---|",
        ]
        for who, threads, m in _ceiling_rows(record):
            frac = m.get("fraction_of_c")
            lines.append(f"| {who} | {threads} | {_m(m['turns_per_s'])} | "
                         f"{'100%' if frac is None else f'{100 * frac:.0f}%'} |")  # fmt: skip
        if "process" in c:
            p = c["process"]
            med = p["median_round_fraction"]
            lines += ["", f"Whole process / C loop, round by round: {p['round_fractions']} "
                      f"(median {med:.2f}); loads {p['loads']}."]  # fmt: skip
        if "process_rerun" in c:  # the side-by-side check again, alone, when the load was lower
            p = c["process_rerun"]
            med, lo, hi = p["median_round_fraction"], p["loads"][0][0], p["loads"][-1][0]
            lines += ["", f"Rerun alone, {len(p['round_fractions'])} rounds: whole process "
                      f"{_m(p['trustlab']['turns_per_s'])} against the C loop's "
                      f"{_m(p['c']['turns_per_s'])} on {p['threads']} threads, "
                      f"{100 * p['fraction_of_c']:.0f}% (rounds {p['round_fractions']}, "
                      f"median {med:.2f}; loads {lo}–{hi})."]  # fmt: skip
    if "phases" in record:
        ph = record.get("phases_rerun", record["phases"])
        lines += ["", f"Where the whole process's time goes ({ph['turns']:.2e} match-turns, "
                  f"{ph['threads']} threads, load {ph['load_before'][0]}–{ph['load_after'][0]}):",
                  "", "| phase | wall s | CPU s |", "|---|---|---|"]  # fmt: skip
        for name, wall, cpu in ph["phases"]:
            lines.append(f"| {name} | {wall:.2f} | {cpu:.2f} |")
        lines.append(f"| total | {ph['total'][0]:.2f} | {ph['total'][1]:.2f} |")
    if "startup" in record:
        s = record["startup"]
        lines += ["", "| start-up (s) | import | first tournament | first match with history |",
                  "|---|---|---|---|"]  # fmt: skip
        for label, key in (("cold cache (compile)", "cold"), ("warm cache (load)", "warm")):
            p = s[key]
            lines.append(
                f"| {label} | {p['import_seconds']:.2f} | {p['first_tournament_seconds']:.2f} | "
                f"{p['first_history_match_seconds']:.2f} |"
            )
    return "\n".join(lines) + "\n"


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    return x


def side_by_side(rounds: int = 4, *, ax_reps: int = 40, tl_reps: int = 150_000) -> dict[str, Any]:
    """Axelrod's ``play()`` and the whole ``trustlab tournament`` process (2 threads) on the
    explorable's eight with noise 0.05, alternated round by round so both meet the same load;
    the ratio of their match-turns per second each round, and the median ratio."""
    names = list(EXPLORABLE)
    run_cli(names, repetitions=1, noise=0.05, threads=2, cache_dir=None)  # fill the cache
    rows = []
    for _ in range(rounds):
        before = load()
        ax = time_axelrod(names, repetitions=ax_reps, noise=0.05, runs=1)
        seconds, _ = run_cli(names, repetitions=tl_reps, noise=0.05, threads=2, cache_dir=None)
        process = _rate(n_pairs(len(names)) * tl_reps * TURNS, seconds)
        rows.append({"axelrod_turns_per_s": ax["turns_per_s"], "process_turns_per_s": process,
                     "ratio": process / ax["turns_per_s"], "load": before})  # fmt: skip
        print(
            f"  Axelrod {ax['turns_per_s']:,.0f}/s, trustlab process {process:,.0f}/s: "
            f"{process / ax['turns_per_s']:,.0f}× (load {before})"
        )
    return {
        "rounds": rows,
        "median_ratio": float(np.median([r["ratio"] for r in rows])),
        "load_after": load(),
        "what": f"explorable's eight, noise 0.05: Axelrod play() ({ax_reps} reps) then the "
        f"trustlab process ({tl_reps} reps, 2 threads), {rounds} rounds",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (a smoke run)")
    parser.add_argument("--no-axelrod", action="store_true", help="skip the Axelrod library")
    parser.add_argument("--no-ceiling", action="store_true", help="skip the C ceiling")
    parser.add_argument("--no-cli", action="store_true", help="skip the whole-process runs")
    parser.add_argument("--no-save", action="store_true", help="do not write results/")
    parser.add_argument("--side-by-side", type=int, metavar="ROUNDS", default=0,
                        help="only Axelrod's play() against the whole process, alternated "
                        "ROUNDS times; kept in tournament.json as peers_side_by_side")  # fmt: skip
    args = parser.parse_args(argv)
    if args.side_by_side:
        pairs = side_by_side(args.side_by_side)
        print(f"median ratio {pairs['median_ratio']:,.0f}×")
        if not args.no_save:
            path = RESULTS / "tournament.json"
            record = json.loads(path.read_text())
            record["peers_side_by_side"] = _jsonable(pairs)
            path.write_text(json.dumps(record, indent=2) + "\n")
            print(f"updated {path}")
        return 0
    record = run(QUICK if args.quick else FULL, axelrod=not args.no_axelrod,
                 ceiling=not args.no_ceiling, cli=not args.no_cli)  # fmt: skip
    record = _jsonable(record)
    report(record)
    if not args.no_save and not args.quick:
        previous = RESULTS / "tournament.json"
        if previous.exists():  # a full run keeps the last side-by-side check (--side-by-side)
            kept = json.loads(previous.read_text()).get("peers_side_by_side")
            if kept is not None:
                record["peers_side_by_side"] = kept
        path = save_result("tournament", record)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
