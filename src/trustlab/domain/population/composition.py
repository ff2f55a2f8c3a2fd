"""A population's composition: which characters, how many of each.

Written ``"tit-for-tat:10,always-defect:5"`` (counts) or ``"tit-for-tat:0.6,always-defect:0.4"``
with a size (shares summing to 1, rounded to counts by largest remainders). Family specs with
commas of their own (``memory-one:1,0,0,1:10``) are read whole.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from trustlab.domain.characters.catalogue import get_character
from trustlab.domain.characters.character import Character
from trustlab.domain.errors import InvalidParameter, SpecError, TrustlabError

__all__ = ["Composition", "parse_population"]


@dataclass(frozen=True, eq=False)
class Composition:
    """Characters and their counts (``counts[i]`` individuals of ``characters[i]``)."""

    characters: tuple[Character, ...]
    counts: np.ndarray

    @property
    def names(self) -> list[str]:
        """The characters' canonical names."""
        return [c.name for c in self.characters]

    @property
    def size(self) -> int:
        """Number of individuals."""
        return int(self.counts.sum())


def _number(text: str) -> float | None:
    try:
        x = float(text)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def _is_non_finite(text: str) -> bool:
    try:
        return not math.isfinite(float(text))
    except ValueError:
        return False


def _entries(spec: str) -> list[tuple[str, float]]:
    tokens = [t.strip() for t in spec.split(",")]
    out: list[tuple[str, float]] = []
    acc = ""
    first_error: TrustlabError | None = None
    for t in tokens:
        acc = f"{acc},{t}" if acc else t
        name, sep, value = acc.rpartition(":")
        x = _number(value) if sep else None
        if x is None and sep and name and _is_non_finite(value):
            # "tft:nan": a known name with a count that is no finite number
            try:
                who = get_character(name).name
            except TrustlabError:
                who = None
            if who is not None:
                raise InvalidParameter(
                    f"the count of {who!r} must be a finite number ≥ 0, got {value.strip()!r}"
                )
        if x is None or not name:
            continue
        try:
            get_character(name)
        except TrustlabError as exc:
            first_error = first_error or exc
            continue
        out.append((name, x))
        acc = ""
        first_error = None
    if acc:
        if first_error is not None:
            raise first_error
        raise SpecError(
            f"population entry {acc!r} needs a count or share: write NAME:COUNT, e.g. "
            "'tit-for-tat:10,always-defect:5'"
        )
    return out


def parse_population(
    population: str | Mapping[str | Character, float], size: int | None = None
) -> Composition:
    """A :class:`Composition` from a spec string or a mapping of characters to counts/shares.

    Raises
    ------
    InvalidParameter
        Negative counts, shares that do not sum to 1, shares without a size.
    UnknownName
        An unknown character (with the closest names).

    Examples
    --------
    >>> parse_population("copycat:3,always-defect:2").counts.tolist()
    [3, 2]
    >>> parse_population("copycat:0.5,always-defect:0.5", size=5).counts.tolist()
    [3, 2]
    """
    if isinstance(population, str):
        if not population.strip():
            raise SpecError("the population is empty: write NAME:COUNT,NAME:COUNT")
        pairs: list[tuple[str | Character, float]] = list(_entries(population))
    else:
        pairs = list(population.items())
    chars: list[Character] = []
    values: list[float] = []
    for name, x in pairs:
        c = get_character(name)
        if not math.isfinite(float(x)) or float(x) < 0:
            raise InvalidParameter(f"the count of {c.name!r} must be ≥ 0, got {x}")
        if c.name in [d.name for d in chars]:
            raise InvalidParameter(f"{c.name!r} appears twice in the population")
        chars.append(c)
        values.append(float(x))
    if not chars:
        raise SpecError("the population is empty: write NAME:COUNT,NAME:COUNT")
    v = np.array(values)
    integral = bool(np.all(v == np.round(v)))
    if size is not None and (not integral or abs(v.sum() - 1.0) < 1e-9):
        counts = _shares_to_counts(v, size)
    elif size is not None:
        raise InvalidParameter(
            f"with a size give shares summing to 1 (got a sum of {v.sum():g}), or counts "
            "without a size"
        )
    elif not integral:
        if abs(v.sum() - 1.0) > 1e-6:
            raise InvalidParameter(f"shares must sum to 1, got {v.sum():g}")
        raise InvalidParameter("shares need a population size (--size N)")
    else:
        counts = v.astype(np.int64)
    if counts.sum() < 2:
        raise InvalidParameter(f"a population needs at least 2 individuals, got {counts.sum()}")
    return Composition(tuple(chars), counts)


def _shares_to_counts(shares: np.ndarray, size: int) -> np.ndarray:
    if isinstance(size, bool) or int(size) != size or size < 2:
        raise InvalidParameter(f"the population size must be an integer ≥ 2, got {size!r}")
    if abs(shares.sum() - 1.0) > 1e-6:
        raise InvalidParameter(f"shares must sum to 1, got {shares.sum():g}")
    exact = shares * size
    counts: np.ndarray = np.floor(exact).astype(np.int64)
    rest = int(size - counts.sum())
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[:rest]] += 1
    out: np.ndarray = counts
    return out
