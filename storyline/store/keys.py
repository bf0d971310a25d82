"""Story-key frequencies: how many stored articles carry each name, date or number (rare keys tell events apart)."""

from __future__ import annotations

from collections.abc import Iterable

from .connection import Base


class Keys(Base):
    _counted = 0  # key counts changed in this process by other means than storing an article

    def count_keys(self, keys: Iterable[str]) -> None:
        with self.db.transaction():
            self.db.executemany("INSERT INTO key_df (key, n) VALUES (?, 1) ON CONFLICT(key) DO UPDATE SET n = key_df.n + 1",
                                ((k,) for k in keys))
        self._counted += 1

    def key_generation(self) -> tuple[int, int, int]:
        """Changes whenever the key counts may have: an article stored (by any process), a write undone,
        counts recounted here. Articles are never deleted, so their number names the stored set: what is
        worked out from the counts (rarities) holds as long as the generation does, e.g. for a whole batch's
        placements."""
        stored = int(self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()[0])
        return stored, self.db.rollbacks, self._counted

    def key_frequencies(self, keys: Iterable[str]) -> dict[str, int]:
        keys = list(keys)
        out: dict[str, int] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            marks = ",".join("?" * len(chunk))
            out.update(self.db.execute(f"SELECT key, n FROM key_df WHERE key IN ({marks})", chunk).fetchall())
        return out

    def all_key_counts(self) -> dict[str, int]:
        return {r[0]: int(r[1]) for r in self.db.execute("SELECT key, n FROM key_df")}

    def replace_key_counts(self, counts: dict[str, int]) -> None:
        """Key counts recomputed from the stored articles (storyline check, after a store older than the fix)."""
        with self.db.transaction():
            self.db.execute("DELETE FROM key_df")
            self.db.executemany("INSERT INTO key_df (key, n) VALUES (?, ?)", sorted(counts.items()))
        self._counted += 1
