"""The results database: DuckDB, one embedded file (``trustlab.duckdb`` by default).

Used by the experiments and interfaces layers only; the domain never writes files.
"""

from __future__ import annotations

from trustlab.store.database import (
    DEFAULT_STORE,
    SCHEMA_VERSION,
    Store,
    StoreError,
    StoreLocked,
    UnitRow,
)

__all__ = ["DEFAULT_STORE", "SCHEMA_VERSION", "Store", "StoreError", "StoreLocked", "UnitRow"]
