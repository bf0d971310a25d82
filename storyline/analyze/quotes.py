"""Quotes: direct quotations and reported speech, each with its speaker as the article names them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..model import Mention, QuoteMention
from .entities import strip_name
from .lexicon import FEMALE_FIRST_NAMES, PRONOUNS_FEMALE, PRONOUNS_MALE, ROLE_WORDS, SPEECH_VERBS

_QUOTED = re.compile(r"“([^”]{1,3000})”|\"([^\"\n]{1,3000})\"")
_MIN_WORDS_WITHOUT_CUE = 4  # shorter quoted runs with no speech verb are scare quotes, not quotations
_MIN_WORDS_WITH_CUE = 2
_SUBJECTS = ("nsubj", "nsubjpass")


def extract_quotes(doc: Any, mentions: Sequence[Mention]) -> list[QuoteMention]:
    quotes: list[QuoteMention] = []
    covered: list[tuple[int, int]] = []
    for match in _QUOTED.finditer(doc.text):
        group = 1 if match.group(1) is not None else 2
        start, end = match.start(group), match.end(group)
        content = match.group(group).strip().rstrip(",").strip()
        if not content or not any(c.isalpha() for c in content):
            continue
        verb = _speech_verb_near(doc, match.start(), match.end())
        words = len(content.split())
        if words < (_MIN_WORDS_WITH_CUE if verb is not None else _MIN_WORDS_WITHOUT_CUE):
            continue
        speaker = _speaker(doc, verb, mentions) if verb is not None else _colon_speaker(doc, match.start(), mentions)
        if speaker is None and verb is None and quotes and quotes[-1].direct and quotes[-1].speaker \
                and 0 <= match.start() - quotes[-1].end < 120:
            speaker = quotes[-1].speaker  # the same speaker goes on in the next quoted sentence
        if verb is None and speaker is None and _is_heading(doc.text, match.start(), match.end()):
            continue
        quotes.append(QuoteMention(text=content.rstrip(".,;"), speaker=speaker, direct=True, start=start, end=end,
                                   cue=verb.lemma_ if verb is not None else None))
        covered.append((match.start(), match.end()))
    quotes.extend(_reported(doc, mentions, covered))
    quotes.sort(key=lambda q: q.start)
    return quotes


def _is_heading(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start:line_end if line_end >= 0 else len(text)]
    return line.strip().strip("'\"“”‘’") == text[start:end].strip().strip("'\"“”‘’")


def _is_speech(token: Any) -> bool:
    return token.pos_ in ("VERB", "AUX") and token.lemma_.lower() in SPEECH_VERBS


def _speech_verb_near(doc: Any, start: int, end: int) -> Any | None:
    """The speech verb of the sentence around a quotation, outside the quoted words, nearest first."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    sentence = span[0].sent
    # a closing quote mark often starts spaCy's next sentence: look one token past the quotation too
    stop = max(sentence.end, min(len(doc), span[-1].i + 2))
    tail = span[-1].sent if span[-1].sent.start <= span[-1].i + 1 < span[-1].sent.end else None
    if tail is not None and tail.start > sentence.start and doc[tail.start].idx >= end - 2:
        stop = max(stop, tail.end)
    candidates = [
        t for t in doc[sentence.start:stop]
        if (t.idx < start or t.idx >= end) and (_is_speech(t) or _according_to(t))
    ]
    if not candidates:
        return None
    governing = [t for t in candidates if any(s.i == span[0].i or s.i == span[0].i + 1 for s in t.subtree)]
    pool = governing or candidates
    return min(pool, key=lambda t: min(abs(t.idx - start), abs(t.idx - end)))


def _according_to(token: Any) -> bool:
    return token.lower_ == "according" and token.i + 1 < len(token.doc) and token.doc[token.i + 1].lower_ == "to"


def _speaker(doc: Any, verb: Any, mentions: Sequence[Mention]) -> str | None:
    if _according_to(verb):
        to = doc[verb.i + 1]
        objects = [c for c in to.children if c.dep_ == "pobj"]
        return _name_for(doc, objects[0], mentions) if objects else None
    subjects = [c for c in verb.children if c.dep_ in _SUBJECTS]
    if not subjects and verb.dep_ in ("conj", "advcl", "xcomp") and verb.head is not verb:
        subjects = [c for c in verb.head.children if c.dep_ in _SUBJECTS]
    if not subjects and verb.dep_ == "acl":  # "spokeswoman Christiane Hoffmann telling reporters"
        return _name_for(doc, verb.head, mentions)
    if not subjects:
        return None
    return _name_for(doc, subjects[0], mentions)


