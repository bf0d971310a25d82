"""The schema as named migrations, applied in order and recorded in the store itself."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

from .articles import names
from .codec import now
from .connection import Base


def _m001_initial(db: sqlite3.Connection) -> None:
    db.executescript("""
    CREATE TABLE articles (
        id TEXT PRIMARY KEY,
        content_hash TEXT NOT NULL UNIQUE,
        path TEXT NOT NULL,
        url TEXT,
        outlet TEXT,
        title TEXT,
        author TEXT,
        published TEXT,
        text TEXT NOT NULL,
        removed TEXT NOT NULL,
        origin TEXT NOT NULL,
        analysis TEXT NOT NULL,
        vector BLOB,
        claim_vectors BLOB,
        story_id TEXT,
        seq INTEGER NOT NULL,
        added_at TEXT NOT NULL
    );
    CREATE INDEX articles_story ON articles(story_id);
    CREATE TABLE shingles (hash INTEGER NOT NULL, article_id TEXT NOT NULL);
    CREATE INDEX shingles_hash ON shingles(hash);
    CREATE TABLE stories (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        size INTEGER NOT NULL,
        first_date TEXT,
        last_date TEXT,
        centroid BLOB NOT NULL,
        entity_keys TEXT NOT NULL,
        seq INTEGER NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX stories_dates ON stories(last_date);
    CREATE TABLE skipped (path TEXT NOT NULL, line INTEGER, code TEXT NOT NULL, reason TEXT NOT NULL, at TEXT NOT NULL);
    """)


def _m002_key_frequencies(db: sqlite3.Connection) -> None:
    # how many stored articles carry each story key (name, date, number): rare keys tell events apart
    db.execute("CREATE TABLE key_df (key TEXT PRIMARY KEY, n INTEGER NOT NULL)")


def _m003_article_names(db: sqlite3.Connection) -> None:
    # people, organisations and places each article names, folded, for "stories about X" searches
    db.execute("CREATE TABLE article_names (article_id TEXT NOT NULL, name TEXT NOT NULL, folded TEXT NOT NULL,"
               " label TEXT NOT NULL)")
    db.execute("CREATE INDEX article_names_folded ON article_names(folded)")
    for article_id, analysis in db.execute("SELECT id, analysis FROM articles").fetchall():
        db.executemany("INSERT INTO article_names VALUES (?,?,?,?)", names(article_id, json.loads(analysis)["mentions"]))


def _m004_sequence_indexes(db: sqlite3.Connection) -> None:
    # MAX(seq) on every insert and the article count on every placement must not scan the tables
    db.execute("CREATE UNIQUE INDEX articles_seq ON articles(seq)")
    db.execute("CREATE UNIQUE INDEX stories_seq ON stories(seq)")


def _m005_counters(db: sqlite3.Connection) -> None:
    # story ids are never reused, even when consolidation empties a story
    db.execute("CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)")
    db.execute("INSERT INTO counters SELECT 'story', COALESCE(MAX(seq), 0) FROM stories")


def _m006_watch_sources(db: sqlite3.Connection) -> None:
    db.execute("""CREATE TABLE watch_sources (
        source TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, final_url TEXT, last_poll TEXT,
        last_status TEXT, last_error TEXT, failures INTEGER NOT NULL DEFAULT 0, retry_at TEXT,
        polls INTEGER NOT NULL DEFAULT 0, items INTEGER NOT NULL DEFAULT 0, added INTEGER NOT NULL DEFAULT 0,
        errors INTEGER NOT NULL DEFAULT 0, last_seconds REAL)""")
    db.execute("""CREATE TABLE watch_items (
        source TEXT NOT NULL, key TEXT NOT NULL, article_id TEXT, seen_at TEXT NOT NULL,
        PRIMARY KEY (source, key))""")


def _m007_story_history(db: sqlite3.Connection) -> None:
    # one compact snapshot per story version: article ids and each claim's status, origins and sources
    db.execute("""CREATE TABLE story_versions (
        story_id TEXT NOT NULL, version INTEGER NOT NULL, at TEXT NOT NULL, snapshot TEXT NOT NULL,
        PRIMARY KEY (story_id, version))""")
    db.execute("""CREATE TABLE story_changes (
        story_id TEXT NOT NULL, version INTEGER NOT NULL, n INTEGER NOT NULL, at TEXT NOT NULL,
        kind TEXT NOT NULL, change TEXT NOT NULL, PRIMARY KEY (story_id, version, n))""")
    db.execute("CREATE INDEX story_changes_at ON story_changes(at)")


# Named migrations, applied in order and recorded; never edit one that has shipped, add another.
MIGRATIONS: tuple[tuple[str, Callable[[sqlite3.Connection], None]], ...] = (
    ("001_initial", _m001_initial),
    ("002_key_frequencies", _m002_key_frequencies),
    ("003_article_names", _m003_article_names),
    ("004_sequence_indexes", _m004_sequence_indexes),
    ("005_counters", _m005_counters),
    ("006_watch_sources", _m006_watch_sources),
    ("007_story_history", _m007_story_history),
)


class Schema(Base):
    def migrate(self) -> list[str]:
        self.db.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        done = {row[0] for row in self.db.execute("SELECT name FROM migrations")}
        applied = []
        for name, function in MIGRATIONS:
            if name in done:
                continue
            with self.db:
                function(self.db)
                self.db.execute("INSERT INTO migrations VALUES (?, ?)", (name, now()))
            applied.append(name)
        return applied

    def migrations(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT name FROM migrations ORDER BY name")]
