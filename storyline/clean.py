"""Cleaning: boilerplate out, metadata found, broken lines joined; every removed piece kept."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from . import clean_rules as rules
from .analyze.dates import parse_date
from .model import CleanDocument, RawDocument

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_MD_BOLD = re.compile(r"^\*\*(.+?)\*\*$|^__(.+?)__$")
_WORD = re.compile(r"[\w’']+")
_TOP_LINES = 8  # title, byline, outlet and metadata live in the first lines of a text


@dataclass
class _Line:
    text: str  # stripped, markdown markers removed
    raw: str  # as in the input (stripped), for `removed`
    heading: bool = False
    blank_before: bool = False
    junk: str | None = None  # rule family that removed it
    role: str | None = None  # title, byline, outlet


@dataclass
class _Found:
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: str | None = None
    url: str | None = None
    removed: list[str] = field(default_factory=list)


def clean_document(doc: RawDocument) -> CleanDocument:
    """Clean one document's text; fields the input gave win over what the text suggests."""
    text, found = _clean_text(doc.text or "", known_title=_tidy(doc.title))
    published = doc.published
    if published is None and found.published:
        published = found.published
    return CleanDocument(
        path=doc.path, text=text, removed=tuple(found.removed),
        title=_tidy(doc.title) or found.title, outlet=_tidy(doc.outlet) or found.outlet,
        author=_tidy(doc.author) or found.author, published=_iso(published),
        id=doc.id, url=doc.url or found.url, line=doc.line,
    )


def clean_documents(docs: Sequence[RawDocument]) -> list[CleanDocument]:
    """Clean a batch, then remove lines that recur across one outlet's articles (its template)."""
    cleaned = [clean_document(d) for d in docs]
    return remove_outlet_template(cleaned)


