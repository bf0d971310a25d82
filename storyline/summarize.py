"""Cited briefing and timeline of one story, built from its aligned claims."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .analyze.lexicon import NUMBER_WORDS
from .model import Article, Claim, Event, SummarySentence

_NUMBERS = {w for w in NUMBER_WORDS if w.isalpha()}
_PRECISION = {10: 3, 8: 2, 7: 1, 4: 0}  # length of a TIMEX value -> how specific it is (day, week, month, year)


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
    date: str
    text: str
    articles: list[str] = field(default_factory=list)


def timeline(articles: Sequence[Article], claims: Sequence[Claim]) -> list[Event]:
    """Dated happenings: the claim a date sits in, merged across articles through its claim group."""
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
            values = [d.value for d in article.dates
                      if d.value and d.type in ("DATE", "TIME") and claim_mention.start <= d.start < claim_mention.end
                      and d.value[:1].isdigit()]
            for value in values:
                # the sentence that gives this date, not the group's representative from another article
                draft = drafts.setdefault((found.id, value[:10]), _Draft(value[:10], claim_mention.text))
                if article.id not in draft.articles:
                    draft.articles.append(article.id)
    merged = _merge_compatible(drafts)
    return sorted(merged, key=lambda e: (e.date, e.text))


def _merge_compatible(drafts: dict[tuple[str, str], _Draft]) -> list[Event]:
    """One claim dated "February 12" by one source and "last week" by another is one event, on the precise date."""
    by_claim: dict[str, list[_Draft]] = {}
    for (claim_id, _value), draft in drafts.items():
        by_claim.setdefault(claim_id, []).append(draft)
    out: list[Event] = []
    for group in by_claim.values():
        group.sort(key=lambda d: -_PRECISION.get(len(d.date), 0))
        kept: list[_Draft] = []
        for draft in group:
            target = next((k for k in kept if _within(draft.date, k.date)), None)
            if target is None:
                kept.append(draft)
            else:
                target.articles.extend(a for a in draft.articles if a not in target.articles)
        out.extend(Event(date=d.date, text=d.text, article_ids=tuple(d.articles)) for d in kept)
    return out


def _within(vague: str, precise: str) -> bool:
    """Does the less precise value contain the precise one (a week, month or year around a day)?"""
    if vague == precise:
        return True
    if "-W" in vague and len(precise) == 10:
        from datetime import date

        year, _, week = vague.partition("-W")
        try:  # a week-like value that is no ISO week ("2019-WI", winter) contains no day
            iso = date.fromisoformat(precise).isocalendar()
            return iso[0] == int(year) and iso[1] == int(week[:2])
        except ValueError:
            return False
    return precise.startswith(vague)
