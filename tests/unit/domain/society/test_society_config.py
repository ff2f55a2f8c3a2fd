"""Bad input is refused with one line that says what is allowed; norms and members resolve."""

from __future__ import annotations

import json

import numpy as np
import pytest

from trustlab import (
    InvalidParameter,
    SpecError,
    TrustlabError,
    UnknownName,
    donation,
    prisoners_dilemma,
)
from trustlab.domain.society import SocietyConfig, critical_mass, get_member, norm_table
from trustlab.domain.society.agents import allocate, place
from trustlab.domain.society.critical_mass import fit_logistic
from trustlab.domain.society.reputation import get_norm
from trustlab.interfaces.cli import main

POP = "reciprocator:0.5,guarded:0.5"


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        (dict(population="reciprocator:0.5,guarded:0.6"), InvalidParameter, "sum to 1"),
        (dict(population="reciprocator:-0.5,guarded:1.5"), InvalidParameter, "[0, 1]"),
        (dict(population="reciprocator"), SpecError, "name:share"),
        (dict(population="reciprocator:x"), SpecError, "not a number"),
        (dict(population="reciprocatr:1"), UnknownName, "'reciprocator'"),
        (dict(population=POP, n_agents=10, capacity=10), InvalidParameter, "below the number"),
        (dict(population=POP, capacity=0), InvalidParameter, "capacity"),
        (dict(population=POP, leave_threshold=0.5), InvalidParameter, "[0, 0.5)"),
        (dict(population=POP, leave_threshold=-0.1), InvalidParameter, "leave threshold"),
        (dict(population=POP, openness=1.5), InvalidParameter, "openness"),
        (dict(population=POP, noise=2), InvalidParameter, "noise"),
        (dict(population=POP, forgetting=0), InvalidParameter, "forgetting"),
        (dict(population=POP, reputation="stern-judgin"), UnknownName, "'stern-judging'"),
        (dict(population=POP, partner_choice="frends"), UnknownName, "'friends'"),
        (dict(population=POP, partner_choice="reputation"), InvalidParameter, "--reputation"),
        (dict(population="discriminator:1"), InvalidParameter, "--reputation"),
        (dict(population=POP, cluster="reciprocator"), InvalidParameter, "ring"),
        (dict(population="reciprocator:0.5,tft:0.5", game=prisoners_dilemma()), TrustlabError,
         "cannot play"),
        (dict(population=POP, private=True, reputation="l3", n_agents=5000), InvalidParameter,
         "4000"),
    ],
)  # fmt: skip
def test_bad_input_says_what_is_allowed(kwargs: dict, error: type, words: str) -> None:
    with pytest.raises(error) as info:
        SocietyConfig(**kwargs)
    msg = str(info.value)
    assert words in msg and "\n" not in msg


def test_cli_bad_input_exits_2_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (
        ["society", "--population", "reciprocator:0.5,guarded:0.6"],
        ["society", "--population", POP, "--agents", "5", "--capacity", "5"],
        ["society", "--population", POP, "--leave-threshold", "0.9"],
        ["society", "--population", "reciprocatr:1"],
        ["society", "--population", POP, "--reputation", "stern"],
        ["critical-mass", "--shares", "0.5,1.5"],
        ["critical-mass", "--placement", "everywhere"],
    ):
        with pytest.raises(SystemExit) as info:
            main(argv)
        assert info.value.code == 2
        err = capsys.readouterr().err
        assert err.startswith("error: ") and err.count("\n") == 1, argv


def test_cli_society_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    main(["society", "--population", "reciprocator:0.05,guarded:0.9,exploiter:0.05",
          "--agents", "60", "--rounds", "12", "--capacity", "3", "--partner-choice", "friends",
          "--reputation", "stern-judging", "--noise", "0.05", "--seed", "3",
          "--format", "json"])  # fmt: skip
    d = json.loads(capsys.readouterr().out)
    assert d["seed"] == 3 and len(d["history"]) == 12
    for h in d["history"]:
        assert {"round", "open_rate", "loneliness", "exploitation_rate", "relationships",
                "frequencies"} <= set(h)  # fmt: skip
        assert set(h["frequencies"]) == {"reciprocator", "guarded", "exploiter"}
    assert "final" in d and d["final"]["by_character"][0]["character"] == "reciprocator"


