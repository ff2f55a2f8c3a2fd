"""What every result records about how it was made, and how long work reports its progress."""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["Progress", "version"]

Progress = Callable[[int, int], None]
"""``progress(done, total)``: called by long work (matches, evolution) as it goes."""


def version() -> str:
    """trustlab's version, recorded with every result.

    Examples
    --------
    >>> isinstance(version(), str)
    True
    """
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as _v

    try:
        return _v("trustlab")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"
