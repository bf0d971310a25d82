"""Claims: the checkable assertions of one article (sentences with their numbers, negation and source)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..model import ClaimMention, QuoteMention

_NUMBER = re.compile(
    r"(?<![\w.])(?:[$€£]\s?)?\d[\d,]*(?:\.\d+)?\s?(?:%|percent|per cent|million|billion|trillion|thousand)?"
    r"(?:\s(?:million|billion))?", re.I)
_MIN_WORDS = 6
_NEGATIONS = {"not", "no", "never", "nobody", "none", "neither", "nor", "n't", "without"}


def numbers_in(text: str) -> tuple[str, ...]:
    """Numeric expressions with their scale and the word they count: "1.2 million shells", "3%"."""
    out = []
    for m in _NUMBER.finditer(text):
        value = m.group(0).strip()
        if re.fullmatch(r"(1[6-9]|20|21)\d\d", value):
            continue  # a year is a date, handled by the date analyser
        follow = re.match(r"\s*([a-z]+)", text[m.end():])
        unit = follow.group(1) if follow and follow.group(1) not in ("and", "or", "to", "by", "in", "of", "the") else ""
        out.append(f"{value} {unit}".strip())
    return tuple(out)


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
        negated = any(t.dep_ == "neg" or t.lower_ in _NEGATIONS for t in sent)
        attribution = next((q.speaker for q in quotes
                            if q.speaker and sent.start_char <= q.start < sent.end_char), None)
        claims.append(ClaimMention(text=text, start=sent.start_char, end=sent.end_char,
                                   numbers=numbers_in(text), negated=negated, attribution=attribution))
    return claims
