"""SQL for the watch loop (per-source poll state, items seen) and story history (versions, changes).

Kept beside store.py while that module becomes the store/ package; it moves there as its own module
once the package has landed. It shares the Store's connection and its `migrations` table, so its
schema changes are named migrations recorded like the store's own.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .model import StoryChange
from .store import Store


def _m_w001_watch(db: sqlite3.Connection) -> None:
    db.execute("""CREATE TABLE watch_sources (
        source TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, final_url TEXT, last_poll TEXT,
        last_status TEXT, last_error TEXT, failures INTEGER NOT NULL DEFAULT 0, retry_at TEXT,
        polls INTEGER NOT NULL DEFAULT 0, items INTEGER NOT NULL DEFAULT 0, added INTEGER NOT NULL DEFAULT 0,
        errors INTEGER NOT NULL DEFAULT 0, last_seconds REAL)""")
    db.execute("""CREATE TABLE watch_items (
        source TEXT NOT NULL, key TEXT NOT NULL, article_id TEXT, seen_at TEXT NOT NULL,
        PRIMARY KEY (source, key))""")


def _m_w002_story_history(db: sqlite3.Connection) -> None:
    # one compact snapshot per story version: article ids and each claim's status, origins and sources
    db.execute("""CREATE TABLE story_versions (
        story_id TEXT NOT NULL, version INTEGER NOT NULL, at TEXT NOT NULL, snapshot TEXT NOT NULL,
        PRIMARY KEY (story_id, version))""")
    db.execute("""CREATE TABLE story_changes (
        story_id TEXT NOT NULL, version INTEGER NOT NULL, n INTEGER NOT NULL, at TEXT NOT NULL,
        kind TEXT NOT NULL, change TEXT NOT NULL, PRIMARY KEY (story_id, version, n))""")
    db.execute("CREATE INDEX story_changes_at ON story_changes(at)")


# Named migrations of these tables, recorded in the store's `migrations` table; add, never edit.
MIGRATIONS: tuple[tuple[str, Callable[[sqlite3.Connection], None]], ...] = (
    ("w001_watch", _m_w001_watch),
    ("w002_story_history", _m_w002_story_history),
)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def migrate(store: Store) -> list[str]:
    """Apply this module's migrations to the store's database (idempotent)."""
    db = store.db
    done = {row[0] for row in db.execute("SELECT name FROM migrations")}
    applied = []
    for name, function in MIGRATIONS:
        if name in done:
            continue
        with db:
            function(db)
            db.execute("INSERT INTO migrations VALUES (?, ?)", (name, now()))
        applied.append(name)
    return applied


@dataclass(frozen=True)
class SourceState:
    """What the watch loop remembers about one source between polls (and between runs)."""

    source: str
    etag: str | None = None
    last_modified: str | None = None
    final_url: str | None = None
    last_poll: str | None = None
    last_status: str | None = None
    last_error: str | None = None
    failures: int = 0
    retry_at: str | None = None  # no request before this time (backoff, Retry-After)
    polls: int = 0
    items: int = 0  # items seen in total
    added: int = 0  # articles added in total
    errors: int = 0
    last_seconds: float | None = None


class WatchStore:
    """Poll state per source and the item keys already seen."""

    def __init__(self, store: Store) -> None:
        self.db = store.db
        migrate(store)

    def state(self, source: str) -> SourceState:
        row = self.db.execute("SELECT * FROM watch_sources WHERE source = ?", (source,)).fetchone()
        return SourceState(**dict(row)) if row else SourceState(source=source)

    def states(self) -> list[SourceState]:
        return [SourceState(**dict(r)) for r in self.db.execute("SELECT * FROM watch_sources ORDER BY source")]

    def save_state(self, state: SourceState) -> None:
        fields = state.__dict__
        names = list(fields)
        with self.db:
            self.db.execute(
                f"INSERT INTO watch_sources ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
                f" ON CONFLICT(source) DO UPDATE SET {', '.join(f'{n}=excluded.{n}' for n in names[1:])}",
                [fields[n] for n in names])

    def seen(self, source: str, keys: Iterable[str]) -> set[str]:
        keys = list(keys)
        out: set[str] = set()
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            marks = ",".join("?" * len(chunk))
            out.update(r[0] for r in self.db.execute(
                f"SELECT key FROM watch_items WHERE source = ? AND key IN ({marks})", [source, *chunk]))
        return out

    def mark_seen(self, source: str, items: Iterable[tuple[str, str | None]]) -> None:
        at = now()
        with self.db:
            self.db.executemany("INSERT OR IGNORE INTO watch_items VALUES (?, ?, ?, ?)",
                                ((source, key, article_id, at) for key, article_id in items))


class HistoryStore:
    """Story versions (a compact snapshot each) and the changes between consecutive versions."""

    def __init__(self, store: Store) -> None:
        self.db = store.db
        migrate(store)

    def last_snapshot(self, story_id: str) -> tuple[int, dict[str, Any] | None]:
        row = self.db.execute("SELECT version, snapshot FROM story_versions WHERE story_id = ?"
                              " ORDER BY version DESC LIMIT 1", (story_id,)).fetchone()
        return (row[0], json.loads(row[1])) if row else (0, None)

    def add_version(self, story_id: str, snapshot: dict[str, Any], changes: Sequence[StoryChange]) -> int:
        version = self.last_snapshot(story_id)[0] + 1
        with self.db:
            self.db.execute("INSERT INTO story_versions VALUES (?, ?, ?, ?)",
                            (story_id, version, changes[0].at if changes else now(), json.dumps(snapshot)))
            self.db.executemany("INSERT INTO story_changes VALUES (?, ?, ?, ?, ?, ?)",
                                ((story_id, version, n, c.at, c.kind, json.dumps(_change_dict(c)))
                                 for n, c in enumerate(changes)))
        return version

    def changes(self, story_id: str) -> list[StoryChange]:
        return [_change(json.loads(r[0])) for r in self.db.execute(
            "SELECT change FROM story_changes WHERE story_id = ? ORDER BY version, n", (story_id,))]

    def changed_since(self, since: str) -> list[tuple[str, str]]:
        """(story id, time of its latest change) for stories changed at or after an ISO time, latest first."""
        return [(r[0], r[1]) for r in self.db.execute(
            "SELECT story_id, MAX(at) FROM story_changes WHERE at >= ? GROUP BY story_id ORDER BY MAX(at) DESC",
            (since,))]

    def recent_changes(self, limit: int = 100, story_ids: Sequence[str] | None = None) -> list[tuple[str, StoryChange]]:
        """The latest changes across stories (or those of the stories given), newest first."""
        if story_ids is not None and not story_ids:
            return []
        where, params = "", []
        if story_ids is not None:
            where = f"WHERE story_id IN ({','.join('?' * len(story_ids))})"
            params = list(story_ids)
        rows = self.db.execute(f"SELECT story_id, change FROM story_changes {where}"
                               f" ORDER BY at DESC, version DESC, n LIMIT ?", [*params, limit])
        return [(r[0], _change(json.loads(r[1]))) for r in rows]


def _change_dict(change: StoryChange) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in change.__dict__.items()}


def _change(data: dict[str, Any]) -> StoryChange:
    fields: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
    return StoryChange(**fields)
