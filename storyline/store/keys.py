"""Story-key frequencies: how many stored articles carry each name, date or number (rare keys tell events apart)."""

from __future__ import annotations

from collections.abc import Iterable

from .connection import Base

# Frequencies read are kept until an article is stored (or a write undone); past this many keys, they start over.
_CACHED_KEYS = 500_000


class Keys(Base):
    _frequencies: dict[str, int]
    _generation: tuple[int, int] | None = None

    def count_keys(self, keys: Iterable[str]) -> None:
        with self.db.transaction():
            self.db.executemany("INSERT INTO key_df (key, n) VALUES (?, 1) ON CONFLICT(key) DO UPDATE SET n = key_df.n + 1",
                                ((k,) for k in keys))
        self._generation = None

    def key_generation(self) -> tuple[int, int]:
        """Changes whenever the key counts may have: an article stored (by any process), a write undone.

        Articles are never deleted, so their number names the stored set; placing a batch reads the
        counts of the same keys again and again under one generation.
        """
        stored = int(self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()[0])
        return stored, self.db.rollbacks

    def key_frequencies(self, keys: Iterable[str]) -> dict[str, int]:
        generation = self.key_generation()
        if generation != self._generation or len(self._frequencies) > _CACHED_KEYS:
            self._frequencies, self._generation = {}, generation
        known = self._frequencies
        wanted = list(keys)
        missing = [k for k in set(wanted) if k not in known]
        for start in range(0, len(missing), 500):
            chunk = missing[start:start + 500]
            marks = ",".join("?" * len(chunk))
            known.update(dict.fromkeys(chunk, 0))  # a key no stored article has
            known.update(self.db.execute(f"SELECT key, n FROM key_df WHERE key IN ({marks})", chunk).fetchall())
        return {k: known[k] for k in wanted if known[k]}

    def all_key_counts(self) -> dict[str, int]:
        return {r[0]: int(r[1]) for r in self.db.execute("SELECT key, n FROM key_df")}

    def replace_key_counts(self, counts: dict[str, int]) -> None:
        """Key counts recomputed from the stored articles (storyline check, after a store older than the fix)."""
        with self.db.transaction():
            self.db.execute("DELETE FROM key_df")
            self.db.executemany("INSERT INTO key_df (key, n) VALUES (?, ?)", sorted(counts.items()))
        self._generation = None
