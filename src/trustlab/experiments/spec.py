"""Experiment specs: a TOML file naming a kind of run, its parameters, seeds and sweep axes.

A spec::

    kind = "tournament"        # a command: match, tournament, evolve, society, critical-mass,
                               # "analyze payoffs", "analyze fixation", "analyze replicator"
    name = "noisy-tournament"  # optional
    seed = 1                   # required: every unit's seed derives from it
    replicates = 10            # independent seeds per point (default 1)

    [params]                   # the command's options, named as on the command line
    strategies = "tit-for-tat,always-cooperate,always-defect"
    turns = 200

    [grid]                     # sweep axes: every combination (a list, or start/stop/num)
    noise = [0.0, 0.01, 0.05]
    misread = { start = 0.0, stop = 0.1, num = 3 }

    [[points]]                 # or/and: an explicit list of points (each crossed with the grid)
    repetitions = 5

Keys are checked against the command's own options (types, choices, required ones); an error
names the file, the key and what is allowed, with the closest key for a typo.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import json
import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from trustlab.domain.errors import shorten
from trustlab.experiments.commands import Backend, CommandSchema, OptionSchema
from trustlab.experiments.errors import ExperimentSpecError

__all__ = ["MAX_UNITS", "Point", "Spec", "load_spec", "parse_spec", "spec_from_dict"]

MAX_UNITS = 10_000_000
_TOP_KEYS = ("kind", "name", "description", "seed", "replicates", "params", "grid", "points")


class _Linspace(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    start: float
    stop: float
    num: int = Field(ge=1)


class _SpecModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: str
    name: str | None = None
    description: str = ""
    seed: int = Field(ge=0, lt=2**63)
    replicates: int = Field(default=1, ge=1)
    params: dict[str, Any] = Field(default_factory=dict)
    grid: dict[str, list[Any] | _Linspace] = Field(default_factory=dict)
    points: list[dict[str, Any]] = Field(default_factory=list)


@dataclass(frozen=True)
class Point:
    """One point of a sweep: the index and the complete parameters (defaults filled in)."""

    index: int
    params: dict[str, Any]


@dataclass(frozen=True)
class Spec:
    """A validated spec.

    Attributes
    ----------
    kind, name, description : str
        What runs and what it is called (``name`` defaults to the file's stem).
    seed, replicates : int
        The spec's seed and the number of independent seeds per point.
    params, grid, points
        As written (keys canonical, linspaces expanded).
    points_resolved : tuple of Point
        Every point of the sweep with every option's value.
    source : str
        Where the spec came from (a path or ``<dict>``).
    """

    kind: str
    name: str
    description: str
    seed: int
    replicates: int
    params: dict[str, Any]
    grid: dict[str, list[Any]]
    points: list[dict[str, Any]]
    points_resolved: tuple[Point, ...]
    seeded: bool
    source: str = "<dict>"

    def to_dict(self) -> dict[str, Any]:
        """The spec as written, canonical (what is hashed and stored)."""
        return {
            "kind": self.kind, "name": self.name, "description": self.description,
            "seed": self.seed, "replicates": self.replicates, "params": self.params,
            "grid": self.grid, "points": self.points,
        }  # fmt: skip

    @property
    def hash(self) -> str:
        """A hash of what the spec computes (name and description left out)."""
        body = {k: v for k, v in self.to_dict().items() if k not in ("name", "description")}
        return hashlib.sha256(canonical_json(body).encode()).hexdigest()[:16]

    @property
    def n_units(self) -> int:
        """Points times replicates."""
        return len(self.points_resolved) * self.replicates


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces: equal values give equal text.

    Examples
    --------
    >>> canonical_json({"b": 1, "a": [0.5, True]})
    '{"a":[0.5,true],"b":1}'
    """
    return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)