def _colon_speaker(doc: Any, quote_start: int, mentions: Sequence[Mention]) -> str | None:
    """'Sikorski framed the challenge in stark terms: "..."': the person before the colon."""
    before = doc.text[max(0, quote_start - 3):quote_start]
    if ":" not in before:
        return None
    token = doc.char_span(quote_start - 3, quote_start, alignment_mode="expand")
    if token is None:
        return None
    sentence = token[0].sent
    persons = [m for m in mentions if m.label == "PERSON" and sentence.start_char <= m.start < quote_start]
    return persons[0].text if persons else None


def _name_for(doc: Any, token: Any, mentions: Sequence[Mention]) -> str | None:
    """The name a subject token stands for: an entity it is part of, a pronoun's antecedent, a title's holder."""
    for mention in mentions:
        if mention.start <= token.idx < mention.end:
            return mention.text
    # "Foreign Minister Peter Szijjarto": the head noun's compounds hold the name
    for child in token.subtree:
        for mention in mentions:
            if mention.label == "PERSON" and mention.start <= child.idx < mention.end:
                return mention.text
    low = token.lower_
    if low in PRONOUNS_MALE | PRONOUNS_FEMALE:
        return _antecedent(token.idx, mentions, female=low in PRONOUNS_FEMALE, text=doc.text)
    if low in ROLE_WORDS:
        # "the NATO chief said": the last person this article gave that title
        words = {t.lower_ for t in token.subtree}
        for mention in sorted(mentions, key=lambda m: -m.start):
            if mention.start < token.idx and mention.role and words & set(mention.role.lower().split()):
                return mention.text
    if token.pos_ == "PROPN":
        names = [t for t in token.subtree if t.pos_ == "PROPN" or t.text in ("-", "‐")]
        words = doc.text[names[0].idx:names[-1].idx + len(names[-1].text)].split()
        while len(words) > 1 and words[0].lower() in ROLE_WORDS:
            words = words[1:]
        return strip_name(" ".join(words)) or None
    return None


def _antecedent(position: int, mentions: Sequence[Mention], female: bool, text: str = "") -> str | None:
    """The person a he/she points back to: a named person earlier in the same sentence, else the latest one."""
    persons = [m for m in mentions if m.start < position and m.label == "PERSON"]
    sentence_start = max(text.rfind(". ", 0, position), text.rfind("\n", 0, position)) if text else -1
    same = [m for m in persons if m.start > sentence_start]
    # in the pronoun's own sentence the subject usually comes first; the tagger's one-word "persons" are less sure
    same.sort(key=lambda m: (not _person_like(m, mentions), m.start))
    for mention in same + sorted(persons, key=lambda m: -m.start):
        first = mention.text.split()[0].lower()
        if (first in FEMALE_FIRST_NAMES) == female:
            return mention.text
    return None


def _person_like(mention: Mention, mentions: Sequence[Mention]) -> bool:
    """A one-word "person" is trusted only when a fuller name or a title backs it (the tagger errs on them)."""
    if len(mention.text.split()) > 1 or mention.role:
        return True
    return any(len(m.text.split()) > 1 and m.text.split()[-1] == mention.text for m in mentions)


def _reported(doc: Any, mentions: Sequence[Mention], covered: list[tuple[int, int]]) -> list[QuoteMention]:
    """Reported speech: "Scholz said that negotiations could not succeed ..." (direct = false)."""
    out = []
    for token in doc:
        if not _is_speech(token):
            continue
        clauses = [c for c in token.children if c.dep_ == "ccomp"]
        if not clauses:
            continue
        clause = clauses[0]
        tokens = list(clause.subtree)
        start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
        if any(s <= start and end <= e for s, e in covered):
            continue
        quoted = sum(e - s for s, e in covered if start <= s and e <= end)
        if quoted > 0.6 * (end - start):
            continue  # mostly a direct quotation already listed
        if start < token.idx or "\n" in doc.text[start:end]:
            continue  # "X said that Y": the content follows its verb, inside one paragraph
        if tokens[0].lower_ == "that":
            start = tokens[1].idx if len(tokens) > 1 else start
        content = doc.text[start:end].strip(" ,.")
        if len(content.split()) < 4:
            continue
        out.append(QuoteMention(text=content, speaker=_speaker(doc, token, mentions), direct=False,
                                start=start, end=end, cue=token.lemma_))
    return out
