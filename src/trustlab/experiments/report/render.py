"""The report: one self-contained HTML page (figures embedded, no network), a Markdown summary
with its figures beside it, and a verdict table for the terminal."""

from __future__ import annotations

import base64
import html
import io
import json
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rich.table import Table

from trustlab.experiments.report.claims import ClaimResult

__all__ = ["figure_png", "html_page", "markdown_summary", "verdict_table", "write_report"]

_COLOURS = {"holds": "#1a7f37", "does not hold": "#cf222e", "undecided": "#9a6700"}


def _x(result: ClaimResult) -> tuple[str, list[Any]]:
    """The figure's x axis: the one swept number, else each point's setting as a label."""
    pts = result.points
    judged = [p for p in pts if p["verdict"] != "control"] or pts
    keys = [k for k in (pts[0]["params"] if pts else {})
            if len({repr(p["params"][k]) for p in judged}) > 1]  # fmt: skip
    numeric = [k for k in keys
               if all(isinstance(p["params"][k], int | float) for p in pts)]  # fmt: skip
    key = result.claim.x if result.claim.x in keys and len(keys) == 1 else None
    key = key or (numeric[0] if len(keys) == 1 and numeric else None)
    if key is not None:
        return key, [p["params"][key] for p in pts]
    if not keys:
        return "point", [str(p["point"]) for p in pts]
    return ", ".join(keys), [", ".join(str(p["params"][k]) for k in keys) for p in pts]


