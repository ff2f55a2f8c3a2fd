"""Claims, their criteria, and verdicts computed from stored numbers.

A criterion names a statistic computed per unit from its metrics — a metric's value, or the
margin of one character's metric over the best of others (``better`` minus the maximum over
``than``, within the same unit, so the comparison is paired) — a direction, a threshold and an
interval level. At each point of the sweep the statistic's Student-t interval over replicates
decides: *holds* when the whole interval is on the claimed side of the threshold, *fails* when
the whole interval is on the other side (or on it), *undecided* otherwise. Over the sweep: holds
everywhere → "holds"; nowhere → "does not hold"; at some points → "holds only when ...", the
condition read from the swept parameters of the points where it holds.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from trustlab.domain.errors import shorten
from trustlab.experiments.commands import Backend
from trustlab.experiments.errors import ExperimentSpecError
from trustlab.experiments.experiment import run_experiment
from trustlab.experiments.results import Summary, mean_interval, varied_keys
from trustlab.experiments.runner import Runner
from trustlab.experiments.spec import Spec, canonical_json, spec_from_dict
from trustlab.store import Store

__all__ = ["Claim", "ClaimResult", "Criterion", "evaluate", "load_claims", "parse_claims",
           "run_claims"]  # fmt: skip

Verdict = Literal["holds", "holds only when", "does not hold", "undecided"]
# a point's verdict may also be "control": the setting a ``versus`` criterion compares against


class Criterion(BaseModel):
    """The test of a claim, written before the run.

    Parameters
    ----------
    metric : str
        A stored metric name; with ``better``, a pattern whose ``{}`` is replaced by a character's
        name (``ranking.{}.score_per_turn``).
    better : str, optional
        The character the claim favours.
    than : list of str
        The characters it must beat: the statistic is ``metric(better) − max(metric(than))``.
    direction : {">", "<"}
        Whether the statistic must be above or below the threshold.
    threshold : float
        The value to clear.
    level : float
        The interval level.
    versus : dict
        A control setting: the statistic becomes the point's statistic minus the statistic at the
        same point with these parameters, replicate by replicate (``{"leave-threshold": 0.0}``:
        "with leaving minus without"). The points that are that setting are the controls; they are
        shown, and not judged. Empty: no control, the statistic itself is judged.

    Examples
    --------
    >>> c = Criterion(metric="ranking.{}.s", better="a", than=["b", "c"])
    >>> c.statistic({"ranking.a.s": 3.0, "ranking.b.s": 2.5, "ranking.c.s": 2.0})
    0.5
    >>> c.describe()
    'ranking.a.s − max(ranking.b.s, ranking.c.s) > 0 (95% interval)'
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    metric: str
    better: str | None = None
    than: list[str] = Field(default_factory=list)
    direction: Literal[">", "<"] = ">"
    threshold: float = 0.0
    level: float = Field(default=0.95, gt=0.0, lt=1.0)
    versus: dict[str, Any] = Field(default_factory=dict)

    def statistic(self, metrics: Mapping[str, float]) -> float:
        """The statistic of one unit (NaN when a metric is missing)."""
        if self.better is None:
            return float(metrics.get(self.metric, math.nan))
        mine = metrics.get(self.metric.format(self.better), math.nan)
        others = [metrics.get(self.metric.format(t), math.nan) for t in self.than]
        return float(mine - max(others)) if others else float(mine)

    def describe(self) -> str:
        """The criterion in one line."""
        if self.better is None:
            stat = self.metric
        else:
            others = ", ".join(self.metric.format(t) for t in self.than)
            stat = f"{self.metric.format(self.better)} − max({others})"
        if self.versus:
            control = ", ".join(f"{k} = {v}" for k, v in self.versus.items())
            stat = f"({stat}) − (the same at {control})"
        return f"{stat} {self.direction} {self.threshold:g} ({self.level:.0%} interval)"

    def judge(self, s: Summary) -> Verdict:
        """One point's verdict from the statistic's interval."""
        if s.n == 0 or not math.isfinite(s.mean):
            return "undecided"
        low, high = (s.low, s.high) if math.isfinite(s.low) else (s.mean, s.mean)
        if self.direction == ">":
            if low > self.threshold:
                return "holds"
            return "does not hold" if high <= self.threshold else "undecided"
        if high < self.threshold:
            return "holds"
        return "does not hold" if low >= self.threshold else "undecided"


class _ClaimModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    text: str
    criterion: Criterion
    spec: dict[str, Any]
    x: str | None = None


class _ClaimsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = "Claims"
    claim: list[_ClaimModel]


