"""Claims end to end: every claim gets a number, an interval, a figure and a verdict computed by
a criterion fixed before the run; the verdict flips when the setup makes the claim fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from trustlab.experiments import ExperimentSpecError, SerialRunner
from trustlab.experiments.report import parse_claims, run_claims
from trustlab.experiments.report.render import html_page, verdict_table, write_report
from trustlab.interfaces.cli.experiments import cli_backend
from trustlab.store import Store

CLAIMS = """
title = "Forgiveness"
[[claim]]
id = "forgiveness"
text = "Forgiveness pays when mistakes happen."
[claim.criterion]
metric = "ranking.{{}}.score_per_turn"
better = "generous-tit-for-tat"
than = ["tit-for-tat"]
[claim.spec]
kind = "tournament"
seed = 2
replicates = 6
[claim.spec.params]
strategies = "generous-tit-for-tat,tit-for-tat,always-cooperate,always-defect,grudger"
turns = 200
repetitions = 4
[claim.spec.grid]
noise = {noise}
"""


def run(tmp_path: Path, noise: str) -> list:  # type: ignore[type-arg]
    _, claims = parse_claims(CLAIMS.format(noise=noise), cli_backend())
    with Store(tmp_path / "s.duckdb") as store:
        return run_claims(claims, store, SerialRunner(), cli_backend())


def test_report_end_to_end_and_the_verdict_flips(tmp_path: Path) -> None:
    (noisy,) = run(tmp_path, "[0.05]")
    assert noisy.verdict == "holds"
    (p,) = noisy.points
    assert p["n"] == 6 and p["low"] > 0 and p["low"] < p["mean"] < p["high"]

    # without mistakes forgiveness only costs (generosity towards always-defect): it must fail
    (clean,) = run(tmp_path, "[0.0]")
    assert clean.verdict == "does not hold"
    assert clean.points[0]["high"] < 0

    both = run(tmp_path, "[0.0, 0.05]")[0]
    assert both.verdict_text == "holds only when noise ≥ 0.05 (fails up to 0)"
    assert both.reused == both.units == 12  # every unit came from the store

    files = write_report([both, clean], tmp_path / "report", "Forgiveness")
    page = Path(files["html"]).read_text()
    assert page.count("data:image/png;base64,") == 2
    for external in ("http://", "https://", "<script", "<link"):
        assert external not in page
    md = Path(files["markdown"]).read_text()
    assert "holds only when noise ≥ 0.05" in md and "| 0.05 | 6 |" in md
    assert (tmp_path / "report" / "fig-forgiveness.png").read_bytes()[:4] == b"\x89PNG"
    assert "does not hold" in html_page([clean], "x")
    assert verdict_table([both]).row_count == 1


def test_claims_file_errors() -> None:
    with pytest.raises(ExperimentSpecError, match=r"claim\.0\.criterion"):
        parse_claims('[[claim]]\nid = "a"\ntext = "t"\nspec = {}\n', cli_backend())
    bad_spec = CLAIMS.format(noise="[0.0]").replace('kind = "tournament"', 'kind = "tournement"')
    with pytest.raises(ExperimentSpecError, match=r"claim 'forgiveness': spec: kind.*'tournament'"):
        parse_claims(bad_spec, cli_backend())
