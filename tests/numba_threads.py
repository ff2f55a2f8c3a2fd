"""Run a test's computation with an exact number of Numba threads, even on a one-core runner.

``numba.set_num_threads(n)`` cannot go above the ``NUMBA_NUM_THREADS`` the process started with
(the number of cores by default), so on a single-core CI runner a "1 thread against 2 threads"
comparison would silently compare one thread with one. :func:`at_threads` runs the function in
this process when it can have ``n`` threads, and otherwise in a fresh interpreter started with
``NUMBA_NUM_THREADS=n`` (two threads work on one core: they just take turns). Either way it
checks that the function really ran with ``n`` threads.

The function must be a module-level function of a test file (found again by path and name in
the subprocess), with picklable arguments and result.
"""

from __future__ import annotations

import base64
import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numba

__all__ = ["at_threads"]

_CHILD = """
import base64, importlib.util, pickle, sys
import numba
path, name, args, out = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
sys.path.insert(0, sys.argv[5])
spec = importlib.util.spec_from_file_location("_threads_child_module", path)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
n = numba.config.NUMBA_NUM_THREADS
numba.set_num_threads(n)
result = getattr(module, name)(*pickle.loads(base64.b64decode(args)))
with open(out, "wb") as f:
    pickle.dump((numba.get_num_threads(), result), f)
"""


def at_threads(n: int, fn: Callable[..., Any], *args: Any, subprocess_: bool = False) -> Any:
    """``fn(*args)`` computed with exactly ``n`` Numba threads (in a subprocess if this process
    cannot have ``n``, or if ``subprocess_``)."""
    if not subprocess_ and n <= numba.config.NUMBA_NUM_THREADS:
        before = numba.get_num_threads()
        try:
            numba.set_num_threads(n)
            assert numba.get_num_threads() == n
            return fn(*args)
        finally:
            numba.set_num_threads(before)
    path = sys.modules[fn.__module__].__file__
    assert path is not None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.pickle"
        packed = base64.b64encode(pickle.dumps(args)).decode()
        env = {**os.environ, "NUMBA_NUM_THREADS": str(n)}
        here = str(Path(__file__).resolve().parent)
        cmd = [sys.executable, "-c", _CHILD, path, fn.__name__, packed, str(out), here]
        run = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
        assert run.returncode == 0, run.stderr[-3000:]
        threads, result = pickle.loads(out.read_bytes())
    assert threads == n, f"the subprocess ran with {threads} threads, not {n}"
    return result
