"""Cited briefing and timeline of one story, built from its aligned claims."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from .analyze.claims import numbers_in
from .analyze.dates import calendar_point, week_of
from .analyze.lexicon import NUMBER_WORDS, SPEECH_VERBS
from .disputes import quantities
from .model import Article, Claim, ClaimMention, Event, SummarySentence

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
    """The most corroborated claims first; single-source ones attributed; disputes stated as what is in dispute."""
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
            text = dispute_sentence([claim, *others], by_id)
            ids = tuple(dict.fromkeys(a for c in [claim, *others] for a in c.article_ids))
        elif claim.status == "corroborated":
            text, ids = as_sentence(named_speaker(claim, by_id)), claim.article_ids
        else:
            outlet = by_id[claim.article_ids[0]].source
            text = f"According to {outlet} alone, {_lower_first(as_sentence(named_speaker(claim, by_id)))}"
            ids = claim.article_ids
        chosen.append(SummarySentence(text=text, article_ids=ids))
    return chosen


# a pronoun beside an inflected verb ("she said", "said she"); the verb must be a speech verb of the lexicon
_PRONOUN = re.compile(r"\b(she|he|they)\b", re.I)
_WORD_AFTER = re.compile(r"\s+([a-z]+)\b", re.I)
_WORD_BEFORE = re.compile(r"\b([a-z]+)\s+$", re.I)
_IRREGULAR = {"said": "say", "told": "tell", "wrote": "write", "spoke": "speak"}


def _is_speech(word: str) -> bool:
    """Whether an inflected verb ("said", "adds", "warned", "noted") is a speech verb."""
    word = word.lower()
    if word in _IRREGULAR:
        return True
    stems = {word, word[:-1], word[:-2], word[:-3] + "y" if word.endswith("ies") else word}
    return any(stem in SPEECH_VERBS for stem in stems)
_PRONOUNS = frozenset({"she", "he", "they", "her", "him", "them", "it", "i", "we"})


def named_speaker(claim: Claim, by_id: dict[str, Article]) -> str:
    """The claim's text with "she said" made "Mayor Ilse Varga said" where the quote's speaker is resolved."""
    text = claim.text
    for article_id, sentence in claim.sources:
        if sentence != text or article_id not in by_id:
            continue
        article = by_id[article_id]
        mention = next((c for c in article.claims if c.text == sentence), None)
        speaker = mention.attribution if mention else None
        if not speaker or speaker.lower() in _PRONOUNS:
            return text
        role = next((m.role for m in article.mentions if m.text == speaker and m.role), None)
        name = f"{role} {speaker}" if role and not speaker.startswith(role) else speaker
        return _with_name(text, name)
    return text


def _with_name(text: str, name: str) -> str:
    """The first "she said" / "said she" of the text with the name instead of the pronoun."""
    for m in _PRONOUN.finditer(text):
        after = _WORD_AFTER.match(text, m.end())
        before = _WORD_BEFORE.search(text, 0, m.start())
        if (after and _is_speech(after.group(1))) or (before and _is_speech(before.group(1))):
            return text[:m.start()] + name + text[m.end():]
    return text


def _outlets(claim: Claim, by_id: dict[str, Article]) -> str:
    return ", ".join(sorted({by_id[a].source for a in claim.article_ids if a in by_id}))


def dispute_sentence(sides: Sequence[Claim], by_id: dict[str, Article]) -> str:
    """What is in dispute and who says what: "Sources disagree on the number of workers: nine (A, B), twelve (C)"."""
    values = [quantities(ClaimMention(text=c.text, start=0, end=0, numbers=numbers_in(c.text))) for c in sides]
    common = set.intersection(*(set(v) for v in values)) if values else set()
    for unit in sorted(common):
        if all(len(v[unit]) == 1 for v in values) and len({next(iter(v[unit])) for v in values}) > 1:
            what = "the percentage" if unit == "%" else f"the number of {unit}s"
            by_value: dict[float, set[str]] = {}
            for claim, v in zip(sides, values):
                by_value.setdefault(next(iter(v[unit])), set()).update(
                    by_id[a].source for a in claim.article_ids if a in by_id)
            parts = [f"{_number(value)}{'%' if unit == '%' else ''} ({', '.join(sorted(outlets))})"
                     for value, outlets in by_value.items()]
            return f"Sources disagree on {what}: " + "; ".join(parts) + "."
    denied = [c for c in sides if c.stance == "denied"]
    affirmed = [c for c in sides if c.stance != "denied"]
    if denied and affirmed:
        claim = affirmed[0]
        return (f"Sources disagree on whether {_lower_first(claim.text.rstrip('.'))}: "
                f"{', '.join(_outlets(c, by_id) for c in affirmed)} report it; "
                f"{', '.join(_outlets(c, by_id) for c in denied)} deny it.")
    parts = [f"{_outlets(c, by_id)}: {_lower_first(c.text.rstrip('.'))}" for c in sides]
    return "Sources disagree: " + " ".join(as_sentence(p) for p in parts)


def _number(value: float) -> str:
    for word, scale in (("billion", 1e9), ("million", 1e6)):
        if value >= scale:
            return f"{value / scale:g} {word}"
    return f"{value:g}"


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