def test_cli_critical_mass_json_contract(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    png = tmp_path / "cm.png"
    main(["critical-mass", "--agents", "60", "--rounds", "20", "--capacity", "4", "--runs", "2",
          "--shares", "0.2,0.8", "--no-refine", "--seed", "1", "--format", "json",
          "--plot", str(png)])  # fmt: skip
    d = json.loads(capsys.readouterr().out)
    assert set(d) >= {"critical_share", "interval", "curve"}
    assert [c["share"] for c in d["curve"]] == [0.2, 0.8]
    for c in d["curve"]:  # 20 rounds: undecided runs are counted apart, never as failures
        assert c["successes"] + c["failures"] + c["undecided"] == c["runs"] == 2
        assert c["success_rate"] is None or 0.0 <= c["success_rate"] <= 1.0
    assert d["total_runs"] == 4 and d["success_share"] == 0.95
    assert len(d["interval"]) == 2
    assert png.stat().st_size > 10_000


def test_norm_tables_follow_ohtsuki_iwasa() -> None:
    sj, ss, im, sh = (norm_table(n) for n in ("stern-judging", "simple-standing",
                                               "image-scoring", "shunning"))  # fmt: skip
    np.testing.assert_array_equal(sj, norm_table("l6"))  # stern judging is L6
    np.testing.assert_array_equal(ss, norm_table("l3"))  # simple standing is L3
    G, B, C, D = 1, 0, 0, 1
    for donor in (G, B):
        assert sj[donor, G, C] == 1 and sj[donor, G, D] == 0
        assert sj[donor, B, C] == 0 and sj[donor, B, D] == 1
        assert ss[donor, B, C] == 1 and ss[donor, B, D] == 1
        assert im[donor, B, C] == 1 and im[donor, B, D] == 0
        assert sh[donor, B, C] == 0 and sh[donor, G, C] == 1
    # the leading eight share their core: C to good good, D to good bad, justified punishment
    for k in range(1, 9):
        t = norm_table(f"l{k}")
        assert t[G, G, C] == t[B, G, C] == 1 and t[G, G, D] == t[B, G, D] == 0
        assert t[G, B, D] == 1
    assert len({norm_table(f"l{k}").tobytes() for k in range(1, 9)}) == 8
    assert get_norm("Stern_Judging") == "stern-judging"


def test_members_resolve_society_characters_first() -> None:
    d = get_member("discriminator:0.2")
    assert d.discriminating and d.name == "discriminator:0.2"
    assert d.character.machine.policy[0].tolist() == pytest.approx([0.8, 0.2])
    assert get_member("discriminating-reciprocator", 2).character.machine.n_actions == 2
    assert not get_member("copycat").discriminating
    with pytest.raises(InvalidParameter):
        get_member("discriminator:1.5")


def test_allocation_and_placement() -> None:
    assert allocate([0.05, 0.9, 0.05], 100).tolist() == [5, 90, 5]
    assert allocate([1 / 3, 1 / 3, 1 / 3], 10).sum() == 10
    counts = np.array([10, 30])
    a, b = place(counts, 1), place(counts, 2)
    assert np.bincount(a).tolist() == [10, 30] and not np.array_equal(a, b)
    assert np.array_equal(place(counts, 1), a)
    clustered = place(counts, 1, cluster=0)
    assert clustered[:10].tolist() == [0] * 10


def test_logistic_fit_recovers_the_midpoint() -> None:
    x = np.linspace(0.0, 1.0, 11)
    p = 1.0 / (1.0 + np.exp(-(x - 0.4) / 0.1))
    trials = np.full(11, 10_000.0)
    a, b, _cov = fit_logistic(x, np.round(p * trials), trials)
    assert -a / b == pytest.approx(0.4, abs=2e-3)
    assert fit_logistic(x, np.zeros(11), trials) is None


def test_critical_mass_finds_a_share_between_failure_and_success() -> None:
    # relationships end by chance (churn 0.1) and runs go on until decided; success means the
    # initiators' character holds 95 % of the agents
    base = SocietyConfig("guarded:1", n_agents=100, rounds=1500, capacity=4, churn=0.1)
    r = critical_mass(base, shares=[0.01, 0.3, 0.6], runs=4, refine=False, seed=2)
    rates = [c["success_rate"] for c in r.curve]
    assert rates == [0.0, 1.0, 1.0]  # a few openers lose, enough of them win
    assert r.critical_share is not None and 0.01 < r.critical_share < 0.3
    lo, hi = r.interval
    assert lo is not None and hi is not None and lo <= r.critical_share <= hi
    d = r.to_dict()
    assert d["curve"][0]["initiator_payoff_early"] < 0  # opening to the unreceptive costs e
    assert d["curve"][2]["initiator_payoff_early"] > 0
    # the no-change control: nobody revises, so no run ever succeeds below 95 %
    off = critical_mass(base.with_(revision_interval=0, rounds=50), shares=[0.3, 0.6], runs=2,
                        refine=False, seed=2)  # fmt: skip
    assert off.critical_share is None and all(c["successes"] == 0 for c in off.curve)


def test_donation_game_works_with_discriminators() -> None:
    cfg = SocietyConfig("discriminator:0.5,always-defect:0.5", game=donation(), n_agents=20,
                        capacity=2, reputation="image-scoring")  # fmt: skip
    assert cfg.names == ["discriminator", "always-defect"]


def test_population_family_specs_keep_their_commas() -> None:
    from trustlab.domain.errors import UnknownName
    from trustlab.domain.society.config import parse_population

    assert parse_population("memory-one:1,0,1,0:0.25, trust-learner:0.5:0.9:0.25,guarded:0.5") == (
        ("memory-one:1,0,1,0", 0.25), ("trust-learner:0.5:0.9", 0.25), ("guarded", 0.5),
    )  # fmt: skip
    cfg = SocietyConfig("memory-one:1,0,1,0:0.5,guarded:0.5", n_agents=20)
    assert cfg.names == ["memory-one:1,0,1,0", "guarded"]
    # a typo after a family spec names the typo and the closest names, not a stray number
    with pytest.raises(UnknownName, match=r"'gaurded'.*'guarded'"):
        parse_population("memory-one:1,0,1,0:0.5,gaurded:0.5")
    with pytest.raises(SpecError, match="not a number"):
        parse_population("reciprocator:0.5,guarded:x")
