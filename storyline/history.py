"""Story history: a compact snapshot per story version and the changes between consecutive versions."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from .model import Article, Story, StoryChange
from .store import Store
from .store.codec import now

log = logging.getLogger(__name__)

_STATUS_WORDS = {"corroborated": "corroborated", "single_source": "single source", "disputed": "disputed"}


def snapshot(story: Story, articles: Sequence[Article]) -> dict[str, Any]:
    """What a later version is compared with: each article's outlet and title, each claim's status and sources."""
    return {
        "articles": {a.id: {"outlet": a.source, "title": a.title or "", "origin": a.origin}
                     for a in articles if a.id in story.article_ids},
        "claims": [{"id": c.id, "text": c.text, "status": c.status, "origins": list(c.origins),
                    "conflicts": list(c.conflicts_with), "sources": [[a, t] for a, t in c.sources]}
                   for c in story.claims],
    }


def _quote(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return "“" + (text if len(text) <= limit else text[:limit - 1].rstrip() + "…") + "”"


def _names(outlets: Sequence[str]) -> str:
    outlets = list(dict.fromkeys(outlets))
    return outlets[0] if len(outlets) == 1 else ", ".join(outlets[:-1]) + " and " + outlets[-1] if outlets else "?"


def diff(before: dict[str, Any] | None, after: dict[str, Any], version: int, at: str) -> list[StoryChange]:
    """The changes from one snapshot to the next; the first version is one 'story_started' change."""
    articles: dict[str, dict[str, str]] = after["articles"]

    def outlet(article_id: str) -> str:
        return articles.get(article_id, {}).get("outlet", article_id)

    claims = after["claims"]
    if before is None:
        counts = Counter(c["status"] for c in claims)
        outlets = tuple(dict.fromkeys(outlet(a) for a in articles))
        return [StoryChange(
            version=version, at=at, kind="story_started", outlets=outlets, article_ids=tuple(articles),
            text=f"Story started with {len(articles)} article{'s' * (len(articles) != 1)} from {_names(outlets)}: "
                 f"{counts['corroborated']} corroborated, {counts['single_source']} single-source, "
                 f"{counts['disputed']} disputed claims")]
    changes: list[StoryChange] = []
    new_articles = [a for a in articles if a not in before["articles"]]
    for article_id in new_articles:
        title = articles[article_id].get("title")
        changes.append(StoryChange(version=version, at=at, kind="article_joined", outlets=(outlet(article_id),),
                                   article_ids=(article_id,),
                                   text=f"{outlet(article_id)} joined" + (f": {_quote(title)}" if title else "")))
    old_claims: list[dict[str, Any]] = before["claims"]
    where: dict[tuple[str, str], int] = {(a, t): i for i, c in enumerate(old_claims) for a, t in c["sources"]}
    by_id = {c["id"]: c for c in claims}
    still_asserted: set[int] = set()
    for claim in claims:
        sources = [(a, t) for a, t in claim["sources"]]
        overlap = Counter(where[s] for s in sources if s in where)
        still_asserted.update(overlap)
        status, text = claim["status"], claim["text"]
        common = {"version": version, "at": at, "claim_id": claim["id"], "claim": text}
        if not overlap:
            fresh = [a for a, _ in sources if a in new_articles]
            if fresh:  # a claim no new article brings is a regrouping of old sentences, not news
                outlets = tuple(dict.fromkeys(outlet(a) for a in fresh))
                changes.append(StoryChange(**common, kind="new_claim", after=status, outlets=outlets,
                                           article_ids=tuple(dict.fromkeys(fresh)),
                                           text=f"New claim ({_STATUS_WORDS[status]}) from {_names(outlets)}: "
                                                f"{_quote(text)}"))
            continue
        old = old_claims[overlap.most_common(1)[0][0]]
        common["earlier_outlets"] = tuple(dict.fromkeys(outlet(o) for o in old["origins"]))
        gained = [o for o in claim["origins"] if o not in old["origins"]]
        gained_outlets = tuple(dict.fromkeys(outlet(o) for o in gained))
        if status != old["status"]:
            if status == "corroborated":
                kind = "corroborated"
                line = (f"Now corroborated: {_names(gained_outlets or tuple(outlet(o) for o in claim['origins']))} "
                        f"independently report{'s' * (len(gained_outlets) == 1)} {_quote(old['text'])} "
                        f"(was {_STATUS_WORDS[old['status']]})")
                outlets, ids = gained_outlets, tuple(gained)
            elif status == "disputed":
                kind = "disputed"
                # who brought the disagreement: the new articles on either side, else the other side
                rivals = [a for cid in claim["conflicts"] for a, _ in by_id.get(cid, {}).get("sources", [])]
                # a new copy of an origin the claim already had agrees with it; a new origin on its side differs
                newcomers = [a for a, _ in sources if a in new_articles
                             and articles[a].get("origin", a) not in old["origins"]]
                fresh = [a for a in rivals if a in new_articles] or newcomers or rivals
                outlets = tuple(dict.fromkeys(outlet(a) for a in fresh))
                ids = tuple(dict.fromkeys(fresh))
                line = (f"Now disputed: {_names(outlets)} contradict{'s' * (len(outlets) == 1)} "
                        f"{_quote(old['text'])} (was {_STATUS_WORDS[old['status']]})")
            else:
                kind, outlets, ids = "status_changed", gained_outlets, tuple(gained)
                line = f"Now {_STATUS_WORDS[status]} (was {_STATUS_WORDS[old['status']]}): {_quote(old['text'])}"
            changes.append(StoryChange(**common, kind=kind, before=old["status"], after=status, outlets=outlets,
                                       article_ids=ids, text=line))
        elif gained and status == "corroborated":
            changes.append(StoryChange(
                **common, kind="new_origin", before=status, after=status, outlets=gained_outlets,
                article_ids=tuple(gained),
                text=f"{_names(gained_outlets)} also confirm{'s' * (len(gained_outlets) == 1)} {_quote(old['text'])} "
                     f"({len(claim['origins'])} independent origins now)"))
    for index, old in enumerate(old_claims):
        if index not in still_asserted:
            changes.append(StoryChange(version=version, at=at, kind="dropped", claim_id=old["id"], claim=old["text"],
                                       before=old["status"],
                                       text=f"No article in the story asserts {_quote(old['text'])} any more"))
    return changes


def record(story_ids: Sequence[str], build: Callable[[str], Story], store: Store) -> dict[str, list[StoryChange]]:
    """A new version for each story whose articles changed since its last version, with its changes."""
    recorded: dict[str, list[StoryChange]] = {}
    for story_id in story_ids:
        ids = store.story_article_ids(story_id)
        if not ids:
            continue
        version, before = store.story_last_snapshot(story_id)
        if before is not None and set(before["articles"]) == set(ids):
            continue  # nothing joined or left: same claims, no new version
        try:
            story = build(story_id)
        except Exception:  # one story's history must not fail the ingest that stored its articles
            log.exception("history: building story %s failed; no version recorded", story_id)
            continue
        after = snapshot(story, store.articles(ids))
        changes = diff(before, after, version + 1, now())
        store.add_story_version(story_id, after, changes)
        recorded[story_id] = changes
        log.info("history: %s version %d, %d changes", story_id, version + 1, len(changes))
    return recorded
