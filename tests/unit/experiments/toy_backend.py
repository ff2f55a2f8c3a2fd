"""A small backend for runner tests: one seeded kind, ``toy``, that can crash its worker.

Importable by spawned worker processes (the tests put this folder on PYTHONPATH).
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from trustlab.experiments.commands import Backend, CommandSchema, OptionSchema
from trustlab.experiments.errors import UnitInputError

TOY = CommandSchema(
    "toy",
    (
        OptionSchema("x", "float", 0.0, False, "--x"),
        OptionSchema("n", "int", 3, False, "--n"),
        OptionSchema("sleep", "float", 0.0, False, "--sleep"),
        OptionSchema("crash", "str", "", False, "--crash", help="'', 'always' or 'once:PATH'"),
    ),
    seeded=True,
)


def _parse(argv: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    words = list(argv)
    for flag, value in zip(words[::2], words[1::2], strict=True):
        out[flag.lstrip("-")] = value
    return out


def execute(kind: str, argv: Sequence[str]) -> dict[str, Any]:
    """x plus n uniforms from the seed; crashes the whole process when asked to."""
    a = _parse(argv)
    x, n, seed = float(a.get("x", 0.0)), int(a.get("n", 3)), int(a["seed"])
    if x < 0:
        raise UnitInputError(f"x must be ≥ 0, got {x}")
    crash = a.get("crash", "")
    if crash == "always" and os.getpid() != int(os.environ.get("TOY_COORDINATOR", "0")):
        os._exit(3)
    if crash.startswith("once:"):
        marker = Path(crash[5:] + f"-{seed}")
        if not marker.exists():
            marker.write_text("crashed once")
            os._exit(3)
    if float(a.get("sleep", 0.0)):
        time.sleep(float(a["sleep"]))
    u = np.random.default_rng(seed).random(n)
    return {"seed": seed, "x": x, "value": x + float(u.sum()),
            "draws": [{"name": f"d{i}", "u": float(v)} for i, v in enumerate(u)],
            "history": [{"step": i, "cum": float(u[: i + 1].sum())} for i in range(n)]}  # fmt: skip


BACKEND = Backend({"toy": TOY}, execute=execute)
