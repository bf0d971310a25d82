"""The store: the only module that speaks SQL (SQLite now; a PostgreSQL URL is refused cleanly until supported)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from .errors import StoreError, StoryNotFound, UnsupportedDatabase
from .model import Article, ClaimMention, DateMention, Mention, QuoteMention, Skipped


@dataclass(frozen=True)
class StoryRow:
    id: str
    title: str
    size: int
    first_date: str | None
    last_date: str | None
    centroid: np.ndarray
    entity_keys: dict[str, int]
    updated_at: str


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
        db.executemany("INSERT INTO article_names VALUES (?,?,?,?)", _names(article_id, json.loads(analysis)["mentions"]))


def _names(article_id: str, mentions: list[dict]) -> list[tuple[str, str, str, str]]:
    from .analyze.entities import fold

    seen = {(m["text"], m["label"]) for m in mentions}
    return [(article_id, text, fold(text), label) for text, label in sorted(seen)]


def _m004_sequence_indexes(db: sqlite3.Connection) -> None:
    # MAX(seq) on every insert and the article count on every placement must not scan the tables
    db.execute("CREATE UNIQUE INDEX articles_seq ON articles(seq)")
    db.execute("CREATE UNIQUE INDEX stories_seq ON stories(seq)")


def _m005_counters(db: sqlite3.Connection) -> None:
    # story ids are never reused, even when consolidation empties a story
    db.execute("CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)")
    db.execute("INSERT INTO counters SELECT 'story', COALESCE(MAX(seq), 0) FROM stories")


# Named migrations, applied in order and recorded; never edit one that has shipped, add another.
MIGRATIONS: tuple[tuple[str, Callable[[sqlite3.Connection], None]], ...] = (
    ("001_initial", _m001_initial),
    ("002_key_frequencies", _m002_key_frequencies),
    ("003_article_names", _m003_article_names),
    ("004_sequence_indexes", _m004_sequence_indexes),
    ("005_counters", _m005_counters),
)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _blob(array: np.ndarray | None) -> bytes | None:
    if array is None:
        return None
    array = np.asarray(array, dtype=np.float32)
    header = np.array(array.shape if array.ndim == 2 else (1, array.shape[0]), dtype=np.int32).tobytes()
    return header + array.astype(np.float16).tobytes()


def _array(blob: bytes | None) -> np.ndarray:
    if not blob:
        return np.zeros((0, 0), dtype=np.float32)
    rows, cols = np.frombuffer(blob[:8], dtype=np.int32)
    return np.frombuffer(blob[8:], dtype=np.float16).astype(np.float32).reshape(rows, cols)


def sqlite_path(url: str) -> str:
    """':memory:', a plain path, or sqlite:///path; other schemes are not supported yet."""
    if url in (":memory:", "sqlite://", "sqlite:///:memory:"):
        return ":memory:"
    if url.startswith("sqlite:///"):
        return url[len("sqlite:///"):]
    if "://" in url:
        scheme = url.split("://", 1)[0]
        raise UnsupportedDatabase(f"database URL scheme {scheme!r} is not supported yet; use a file path or sqlite:///")
    return url


