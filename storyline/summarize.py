"""Cited briefing and timeline of one story, built from its aligned claims."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date

from .analyze.claims import numbers_in
from .analyze.dates import calendar_point, week_of
from .analyze.lexicon import NUMBER_WORDS, SPEECH_VERBS
from .disputes import quantities, singular
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


def _lower_first(text: str, by_id: dict[str, Article] | None = None) -> str:
    """The clause inside a sentence: its first word lower-cased when it is a common word, not a name. A word is common
    when it is on a short list or, given the story's articles, when they also write it in lower case ("Leaders")."""
    words = text.split(" ", 1)
    first = words[0]
    if first[:1].isupper() and not (first.isupper() and len(first) > 1) and (first.lower() in {
            "the", "a", "an", "in", "one", "two", "on", "at", "while", "with", "after", "before", "during", "as", "some", "this",
            "that", "these", "those", "it", "they", "he", "she", "meanwhile", "but", "and", "just", "despite"} | _NUMBERS
            or (by_id and _written_lower(first, by_id))):
        return first.lower() + (" " + words[1] if len(words) > 1 else "")
    return text


def _written_lower(word: str, by_id: dict[str, Article]) -> bool:
    pattern = re.compile(rf"(?<=[a-z,;] ){re.escape(word.lower())}\b")  # inside a sentence, after a word
    return any(pattern.search(a.text) for a in by_id.values())


def briefing(claims: Sequence[Claim], articles: Sequence[Article], limit: int) -> list[SummarySentence]:
    """The most corroborated claims first; single-source ones attributed; disputes stated as what is in dispute."""
    by_id = {a.id: a for a in articles}
    claim_by_id = {c.id: c for c in claims}
    order = {c.id: i for i, c in enumerate(claims)}
    # a dispute weighs more than all the origins on its sides: a reader must see where outlets disagree
    def weight(c: Claim) -> int:
        if c.status != "disputed":
            return len(c.origins)
        return 1 + len({o for x in (c.id, *c.conflicts_with) if x in claim_by_id for o in claim_by_id[x].origins})

    ranked = sorted(claims, key=lambda c: (-weight(c), c.status == "single_source", order[c.id]))
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
            text = f"According to {outlet} alone, {_lower_first(as_sentence(named_speaker(claim, by_id)), by_id)}"
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
        others = {n.text for n in article.mentions if n.label == "PERSON" and n.text not in speaker}
        return _with_name(text, name, others)
    return text


def _with_name(text: str, name: str, others: Collection[str] = ()) -> str:
    """The first "she said" / "said she" of the text with the name instead of the pronoun. Where another person
    is named before the pronoun ("Trump's call with Putin, during which he announced"), the pronoun may be theirs:
    the text is left as written rather than risk naming the wrong person."""
    for m in _PRONOUN.finditer(text):
        if any(other in text[:m.start()] for other in others):
            return text
        after = _WORD_AFTER.match(text, m.end())
        before = _WORD_BEFORE.search(text, 0, m.start())
        if (after and _is_speech(after.group(1))) or (before and _is_speech(before.group(1))):
            return text[:m.start()] + name + text[m.end():]
    return text


def _outlets(claim: Claim, by_id: dict[str, Article]) -> str:
    return ", ".join(sorted({by_id[a].source for a in claim.article_ids if a in by_id}))


def _says(outlets: str) -> str:
    return outlets + (" says" if ", " not in outlets else " say")


# a counted phrase ends where the sentence goes on to when, where or why ("... to hospital after the fire")
_PHRASE_END = frozenset("""after before when while but and as because since following during on at by according said
says told amid with""".split())


def _written(text: str, value: float) -> str:
    """A value as this source wrote it: "nine" where it spelled the number, "1.2 million" where it gave figures."""
    words = re.findall(r"[A-Za-z]+|[\d.,]+", text)
    for word in words:
        if word.lower() in NUMBER_WORDS and NUMBER_WORDS[word.lower()] == value and word.lower() not in ("a", "an"):
            return word.lower()
    return _number(value)


def _counted(text: str, unit: str) -> str | None:
    """What a figure counts, in the source's words: "workers were taken to hospital" for "Nine workers were taken
    to hospital after the fire"."""
    words = re.findall(r"[\w’'-]+|[^\w\s]", text)
    lowered = [w.lower() for w in words]
    for i, word in enumerate(lowered):
        if singular(word) == unit and i > 0:
            phrase = []
            for w in words[i:i + 6]:
                if not re.match(r"[\w’'-]", w) or w.lower() in _PHRASE_END:
                    break
                phrase.append(w)
            # a clause ("workers were taken to hospital"), not a bare phrase ("workers to hospital")
            verb = len(phrase) > 1 and (phrase[1].lower() in _FINITE or phrase[1].lower().endswith("ed"))
            return " ".join(phrase) if verb else None
    return None


