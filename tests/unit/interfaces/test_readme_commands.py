"""Every ``trustlab ...`` command the README shows runs (exit 0), and prints the numbers the README
states for it.

Commands are extracted from the README's ``bash`` code blocks (``\\`` continuations joined). The
numbers a README comment promises (``# 2.2498, 2.2517``) must appear in the output: decimals as
written (a prefix of the printed digits), integers as whole numbers (``9`` matches ``9``,
``9.0`` or ``9.000000``). Commands that take long are listed in :data:`SLOW` (substrings) and run
under ``-m slow``. The main-job table is checked cell by cell.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from trustlab.interfaces.cli import main

README = Path(__file__).resolve().parents[3] / "README.md"

#: Substrings of README commands too slow for the default run.
SLOW = (
    "--graph lattice:100x100",
    "trustlab society",
    "trustlab critical-mass",
    "tournament --all --continuation 0.99",
    "trustlab essay",
)

#: Commands that do not end by themselves: the explorable's server (its own tests start it on a
#: free port and drive it, tests/unit/interfaces/web/).
SERVERS = ("trustlab serve",)


def readme_commands() -> list[tuple[str, str]]:
    """(command, comment) for each ``trustlab`` line of the README's bash blocks."""
    text = README.read_text(encoding="utf-8")
    found = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        for line in block.replace("\\\n", " ").splitlines():
            line = line.strip()
            if line.startswith("trustlab ") and not line.startswith(SERVERS):
                command, _, comment = line.partition(" #")
                found.append((" ".join(command.split()), comment.strip()))
    return found


def promised_numbers(comment: str) -> list[str]:
    """The numbers a comment promises, e.g. ``'2.2498, 2.2517'`` → ``['2.2498', '2.2517']``."""
    return re.findall(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])", comment)


def _param(command: str, comment: str) -> object:
    marks = [pytest.mark.slow] if any(s in command for s in SLOW) else []
    return pytest.param(command, comment, marks=marks, id=command[9:60])


COMMANDS = readme_commands()


def test_the_readme_shows_commands() -> None:
    assert len(COMMANDS) >= 15
    assert any(promised_numbers(c) for _, c in COMMANDS)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for all the README's commands, in order, as a reader would run them: figures
    are written there, and ``trustlab results`` reads the store ``trustlab run`` wrote."""
    d = tmp_path_factory.mktemp("readme")
    shutil.copytree(README.parent / "examples", d / "examples")  # specs the README runs
    return d


@pytest.mark.parametrize(("command", "comment"), [_param(*c) for c in COMMANDS])
def test_readme_command(
    command: str,
    comment: str,
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(workdir)
    with pytest.raises(SystemExit) as info:
        main(shlex.split(command)[1:])
        raise SystemExit(0)
    out, err = capsys.readouterr()
    assert info.value.code == 0, err
    for number in promised_numbers(comment):
        if "." in number:
            assert number in out, (number, out[-2000:])
        else:
            assert re.search(rf"(?<![\d.]){number}(?:\.0+)?(?![\d.])", out), (number, out)


def test_the_main_job_prints_the_readme_table(capsys: pytest.CaptureFixture[str]) -> None:
    """``trustlab tournament --turns 200 --repetitions 10 --seed 1``, row by row as shown."""
    text = README.read_text(encoding="utf-8")
    section = text.split("**The explorable's eight**", 1)[1].split("Tit-for-tat wins", 1)[0]
    rows = re.findall(r"^\| (\d+) \| ([\w-]+) \| ([\d.]+) \| ([\d.]+) \| (\d+) \|$", section, re.M)
    assert len(rows) == 8
    main(["tournament", "--turns", "200", "--repetitions", "10", "--seed", "1", "-f", "json"])
    import json

    ranking = json.loads(capsys.readouterr().out)["ranking"]
    for (rank, name, spt, coop, wins), r in zip(rows, ranking, strict=True):
        assert (int(rank), name, int(wins)) == (r["rank"], r["name"], r["wins"])
        assert f"{r['score_per_turn']:.4f}" == spt
        assert f"{r['cooperation_rate']:.3f}" == coop
