"""The errors of experiments: bad specs, units whose input a command rejects, interruptions."""

from __future__ import annotations

from trustlab.domain.errors import TrustlabError

__all__ = ["ExperimentSpecError", "Interrupted", "UnitFailed", "UnitInputError"]


class ExperimentSpecError(TrustlabError):
    """A spec file that cannot be run: names the file, the key and what is allowed."""


class UnitInputError(TrustlabError):
    """A command rejected one unit's input (a value out of range): the sweep stops."""


class UnitFailed(Exception):
    """Units that crashed twice (a worker died, or an exception): reported, not stored."""


class Interrupted(Exception):
    """The sweep was stopped (Ctrl-C); every unit finished before is stored.

    Parameters
    ----------
    stored, total : int
        Units of the spec in the store, and units the spec has.
    """

    def __init__(self, stored: int, total: int) -> None:
        super().__init__(f"interrupted: {stored} of {total} units stored")
        self.stored = stored
        self.total = total
