"""Stories: their rows (centroid, names, dates), ids that are never reused, and searches over them."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import numpy as np

from ..errors import StoryNotFound
from .codec import array, blob, now
from .connection import Base, Row


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
    stamp: str = ""  # new on every save: a row read with the same stamp is the same story
    # what placement derives from this row (keys by kind, word norms), kept as long as the row is
    memo: dict = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class StoryListing:
    """A story as the story list shows it."""

    id: str
    title: str
    size: int
    first_date: str | None
    last_date: str | None
    updated_at: str


_LISTING = "s.id, s.title, s.size, s.first_date, s.last_date, s.updated_at"


class Stories(Base):
    _story_rows: dict[str, StoryRow]  # the last candidate list's rows and those saved since, by id

    def new_story_id(self) -> str:
        with self.db.transaction():
            value = self.db.execute("SELECT value FROM counters WHERE name = 'story'").fetchone()[0]
            top = self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM stories").fetchone()[0]
            seq = max(int(value), int(top)) + 1
            self.db.execute("UPDATE counters SET value = ? WHERE name = 'story'", (seq,))
        return f"s{seq}"

    def save_story(self, row: StoryRow) -> None:
        seq = int(row.id[1:]) if row.id[1:].isdigit() else 0
        stamp, at = uuid.uuid4().hex, now()
        with self.db.transaction():
            self.db.execute(
                "INSERT INTO stories (id, title, size, first_date, last_date, centroid, entity_keys, seq, updated_at,"
                " stamp) VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET title=excluded.title,"
                " size=excluded.size, first_date=excluded.first_date, last_date=excluded.last_date,"
                " centroid=excluded.centroid, entity_keys=excluded.entity_keys, updated_at=excluded.updated_at,"
                " stamp=excluded.stamp",
                (row.id, row.title, row.size, row.first_date, row.last_date, blob(row.centroid),
                 json.dumps(row.entity_keys), seq, at, stamp),
            )
            # the row as it reads back (float16 centroid), so the next candidate list need not read it
            centroid = array(blob(row.centroid))
            self._kept_rows()[row.id] = replace(row, centroid=centroid[0] if centroid.size else centroid.reshape(-1),
                                                updated_at=at, stamp=stamp, memo={})

    def delete_story(self, story_id: str) -> None:
        with self.db.transaction():
            self.db.execute("DELETE FROM stories WHERE id = ?", (story_id,))

    def story(self, story_id: str) -> StoryRow:
        row = self.db.execute("SELECT * FROM stories WHERE id = ?", (story_id,)).fetchone()
        if row is None:
            raise StoryNotFound(f"no story {story_id!r} in {self.url}")
        return _story(row)

    def story_ids(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM stories ORDER BY seq")]

    def count_stories(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM stories").fetchone()[0])

    def stories(self) -> list[StoryRow]:
        return [_story(r) for r in self.db.execute("SELECT * FROM stories ORDER BY seq")]

    def search_stories(self, text: str | None = None, date_from: str | None = None, date_to: str | None = None,
                       outlet: str | None = None, person: str | None = None, limit: int = 200) -> list[StoryRow]:
        """Stories with an article matching every filter given (words, dates, outlet, a named person)."""
        return [_story(r) for r in self._search("*", text, date_from, date_to, outlet, person, limit)]

    def list_stories(self, text: str | None = None, date_from: str | None = None, date_to: str | None = None,
                     outlet: str | None = None, person: str | None = None, limit: int = 200) -> list[StoryListing]:
        """search_stories as a list shows it: the same stories in the same order, without the centroid and the
        story keys (decoding a story's keys cost more than the rest of the list page)."""
        return [StoryListing(id=r["id"], title=r["title"], size=r["size"], first_date=r["first_date"],
                             last_date=r["last_date"], updated_at=r["updated_at"])
                for r in self._search(_LISTING, text, date_from, date_to, outlet, person, limit)]

    def _search(self, columns: str, text: str | None, date_from: str | None, date_to: str | None,
                outlet: str | None, person: str | None, limit: int) -> list[Row]:
        where: list[str] = []
        params: list[object] = []
        tokens = re.findall(r"\w+", text or "")[:8]
        if tokens and self.db.postgres:
            # the expression of the GIN index articles_search (migration 008), so the index answers it
            where.append("to_tsvector('simple', COALESCE(a.title, '') || ' ' || a.text) @@ to_tsquery('simple', ?)")
            params.append(" & ".join(f"{t.lower()}:*" for t in tokens))
        elif tokens:
            # full-text index, every word as a prefix (FTS5), instead of scanning every text with LIKE
            where.append("a.id IN (SELECT article_id FROM article_search WHERE article_search MATCH ?)")
            params.append(" ".join(f'"{t}"*' for t in tokens))
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
        if where:
            # the matching articles first, then their stories: a filter reads what it matches, not every story
            sql = (f"SELECT {columns} FROM stories s WHERE s.id IN (SELECT a.story_id FROM articles a"
                   f" WHERE a.story_id IS NOT NULL AND {' AND '.join(where)}) ORDER BY s.size DESC, s.seq LIMIT ?")
        else:
            # the largest stories first off the index stories_listing, stopping at the limit
            sql = (f"SELECT {columns} FROM stories s WHERE EXISTS (SELECT 1 FROM articles a WHERE a.story_id = s.id)"
                   " ORDER BY s.size DESC, s.seq LIMIT ?")
        return list(self.db.execute(sql, [*params, limit]))

    def story_candidates(self, day: str | None, window_days: int) -> list[StoryRow]:
        """Stories whose dates come within the window of a day (undated ones always): an index, not all pairs."""
        if day is None:
            rows = self.db.execute("SELECT id, seq, stamp FROM stories ORDER BY seq DESC LIMIT 200").fetchall()
        else:
            low: str | None
            high: str | None
            try:
                centre = date.fromisoformat(day[:10])
                low, high = (str(centre - timedelta(days=window_days)), str(centre + timedelta(days=window_days)))
            except ValueError:
                low = high = None  # an unreadable day matches only undated stories
            # two index searches (dated stories reaching into the window, by last_date; undated ones), merged
            # as one query with OR would order them: that query walked every story by seq, O(stories) a placement
            # (+seq: sorting the few found beats walking the seq index past every story outside the window)
            rows = [*self.db.execute("SELECT id, seq, stamp FROM stories WHERE last_date >= ? AND first_date <= ?"
                                     " ORDER BY +seq DESC LIMIT 500", (low, high)),
                    *self.db.execute("SELECT id, seq, stamp FROM stories WHERE last_date IS NULL"
                                     " ORDER BY +seq DESC LIMIT 500")]
            rows = sorted(rows, key=lambda r: -r["seq"])[:500]
        return self._current_rows([(r["id"], r["stamp"]) for r in rows])

    def _current_rows(self, wanted: list[tuple[str, str]]) -> list[StoryRow]:
        """The stories named, each read in full only when its stamp moved since the last call (successive
        placements see mostly the same stories: decoding their names and centroids again is most of a read).
        Only the last call's rows are kept, so the memory is that of one candidate list."""
        kept = self._kept_rows()
        stale = [story_id for story_id, stamp in wanted if story_id not in kept or kept[story_id].stamp != stamp]
        fresh: dict[str, StoryRow] = {}
        for start in range(0, len(stale), 500):
            chunk = stale[start:start + 500]
            marks = ",".join("?" * len(chunk))
            fresh.update((r["id"], _story(r)) for r in self.db.execute(f"SELECT * FROM stories WHERE id IN ({marks})",
                                                                        chunk))
        out = [fresh.get(story_id) or kept[story_id] for story_id, _ in wanted if story_id in fresh or story_id in kept]
        self._story_rows = {row.id: row for row in out}
        return out

    def _kept_rows(self) -> dict[str, StoryRow]:
        if not hasattr(self, "_story_rows"):
            self._story_rows = {}
        return self._story_rows

    # --- stories waiting for consolidation, kept in the store so a stopped run's are not forgotten ------

    def mark_pending(self, story_id: str) -> None:
        with self.db.transaction():
            if self.db.execute("SELECT 1 FROM pending_stories WHERE story_id = ?", (story_id,)).fetchone():
                return
            seq = self.db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM pending_stories").fetchone()[0]
            self.db.execute("INSERT INTO pending_stories (story_id, seq) VALUES (?, ?)", (story_id, seq))

    def next_pending(self) -> str | None:
        row = self.db.execute("SELECT story_id FROM pending_stories ORDER BY seq LIMIT 1").fetchone()
        return row[0] if row else None

    def count_pending(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM pending_stories").fetchone()[0])

    def clear_pending(self, story_id: str) -> None:
        with self.db.transaction():
            self.db.execute("DELETE FROM pending_stories WHERE story_id = ?", (story_id,))


def _story(row: Row) -> StoryRow:
    centroid = array(row["centroid"])
    return StoryRow(id=row["id"], title=row["title"], size=row["size"], first_date=row["first_date"],
                    last_date=row["last_date"], centroid=centroid[0] if centroid.size else centroid.reshape(-1),
                    entity_keys=json.loads(row["entity_keys"]), updated_at=row["updated_at"], stamp=row["stamp"])
