"""A DuckDB file of experiment results: specs, units, metrics and time series.

Tables (see docs/experiments.md for SQL examples):

* ``specs``: one row per spec run into the store (hash, name, kind, the spec as JSON);
* ``spec_units``: which unit is which (point, replicate) of which spec;
* ``units``: one row per finished unit: key, kind, parameters (JSON), seed, version, timing,
  the full payload (JSON);
* ``metrics``: the unit's numbers, long: (unit_key, name, value);
* ``series``: time series, one row per (unit, variable) with the steps and values as lists;
* ``results``: a view joining spec_units, units and specs.

Only one process writes (the sweep's coordinator); DuckDB's file lock refuses a second writer,
and that refusal, a file that is not DuckDB, or a corrupted one become a :class:`StoreError`:
the file is never overwritten or truncated.
"""

from __future__ import annotations

import functools
import json
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

import duckdb

from trustlab.domain.errors import TrustlabError, shorten

__all__ = ["DEFAULT_STORE", "SCHEMA_VERSION", "Store", "StoreError", "StoreLocked", "UnitRow"]

DEFAULT_STORE = "trustlab.duckdb"
SCHEMA_VERSION = "1"
_MAGIC = b"DUCK"  # bytes 8..12 of every DuckDB database file
_TABLES = ("trustlab_meta", "specs", "spec_units", "units", "metrics", "series")

