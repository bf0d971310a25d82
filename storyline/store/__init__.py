"""The store: the only package that speaks SQL.

Where new SQL goes: a new table or index is a new named migration at the end of schema.MIGRATIONS
(never edit a shipped one); queries go in the module of their concern (articles, stories, keys,
skipped, jobs), or a new module with its mixin added to Store below. Write the SQL once, with ?
marks and SQLite type names: connection.Database translates it for PostgreSQL. Every write goes in
`with self.db.transaction():` (the one writer lock, taken at the start). Nothing outside this
package writes SQL.
"""

from __future__ import annotations

from .articles import Articles
from .builds import Builds
from .connection import Database, database_error, is_postgres, sqlite_path
from .follow import Following
from .health import Health
from .history import StoryHistory
from .jobs import Jobs
from .keys import Keys
from .schema import MIGRATIONS, Schema
from .skipped import SkippedInputs
from .stories import Stories, StoryRow
from .watch import SourceState, WatchState

__all__ = ["MIGRATIONS", "SourceState", "Store", "StoryRow", "database_error", "is_postgres", "sqlite_path"]


class Store(Schema, Articles, Stories, Keys, SkippedInputs, Jobs, Health, WatchState, StoryHistory, Following,
            Builds):
    """A SQLite file (or :memory:) or a PostgreSQL database, with the same schema and behaviour."""

    @classmethod
    def open(cls, url: str = ":memory:") -> Store:
        store = cls(Database.connect(url), url)
        try:
            store.migrate()
        except BaseException:
            store.close()
            raise
        return store

    @property
    def dialect(self) -> str:
        return self.db.dialect

    def close(self) -> None:
        self.db.close()
