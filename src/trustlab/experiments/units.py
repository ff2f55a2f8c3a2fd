"""Units: one command run with one point's parameters and one seed, and what it produced.

A unit's seed derives from the spec's seed, the point's parameters and the replicate through
:class:`numpy.random.SeedSequence`, never from the order in which units run, so 1 worker,
N workers and a Dask cluster store identical values; adding values to a sweep axis leaves the
seeds (and the stored units) of the existing points unchanged.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from trustlab.experiments.spec import Spec, canonical_json

__all__ = ["Outcome", "Unit", "expand", "flatten_payload", "unit_seed"]


@dataclass(frozen=True)
class Unit:
    """One unit of a spec: its key, kind, parameters, seed and command line."""

    key: str
    kind: str
    point: int
    replicate: int
    seed: int | None
    params: dict[str, Any]
    argv: tuple[str, ...]


@dataclass
class Outcome:
    """What a worker returns for one unit: the payload, or the error it raised."""

    key: str
    payload: dict[str, Any] | None
    started: float
    finished: float
    worker: str
    metrics: dict[str, float] = field(default_factory=dict)
    series: list[tuple[str, str, list[float], list[float]]] = field(default_factory=list)
    error: str = ""
    error_kind: str = ""  # "" | "input" (the command rejected it) | "crash"


def unit_seed(spec_seed: int, params: Mapping[str, Any], replicate: int) -> int:
    """The seed of one unit, from the spec's seed, the point's parameters and the replicate.

    Examples
    --------
    >>> unit_seed(1, {"noise": 0.1}, 0) == unit_seed(1, {"noise": 0.1}, 0)
    True
    >>> unit_seed(1, {"noise": 0.1}, 0) != unit_seed(1, {"noise": 0.1}, 1)
    True
    """
    digest = hashlib.sha256(canonical_json(dict(params)).encode()).digest()
    words = [int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4)]
    seq = np.random.SeedSequence(entropy=[spec_seed, *words], spawn_key=(replicate,))
    return int(seq.generate_state(1, np.uint64)[0] >> np.uint64(1))


def unit_key(kind: str, params: Mapping[str, Any], seed: int | None, version: str) -> str:
    """The identity of a unit in the store: same kind, parameters, seed and version, same key."""
    body = {"kind": kind, "params": dict(params), "seed": seed, "version": version}
    return hashlib.sha256(canonical_json(body).encode()).hexdigest()[:32]


def expand(spec: Spec, version: str, argv_of: Any) -> list[Unit]:
    """Every unit of ``spec``, replicate-major (all points of replicate 0 first).

    ``argv_of(params, seed)`` builds the command line (the command schema's ``argv``). Running
    replicate 0 of every point first gives a complete coarse picture early, and a value a command
    rejects shows up in the first pass.
    """
    units: list[Unit] = []
    for r in range(spec.replicates):
        for pt in spec.points_resolved:
            seed = unit_seed(spec.seed, pt.params, r) if spec.seeded else None
            units.append(
                Unit(
                    key=unit_key(spec.kind, pt.params, seed, version), kind=spec.kind,
                    point=pt.index, replicate=r, seed=seed, params=pt.params,
                    argv=tuple(argv_of(pt.params, seed)),
                )
            )  # fmt: skip
    return units


_STEP_KEYS = ("round", "generation", "step", "turn")
_ID_KEYS = ("name", "character", "strategy")
_SKIP = frozenset({"seed", "version"})


def flatten_payload(
    payload: Mapping[str, Any], params: Mapping[str, Any] = {}
) -> tuple[dict[str, float], list[tuple[str, str, list[float], list[float]]]]:
    """A payload's numbers as flat metrics, and its ``history`` as time series.

    Metrics are named by their path (``ranking.tit-for-tat.score_per_turn``): a list of records
    that carry a ``name`` or ``character`` is keyed by it, other lists by position. Strings,
    None, the seed and the echo of the parameters are left out. A top-level ``history`` (a list of
    records) becomes one series per numeric field, against its ``round`` or ``generation``.

    Examples
    --------
    >>> m, s = flatten_payload({"ranking": [{"name": "tft", "score": 2.5}], "noise": 0.1},
    ...                        {"noise": 0.1})
    >>> m
    {'ranking.tft.score': 2.5}
    >>> flatten_payload({"history": [{"round": 1, "open": 0.5}, {"round": 2, "open": 0.7}]})[1]
    [('history', 'open', [1.0, 2.0], [0.5, 0.7])]
    """
    echo = {k.replace("-", "_") for k in params}
    metrics: dict[str, float] = {}
    series: list[tuple[str, str, list[float], list[float]]] = []
    for k, v in payload.items():
        if k in _SKIP or k in echo:
            continue
        if k == "history" and isinstance(v, list) and v and all(isinstance(r, dict) for r in v):
            series += _series(k, v)
        else:
            _flatten(k, v, metrics)
    return metrics, series


def _flatten(path: str, value: Any, out: dict[str, float]) -> None:
    if isinstance(value, bool):
        out[path] = float(value)
    elif isinstance(value, int | float):
        f = float(value)
        if math.isfinite(f):
            out[path] = f
    elif isinstance(value, dict):
        for k, v in value.items():
            _flatten(f"{path}.{k}", v, out)
    elif isinstance(value, list):
        ids = _ids(value)
        for i, v in enumerate(value):
            _flatten(f"{path}.{ids[i] if ids else i}", v, out)


def _ids(records: list[Any]) -> list[str] | None:
    if not records or not all(isinstance(r, dict) for r in records):
        return None
    for k in _ID_KEYS:
        ids = [r.get(k) for r in records]
        if all(isinstance(i, str) for i in ids) and len(set(ids)) == len(ids):
            return [str(i) for i in ids]
    return None


def _series(
    name: str, records: list[dict[str, Any]]
) -> list[tuple[str, str, list[float], list[float]]]:
    step = next((k for k in _STEP_KEYS if all(k in r for r in records)), None)
    t = [float(r[step]) if step else float(i) for i, r in enumerate(records)]
    columns: dict[str, list[float]] = {}
    for i, r in enumerate(records):
        flat: dict[str, float] = {}
        for k, v in r.items():
            if k != step:
                _flatten(k, v, flat)
        for k, v in flat.items():
            columns.setdefault(k, [math.nan] * len(records))[i] = v
    return [(name, k, t, v) for k, v in columns.items()]