class Store:
    def __init__(self, db: sqlite3.Connection, url: str) -> None:
        self.db = db
        self.url = url

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

    def migrate(self) -> list[str]:
        self.db.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        done = {row[0] for row in self.db.execute("SELECT name FROM migrations")}
        applied = []
        for name, function in MIGRATIONS:
            if name in done:
                continue
            with self.db:
                function(self.db)
                self.db.execute("INSERT INTO migrations VALUES (?, ?)", (name, _now()))
            applied.append(name)
        return applied

    def migrations(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT name FROM migrations ORDER BY name")]

    # --- articles -------------------------------------------------------------------------

    def article_id_for_hash(self, content_hash: str) -> str | None:
        row = self.db.execute("SELECT id FROM articles WHERE content_hash = ?", (content_hash,)).fetchone()
        return row[0] if row else None

    def has_article(self, article_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def add_article(self, article: Article, shingles: Iterable[int], vector: np.ndarray,
                    claim_vectors: np.ndarray) -> None:
        analysis = {
            "dates": [asdict(d) for d in article.dates],
            "mentions": [asdict(m) for m in article.mentions],
            "quotes": [asdict(q) for q in article.quotes],
            "claims": [asdict(c) for c in article.claims],
        }
        seq = self.db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM articles").fetchone()[0]
        with self.db:
            self.db.execute(
                "INSERT INTO articles (id, content_hash, path, url, outlet, title, author, published, text, removed,"
                " origin, analysis, vector, claim_vectors, seq, added_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (article.id, article.content_hash, article.path, article.url, article.outlet, article.title,
                 article.author, article.published, article.text, json.dumps(list(article.removed)),
                 article.origin, json.dumps(analysis), _blob(vector), _blob(claim_vectors), seq, _now()),
            )
            self.db.executemany("INSERT INTO shingles VALUES (?, ?)", ((h, article.id) for h in shingles))
            self.db.executemany("INSERT INTO article_names VALUES (?,?,?,?)", _names(article.id, analysis["mentions"]))

    def shingle_candidates(self, sample: set[int], limit: int = 20) -> list[tuple[str, str, set[int]]]:
        """Stored articles sharing shingles with a text, most shared first: (id, origin, its shingles)."""
        if not sample:
            return []
        counts: dict[str, int] = {}
        hashes = list(sample)
        for start in range(0, len(hashes), 500):
            chunk = hashes[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for article_id, n in self.db.execute(
                    f"SELECT article_id, COUNT(*) FROM shingles WHERE hash IN ({marks}) GROUP BY article_id", chunk):
                counts[article_id] = counts.get(article_id, 0) + n
        best = sorted(counts, key=lambda a: -counts[a])[:limit]
        out = []
        for article_id in best:
            origin = self.db.execute("SELECT origin FROM articles WHERE id = ?", (article_id,)).fetchone()[0]
            hashes_of = {row[0] for row in self.db.execute("SELECT hash FROM shingles WHERE article_id = ?",
                                                           (article_id,))}
            out.append((article_id, origin, hashes_of))
        return out

    def articles(self, ids: Sequence[str] | None = None) -> list[Article]:
        if ids is None:
            rows = self.db.execute("SELECT * FROM articles ORDER BY seq").fetchall()
        else:
            rows = []
            for start in range(0, len(ids), 500):
                chunk = list(ids[start:start + 500])
                marks = ",".join("?" * len(chunk))
                rows.extend(self.db.execute(f"SELECT * FROM articles WHERE id IN ({marks}) ORDER BY seq", chunk))
            rows.sort(key=lambda r: r["seq"])
        return [_article(row) for row in rows]

    def claim_vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        out = {}
        for article_id in ids:
            row = self.db.execute("SELECT claim_vectors FROM articles WHERE id = ?", (article_id,)).fetchone()
            if row:
                out[article_id] = _array(row[0])
        return out

    def article_vector(self, article_id: str) -> np.ndarray:
        row = self.db.execute("SELECT vector FROM articles WHERE id = ?", (article_id,)).fetchone()
        return _array(row[0])[0] if row and row[0] else np.zeros(0, dtype=np.float32)

    def set_story(self, article_id: str, story_id: str) -> None:
        with self.db:
            self.db.execute("UPDATE articles SET story_id = ? WHERE id = ?", (story_id, article_id))

    def story_article_ids(self, story_id: str) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM articles WHERE story_id = ? ORDER BY seq", (story_id,))]

    def count_articles(self) -> int:
        # articles are never deleted, so the highest sequence number is the count, read off an index
        return int(self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()[0])

    # --- stories --------------------------------------------------------------------------

    def new_story_id(self) -> str:
        with self.db:
            self.db.execute("UPDATE counters SET value = MAX(value, (SELECT COALESCE(MAX(seq), 0) FROM stories)) + 1"
                            " WHERE name = 'story'")
            seq = self.db.execute("SELECT value FROM counters WHERE name = 'story'").fetchone()[0]
        return f"s{seq}"

    def save_story(self, row: StoryRow) -> None:
        seq = int(row.id[1:]) if row.id[1:].isdigit() else 0
        with self.db:
            self.db.execute(
                "INSERT INTO stories (id, title, size, first_date, last_date, centroid, entity_keys, seq, updated_at)"
                " VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET title=excluded.title, size=excluded.size,"
                " first_date=excluded.first_date, last_date=excluded.last_date, centroid=excluded.centroid,"
                " entity_keys=excluded.entity_keys, updated_at=excluded.updated_at",
                (row.id, row.title, row.size, row.first_date, row.last_date, _blob(row.centroid),
                 json.dumps(row.entity_keys), seq, _now()),
            )

    def delete_story(self, story_id: str) -> None:
        with self.db:
            self.db.execute("DELETE FROM stories WHERE id = ?", (story_id,))

    def story(self, story_id: str) -> StoryRow:
        row = self.db.execute("SELECT * FROM stories WHERE id = ?", (story_id,)).fetchone()
        if row is None:
            raise StoryNotFound(f"no story {story_id!r} in {self.url}")
        return _story(row)

    def stories(self) -> list[StoryRow]:
        return [_story(r) for r in self.db.execute("SELECT * FROM stories ORDER BY seq")]

    def search_stories(self, text: str | None = None, date_from: str | None = None, date_to: str | None = None,
                       outlet: str | None = None, person: str | None = None, limit: int = 200) -> list[StoryRow]:
        """Stories with an article matching every filter given (words, dates, outlet, a named person)."""
        where, params = ["a.story_id = s.id"], []
        if text:
            for word in text.split()[:8]:
                where.append("(a.title LIKE ? ESCAPE '\\' OR a.text LIKE ? ESCAPE '\\' OR s.title LIKE ? ESCAPE '\\')")
                pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                params += [pattern, pattern, pattern]
        if date_from:
            where.append("substr(a.published, 1, 10) >= ?")
            params.append(date_from[:10])
        if date_to:
            where.append("substr(a.published, 1, 10) <= ?")
            params.append(date_to[:10])
        if outlet:
            where.append("a.outlet = ?")
            params.append(outlet)
        if person:
            from .analyze.entities import fold

            where.append("EXISTS (SELECT 1 FROM article_names n WHERE n.article_id = a.id AND n.folded LIKE ?)")
            params.append("%" + fold(person) + "%")
        sql = (f"SELECT * FROM stories s WHERE EXISTS (SELECT 1 FROM articles a WHERE {' AND '.join(where)})"
               f" ORDER BY s.size DESC, s.seq LIMIT ?")
        return [_story(r) for r in self.db.execute(sql, [*params, limit])]

    def outlets(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT DISTINCT outlet FROM articles WHERE outlet IS NOT NULL ORDER BY 1")]

    def people(self, limit: int = 300) -> list[str]:
        return [r[0] for r in self.db.execute(
            "SELECT name FROM article_names WHERE label = 'PERSON' AND name LIKE '% %' GROUP BY folded"
            " ORDER BY COUNT(*) DESC, name LIMIT ?", (limit,))]

    def story_of(self, article_id: str) -> str | None:
        row = self.db.execute("SELECT story_id FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    def story_candidates(self, day: str | None, window_days: int) -> list[StoryRow]:
        """Stories whose dates come within the window of a day (undated ones always): an index, not all pairs."""
        if day is None:
            rows = self.db.execute("SELECT * FROM stories ORDER BY seq DESC LIMIT 200")
        else:
            rows = self.db.execute(
                "SELECT * FROM stories WHERE last_date IS NULL OR (last_date >= date(?, ?) AND first_date <= date(?, ?))"
                " ORDER BY seq DESC LIMIT 500",
                (day[:10], f"-{window_days} days", day[:10], f"+{window_days} days"))
        return [_story(r) for r in rows]

    def count_keys(self, keys: Iterable[str]) -> None:
        with self.db:
            self.db.executemany("INSERT INTO key_df VALUES (?, 1) ON CONFLICT(key) DO UPDATE SET n = n + 1",
                                ((k,) for k in keys))

    def key_frequencies(self, keys: Iterable[str]) -> dict[str, int]:
        keys = list(keys)
        out: dict[str, int] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            marks = ",".join("?" * len(chunk))
            out.update(self.db.execute(f"SELECT key, n FROM key_df WHERE key IN ({marks})", chunk).fetchall())
        return out

    # --- skipped inputs -------------------------------------------------------------------

    def record_skipped(self, skipped: Iterable[Skipped]) -> None:
        with self.db:
            self.db.executemany("INSERT INTO skipped VALUES (?,?,?,?,?)",
                                ((s.path, s.line, s.code, s.reason, _now()) for s in skipped))

    def skipped(self) -> list[Skipped]:
        return [Skipped(path=r["path"], line=r["line"], code=r["code"], reason=r["reason"])
                for r in self.db.execute("SELECT * FROM skipped ORDER BY rowid")]


def _article(row: sqlite3.Row) -> Article:
    analysis = json.loads(row["analysis"])
    return Article(
        id=row["id"], path=row["path"], outlet=row["outlet"], title=row["title"], author=row["author"],
        published=row["published"], text=row["text"], removed=tuple(json.loads(row["removed"])),
        origin=row["origin"], content_hash=row["content_hash"], url=row["url"],
        dates=tuple(DateMention(**d) for d in analysis["dates"]),
        mentions=tuple(Mention(**m) for m in analysis["mentions"]),
        quotes=tuple(QuoteMention(**q) for q in analysis["quotes"]),
        claims=tuple(ClaimMention(**{**c, "numbers": tuple(c["numbers"])}) for c in analysis["claims"]),
    )


def _story(row: sqlite3.Row) -> StoryRow:
    centroid = _array(row["centroid"])
    return StoryRow(id=row["id"], title=row["title"], size=row["size"], first_date=row["first_date"],
                    last_date=row["last_date"], centroid=centroid[0] if centroid.size else centroid.reshape(-1),
                    entity_keys=json.loads(row["entity_keys"]), updated_at=row["updated_at"])
