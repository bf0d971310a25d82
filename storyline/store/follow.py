"""Queries behind following a person, organisation or outlet across stories."""

from __future__ import annotations

import json
from typing import Any

from ..model import StoryChange
from .connection import Base
from .history import _change
from .stories import StoryRow, _story


class Following(Base):
    def stories_naming(self, name: str, limit: int = 30) -> list[StoryRow]:
        """Stories with an article that names this person, organisation or place; latest first."""
        from ..analyze.entities import fold

        pattern = "%" + fold(name).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = self.db.execute(
            "SELECT * FROM stories s WHERE EXISTS (SELECT 1 FROM articles a JOIN article_names n ON n.article_id = a.id"
            " WHERE a.story_id = s.id AND n.folded LIKE ? ESCAPE '\\')"
            " ORDER BY COALESCE(s.last_date, '') DESC, s.seq DESC LIMIT ?", (pattern, limit))
        return [_story(r) for r in rows]

    def name_forms(self, name: str, limit: int = 12) -> list[tuple[str, str, int]]:
        """How articles write a name (name, label, articles), most frequent first."""
        from ..analyze.entities import fold

        pattern = "%" + fold(name).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return [(r[0], r[1], r[2]) for r in self.db.execute(
            "SELECT name, label, COUNT(DISTINCT article_id) FROM article_names WHERE folded LIKE ? ESCAPE '\\'"
            " GROUP BY name, label ORDER BY 3 DESC, 1 LIMIT ?", (pattern, limit))]

    def outlet_articles(self, outlet: str) -> list[dict[str, Any]]:
        """An outlet's articles, latest first: id, title, published, story, and the outlet it copies if any."""
        rows = self.db.execute(
            "SELECT a.id, a.title, a.published, a.story_id, a.origin, o.outlet AS origin_outlet, a.path"
            " FROM articles a LEFT JOIN articles o ON o.id = a.origin WHERE a.outlet = ?"
            " ORDER BY COALESCE(a.published, '') DESC, a.seq DESC", (outlet,))
        return [{k: r[k] for k in r.keys()} for r in rows]

    def story_changes_of_kind(self, kinds: tuple[str, ...]) -> list[tuple[str, StoryChange]]:
        marks = ",".join("?" * len(kinds))
        return [(r[0], _change(json.loads(r[1]))) for r in self.db.execute(
            f"SELECT story_id, change FROM story_changes WHERE kind IN ({marks}) ORDER BY at, version, n", kinds)]