_FINITE = frozenset("were was are is have has had will would could did died remain remained".split())


def _mention(claim: Claim, by_id: dict[str, Article]) -> ClaimMention | None:
    """The claim's own sentence as analysed in its article (with its stance and outcome)."""
    for article_id, sentence in claim.sources:
        article = by_id.get(article_id)
        found = next((c for c in article.claims if c.text == sentence), None) if article else None
        if found is not None and article_id in claim.article_ids:
            return found
    return None


# what each outcome kind puts in dispute (analyze/outcomes.py)
_QUESTIONS = {"accord": "whether an agreement was reached", "result": "who won", "verdict": "the verdict",
              "resignation": "whether they left the post",
              "death": "who died", "confirmation": "whether it was confirmed"}


def _figures(sentence: str) -> dict[str, set[float]]:
    return quantities(ClaimMention(text=sentence, start=0, end=0, numbers=numbers_in(sentence)))


def dispute_sentence(sides: Sequence[Claim], by_id: dict[str, Article]) -> str:
    """What is in dispute and who says what: "Sources disagree on how many workers were taken to hospital: nine
    (A, B); twelve (C)."; an outcome: "Sources disagree on whether an agreement was reached: A says ...; B says ..."."""
    # every sentence of every side, with the figures it gives: the conflict may sit in any member, not the one shown
    sentences = [[(by_id[a].source, s, _figures(s)) for a, s in (c.sources or [(x, c.text) for x in c.article_ids])
                  if a in by_id] for c in sides]
    units = [set().union(*(set(f) for _, _, f in side)) if side else set() for side in sentences]
    for unit in sorted(set.intersection(*units) if units else set()):
        by_value: dict[float, tuple[str, set[str]]] = {}
        counted = None
        for side in sentences:
            for outlet, sentence, figures in side:
                if len(figures.get(unit, ())) == 1:
                    value = next(iter(figures[unit]))
                    shown = by_value.setdefault(value, (_written(sentence, value) + ("%" if unit == "%" else ""), set()))
                    shown[1].add(outlet)
                    counted = counted or (_counted(sentence, unit) if unit != "%" else None)
        if len(by_value) > 1:
            what = "the percentage" if unit == "%" else f"how many {counted}" if counted else f"the number of {unit}s"
            parts = [f"{shown} ({', '.join(sorted(outlets))})"
                     for shown, outlets in sorted(by_value.values(), key=lambda v: -len(v[1]))]  # most outlets first
            return f"Sources disagree on {what}: " + "; ".join(parts) + "."
    outcomes = [(_mention(c, by_id) or ClaimMention(text="", start=0, end=0)).outcome for c in sides]
    kinds = {o.split(" ", 1)[0] for o in outcomes if o}
    if len(kinds) == 1 and all(outcomes) and len({o.split(" ", 2)[1] for o in outcomes if o}) == 2:
        question = _QUESTIONS.get(kinds.pop(), "what happened")
        ordered = sorted(zip(sides, outcomes), key=lambda pair: (pair[1] or "").split(" ", 2)[1] != "+")
        parts = [f"{_says(_outlets(c, by_id))} {_lower_first(named_speaker(c, by_id).rstrip('.'), by_id)}" for c, _ in ordered]
        return f"Sources disagree on {question}: " + "; ".join(parts) + "."
    denied = [c for c in sides if c.stance == "denied"]
    affirmed = [c for c in sides if c.stance != "denied"]
    if denied and affirmed:
        claim = affirmed[0]
        yes = ", ".join(sorted({_outlets(c, by_id) for c in affirmed}))
        no = ", ".join(sorted({_outlets(c, by_id) for c in denied}))
        return (f"Sources disagree on whether {_lower_first(named_speaker(claim, by_id).rstrip('.'), by_id)}: "
                f"{yes} {'reports' if ', ' not in yes else 'report'} it; {no} {'denies' if ', ' not in no else 'deny'} "
                f"it.")
    parts = [f"{_says(_outlets(c, by_id))} {_lower_first(named_speaker(c, by_id).rstrip('.'), by_id)}" for c in sides]
    return "Sources disagree: " + "; ".join(parts) + "."


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
                if _style_or_age(article.text, mention.start, mention.end):
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


def _style_or_age(text: str, start: int, end: int) -> bool:
    """ "1950s-style", "a 2019-era law", "the 1990-vintage car", "the post-1945 order", "pre-2008 levels": the
    expression describes a thing or a period, it dates no event."""
    return bool(_STYLE.match(text, end)) or bool(_PERIOD_PREFIX.search(text, max(0, start - 6), start))


_PERIOD_PREFIX = re.compile(r"\b(?:post|pre|inter)-$", re.I)
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
