"""The essay report end to end: every claim has a number, an interval, a figure and a verdict;
a rerun on the same store reuses every unit; bad paths fail before anything is computed; a
verdict flips when the setup is changed so that its claim should fail."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest

from trustlab.experiments import ExperimentSpecError, SerialRunner, spec_from_dict
from trustlab.experiments.essay import SIZES, essay_claims
from trustlab.experiments.report import Claim, Criterion, evaluate, run_claims
from trustlab.interfaces.cli import main
from trustlab.interfaces.cli.experiments import cli_backend
from trustlab.store import Store

VERDICT = re.compile(r"^(holds|does not hold|undecided|holds only when .+)$")


def essay(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(["essay", *args])
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def tiny_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """One run of the whole report in the tiny mode (the same claims, fewer and smaller runs)."""
    root = tmp_path_factory.mktemp("essay")
    store, out = root / "s.duckdb", root / "report"
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        main_args = ["essay", "--mode", "tiny", "--out", str(out), "--store", str(store),
                     "--format", "json"]  # fmt: skip
        import contextlib
        import io

        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            main(main_args)
    return root, json.loads(buf.getvalue())


def test_every_claim_has_a_number_an_interval_a_figure_and_a_verdict(
    tiny_report: tuple[Path, dict[str, Any]],
) -> None:
    root, payload = tiny_report
    claims = payload["claims"]
    assert len(claims) >= 9
    ids = {c["id"] for c in claims}
    assert {"reciprocity", "enabling", "forgiveness", "trust-grows", "second-chances",
            "honest-disappointment", "norms", "loneliness", "critical-mass"} <= ids  # fmt: skip
    page = (root / "report" / "report.html").read_text()
    assert page.count("data:image/png;base64,") == len(claims)
    for external in ("http://", "https://", "<script", "<link"):
        assert external not in page
    md = (root / "report" / "report.md").read_text()
    stored = json.loads((root / "report" / "results.json").read_text())
    assert [c["id"] for c in stored["claims"]] == [c["id"] for c in claims]
    for c in claims:
        assert VERDICT.match(c["verdict"]), c
        judged = [p for p in c["points"] if p["verdict"] != "control"]
        assert judged, c["id"]
        assert all(p["n"] >= 2 for p in c["points"]), c["id"]
        assert any(p["mean"] is not None and p["low"] is not None and p["high"] is not None
                   and p["low"] <= p["mean"] <= p["high"] for p in judged), c["id"]  # fmt: skip
        png = root / "report" / f"fig-{c['id']}.png"
        assert png.read_bytes()[:4] == b"\x89PNG"
        assert f"![{c['id']}](fig-{c['id']}.png)" in md
        assert c["spec"]["kind"] in ("tournament", "society", "critical-mass")
    # the controls are shown and not judged
    leaving = next(c for c in claims if c["id"] == "leaving")
    assert [p["verdict"] == "control" for p in leaving["points"]] == [True, False]


def test_a_rerun_on_the_same_store_reuses_every_unit(
    tiny_report: tuple[Path, dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    root, first = tiny_report
    code, out, _ = essay(["--mode", "tiny", "--out", str(root / "again"), "--store",
                          str(root / "s.duckdb"), "--format", "json"], capsys)  # fmt: skip
    assert code == 0
    second = json.loads(out)
    assert second["reused"] == second["units"] == first["units"] > 0
    assert [c["verdict"] for c in second["claims"]] == [c["verdict"] for c in first["claims"]]
    assert [c["points"] for c in second["claims"]] == [c["points"] for c in first["claims"]]


@pytest.mark.parametrize(
    "where", ["store-folder", "store-not-duckdb", "store-name-too-long", "out-file"]
)
def test_bad_paths_fail_before_computing(
    where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store, out = tmp_path / "s.duckdb", tmp_path / "report"
    if where == "store-folder":
        store.mkdir()
    elif where == "store-not-duckdb":
        store.write_text("not a database\n")
    elif where == "store-name-too-long":
        store = tmp_path / ("s" * 300)
    else:
        out.write_text("a file\n")
    code, _, err = essay(["--mode", "tiny", "--out", str(out), "--store", str(store)], capsys)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("error: ")
    if where == "store-not-duckdb":
        assert store.read_text() == "not a database\n"  # left untouched
    elif where != "store-name-too-long":
        assert not (store.exists() and store.is_file())
    assert not (out.is_dir() and any(out.iterdir()))


def test_unknown_mode_fails(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = essay(["--mode", "huge"], capsys)
    assert code == 2 and "tiny, quick, full" in err


def test_modes_differ_only_in_sizes_never_in_criteria() -> None:
    backend = cli_backend()
    by_mode = {m: essay_claims(m, backend) for m in SIZES}  # type: ignore[arg-type]
    ids = [c.id for c in by_mode["quick"]]
    for claims in by_mode.values():
        assert [c.id for c in claims] == ids
        assert [c.criterion for c in claims] == [c.criterion for c in by_mode["quick"]]
        assert [c.text for c in claims] == [c.text for c in by_mode["quick"]]


def _claim(claim_id: str, replicates: int, **change: Any) -> Claim:
    """A tiny claim of the essay with its spec's parameters changed."""
    claim = next(c for c in essay_claims("tiny", cli_backend()) if c.id == claim_id)
    spec = {k: v for k, v in claim.spec.to_dict().items() if v != []}
    spec["params"] = {**spec["params"], **change}
    spec["replicates"] = replicates
    return dataclasses.replace(claim, spec=spec_from_dict(spec, cli_backend()))