def remove_outlet_template(docs: list[CleanDocument], min_articles: int = 3) -> list[CleanDocument]:
    """A short paragraph found in several articles of one outlet is that outlet's boilerplate."""
    by_outlet: dict[str, list[int]] = defaultdict(list)
    for i, doc in enumerate(docs):
        if doc.outlet:
            by_outlet[doc.outlet.lower()].append(i)
    out = list(docs)
    for indexes in by_outlet.values():
        if len(indexes) < min_articles:
            continue
        counts: Counter[str] = Counter()
        for i in indexes:
            counts.update({p for p in docs[i].text.split("\n\n") if len(_WORD.findall(p)) < 30})
        # an outlet's own template recurs in most of its articles, a shared sentence in a few
        template = {p for p, n in counts.items() if n >= max(min_articles, len(indexes) // 2)}
        if not template:
            continue
        for i in indexes:
            paragraphs = docs[i].text.split("\n\n")
            kept = [p for p in paragraphs if p not in template]
            if len(kept) != len(paragraphs) and kept:
                out[i] = replace(docs[i], text="\n\n".join(kept),
                                 removed=docs[i].removed + tuple(p for p in paragraphs if p in template))
    return out


def _tidy(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def _iso(value: str | None) -> str | None:
    """Publication date as ISO; a value that is not a date is dropped rather than guessed."""
    if not value:
        return None
    value = value.strip()
    if re.match(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}.*)?$", value):
        return value.replace(" ", "T", 1) if len(value) > 10 else value
    day = parse_date(value)
    return day.isoformat() if day else None


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = _ZERO_WIDTH.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return text.replace("\u00a0", " ").replace("\t", " ")


def _lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    blank = False
    for raw in normalise(text).split("\n"):
        stripped = raw.strip()
        if not stripped:
            blank = True
            continue
        heading = False
        body = stripped
        if _MD_HEADING.match(body):
            body, heading = _MD_HEADING.sub("", body), True
        bold = _MD_BOLD.match(body)
        if bold:
            body, heading = (bold.group(1) or bold.group(2)).strip(), True
        lines.append(_Line(text=body, raw=stripped, heading=heading, blank_before=blank))
        blank = False
    return lines


def _clean_text(text: str, known_title: str | None = None) -> tuple[str, _Found]:
    found = _Found(title=known_title)
    lines = _lines(text)
    _find_outlet(lines, found)
    _strip_published_prefix(lines, found)
    _mark_junk(lines, found)
    _mark_blocks(lines)
    _mark_tail(lines)
    _mark_repeats(lines)
    _mark_top(lines, found)
    for line in lines:
        if line.junk:
            found.removed.append(line.raw)
        elif line.role == "byline":
            found.removed.append(line.raw)
    body = [ln for ln in lines if not ln.junk and ln.role is None]
    return _paragraphs(body), found


def _find_outlet(lines: list[_Line], found: _Found) -> None:
    for line in lines:
        for pattern in rules.OUTLET_SELF_REFERENCES:
            m = pattern.search(line.text)
            if m:
                outlet = m.group("outlet").strip(" :.")
                if 1 <= len(outlet.split()) <= 6:
                    found.outlet = outlet
                    return


def _strip_published_prefix(lines: list[_Line], found: _Found) -> None:
    if not lines:
        return
    first = lines[0]
    m = rules.PUBLISHED_PREFIX.match(first.text)
    if m and len(first.text) > m.end():
        found.published = m.group("date")
        found.removed.append(first.text[:m.end()].strip())
        first.text = first.text[m.end():]


# URL punctuation with the spaces some tokenised corpora put around it ("http: / / example. com / a - b")
_URL_GLUE = re.compile(r"\s*([/.\-_?=&#:+%~])\s*")
_URL = re.compile(r"(https?|ftp)://[^\s/]+\.[^\s]+", re.I)


def source_url(text: str) -> str | None:
    """The URL a line consists of, if it is nothing but a URL (spaces around its punctuation allowed)."""
    if text[:4].lower() not in ("http", "ftp:"):
        return None
    glued = _URL_GLUE.sub(r"\1", text.strip())
    return glued if _URL.fullmatch(glued) else None


def _mark_junk(lines: list[_Line], found: _Found) -> None:
    for line in lines:
        for published in rules.PUBLISHED_LINES:
            m = published.match(line.text)
            if m and not rules.NOT_PUBLISHED.search(line.text) and len(line.text) < 80:
                day = parse_date(m.group("date"))
                if day and found.published is None:
                    found.published = day.isoformat()
        for family, patterns in rules.JUNK_LINES.items():
            if any(p.match(line.text) for p in patterns):
                line.junk = family
                break


def _mark_blocks(lines: list[_Line]) -> None:
    """Appeals and promotions: from an opener to its closer (or the end), if the block is about money or sign-up."""
    i = 0
    while i < len(lines):
        if any(p.match(lines[i].text) for p in rules.BLOCK_OPENERS):
            end = len(lines)
            for j in range(i + 1, len(lines)):
                if any(p.match(lines[j].text) for p in rules.BLOCK_CLOSERS):
                    end = j + 1
                    break
            block = lines[i:end]
            signals = sum(1 for ln in block if rules.BLOCK_SIGNALS[0].search(ln.text))
            if signals >= 1 and (end < len(lines) or len(block) <= 12):
                for ln in block:
                    ln.junk = ln.junk or "appeal"
                i = end
                continue
        i += 1


def _mark_tail(lines: list[_Line]) -> None:
    """After a "Related"/"Read more" heading near the end, short link lines are not body."""
    for i, line in enumerate(lines):
        if line.junk or not any(p.match(line.text) for p in rules.TAIL_HEADINGS):
            continue
        rest = lines[i + 1:]
        if all(len(_WORD.findall(ln.text)) <= 15 or ln.junk for ln in rest) and len(rest) <= 30:
            for ln in [line, *rest]:
                ln.junk = ln.junk or "related"
            return


_REPEAT_WINDOW = 3  # a caption is repeated next to itself; a refrain or an interview question recurs far apart


def _mark_repeats(lines: list[_Line]) -> None:
    """A line repeated right after itself is a caption or player debris: keep the first, remove the copies."""
    last_seen: dict[str, int] = {}
    for index, line in enumerate(lines):
        key = " ".join(line.text.lower().split())
        if len(key) < 12:
            continue
        if key in last_seen and index - last_seen[key] <= _REPEAT_WINDOW and not line.junk:
            line.junk = "repeat"
        last_seen[key] = index


_DANGLING = {"the", "a", "an", "and", "or", "of", "to", "for", "in", "on", "with", "by", "at", "from", "as", "but"}


def _is_headline(text: str) -> bool:
    """Short, unpunctuated at the end, and not stopping mid-phrase ("... transport and the")."""
    words = _WORD.findall(text)
    return 2 <= len(words) <= 25 and not text.endswith((".", "?", "!", ",", ";")) \
        and words[-1].lower() not in _DANGLING


def _mark_top(lines: list[_Line], found: _Found) -> None:
    """Title, byline and outlet lines at the top of the text."""
    content = [ln for ln in lines if not ln.junk]
    top = content[:_TOP_LINES]
    known = " ".join(found.title.lower().split()) if found.title else None
    for index, line in enumerate(top):
        words = _WORD.findall(line.text)
        if line.role is None and rules.ADDRESS_LINE.match(line.text) and all(p.role for p in top[:index]):
            line.role = "address"  # the page's address above the headline: neither title nor body
            found.url = found.url or source_url(line.text)
            found.removed.append(line.raw)
            continue
        if known and " ".join(line.text.lower().split()) == known and line.role is None:
            line.role = "title"  # the headline the input gave, repeated at the top of the body
            continue
        following = content[index + 1] if index + 1 < len(content) else None
        body_follows = any(len(_WORD.findall(ln.text)) >= 6 and ln.text.endswith(rules.TERMINAL)
                           for ln in content[index + 1:index + 1 + _TOP_LINES])
        if found.title is None and line.role is None and _is_headline(line.text) and following is not None \
                and not following.text[:1].islower() \
                and (line.heading or body_follows):
            # a title precedes the body: only lines that are all junk or metadata may come before it
            if all(prev.role is not None for prev in top[:index]):
                line.role, found.title = "title", line.text
                continue
        if len(words) <= 8:
            for pattern in rules.BYLINES:
                m = pattern.match(line.text)
                if m and found.author is None:
                    line.role, found.author = "byline", m.group("author").strip()
                    break
            if line.role:
                continue
            if found.outlet and line.text.startswith(found.outlet) and len(words) <= len(found.outlet.split()) + 2:
                line.role = "outlet"  # "Brackmoor Courier staff": the outlet signing instead of a person
                found.removed.append(line.raw)
                continue
            lowered = {w.lower() for w in words}
            if len(words) <= 4 and (line.heading or index <= 2) and lowered & rules.OUTLET_WORDS \
                    and not line.text.endswith("."):
                line.role = "outlet"
                found.outlet = found.outlet or line.text
                found.removed.append(line.raw)


def _paragraphs(lines: list[_Line]) -> str:
    """One paragraph per line, except where a sentence was broken across lines: join it again."""
    paragraphs: list[str] = []
    # a text laid out one sentence a line (most long lines end a sentence) breaks lines only between sentences:
    # an unpunctuated line there is a headline or a standfirst, never the first half of the next sentence
    long_lines = [ln.text for ln in lines if len(_WORD.findall(ln.text)) >= 6]
    by_sentence = len(long_lines) >= 4 and sum(t.endswith(rules.TERMINAL) for t in long_lines) >= 0.8 * len(long_lines)
    for line in lines:
        if paragraphs and _continues(paragraphs[-1], line.text) and not (by_sentence and line.text[:1].isupper()):
            prev = paragraphs[-1]
            if prev.endswith("-") and line.text[:1].islower():
                paragraphs[-1] = prev + line.text
            else:
                paragraphs[-1] = prev + " " + line.text
        else:
            paragraphs.append(line.text)
    return "\n\n".join(" ".join(p.split()) for p in paragraphs)


def _continues(previous: str, current: str) -> bool:
    if previous.endswith(rules.TERMINAL):
        return False
    words = _WORD.findall(previous)
    if current[:1].islower() or current[:1] in ",;)":
        return len(words) >= 3
    # a heading is short, has no commas and capitalises its words; a broken body line is long prose
    return ("," in previous and len(words) >= 8) or (len(words) >= 14 and not _title_case(words))


def _title_case(words: list[str]) -> bool:
    long_words = [w for w in words if len(w) > 3]
    return bool(long_words) and sum(w[:1].isupper() for w in long_words) >= 0.8 * len(long_words)
