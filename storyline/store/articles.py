"""Articles: their text, analysis, vectors, shingles and the names they mention."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, replace

import numpy as np

from ..model import Article, ClaimMention, DateMention, Mention, QuoteMention
from .codec import array, blob, now
from .connection import Base, Row

# People as the filters list them: a person's name of two words or more, counted once per article and form,
# shown in its first form (by the database's collation); `people` keeps these counts as articles are stored
PEOPLE_COUNT = ("SELECT folded, MIN(name), COUNT(*) FROM article_names WHERE label = 'PERSON' AND name LIKE '% %'"
                " {and_article} GROUP BY folded")
_COUNT_PEOPLE = (f"INSERT INTO people (folded, name, n) {PEOPLE_COUNT.format(and_article='AND article_id = ?')}"
                 " ON CONFLICT(folded) DO UPDATE SET n = people.n + excluded.n,"
                 " name = CASE WHEN excluded.name < people.name THEN excluded.name ELSE people.name END")


def names(article_id: str, mentions: list[dict]) -> list[tuple[str, str, str, str]]:
    """Rows of article_names: each person, organisation or place an article names, folded for search."""
    from ..analyze.entities import fold

    seen = {(m["text"], m["label"]) for m in mentions}
    return [(article_id, text, fold(text), label) for text, label in sorted(seen)]


class Articles(Base):
    def article_id_for_hash(self, content_hash: str) -> str | None:
        row = self.db.execute("SELECT id FROM articles WHERE content_hash = ?", (content_hash,)).fetchone()
        return row[0] if row else None

    def has_article(self, article_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def add_article(self, article: Article, shingles: Iterable[int], vector: np.ndarray,
                    claim_vectors: np.ndarray, keys: Iterable[str] = ()) -> str | None:
        """Store an analysed article, its shingles, names, search text and story keys in one transaction.

        The keys are counted in the same transaction, so key counts always match the stored articles.
        Returns the id it was stored under (another writer may have taken the id meanwhile: then
        `id~2`, ...), or None when another writer stored the same content first.
        """
        analysis = {
            "dates": [asdict(d) for d in article.dates],
            "mentions": [asdict(m) for m in article.mentions],
            "quotes": [asdict(q) for q in article.quotes],
            "claims": [asdict(c) for c in article.claims],
        }
        with self.db.transaction():
            # taken inside the write transaction: two writers never get the same number
            seq = self.db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM articles").fetchone()[0]
            if self.article_id_for_hash(article.content_hash) is not None:
                return None
            article_id, n = article.id, 1
            while self.has_article(article_id):
                n += 1
                article_id = f"{article.id}~{n}"
            if article_id != article.id:
                article = replace(article, id=article_id,
                                  origin=article_id if article.origin == article.id else article.origin)
            self.db.execute(
                "INSERT INTO articles (id, content_hash, path, url, outlet, title, author, published, text, removed,"
                " origin, analysis, vector, claim_vectors, seq, added_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (article.id, article.content_hash, article.path, article.url, article.outlet, article.title,
                 article.author, article.published, article.text, json.dumps(list(article.removed)),
                 article.origin, json.dumps(analysis), blob(vector), blob(claim_vectors), seq, now()),
            )
            named = names(article.id, analysis["mentions"])
            if self.db.postgres:
                # one statement a table, its rows as arrays: row by row, an article's few hundred shingles and
                # keys were as many statements for the server (PostgreSQL searches an expression index on the
                # articles table itself: no search rows)
                self.db.execute("INSERT INTO shingles (hash, article_id) SELECT unnest(?::bigint[]), ?",
                                (list(shingles), article.id))
                columns = [list(c) for c in zip(*named, strict=True)] if named else [[], [], [], []]
                self.db.execute("INSERT INTO article_names (article_id, name, folded, label)"
                                " SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[])", columns)
                self.db.execute("INSERT INTO key_df (key, n) SELECT unnest(?::text[]), 1"
                                " ON CONFLICT(key) DO UPDATE SET n = key_df.n + 1", (sorted(set(keys)),))
                self.db.execute(_COUNT_PEOPLE, (article.id,))
                return article.id
            self.db.executemany("INSERT INTO shingles VALUES (?, ?)", ((h, article.id) for h in shingles))
            self.db.executemany("INSERT INTO article_names VALUES (?,?,?,?)", named)
            self.db.execute(_COUNT_PEOPLE, (article.id,))
            self.db.execute("INSERT INTO article_search (article_id, title, text) VALUES (?,?,?)",
                            (article.id, article.title or "", article.text))
            self.db.executemany("INSERT INTO key_df (key, n) VALUES (?, 1)"
                                " ON CONFLICT(key) DO UPDATE SET n = key_df.n + 1", ((k,) for k in sorted(set(keys))))
        return article.id

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
                out[article_id] = array(row[0])
        return out

    def article_vector(self, article_id: str) -> np.ndarray:
        row = self.db.execute("SELECT vector FROM articles WHERE id = ?", (article_id,)).fetchone()
        return array(row[0])[0] if row and row[0] else np.zeros(0, dtype=np.float32)

    def set_story(self, article_id: str, story_id: str) -> None:
        with self.db.transaction():
            self.db.execute("UPDATE articles SET story_id = ? WHERE id = ?", (story_id, article_id))

    def story_article_ids(self, story_id: str) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM articles WHERE story_id = ? ORDER BY seq", (story_id,))]

    def story_of(self, article_id: str) -> str | None:
        row = self.db.execute("SELECT story_id FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    def count_articles(self) -> int:
        # articles are never deleted, so the highest sequence number is the count, read off an index
        return int(self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()[0])

    def outlets(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT DISTINCT outlet FROM articles WHERE outlet IS NOT NULL ORDER BY 1")]

    def people(self, limit: int = 300) -> list[str]:
        """The people named most, off the counts kept as articles are stored (not a count of every name)."""
        return [r[0] for r in self.db.execute("SELECT name FROM people ORDER BY n DESC, name LIMIT ?", (limit,))]

    def counted_people(self, limit: int = 300) -> list[str]:
        """people() counted afresh from every article's names: what the kept counts must equal."""
        return [r[1] for r in self.db.execute(f"{PEOPLE_COUNT.format(and_article='')} ORDER BY 3 DESC, 2 LIMIT ?",
                                              (limit,))]

    # --- placement: an article is stored first, then placed; a stopped run leaves it unplaced ------------

    def next_unplaced(self) -> str | None:
        """The oldest stored article in no story (read inside the placement transaction)."""
        row = self.db.execute("SELECT id FROM articles WHERE story_id IS NULL ORDER BY seq LIMIT 1").fetchone()
        return row[0] if row else None

    def unplaced_ids(self) -> list[str]:
        """Every stored article in no story, oldest first (a stopped run's leftovers)."""
        return [r[0] for r in self.db.execute("SELECT id FROM articles WHERE story_id IS NULL ORDER BY seq")]

    def count_unplaced(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM articles WHERE story_id IS NULL").fetchone()[0])


def _article(row: Row) -> Article:
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