def test_a_verdict_flips_when_the_claim_should_fail(tmp_path: Path) -> None:
    # heavier weight on betrayal protects trust-learners from exploiters ...
    protects = _claim("betrayal-weighs-more", 4, agents=100, rounds=60)
    # ... and cannot where there is nobody to be betrayed by: the same claim must fail
    nobody = _claim("betrayal-weighs-more", 4, agents=100, rounds=60,
                    population="trust-learner:0.6,reciprocator:0.4")  # fmt: skip
    with Store(tmp_path / "s.duckdb") as store:
        yes, no = run_claims([protects, nobody], store, SerialRunner(), cli_backend())
    assert yes.verdict == "holds", yes.points
    (point,) = [p for p in yes.points if p["verdict"] != "control"]
    assert point["high"] < 0
    assert no.verdict == "does not hold", no.points


def test_versus_needs_its_control_point() -> None:
    spec = spec_from_dict({"kind": "tournament", "seed": 1, "grid": {"noise": [0.0, 0.1]}},
                          cli_backend())  # fmt: skip
    crit = Criterion(metric="ranking.{}.score_per_turn", better="tit-for-tat",
                     than=["always-defect"], versus={"noise": 0.05})  # fmt: skip
    with pytest.raises(ExperimentSpecError, match=r"versus: no point with \{'noise': 0.05\}"):
        Claim("x", "t", spec, crit)
    ok = Claim("x", "t", spec, crit.model_copy(update={"versus": {"noise": 0.0}}))
    assert "(the same at noise = 0.0)" in ok.criterion.describe()


def test_versus_compares_replicate_by_replicate(tmp_path: Path) -> None:
    spec = spec_from_dict({"kind": "match", "seed": 1, "replicates": 3,
                           "params": {"a": "tit-for-tat", "b": "always-defect", "turns": 10},
                           "grid": {"noise": [0.0, 0.2]}}, cli_backend())  # fmt: skip
    crit = Criterion(metric="scores.0", versus={"noise": 0.0})
    claim = Claim("x", "t", spec, crit)
    with Store(tmp_path / "s.duckdb") as store:
        (res,) = run_claims([claim], store, SerialRunner(), cli_backend())
        units = store.units(spec.hash)
    raw = {(u["point"], u["replicate"]): u["metrics"]["scores.0"] for u in units}
    diffs = [raw[(1, r)] - raw[(0, r)] for r in range(3)]
    control, judged = res.points
    assert control["verdict"] == "control" and control["mean"] == pytest.approx(raw[(0, 0)])
    assert judged["mean"] == pytest.approx(sum(diffs) / 3)
    with Store(tmp_path / "s.duckdb") as store:
        assert evaluate(claim, store).points == res.points


@pytest.mark.slow
def test_quick_mode_gives_the_verdicts_the_readme_shows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The whole quick report (about a minute once compiled): its verdicts are the README's."""
    code, out, err = essay(["--quick", "--out", str(tmp_path / "r"), "--store",
                            str(tmp_path / "s.duckdb"), "--format", "json"], capsys)  # fmt: skip
    assert code == 0, err
    measured = {c["id"]: c["verdict"] for c in json.loads(out)["claims"]}
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| ([\w-]+): .* \| (holds[^|]*|does not hold[^|]*) \|$", readme,
                           re.M))  # fmt: skip
    assert set(rows) == set(measured)
    for claim_id, verdict in measured.items():
        shown = rows[claim_id]
        if verdict.startswith("holds only when"):
            assert shown.startswith("holds only when"), (claim_id, verdict, shown)
        else:
            assert shown.split(" (")[0] == verdict, (claim_id, verdict, shown)
