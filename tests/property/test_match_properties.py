"""Properties every match and tournament must have, on random machines, games, noise and seeds.

What swapping the players does, given the RNG layout
----------------------------------------------------
Seat p draws its action and mistake from counter 4t + 2p and its misreading from 4t + 2p + 1 of
the unit's key (seed, match, repetition). So:

* with sure (deterministic) machines and no noise no draw matters, and swapping the players
  mirrors the match exactly;
* with randomness, swapping seats hands each player the other seat's draws: the mirrored match is
  a different sample from the same distribution (checked statistically), not the same numbers;
* a seat's noise events (mistake or misreading at turn t) depend only on (key, t, seat), never on
  the machines: common random numbers across line-ups.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from strategies import games, machine_pairs, machines, noise_rates, seeds
from trustlab import (
    Character,
    MatchResult,
    StateMachine,
    matrix_game,
    play_match,
    play_tournament,
    prisoners_dilemma,
    vulnerability_exchange,
)
from trustlab.domain.actions import LIFT_ACTION


def _c(m: StateMachine, name: str) -> Character:
    return Character(name, "random machine", m)


def _play(a: StateMachine, b: StateMachine, **kw: object) -> MatchResult:
    return play_match(_c(a, "a"), _c(b, "b"), **kw)  # type: ignore[arg-type]


@given(
    pair=machine_pairs(),
    data=st.data(),
    noise=noise_rates(1.0),
    misread=noise_rates(1.0),
    seed=seeds(),
    turns=st.integers(1, 50),
    reps=st.integers(1, 3),
)
def test_scores_and_rates_stay_within_their_bounds(
    pair, data: st.DataObject, noise: float, misread: float, seed: int, turns: int, reps: int
) -> None:
    g = data.draw(games(pair.n_actions), label="game")
    r = _play(pair.a, pair.b, game=g, turns=turns, noise=noise, misread=misread,
              repetitions=reps, seed=seed)  # fmt: skip
    lo, hi = g.payoffs.min(), g.payoffs.max()
    tol = 1e-9 * max(1.0, abs(lo), abs(hi))
    assert np.all(r.scores_per_turn >= lo - tol) and np.all(r.scores_per_turn <= hi + tol)
    assert np.all(r.scores >= turns * lo - turns * tol)
    assert np.all(r.scores <= turns * hi + turns * tol)
    assert np.all((r.cooperation_rates >= 0) & (r.cooperation_rates <= 1))
    np.testing.assert_allclose(r.action_rates.sum(axis=1), 1.0)
    assert r.joint.sum(axis=(1, 2)).tolist() == [turns] * reps
    assert r.joint.min() >= 0


@given(pair=machine_pairs(stochastic=False), seeds_=st.tuples(seeds(), seeds()),
       turns=st.integers(1, 60))  # fmt: skip
def test_swapping_deterministic_players_mirrors_the_match_exactly(
    pair, seeds_: tuple[int, int], turns: int
) -> None:
    ab = _play(pair.a, pair.b, game=vulnerability_exchange() if pair.n_actions == 6 else None,
               turns=turns, seed=seeds_[0], history=True)  # fmt: skip
    ba = _play(pair.b, pair.a, game=ab.game, turns=turns, seed=seeds_[1], history=True)
    assert ab.history is not None and ba.history is not None
    np.testing.assert_array_equal(ab.history[:, :, ::-1], ba.history)
    np.testing.assert_array_equal(ab.joint[0], ba.joint[0].T)
    np.testing.assert_allclose(ab.scores, ba.scores[::-1])


@given(
    a=machines(),
    partners=st.data(),
    noise=noise_rates(),
    misread=noise_rates(),
    seed=seeds(),
)
def test_a_seats_noise_events_do_not_depend_on_who_plays(
    a: StateMachine, partners: st.DataObject, noise: float, misread: float, seed: int
) -> None:
    k = a.n_actions
    p = partners.draw(machines(k), label="p")
    q = partners.draw(machines(k), label="q")
    one = _play(a, p, game=matrix_game(np.zeros((k, k))), turns=40, noise=noise,
                misread=misread, seed=seed, history=True).history  # fmt: skip
    two = _play(q, a, game=matrix_game(np.zeros((k, k))), turns=40, noise=noise,
                misread=misread, seed=seed, history=True).history  # fmt: skip
    three = _play(q, p, game=matrix_game(np.zeros((k, k))), turns=40, noise=noise,
                  misread=misread, seed=seed, history=True).history  # fmt: skip
    assert one is not None and two is not None and three is not None
    for h, other in ((one, three), (two, three)):
        # mistakes: executed differs from intended; misreadings: seen differs from executed
        np.testing.assert_array_equal(h[0, :, :, 1] != h[0, :, :, 0],
                                      other[0, :, :, 1] != other[0, :, :, 0])  # fmt: skip
        np.testing.assert_array_equal(h[0, :, :, 2] != h[0, :, ::-1, 1],
                                      other[0, :, :, 2] != other[0, :, ::-1, 1])  # fmt: skip


def test_swapping_random_players_mirrors_the_distribution() -> None:
    # not the same numbers (the seats draw from different counters) but the same law: the mean
    # scores agree within the standard error of their difference
    kw = {"turns": 100, "noise": 0.05, "misread": 0.05, "repetitions": 400, "seed": 31}
    ab = play_match("generous-tit-for-tat", "random", **kw)  # type: ignore[arg-type]
    ba = play_match("random", "generous-tit-for-tat", **kw)  # type: ignore[arg-type]
    assert not np.array_equal(ab.joint, np.transpose(ba.joint, (0, 2, 1)))
    for p in (0, 1):
        x, y = ab.totals[:, p], ba.totals[:, 1 - p]
        se = np.sqrt(x.var(ddof=1) / len(x) + y.var(ddof=1) / len(y))
        assert abs(x.mean() - y.mean()) <= 4 * se


@given(pair=machine_pairs(stochastic=False), seed=seeds())
def test_deterministic_noiseless_matches_are_periodic_within_sa_times_sb_turns(
    pair, seed: int
) -> None:
    # the joint state determines the future, and there are at most S_a·S_b of them: from turn
    # S_a·S_b on, play repeats with some period λ ≤ S_a·S_b
    bound = pair.a.n_states * pair.b.n_states
    horizon = 3 * bound + 1
    r = _play(pair.a, pair.b, game=matrix_game(np.zeros((pair.n_actions,) * 2)),
              turns=horizon, seed=seed, history=True)  # fmt: skip
    assert r.history is not None
    moves = r.history[0, :, :, 1]
    periods = [
        lam for lam in range(1, bound + 1)
        if np.array_equal(moves[bound : horizon - lam], moves[bound + lam :])
    ]  # fmt: skip
    assert periods, f"no period ≤ {bound} after turn {bound}"
    # and with sure choices and no noise, the seed does not matter at all
    other = _play(pair.a, pair.b, game=r.game, turns=horizon, seed=seed ^ 1, history=True)
    np.testing.assert_array_equal(r.history, other.history)


@given(pair=machine_pairs(2), seed=seeds(), turns=st.integers(1, 50))
def test_lifted_noiseless_play_is_the_two_action_play_lifted(pair, seed: int, turns: int) -> None:
    # with no noise the lift changes nothing but the names of the moves, random choices included
    two = _play(pair.a, pair.b, game=prisoners_dilemma(), turns=turns, seed=seed, history=True)
    four = _play(pair.a, pair.b, game=vulnerability_exchange(), turns=turns, seed=seed,
                 history=True)  # fmt: skip
    assert two.history is not None and four.history is not None
    np.testing.assert_array_equal(LIFT_ACTION[two.history.astype(np.int64)], four.history)
    np.testing.assert_array_equal(two.cooperation_rates, four.cooperation_rates)


@given(ms=st.lists(machines(2, max_states=4), min_size=2, max_size=5), noise=noise_rates(),
       seed=seeds(), reps=st.integers(1, 3))  # fmt: skip
def test_tournament_scores_are_the_payoff_matrix_averaged_over_opponents(
    ms: list[StateMachine], noise: float, seed: int, reps: int
) -> None:
    chars = [_c(m, f"m{i}") for i, m in enumerate(ms)]
    n = len(ms)
    t = play_tournament(chars, turns=20, noise=noise, repetitions=reps, seed=seed)
    m = t.payoff_matrix
    # fixed turns: every match weighs the same, and self-play counts twice (both seats)
    expected = (m.sum(axis=1) + np.diag(m)) / (n + 1)
    np.testing.assert_allclose(t.score_per_turn, expected, rtol=1e-12)
    assert [t.names[i] for i in t.ranking()] == [
        t.names[i] for i in np.lexsort((t.names, -t.score_per_turn))
    ]
    assert t.wins.sum() <= reps * n * (n - 1) // 2  # at most one winner per match repetition
    assert np.all((t.cooperation_rate >= 0) & (t.cooperation_rate <= 1))
