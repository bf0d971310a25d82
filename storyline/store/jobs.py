"""The web app's ingest jobs: state, progress and result, kept so a restart keeps their history."""

from __future__ import annotations

import json
from typing import Any

from .codec import now
from .connection import Base, Row


class Jobs(Base):
    def save_job(self, job_id: str, state: str, *, kind: str = "ingest", step: str = "", done: int = 0,
                 total: int = 0, result: dict[str, Any] | None = None, error: str | None = None) -> None:
        """Create or update a job (its result: added, unchanged, skipped, stories)."""
        stamp = now()
        with self.db.transaction():
            self.db.execute(
                "INSERT INTO jobs (id, kind, status, step, done, total, result, error, created_at, updated_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET status=excluded.status,"
                " step=excluded.step, done=excluded.done, total=excluded.total,"
                " result=COALESCE(excluded.result, jobs.result), error=excluded.error, updated_at=excluded.updated_at",
                (job_id, kind, state, step, done, total, json.dumps(result) if result is not None else None, error,
                 stamp, stamp))

    def job(self, job_id: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return _job(row) if row else None

    def jobs(self, limit: int = 100) -> list[dict[str, Any]]:
        """The latest jobs first."""
        return [_job(r) for r in self.db.execute("SELECT * FROM jobs ORDER BY created_at DESC, id LIMIT ?",
                                                 (limit,))]

    def fail_unfinished_jobs(self, reason: str = "the server stopped before this job finished") -> int:
        """Jobs a stopped server left queued or running: marked failed (their stored articles are kept,
        and the next ingest places any it left unplaced)."""
        with self.db.transaction():
            cursor = self.db.execute("UPDATE jobs SET status = 'failed', error = ?, updated_at = ?"
                                     " WHERE status IN ('queued', 'running')", (reason, now()))
            return int(cursor.rowcount or 0)


def _job(row: Row) -> dict[str, Any]:
    result = json.loads(row["result"]) if row["result"] else {}
    return {"id": row["id"], "kind": row["kind"], "state": row["status"], "step": row["step"] or "",
            "done": row["done"], "total": row["total"], "error": row["error"],
            "added": result.get("added", []), "unchanged": result.get("unchanged", []),
            "skipped": result.get("skipped", []), "stories": result.get("stories", []),
            "created_at": row["created_at"], "updated_at": row["updated_at"]}
