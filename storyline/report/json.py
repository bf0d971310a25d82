"""The JSON contract (analysis v1): every required field, plus additions that never rename or drop one."""

from __future__ import annotations

import json as jsonlib
from typing import Any

from ..model import Analysis, Article, Story, StoryChange


def article_dict(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "path": article.path,
        "outlet": article.outlet,
        "title": article.title,
        "author": article.author,
        "published": article.published,
        "text": article.text,
        "removed": list(article.removed),
        "origin": article.origin,
        "dates": [{"text": d.text, "value": d.value, "type": d.type, "start": d.start, "end": d.end}
                  for d in article.dates],
        "url": article.url,
    }


def story_dict(story: Story) -> dict[str, Any]:
    return {
        "id": story.id,
        "title": story.title,
        "article_ids": list(story.article_ids),
        "entities": [{"id": e.id, "name": e.name, "type": e.type, "aliases": list(e.aliases),
                      "roles": list(e.roles), "article_ids": list(e.article_ids), "mentions": e.mention_count}
                     for e in story.entities],
        "quotes": [{"text": q.text, "speaker": q.speaker, "entity_id": q.entity_id, "article_id": q.article_id,
                    "direct": q.direct, "group": q.group} for q in story.quotes],
        "events": [{"date": e.date, "text": e.text, "article_ids": list(e.article_ids), "precision": e.precision,
                    "dated_by": e.dated_by} for e in story.events],
        "claims": [{"id": c.id, "text": c.text, "status": c.status, "article_ids": list(c.article_ids),
                    "conflicts_with": list(c.conflicts_with), "origins": list(c.origins), "reason": c.reason,
                    "stance": c.stance, "reported_by": list(c.reported_by), "happening": c.happening,
                    "sources": [{"article_id": a, "text": t} for a, t in c.sources]}
                   for c in story.claims],
        "happenings": [{"id": h.id, "text": h.text, "claim_ids": list(h.claim_ids), "article_ids": list(h.article_ids),
                        "origins": h.origins, "outlets": list(h.outlets)} for h in story.happenings],
        "summary": [{"text": s.text, "article_ids": list(s.article_ids)} for s in story.summary],
        "changes": [change_dict(c) for c in story.changes],
    }


def change_dict(change: StoryChange) -> dict[str, Any]:
    return {"version": change.version, "at": change.at, "kind": change.kind, "text": change.text,
            "claim_id": change.claim_id, "claim": change.claim, "before": change.before, "after": change.after,
            "outlets": list(change.outlets), "article_ids": list(change.article_ids),
            "earlier_outlets": list(change.earlier_outlets)}


def to_dict(analysis: Analysis) -> dict[str, Any]:
    return {
        "schema_version": analysis.schema_version,
        "articles": [article_dict(a) for a in analysis.articles],
        "stories": [story_dict(s) for s in analysis.stories],
        "skipped": [{"path": s.path, "reason": s.reason, "code": s.code, "line": s.line} for s in analysis.skipped],
    }


def render(analysis: Analysis) -> str:
    return jsonlib.dumps(to_dict(analysis), ensure_ascii=False, indent=2) + "\n"
