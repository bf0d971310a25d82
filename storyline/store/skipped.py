"""Inputs that were skipped, with their code and reason, kept for the record."""

from __future__ import annotations

from collections.abc import Iterable

from ..model import Skipped
from .codec import now
from .connection import Base


class SkippedInputs(Base):
    def record_skipped(self, skipped: Iterable[Skipped]) -> None:
        with self.db.transaction():
            self.db.executemany("INSERT INTO skipped (path, line, code, reason, at) VALUES (?,?,?,?,?)",
                                ((s.path, s.line, s.code, s.reason, now()) for s in skipped))

    def skipped(self) -> list[Skipped]:
        return [Skipped(path=r["path"], line=r["line"], code=r["code"], reason=r["reason"])
                for r in self.db.execute("SELECT * FROM skipped ORDER BY rowid")]
