"""What the watch loop remembers: poll state per source (validators, backoff, counts) and item keys seen."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .codec import now
from .connection import Base


@dataclass(frozen=True)
class SourceState:
    """One watched source between polls (and between runs)."""

    source: str
    etag: str | None = None
    last_modified: str | None = None
    final_url: str | None = None  # after redirects
    last_poll: str | None = None
    last_status: str | None = None  # HTTP status, "error" or "ok" (folders)
    last_error: str | None = None
    failures: int = 0  # consecutive
    retry_at: str | None = None  # no request before this time (backoff, Retry-After)
    polls: int = 0
    items: int = 0  # new items seen in total
    added: int = 0  # articles added in total
    errors: int = 0
    last_seconds: float | None = None


class WatchState(Base):
    def watch_state(self, source: str) -> SourceState:
        row = self.db.execute("SELECT * FROM watch_sources WHERE source = ?", (source,)).fetchone()
        return SourceState(**{k: row[k] for k in row.keys()}) if row else SourceState(source=source)

    def watch_states(self) -> list[SourceState]:
        return [SourceState(**{k: r[k] for k in r.keys()}) for r in self.db.execute("SELECT * FROM watch_sources ORDER BY source")]

    def save_watch_state(self, state: SourceState) -> None:
        fields = state.__dict__
        names = list(fields)
        with self.db.transaction():
            self.db.execute(
                f"INSERT INTO watch_sources ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
                f" ON CONFLICT(source) DO UPDATE SET {', '.join(f'{n}=excluded.{n}' for n in names[1:])}",
                [fields[n] for n in names])

    def seen_items(self, source: str, keys: Iterable[str]) -> set[str]:
        """Which of these item keys this source has already delivered."""
        keys = list(keys)
        out: set[str] = set()
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            marks = ",".join("?" * len(chunk))
            out.update(r[0] for r in self.db.execute(
                f"SELECT key FROM watch_items WHERE source = ? AND key IN ({marks})", [source, *chunk]))
        return out

    def mark_items_seen(self, source: str, items: Iterable[tuple[str, str | None]]) -> None:
        at = now()
        with self.db.transaction():
            self.db.executemany("INSERT INTO watch_items (source, key, article_id, seen_at) VALUES (?, ?, ?, ?)"
                                " ON CONFLICT (source, key) DO NOTHING",
                                ((source, key, article_id, at) for key, article_id in items))
