"""The essay's archetypes, written natively for the six-action vulnerability exchange.

Actions (see :mod:`trustlab.domain.actions`): (open | guarded) × (support | withhold |
exploit). A character is *betrayed* when it opened and its partner answered with exploitation;
being withheld from is a disappointment, not a betrayal. It meets *openness* when its partner
opened and answered with support.

None of the trustworthy archetypes ever exploits: when disappointed they withdraw (stay guarded,
still supporting), which is honest disappointment, not betrayal.
"""

from __future__ import annotations

from trustlab.domain.actions import (
    GUARDED_EXPLOIT,
    GUARDED_SUPPORT,
    OPEN_SUPPORT,
    is_exploit,
    is_open,
)
from trustlab.domain.actions import N_EXCHANGE_ACTIONS as K6
from trustlab.domain.characters.compile import compile_rule
from trustlab.domain.characters.machine import StateMachine

__all__ = [
    "betrayed",
    "cautious_opener",
    "con_artist",
    "contrite",
    "critic",
    "encourager",
    "fair_weather_friend",
    "forgiver",
    "kind_at_a_distance",
    "reciprocator",
    "steady",
]


def betrayed(mine: int, theirs: int) -> bool:
    """Whether I opened and my partner answered with exploitation (withholding is not
    betrayal)."""
    return is_open(mine) and is_exploit(theirs)


def steady(action: int) -> StateMachine:
    """Plays the same vulnerability-exchange action every turn."""
    return compile_rule(
        start=lambda: 0,
        act=lambda m: action,
        update=lambda m, mine, theirs: 0,
        n_actions=K6,
    )


def reciprocator() -> StateMachine:
    """Opens first; then opens exactly when the partner was open and supportive last turn;
    always supports."""
    return compile_rule(
        start=lambda: True,
        act=lambda invited: OPEN_SUPPORT if invited else GUARDED_SUPPORT,
        update=lambda invited, mine, theirs: theirs == OPEN_SUPPORT,
        n_actions=K6,
    )


def forgiver() -> StateMachine:
    """Opens first and keeps opening; withdraws only after two turns in a row in which the
    partner was not open and supportive; always supports."""
    return compile_rule(
        start=lambda: 0,
        act=lambda misses: GUARDED_SUPPORT if misses >= 2 else OPEN_SUPPORT,
        update=lambda misses, mine, theirs: 0 if theirs == OPEN_SUPPORT else min(misses + 1, 2),
        n_actions=K6,
    )


def kind_at_a_distance() -> StateMachine:
    """Opens until it is betrayed once, then stays guarded for good; always supports."""
    return compile_rule(
        start=lambda: False,
        act=lambda burnt: GUARDED_SUPPORT if burnt else OPEN_SUPPORT,
        update=lambda burnt, mine, theirs: bool(burnt or betrayed(mine, theirs)),
        n_actions=K6,
    )


def contrite() -> StateMachine:
    """A reciprocator that admits its mistakes (contrite tit-for-tat's standing, Boyd 1989).

    Cooperating means open + support. A player who fails to cooperate with a partner in good
    standing falls into bad standing; cooperating, or withholding from a partner in bad standing,
    restores it. It opens unless it is in good standing and its partner is not; then it withdraws
    (guarded, still supporting). So after its own slip it keeps opening while the partner
    withdraws once, and the pair is back to mutual openness.
    """

    def act(mem: tuple[bool, bool]) -> int:
        mine_good, theirs_good = mem
        return GUARDED_SUPPORT if mine_good and not theirs_good else OPEN_SUPPORT

    def update(mem: tuple[bool, bool], mine: int, theirs: int) -> tuple[bool, bool]:
        mine_good, theirs_good = mem
        return (mine == OPEN_SUPPORT or not theirs_good, theirs == OPEN_SUPPORT or not mine_good)

    return compile_rule(start=lambda: (True, True), act=act, update=update, n_actions=K6)


def con_artist(patience: int = 3) -> StateMachine:
    """Opens and supports until the partner has been open and supportive ``patience`` turns in a
    row, then exploits (guarded + exploit) for as long as the partner stays open; when the
    partner withdraws it starts building trust again."""

    def act(streak: int) -> int:
        return GUARDED_EXPLOIT if streak >= patience else OPEN_SUPPORT

    def update(streak: int, mine: int, theirs: int) -> int:
        return min(streak + 1, patience) if is_open(theirs) else 0

    return compile_rule(start=lambda: 0, act=act, update=update, n_actions=K6)


def cautious_opener() -> StateMachine:
    """A reciprocator that waits for the partner to open first: it starts guarded (supporting),
    then opens exactly when the partner was open and supportive last turn; always supports."""
    return compile_rule(
        start=lambda: False,
        act=lambda invited: OPEN_SUPPORT if invited else GUARDED_SUPPORT,
        update=lambda invited, mine, theirs: theirs == OPEN_SUPPORT,
        n_actions=K6,
    )


def encourager(betrayals: int = 2) -> StateMachine:
    """Keeps opening and supporting whatever the partner does (withdrawing included), until it
    has been betrayed ``betrayals`` times in all; then it stays guarded for good, still
    supporting."""
    return compile_rule(
        start=lambda: 0,
        act=lambda n: GUARDED_SUPPORT if n >= betrayals else OPEN_SUPPORT,
        update=lambda n, mine, theirs: min(betrayals, n + betrayed(mine, theirs)),
        n_actions=K6,
    )


def critic() -> StateMachine:
    """Opens and supports after a turn in which the partner was open and supportive; after any
    other turn it stays guarded and exploits, so a partner who opens up after a slip (to
    apologise, or to try again) is exploited for it: criticism that punishes openness."""
    return compile_rule(
        start=lambda: True,
        act=lambda pleased: OPEN_SUPPORT if pleased else GUARDED_EXPLOIT,
        update=lambda pleased, mine, theirs: theirs == OPEN_SUPPORT,
        n_actions=K6,
    )


def fair_weather_friend() -> StateMachine:
    """Starts open and supportive, then copies the partner's last action in both of its parts:
    opens only if the partner opened, supports only if the partner supported."""
    return compile_rule(
        start=lambda: OPEN_SUPPORT,
        act=lambda last: last,
        update=lambda last, mine, theirs: theirs,
        n_actions=K6,
    )
