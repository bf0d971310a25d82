"""What `storyline check` asks of the store: the database's own integrity check and storyline's invariants."""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Article
from .articles import PEOPLE_COUNT, _article
from .connection import Base


class Health(Base):
    def integrity_problems(self) -> list[str]:
        """The database engine's own check (SQLite: PRAGMA integrity_check and the FTS5 index)."""
        if self.db.postgres:
            # PostgreSQL checks pages itself (checksums, WAL); an unreadable table shows up as an error here
            for table in ("articles", "stories", "shingles", "article_names", "key_df"):
                self.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()
            return []
        problems = [r[0] for r in self.db.execute("PRAGMA integrity_check").fetchall() if r[0] != "ok"]
        try:
            self.db.execute("INSERT INTO article_search (article_search) VALUES ('integrity-check')")
        except Exception as exc:  # noqa: BLE001 - sqlite3.DatabaseError: the FTS index is corrupt
            problems.append(f"search index: {exc}")
        return problems

    def iter_articles(self, page: int = 500) -> Iterator[Article]:
        """Every stored article in sequence order, a page at a time (never the whole store in memory)."""
        last = 0
        while True:
            rows = self.db.execute("SELECT * FROM articles WHERE seq > ? ORDER BY seq LIMIT ?", (last, page)).fetchall()
            if not rows:
                return
            for row in rows:
                yield _article(row)
            last = rows[-1]["seq"]

    def story_size_mismatches(self) -> list[tuple[str, int, int]]:
        """(story, size recorded, articles in it) where the two differ, empty stories included."""
        return [(r[0], int(r[1]), int(r[2])) for r in self.db.execute(
            "SELECT s.id, s.size, (SELECT COUNT(*) FROM articles a WHERE a.story_id = s.id) AS n FROM stories s"
            " WHERE s.size <> (SELECT COUNT(*) FROM articles a WHERE a.story_id = s.id) ORDER BY s.seq")]

    def dangling_placements(self) -> list[str]:
        """Articles placed in a story that does not exist."""
        return [r[0] for r in self.db.execute(
            "SELECT a.id FROM articles a WHERE a.story_id IS NOT NULL"
            " AND NOT EXISTS (SELECT 1 FROM stories s WHERE s.id = a.story_id) ORDER BY a.seq")]

    def unplace(self, article_ids: list[str]) -> None:
        with self.db.transaction():
            self.db.executemany("UPDATE articles SET story_id = NULL WHERE id = ?", ((a,) for a in article_ids))

    def orphan_rows(self) -> int:
        """Shingles, names and search rows of articles that are not stored."""
        tables = ["shingles", "article_names"] + ([] if self.db.postgres else ["article_search"])
        return sum(int(self.db.execute(
            f"SELECT COUNT(*) FROM {t} x WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = x.article_id)"
        ).fetchone()[0]) for t in tables)

    def unindexed_articles(self) -> int:
        """Articles missing from the SQLite full-text index (PostgreSQL indexes the table itself)."""
        if self.db.postgres:
            return 0
        return int(self.db.execute("SELECT COUNT(*) FROM articles a WHERE NOT EXISTS"
                                   " (SELECT 1 FROM article_search f WHERE f.article_id = a.id)").fetchone()[0])

    def repair_rows(self) -> None:
        """Orphan rows deleted and the full-text index rebuilt from the articles."""
        with self.db.transaction():
            for table in ("shingles", "article_names") + (() if self.db.postgres else ("article_search",)):
                self.db.execute(f"DELETE FROM {table} WHERE article_id NOT IN (SELECT id FROM articles)")
            self.db.execute("DELETE FROM people")  # counted again from the names left
            self.db.execute(f"INSERT INTO people (folded, name, n) {PEOPLE_COUNT.format(and_article='')}")
            if not self.db.postgres:
                self.db.execute("DELETE FROM article_search")
                self.db.execute("INSERT INTO article_search (article_id, title, text)"
                                " SELECT id, COALESCE(title, ''), text FROM articles")
