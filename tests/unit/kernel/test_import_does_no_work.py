"""Importing trustlab does no work: no kernel compiled (or loaded from the cache), no catalogue
built, no plotting or peer library pulled in, and it is quick.

Checked in a fresh interpreter, since this test session has long since compiled everything.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

PROBE = textwrap.dedent(
    """
    import json, sys, time
    t0 = time.perf_counter()
    import trustlab
    seconds = time.perf_counter() - t0

    from numba.core.registry import CPUDispatcher

    # every compiled function and every memoised function (functools.cache) any trustlab
    # module holds: signatures compiled so far, entries cached so far
    compiled, caches = {}, {}
    for name, module in list(sys.modules.items()):
        if name == "trustlab" or name.startswith("trustlab."):
            for attr, value in vars(module).items():
                if isinstance(value, CPUDispatcher):
                    compiled[f"{name}.{attr}"] = len(value.overloads)
                elif callable(getattr(value, "cache_info", None)):
                    caches[f"{name}.{attr}"] = value.cache_info().currsize

    heavy = [m for m in ("matplotlib", "axelrod", "torch", "egttools", "mesa", "rich", "typer")
             if m in sys.modules]
    print(json.dumps({"seconds": seconds, "compiled": compiled, "caches": caches,
                      "heavy": heavy}))
    """
)


def _probe() -> dict:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_compiles_nothing_builds_nothing_and_is_quick() -> None:
    report = _probe()
    # the match kernel and the RNG are visible to the probe (so it can see compilation) ...
    assert "trustlab.kernel.match._play_general" in report["compiled"]
    assert "trustlab.kernel.rng.base_key" in report["compiled"]
    # ... and none of them has compiled or loaded a single signature
    assert {k: v for k, v in report["compiled"].items() if v} == {}
    # the catalogue is built on first use, never at import
    catalogue = "trustlab.domain.characters.catalogue"
    assert report["caches"][f"{catalogue}._index"] == 0
    assert report["caches"][f"{catalogue}._character"] == 0
    assert {k: v for k, v in report["caches"].items() if v} == {}
    assert report["heavy"] == []
    # the import's speed is measured by benchmarks/bench_tournament.py (start-up); this bound only
    # catches work done at import (a compilation takes seconds), with room for a loaded machine
    assert report["seconds"] < 20.0
