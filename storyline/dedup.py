"""Near-duplicates and wire copies: articles that repeat another's text share its origin."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

_WORD = re.compile(r"\w+")
SHINGLE_SIZE = 5
SAMPLE_MODULUS = 2  # keep every hash divisible by this: a fixed, content-defined sample


def content_hash(title: str | None, outlet: str | None, text: str) -> str:
    """Identity of an article: the same outlet, headline and body are the same article."""
    body = " ".join(text.split())
    key = "\x1f".join([(outlet or "").strip().lower(), (title or "").strip().lower(), body])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def shingles(text: str) -> set[int]:
    """Hashed word 5-grams of the lower-cased text, sampled so that stored sets stay small."""
    words = [w.lower() for w in _WORD.findall(text)]
    out: set[int] = set()
    for i in range(max(1, len(words) - SHINGLE_SIZE + 1)):
        gram = " ".join(words[i:i + SHINGLE_SIZE])
        h = int.from_bytes(hashlib.blake2b(gram.encode("utf-8"), digest_size=8).digest(), "big") >> 1
        if h % SAMPLE_MODULUS == 0:
            out.add(h)
    return out


def containment(a: set[int], b: set[int]) -> float:
    """Share of the smaller text's shingles found in the other: a trimmed copy still scores high."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def find_origin(sample: set[int], candidates: Iterable[tuple[str, str, set[int]]], threshold: float) -> str | None:
    """The origin of the best-matching candidate (article id, its origin, its shingles), if any copies it."""
    best: tuple[float, str] | None = None
    for _article_id, origin, other in candidates:
        score = containment(sample, other)
        # very short texts share boilerplate-sized runs by chance: require a few shingles in common
        if score >= threshold and len(sample & other) >= 3 and (best is None or score > best[0]):
            best = (score, origin)
    return best[1] if best else None


class ShingleIndex:
    """Texts of the current batch by shingle, so a new text meets only those it shares words with."""

    def __init__(self) -> None:
        self._postings: dict[int, list[int]] = {}
        self._entries: list[tuple[str, str, set[int]]] = []

    def add(self, article_id: str, origin: str, sample: set[int]) -> None:
        for h in sample:
            self._postings.setdefault(h, []).append(len(self._entries))
        self._entries.append((article_id, origin, sample))

    def candidates(self, sample: set[int], limit: int = 20) -> list[tuple[str, str, set[int]]]:
        counts: dict[int, int] = {}
        for h in sample:
            for entry in self._postings.get(h, ()):
                counts[entry] = counts.get(entry, 0) + 1
        best = sorted(counts, key=lambda e: -counts[e])[:limit]
        return [self._entries[e] for e in best]
