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


def _main_clause_negated(sent: Any) -> bool:
    """Negation of what the sentence asserts (its main verb, or what a speaker is said to have said),
    not of a relative clause inside it ("families who could not return home")."""
    root = sent.root
    heads = {root} | {c for c in root.children if c.dep_ in ("ccomp", "xcomp", "conj")}
    return any(t.dep_ == "neg" and t.head in heads for t in sent) or \
        any(c.lower_ in ("never", "no", "nobody", "none") and c.head in heads for c in sent)


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
        negated = _main_clause_negated(sent)
        attribution = next((q.speaker for q in quotes
                            if q.speaker and sent.start_char <= q.start < sent.end_char), None)
        claims.append(ClaimMention(text=text, start=sent.start_char, end=sent.end_char,
                                   numbers=numbers_in(text), negated=negated, attribution=attribution))
    return claims
