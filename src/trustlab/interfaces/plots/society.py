"""Figures of a society run and of a critical-mass experiment (matplotlib, Agg, PNG files).

Both take the JSON payloads the CLI prints (``SocietyResult.to_dict()``,
``CriticalMassResult.to_dict()``), so a saved JSON file can be plotted later.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

__all__ = ["plot_critical_mass", "plot_society"]


def _figure(rows: int, cols: int, size: tuple[float, float]) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(rows, cols, figsize=size, constrained_layout=True)


def _series(history: list[dict[str, Any]], key: str) -> list[float]:
    return [math.nan if h.get(key) is None else float(h[key]) for h in history]


def plot_society(payload: dict[str, Any], path: str | Path) -> Path:
    """Four panels over rounds: openness and exploitation, loneliness and needs met, character
    frequencies, relationships. Returns the path written."""
    import matplotlib.pyplot as plt

    hist = payload["history"]
    rounds = [h["round"] for h in hist]
    fig, axes = _figure(2, 2, (11, 7.5))
    ax = axes[0, 0]
    ax.plot(rounds, _series(hist, "open_rate"), label="open rate")
    ax.plot(rounds, _series(hist, "exploitation_rate"), label="exploited when open")
    if any("disappointment_rate" in h for h in hist):
        ax.plot(rounds, _series(hist, "disappointment_rate"), label="withheld from when open")
    if any(h.get("reputation_good") is not None for h in hist):
        ax.plot(rounds, _series(hist, "reputation_good"), label="good reputation", ls="--")
    ax.set_ylim(-0.02, 1.02)
    ax.set_title("openness, exploitation and disappointment")
    ax.legend(fontsize=8)
    ax = axes[0, 1]
    ax.plot(rounds, _series(hist, "loneliness"), label="loneliness (mean)", color="k")
    for key, label in (("reassurance_rate", "reassurance"), ("acceptance_rate", "acceptance"),
                       ("consolation_rate", "consolation")):  # fmt: skip
        ax.plot(rounds, _series(hist, key), label=label, alpha=0.8)
    ax.set_ylim(-0.02, 1.02)
    ax.set_title("loneliness and needs met")
    ax.legend(fontsize=8)
    ax = axes[1, 0]
    names = list(hist[0]["frequencies"]) if hist else []
    ax.stackplot(rounds, [[h["frequencies"][n] for h in hist] for n in names], labels=names)
    ax.set_ylim(0, 1)
    ax.set_title("characters")
    ax.legend(fontsize=8, loc="upper left")
    ax = axes[1, 1]
    ax.plot(rounds, _series(hist, "relationships"), label="relationships")
    ax.set_title("relationships")
    ax2 = ax.twinx()
    ax2.plot(rounds, _series(hist, "mean_relationship_age"), color="C1", label="mean age")
    ax2.set_ylabel("mean age (rounds)")
    for a in axes.ravel():
        a.set_xlabel("round")
    cfg = payload.get("config", {})
    fig.suptitle(
        f"society — {cfg.get('agents')} agents, capacity {cfg.get('capacity')}, partner choice "
        f"{cfg.get('partner_choice')}, reputation {cfg.get('reputation')}, "
        f"seed {payload.get('seed')}"
    )
    out = Path(path)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


def plot_critical_mass(payload: dict[str, Any], path: str | Path) -> Path:
    """Success rate against the share of initiators, with the critical share and its interval,
    and what the initiators earn. Returns the path written."""
    import matplotlib.pyplot as plt

    curve = payload["curve"]
    x = [c["share"] for c in curve]
    fig, (ax, bx) = _figure(1, 2, (11, 4.2))
    ax.plot(x, [math.nan if c["success_rate"] is None else c["success_rate"] for c in curve],
            "o-", label="openness takes over")  # fmt: skip
    ax.plot(
        x,
        [math.nan if c["final_open_rate"] is None else c["final_open_rate"] for c in curve],
        "s--",
        alpha=0.7,
        label="final open rate",
    )
    crit = payload.get("critical_share")
    lo, hi = payload.get("interval", [None, None])
    if crit is not None:
        ax.axvline(crit, color="k", lw=1)
        ax.axvspan(lo if lo is not None else 0.0, hi if hi is not None else max(x), alpha=0.15,
                   color="k", label=f"critical share {crit:.3f}")  # fmt: skip
    ax.axhline(0.5, color="grey", lw=0.5)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("share of initiators")
    ax.set_title(f"{payload.get('initiator')} initiators ({payload.get('placement')})")
    ax.legend(fontsize=8)
    for key, label in (("initiator_payoff_early", "initiators, first rounds"),
                       ("initiator_payoff", "initiators, whole run"),
                       ("guarded_payoff", "guarded, whole run")):  # fmt: skip
        bx.plot(x, [math.nan if c[key] is None else c[key] for c in curve], "o-", label=label)
    bx.set_xlabel("share of initiators")
    bx.set_ylabel("payoff per round")
    bx.set_title("what opening first earns")
    bx.legend(fontsize=8)
    out = Path(path)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out
