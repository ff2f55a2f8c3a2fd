"""The CLI's JSON/CSV contract: the keys other tools read, and the values behind them."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from trustlab import catalogue, select
from trustlab.interfaces.cli import main

# The explorable's eight, as `trustlab tournament` plays them by default.
EIGHT = 8


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    """``trustlab ARGS --format json``, parsed."""
    main([*args, "--format", "json"])
    return json.loads(capsys.readouterr().out)


def test_strategies_json_lists_every_character_with_the_contract_keys(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rows = run_json(capsys, "strategies")
    assert len(rows) == len(catalogue())
    for row in rows:
        assert {"name", "aliases", "rule", "memory_depth", "stochastic"} <= set(row)
        assert isinstance(row["aliases"], list)
        assert row["memory_depth"] is None or row["memory_depth"] >= 0
    by_name = {r["name"]: r for r in rows}
    assert {"copycat", "tft"} <= set(by_name["tit-for-tat"]["aliases"])
    assert by_name["tit-for-tat"]["memory_depth"] == 1
    assert by_name["random"]["stochastic"] is True
    assert by_name["grudger"]["stochastic"] is False


def test_strategies_tag_filters(capsys: pytest.CaptureFixture[str]) -> None:
    rows = run_json(capsys, "strategies", "--tag", "explorable")
    assert sorted(r["name"] for r in rows) == sorted(c.name for c in select(["explorable"]))
    assert len(rows) == EIGHT


def test_match_json_keys_and_values(capsys: pytest.CaptureFixture[str]) -> None:
    p = run_json(capsys, "match", "copycat", "always-defect", "--turns", "10", "--seed", "1")
    assert p["players"] == ["tit-for-tat", "always-defect"]
    assert p["turns"] == 10
    assert p["repetitions"] == 1
    assert p["seed"] == 1
    # TFT loses the first turn (S=0 vs T=5), then both defect for 9 turns (P=1)
    assert p["scores"] == [9.0, 14.0]
    assert p["scores_per_turn"] == [0.9, 1.4]
    assert p["cooperation_rates"] == [0.1, 0.0]
    assert "action_rates" not in p


def test_match_with_repetitions_reports_mean_per_match(capsys: pytest.CaptureFixture[str]) -> None:
    p = run_json(
        capsys, "match", "tft", "tft", "--turns", "50", "--repetitions", "4", "--seed", "3"
    )
    assert p["repetitions"] == 4
    assert p["scores"] == [150.0, 150.0]
    assert p["scores_per_turn"] == [3.0, 3.0]


def test_match_custom_payoffs_are_used_as_given(capsys: pytest.CaptureFixture[str]) -> None:
    # R,S,T,P = 4,-1,2,0 is no prisoner's dilemma; custom payoffs are accepted as given
    p = run_json(
        capsys, "match", "always-cooperate", "always-defect", "--turns", "5", "--payoffs",
        "4,-1,2,0", "--seed", "0",
    )  # fmt: skip
    assert p["scores"] == [-5.0, 10.0]


def test_match_in_the_exchange_adds_action_rates(capsys: pytest.CaptureFixture[str]) -> None:
    p = run_json(
        capsys, "match", "tit-for-tat", "always-defect", "--turns", "4",
        "--game", "vulnerability-exchange", "--seed", "0",
    )  # fmt: skip
    rates = p["action_rates"]
    assert len(rates) == 2 and len(rates[0]) == 6
    assert sum(rates[0].values()) == pytest.approx(1.0)
    # lifted: tit-for-tat opens and supports once, then stays guarded and exploits
    assert p["cooperation_rates"] == [0.25, 0.0]


def test_match_history_has_every_turn(capsys: pytest.CaptureFixture[str]) -> None:
    p = run_json(capsys, "match", "alternator", "tft", "--turns", "4", "--history", "--seed", "0")
    assert p["history"] == [[["C", "C"], ["D", "C"], ["C", "D"], ["D", "C"]]]


def test_match_continuation_length(capsys: pytest.CaptureFixture[str]) -> None:
    p = run_json(
        capsys, "match", "tft", "tft", "--continuation", "0.9", "--repetitions", "400",
        "--seed", "5",
    )  # fmt: skip
    assert p["turns"] is None
    assert p["continuation"] == 0.9
    # mean length 1/(1-W) = 10 turns, standard deviation sqrt(W)/(1-W) ≈ 9.5; 5 standard errors
    se = 0.9**0.5 / 0.1 / 400**0.5
    assert abs(p["scores"][0] / 3.0 - 10.0) < 5 * se


def pairs_of(p: dict[str, Any]) -> list[tuple[str, str]]:
    return [(q["a"], q["b"]) for q in p["pairs"]]


def test_tournament_default_is_the_explorables_eight(capsys: pytest.CaptureFixture[str]) -> None:
    p = run_json(capsys, "tournament", "--turns", "20", "--seed", "1")
    names = {r["name"] for r in p["ranking"]}
    assert names == {c.name for c in select(["explorable"])}
    # best first
    scores = [r["score_per_turn"] for r in p["ranking"]]
    assert scores == sorted(scores, reverse=True)
    for r in p["ranking"]:
        assert {"name", "score_per_turn", "cooperation_rate", "wins"} <= set(r)
    # each unordered pair once, self-play included: 8·9/2
    pairs = pairs_of(p)
    assert len(pairs) == EIGHT * (EIGHT + 1) // 2
    assert len({frozenset(x) for x in pairs}) == len(pairs)
    assert sum(a == b for a, b in pairs) == EIGHT


def test_tournament_without_self_play(capsys: pytest.CaptureFixture[str]) -> None:
    p = run_json(
        capsys, "tournament", "-s", "tft,always-defect,always-cooperate", "--no-self-play",
        "--turns", "10", "--seed", "0",
    )  # fmt: skip
    assert sorted(map(sorted, pairs_of(p))) == [
        ["always-cooperate", "always-defect"],
        ["always-cooperate", "tit-for-tat"],
        ["always-defect", "tit-for-tat"],
    ]
    ranking = [(r["name"], r["score_per_turn"], r["wins"]) for r in p["ranking"]]
    # TFT: 9 vs AllD and 30 vs AllC over 20 turns; AllD: 14 + 50; AllC: 0 + 30
    assert ranking == [
        ("always-defect", 3.2, 2),
        ("tit-for-tat", 1.95, 0),
        ("always-cooperate", 1.5, 0),
    ]
    scores = {(q["a"], q["b"]): q["scores"] for q in p["pairs"]}
    assert scores[("tit-for-tat", "always-defect")] == [9.0, 14.0]


def test_tournament_all_plays_what_the_game_allows(capsys: pytest.CaptureFixture[str]) -> None:
    pd = run_json(capsys, "tournament", "--all", "--turns", "2", "--seed", "0")
    two = {c.name for c in catalogue().values() if c.n_actions == 2}
    assert {r["name"] for r in pd["ranking"]} == two
    ve = run_json(
        capsys, "tournament", "--all", "--game", "vulnerability-exchange", "--turns", "2",
        "--seed", "0",
    )  # fmt: skip
    assert {r["name"] for r in ve["ranking"]} == set(catalogue())
    assert len(ve["ranking"]) > len(pd["ranking"])


def test_tournament_tag_selects(capsys: pytest.CaptureFixture[str]) -> None:
    p = run_json(capsys, "tournament", "--tag", "essay", "--turns", "5", "--seed", "0")
    assert {r["name"] for r in p["ranking"]} == {c.name for c in select(["essay"])}
    assert p["game"].startswith("vulnerability-exchange")


def test_threads_do_not_change_results(capsys: pytest.CaptureFixture[str]) -> None:
    args = ("tournament", "--noise", "0.1", "--turns", "50", "--repetitions", "3", "--seed", "9")
    one = run_json(capsys, "--threads", "1", *args)
    two = run_json(capsys, "--threads", "2", *args)
    assert one["ranking"] == two["ranking"]
    assert one["pairs"] == two["pairs"]


def test_same_seed_same_match_and_recorded_fresh_seed(capsys: pytest.CaptureFixture[str]) -> None:
    args = ("match", "random", "tft", "--turns", "100", "--noise", "0.1")
    a = run_json(capsys, *args, "--seed", "42")
    b = run_json(capsys, *args, "--seed", "42")
    assert a["scores"] == b["scores"]
    fresh = run_json(capsys, *args)
    assert isinstance(fresh["seed"], int)
    again = run_json(capsys, *args, "--seed", str(fresh["seed"]))
    assert again["scores"] == fresh["scores"]


def test_csv_rows(capsys: pytest.CaptureFixture[str]) -> None:
    main(["tournament", "-s", "tft,always-defect", "--turns", "10", "--seed", "0", "-f", "csv"])
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    # with self-play (both seats count): TFT (60 + 9) / 30 per turn, AllD (14 + 20) / 30
    assert [r["name"] for r in rows] == ["tit-for-tat", "always-defect"]
    assert [float(r["score_per_turn"]) for r in rows] == [2.3, (14 + 20) / 30]
    assert {"rank", "score_per_turn", "cooperation_rate", "wins"} <= set(rows[0])
    main(["match", "tft", "alternator", "--turns", "3", "--seed", "0", "-f", "csv", "--history"])
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["action_a"], r["action_b"]) for r in rows] == [("C", "C"), ("C", "D"), ("D", "C")]


def test_table_format_names_the_characters(capsys: pytest.CaptureFixture[str]) -> None:
    main(["tournament", "-s", "tft,grudger", "--turns", "5", "--seed", "0", "--matrix"])
    out = capsys.readouterr().out
    assert "tit-for-tat" in out and "grudger" in out
    assert "payoff per turn of row against column" in " ".join(out.split())
    assert "3.00" in out  # both always cooperate: R = 3 per turn


@pytest.mark.parametrize("command", ["strategies", "match", "tournament"])
def test_every_command_has_help_with_an_example(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    main([command, "--help"])  # returns normally: exit code 0
    out = capsys.readouterr().out
    assert "Example: trustlab " + command in " ".join(out.split())
    assert "--format" in out
    if command != "strategies":
        assert "--seed" in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--version"])
    assert capsys.readouterr().out.startswith("trustlab ")


def registered_commands() -> list[list[str]]:
    """Every leaf command as its argv path (``["analyze", "payoffs"]`` inside a group)."""
    import typer
    from typer.core import TyperGroup

    from trustlab.interfaces.cli import _register, app

    _register()

    def leaves(command: object, path: list[str]) -> list[list[str]]:
        if isinstance(command, TyperGroup):
            return [
                leaf
                for name, sub in sorted(command.commands.items())
                for leaf in leaves(sub, [*path, name])
            ]
        return [path]

    return leaves(typer.main.get_command(app), [])


def test_every_registered_command_follows_the_conventions(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Every command, whoever wrote it: an example in --help, --format table|json|csv."""
    commands = registered_commands()
    assert {("strategies",), ("match",), ("tournament",)} <= {tuple(c) for c in commands}
    for command in commands:
        main([*command, "--help"])
        out = " ".join(capsys.readouterr().out.split())
        assert "Example" in out, command
        assert "--format" in out, command
