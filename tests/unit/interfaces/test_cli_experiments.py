"""``trustlab run`` and ``trustlab results``: end to end; bad input exits 2, writing nothing."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from trustlab.interfaces.cli import main

SPEC = """
name = "tiny"
kind = "tournament"
seed = 2
replicates = 2
[params]
strategies = "tit-for-tat,always-defect"
turns = 20
[grid]
noise = [0.0, 0.1]
"""


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_run_list_show_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "tiny.toml"
    spec.write_text(SPEC)
    store = str(tmp_path / "r.duckdb")
    code, out, err = cli(capsys, "run", str(spec), "--store", store, "--format", "json")
    assert code == 0, err
    run = json.loads(out)
    assert (run["units"], run["computed"], run["reused"], run["points"]) == (4, 4, 0, 2)

    code, out, _ = cli(capsys, "run", str(spec), "--store", store, "--format", "json")
    assert json.loads(out)["computed"] == 0

    code, out, _ = cli(capsys, "results", "list", "--store", store, "--format", "json")
    (listed,) = json.loads(out)
    assert (listed["name"], listed["n_units"], listed["stored"]) == ("tiny", 4, 4)

    code, out, _ = cli(capsys, "results", "show", "tiny", "--store", store, "-m",
                       "ranking.*.score_per_turn", "--format", "json")  # fmt: skip
    shown = json.loads(out)
    assert [p["noise"] for p in shown["points"]] == [0.0, 0.1]
    tft = shown["points"][0]["metrics"]["ranking.tit-for-tat.score_per_turn"]
    assert tft["n"] == 2 and tft["low"] == tft["mean"] == tft["high"]  # no noise: no spread

    for suffix in ("csv", "parquet"):
        out_file = tmp_path / f"units.{suffix}"
        code, out, err = cli(capsys, "results", "export", "tiny", "--out", str(out_file),
                             "--store", store)  # fmt: skip
        assert code == 0, err
        reader = "read_csv_auto" if suffix == "csv" else "read_parquet"
        assert duckdb.sql(f"SELECT count(*) FROM {reader}('{out_file}')").fetchall() == [(4,)]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('kind = "tournament"\nseed = 1\n[params]\nnoize = 0.1', ["params.noize", "'noise'"]),
        ('kind = "nope"\nseed = 1', ["unknown kind"]),
        ('kind = "tournament"\nseed = 1\n[grid]\nnoise = []', ["no points"]),
    ],
)
def test_bad_spec_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, words: list[str]
) -> None:
    spec = tmp_path / "bad.toml"
    spec.write_text(text)
    store = tmp_path / "r.duckdb"
    code, _, err = cli(capsys, "run", str(spec), "--store", str(store))
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: ")
    for w in words:
        assert w in err
    assert not store.exists()


def test_bad_store_exits_2_untouched(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "tiny.toml"
    spec.write_text(SPEC)
    store = tmp_path / "notes.txt"
    store.write_text("not a database\n")
    code, _, err = cli(capsys, "run", str(spec), "--store", str(store))
    assert code == 2 and "not a DuckDB database" in err
    assert store.read_text() == "not a database\n"
    code, _, err = cli(capsys, "results", "list", "--store", str(store))
    assert code == 2 and "not a DuckDB database" in err
    code, _, err = cli(capsys, "run", str(spec), "--store", str(tmp_path / "new.duckdb"),
                       "--resume")  # fmt: skip
    assert code == 2 and "nothing to resume" in err
    assert not (tmp_path / "new.duckdb").exists()
    code, _, err = cli(capsys, "results", "export", "--out", str(tmp_path / "x.xlsx"),
                       "--store", str(store))  # fmt: skip
    assert code == 2 and ".csv or .parquet" in err


def test_a_value_the_command_rejects_exits_2_naming_the_point(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "bad-noise.toml"
    spec.write_text(SPEC.replace("noise = [0.0, 0.1]", "noise = [1.5]"))
    code, _, err = cli(capsys, "run", str(spec), "--store", str(tmp_path / "r.duckdb"))
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert "point 0 (noise=1.5)" in err and "noise" in err.split("(noise=1.5)")[1]
