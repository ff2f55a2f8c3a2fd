"""The essay's claims, each tested by one experiment with its criterion fixed in advance.

:func:`essay_claims` builds the claims of the essay report (``trustlab essay``): the claim in
the project's own words, the spec that tests it, and the criterion that decides it. The modes
differ only in replicates, sizes and sweep density (:data:`SIZES`), never in the criteria,
which are written here before anything runs.
"""

from __future__ import annotations

from trustlab.experiments.essay.claims import MODES, SIZES, TITLE, essay_claims

__all__ = ["MODES", "SIZES", "TITLE", "essay_claims"]
