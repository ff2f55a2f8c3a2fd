"""Import a peer library for a differential test: present means tested, absent means failed.

``pytest.importorskip`` would turn a broken or missing peer into a quiet skip, and a differential
test that never runs proves nothing. The peers extra (``pip install -e ".[peers]"``, which
``scripts/check`` always installs) is part of the test environment, so a missing peer is an
error. To leave the peers out on purpose, set ``TRUSTLAB_NO_PEERS=1``: the tests that need them
are then skipped, and the skip says why.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

import pytest

__all__ = ["peer"]


def peer(module: str) -> ModuleType:
    """``import module``, failing (not skipping) when it is missing, unless TRUSTLAB_NO_PEERS=1."""
    if os.environ.get("TRUSTLAB_NO_PEERS") == "1":
        pytest.skip(f"TRUSTLAB_NO_PEERS=1: {module} is not used", allow_module_level=True)
    try:
        return importlib.import_module(module)
    except ImportError as err:
        raise ImportError(
            f"the peers extra is needed for this test ({module}: {err}); install it with "
            "pip install -e '.[peers]', or set TRUSTLAB_NO_PEERS=1 to skip the peer tests"
        ) from err
