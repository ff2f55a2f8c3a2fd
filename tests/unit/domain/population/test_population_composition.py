"""Population specs: counts, shares, family specs with commas, and their errors."""

from __future__ import annotations

import pytest

from trustlab import InvalidParameter, UnknownName
from trustlab.domain.population.composition import parse_population


def test_counts_and_aliases():
    c = parse_population("copycat:10,always-defect:5")
    assert c.names == ["tit-for-tat", "always-defect"] and c.counts.tolist() == [10, 5]


def test_shares_round_by_largest_remainder():
    c = parse_population("tit-for-tat:0.5,always-defect:0.3,grudger:0.2", size=7)
    assert c.counts.tolist() == [4, 2, 1] and c.size == 7


def test_family_specs_with_commas_are_read_whole():
    c = parse_population("memory-one:1,0,0,1:3,always-defect:2")
    assert c.counts.tolist() == [3, 2]
    assert c.characters[0].name.startswith("memory-one")


@pytest.mark.parametrize(
    ("spec", "size", "match"),
    [("tit-for-tat:-1,always-defect:5", None, "must be ≥ 0"),
     ("tit-for-tat:0.5,always-defect:0.4", 10, "sum to 1"),
     ("tit-for-tat:0.5,always-defect:0.5", None, "need a population size"),
     ("tit-for-tat", None, "needs a count"),
     ("tit-for-tat:1", None, "at least 2"),
     ("tit-for-tat:2,copycat:3", None, "twice")],
)  # fmt: skip
def test_bad_populations(spec, size, match):
    with pytest.raises(InvalidParameter if match != "needs a count" else Exception, match=match):
        parse_population(spec, size)


def test_unknown_character_names_the_closest():
    with pytest.raises(UnknownName, match="tit-for-tat"):
        parse_population("tit-for-tatt:3,always-defect:2")
