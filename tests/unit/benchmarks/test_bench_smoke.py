"""The benchmarks still run (at tiny sizes, in seconds), so they do not rot.

They measure, they do not assert speeds; these tests check that they do the work they claim:
the C ceiling and trustlab make the same moves, the whole-process run plays the tournament it
names, records can be saved and turned into the README's tables.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from peer_libraries import peer

BENCHMARKS = Path(__file__).resolve().parents[3] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import bench_tournament as bt  # noqa: E402
import run_all  # noqa: E402
from _common import save_result  # noqa: E402

TINY = bt.Sizes(axelrod_reps=1, trustlab_reps=3, ceiling_reps=3, cli_reps=2, runs=1,
                startup=False, api_runs=1)  # fmt: skip


def test_memory_one_vectors_are_read_from_the_catalogue_machines() -> None:
    assert bt.memory_one_vector("tit-for-tat") == [1.0, 0.0, 1.0, 0.0, 1.0]
    assert bt.memory_one_vector("win-stay-lose-shift") == [1.0, 0.0, 0.0, 1.0, 1.0]
    assert bt.memory_one_vector("generous-tit-for-tat")[1] == pytest.approx(1 / 3)
    with pytest.raises(ValueError, match="not memory-one"):
        bt.memory_one_vector("tit-for-two-tats")


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc")
def test_c_ceiling_and_trustlab_make_the_same_moves() -> None:
    exe = bt.build_ceiling()
    assert exe is not None and exe.exists()
    c = bt.time_ceiling(exe, bt.MEMORY_ONE, 3, 1)
    assert c["turns"] == bt.n_pairs(8) * 3 * bt.TURNS
    assert c["joint"].sum() == c["turns"]
    m = bt.time_trustlab(bt.MEMORY_ONE, repetitions=3, noise=bt.CEILING_NOISE, threads=1, runs=1)
    assert m["turns"] == c["turns"]
    assert bt.same_work_as_c(c, m["result"], 3)
    # and a different seed's tournament is told apart
    other = c | {"joint": c["joint"][::-1].copy()}
    assert not bt.same_work_as_c(other, m["result"], 3)


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc")
def test_whole_process_plays_the_named_tournament() -> None:
    exe = bt.build_ceiling()
    assert exe is not None
    c = bt.time_ceiling(exe, bt.MEMORY_ONE, 2, 1)
    seconds, payload = bt.run_cli(
        bt.MEMORY_ONE, repetitions=2, noise=bt.CEILING_NOISE, threads=1, cache_dir=None
    )
    assert seconds > 0
    assert len(payload["pairs"]) == bt.n_pairs(8)
    assert bt.cli_same_work_as_c(c, payload, bt.MEMORY_ONE, 2)


def test_a_tiny_run_saves_a_record_that_renders_as_markdown(tmp_path: Path) -> None:
    record = bt.run(TINY, axelrod=False, ceiling=shutil.which("gcc") is not None, cli=False)
    path = save_result("tournament", bt._jsonable(record), directory=tmp_path)
    saved = json.loads(path.read_text())
    assert saved["machine"]["cores"] >= 1
    assert [r["noise"] for r in saved["peers"]] == [0.0, 0.05]
    assert saved["peers"][0]["trustlab_1"]["turns"] == bt.n_pairs(8) * 3 * bt.TURNS
    text = bt.markdown(saved)
    assert "| 0.05 |" in text and "Axelrod" in text


def test_run_all_finds_the_benchmark_scripts() -> None:
    names = [p.stem for p in run_all.scripts()]
    assert "bench_tournament" in names
    assert [p.stem for p in run_all.scripts(["tournament"])] == ["bench_tournament"]


@pytest.mark.peers
@pytest.mark.slow  # importing axelrod (and torch) alone takes 10-80 s on the shared machine
def test_axelrod_plays_the_same_eight() -> None:
    peer("axelrod")
    names = list(bt.EXPLORABLE)
    m = bt.time_axelrod(names, repetitions=1, noise=0.0, runs=1)
    assert m["turns"] == bt.n_pairs(8) * bt.TURNS
    assert m["matches"] == bt.n_pairs(8)
    assert m["import_seconds"] > 0


@pytest.mark.peers
@pytest.mark.slow  # imports axelrod, and starts trustlab processes
def test_side_by_side_alternates_the_peer_and_the_process() -> None:
    peer("axelrod")
    record = bt.side_by_side(2, ax_reps=1, tl_reps=2)
    assert len(record["rounds"]) == 2
    for row in record["rounds"]:
        assert row["ratio"] == pytest.approx(
            row["process_turns_per_s"] / row["axelrod_turns_per_s"]
        )
    assert min(r["ratio"] for r in record["rounds"]) <= record["median_ratio"]
    assert "2 rounds" in record["what"]


def test_the_memory_benchmark_reads_a_peak_per_process(tmp_path: Path) -> None:
    import bench_tournament_memory as bm

    record = bm.run([2, 3])
    rows = record["rows"]
    assert [r["repetitions"] for r in rows] == [2, 3]
    assert all(50 * 2**20 < r["peak_rss_bytes"] < 4 * 2**30 for r in rows)  # a Python process
    assert rows[0]["ratio_to_smallest"] == 1.0 and len(rows[1]["ranking"]) == 8
    saved = json.loads(save_result("tournament_memory", record, directory=tmp_path).read_text())
    assert "| 3 |" in bm.markdown(saved)


def test_experiments_benchmark_measures_overhead_at_tiny_size() -> None:
    import bench_experiments as be

    o = be.overhead(reps=2)
    assert o["units"] == 4
    assert o["sweep_ms_per_unit"] > 0 and o["direct_ms_per_unit"] > 0
    assert o["overhead_ms_per_unit"] == pytest.approx(
        o["sweep_ms_per_unit"] - o["direct_ms_per_unit"], abs=2e-3
    )
    record = {"measured_at": "now", "load_at_end": [0, 0, 0], "machine": {"cores": 2},
              "overhead": o, "scaling": {"one_worker": {"seconds": 2.0},
              "two_workers_mean_seconds": 1.0, "two_over_one": 0.5,
              "dask_two_workers_mean_seconds": 1.5, "dask_over_processes": 1.5,
              "identical_stored_values": True}}  # fmt: skip
    assert "(50% of one; target ≤ 60 %)" in be.markdown(record)


def test_the_society_benchmark_times_a_whole_process() -> None:
    import bench_society as bs

    run = bs.whole_process(300, 4, 5, threads=1)
    assert run["agents"] == 300 and run["rounds"] == 5
    assert run["seconds"] > 0 and run["cpu_seconds"] > 0
    assert 50 * 2**20 < run["peak_rss_bytes"] < 4 * 2**30  # a Python process
    assert 0 < run["final_relationships"] <= 300 * 4 // 2
    assert 0.0 <= run["final_open_rate"] <= 1.0
