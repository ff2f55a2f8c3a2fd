"""Runners: the same spec gives identical stored values in one process, in local worker
processes and on a local Dask cluster; dead workers are retried once, then reported."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import toy_backend

from trustlab.experiments import (
    DaskRunner,
    ProcessRunner,
    SerialRunner,
    UnitFailed,
    UnitInputError,
    parse_spec,
    run_experiment,
)
from trustlab.interfaces.cli.experiments import cli_backend
from trustlab.store import Store

HERE = Path(__file__).resolve().parent


@pytest.fixture(autouse=True)
def _workers_find_the_toy(monkeypatch: pytest.MonkeyPatch) -> None:
    path = os.environ.get("PYTHONPATH", "")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in (str(HERE), path) if p))
    monkeypatch.setenv("TOY_COORDINATOR", str(os.getpid()))


def stored(path: Path) -> list[tuple[Any, ...]]:
    with Store(path, read_only=True) as s:
        return [tuple(r.values()) for r in s.sql(
            "SELECT unit_key, point, replicate, seed, result FROM units ORDER BY unit_key"
        )]  # fmt: skip


TOURNAMENT = """
kind = "tournament"
seed = 5
replicates = 2
[params]
strategies = "tit-for-tat,always-cooperate,always-defect"
turns = 50
[grid]
noise = [0.0, 0.05]
"""


def test_serial_processes_and_dask_store_identical_values(tmp_path: Path) -> None:
    backend = cli_backend()
    spec = parse_spec(TOURNAMENT, backend)
    runners = {
        "serial": SerialRunner(),
        "processes": ProcessRunner(2),
        "dask": DaskRunner("local:2", processes=False),
    }
    results = {}
    for name, runner in runners.items():
        with Store(tmp_path / f"{name}.duckdb") as store:
            run = run_experiment(spec, store, runner, backend, task_seconds=0.01)
        assert (run.computed, run.reused, run.total) == (4, 0, 4), name
        results[name] = stored(tmp_path / f"{name}.duckdb")
    assert len(results["serial"]) == 4
    assert results["processes"] == results["serial"]
    assert results["dask"] == results["serial"]
    # the noisy points differ between replicates (independent seeds), the clean ones do not
    with Store(tmp_path / "serial.duckdb", read_only=True) as s:
        scores = s.sql(
            "SELECT point, list(value ORDER BY replicate) AS v FROM metrics "
            "JOIN spec_units USING (unit_key) WHERE name = 'ranking.tit-for-tat.score_per_turn' "
            "GROUP BY point ORDER BY point"
        )
    assert scores[0]["v"][0] == scores[0]["v"][1]
    assert scores[1]["v"][0] != scores[1]["v"][1]


def toy(text: str) -> Any:
    return parse_spec('kind = "toy"\nseed = 3\n' + text, toy_backend.BACKEND)


def test_second_run_reuses_everything(tmp_path: Path) -> None:
    spec = toy("replicates = 3\n[grid]\nx = [0.0, 1.0]")
    with Store(tmp_path / "s.duckdb") as store:
        first = run_experiment(spec, store, SerialRunner(), toy_backend.BACKEND)
        again = run_experiment(spec, store, SerialRunner(), toy_backend.BACKEND)
        longer = toy("replicates = 3\n[grid]\nx = [0.0, 1.0, 2.0]")
        more = run_experiment(longer, store, SerialRunner(), toy_backend.BACKEND)
        n = store.sql("SELECT count(*) AS n FROM units")[0]["n"]
    assert (first.computed, again.computed, again.reused) == (6, 0, 6)
    assert (more.computed, more.reused) == (3, 6)
    assert n == 9


def test_a_unit_whose_worker_dies_once_is_retried(tmp_path: Path) -> None:
    spec = toy(f'[grid]\nx = [0.0, 1.0]\ncrash = ["", "once:{tmp_path / "marker"}"]')
    with Store(tmp_path / "s.duckdb") as store:
        run = run_experiment(spec, store, ProcessRunner(2, method="spawn"), toy_backend.BACKEND)
        assert run.computed == 4
        assert store.sql("SELECT count(*) AS n FROM units")[0]["n"] == 4


def test_a_unit_that_always_kills_its_worker_is_reported(tmp_path: Path) -> None:
    spec = toy('replicates = 2\n[[points]]\nx = 1.0\n[[points]]\nx = 2.0\ncrash = "always"')
    with Store(tmp_path / "s.duckdb") as store:
        runner = ProcessRunner(2, method="spawn")
        with pytest.raises(UnitFailed, match=r"2 unit\(s\) crashed twice.*2 of 4 units are stored"):
            run_experiment(spec, store, runner, toy_backend.BACKEND)
        rows = store.sql("SELECT params->>'x' AS x FROM units ORDER BY x")
        # the healthy point is stored in full, nothing of the crashing one
        assert [r["x"] for r in rows] == ["1.0", "1.0"]
        assert store.sql("SELECT count(*) AS n FROM metrics")[0]["n"] == 2 * (1 + 3)


def test_a_value_the_command_rejects_names_the_point(tmp_path: Path) -> None:
    spec = toy("[grid]\nx = [1.0, -1.0]")
    with (
        Store(tmp_path / "s.duckdb") as store,
        pytest.raises(UnitInputError, match=r"point 1 \(x=-1.0\): x must be ≥ 0"),
    ):
        run_experiment(spec, store, SerialRunner(), toy_backend.BACKEND)


def test_metrics_and_series_are_flattened(tmp_path: Path) -> None:
    spec = toy("[params]\nn = 4")
    with Store(tmp_path / "s.duckdb") as store:
        run_experiment(spec, store, SerialRunner(), toy_backend.BACKEND)
        (u,) = store.units(spec.hash)
        assert sorted(u["metrics"]) == ["draws.d0.u", "draws.d1.u", "draws.d2.u", "draws.d3.u",
                                        "value"]  # fmt: skip
        series = store.series(u["unit_key"])["history"]["cum"]
        assert series[0] == [0.0, 1.0, 2.0, 3.0]
        assert series[1][-1] == pytest.approx(u["metrics"]["value"])
