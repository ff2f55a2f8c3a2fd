"""Spec validation: every bad spec is one line naming the file, the key and what is allowed."""

from __future__ import annotations

from pathlib import Path

import pytest

from trustlab.experiments import ExperimentSpecError, load_spec, parse_spec
from trustlab.experiments.units import unit_seed
from trustlab.interfaces.cli.experiments import cli_backend


def spec_error(text: str, tmp_path: Path) -> str:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ExperimentSpecError) as info:
        load_spec(path, cli_backend())
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(str(path) + ": ")
    return message


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('kind = "tournement"\nseed = 1', ["kind", "'tournament'"]),
        ('kind = "analyze"\nseed = 1', ["kind", "analyze payoffs", "analyze fixation"]),
        ('kind = "tournament"\nseed = 1\n[params]\nnoize = 0.1', ["params.noize", "'noise'"]),
        ('kind = "tournament"\nseed = 1\n[grid]\nturn = [1, 2]', ["grid.turn", "'turns'"]),
        ('kind = "tournament"\nsed = 1', ["sed", "'seed'", "allowed"]),
        ('kind = "tournament"', ["seed", "required"]),
        ('kind = "tournament"\nseed = -1', ["seed", "greater than or equal to 0"]),
        ('kind = "tournament"\nseed = 1\nreplicates = 0', ["replicates"]),
        ('kind = "tournament"\nseed = 1\n[params]\nturns = "many"', ["params.turns", "integer"]),
        ('kind = "tournament"\nseed = 1\n[params]\nturns = 2.5', ["params.turns", "integer"]),
        ('kind = "tournament"\nseed = 1\n[params]\nnoise = "x"', ["params.noise", "number"]),
        ('kind = "tournament"\nseed = 1\n[params]\nself-play = 1', ["self-play", "true or false"]),
        ('kind = "tournament"\nseed = 1\n[params]\nseed = 3', ["params.seed", "not allowed"]),
        ('kind = "society"\nseed = 1\n[params]\nplot = "a.png"', ["params.plot", "writes a file"]),
        ('kind = "tournament"\nseed = 1\n[params]\nformat = "csv"', ["format", "not allowed"]),
        ('kind = "tournament"\nseed = 1\n[grid]\nnoise = []', ["grid.noise", "no points"]),
        ('kind = "tournament"\nseed = 1\npoints = []', ["points", "no points"]),
        ('kind = "evolve"\nseed = 1', ["population", "required"]),
        (
            'kind = "analyze payoffs"\nseed = 1\nreplicates = 3\n[params]\na = "tft"\nb = "tft"',
            ["replicates", "exact"],
        ),
        ('kind = "tournament"\nseed = 1\n[grid]\nnoise = {start = 0, stop = 1}', ["grid.noise"]),
        ("kind = = 1", ["not valid TOML"]),
    ],
)
def test_bad_spec_is_one_line_naming_the_key(text: str, words: list[str], tmp_path: Path) -> None:
    message = spec_error(text, tmp_path)
    for w in words:
        assert w in message, message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ExperimentSpecError, match="no such spec file"):
        load_spec(tmp_path / "nope.toml", cli_backend())


def test_grid_points_and_linspace_expand_in_order() -> None:
    spec = parse_spec(
        """
        kind = "tournament"
        seed = 7
        replicates = 2
        [params]
        turns = 20
        [grid]
        noise = {start = 0.0, stop = 0.1, num = 3}
        [[points]]
        repetitions = 1
        [[points]]
        repetitions = 2
        self_play = false
        """,
        cli_backend(),
    )
    pts = [(p.params["repetitions"], p.params["noise"], p.params["self-play"])
           for p in spec.points_resolved]  # fmt: skip
    assert pts == [(1, 0.0, True), (1, 0.05, True), (1, 0.1, True),
                   (2, 0.0, False), (2, 0.05, False), (2, 0.1, False)]  # fmt: skip
    assert spec.n_units == 12
    # defaults are filled in from the command itself
    assert spec.points_resolved[0].params["misread"] == 0.0
    assert spec.points_resolved[0].params["turns"] == 20


def test_spec_keys_are_the_command_line_options() -> None:
    """Every option of `trustlab tournament` but --seed/--format is a key, with its default."""
    import typer

    from trustlab.interfaces.cli import _register, app

    _register()
    cmd = typer.main.get_command(app).commands["tournament"]  # type: ignore[attr-defined]
    longs = {o[2:] for p in cmd.params for o in p.opts if o.startswith("--")}
    schema = cli_backend().command("tournament")
    assert schema is not None
    assert set(schema.keys) == longs - {"seed", "format"}
    # --turns has no default of its own (so that --continuation can refuse it when given): the
    # spec says so too, and the command's 200 applies when neither is given
    turns = schema.option("turns")
    assert turns is not None and turns.default is None and "default 200" in turns.help
    assert schema.option("repetitions").default == 1  # type: ignore[union-attr]


def test_hash_ignores_name_and_seeds_survive_a_longer_axis() -> None:
    base = 'kind = "tournament"\nseed = 3\n[params]\nturns = 10\n[grid]\nnoise = [0.0, 0.1]'
    a = parse_spec('name = "a"\n' + base, cli_backend())
    b = parse_spec('name = "b"\n' + base, cli_backend())
    assert a.hash == b.hash
    longer = parse_spec(base.replace("[0.0, 0.1]", "[0.0, 0.1, 0.2]"), cli_backend())
    assert longer.hash != a.hash
    # the existing points keep their seeds, so their stored units are reused
    for p in a.points_resolved:
        assert unit_seed(3, p.params, 0) == unit_seed(3, longer.points_resolved[p.index].params, 0)
    first = a.points_resolved[0].params
    assert unit_seed(3, first, 0) != unit_seed(4, first, 0)
