"""The reusable pieces every command uses: output paths, list grammar, applicability, shared
options, complete tables, Ctrl-C, option names in messages."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Annotated, Any

import pytest
import typer
from rich.table import Table

from trustlab.domain import limits
from trustlab.interfaces.cli import _common, main
from trustlab.interfaces.cli._common import (
    SharedOption,
    UsageFailure,
    check_output,
    clip,
    print_table,
    shared_options,
    split_characters,
)

# --- the list grammar --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("tft,grudger", ["tft", "grudger"]),
        ("memory-one:1,0,1,0.5,tft", ["memory-one:1,0,1,0.5", "tft"]),
        ("tft,memory-one:1,0,1,0.5", ["tft", "memory-one:1,0,1,0.5"]),
        ("reactive:1,0.3,gtft:3,0,5,1,grudger", ["reactive:1,0.3", "gtft:3,0,5,1", "grudger"]),
        ("memory-one:1,nan,1,0", ["memory-one:1,nan,1,0"]),
        ("memory-one:1,-0.5,1,0", ["memory-one:1,-0.5,1,0"]),
        ("cycler:CCD,tft", ["cycler:CCD", "tft"]),
        ("gtft:3,0,5,1;tft", ["gtft:3,0,5,1", "tft"]),
        (" tft ; ; grudger ", ["tft", "grudger"]),
        ("tft,,grudger,", ["tft", "grudger"]),
    ],
)
def test_split_characters_keeps_family_specs_whole(text: str, items: list[str]) -> None:
    assert split_characters(text, "--strategies") == items


@pytest.mark.parametrize("text", ["", " , ", ";"])
def test_split_characters_needs_one_item(text: str) -> None:
    with pytest.raises(UsageFailure, match="--strategies needs a list of characters"):
        split_characters(text, "--strategies")


def test_a_family_spec_in_a_tournament_list_is_one_character(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["tournament", "-s", "memory-one:1,0,1,0,tft", "--turns", "5", "--seed", "0", "-f",
          "json"])  # fmt: skip
    names = {r["name"] for r in json.loads(capsys.readouterr().out)["ranking"]}
    assert len(names) == 2 and "tit-for-tat" in names


def test_a_typo_in_any_part_of_a_list_gets_the_closest_name(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["tournament", "-s", "tft,memory-one:1,0,1,0,grudgr"])
    assert "'grudger'" in capsys.readouterr().err


def test_clip_cuts_long_input() -> None:
    assert clip("abc") == "abc"
    assert clip("a" * 61) == "a" * 59 + "…"
    assert len(clip("a" * 10_000)) == 60


# --- output paths ------------------------------------------------------------------------------


def test_check_output_accepts_a_writable_file_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out.svg"
    assert check_output(str(target), "--plot", "plot") == target
    assert not target.exists()
    assert check_output(None, "--plot", "plot") is None


def test_check_output_keeps_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "out.png"
    target.write_bytes(b"old")
    check_output(target, "--plot", "plot")
    assert target.read_bytes() == b"old"


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("", "empty name"),
        ("{tmp}", "is a folder"),
        ("{tmp}/", "is a folder"),
        ("{tmp}/out", "no extension"),
        ("{tmp}/out.xyz", "unknown format '.xyz'"),
        ("{tmp}/out.gif", "unknown format '.gif'"),
        ("{tmp}/missing/out.png", "does not exist"),
        ("/proc/out.png", "cannot be written"),
    ],
)
def test_check_output_refuses_in_one_line(name: str, words: str, tmp_path: Path) -> None:
    with pytest.raises(UsageFailure) as info:
        check_output(name.replace("{tmp}", str(tmp_path)), "--plot", "plot")
    message = str(info.value)
    assert message.startswith("--plot") and words in message
    assert "\n" not in message


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_check_output_refuses_a_read_only_folder(tmp_path: Path) -> None:  # pragma: no cover
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(UsageFailure, match="cannot be written"):
            check_output(tmp_path / "out.png", "--plot", "plot")
    finally:
        tmp_path.chmod(0o700)


def test_a_bad_plot_path_costs_no_computation(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from trustlab.interfaces.cli import society as society_cli

    def boom(*_: Any, **__: Any) -> None:
        raise AssertionError("the society ran before its --plot was checked")

    monkeypatch.setattr(society_cli, "run_society", boom)
    with pytest.raises(SystemExit) as info:
        main(["society", "-p", "reciprocator:1", "--plot", "/no/such/folder/s.png"])
    assert info.value.code == 2
    assert "does not exist" in capsys.readouterr().err


# --- options declared once -----------------------------------------------------------------------


def test_shared_options_add_the_group_to_a_command() -> None:
    group = (
        SharedOption("alpha", Annotated[int, typer.Option("--alpha")], 1, "a"),
        SharedOption("beta_rate", Annotated[float, typer.Option("--beta-rate")], 0.5),
    )
    seen: dict[str, Any] = {}

    @shared_options(group, into="settings", defaults={"alpha": 7})
    def cmd(name: Annotated[str, typer.Option("--name")] = "x",
            settings: dict[str, Any] | None = None) -> None:  # fmt: skip
        seen.update(name=name, settings=settings)

    app = typer.Typer()
    app.command()(cmd)
    app.command("other")(lambda: None)
    from typer.testing import CliRunner

    r = CliRunner().invoke(app, ["cmd", "--beta-rate", "0.25"])
    assert r.exit_code == 0, r.output
    assert seen == {"name": "x", "settings": {"a": 7, "beta_rate": 0.25}}


def test_shared_options_refuse_a_duplicate_declaration() -> None:
    group = (SharedOption("alpha", Annotated[int, typer.Option("--alpha")], 1),)
    with pytest.raises(TypeError, match="again"):

        @shared_options(group, into="settings")
        def cmd(alpha: int = 1, settings: dict[str, Any] | None = None) -> None: ...


def test_society_and_critical_mass_share_one_declaration() -> None:
    import typer.main

    from trustlab.interfaces.cli import _register, app
    from trustlab.interfaces.cli.society import SOCIETY_OPTIONS

    _register()
    root = typer.main.get_command(app)
    shared = {o.name for o in SOCIETY_OPTIONS}
    for name in ("society", "critical-mass"):
        params = {p.name for p in root.commands[name].params}  # type: ignore[attr-defined]
        assert shared <= params
    agents = {
        name: next(p.default for p in root.commands[name].params if p.name == "agents")  # type: ignore[attr-defined]
        for name in ("society", "critical-mass")
    }
    assert agents == {"society": 1000, "critical-mass": 300}


# --- tables, Ctrl-C, messages ------------------------------------------------------------------


def test_a_piped_table_is_printed_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    t = Table(title="wide")
    for j in range(40):
        t.add_column(f"column {j}")
    t.add_row(*(f"{j}.123456" for j in range(40)))
    buf = io.StringIO()
    monkeypatch.setattr("sys.stdout", buf)
    monkeypatch.setenv("COLUMNS", "40")
    print_table(t)
    text = buf.getvalue()
    for j in range(40):
        assert f"{j}.123456" in text and f"column {j}" in text
    assert "…" not in text


def test_ctrl_c_stops_with_one_line_and_exit_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from trustlab.interfaces.cli import play

    def interrupted(*_: Any, **__: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(play, "play_tournament", interrupted)
    with pytest.raises(SystemExit) as info:
        main(["tournament", "--seed", "1"])
    assert info.value.code == 130
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "interrupted" in err[0]


@pytest.mark.parametrize(
    ("argv", "option", "internal"),
    [
        (["analyze", "replicator", "--payoffs", "4,0,3,1", "--from", "0.5", "--t-max", "-1"],
         "--t-max", "t_max"),
        (["match", "tft", "tft", "--noise", "2"], "--noise", None),
        (["society", "-p", "reciprocator:1", "--agents", "1"], "--agents", "n_agents"),
        (["critical-mass", "--exploiters", "2"], "--exploiters", "exploiters share"),
        (["match", "tft", "tft", "--repetitions", "1000000000000"], "--repetitions 1000000000000",
         "repetitions ="),
    ],
)  # fmt: skip
def test_messages_name_options(
    argv: list[str], option: str, internal: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(argv)
    err = capsys.readouterr().err
    assert option in err
    if internal:
        assert internal not in err


def test_budget_limits_can_be_tightened_for_tests() -> None:
    with limits.tightened(memory=2**20, time_share=1e-6):
        assert limits.memory_cap() == 2**20
        with pytest.raises(limits.TooLarge, match="limit is 50,000"):
            limits.check_work(10**6, limits.MAX_MATCH_TURNS, "match-turns", "turns = 1000000")
    assert limits.memory_cap() > 2**20


def test_common_exports_what_it_documents() -> None:
    documented = ("check_output", "check_budget", "not_applicable", "one_of", "given",
                  "split_characters", "clip", "shared_options", "SharedOption",
                  "OUTPUT_KINDS")  # fmt: skip
    assert set(documented) <= set(_common.__all__)
