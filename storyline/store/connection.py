"""Opening a database from a URL (SQLite file or PostgreSQL); the few differences between the two live here.

Why no SQLAlchemy: the store's SQL is a few dozen plain statements that both databases accept as
written (ON CONFLICT, partial indexes, RETURNING); what differs is parameter marks, two type names,
how a write transaction takes the one writer lock, and full-text search, which SQLAlchemy Core
would not abstract either (FTS5 vs tsvector). The migrations were already named and recorded in the
store, so existing SQLite stores upgrade in place with no second version table.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import StoreError, UnsupportedDatabase

# A busy database waits this long for the writer before a run gives up (SQLite busy timeout).
BUSY_TIMEOUT_SECONDS = 60.0
# PostgreSQL advisory lock that serialises writers, as SQLite's single writer does.
_WRITE_LOCK = 0x5354_4C4E  # "STLN"


def sqlite_path(url: str) -> str:
    """':memory:', a plain path, or sqlite:///path (a postgresql:// URL is not a SQLite path)."""
    if url in (":memory:", "sqlite://", "sqlite:///:memory:"):
        return ":memory:"
    if url.startswith("sqlite:///"):
        return url[len("sqlite:///"):]
    if "://" in url:
        scheme = url.split("://", 1)[0]
        raise UnsupportedDatabase(f"database URL scheme {scheme!r} is not supported; use a file path, sqlite:///"
                                  f" or postgresql://")
    return url


def database_error(exc: BaseException) -> bool:
    """An error of the database driver (sqlite3 or psycopg), after which a connection may be unusable."""
    return isinstance(exc, sqlite3.Error) or type(exc).__module__.split(".")[0] == "psycopg"


def is_postgres(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://"))


class Row(tuple):
    """A result row readable by position or by column name, like sqlite3.Row."""

    names: dict[str, int]

    def __new__(cls, values: Sequence[Any], names: dict[str, int]) -> Row:
        row = super().__new__(cls, values)
        row.names = names
        return row

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            return super().__getitem__(self.names[key])
        return super().__getitem__(key)

    def keys(self) -> list[str]:
        return list(self.names)


def _pg_rows(cursor: Any) -> Any:
    names = {d.name: i for i, d in enumerate(cursor.description or ())}
    return lambda values: Row(values, names)


_TYPES = {"BLOB": "BYTEA", "INTEGER": "BIGINT"}


class Database:
    """One connection; SQL is written once with ? marks and SQLite type names, translated for PostgreSQL."""

    def __init__(self, raw: Any, dialect: str) -> None:
        self.raw = raw
        self.dialect = dialect
        self._depth = 0
        # counts undone transactions: what was read inside one may be gone, so caches of reads start over
        self.rollbacks = 0
        # once migrated: each write transaction counts the store's generation up (Schema.generation)
        self.counts_generations = False

    @property
    def postgres(self) -> bool:
        return self.dialect == "postgresql"

    @classmethod
    def connect(cls, url: str) -> Database:
        if is_postgres(url):
            return cls._connect_postgres(url)
        path = sqlite_path(url)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            # autocommit: every write goes through transaction(), which takes the write lock up front
            raw = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=BUSY_TIMEOUT_SECONDS)
            raw.row_factory = sqlite3.Row
            raw.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
            raw.execute("PRAGMA foreign_keys = ON")
            if path != ":memory:":
                _retry_locked(lambda: raw.execute("PRAGMA journal_mode = WAL"))
                raw.execute("PRAGMA synchronous = NORMAL")  # WAL keeps committed data through a crash
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open database {Path(path).name}: {exc}") from exc
        return cls(raw, "sqlite")

    @classmethod
    def _connect_postgres(cls, url: str) -> Database:
        try:
            import psycopg
        except ImportError as exc:  # pragma: no cover - a dependency, installed with storyline
            raise UnsupportedDatabase("PostgreSQL needs psycopg: pip install 'psycopg[binary]'") from exc
        try:
            raw = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True,
                                  row_factory=_pg_rows)
        except psycopg.Error as exc:
            raise StoreError(f"cannot open PostgreSQL database: {str(exc).splitlines()[0]}") from exc
        return cls(raw, "postgresql")

    def _sql(self, sql: str) -> str:
        return sql.replace("%", "%%").replace("?", "%s") if self.postgres else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        if self.postgres:
            return self.raw.execute(self._sql(sql), params) if params else self.raw.execute(sql)
        return self.raw.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        if self.postgres:
            rows = list(rows)
            if rows:
                with self.raw.cursor() as cursor:
                    cursor.executemany(self._sql(sql), rows)
        else:
            self.raw.executemany(sql, rows)

    def script(self, sql: str) -> None:
        """Several DDL statements; SQLite type names become PostgreSQL's where they differ."""
        for statement in sql.split(";"):
            if statement.strip():
                self.execute(self.ddl(statement))

    def ddl(self, sql: str) -> str:
        if not self.postgres:
            return sql
        return re.sub(r"\b(BLOB|INTEGER)\b", lambda m: _TYPES[m.group(1)], sql)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A write transaction holding the one writer lock from its start; nested calls join the outer one.

        Everything read inside it is what the write is based on, so ids and sequence numbers taken
        here are never taken twice, and a kill at any point leaves the transaction undone, not half done.
        """
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._depth = 1
        try:
            if self.postgres:
                with self.raw.transaction():
                    self.raw.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITE_LOCK,))
                    self._count_generation()
                    yield
            else:
                _retry_locked(lambda: self.raw.execute("BEGIN IMMEDIATE"))
                try:
                    self._count_generation()
                    yield
                except BaseException:
                    self.raw.execute("ROLLBACK")
                    raise
                self.raw.execute("COMMIT")
        except BaseException:
            self.rollbacks += 1
            raise
        finally:
            self._depth = 0

    def _count_generation(self) -> None:
        if self.counts_generations:  # inside the write lock: two transactions never take the same number
            self.raw.execute(self._sql("UPDATE counters SET value = value + 1 WHERE name = 'generation'"))

    def close(self) -> None:
        self.raw.close()


def _retry_locked(action: Any, seconds: float = BUSY_TIMEOUT_SECONDS) -> Any:
    """SQLite answers 'locked' at once in a few places the busy timeout does not cover (WAL switch, BEGIN)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return action()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


class Base:
    """One open database and the URL it came from; each query module is a mixin over this."""

    def __init__(self, db: Database, url: str) -> None:
        self.db = db
        self.url = url

    def transaction(self) -> Any:
        """Group several store calls into one atomic write (placing an article, consolidating a story)."""
        return self.db.transaction()
