"""Stories: an article joins the story it is most like (text, people and places, dates) or starts one."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from .analyze.entities import fold
from .embed import normalise
from .model import Article
from .settings import Options
from .store import Store, StoryRow

# Entity kinds that tell one event from another of the same kind (who, where), not generic groups.
_DISCRIMINATING = {"PERSON", "GPE", "LOC", "FAC", "ORG", "EVENT"}
TEXT_WEIGHT, ENTITY_WEIGHT = 0.6, 0.4


@dataclass(frozen=True)
class Placement:
    story_id: str
    similarity: float
    new: bool


def entity_keys(article: Article) -> Counter[str]:
    return Counter(fold(m.text) for m in article.mentions if m.label in _DISCRIMINATING and len(m.text) > 1)


def entity_overlap(keys: Counter[str], story: StoryRow) -> float:
    """Dice overlap between an article's names and the names the story keeps coming back to."""
    if not keys or not story.entity_keys:
        return 0.0
    floor = max(1, int(story.size * 0.3))
    core = {k for k, n in story.entity_keys.items() if n >= floor}
    mine = set(keys)
    return 2 * len(mine & core) / (len(mine) + len(core)) if core else 0.0


def similarity(vector: np.ndarray, keys: Counter[str], story: StoryRow) -> float:
    text = float(vector @ story.centroid) if story.centroid.size == vector.size else 0.0
    return TEXT_WEIGHT * text + ENTITY_WEIGHT * entity_overlap(keys, story)


def place(article: Article, vector: np.ndarray, store: Store, options: Options) -> Placement:
    """Put one stored article in a story, updating that story's centroid, names and dates."""
    keys = entity_keys(article)
    day = article.published[:10] if article.published else None
    best: tuple[float, StoryRow] | None = None
    for story in store.story_candidates(day, options.story_window_days):
        score = similarity(vector, keys, story)
        if best is None or score > best[0]:
            best = (score, story)
    if best is not None and best[0] >= options.story_threshold:
        score, story = best
        size = story.size + 1
        centroid = normalise((story.centroid * story.size + vector) / size)
        merged = Counter(story.entity_keys)
        merged.update({k: 1 for k in keys})
        first, last = _widen(story.first_date, story.last_date, day)
        store.save_story(StoryRow(id=story.id, title=story.title, size=size, first_date=first, last_date=last,
                                  centroid=centroid, entity_keys=dict(merged), updated_at=""))
        store.set_story(article.id, story.id)
        return Placement(story.id, score, new=False)
    story_id = store.new_story_id()
    title = article.title or _first_sentence(article.text)
    store.save_story(StoryRow(id=story_id, title=title, size=1, first_date=day, last_date=day, centroid=vector,
                              entity_keys={k: 1 for k in keys}, updated_at=""))
    store.set_story(article.id, story_id)
    return Placement(story_id, best[0] if best else 0.0, new=True)


def _widen(first: str | None, last: str | None, day: str | None) -> tuple[str | None, str | None]:
    if day is None:
        return first, last
    return (min(first, day) if first else day), (max(last, day) if last else day)


def _first_sentence(text: str, limit: int = 90) -> str:
    sentence = text.split("\n", 1)[0].split(". ", 1)[0].strip()
    return sentence if len(sentence) <= limit else sentence[:limit].rsplit(" ", 1)[0] + "…"


def in_window(a: str | None, b: str | None, days: int) -> bool:
    if not a or not b:
        return True
    return abs(date.fromisoformat(a[:10]) - date.fromisoformat(b[:10])) <= timedelta(days=days)
