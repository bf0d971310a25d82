"""Cited briefing and timeline of one story, built from its aligned claims."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from .analyze.dates import calendar_point, week_of
from .analyze.lexicon import NUMBER_WORDS
from .model import Article, Claim, Event, SummarySentence

_NUMBERS = {w for w in NUMBER_WORDS if w.isalpha()}


def as_sentence(text: str) -> str:
    """A clause shown on its own: capitalised and closed with a full stop."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?", '"', "”", "’", "'")) else text + "."


def _reports(outlets: list[str]) -> str:
    return ", ".join(outlets) + (" reports" if len(outlets) == 1 else " report")


def _lower_first(text: str) -> str:
    words = text.split(" ", 1)
    first = words[0]
    if first[:1].isupper() and not (first.isupper() and len(first) > 1) and first.lower() in {
            "the", "a", "an", "in", "one", "two", "on", "at", "while", "with", "after", "before", "during", "as", "some", "this",
            "that", "these", "those", "it", "they", "he", "she", "meanwhile", "but", "and", "just", "despite"} | _NUMBERS:
        return first.lower() + (" " + words[1] if len(words) > 1 else "")
    return text


def briefing(claims: Sequence[Claim], articles: Sequence[Article], limit: int) -> list[SummarySentence]:
    """The most corroborated claims first; single-source ones attributed; disputes stated as disputes."""
    by_id = {a.id: a for a in articles}
    claim_by_id = {c.id: c for c in claims}
    order = {c.id: i for i, c in enumerate(claims)}
    ranked = sorted(claims, key=lambda c: (-len(c.origins), c.status == "single_source", order[c.id]))
    chosen: list[SummarySentence] = []
    used: set[str] = set()
    for claim in ranked:
        if len(chosen) >= limit:
            break
        if claim.id in used:
            continue
        used.add(claim.id)
        if claim.status == "disputed":
            others = [claim_by_id[c] for c in claim.conflicts_with if c in claim_by_id]
            used.update(o.id for o in others)
            parts = [_reports(sorted({by_id[a].source for a in c.article_ids})) +
                     f" that {_lower_first(c.text.rstrip('.'))}" for c in [claim, *others]]
            text = "Sources disagree: " + "; ".join(parts) + "."
            ids = tuple(dict.fromkeys(a for c in [claim, *others] for a in c.article_ids))
        elif claim.status == "corroborated":
            text, ids = as_sentence(claim.text), claim.article_ids
        else:
            outlet = by_id[claim.article_ids[0]].source
            text = f"According to {outlet} alone, {_lower_first(as_sentence(claim.text))}"
            ids = claim.article_ids
        chosen.append(SummarySentence(text=text, article_ids=ids))
    return chosen


@dataclass
class _Draft:
    date: str  # a calendar date (YYYY-MM-DD, YYYY-MM, YYYY) or, to merge only, an ISO week (YYYY-Www)
    precision: str  # day, month, year; week for a draft that can only merge into a dated one
    text: str
    dated_by: str
    articles: list[str] = field(default_factory=list)


_RANK = {"day": 3, "week": 2, "month": 1, "year": 0}


def timeline(articles: Sequence[Article], claims: Sequence[Claim]) -> list[Event]:
    """Dated happenings: the claim a calendar date sits in, merged across articles through its claim group.
    Only points in time count: durations, sets, decades, centuries and references ("now") date nothing, and a
    week ("last week") only adds its articles to a dated event of the same claim inside that week."""
    group_of: dict[tuple[str, str], Claim] = {}
    for claim in claims:
        for article_id, sentence in claim.sources:
            group_of[(article_id, sentence)] = claim
    drafts: dict[tuple[str, str], _Draft] = {}
    for article in articles:
        for claim_mention in article.claims:
            found = group_of.get((article.id, claim_mention.text))
            if found is None:
                continue
            for mention in article.dates:
                if mention.type not in ("DATE", "TIME") or not claim_mention.start <= mention.start < claim_mention.end:
                    continue
                if _style_or_age(article.text, mention.end):
                    continue
                point = calendar_point(mention.value)
                week = week_of(mention.value) if point is None else None
                if point is None and week is None:
                    continue
                day, precision = point if point else (f"{week[0]:04d}-W{week[1]:02d}", "week")  # type: ignore[index]
                # the sentence that gives this date, not the group's representative from another article
                draft = drafts.setdefault((found.id, day), _Draft(day, precision, claim_mention.text, mention.text))
                if article.id not in draft.articles:
                    draft.articles.append(article.id)
    merged = _merge_compatible(drafts)
    return sorted(merged, key=lambda e: (e.date, e.text))


def _style_or_age(text: str, end: int) -> bool:
    """ "1950s-style", "a 2019-era law", "the 1990-vintage car": the expression describes a thing, it dates no event."""
    return bool(_STYLE.match(text, end))


_STYLE = re.compile(r"-(?:style|era|vintage|type|model|inspired|like|themed|old|long|year)\b", re.I)


def _merge_compatible(drafts: dict[tuple[str, str], _Draft]) -> list[Event]:
    """One claim dated "February 12" by one source and "last week" by another is one event, on the precise date."""
    by_claim: dict[str, list[_Draft]] = {}
    for (claim_id, _value), draft in drafts.items():
        by_claim.setdefault(claim_id, []).append(draft)
    out: list[Event] = []
    for group in by_claim.values():
        group.sort(key=lambda d: -_RANK.get(d.precision, 0))
        kept: list[_Draft] = []
        for draft in group:
            target = next((k for k in kept if _within(draft.date, k.date)), None)
            if target is None:
                kept.append(draft)
            else:
                target.articles.extend(a for a in draft.articles if a not in target.articles)
        out.extend(Event(date=d.date, text=d.text, article_ids=tuple(d.articles), precision=d.precision,
                         dated_by=d.dated_by) for d in kept if d.precision != "week")
    return out


def _within(vague: str, precise: str) -> bool:
    """Does the less precise value contain the precise one (a week, month or year around a day)? Total: any value
    that is not a calendar date or a week contains nothing."""
    if vague == precise:
        return True
    week = week_of(vague)
    if week is not None:
        point = calendar_point(precise)
        if point is None or point[1] != "day":
            return False
        iso = date.fromisoformat(point[0]).isocalendar()
        return (iso[0], iso[1]) == week
    outer, inner = calendar_point(vague), calendar_point(precise)
    if outer is None or inner is None or _RANK[outer[1]] >= _RANK[inner[1]]:
        return False
    return inner[0].startswith(outer[0])
