"""Story history: one compact snapshot per story version and the changes each version brought."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..model import StoryChange
from .codec import now
from .connection import Base


class StoryHistory(Base):
    def story_last_snapshot(self, story_id: str) -> tuple[int, dict[str, Any] | None]:
        """(latest version number, its snapshot), or (0, None) for a story with no version yet."""
        row = self.db.execute("SELECT version, snapshot FROM story_versions WHERE story_id = ?"
                              " ORDER BY version DESC LIMIT 1", (story_id,)).fetchone()
        return (row[0], json.loads(row[1])) if row else (0, None)

    def add_story_version(self, story_id: str, snapshot: dict[str, Any], changes: Sequence[StoryChange]) -> int:
        with self.db.transaction():  # the version number is read under the write lock: never taken twice
            version = self.story_last_snapshot(story_id)[0] + 1
            self.db.execute("INSERT INTO story_versions (story_id, version, at, snapshot) VALUES (?, ?, ?, ?)",
                            (story_id, version, changes[0].at if changes else now(), json.dumps(snapshot)))
            self.db.executemany("INSERT INTO story_changes (story_id, version, n, at, kind, change)"
                                " VALUES (?, ?, ?, ?, ?, ?)",
                                ((story_id, version, n, c.at, c.kind, json.dumps(_change_dict(c)))
                                 for n, c in enumerate(changes)))
        return version

    def story_changes(self, story_id: str) -> list[StoryChange]:
        return [_change(json.loads(r[0])) for r in self.db.execute(
            "SELECT change FROM story_changes WHERE story_id = ? ORDER BY version, n", (story_id,))]

    def stories_changed_since(self, since: str) -> list[tuple[str, str]]:
        """(story id, time of its latest change) for stories changed at or after an ISO time, latest first."""
        return [(r[0], r[1]) for r in self.db.execute(
            "SELECT story_id, MAX(at) FROM story_changes WHERE at >= ? GROUP BY story_id ORDER BY MAX(at) DESC",
            (since,))]

    def recent_story_changes(self, limit: int = 100,
                             story_ids: Sequence[str] | None = None) -> list[tuple[str, StoryChange]]:
        """The latest changes across stories (or across the stories given), newest first."""
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
