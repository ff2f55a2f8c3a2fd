"""Reading results back: per-point summaries of stored metrics with their uncertainty.

Intervals come from the spread of independent replicates (Student's t), never from one long run.
"""

from __future__ import annotations

import fnmatch
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from trustlab.experiments.spec import Spec
from trustlab.store import Store

__all__ = ["Summary", "mean_interval", "point_summaries", "select_metrics", "varied_keys"]


@dataclass(frozen=True)
class Summary:
    """Mean of a metric over replicates with a two-sided interval at ``level``."""

    n: int
    mean: float
    sd: float
    low: float
    high: float
    level: float

    def to_dict(self) -> dict[str, Any]:
        """As a dictionary (non-finite numbers as None)."""

        def f(x: float) -> float | None:
            return x if math.isfinite(x) else None

        return {"n": self.n, "mean": f(self.mean), "sd": f(self.sd), "low": f(self.low),
                "high": f(self.high), "level": self.level}  # fmt: skip


def mean_interval(values: Sequence[float], level: float = 0.95) -> Summary:
    """The mean of ``values`` and its Student-t interval (a point interval for one value).

    Examples
    --------
    >>> s = mean_interval([1.0, 2.0, 3.0])
    >>> round(s.mean, 3), round(s.low, 3), round(s.high, 3)
    (2.0, -0.484, 4.484)
    """
    xs = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    n = len(xs)
    if n == 0:
        return Summary(0, math.nan, math.nan, math.nan, math.nan, level)
    mean = sum(xs) / n
    if n == 1:
        return Summary(1, mean, math.nan, mean, mean, level)
    sd = math.sqrt(sum((x - mean) ** 2 for x in xs) / (n - 1))
    from scipy.stats import t

    half = float(t.ppf(0.5 + level / 2, n - 1)) * sd / math.sqrt(n)
    return Summary(n, mean, sd, mean - half, mean + half, level)


def select_metrics(names: Sequence[str], patterns: Sequence[str]) -> list[str]:
    """The metric names matching any of the glob ``patterns`` (all names when none given)."""
    if not patterns:
        return list(names)
    return [n for n in names if any(fnmatch.fnmatchcase(n, p) for p in patterns)]


def varied_keys(spec: Mapping[str, Any]) -> list[str]:
    """The parameters a stored spec varies (its grid axes and the keys of its points)."""
    keys = list(spec.get("grid", {}))
    for p in spec.get("points", []):
        keys += [k for k in p if k not in keys]
    return keys


def point_summaries(
    store: Store, spec: Spec | str, patterns: Sequence[str] = (), level: float = 0.95
) -> list[dict[str, Any]]:
    """Per point of a stored spec: the varied parameters and each metric's mean and interval.

    Parameters
    ----------
    store : Store
        Where the units are.
    spec : Spec or str
        The spec (or its hash, a prefix of it, or its name).
    patterns : sequence of str
        Glob patterns of the metrics to summarise (all when empty).
    level : float
        Interval level.
    """
    spec_hash = spec.hash if isinstance(spec, Spec) else store.find_spec(spec)["spec_hash"]
    written = store.spec(spec_hash)
    keys = varied_keys(written)
    units = store.units(spec_hash)
    names = sorted({k for u in units for k in u["metrics"]})
    chosen = select_metrics(names, patterns)
    by_point: dict[int, list[dict[str, Any]]] = {}
    for u in units:
        by_point.setdefault(u["point"], []).append(u)
    out = []
    for point, us in sorted(by_point.items()):
        row: dict[str, Any] = {"point": point, "replicates": len(us)}
        row.update({k: us[0]["params"].get(k) for k in keys})
        row["metrics"] = {m: mean_interval([u["metrics"].get(m, math.nan) for u in us], level)
                          .to_dict() for m in chosen}  # fmt: skip
        out.append(row)
    return out
