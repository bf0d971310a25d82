"""The store: the only package that speaks SQL.

Where new SQL goes: a new table or index is a new named migration at the end of schema.MIGRATIONS
(never edit a shipped one); queries go in the module of their concern (articles, stories, keys,
skipped), or a new module with its mixin added to Store below. Nothing outside this package
writes SQL.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..errors import StoreError
from .articles import Articles
from .connection import sqlite_path
from .follow import Following
from .history import StoryHistory
from .keys import Keys
from .schema import MIGRATIONS, Schema
from .skipped import SkippedInputs
from .stories import Stories, StoryRow
from .watch import SourceState, WatchState

__all__ = ["MIGRATIONS", "SourceState", "Store", "StoryRow", "sqlite_path"]


class Store(Schema, Articles, Stories, Keys, SkippedInputs, WatchState, StoryHistory, Following):
    @classmethod
    def open(cls, url: str = ":memory:") -> Store:
        path = sqlite_path(url)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            db = sqlite3.connect(path, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open database {url}: {exc}") from exc
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA foreign_keys = ON")
        if path != ":memory:":
            db.execute("PRAGMA journal_mode = WAL")
        store = cls(db, url)
        store.migrate()
        return store

    def close(self) -> None:
        self.db.close()
