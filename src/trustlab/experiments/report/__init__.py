"""Claims tested by experiments: a claim, its spec, a criterion fixed before the run, a verdict.

A claims file (TOML) lists claims; each carries a spec (the format of ``trustlab run``) and a
criterion. :func:`run_claims` runs the specs through a runner into a store (stored units are
reused, so a second run takes seconds) and :func:`evaluate` computes each verdict from the stored
numbers alone: *holds*, *holds only when ...* (from the sweep points where it holds), or *does
not hold*. :mod:`~trustlab.experiments.report.render` writes the HTML page, the Markdown summary
and the terminal table.
"""

from __future__ import annotations

from trustlab.experiments.report.claims import (
    Claim,
    ClaimResult,
    Criterion,
    evaluate,
    load_claims,
    parse_claims,
    run_claims,
)

__all__ = [
    "Claim",
    "ClaimResult",
    "Criterion",
    "evaluate",
    "load_claims",
    "parse_claims",
    "run_claims",
]