@dataclass(frozen=True)
class Claim:
    """A claim in the project's words, the spec that tests it and the criterion, fixed first."""

    id: str
    text: str
    spec: Spec
    criterion: Criterion
    x: str | None = None  # the swept parameter on the figure's x axis (default: the first axis)

    def __post_init__(self) -> None:
        _controls(self.spec, self.criterion.versus)  # every compared point has its control


@dataclass
class ClaimResult:
    """A claim's numbers per point, each point's verdict, and the overall verdict."""

    claim: Claim
    spec_hash: str
    points: list[dict[str, Any]]
    verdict: Verdict
    condition: str = ""
    units: int = 0
    reused: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def verdict_text(self) -> str:
        """``holds``, ``does not hold``, ``holds only when noise ≤ 0.01``..."""
        return f"holds only when {self.condition}" if self.condition else self.verdict

    def to_dict(self) -> dict[str, Any]:
        """JSON-able."""
        return {
            "id": self.claim.id, "claim": self.claim.text, "spec_hash": self.spec_hash,
            "criterion": self.claim.criterion.describe(), "verdict": self.verdict_text,
            "points": self.points, "units": self.units, "reused": self.reused,
            "spec": self.claim.spec.to_dict(),
        }  # fmt: skip


def load_claims(path: str | Path, backend: Backend) -> tuple[str, list[Claim]]:
    """Read a claims file: its title and claims (each spec validated like ``trustlab run``'s)."""
    p = Path(path)
    shown = shorten(p)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        reason = exc.strerror
        raise ExperimentSpecError(f"{shown}: cannot read the claims file ({reason})") from None
    except UnicodeDecodeError:
        reason = "not UTF-8 text"
        raise ExperimentSpecError(f"{shown}: cannot read the claims file ({reason})") from None
    return parse_claims(text, backend, source=shown)


def parse_claims(text: str, backend: Backend, *, source: str = "<text>") -> tuple[str, list[Claim]]:
    """Validate the TOML text of a claims file (see :func:`load_claims`)."""
    try:
        data = tomllib.loads(text)
        model = _ClaimsFile.model_validate(data)
    except tomllib.TOMLDecodeError as exc:
        raise ExperimentSpecError(f"{source}: not valid TOML: {exc}") from None
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(x) for x in err["loc"])
        raise ExperimentSpecError(f"{source}: {loc}: {err['msg'].lower()}") from None
    claims = []
    seen: set[str] = set()
    for i, c in enumerate(model.claim):
        if c.id in seen:
            raise ExperimentSpecError(f"{source}: claim[{i}].id: {c.id!r} appears twice")
        seen.add(c.id)
        spec = spec_from_dict(c.spec, backend, source=f"{source}: claim {c.id!r}: spec",
                              default_name=c.id)  # fmt: skip
        if c.x is not None and c.x not in varied_keys(spec.to_dict()):
            raise ExperimentSpecError(f"{source}: claim[{i}].x: {c.x!r} is not a swept parameter")
        claims.append(Claim(c.id, " ".join(c.text.split()), spec, c.criterion, c.x))
    return model.title, claims


