"""The catalogue's table: one explicit row per named character (data only, no work at import).

Each row says how the character plays in one line (the rule is contractual: the compiled machine
must do exactly that), which names it answers to, how far back it looks (``math.inf`` where it
counts or remembers for ever, noise included), its tags and where it comes from. The builders are
called only when the catalogue is first used (:mod:`trustlab.domain.characters.catalogue`).

Tags: ``classic`` (two-action characters of the literature), ``explorable`` (Case's eight),
``essay`` (the essay's archetypes for the vulnerability exchange), ``memory-one``, ``reactive``,
``zero-determinant``, ``cycler``, ``probe``, ``grudge``, ``deceptive``, ``trustworthy``, and
``nice`` (never the first to defect or exploit; checked by the tests).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from trustlab.domain.actions import (
    GUARDED_EXPLOIT,
    GUARDED_WITHHOLD,
    OPEN_SUPPORT,
    OPEN_WITHHOLD,
    C,
    D,
)
from trustlab.domain.characters import archetypes as ar
from trustlab.domain.characters import classics as cl
from trustlab.domain.characters import grudges as gr
from trustlab.domain.characters import probes as pr
from trustlab.domain.characters import zero_determinant as zd
from trustlab.domain.characters.compile import memory_one, reactive
from trustlab.domain.characters.machine import StateMachine

__all__ = ["CATALOGUE", "Entry"]

INF = math.inf

NOWAK_1993 = "Nowak & Sigmund (1993), Nature 364:56. doi:10.1038/364056a0"
AXELROD_1980 = "Axelrod (1980), J. Conflict Resolut. 24:3. doi:10.1177/002200278002400101"
AXELROD_1984 = "Axelrod (1984), The Evolution of Cooperation. Basic Books"
CASE_2017 = "Case (2017), The Evolution of Trust, https://ncase.me/trust/"
PRESS_DYSON = "Press & Dyson (2012), PNAS 109:10409. doi:10.1073/pnas.1206569109"
STEWART_PLOTKIN = "Stewart & Plotkin (2012), PNAS 109:10134. doi:10.1073/pnas.1208087109"
BOYD_1989 = "Boyd (1989), J. Theor. Biol. 136:47. doi:10.1016/S0022-5193(89)80188-2"
LI_2011 = (
    "Li, Hingston & Kendall (2011), IEEE Trans. Comput. Intell. AI Games 3:348. "
    "doi:10.1109/TCIAIG.2011.2166268"
)
PRISON_1998 = "Mathieu, Beaufils & Delahaye, the PRISON project (1998)"
HILBE_2013 = "Hilbe, Nowak & Sigmund (2013), PNAS 110:6913. doi:10.1073/pnas.1214834110"
AXELROD_LIB = (
    "The Axelrod library: Knight et al. (2016), J. Open Res. Softw. 4:e35. doi:10.5334/jors.125"
)
ESSAY = "trustlab's reading of the essay on trust (DESIGN.md §1)"


@dataclass(frozen=True)
class Entry:
    """One row of the catalogue table: everything but the compiled machine, plus its builder."""

    name: str
    rule: str
    build: Callable[[], StateMachine]
    aliases: tuple[str, ...] = ()
    memory_depth: float = INF
    tags: frozenset[str] = frozenset()
    reference: str = ""


def _t(*tags: str) -> frozenset[str]:
    return frozenset(tags)


#: The table. Order is the display order.
CATALOGUE: tuple[Entry, ...] = (
    # --- the explorable's eight (Case 2017) ---
    Entry(
        "always-cooperate",
        "Cooperates every turn.",
        lambda: cl.always(C),
        ("cooperator", "all-c", "always-c"),
        0,
        _t("classic", "explorable", "nice"),
        AXELROD_1984,
    ),
    Entry(
        "always-defect",
        "Defects every turn.",
        lambda: cl.always(D),
        ("always-cheat", "defector", "all-d", "always-d"),
        0,
        _t("classic", "explorable"),
        AXELROD_1984,
    ),
    Entry(
        "tit-for-tat",
        "Cooperates first, then copies the partner's last move.",
        cl.tit_for_tat,
        ("copycat", "tft"),
        1,
        _t("classic", "explorable", "reactive", "nice"),
        AXELROD_1980,
    ),
    Entry(
        "grudger",
        "Cooperates until the partner defects once, then defects for ever.",
        cl.grudger,
        ("grim", "grim-trigger"),
        INF,
        _t("classic", "explorable", "grudge", "nice"),
        AXELROD_1984,
    ),
    Entry(
        "detective",
        "Opens C, D, C, C; if the partner defected in any of those four turns it then plays "
        "tit-for-tat, otherwise it always defects.",
        cl.detective,
        ("prober-4-turns",),
        INF,
        _t("classic", "probe", "explorable"),
        CASE_2017,
    ),
    Entry(
        "tit-for-two-tats",
        "Defects only after two defections in a row from the partner.",
        lambda: cl.tit_for_n_tats(2),
        ("copykitten", "tf2t"),
        2,
        _t("classic", "explorable", "nice"),
        AXELROD_1984,
    ),
    Entry(
        "win-stay-lose-shift",
        "Starts with C; repeats its own last move after the partner cooperated, switches after "
        "the partner defected.",
        lambda: memory_one(1, 0, 0, 1),
        ("simpleton", "pavlov", "wsls", "appeaser"),
        1,
        _t("classic", "explorable", "memory-one", "nice"),
        NOWAK_1993,
    ),
    Entry(
        "random",
        "Cooperates with probability 1/2 every turn.",
        lambda: cl.random_character(0.5),
        ("random-50",),
        0,
        _t("classic", "explorable"),
        AXELROD_1980,
    ),
    # --- more classics ---
    Entry(
        "prober",
        "Opens D, C, C; then always defects if the partner cooperated on turns 2 and 3, "
        "otherwise plays tit-for-tat.",
        cl.prober,
        (),
        INF,
        _t("classic", "probe"),
        "Mathieu et al. (1999)",
    ),
    Entry(
        "suspicious-tit-for-tat",
        "Defects first, then copies the partner's last move.",
        cl.suspicious_tit_for_tat,
        ("stft", "suspicious-tft"),
        1,
        _t("classic", "reactive"),
        "Beaufils et al. (1996)",
    ),
    Entry(
        "two-tits-for-tat",
        "Defects if the partner defected in either of the last two turns.",
        cl.two_tits_for_tat,
        ("2tft",),
        2,
        _t("classic", "nice"),
        AXELROD_1984,
    ),
    Entry(
        "generous-tit-for-tat",
        "Cooperates first; after the partner's C cooperates, after its D cooperates with "
        "probability 1/3.",
        lambda: reactive(1.0, 1 / 3, 1.0),
        ("gtft", "generous-tft"),
        1,
        _t("classic", "reactive", "nice"),
        "Nowak & Sigmund (1992), Nature 355:250. doi:10.1038/355250a0",
    ),
    Entry(
        "contrite-tit-for-tat",
        "Tit-for-tat with standing: defects only when it is in good standing and the partner is "
        "not, so it accepts retaliation for its own mistakes.",
        cl.contrite_tit_for_tat,
        ("ctft", "contrite-tft"),
        INF,
        _t("classic", "nice"),
        BOYD_1989,
    ),
    Entry(
        "alternator",
        "Cooperates first, then does the opposite of its own last move: C, D, C, D...",
        cl.alternator,
        (),
        1,
        _t("classic", "memory-one"),
        AXELROD_1984,
    ),
    Entry(
        "hard-majority",
        "Defects first, then defects when the partner's defections so far are at least its "
        "cooperations (counts saturate at ±32).",
        lambda: cl.majority(D, soft=False),
        ("hard-go-by-majority",),
        INF,
        _t("classic"),
        AXELROD_1984,
    ),
    Entry(
        "soft-majority",
        "Cooperates first, then cooperates when the partner's cooperations so far are at least "
        "its defections (counts saturate at ±32).",
        lambda: cl.majority(C, soft=True),
        ("soft-go-by-majority", "go-by-majority"),
        INF,
        _t("classic", "nice"),
        AXELROD_1984,
    ),
    Entry(
        "extort-2",
        "Zero-determinant extortioner: cooperates with probability 8/9, 1/2, 1/3, 0 after CC, CD, "
        "DC, DD; first move C.",
        lambda: memory_one(8 / 9, 1 / 2, 1 / 3, 0.0, 1.0),
        ("extortioner",),
        1,
        _t("memory-one", "zero-determinant"),
        STEWART_PLOTKIN,
    ),
    Entry(
        "zdgtft-2",
        "Generous zero-determinant character: cooperates with probability 1, 1/8, 1, 1/4 after "
        "CC, CD, DC, DD; first move C.",
        lambda: memory_one(1.0, 1 / 8, 1.0, 1 / 4, 1.0),
        ("zd-gtft-2",),
        1,
        _t("memory-one", "zero-determinant", "nice"),
        STEWART_PLOTKIN,
    ),
    # --- classics shared with the Axelrod library (differentially tested against it) ---
    Entry(
        "cycler-ccd",
        "Plays C, C, D over and over by turn number, whatever the partner does.",
        lambda: cl.cycler("CCD"),
        ("ccd",),
        INF,
        _t("classic", "cycler"),
        "Mittal & Deb (2009), IEEE Trans. Evol. Comput. 13:554. doi:10.1109/TEVC.2008.2009459",
    ),
    Entry(
        "cycler-ddc",
        "Plays D, D, C over and over by turn number, whatever the partner does.",
        lambda: cl.cycler("DDC"),
        ("ddc",),
        INF,
        _t("classic", "cycler"),
        "Mittal & Deb (2009), IEEE Trans. Evol. Comput. 13:554. doi:10.1109/TEVC.2008.2009459",
    ),
    Entry(
        "cycler-cccd",
        "Plays C, C, C, D over and over by turn number, whatever the partner does.",
        lambda: cl.cycler("CCCD"),
        ("cccd",),
        INF,
        _t("classic", "cycler"),
        AXELROD_LIB,
    ),
    Entry(
        "cycler-cccccd",
        "Plays C, C, C, C, C, D over and over by turn number, whatever the partner does.",
        lambda: cl.cycler("CCCCCD"),
        ("cccccd",),
        INF,
        _t("classic", "cycler"),
        AXELROD_LIB,
    ),
    Entry(
        "handshake",
        "Opens C, D; cooperates for ever if the partner opened C, D too, otherwise defects for "
        "ever.",
        pr.handshake,
        ("secret-handshake",),
        INF,
        _t("classic", "probe"),
        "Robson (1990), J. Theor. Biol. 144:379. doi:10.1016/S0022-5193(05)80082-7",
    ),
    Entry(
        "hard-prober",
        "Opens D, D, C, C; then always defects if the partner cooperated on turns 2 and 3, "
        "otherwise plays tit-for-tat.",
        pr.hard_prober,
        (),
        INF,
        _t("classic", "probe"),
        PRISON_1998,
    ),
    Entry(
        "prober-2",
        "Opens D, C, C; then always cooperates if the partner played D, C on turns 2 and 3, "
        "otherwise plays tit-for-tat.",
        pr.prober_2,
        (),
        INF,
        _t("classic", "probe"),
        PRISON_1998,
    ),
    Entry(
        "prober-3",
        "Opens D, C; then always defects if the partner cooperated on turn 2, otherwise plays "
        "tit-for-tat.",
        pr.prober_3,
        (),
        INF,
        _t("classic", "probe"),
        PRISON_1998,
    ),
    Entry(
        "collective-strategy",
        "Opens C, D; if the partner opened C, D too it cooperates until the partner's next "
        "defection, otherwise it defects for ever.",
        pr.collective_strategy,
        ("collective",),
        INF,
        _t("classic", "probe"),
        "Li & Kendall (2009), Evol. Comput. 17:257. doi:10.1162/evco.2009.17.2.257",
    ),
    Entry(
        "fool-me-once",
        "Cooperates until the partner's second defection, then defects for ever.",
        gr.fool_me_once,
        (),
        INF,
        _t("classic", "grudge", "nice"),
        AXELROD_LIB,
    ),
    Entry(
        "davis",
        "Cooperates for the first 10 turns, then defects for ever if the partner has ever "
        "defected (the opening turns included).",
        gr.davis,
        ("first-by-davis",),
        INF,
        _t("classic", "grudge", "nice"),
        AXELROD_1980,
    ),
    Entry(
        "aggravater",
        "Defects on the first three turns, then defects for ever if the partner has ever "
        "defected, otherwise cooperates.",
        gr.aggravater,
        ("aggravator",),
        INF,
        _t("classic", "grudge"),
        AXELROD_LIB,
    ),
    Entry(
        "soft-grudger",
        "Cooperates; answers a partner's defection with D, D, D, D, C, C whatever the partner "
        "does meanwhile, then looks at the partner's last move again.",
        gr.soft_grudger,
        ("sgrim",),
        INF,
        _t("classic", "grudge", "nice"),
        LI_2011,
    ),
    Entry(
        "forgetful-grudger",
        "Cooperates; answers a partner's defection with ten defections whatever the partner "
        "does meanwhile, then looks at the partner's last move again.",
        gr.forgetful_grudger,
        (),
        INF,
        _t("classic", "grudge", "nice"),
        AXELROD_LIB,
    ),
    Entry(
        "gradual",
        "Cooperates; after a partner's defection it defects as many times as the partner has "
        "defected so far, then cooperates twice, then looks again (the count saturates at 32).",
        gr.gradual,
        (),
        INF,
        _t("classic", "grudge", "nice"),
        "Beaufils, Delahaye & Mathieu (1996), Artificial Life V, 202-209",
    ),
    Entry(
        "spiteful-tit-for-tat",
        "Plays tit-for-tat until the partner defects twice in a row, then defects for ever.",
        cl.spiteful_tit_for_tat,
        ("spiteful-tft",),
        INF,
        _t("classic", "grudge", "nice"),
        PRISON_1998,
    ),
    Entry(
        "hard-tit-for-tat",
        "Defects if the partner defected in any of the last three turns.",
        cl.hard_tit_for_tat,
        ("hard-tft",),
        3,
        _t("classic", "nice"),
        "http://www.prisoners-dilemma.com/strategies.html (2017)",
    ),
    Entry(
        "hard-tit-for-two-tats",
        "Defects if the partner defected twice in a row within the last three turns.",
        cl.hard_tit_for_two_tats,
        ("hard-tf2t",),
        3,
        _t("classic", "nice"),
        STEWART_PLOTKIN,
    ),
    Entry(
        "bully",
        "Defects first, then does the opposite of the partner's last move.",
        cl.reverse_tit_for_tat,
        ("reverse-tit-for-tat",),
        1,
        _t("classic", "reactive"),
        "Nachbar (1992), J. Econ. Behav. Organ. 19:307. doi:10.1016/0167-2681(92)90040-I",
    ),
    Entry(
        "anti-tit-for-tat",
        "Cooperates first, then does the opposite of the partner's last move.",
        cl.anti_tit_for_tat,
        ("psycho",),
        1,
        _t("classic", "reactive"),
        HILBE_2013,
    ),
    Entry(
        "win-shift-lose-stay",
        "Defects first; then cooperates exactly when the two players' last moves differed.",
        cl.win_shift_lose_stay,
        ("wsls-inverse",),
        1,
        _t("classic", "memory-one"),
        LI_2011,
    ),
    # --- stochastic memory-one classics ---
    Entry(
        "firm-but-fair",
        "Cooperates first; then cooperates with probability 1, 0, 1, 2/3 after CC, CD, DC, DD.",
        lambda: memory_one(1.0, 0.0, 1.0, 2 / 3, 1.0),
        ("fbf",),
        1,
        _t("classic", "memory-one", "nice"),
        "Frean (1994), Proc. R. Soc. B 257:75. doi:10.1098/rspb.1994.0096",
    ),
    Entry(
        "stochastic-win-stay-lose-shift",
        "Cooperates first; then cooperates with probability 0.95, 0.05, 0.05, 0.95 after CC, CD, "
        "DC, DD (win-stay-lose-shift that errs one time in twenty).",
        lambda: memory_one(0.95, 0.05, 0.05, 0.95, 1.0),
        ("stochastic-wsls",),
        1,
        _t("classic", "memory-one"),
        AXELROD_LIB,
    ),
    Entry(
        "extort-4",
        "Zero-determinant extortioner (phi 4/17, s 1/4, l P): cooperates with probability 11/17, "
        "0, 8/17, 0 after CC, CD, DC, DD; first move C.",
        lambda: zd.zero_determinant(4 / 17, 1 / 4, 1.0),
        ("zd-extort-4",),
        1,
        _t("memory-one", "zero-determinant"),
        STEWART_PLOTKIN,
    ),
    Entry(
        "zd-gen-2",
        "Generous zero-determinant character (phi 1/8, s 1/2, l 3): cooperates with probability "
        "1, 9/16, 1/2, 1/8 after CC, CD, DC, DD; first move C.",
        lambda: zd.zero_determinant(1 / 8, 1 / 2, 3.0),
        ("zdgen-2",),
        1,
        _t("memory-one", "zero-determinant", "nice"),
        STEWART_PLOTKIN,
    ),
    Entry(
        "zd-set-2",
        "Equaliser zero-determinant character (phi 1/4, s 0, l 2) that sets the partner's payoff "
        "to 2: cooperates with probability 3/4, 1/4, 1/2, 1/4 after CC, CD, DC, DD; first move C.",
        lambda: zd.zero_determinant(1 / 4, 0.0, 2.0),
        ("zdset-2",),
        1,
        _t("memory-one", "zero-determinant"),
        STEWART_PLOTKIN,
    ),
    # --- the essay's archetypes (vulnerability exchange, six actions) ---
    Entry(
        "guarded",
        "Never opens, and answers openness neither with support nor with exploitation: the "
        "opener's exposure goes unrepaid (the unreceptive).",
        lambda: ar.steady(GUARDED_WITHHOLD),
        ("not-receptive", "unreceptive"),
        0,
        _t("essay", "nice"),
        ESSAY,
    ),
    Entry(
        "exploiter",
        "Never opens, and exploits anyone who opens to it.",
        lambda: ar.steady(GUARDED_EXPLOIT),
        ("taker",),
        0,
        _t("essay"),
        ESSAY,
    ),
    Entry(
        "unconditional-giver",
        "Always opens and always supports, whatever is done to it (the enabler).",
        lambda: ar.steady(OPEN_SUPPORT),
        ("enabler", "giver"),
        0,
        _t("essay", "nice"),
        ESSAY,
    ),
    Entry(
        "one-sided",
        "Always opens but never answers the partner's openness: shares its own feelings and "
        "withholds support (talking without listening).",
        lambda: ar.steady(OPEN_WITHHOLD),
        ("talker",),
        0,
        _t("essay", "nice"),
        ESSAY,
    ),
    Entry(
        "kind-at-a-distance",
        "Opens until it is exploited once, then stays guarded for good while still supporting "
        "anyone who opens (kindness at a safe distance).",
        ar.kind_at_a_distance,
        ("kind-distance",),
        INF,
        _t("essay", "nice"),
        ESSAY,
    ),
    Entry(
        "reciprocator",
        "Opens first, then opens exactly when the partner was open and supportive last turn; "
        "always supports.",
        ar.reciprocator,
        ("truster",),
        1,
        _t("essay", "trustworthy", "nice"),
        ESSAY,
    ),
    Entry(
        "forgiver",
        "Opens first and keeps opening; withdraws only after two turns in a row in which the "
        "partner was not open and supportive; always supports.",
        ar.forgiver,
        (),
        2,
        _t("essay", "trustworthy", "nice"),
        ESSAY,
    ),
    Entry(
        "contrite",
        "A reciprocator that admits its mistakes: after its own slip it keeps opening while the "
        "partner withdraws once (contrite tit-for-tat's standing); always supports.",
        ar.contrite,
        ("apologiser",),
        INF,
        _t("essay", "trustworthy", "nice"),
        ESSAY + "; " + BOYD_1989,
    ),
    Entry(
        "con-artist",
        "Opens and supports until the partner has been open three turns in a row, then exploits "
        "for as long as the partner stays open; rebuilds trust when the partner withdraws.",
        lambda: ar.con_artist(3),
        ("deceiver",),
        3,
        _t("essay", "deceptive"),
        ESSAY,
    ),
    Entry(
        "encourager",
        "Keeps opening and supporting whatever the partner does, withdrawing included, until it "
        "has been exploited twice in all; then stays guarded for good, still supporting.",
        ar.encourager,
        ("cheerleader",),
        INF,
        _t("essay", "trustworthy", "nice"),
        ESSAY,
    ),
    Entry(
        "critic",
        "Opens and supports after a turn in which the partner was open and supportive; after any "
        "other turn stays guarded and exploits, so openness after a slip is punished.",
        ar.critic,
        ("fault-finder",),
        1,
        _t("essay"),
        ESSAY,
    ),
    Entry(
        "fair-weather-friend",
        "Starts open and supportive, then copies the partner's last action in both parts: opens "
        "only if the partner opened, supports only if the partner supported.",
        ar.fair_weather_friend,
        ("mirror",),
        1,
        _t("essay", "nice"),
        ESSAY,
    ),
    Entry(
        "cautious-opener",
        "Starts guarded, then opens exactly when the partner was open and supportive last turn "
        "(waits for the partner to open first); always supports.",
        ar.cautious_opener,
        ("wait-and-see",),
        1,
        _t("essay", "nice"),
        ESSAY,
    ),
)