def load_spec(path: str | Path, backend: Backend) -> Spec:
    """Read and validate the spec file ``path``.

    Raises
    ------
    ExperimentSpecError
        The file is missing, is not TOML, or names a key or value the command does not accept;
        the message names the file and the key.
    """
    p = Path(path)
    shown = shorten(p)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ExperimentSpecError(f"{shown}: no such spec file") from None
    except OSError as exc:
        raise ExperimentSpecError(f"{shown}: cannot read the spec ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ExperimentSpecError(f"{shown}: cannot read the spec (not UTF-8 text)") from None
    return parse_spec(text, backend, source=shown, default_name=p.stem[:60])


def parse_spec(
    text: str, backend: Backend, *, source: str = "<text>", default_name: str = "experiment"
) -> Spec:
    """Validate the TOML text of a spec (see :func:`load_spec`)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ExperimentSpecError(f"{source}: not valid TOML: {exc}") from None
    return spec_from_dict(data, backend, source=source, default_name=default_name)


def spec_from_dict(
    data: Mapping[str, Any],
    backend: Backend,
    *,
    source: str = "<dict>",
    default_name: str = "experiment",
) -> Spec:
    """Validate a spec given as a dictionary (the parsed TOML).

    Examples
    --------
    >>> from trustlab.experiments.commands import Backend, CommandSchema, OptionSchema
    >>> turns = OptionSchema("turns", "int", 200, False, "--turns")
    >>> b = Backend({"match": CommandSchema("match", (turns,), seeded=True)}, execute=print)
    >>> s = spec_from_dict({"kind": "match", "seed": 1, "grid": {"turns": [10, 20]}}, b)
    >>> [p.params for p in s.points_resolved]
    [{'turns': 10}, {'turns': 20}]
    >>> spec_from_dict({"kind": "match", "seed": 1, "params": {"turn": 5}}, b)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    trustlab.experiments.errors.ExperimentSpecError: <dict>: params.turn: unknown key for kind ...
    """

    def fail(key: str, message: str) -> ExperimentSpecError:
        return ExperimentSpecError(f"{source}: {key}: {message}" if key else f"{source}: {message}")

    try:
        model = _SpecModel.model_validate(dict(data))
    except ValidationError as exc:
        # an unknown key first: a typo there often explains a "missing" one
        err = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")[0]
        loc = ".".join(str(x) for x in err["loc"] if not str(x).startswith(("list[", "_Lin")))
        if err["type"] == "extra_forbidden" and len(err["loc"]) == 1:
            allowed = ", ".join(_TOP_KEYS)
            raise fail(loc, f"unknown key{_hint(loc, _TOP_KEYS)} (allowed: {allowed})") from None
        if err["type"] == "missing" and loc == "seed":
            raise fail("seed", "required: an integer ≥ 0 from which unit seeds derive") from None
        raise fail(loc, _pydantic_message(err)) from None

    kind = " ".join(model.kind.split())
    command = backend.command(kind)
    if command is None:
        kinds = sorted(backend.commands)
        sub = [k for k in kinds if k.startswith(kind + " ")]
        if sub:
            raise fail("kind", f"{kind!r} needs a subcommand: one of {', '.join(sub)}")
        raise fail(
            "kind", f"unknown kind {kind!r}{_hint(kind, kinds)} (allowed: {', '.join(kinds)})"
        )

    params = {_key(command, k, "params", fail): _check(command, k, v, f"params.{k}", fail)
              for k, v in model.params.items()}  # fmt: skip
    grid: dict[str, list[Any]] = {}
    for k, axis in model.grid.items():
        key = _key(command, k, "grid", fail)
        values = _linspace(axis) if isinstance(axis, _Linspace) else list(axis)
        if not values:
            raise fail(f"grid.{k}", "a sweep axis with no values gives a sweep with no points")
        grid[key] = [_check(command, k, v, f"grid.{k}", fail) for v in values]
    points: list[dict[str, Any]] = []
    for i, pt in enumerate(model.points):
        where = f"points[{i}]"
        points.append(
            {_key(command, k, where, fail): _check(command, k, v, f"{where}.{k}", fail)
             for k, v in pt.items()}
        )  # fmt: skip
    if "points" in data and not points:
        raise fail("points", "an empty list of points gives a sweep with no points")

    n_points = max(1, len(points)) * math.prod(len(v) for v in grid.values())
    if n_points * model.replicates > MAX_UNITS:
        raise fail("", f"{n_points * model.replicates} units; at most {MAX_UNITS} per spec")
    if not command.seeded and model.replicates != 1:
        raise fail("replicates", f"kind {kind!r} is exact (no seed): replicates must be 1")

    resolved: list[Point] = []
    defaults = command.defaults()
    names = list(grid)
    for pt in points or [{}]:
        for combo in itertools.product(*(grid[n] for n in names)):
            merged = {**defaults, **params, **pt, **dict(zip(names, combo, strict=True))}
            for o in command.options:
                if o.required and merged.get(o.key) is None:
                    raise fail(f"params.{o.key}", f"required by kind {kind!r} ({o.help})")
            resolved.append(Point(len(resolved), merged))

    return Spec(
        kind=kind, name=model.name or default_name, description=model.description,
        seed=model.seed, replicates=model.replicates, params=params, grid=grid, points=points,
        points_resolved=tuple(resolved), seeded=command.seeded, source=source,
    )  # fmt: skip


def _hint(name: str, known: Sequence[str]) -> str:
    near = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f"; did you mean {near[0]!r}?" if near else ""


def _key(command: CommandSchema, key: str, where: str, fail: Any) -> str:
    opt = command.option(key)
    if opt is not None:
        return opt.key
    k = key.replace("_", "-")
    if k in command.excluded:
        raise fail(f"{where}.{key}", f"not allowed in a spec: {command.excluded[k]}")
    raise fail(
        f"{where}.{key}",
        f"unknown key for kind {command.kind!r}{_hint(k, command.keys)} "
        f"(allowed: {', '.join(command.keys)})",
    )


def _check(command: CommandSchema, key: str, value: Any, where: str, fail: Any) -> Any:
    """``value`` if the option accepts it (ints accepted for floats), else a spec error."""
    opt = command.option(key)
    assert opt is not None
    ok, expected = _accepts(opt, value)
    if not ok:
        raise fail(where, f"expected {expected}, got {value!r}")
    if opt.type == "float":
        return float(value)
    if opt.type == "list" and isinstance(value, str):
        return [value]
    return value


def _accepts(opt: OptionSchema, value: Any) -> tuple[bool, str]:
    t = opt.type
    if t == "bool":
        return isinstance(value, bool), "true or false"
    if t == "int":
        return isinstance(value, int) and not isinstance(value, bool), "an integer"
    if t == "float":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return ok and math.isfinite(float(value)), "a finite number"
    if t == "choice":
        return value in opt.choices, f"one of {', '.join(opt.choices)}"
    if t == "list":
        ok = isinstance(value, str) or (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        )
        return ok, "a string or a list of strings"
    return isinstance(value, str), "a string"


def _linspace(axis: _Linspace) -> list[float]:
    if axis.num == 1:
        return [axis.start]
    step = (axis.stop - axis.start) / (axis.num - 1)
    return [axis.start + i * step if i < axis.num - 1 else axis.stop for i in range(axis.num)]


def _pydantic_message(err: Any) -> str:
    t = err["type"]
    if t == "missing":
        return "required"
    if t == "extra_forbidden":
        return "unknown key"
    ctx = err.get("ctx") or {}
    if t in ("greater_than_equal", "less_than", "greater_than"):
        return f"{err['msg'].lower()}, got {err['input']!r}"
    if t.startswith(("int_", "float_", "string_", "bool_", "list_", "dict_", "model_")):
        return f"{err['msg'].lower()}, got {err['input']!r}"
    return f"{err['msg']}{' ' + str(ctx) if ctx else ''}"