def figure_png(result: ClaimResult) -> bytes:
    """The statistic at each point with its interval, the threshold, and each point's verdict."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    crit = result.claim.criterion
    label, xs = _x(result)
    fig, ax = plt.subplots(figsize=(6.4, 3.6), dpi=110)
    try:
        ax.axhline(crit.threshold, color="#57606a", lw=1, ls="--", label="threshold")
        for x, p in zip(xs, result.points, strict=True):
            if (
                p["mean"] is None or p["verdict"] == "control"
            ):  # a control's raw value: not a margin
                continue
            low = p["low"] if p["low"] is not None else p["mean"]
            high = p["high"] if p["high"] is not None else p["mean"]
            ax.errorbar([x], [p["mean"]], yerr=[[p["mean"] - low], [high - p["mean"]]], fmt="o",
                        color=_COLOURS[p["verdict"]], capsize=4)  # fmt: skip
        ax.set_xlabel(label)
        if any(isinstance(x, str) for x in xs):
            ax.tick_params(axis="x", labelrotation=20, labelsize=7)
        ax.set_ylabel("margin over the control" if crit.versus else "statistic")
        ax.set_title(textwrap.fill(result.claim.id + ": " + result.verdict_text, 80), fontsize=9)
        handles = [Line2D([], [], color=c, marker="o", ls="", label=v)
                   for v, c in _COLOURS.items()]  # fmt: skip
        ax.legend(handles=handles, fontsize=8, loc="best")
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
    finally:
        plt.close(fig)
    return buf.getvalue()


def _fmt(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def verdict_table(results: Sequence[ClaimResult], title: str = "Claims") -> Table:
    """The terminal table: claim, criterion, verdict, units (reused)."""
    t = Table(title=title, title_justify="left", show_lines=True)
    for c in ("claim", "criterion", "verdict", "units"):
        t.add_column(c, overflow="fold")
    for r in results:
        colour = {"holds": "green", "does not hold": "red"}.get(r.verdict, "yellow")
        t.add_row(f"[bold]{r.claim.id}[/bold]: {r.claim.text}", r.claim.criterion.describe(),
                  f"[{colour}]{r.verdict_text}[/{colour}]",
                  f"{r.units} ({r.reused} reused)")  # fmt: skip
    return t


def _points_rows(r: ClaimResult) -> list[list[str]]:
    keys = list(r.points[0]["params"]) if r.points else []
    rows = [[*keys, "n", "mean", f"{r.claim.criterion.level:.0%} interval", "verdict"]]
    for p in r.points:
        rows.append([*(_fmt(p["params"][k]) for k in keys), str(p["n"]), _fmt(p["mean"]),
                     f"[{_fmt(p['low'])}, {_fmt(p['high'])}]", p["verdict"]])  # fmt: skip
    return rows


def markdown_summary(results: Sequence[ClaimResult], title: str, figures: dict[str, str]) -> str:
    """Markdown: the verdict table, then per claim its criterion, numbers and figure."""
    out = [f"# {title}", "", "| claim | verdict |", "|---|---|"]
    out += [f"| **{r.claim.id}**: {r.claim.text} | {r.verdict_text} |" for r in results]
    for r in results:
        sp = r.claim.spec
        out += ["", f"## {r.claim.id}", "", r.claim.text, "",
                f"- criterion (fixed before the run): `{r.claim.criterion.describe()}`",
                f"- verdict: **{r.verdict_text}**",
                f"- setup: `{sp.kind}`, spec `{r.spec_hash}`, seed {sp.seed}, "
                f"{sp.replicates} replicates, {r.units} units ({r.reused} reused)"]  # fmt: skip
        out += [f"- note: {n}" for n in r.notes]
        rows = _points_rows(r)
        out += ["", "| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
        out += ["| " + " | ".join(row) + " |" for row in rows[1:]]
        if r.claim.id in figures:
            out += ["", f"![{r.claim.id}]({figures[r.claim.id]})"]
    return "\n".join(out) + "\n"


_CSS = """body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
color:#1f2328}table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #d0d7de;
padding:.25rem .5rem;text-align:left}th{background:#f6f8fa}.holds{color:#1a7f37;font-weight:600}
.does-not-hold{color:#cf222e;font-weight:600}.undecided,.only{color:#9a6700;font-weight:600}
pre{background:#f6f8fa;padding:.5rem;overflow:auto;font-size:13px}img{max-width:100%}"""


def _cls(verdict: str) -> str:
    return {"holds": "holds", "does not hold": "does-not-hold", "undecided": "undecided"}.get(
        verdict, "only"
    )


def html_page(
    results: Sequence[ClaimResult], title: str, pngs: Mapping[str, bytes] | None = None
) -> str:
    """One self-contained HTML page: no script, no external link, figures as data URIs.

    ``pngs`` maps a claim's id to its figure already drawn (drawn here when missing)."""
    e = html.escape
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{e(title)}"
             f"</title><style>{_CSS}</style></head><body><h1>{e(title)}</h1>",
             "<table><tr><th>claim</th><th>verdict</th></tr>"]  # fmt: skip
    for r in results:
        parts.append(f"<tr><td><a href='#{e(r.claim.id)}'>{e(r.claim.id)}</a>: "
                     f"{e(r.claim.text)}</td><td class='{_cls(r.verdict)}'>"
                     f"{e(r.verdict_text)}</td></tr>")  # fmt: skip
    parts.append("</table>")
    for r in results:
        drawn = (pngs or {}).get(r.claim.id) or figure_png(r)
        png = base64.b64encode(drawn).decode("ascii")
        rows = _points_rows(r)
        table = "<table><tr>" + "".join(f"<th>{e(c)}</th>" for c in rows[0]) + "</tr>"
        for row in rows[1:]:
            cells = "".join(f"<td>{e(c)}</td>" for c in row[:-1])
            table += f"<tr>{cells}<td class='{_cls(row[-1])}'>{e(row[-1])}</td></tr>"
        table += "</table>"
        notes = "".join(f"<li>{e(n)}</li>" for n in r.notes)
        spec = json.dumps(r.claim.spec.to_dict(), indent=2)
        parts.append(
            f"<section id='{e(r.claim.id)}'><h2>{e(r.claim.id)}</h2><p>{e(r.claim.text)}</p>"
            f"<ul><li>criterion (fixed before the run): <code>{e(r.claim.criterion.describe())}"
            f"</code></li><li>verdict: <span class='{_cls(r.verdict)}'>{e(r.verdict_text)}</span>"
            f"</li><li>{r.units} units ({r.reused} reused from the store), spec "
            f"<code>{e(r.spec_hash)}</code></li>{notes}</ul>{table}"
            f"<img alt='{e(r.claim.id)}: statistic by point' src='data:image/png;base64,{png}'>"
            f"<details><summary>setup (the spec)</summary><pre>{e(spec)}</pre></details></section>"
        )
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(results: Sequence[ClaimResult], out: str | Path, title: str) -> dict[str, str]:
    """Write ``report.html``, ``report.md``, ``results.json`` and one PNG per claim into ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    figures, pngs = {}, {}
    for r in results:
        name = f"fig-{r.claim.id}.png"
        pngs[r.claim.id] = figure_png(r)
        (out / name).write_bytes(pngs[r.claim.id])
        figures[r.claim.id] = name
    (out / "report.html").write_text(html_page(results, title, pngs), encoding="utf-8")
    (out / "report.md").write_text(markdown_summary(results, title, figures), encoding="utf-8")
    data = {"title": title, "claims": [r.to_dict() for r in results]}
    (out / "results.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return {"html": str(out / "report.html"), "markdown": str(out / "report.md"),
            "json": str(out / "results.json")}  # fmt: skip
