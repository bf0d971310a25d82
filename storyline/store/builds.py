"""Story builds (entities, quotes, claims and statuses, timeline, briefing) kept so pages read them, not rebuild them.

A build is stored with a stamp of what it was built from (its articles, the settings that shape a
build, storyline's version); a build whose stamp no longer matches is stale and is rebuilt and
replaced by whoever reads it. A new article therefore invalidates only its own story's build.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import types
from collections.abc import Callable, Sequence
from typing import Any, Union, get_args, get_origin, get_type_hints

from ..model import Story
from .codec import now
from .connection import Base


class Builds(Base):
    def story_build(self, story_id: str, stamp: str) -> Story | None:
        """The stored build of a story if it was made from what the stamp says, else None."""
        row = self.db.execute("SELECT stamp, build FROM story_builds WHERE story_id = ?", (story_id,)).fetchone()
        if row is None or row[0] != stamp:
            return None
        try:
            return decode(Story, json.loads(row[1]))
        except (TypeError, KeyError, ValueError):  # a build of an older model: rebuilt by the caller
            return None

    def save_story_build(self, story: Story, stamp: str) -> None:
        with self.db.transaction():
            self.db.execute(
                "INSERT INTO story_builds (story_id, stamp, build, built_at) VALUES (?,?,?,?)"
                " ON CONFLICT(story_id) DO UPDATE SET stamp=excluded.stamp, build=excluded.build,"
                " built_at=excluded.built_at",
                (story.id, stamp, json.dumps(dataclasses.asdict(story), ensure_ascii=False), now()))

    def story_build_marker(self, story_id: str) -> tuple[str, int, str] | None:
        """(stamp, number of history changes, time of the latest) of a story's stored build, None without one:
        one indexed read that tells a reader whether what it made from the build is still current."""
        row = self.db.execute(
            "SELECT b.stamp, (SELECT COUNT(*) FROM story_changes c WHERE c.story_id = b.story_id),"
            " (SELECT MAX(at) FROM story_changes c WHERE c.story_id = b.story_id)"
            " FROM story_builds b WHERE b.story_id = ?", (story_id,)).fetchone()
        return None if row is None else (str(row[0]), int(row[1]), str(row[2] or ""))

    def drop_story_builds(self, story_ids: Sequence[str] | None = None) -> int:
        """Forget stored builds (all, or those of the stories given): each is built again when next read."""
        with self.db.transaction():
            if story_ids is None:
                return int(self.db.execute("DELETE FROM story_builds").rowcount or 0)
            return sum(int(self.db.execute("DELETE FROM story_builds WHERE story_id = ?", (i,)).rowcount or 0)
                       for i in story_ids)


def decode(cls: Any, value: Any) -> Any:
    """A frozen dataclass (with tuples, optionals, nested dataclasses) back from dataclasses.asdict's JSON."""
    return _decoder(cls)(value)


@functools.cache
def _decoder(cls: Any) -> Callable[[Any], Any]:
    """One decoding function per type, made once: resolving type hints per object was most of a page's time."""
    if dataclasses.is_dataclass(cls) and isinstance(cls, type):
        hints = get_type_hints(cls)
        fields = [(f.name, hints[f.name]) for f in dataclasses.fields(cls)]

        def dataclass_(value: Any) -> Any:
            if value is None:
                return None
            return cls(**{name: _decoder(hint)(value[name]) for name, hint in fields if name in value})
        return dataclass_
    origin = get_origin(cls)
    if origin is tuple:
        args = get_args(cls)
        if len(args) == 2 and args[1] is Ellipsis:
            item = args[0]
            return lambda value: None if value is None else tuple(map(_decoder(item), value))
        return lambda value: None if value is None else tuple(
            _decoder(a)(v) for a, v in zip(args, value, strict=True))
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(cls) if a is not type(None)]
        if len(options) == 1:
            return _decoder(options[0])
    return _identity


def _identity(value: Any) -> Any:
    return value
