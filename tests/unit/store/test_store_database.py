"""The results store: round trip, idempotent writes, and refusing files it must not touch."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from trustlab.store import Store, StoreError, StoreLocked, UnitRow


def row(key: str, value: float, point: int = 0, replicate: int = 0) -> UnitRow:
    return UnitRow(
        key=key, kind="toy", spec_hash="h1", point=point, replicate=replicate,
        params={"x": value}, seed=11, version="0.1.0", started=1000.0, finished=1000.5,
        worker="w:1", metrics={"value": value, "ranking.a.score": 2 * value},
        series=[("history", "cum", [0.0, 1.0], [value, 2 * value])],
        result={"value": value},
    )  # fmt: skip


def filled(path: Path) -> Path:
    with Store(path) as s:
        s.register_spec("h1", name="toy-spec", kind="toy", seed=1, replicates=2,
                        spec={"kind": "toy"}, source="x.toml",
                        links=[(0, 0, "k0"), (0, 1, "k1")])  # fmt: skip
        assert s.write_units([row("k0", 1.5, 0, 0), row("k1", 2.5, 0, 1)]) == 2
    return path


def test_round_trip_and_no_duplicates(tmp_path: Path) -> None:
    path = filled(tmp_path / "r.duckdb")
    with Store(path) as s:
        assert s.write_units([row("k0", 9.9), row("k2", 3.0)]) == 1  # k0 is kept as it was
        assert s.stored_keys(["k0", "k1", "k9"]) == {"k0", "k1"}
        units = s.units("h1")
        assert [(u["point"], u["replicate"], u["metrics"]["value"]) for u in units] == [
            (0, 0, 1.5),
            (0, 1, 2.5),
        ]
        assert units[0]["params"] == {"x": 1.5}
        assert s.series("k1") == {"history": {"cum": ([0.0, 1.0], [2.5, 5.0])}}
        spec = s.specs()[0]
        assert (spec["name"], spec["n_units"], spec["stored"]) == ("toy-spec", 2, 2)
        assert s.find_spec("toy")["spec_hash"] == "h1"
        with pytest.raises(StoreError, match="no spec 'nope'"):
            s.find_spec("nope")
    # plain SQL through DuckDB works on the file
    con = duckdb.connect(str(path), read_only=True)
    n = con.execute("SELECT count(*), count(DISTINCT unit_key) FROM units").fetchone()
    con.close()
    assert n == (3, 3)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_export(tmp_path: Path, fmt: str) -> None:
    path = filled(tmp_path / "r.duckdb")
    out = tmp_path / f"units.{fmt}"
    with Store(path, read_only=True) as s:
        assert s.export(out, fmt, spec_hash="h1", table="units") == 2
        assert s.export(tmp_path / f"m.{fmt}", fmt, spec_hash=None, table="metrics") == 4
    reader = "read_csv_auto" if fmt == "csv" else "read_parquet"
    got = duckdb.sql(f"SELECT replicate, seed FROM {reader}('{out}') ORDER BY 1").fetchall()
    assert got == [(0, 11), (1, 11)]


def unchanged_after_refusal(path: Path, match: str) -> None:
    before = path.read_bytes()
    with pytest.raises(StoreError, match=match):
        Store(path)
    with pytest.raises(StoreError, match=match):
        Store(path, read_only=True)
    assert path.read_bytes() == before


def test_not_a_duckdb_file_is_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.duckdb"
    path.write_text("my precious notes\n" * 100)
    unchanged_after_refusal(path, "not a DuckDB database")
    empty = tmp_path / "empty.duckdb"
    empty.write_bytes(b"")
    unchanged_after_refusal(empty, "not a DuckDB database")


def test_corrupted_store_is_left_untouched(tmp_path: Path) -> None:
    path = filled(tmp_path / "r.duckdb")
    data = path.read_bytes()
    path.write_bytes(data[:4096])  # truncated: the header survives, the rest is gone
    unchanged_after_refusal(path, "cannot open the store")


def test_foreign_duckdb_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE accounts (id INTEGER)")
    con.close()
    unchanged_after_refusal(path, "not a trustlab store")


def test_missing_store_and_folder(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such store"):
        Store(tmp_path / "missing.duckdb", read_only=True)
    assert not (tmp_path / "missing.duckdb").exists()
    with pytest.raises(StoreError, match="is a folder"):
        Store(tmp_path)


def test_store_locked_by_another_process(tmp_path: Path) -> None:
    path = filled(tmp_path / "r.duckdb")
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from trustlab.store import Store\n"
         f"s = Store({str(path)!r}); print('open', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "open"
        before = path.read_bytes()
        t0 = time.monotonic()
        with pytest.raises(StoreLocked, match=r"locked by another process \(PID \d+\)"):
            Store(path)
        with pytest.raises(StoreLocked):
            Store(path, read_only=True)
        assert time.monotonic() - t0 < 10
        assert path.read_bytes() == before
    finally:
        holder.kill()
        holder.communicate()
    with Store(path) as s:  # usable again once the other process is gone
        assert len(s.units("h1")) == 2
