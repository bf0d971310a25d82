"""Stories: their rows (centroid, names, dates), ids that are never reused, and searches over them."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

import numpy as np

from ..errors import StoryNotFound
from .codec import array, blob, now
from .connection import Base


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


class Stories(Base):
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
                (row.id, row.title, row.size, row.first_date, row.last_date, blob(row.centroid),
                 json.dumps(row.entity_keys), seq, now()),
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
            from ..analyze.entities import fold

            where.append("EXISTS (SELECT 1 FROM article_names n WHERE n.article_id = a.id AND n.folded LIKE ?)")
            params.append("%" + fold(person) + "%")
        sql = (f"SELECT * FROM stories s WHERE EXISTS (SELECT 1 FROM articles a WHERE {' AND '.join(where)})"
               f" ORDER BY s.size DESC, s.seq LIMIT ?")
        return [_story(r) for r in self.db.execute(sql, [*params, limit])]

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


def _story(row: sqlite3.Row) -> StoryRow:
    centroid = array(row["centroid"])
    return StoryRow(id=row["id"], title=row["title"], size=row["size"], first_date=row["first_date"],
                    last_date=row["last_date"], centroid=centroid[0] if centroid.size else centroid.reshape(-1),
                    entity_keys=json.loads(row["entity_keys"]), updated_at=row["updated_at"])
