"""The schema as named migrations, applied in order and recorded in the store itself."""

from __future__ import annotations

import json
from collections.abc import Callable

from .articles import names
from .codec import now
from .connection import Base, Database


def _m001_initial(db: Database) -> None:
    db.script("""
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
    if db.postgres:  # SQLite orders skipped inputs by its implicit rowid; PostgreSQL needs the column
        db.execute("ALTER TABLE skipped ADD COLUMN rowid BIGSERIAL")


def _m002_key_frequencies(db: Database) -> None:
    # how many stored articles carry each story key (name, date, number): rare keys tell events apart
    db.execute(db.ddl("CREATE TABLE key_df (key TEXT PRIMARY KEY, n INTEGER NOT NULL)"))


def _m003_article_names(db: Database) -> None:
    # people, organisations and places each article names, folded, for "stories about X" searches
    db.execute("CREATE TABLE article_names (article_id TEXT NOT NULL, name TEXT NOT NULL, folded TEXT NOT NULL,"
               " label TEXT NOT NULL)")
    db.execute("CREATE INDEX article_names_folded ON article_names(folded)")
    for article_id, analysis in db.execute("SELECT id, analysis FROM articles").fetchall():
        db.executemany("INSERT INTO article_names VALUES (?,?,?,?)", names(article_id, json.loads(analysis)["mentions"]))


def _m006_placement(db: Database) -> None:
    # an article is stored, then placed: the unplaced ones (a run stopped in between) are found off an index;
    # stories placed into wait here for consolidation, so a stopped run's are consolidated by the next one
    db.execute("CREATE INDEX articles_unplaced ON articles(seq) WHERE story_id IS NULL")
    db.execute(db.ddl("CREATE TABLE pending_stories (story_id TEXT PRIMARY KEY, seq INTEGER NOT NULL)"))


def _m007_lookup_indexes(db: Database) -> None:
    # shingles and names are read per article on every dedup and search
    db.execute("CREATE INDEX shingles_article ON shingles(article_id)")
    db.execute("CREATE INDEX article_names_article ON article_names(article_id)")


def _m008_search(db: Database) -> None:
    if db.postgres:
        db.execute("CREATE INDEX articles_search ON articles"
                   " USING GIN (to_tsvector('simple', COALESCE(title, '') || ' ' || text))")
        return
    db.execute("CREATE VIRTUAL TABLE article_search USING fts5(article_id UNINDEXED, title, text)")
    db.execute("INSERT INTO article_search (article_id, title, text) SELECT id, COALESCE(title, ''), text FROM articles")


def _m009_jobs(db: Database) -> None:
    # the web app's ingest jobs, so a restart keeps their history
    db.script("""
    CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        status TEXT NOT NULL,
        step TEXT,
        done INTEGER NOT NULL DEFAULT 0,
        total INTEGER NOT NULL DEFAULT 0,
        result TEXT,
        error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX jobs_created ON jobs(created_at)
    """)


def _m004_sequence_indexes(db: Database) -> None:
    # MAX(seq) on every insert and the article count on every placement must not scan the tables
    db.execute("CREATE UNIQUE INDEX articles_seq ON articles(seq)")
    db.execute("CREATE UNIQUE INDEX stories_seq ON stories(seq)")


def _m005_counters(db: Database) -> None:
    # story ids are never reused, even when consolidation empties a story
    db.execute(db.ddl("CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)"))
    db.execute("INSERT INTO counters SELECT 'story', COALESCE(MAX(seq), 0) FROM stories")


def _m010_watch_sources(db: Database) -> None:
    # what the watch loop remembers per source (validators, backoff, counts) and the item keys it has seen
    db.script("""CREATE TABLE watch_sources (
        source TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, final_url TEXT, last_poll TEXT,
        last_status TEXT, last_error TEXT, failures INTEGER NOT NULL DEFAULT 0, retry_at TEXT,
        polls INTEGER NOT NULL DEFAULT 0, items INTEGER NOT NULL DEFAULT 0, added INTEGER NOT NULL DEFAULT 0,
        errors INTEGER NOT NULL DEFAULT 0, last_seconds REAL);
    CREATE TABLE watch_items (
        source TEXT NOT NULL, key TEXT NOT NULL, article_id TEXT, seen_at TEXT NOT NULL,
        PRIMARY KEY (source, key))""")


def _m011_story_history(db: Database) -> None:
    # one compact snapshot per story version: article ids and each claim's status, origins and sources
    db.script("""CREATE TABLE story_versions (
        story_id TEXT NOT NULL, version INTEGER NOT NULL, at TEXT NOT NULL, snapshot TEXT NOT NULL,
        PRIMARY KEY (story_id, version));
    CREATE TABLE story_changes (
        story_id TEXT NOT NULL, version INTEGER NOT NULL, n INTEGER NOT NULL, at TEXT NOT NULL,
        kind TEXT NOT NULL, change TEXT NOT NULL, PRIMARY KEY (story_id, version, n));
    CREATE INDEX story_changes_at ON story_changes(at)""")


def _m012_story_builds(db: Database) -> None:
    # each story's build, with the stamp of what it was built from: pages read it instead of rebuilding
    db.execute("CREATE TABLE story_builds (story_id TEXT PRIMARY KEY, stamp TEXT NOT NULL, build TEXT NOT NULL,"
               " built_at TEXT NOT NULL)")


def _m013_story_stamps(db: Database) -> None:
    # a new stamp on every save of a story: placement keeps the rows it read and rereads only those whose stamp moved
    db.execute("ALTER TABLE stories ADD COLUMN stamp TEXT NOT NULL DEFAULT ''")


def _m014_listing(db: Database) -> None:
    # the story list (largest first, or of an outlet) read off an index up to its limit, not by sorting every story; and a
    # generation counted up by every write transaction, so a reader knows in one read whether anything changed
    db.execute("CREATE INDEX stories_listing ON stories(size DESC, seq)")
    db.execute("CREATE INDEX articles_outlet ON articles(outlet)")  # the outlet filter and the list of outlets
    # the people to filter by, counted off this index alone (5x faster than off the table; still one pass)
    db.execute("CREATE INDEX article_names_people ON article_names(label, folded, name)")
    db.execute("INSERT INTO counters (name, value) VALUES ('generation', 0)")


# Named migrations, applied in order and recorded; never edit one that has shipped, add another.
MIGRATIONS: tuple[tuple[str, Callable[[Database], None]], ...] = (
    ("001_initial", _m001_initial),
    ("002_key_frequencies", _m002_key_frequencies),
    ("003_article_names", _m003_article_names),
    ("004_sequence_indexes", _m004_sequence_indexes),
    ("005_counters", _m005_counters),
    ("006_placement", _m006_placement),
    ("007_lookup_indexes", _m007_lookup_indexes),
    ("008_search", _m008_search),
    ("009_jobs", _m009_jobs),
    ("010_watch_sources", _m010_watch_sources),
    ("011_story_history", _m011_story_history),
    ("012_story_builds", _m012_story_builds),
    ("013_story_stamps", _m013_story_stamps),
    ("014_listing", _m014_listing),
)


class Schema(Base):
    def migrate(self) -> list[str]:
        """Apply the missing migrations; safe when several processes open a new store at once."""
        if not self._missing():
            self.db.counts_generations = True
            return []  # the usual case, read without taking the write lock
        applied = []
        with self.db.transaction():  # one writer at a time; re-read inside, another may have just migrated
            self.db.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
            done = {row[0] for row in self.db.execute("SELECT name FROM migrations")}
            for name, function in MIGRATIONS:
                if name not in done:
                    function(self.db)
                    self.db.execute("INSERT INTO migrations (name, applied_at) VALUES (?, ?)", (name, now()))
                    applied.append(name)
        self.db.counts_generations = True  # the counter exists from here on
        return applied

    def _missing(self) -> bool:
        try:
            done = {row[0] for row in self.db.execute("SELECT name FROM migrations")}
        except Exception:  # noqa: BLE001 - no migrations table yet (sqlite3 or psycopg error)
            return True
        return any(name not in done for name, _ in MIGRATIONS)

    def generation(self) -> int:
        """A number every committed write transaction changes: equal twice, nothing was written in between."""
        row = self.db.execute("SELECT value FROM counters WHERE name = 'generation'").fetchone()
        return int(row[0]) if row else 0

    def migrations(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT name FROM migrations ORDER BY name")]
