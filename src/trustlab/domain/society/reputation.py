"""Reputation norms: how an observer judges a donor's action towards a recipient.

A norm is a table ``norm[donor, recipient, action]`` of new reputations (1 = good, 0 = bad) for the
donor, given the donor's and the recipient's current reputation in the observer's eyes and
whether the donor's action was cooperative (action 0) or not (action 1): the classic C/D table
(:func:`norm_table`), which two-action games use as it is.

The vulnerability exchange has three answers, and the society judges three acts
(:func:`judged_table`, ``[donor, recipient, act]``): COOPERATE (open + support) takes the classic
C entry; WITHHOLD (any other act that takes nothing: staying guarded, leaving openness
unanswered, or an exploiting answer to a recipient who did not open) takes the classic D entry —
withholding from the bad is justified under stern judging and standing, from the good it is not;
EXPLOIT (exploiting a recipient who opened this turn) is bad under every norm, whatever the
recipient's reputation: exploiting an open partner is never judged like withholding from one of
bad repute.

Second-order norms ignore the donor's own reputation: image scoring, simple standing, stern
judging, shunning. The *leading eight* (Ohtsuki & Iwasa 2004) are the third-order norms that keep
cooperation stable under public assessment; simple standing is L3 and stern judging L6. Their
common core: cooperating with a good recipient is good, defecting against one is bad, and a good
donor who defects against a bad recipient stays good (justified punishment); they differ in how
they judge cooperating with the bad and a bad donor's defection against the bad.

References
----------
Ohtsuki & Iwasa (2004), "How should we define goodness? Reputation dynamics in indirect
reciprocity", J. Theor. Biol. 231:107. doi:10.1016/j.jtbi.2004.06.005
Ohtsuki & Iwasa (2006), "The leading eight", J. Theor. Biol. 239:435.
doi:10.1016/j.jtbi.2005.08.008
Nowak & Sigmund (1998), "Evolution of indirect reciprocity by image scoring", Nature 393:573.
doi:10.1038/31225
"""

from __future__ import annotations

import numpy as np

from trustlab.domain.errors import UnknownName

__all__ = [
    "COOPERATE",
    "EXPLOIT_OPEN",
    "NORM_ALIASES",
    "NORM_NAMES",
    "WITHHOLD_ACT",
    "get_norm",
    "judged_table",
    "norm_table",
]

G, B = 1, 0
#: the acts a norm judges in the society (the last axis of :func:`judged_table`)
COOPERATE, WITHHOLD_ACT, EXPLOIT_OPEN = 0, 1, 2
#: (GGC, GGD, GBC, GBD, BGC, BGD, BBC, BBD): donor, recipient, action (C cooperative, D not)
_TABLES: dict[str, tuple[int, ...]] = {
    "image-scoring": (G, B, G, B, G, B, G, B),
    "simple-standing": (G, B, G, G, G, B, G, G),
    "stern-judging": (G, B, B, G, G, B, B, G),
    "shunning": (G, B, B, B, G, B, B, B),
    # the leading eight (Ohtsuki & Iwasa 2004, table 2; 2006): only GBC, BBC and BBD differ
    "l1": (G, B, G, G, G, B, G, B),
    "l2": (G, B, B, G, G, B, G, B),
    "l3": (G, B, G, G, G, B, G, G),
    "l4": (G, B, G, G, G, B, B, G),
    "l5": (G, B, B, G, G, B, G, G),
    "l6": (G, B, B, G, G, B, B, G),
    "l7": (G, B, G, G, G, B, B, B),
    "l8": (G, B, B, G, G, B, B, B),
}
NORM_ALIASES = {
    "consistent-standing": "l2",
    "staying": "l7",
    "judging": "l8",
    "kandori": "stern-judging",
    "image": "image-scoring",
    "standing": "simple-standing",
}
#: every norm name accepted (``none`` switches reputation off)
NORM_NAMES = ("none", *_TABLES)


def norm_table(name: str) -> np.ndarray:
    """The (2, 2, 2) table ``[donor, recipient, action]`` → new reputation (1 good, 0 bad).

    Examples
    --------
    >>> t = norm_table("stern-judging")
    >>> int(t[1, 0, 0]), int(t[1, 0, 1])  # a good donor cooperating with / defecting against a bad
    (0, 1)
    """
    key = get_norm(name)
    flat = _TABLES[key]
    out = np.zeros((2, 2, 2), dtype=np.int8)
    i = 0
    for donor in (G, B):
        for recipient in (G, B):
            for action in (0, 1):
                out[donor, recipient, action] = flat[i]
                i += 1
    return out


def judged_table(name: str) -> np.ndarray:
    """The (2, 2, 3) table ``[donor, recipient, act]`` → new reputation the society uses: acts
    COOPERATE and WITHHOLD_ACT take the classic C and D entries of :func:`norm_table`,
    EXPLOIT_OPEN (exploiting a partner who opened) is bad whatever the reputations.

    Examples
    --------
    >>> t = judged_table("stern-judging")
    >>> int(t[1, 0, WITHHOLD_ACT]), int(t[1, 0, EXPLOIT_OPEN])  # to a bad recipient
    (1, 0)
    """
    classic = norm_table(name)
    out = np.zeros((2, 2, 3), dtype=np.int8)
    out[:, :, COOPERATE] = classic[:, :, 0]
    out[:, :, WITHHOLD_ACT] = classic[:, :, 1]
    out[:, :, EXPLOIT_OPEN] = B
    return out


def get_norm(name: str) -> str:
    """The canonical name of a norm (``none`` included), or :class:`UnknownName` with the closest.

    Examples
    --------
    >>> get_norm("Stern_Judging"), get_norm("staying")
    ('stern-judging', 'l7')
    """
    key = name.strip().lower().replace("_", "-")
    key = NORM_ALIASES.get(key, key)
    if key == "none" or key in _TABLES:
        return key
    raise UnknownName("reputation norm", name, [*NORM_NAMES, *NORM_ALIASES])