def run_claims(
    claims: Sequence[Claim],
    store: Store,
    runner: Runner,
    backend: Backend,
    *,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[ClaimResult]:
    """Run every claim's spec on one runner (started once; stored units are reused) and
    evaluate each from the store."""
    results = []
    owned = not runner.started
    runner.start()
    try:
        for claim in claims:

            def step(done: int, total: int, _id: str = claim.id) -> None:
                if progress:
                    progress(_id, done, total)

            run = run_experiment(claim.spec, store, runner, backend, progress=step)
            res = evaluate(claim, store)
            res.units, res.reused = run.total, run.reused
            results.append(res)
    finally:
        if owned:
            runner.close()
    return results


def evaluate(claim: Claim, store: Store) -> ClaimResult:
    """The claim's verdict from the numbers stored for its spec (nothing is run)."""
    spec = claim.spec
    crit = claim.criterion
    units = store.units(spec.hash, payload=False)
    keys = varied_keys(spec.to_dict())
    by_point: dict[int, dict[int, float]] = {}
    for u in units:
        by_point.setdefault(u["point"], {})[u["replicate"]] = crit.statistic(u["metrics"])
    controls = _controls(spec, crit.versus)
    points = []
    for pt in spec.points_resolved:
        own = by_point.get(pt.index, {})
        ctrl = controls.get(pt.index)
        if ctrl is None:  # this point is a control: its raw statistic, not judged
            s = mean_interval(list(own.values()), crit.level)
            verdict = "control"
        else:
            base = by_point.get(ctrl, {}) if ctrl >= 0 else own
            values = ([own[r] - base[r] for r in sorted(own) if r in base]
                      if ctrl >= 0 else list(own.values()))  # fmt: skip
            s = mean_interval(values, crit.level)
            verdict = crit.judge(s)
        points.append({
            "point": pt.index, "params": {k: pt.params[k] for k in keys},
            **s.to_dict(), "verdict": verdict,
        })  # fmt: skip
    judged = [p for p in points if p["verdict"] != "control"]
    verdicts = {p["verdict"] for p in judged}
    notes = []
    missing = sum(1 for p in points if p["n"] < spec.replicates)
    if missing:
        notes.append(f"{missing} point(s) have fewer stored replicates than the spec asks")
    if verdicts == {"holds"}:
        return ClaimResult(claim, spec.hash, points, "holds", notes=notes)
    if "holds" not in verdicts:
        verdict_all: Verdict = "does not hold" if "does not hold" in verdicts else "undecided"
        return ClaimResult(claim, spec.hash, points, verdict_all, notes=notes)
    if "undecided" in verdicts:
        notes.append("undecided at " + "; ".join(
            _point_text(p["params"]) for p in judged if p["verdict"] == "undecided"
        ))  # fmt: skip
    ckeys = [k for k in keys if len({repr(p["params"][k]) for p in judged}) > 1] or keys
    judged = [{**p, "params": {k: p["params"][k] for k in ckeys}} for p in judged]
    return ClaimResult(claim, spec.hash, points, "holds only when", _condition(judged, ckeys),
                       0, 0, notes)  # fmt: skip


def _controls(spec: Spec, versus: Mapping[str, Any]) -> dict[int, int | None]:
    """Per point: the index of its control point (-1: no control; None: it is a control).

    Raises
    ------
    ExperimentSpecError
        A point's control setting is not among the spec's points.
    """
    if not versus:
        return {pt.index: -1 for pt in spec.points_resolved}
    want = {k.replace("_", "-"): v for k, v in versus.items()}
    index = {canonical_json(pt.params): pt.index for pt in spec.points_resolved}
    out: dict[int, int | None] = {}
    for pt in spec.points_resolved:
        if all(pt.params.get(k) == v for k, v in want.items()):
            out[pt.index] = None
            continue
        ctrl = index.get(canonical_json({**pt.params, **want}))
        if ctrl is None:
            raise ExperimentSpecError(
                f"{spec.name}: criterion.versus: no point with {dict(want)} to compare point "
                f"{pt.index} with; add that value to the sweep"
            )
        out[pt.index] = ctrl
    return out


def _point_text(params: Mapping[str, Any]) -> str:
    return ", ".join(f"{k} = {v}" for k, v in params.items()) or "the only point"


def _condition(points: list[dict[str, Any]], keys: list[str]) -> str:
    """Where the claim holds, as simply as the sweep allows.

    One numeric parameter that separates the holding points from the others by a threshold gives
    ``noise ≤ 0.01`` (or ``≥``, or a range); else one parameter whose values where the claim holds
    are not among those where it does not gives ``placement = random`` (or ``≠``, or ``∈ {...}``);
    otherwise the holding points are listed.

    Examples
    --------
    >>> pts = [{"params": {"noise": x}, "verdict": v} for x, v in
    ...        [(0.0, "holds"), (0.01, "holds"), (0.05, "does not hold")]]
    >>> _condition(pts, ["noise"])
    'noise ≤ 0.01 (fails from 0.05)'
    >>> pts = [{"params": {"noise": x, "placement": pl}, "verdict": v} for x, pl, v in
    ...        [(0.0, "random", "holds"), (0.0, "clustered", "undecided"),
    ...         (0.05, "random", "holds")]]
    >>> _condition(pts, ["noise", "placement"])
    'placement = random'
    """
    holds = [p for p in points if p["verdict"] == "holds"]
    others = [p for p in points if p["verdict"] != "holds"]
    for k in keys:
        values = [p["params"][k] for p in points]
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            continue
        yes = sorted({p["params"][k] for p in holds})
        no = sorted({p["params"][k] for p in others})
        if not no or max(yes) < min(no):
            return f"{k} ≤ {yes[-1]:g} (fails from {no[0]:g})" if no else ""
        if min(yes) > max(no):
            return f"{k} ≥ {yes[0]:g} (fails up to {no[-1]:g})"
        if not any(yes[0] <= v <= yes[-1] for v in no):
            return f"{yes[0]:g} ≤ {k} ≤ {yes[-1]:g}"
    for k in keys:  # a setting (a norm, a placement) that separates them
        yes_set = {str(p["params"][k]) for p in holds}
        no_set = {str(p["params"][k]) for p in others}
        if yes_set & no_set:
            continue
        if len(yes_set) == 1:
            return f"{k} = {yes_set.pop()}"
        if len(no_set) == 1:
            return f"{k} ≠ {no_set.pop()}"
        return f"{k} ∈ {{{', '.join(sorted(yes_set))}}}"
    return "; or ".join(_point_text(p["params"]) for p in holds)
