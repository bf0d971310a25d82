"""Stories: an article joins the story it is most like (text, people and places, dates) or starts one."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from .analyze.entities import fold
from .embed import normalise
from .errors import StoryNotFound
from .model import Article
from .settings import Options
from .store import Store, StoryRow

# Entity kinds that tell one event from another of the same kind (who, where), not generic groups.
_DISCRIMINATING = {"PERSON", "GPE", "LOC", "FAC", "ORG", "EVENT"}
# Weights measured on ECB+ dev (eval/stories.py): text similarity alone cannot tell two earthquakes apart.
TEXT_WEIGHT, KEY_WEIGHT = 0.4, 0.6
CORE_SHARE = 0.3  # a story's core keys are those in at least this share of its articles
# Part of the key overlap that is containment of the article's keys in the story core, not Jaccard.
# ECB+ dev B-cubed F1: 0.946 at 0, 0.919 at 0.3; at 0 the bundled analysis piece leaves its story.
CONTAINMENT_SHARE = 0.3


@dataclass(frozen=True)
class Placement:
    story_id: str
    similarity: float
    new: bool


def story_keys(article: Article) -> set[str]:
    """What pins an article to one event: names, absolute dates and counted numbers it mentions."""
    keys = {fold(m.text) for m in article.mentions if m.label in _DISCRIMINATING and len(m.text) > 1}
    keys |= {"date:" + d.value for d in article.dates if d.value and d.type == "DATE" and d.value[:1].isdigit()}
    keys |= {"num:" + n for c in article.claims for n in c.numbers}
    return keys


def core_keys(story: StoryRow) -> set[str]:
    """The keys a story keeps coming back to: in at least CORE_SHARE of its articles."""
    floor = max(1, int(story.size * CORE_SHARE))
    return {k for k, n in story.entity_keys.items() if n >= floor}


def key_overlap(keys: set[str], story: StoryRow, idf: dict[str, float]) -> float:
    """IDF-weighted Jaccard between an article's keys and the keys the story keeps coming back to."""
    core = core_keys(story)
    union = keys | core
    if not union:
        return 0.0
    weight = lambda k: idf.get(k, idf.get("", 1.0))  # noqa: E731
    shared = sum(weight(k) for k in keys & core)
    jaccard = shared / sum(weight(k) for k in union)
    # a large story gathers many names: Jaccard alone would push away an article that shares its core
    contained = shared / sum(weight(k) for k in keys) if keys else 0.0
    return (1 - CONTAINMENT_SHARE) * jaccard + CONTAINMENT_SHARE * contained


def similarity(vector: np.ndarray, keys: set[str], story: StoryRow, idf: dict[str, float]) -> float:
    text = float(vector @ story.centroid) if story.centroid.size == vector.size else 0.0
    return TEXT_WEIGHT * text + KEY_WEIGHT * key_overlap(keys, story, idf)


def _idf(store: Store, keys: set[str], stories: list[StoryRow]) -> dict[str, float]:
    # only the keys similarity() weighs: a large story's rare side keys would cost a lookup each, for nothing
    wanted = set(keys)
    for story in stories:
        wanted |= core_keys(story)
    total = store.count_articles()
    frequencies = store.key_frequencies(wanted)
    idf = {k: math.log((total + 1) / (frequencies.get(k, 0) + 0.5)) for k in wanted}
    idf[""] = math.log((total + 1) / 0.5)  # a key no stored article has
    return idf


def place(article: Article, vector: np.ndarray, store: Store, options: Options) -> Placement:
    """Put one stored article in a story, updating that story's centroid, names and dates."""
    keys = story_keys(article)
    day = article.published[:10] if article.published else None
    best: tuple[float, StoryRow] | None = None
    candidates = store.story_candidates(day, options.story_window_days)
    idf = _idf(store, keys, candidates)
    for story in candidates:
        score = similarity(vector, keys, story, idf)
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


def rebuild(story_id: str, store: Store) -> StoryRow | None:
    """A story's centroid, names and dates recomputed from its members (None, and the row gone, when empty)."""
    members = store.articles(store.story_article_ids(story_id))
    if not members:
        store.delete_story(story_id)
        return None
    old = store.story(story_id)
    vectors = [store.article_vector(a.id) for a in members]
    keys: Counter[str] = Counter()
    for article in members:
        keys.update(story_keys(article))
    days = sorted(a.published[:10] for a in members if a.published)
    row = StoryRow(id=story_id, title=old.title, size=len(members), first_date=days[0] if days else None,
                   last_date=days[-1] if days else None, centroid=normalise(np.mean(vectors, axis=0)),
                   entity_keys=dict(keys), updated_at="")
    store.save_story(row)
    return row


def consolidate(story_ids: list[str], store: Store, options: Options, small: int = 2) -> list[str]:
    """After a batch: an article left alone in a tiny story moves to the story it now fits best.

    Early in a batch a story knows few of its names; by the end it knows them all, so the first
    placement of a stray article can be revisited. Returns the stories that still exist.
    """
    for story_id in list(story_ids):
        consolidate_one(story_id, store, options, small)
    return [s for s in story_ids if _exists(store, s)]


def consolidate_one(story_id: str, store: Store, options: Options, small: int = 2) -> None:
    """One story of consolidate(): its articles move if it is tiny and they now fit a larger story better."""
    try:
        row = store.story(story_id)
    except StoryNotFound:
        return
    if row.size > small:
        return
    for article in store.articles(store.story_article_ids(story_id)):
        vector = store.article_vector(article.id)
        keys = story_keys(article)
        day = article.published[:10] if article.published else None
        candidates = [c for c in store.story_candidates(day, options.story_window_days)
                      if c.id != story_id and c.size > row.size]
        idf = _idf(store, keys, candidates)
        scored = [(similarity(vector, keys, c, idf), c.id) for c in candidates]
        best_score, best_id = max(scored) if scored else (0.0, "")
        if best_score >= options.story_threshold:
            store.set_story(article.id, best_id)
            rebuild(best_id, store)
    rebuild(story_id, store)


def _exists(store: Store, story_id: str) -> bool:
    try:
        store.story(story_id)
    except StoryNotFound:
        return False
    return True


def _widen(first: str | None, last: str | None, day: str | None) -> tuple[str | None, str | None]:
    if day is None:
        return first, last
    return (min(first, day) if first else day), (max(last, day) if last else day)


def _first_sentence(text: str, limit: int = 90) -> str:
    sentence = text.split("\n", 1)[0].split(". ", 1)[0].strip()
    return sentence if len(sentence) <= limit else sentence[:limit].rsplit(" ", 1)[0] + "…"
