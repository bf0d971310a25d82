"""storyline check: the store's integrity and storyline's own invariants, repaired where it can.

Invariants: every article is in a story that exists; no story waits for consolidation; each story's
size is its number of articles; the story-key counts, and each story's keys, are those of the stored
articles; shingles, names and the search index belong to stored articles. A stopped run can leave the
first two behind (the next ingest finishes them too); the others only a store from an older version
(or one whose story keys have changed since) or a hand edit. Repair places and consolidates what is
left, rebuilds stories whose size or keys are wrong, recounts keys and rebuilds the search index.
"""

from __future__ import annotations

from collections import Counter

from . import stories
from .model import CheckReport
from .pipeline import Batch, Pipeline
from .settings import Options
from .store import Store


def check(store: Store, options: Options, repair: bool = True) -> CheckReport:
    problems: list[str] = []
    repaired: list[str] = []
    for finding in store.integrity_problems():
        problems.append(f"database integrity: {finding}")  # not repairable here: restore from a backup

    dangling = store.dangling_placements()
    if dangling:
        problems.append(f"{len(dangling)} articles placed in a story that does not exist")
        if repair:
            store.unplace(dangling)
            repaired.append(f"{len(dangling)} articles taken out of missing stories, to be placed again")

    mismatched = store.story_size_mismatches()
    if mismatched:
        problems.append(f"{len(mismatched)} stories whose size is not their number of articles")
        if repair:
            for story_id, _, _ in mismatched:
                stories.rebuild(story_id, store)
            repaired.append(f"{len(mismatched)} stories rebuilt from their articles (empty ones removed)")

    counted: Counter[str] = Counter()
    for article in store.iter_articles():
        counted.update(stories.story_keys(article))
    recorded = store.all_key_counts()
    if dict(counted) != recorded:
        wrong = sum(1 for k in set(counted) | set(recorded) if counted.get(k, 0) != recorded.get(k, 0))
        problems.append(f"{wrong} story-key counts differ from the stored articles")
        if repair:
            store.replace_key_counts(dict(counted))
            repaired.append(f"{len(counted)} story-key counts recomputed")

    # story keys as an older version typed them (untyped names, no words), or from before a change of
    # story_keys: placement would match new articles against keys they can never have. One story at a time.
    stale = [story_id for story_id in store.story_ids()
             if store.story(story_id).entity_keys != _member_keys(story_id, store)]
    if stale:
        problems.append(f"{len(stale)} stories whose story keys are not those of their articles")
        if repair:
            for story_id in stale:
                stories.rebuild(story_id, store)
            repaired.append(f"{len(stale)} stories' keys, centroids and dates rebuilt from their articles")

    unplaced, pending = store.count_unplaced(), store.count_pending()
    if unplaced or pending:
        problems.append(f"{unplaced} articles in no story, {pending} stories waiting for consolidation")
        if repair:
            Pipeline(options, store).step_stories(Batch(inputs=()))
            repaired.append(f"{unplaced} articles placed, {pending} stories consolidated")

    orphans, unindexed = store.orphan_rows(), store.unindexed_articles()
    if orphans or unindexed:
        problems.append(f"{orphans} rows of missing articles, {unindexed} articles missing from the search index")
        if repair:
            store.repair_rows()
            repaired.append("orphan rows removed, search index rebuilt")

    return CheckReport(articles=store.count_articles(), stories=len(store.stories()), problems=tuple(problems),
                       repaired=tuple(repaired))



def _member_keys(story_id: str, store: Store) -> dict[str, int]:
    counted: Counter[str] = Counter()
    for article in store.articles(store.story_article_ids(story_id)):
        counted.update(stories.story_keys(article))
    return dict(counted)
