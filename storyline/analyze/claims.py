"""Claims: the checkable assertions of one article (sentences with their numbers, negation and source)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..model import ClaimMention, QuoteMention
from .lexicon import NUMBER_WORDS

_NUMBER = re.compile(
    r"(?<![\w.-])(?:[$€£]\s?)?\d[\d,]*(?:\.\d+)?\s?(?:%|percent|per cent|million|billion|trillion|thousand)?"
    r"(?:\s(?:million|billion))?", re.I)
_COUNTED = "|".join(w for w in NUMBER_WORDS if w not in ("a", "an", "half", "couple", "dozen", "hundred"))
_NUMBER_WORD = re.compile(rf"\b({_COUNTED})\s+(?:more\s+)?([a-z]{{3,}})\b", re.I)
_NOT_COUNTS = {"of", "day", "days", "year", "years", "week", "weeks", "month", "months", "hour", "hours", "time",
               "another", "thing", "more", "side", "way", "last", "minute", "minutes", "decade", "decades"}
_MIN_WORDS = 6


def numbers_in(text: str) -> tuple[str, ...]:
    """Numeric expressions with their scale and the word they count: "1.2 million shells", "3%"."""
    out = []
    for m in _NUMBER.finditer(text):
        value = m.group(0).strip()
        if re.fullmatch(r"(1[6-9]|20|21)\d\d", value):
            continue  # a year is a date, handled by the date analyser
        out.append(f"{value} {_unit(text[m.end():])}".strip())
    for m in _NUMBER_WORD.finditer(text):
        unit = _unit(text[m.start(2):])
        if unit and unit not in _NOT_COUNTS:
            out.append(f"{NUMBER_WORDS[m.group(1).lower()]:g} {unit}")
    return tuple(out)


_FUNCTION = {"and", "or", "to", "by", "in", "of", "the", "a", "an", "on", "at", "for", "from", "with", "who", "that",
             "which", "were", "was", "are", "is", "had", "have", "has", "off", "than", "per", "as"}


def _unit(rest: str) -> str:
    """What a number counts: the head of the words after it ("two speed boats" -> "boats")."""
    words: list[str] = []
    for word in re.findall(r"[A-Za-z]+|[^\sA-Za-z]", rest[:60]):
        if not word.isalpha() or word.lower() in _FUNCTION or len(words) == 3:
            break
        words.append(word.lower())
    return words[-1] if words else ""


def _main_clause_negated(span: Any) -> bool:
    """Negation of what the clause asserts (its main verb, or what a speaker is said to have said),
    not of a relative clause inside it ("families who could not return home")."""
    root = span.root
    heads = {root} | {c for c in root.children if c.dep_ in ("ccomp", "xcomp", "conj")}
    return any(t.dep_ == "neg" and t.head in heads for t in span) or \
        any(c.lower_ in ("never", "no", "nobody", "none") and c.head in heads for c in span)


_CONTRAST_MARKS = {"while", "whereas", "although", "though"}
_EDGE = {",", ";", "and", "but", "—", "–", "-", "while", "whereas", "although", "though", "yet"}


def clauses(sent: Any) -> list[Any]:
    """A sentence's independent assertions: "X happened, and Y said Z" is two claims; "While A, B" is two.

    Only clean cuts are made (each part a contiguous span with its own verb and five words or more);
    otherwise the sentence stays whole.
    """
    root = sent.root
    parts = []
    for child in root.children:
        own_subject = any(c.dep_ in ("nsubj", "nsubjpass") for c in child.children)
        if (child.dep_ == "conj" and child.pos_ in ("VERB", "AUX") and own_subject) or \
                (child.dep_ == "advcl" and own_subject and
                 any(m.dep_ == "mark" and m.lower_ in _CONTRAST_MARKS for m in child.children)):
            tokens = list(child.subtree)
            parts.append((tokens[0].i, tokens[-1].i + 1))
    if not parts:
        return [sent]
    doc = sent.doc
    removed: set[int] = set()
    for a, b in parts:
        removed.update(range(a, b))
    main = [i for i in range(sent.start, sent.end) if i not in removed]
    spans = [(a, b) for a, b in parts]
    if main:
        if main[-1] - main[0] + 1 != len(main):
            return [sent]  # the main clause would be cut in two
        spans.append((main[0], main[-1] + 1))
    out = []
    for a, b in sorted(spans):
        while a < b and (doc[a].lower_ in _EDGE or doc[a].is_punct):
            a += 1
        while b > a and (doc[b - 1].lower_ in _EDGE or doc[b - 1].is_punct) and doc[b - 1].text not in ('"', "”"):
            b -= 1
        span = doc[a:b]
        if len([t for t in span if not t.is_punct]) < _MIN_WORDS or not any(t.pos_ in ("VERB", "AUX") for t in span):
            return [sent]
        out.append(span)
    return out


def extract_claims(doc: Any, quotes: Sequence[QuoteMention]) -> list[ClaimMention]:
    claims = []
    for sent in doc.sents:
        text = sent.text.strip()
        words = [t for t in sent if not t.is_punct and not t.is_space]
        if len(words) < _MIN_WORDS or text.endswith("?"):
            continue
        if not any(t.pos_ in ("VERB", "AUX") for t in sent):
            continue  # headings and captions assert nothing checkable
        if not text.endswith(('.', '!', '"', '”', "'", '’', ")", ":")):
            continue
        # spaCy sometimes leaves a closing quotation mark to the next sentence: give it back
        closing = sent.end < len(doc) and doc[sent.end].text in ('"', "”", "’") \
            and not sent[-1].is_space and not sent[-1].whitespace_
        for number, clause in enumerate(parts := clauses(sent)):
            if closing and number == len(parts) - 1:
                clause = doc[clause.start:sent.end + 1]
            clause_text = clause.text.strip()
            attribution = next((q.speaker for q in quotes
                                if q.speaker and clause.start_char <= q.start < clause.end_char), None)
            claims.append(ClaimMention(text=clause_text, start=clause.start_char, end=clause.end_char,
                                       numbers=numbers_in(clause_text), negated=_main_clause_negated(clause),
                                       attribution=attribution))
    return claims