_SCHEMA = [
    "CREATE TABLE trustlab_meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    """CREATE TABLE specs (
        spec_hash VARCHAR PRIMARY KEY, name VARCHAR, kind VARCHAR, seed BIGINT,
        replicates INTEGER, n_units BIGINT, spec JSON, source VARCHAR,
        created TIMESTAMP DEFAULT current_timestamp)""",
    """CREATE TABLE spec_units (
        spec_hash VARCHAR, point INTEGER, replicate INTEGER, unit_key VARCHAR,
        PRIMARY KEY (spec_hash, point, replicate))""",
    """CREATE TABLE units (
        unit_key VARCHAR PRIMARY KEY, kind VARCHAR, spec_hash VARCHAR, point INTEGER,
        replicate INTEGER, params JSON, seed BIGINT, version VARCHAR, started TIMESTAMPTZ,
        finished TIMESTAMPTZ, duration_s DOUBLE, worker VARCHAR, result JSON)""",
    "CREATE TABLE metrics (unit_key VARCHAR, name VARCHAR, value DOUBLE)",
    """CREATE TABLE series (
        unit_key VARCHAR, series VARCHAR, variable VARCHAR, t DOUBLE[], value DOUBLE[])""",
    """CREATE VIEW results AS
        SELECT s.name AS spec, su.spec_hash, su.point, su.replicate, su.unit_key, u.kind,
               u.params, u.seed, u.version, u.started, u.finished, u.duration_s, u.worker
        FROM spec_units su JOIN units u ON u.unit_key = su.unit_key
        JOIN specs s ON s.spec_hash = su.spec_hash""",
]


@contextmanager
def _uninterrupted() -> Iterator[None]:
    """Hold Ctrl-C back while a transaction runs, and raise it right after the commit.

    DuckDB would otherwise turn it into "Query interrupted" in the middle of a commit. (Blocking
    the signal is not enough: another thread of the process may receive it.)
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


_F = TypeVar("_F", bound=Callable[..., Any])


def _uninterruptible(method: _F) -> _F:
    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with _uninterrupted():
            return method(*args, **kwargs)

    return cast(_F, wrapper)


class StoreError(TrustlabError):
    """A store that cannot be used: not a DuckDB file, corrupted, or not a trustlab store."""


class StoreLocked(StoreError):
    """The store is open for writing in another process (e.g. a running sweep)."""


@dataclass(frozen=True)
class UnitRow:
    """One finished unit, as the store writes it."""

    key: str
    kind: str
    spec_hash: str
    point: int
    replicate: int
    params: dict[str, Any]
    seed: int | None
    version: str
    started: float
    finished: float
    worker: str
    metrics: dict[str, float]
    series: Sequence[tuple[str, str, list[float], list[float]]]
    result: dict[str, Any]


class Store:
    """A trustlab results database in one DuckDB file.

    Parameters
    ----------
    path : str or Path
        The file (created, with its folder, when missing unless ``read_only``).
    read_only : bool
        Open for reading only (``trustlab results``); never creates the file.

    Raises
    ------
    StoreError
        The path is not a DuckDB file, is corrupted, is a DuckDB database that is not a trustlab
        store, or (:class:`StoreLocked`) is open for writing in another process.

    Examples
    --------
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "r.duckdb")
    >>> with Store(path) as store:
    ...     store.specs()
    []
    """

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        check_store_path(self.path, must_exist=read_only)
        if self.path.exists() and not read_only:
            # Look before writing: a read-only connection never changes the file, so a corrupted
            # or foreign database is refused before anything could write to it.
            _connect(self.path, True).close()
        elif not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._con = _connect(self.path, read_only)
        try:
            tables = {r[0] for r in self._con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
            ).fetchall()}  # fmt: skip
            if not tables:
                if read_only:
                    raise StoreError(f"{self.path}: an empty DuckDB database, not a trustlab store")
                self._create()
            elif "trustlab_meta" not in tables:
                shown = ", ".join(sorted(tables)[:5])
                raise StoreError(
                    f"{self.path}: a DuckDB database but not a trustlab store (tables: {shown}); "
                    "give another --store"
                )
            else:
                row = self._con.execute(
                    "SELECT value FROM trustlab_meta WHERE key = 'schema_version'"
                ).fetchone()
                if row is None or row[0] != SCHEMA_VERSION:
                    found = None if row is None else row[0]
                    raise StoreError(
                        f"{self.path}: trustlab store schema {found}, this trustlab reads "
                        f"{SCHEMA_VERSION}"
                    )
        except BaseException:
            self._con.close()
            raise

    def _create(self) -> None:
        con = self._con
        with _uninterrupted():
            con.execute("BEGIN TRANSACTION")
            for stmt in _SCHEMA:
                con.execute(stmt)
            con.execute("INSERT INTO trustlab_meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])
            con.execute("COMMIT")

    # -- context -------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the file (everything written is already committed)."""
        self._con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -------------------------------------------------------------------------------

    @_uninterruptible
    def register_spec(
        self,
        spec_hash: str,
        *,
        name: str,
        kind: str,
        seed: int,
        replicates: int,
        spec: dict[str, Any],
        source: str,
        links: Sequence[tuple[int, int, str]],
    ) -> None:
        """Record a spec and which unit key each (point, replicate) of it has (idempotent)."""
        con = self._con
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(
                "INSERT INTO specs (spec_hash, name, kind, seed, replicates, n_units, spec, source)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (spec_hash) DO UPDATE SET"
                " name = excluded.name, source = excluded.source",
                [spec_hash, name, kind, seed, replicates, len(links), json.dumps(spec), source],
            )
            if links:
                points, reps, keys = zip(*links, strict=True)
                con.execute(
                    "INSERT OR IGNORE INTO spec_units SELECT ?, unnest(?), unnest(?), unnest(?)",
                    [spec_hash, list(points), list(reps), list(keys)],
                )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def stored_keys(self, keys: Iterable[str]) -> set[str]:
        """Which of ``keys`` are already stored."""
        wanted = list(keys)
        if not wanted:
            return set()
        rows = self._con.execute(
            "SELECT unit_key FROM units WHERE unit_key IN (SELECT unnest(?))", [wanted]
        ).fetchall()
        return {r[0] for r in rows}

    @_uninterruptible
    def write_units(self, rows: Sequence[UnitRow]) -> int:
        """Store finished units in one transaction (a unit is all there or not at all).

        A unit whose key is already stored is skipped; returns how many were written.
        """
        if not rows:
            return 0
        con = self._con
        con.execute("BEGIN TRANSACTION")
        try:
            have = {r[0] for r in con.execute(
                "SELECT unit_key FROM units WHERE unit_key IN (SELECT unnest(?))",
                [[r.key for r in rows]],
            ).fetchall()}  # fmt: skip
            new = [r for r in rows if r.key not in have]
            new = list({r.key: r for r in new}.values())
            if new:
                # one statement for the whole batch: row-by-row inserts cost milliseconds each
                columns = [
                    [r.key for r in new], [r.kind for r in new], [r.spec_hash for r in new],
                    [r.point for r in new], [r.replicate for r in new],
                    [json.dumps(r.params) for r in new], [r.seed for r in new],
                    [r.version for r in new], [r.started for r in new],
                    [r.finished for r in new], [r.finished - r.started for r in new],
                    [r.worker for r in new], [json.dumps(r.result) for r in new],
                ]  # fmt: skip
                con.execute(
                    "INSERT INTO units SELECT unnest($1), unnest($2), unnest($3), unnest($4), "
                    "unnest($5), unnest($6), unnest($7), unnest($8), to_timestamp(unnest($9)), "
                    "to_timestamp(unnest($10)), unnest($11), unnest($12), unnest($13)",
                    columns,
                )
            keys = [r.key for r in new for _ in r.metrics]
            if keys:
                con.execute(
                    "INSERT INTO metrics SELECT unnest(?), unnest(?), unnest(?)",
                    [keys, [k for r in new for k in r.metrics],
                     [v for r in new for v in r.metrics.values()]],
                )  # fmt: skip
            ser = [(r.key, *s) for r in new for s in r.series]
            if ser:
                k, name, var, t, v = zip(*ser, strict=True)
                con.execute(
                    "INSERT INTO series SELECT unnest(?), unnest(?), unnest(?), unnest(?), "
                    "unnest(?)",
                    [list(k), list(name), list(var), list(t), list(v)],
                )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return len(new)

    # -- reading -------------------------------------------------------------------------------

    def specs(self) -> list[dict[str, Any]]:
        """Every spec in the store with how many of its units are stored, newest first."""
        return self._dicts(
            """SELECT s.spec_hash, s.name, s.kind, s.seed, s.replicates, s.n_units,
                      count(u.unit_key) AS stored, s.created, s.source
               FROM specs s LEFT JOIN spec_units su USING (spec_hash)
               LEFT JOIN units u ON u.unit_key = su.unit_key
               GROUP BY ALL ORDER BY s.created DESC, s.name"""
        )

    def find_spec(self, ref: str) -> dict[str, Any]:
        """The spec whose hash starts with ``ref`` or whose name is ``ref`` (newest)."""
        specs = self.specs()
        rows = [s for s in specs if s["spec_hash"].startswith(ref) or s["name"] == ref]
        if not rows:  # a unique prefix of a name will do
            rows = [s for s in specs if s["name"].startswith(ref)]
            if len({s["name"] for s in rows}) > 1:
                names = ", ".join(sorted({s["name"] for s in rows}))
                raise StoreError(f"{self.path}: {ref!r} matches several specs: {names}")
        if not rows:
            known = ", ".join(f"{s['name']} ({s['spec_hash'][:8]})" for s in self.specs()[:8])
            raise StoreError(
                f"{self.path}: no spec {ref!r} in the store"
                + (f" (stored: {known})" if known else " (the store is empty)")
            )
        exact = [s for s in rows if s["spec_hash"] == ref]
        return (exact or rows)[0]

    def spec(self, spec_hash: str) -> dict[str, Any]:
        """The stored spec (as written) of ``spec_hash``."""
        row = self._con.execute(
            "SELECT spec FROM specs WHERE spec_hash = ?", [spec_hash]
        ).fetchone()
        if row is None:
            raise StoreError(f"{self.path}: no spec {spec_hash!r}")
        out: dict[str, Any] = json.loads(row[0])
        return out

    def units(self, spec_hash: str, *, payload: bool = True) -> list[dict[str, Any]]:
        """The stored units of a spec: point, replicate, params, seed, metrics and the payload
        (``result``; None with ``payload=False``, which reads much less)."""
        result = "u.result" if payload else "NULL AS result"
        rows = self._dicts(
            f"""SELECT su.point, su.replicate, u.unit_key, u.params, u.seed, u.version,
                      u.duration_s, u.worker, {result},
                      (SELECT map(list(m.name), list(m.value)) FROM metrics m
                       WHERE m.unit_key = u.unit_key) AS metrics
               FROM spec_units su JOIN units u USING (unit_key)
               WHERE su.spec_hash = ? ORDER BY su.point, su.replicate""",
            [spec_hash],
        )
        for r in rows:
            r["params"] = json.loads(r["params"])
            r["result"] = json.loads(r["result"]) if payload else None
            r["metrics"] = dict(r["metrics"] or {})
        return rows

    def series(self, unit_key: str) -> dict[str, dict[str, tuple[list[float], list[float]]]]:
        """The time series of one unit: ``{series: {variable: (t, values)}}``."""
        out: dict[str, dict[str, tuple[list[float], list[float]]]] = {}
        for s, var, t, v in self._con.execute(
            "SELECT series, variable, t, value FROM series WHERE unit_key = ? ORDER BY series, "
            "variable",
            [unit_key],
        ).fetchall():
            out.setdefault(s, {})[var] = (list(t), list(v))
        return out

    def sql(self, query: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run SQL on the store; rows as dictionaries."""
        return self._dicts(query, list(params))

    def export(self, target: str | Path, fmt: str, *, spec_hash: str | None, table: str) -> int:
        """Write a table (``units``, ``metrics``, ``series``) as CSV or Parquet; returns rows.

        ``units`` is one row per unit of the spec (or of every spec) with its metrics as JSON.
        """
        if fmt not in ("csv", "parquet"):
            raise StoreError(f"export format must be csv or parquet, got {fmt!r}")
        where = "WHERE r.spec_hash = $spec" if spec_hash else ""
        queries = {
            "units": f"""SELECT r.*, (SELECT json_group_object(m.name, m.value) FROM metrics m
                         WHERE m.unit_key = r.unit_key) AS metrics FROM results r {where}
                         ORDER BY r.spec, r.point, r.replicate""",
            "metrics": f"""SELECT r.spec, r.spec_hash, r.point, r.replicate, r.seed, r.params,
                           m.name, m.value FROM results r JOIN metrics m USING (unit_key)
                           {where} ORDER BY r.spec, r.point, r.replicate, m.name""",
            "series": f"""SELECT r.spec, r.spec_hash, r.point, r.replicate, r.seed, s.series,
                          s.variable, unnest(s.t) AS t, unnest(s.value) AS value
                          FROM results r JOIN series s USING (unit_key) {where}""",
        }
        if table not in queries:
            raise StoreError(f"export table must be one of {', '.join(queries)}, got {table!r}")
        target = Path(target)
        params = {"spec": spec_hash} if spec_hash else {}
        n = self._con.execute(f"SELECT count(*) FROM ({queries[table]})", params).fetchone()
        options = "FORMAT csv, HEADER true" if fmt == "csv" else "FORMAT parquet"
        path_sql = str(target).replace("'", "''")
        self._con.execute(f"COPY ({queries[table]}) TO '{path_sql}' ({options})", params)
        return int(n[0]) if n else 0

    def _dicts(self, query: str, params: Any = None) -> list[dict[str, Any]]:
        cur = self._con.execute(query, params) if params is not None else self._con.execute(query)
        cols = [d[0] for d in cur.description or []]
        return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def check_store_path(path: Path, *, must_exist: bool = False) -> None:
    """Refuse, before any work, a store path that is not (or cannot become) a DuckDB file.

    Raises
    ------
    StoreError
        A folder, a file that is not a DuckDB database (never touched), a missing file when
        ``must_exist``, a folder that cannot be written, or a name the system refuses (too long).
    """
    shown = shorten(path)
    try:
        is_dir = path.is_dir()
        exists = path.exists()
    except OSError as exc:  # e.g. a name longer than the file system allows
        raise StoreError(f"{shown}: not a usable store path ({exc.strerror})") from None
    if is_dir:
        raise StoreError(f"{shown}: is a folder; give a file such as {DEFAULT_STORE}")
    if exists:
        try:
            with path.open("rb") as f:
                head = f.read(16)
        except OSError as exc:
            raise StoreError(f"{shown}: cannot read the store ({exc.strerror})") from None
        if len(head) < 12 or head[8:12] != _MAGIC:
            raise StoreError(
                f"{shown}: not a DuckDB database (left untouched); give another --store"
            )
        return
    if must_exist:
        raise StoreError(f"{shown}: no such store")
    parent = path.parent if str(path.parent) else Path(".")
    probe = parent
    try:
        while not probe.exists() and probe != probe.parent:
            probe = probe.parent
        writable = probe.is_dir() and os.access(probe, os.W_OK)
    except OSError as exc:
        raise StoreError(f"{shown}: not a usable store path ({exc.strerror})") from None
    if not writable:
        where = shorten(probe)
        raise StoreError(f"{shown}: cannot create the store here ({where} is not writable)")


def _connect(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        text = " ".join(str(exc).split())
        if "lock" in text.lower():
            pid = text.split("(PID ")[-1].split(")")[0] if "(PID " in text else "?"
            raise StoreLocked(
                f"{path}: locked by another process (PID {pid}), e.g. a running sweep; "
                "wait for it or give another --store"
            ) from None
        raise StoreError(f"{path}: cannot open the store: {_short(text)}") from None
    except duckdb.Error as exc:
        raise StoreError(f"{path}: cannot open the store: {_short(str(exc))}") from None


def _short(text: str) -> str:
    line = " ".join(text.split())
    return line.split(" See also ")[0][:200]
