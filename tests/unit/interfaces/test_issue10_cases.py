"""Issue 10's list of bad or odd inputs: each ends in exit 0 with the right output, or in exit 2
with one clear line on stderr, quickly and without allocating what it refuses.

Each case is (id, argv, expected exit code, words the error line must contain or a check of
the JSON output). Paths that must fail are given as placeholders filled per test: ``{tmp}`` (a
folder that exists), ``{missing}`` (a folder that does not), ``{edges}`` (an edge list naming
site 99999999999).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from trustlab.interfaces.cli import main

BIG = "1000000000000"  # 10¹²
G = "1000000000"  # 10⁹
POP = ["-p", "tit-for-tat:5,always-defect:5"]
X = "x" * 100_000

Check = Callable[[Any], None]


def _tournament_of_two(p: Any) -> None:
    names = sorted(r["name"] for r in p["ranking"])
    assert len(names) == 2, names
    assert "tit-for-tat" in names


def _tft_pays_three(p: Any) -> None:
    assert p["scores_per_turn"] == pytest.approx([3.0, 3.0])
    assert p["scores"] == pytest.approx([3e12, 3e12])


CASES: list[tuple[str, list[str], int, tuple[str, ...] | Check]] = [
    # --- tracebacks -------------------------------------------------------------------------
    ("match-repetitions-1e12", ["match", "tft", "tft", "--repetitions", BIG], 2,
     ("--repetitions", "limit")),
    ("tournament-repetitions-1e9", ["tournament", "--repetitions", G], 2,
     ("--repetitions", "limit")),
    ("evolve-lattice-1e5x1e5", ["evolve", *POP, "--graph", "lattice:100000x100000"], 2,
     ("lattice:100000x100000", "limit")),
    ("evolve-edge-list-node-1e11", ["evolve", *POP, "--graph", "edges:{edges}"], 2,
     ("99999999999", "limit")),
    ("fixation-population-1e12",
     ["analyze", "fixation", "--payoffs", "3,0,5,1", "--population", BIG], 2,
     ("--population", "limit")),
    ("profile-plot-proc", ["profile", "tft", "--plot", "/proc/tft.png"], 2,
     ("--plot", "cannot be written")),
    ("profile-plot-missing-folder", ["profile", "tft", "--plot", "{missing}/tft.png"], 2,
     ("--plot", "does not exist")),
    ("evolve-plot-proc", ["evolve", *POP, "--plot", "/proc/shares.png"], 2,
     ("--plot", "cannot be written")),
    ("evolve-gif-missing-folder",
     ["evolve", "-p", "tft:8,always-defect:8", "--graph", "lattice:4x4", "--gif",
      "{missing}/a.gif"], 2, ("--gif", "does not exist")),
    ("evolve-snapshot-proc",
     ["evolve", "-p", "tft:8,always-defect:8", "--graph", "lattice:4x4", "--snapshot",
      "/proc/s.png"], 2, ("--snapshot", "cannot be written")),
    ("society-plot-missing-folder",
     ["society", "-p", "reciprocator:1", "--plot", "{missing}/s.png"], 2,
     ("--plot", "does not exist")),
    ("society-plot-proc", ["society", "-p", "reciprocator:1", "--plot", "/proc/s.png"], 2,
     ("--plot", "cannot be written")),
    ("critical-mass-plot-proc", ["critical-mass", "--plot", "/proc/c.png"], 2,
     ("--plot", "cannot be written")),
    ("critical-mass-plot-missing-folder", ["critical-mass", "--plot", "{missing}/c.png"], 2,
     ("--plot", "does not exist")),
    ("plot-unknown-format", ["evolve", *POP, "--plot", "{tmp}/out.xyz"], 2,
     ("--plot", "unknown format '.xyz'", ".png")),
    # --- hangs -------------------------------------------------------------------------------
    ("match-turns-1e12", ["match", "tft", "tft", "--turns", BIG], 2, ("--turns", "limit")),
    ("tournament-turns-1e12", ["tournament", "--turns", BIG], 2, ("--turns", "limit")),
    ("evolve-match-payoffs-turns-1e12",
     ["evolve", *POP, "--payoff-source", "matches", "--turns", BIG], 2, ("turns", "limit")),
    ("analyze-payoffs-turns-1e12", ["analyze", "payoffs", "tft", "tft", "--turns", BIG], 0,
     _tft_pays_three),
    ("match-continuation-almost-1",
     ["match", "tft", "tft", "--continuation", "0.9999999999999999"], 2,
     ("--continuation", "limit")),
    ("society-rounds-1e12", ["society", "-p", "reciprocator:1", "--rounds", BIG], 2,
     ("--rounds", "limit")),
    ("evolve-runs-1e9", ["evolve", *POP, "--runs", G], 2, ("runs", "limit")),
    ("evolve-counts-1e9", ["evolve", "-p", f"tft:{G},always-defect:{G}"], 2, ("limit",)),
    ("evolve-size-1e9", ["evolve", "-p", "tft:0.5,always-defect:0.5", "--size", G], 2,
     ("limit",)),
    ("critical-mass-runs-1e9", ["critical-mass", "--runs", G], 2, ("--runs", "limit")),
    # --- memory ------------------------------------------------------------------------------
    ("match-history-turns-1e9",
     ["match", "tft", "tft", "--history", "--turns", G, "--format", "json"], 2,
     ("--history", "limit")),
    ("evolve-ring-1e9", ["evolve", *POP, "--graph", f"ring:{G}:2"], 2, ("ring", "limit")),
    ("society-agents-1e9", ["society", "-p", "reciprocator:1", "--agents", G], 2,
     ("--agents", "limit")),
    ("critical-mass-agents-1e9", ["critical-mass", "--agents", G], 2, ("--agents", "limit")),
    ("fixation-population-1e9",
     ["analyze", "fixation", "--payoffs", "3,0,5,1", "--population", G], 2,
     ("--population", "limit")),
    ("match-history-table-1e6", ["match", "tft", "tft", "--history", "--turns", "1000000"], 2,
     ("--history", "--format csv")),
    # --- silently wrong ----------------------------------------------------------------------
    ("trustlab-alone", [], 2, ()),
    ("analyze-alone", ["analyze"], 2, ()),
    ("neighbourhood-hex-well-mixed", ["evolve", *POP, "--neighbourhood", "hex"], 2,
     ("--neighbourhood does not apply to a well-mixed population",)),
    ("boundary-mirror-well-mixed", ["evolve", *POP, "--boundary", "mirror"], 2,
     ("--boundary does not apply to a well-mixed population",)),
    ("neighbourhood-moore-well-mixed", ["evolve", *POP, "--neighbourhood", "moore"], 2,
     ("--neighbourhood does not apply",)),
    ("plot-into-a-folder", ["evolve", *POP, "--plot", "{tmp}"], 2, ("--plot", "is a folder")),
    ("plot-empty-name", ["evolve", *POP, "--plot", ""], 2, ("--plot", "empty")),
    ("match-turns-and-continuation",
     ["match", "tft", "tft", "--turns", "10", "--continuation", "0.9"], 2,
     ("give either --turns or --continuation",)),
    ("tournament-turns-and-continuation",
     ["tournament", "--turns", "10", "--continuation", "0.9"], 2,
     ("give either --turns or --continuation",)),
    ("analyze-payoffs-turns-and-continuation",
     ["analyze", "payoffs", "tft", "tft", "--turns", "10", "--continuation", "0.9"], 2,
     ("give either --turns or --continuation",)),
    ("fixation-turns-with-payoffs",
     ["analyze", "fixation", "--payoffs", "3,0,5,1", "--population", "10", "--turns", "10"], 2,
     ("--turns does not apply",)),
    # --- unclear -----------------------------------------------------------------------------
    ("family-spec-in-a-list", ["tournament", "-s", "memory-one:1,0,1,0.5,tft", "--seed", "1"],
     0, _tournament_of_two),
    ("population-count-nan", ["evolve", "-p", "tft:nan,always-defect:5"], 2,
     ("'tit-for-tat'", "nan")),
    ("replicator-from-outside", ["analyze", "replicator", "--payoffs", "4,0,3,1", "--from",
                                 "1.5"], 2, ("--from", "1.5")),
    ("replicator-negative-t-max",
     ["analyze", "replicator", "--payoffs", "4,0,3,1", "--from", "0.5", "--t-max", "-1"], 2,
     ("--t-max",)),
    ("huge-name-cut-short", ["match", X, "tft"], 2, ("unknown character", "…")),
    ("family-typo-in-a-list", ["tournament", "-s", "memroy-one:1,0,1,0,tft"], 2,
     ("did you mean 'memory-one'",)),
    # --- found later by the fuzzer: a name longer than the file system allows ------------------
    ("results-store-name-too-long", ["results", "list", "--store", "x" * 2000], 2,
     ("not a usable store path", "…")),
    ("export-out-name-too-long", ["results", "export", "--out", "x" * 2000 + ".csv"], 2,
     ("--out", "cannot be written", "…")),
    ("plot-name-too-long", ["profile", "tft", "--plot", "x" * 2000 + ".png"], 2,
     ("--plot", "cannot be written", "…")),
    ("spec-name-too-long", ["run", "x" * 2000 + ".toml"], 2, ("cannot read the spec", "…")),
    ("claims-name-too-long", ["report", "x" * 2000 + ".toml"], 2,
     ("cannot read the claims file", "…")),
]  # fmt: skip


def _fill(args: list[str], tmp_path: Path) -> list[str]:
    edges = tmp_path / "edges.txt"
    edges.write_text("0 1\n1 99999999999\n")
    return [
        a.replace("{tmp}", str(tmp_path))
        .replace("{missing}", str(tmp_path / "no-such-folder"))
        .replace("{edges}", str(edges))
        for a in args
    ]


@pytest.mark.parametrize(("argv", "code", "expect"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])  # fmt: skip
def test_issue10_case(
    argv: list[str],
    code: int,
    expect: tuple[str, ...] | Check,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = _fill(argv, tmp_path)
    if code == 0:
        args += ["--format", "json"]
    start = time.perf_counter()
    with pytest.raises(SystemExit) as info:
        main(args)
        raise SystemExit(0)
    took = time.perf_counter() - start
    out, err = capsys.readouterr()
    assert info.value.code == code, (out[-500:], err[-500:])
    assert "Traceback" not in err
    assert took < 30, took
    if code == 2:
        lines = err.strip().splitlines()
        if args and args != ["analyze"]:  # usage errors are one line
            assert len(lines) == 1, err
            assert lines[0].startswith("error: "), err
            assert len(lines[0]) < 400
            assert "array(" not in lines[0] and "t_max" not in lines[0]
            assert isinstance(expect, tuple)
            for word in expect:
                assert word in lines[0], lines[0]
        else:  # a command group without its subcommand: the usage
            assert "Usage:" in out + err
        assert not list(tmp_path.glob("*.png")), "nothing may be written"
    else:
        assert callable(expect)
        expect(json.loads(out))


def test_the_list_covers_the_issue() -> None:
    """The issue counts 14 tracebacks, 9 hangs, 6 memory blow-ups and 10 silent errors, plus the
    unclear messages; every one is a case above (some have several)."""
    assert len(CASES) >= 14 + 9 + 6 + 10
