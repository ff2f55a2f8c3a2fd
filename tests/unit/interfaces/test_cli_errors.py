"""Bad input on the command line: one clear line on stderr, exit code 2, no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from trustlab.interfaces.cli import main


def console_script() -> list[str]:
    """The installed ``trustlab`` entry point (next to this Python), else ``python -c``."""
    script = Path(sys.executable).with_name("trustlab")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from trustlab.interfaces.cli import main; main()"]


def run_console(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*console_script(), *args], capture_output=True, text=True, timeout=120, check=False
    )


def assert_one_line_error(stderr: str, *words: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in stderr
    for word in words:
        assert word in lines[0], lines[0]


# The real console entry point, in a subprocess, for a few cases.


def test_console_unknown_character_names_the_closest() -> None:
    r = run_console("match", "tit-for-tatt", "always-defect")
    assert r.returncode == 2
    assert r.stdout == ""
    assert_one_line_error(r.stderr, "unknown character", "'tit-for-tatt'", "'tit-for-tat'")


def test_console_non_positive_turns() -> None:
    r = run_console("tournament", "--turns", "0")
    assert r.returncode == 2
    assert_one_line_error(r.stderr, "turns must be a positive integer", "0")


def test_console_unknown_option_points_to_help() -> None:
    r = run_console("match", "tft", "grudger", "--nosie", "0.1")
    assert r.returncode == 2
    assert_one_line_error(r.stderr, "--nosie", "trustlab match --help")


def test_console_success_prints_json() -> None:
    r = run_console("match", "tft", "grudger", "--turns", "3", "--seed", "0", "--format", "json")
    assert r.returncode == 0, r.stderr
    assert '"scores": [' in r.stdout


# The same entry function, in process, for the rest.


def fails(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Run ``trustlab ARGS``, assert exit code 2 and nothing on stdout, return the error line."""
    with pytest.raises(SystemExit) as exit_:
        main(list(args))
    assert exit_.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert_one_line_error(captured.err)
    return captured.err.strip()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["match", "copycatt", "tft"], ["unknown character", "'tit-for-tat'"]),
        (["tournament", "-s", "tft,grudgr"], ["unknown character", "'grudger'"]),
        (["match", "tft", "tft", "--noise", "1.5"], ["noise", "[0, 1]", "1.5"]),
        (["match", "tft", "tft", "--misread", "-0.1"], ["misread", "[0, 1]"]),
        (["match", "tft", "tft", "--noise", "nan"], ["noise", "[0, 1]"]),
        (["match", "tft", "tft", "--continuation", "1"], ["continuation", "[0, 1)"]),
        (["match", "tft", "tft", "--continuation", "1.5"], ["continuation", "[0, 1)"]),
        (["match", "tft", "tft", "--turns", "-3"], ["turns must be a positive integer"]),
        (["match", "tft", "tft", "--repetitions", "0"], ["repetitions", "positive"]),
        (["match", "tft", "tft", "--seed", "-1"], ["seed"]),
        (["match", "tft", "tft", "--turns", "ten"], ["--turns", "integer"]),
        (["match", "tft", "tft", "--noise", "lots"], ["--noise"]),
        (["match", "tft"], ["Missing argument"]),
        (["match", "tft", "tft", "--format", "xml"], ["--format", "xml"]),
        (["frobnicate"], ["No such command", "frobnicate"]),
        (["match", "memory-one:1,0", "tft"], ["memory-one", "p1,p2,p3,p4"]),
        (["match", "memory-one:1,0,x,1", "tft"], ["'x'", "not a number"]),
        (["match", "memory-one:1,0,2,1", "tft"], ["p3", "[0, 1]", "2"]),
        (["match", "reactive:1", "tft"], ["reactive", "p,q"]),
        (["match", "tft", "tft", "--game", "prisoners-dilemma:1,2,3,4"], ["T > R > P > S"]),
        (["match", "tft", "tft", "--game", "stag-hunt:1,2,3,4"], ["stag hunt"]),
        (["match", "tft", "tft", "--game", "prisoner-dilema"], ["unknown game"]),
        (["match", "tft", "tft", "--payoffs", "3,0,5"], ["R,S,T,P", "4 numbers"]),
        (["match", "tft", "tft", "--payoffs", "3,0,five,1"], ["--payoffs", "'five'"]),
        (["match", "tft", "tft", "--payoffs", "3,0,5,1", "--game", "stag-hunt"], ["either"]),
        (["tournament", "-s", "tft"], ["at least 2"]),
        (["tournament", "-s", "tft,copycat"], ["once", "tit-for-tat"]),
        (["tournament", "-s", ","], ["--strategies"]),
        (["tournament", "--all", "-s", "tft,grudger"], ["--strategies", "--all"]),
        (["tournament", "--tag", "classics"], ["unknown tag", "'classic'"]),
        (["strategies", "--tag", "explorabel"], ["unknown tag", "'explorable'"]),
        (["--threads", "0", "strategies"], ["--threads", "between 1 and"]),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(
    args: list[str], words: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    line = fails(capsys, *args)
    for word in words:
        assert word in line, line


@pytest.mark.parametrize("argv", [[], ["analyze"]])
def test_no_subcommand_shows_usage_and_exits_2(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Nothing was done, so not success: the usage and exit code 2 (issue 10)."""
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    captured = capsys.readouterr()
    assert "Usage" in captured.out + captured.err
    assert ("tournament" if not argv else "fixation") in captured.out + captured.err
