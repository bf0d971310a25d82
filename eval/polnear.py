"""PolNeAR (../shared/corpus/polnear): articles, their human-marked attributions, and cached parses.

Attributions are broader than quotes (beliefs, intentions): a gold quote is an attribution whose cue is
a speech verb or whose content is quoted. It is *direct* when at least half its content's letters lie
inside quotation marks, else *reported* when its cue is a speech verb (partly quoted contents with other
cues count only in "all").

The gold speaker is the annotated source. A pronoun source (he, she, they, it, we, I) is resolved within
the article to the nearest earlier annotated source headed by a named entity (a PERSON for he/she/I; a
PERSON, ORG, GPE or NORP for they/it/we; for he/she never a given name of the other gender in
eval/data/given-names.tsv), as a reader of the article would; with none it stays unresolved. A
definite title source ("the president") is resolved to the nearest person the article gave that title
before it ("President Barack Obama", "Obama, the president"). This uses only the annotation and the
article's own named entities, never the extractor. Attributions without an annotated source count for
the span figures but not for speaker accuracy.

An article annotated twice keeps the first annotator's file (by file name), so each gold quote counts once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.common import SHARED

POLNEAR = SHARED / "corpus" / "polnear"
CACHE = Path("/tmp/quotes-cache")

# Speech cues of the gold side: fixed here so that changing the extractor's lexicon never moves the gold.
SPEECH_LEMMAS = frozenset("""
say tell add note write warn declare stress insist state claim argue explain announce emphasize emphasise
urge caution acknowledge admit assert confirm deny reply respond answer ask suggest promise pledge
vow threaten recall remark comment observe report reveal conclude concede contend maintain reiterate
underline highlight mention complain accuse predict estimate charge propose recommend tweet post
""".split())
PRONOUNS = {"he": "person", "she": "person", "i": "person", "him": "person", "her": "person",
            "they": "any", "it": "any", "we": "any", "them": "any"}
_NAMES = [line.split("\t") for line in (Path(__file__).resolve().parent / "data" / "given-names.tsv")
          .read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
FEMALE = frozenset(n for n, g in _NAMES if g == "f")
MALE = frozenset(n for n, g in _NAMES if g == "m")
_QUOTE_SPANS = re.compile(r"“[^”]*”|\"[^\"\n]*\"")


@dataclass(frozen=True)
class GoldQuote:
    content: tuple[tuple[int, int], ...]  # character spans (an attribution's content may be discontinuous)
    source: str | None  # the annotated source as written
    source_start: int
    cue: str
    direct: bool
    speech: bool
    speaker: str | None = None  # the source, pronouns resolved to the named entity they stand for
    named: bool = False  # the speaker holds a named entity

    @property
    def start(self) -> int:
        return self.content[0][0]

    @property
    def kind(self) -> str:
        return "direct" if self.direct else "reported" if self.speech else "other"


@dataclass(frozen=True)
class Attribution:
    content: tuple[tuple[int, int], ...]
    source: tuple[int, int, str] | None
    cue: tuple[tuple[int, int], ...]
    cue_text: str


def names(split: str) -> list[str]:
    return sorted(p.stem for p in (POLNEAR / split / "text").glob("*.txt"))


def text_of(split: str, name: str) -> str:
    return (POLNEAR / split / "text" / f"{name}.txt").read_text(encoding="utf-8")


def annotation_file(split: str, name: str) -> Path | None:
    files = sorted((POLNEAR / split / "attributions").glob(f"{name}_*.ann"))
    return files[0] if files else None


def read_attributions(path: Path) -> list[Attribution]:
    spans: dict[str, tuple[str, tuple[tuple[int, int], ...], str]] = {}
    events: list[dict[str, list[str]]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("T"):
            tid, middle, text = (line.split("\t") + ["", ""])[:3]
            label, _, offsets = middle.partition(" ")
            pairs = [p.split() for p in offsets.split(";")]
            if not pairs or any(len(p) != 2 or not (p[0].isdigit() and p[1].isdigit()) for p in pairs):
                continue  # a malformed span line: skipped, like the attribution that names it
            spans[tid] = (label, tuple((int(a), int(b)) for a, b in pairs), text)
        elif line.startswith("E"):
            roles: dict[str, list[str]] = {}
            for item in line.split("\t")[1].split():
                role, _, tid = item.partition(":")
                roles.setdefault(re.sub(r"\d+$", "", role), []).append(tid)
            events.append(roles)
    out = []
    for roles in events:
        content = tuple(sorted(p for tid in roles.get("Content", []) if tid in spans for p in spans[tid][1]))
        cue = tuple(sorted(p for tid in roles.get("Cue", []) if tid in spans for p in spans[tid][1]))
        if not content or not cue:
            continue
        source = None
        for tid in roles.get("Source", []):
            if tid in spans:
                parts = spans[tid][1]
                source = (parts[0][0], parts[-1][1], spans[tid][2])
                break
        cue_text = " ".join(spans[tid][2] for tid in roles.get("Cue", []) if tid in spans)
        out.append(Attribution(content=content, source=source, cue=cue, cue_text=cue_text))
    return out


def quoted_fraction(text: str, spans: tuple[tuple[int, int], ...]) -> float:
    letters = inside = 0
    quoted = [(m.start(), m.end()) for m in _QUOTE_SPANS.finditer(text)]
    for start, end in spans:
        for i in range(start, end):
            if text[i].isalnum():
                letters += 1
                inside += any(s <= i < e for s, e in quoted)
    return inside / letters if letters else 0.0


def _is_speech(doc: Any, attribution: Attribution) -> bool:
    if "according to" in attribution.cue_text.lower():
        return True
    for start, end in attribution.cue:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None and any(t.lemma_.lower() in SPEECH_LEMMAS for t in span):
            return True
    return False


def _named(doc: Any, start: int, end: int, labels: set[str]) -> str | None:
    """The named entity a source phrase is headed by ("Gov. Mike Pence", not "a Donald Trump tweet")."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    head = span.root
    for ent in doc.ents:
        if ent.label_ in labels and ent.start <= head.i < ent.end:
            return str(ent.text)
    return None


def _title_holder(doc: Any, start: int, end: int) -> str | None:
    """'the president' after 'President Barack Obama': the person the article itself gave that title,
    nearest before the source; None when the source is no definite title or nobody carries it."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or span[0].lower_ != "the" or span.root.pos_ != "NOUN":
        return None
    title = span.root.lower_
    for ent in reversed([e for e in doc.ents if e.label_ == "PERSON" and e.end_char <= start]):
        before = {t.lower_.rstrip(".") for t in doc[max(0, ent.start - 3):ent.start]}
        after = {t.lower_ for t in doc[ent.end:min(len(doc), ent.end + 6)]}
        if title in before or ("," in {t.text for t in doc[ent.end:ent.end + 1]} and title in after):
            return str(ent.text)
    return None


def gold_quotes(doc: Any, attributions: list[Attribution]) -> tuple[list[GoldQuote], list[Attribution]]:
    """The in-scope gold quotes of one article (pronoun sources resolved) and all its attributions."""
    text = doc.text
    ordered = sorted(attributions, key=lambda a: a.content[0][0])
    out: list[GoldQuote] = []
    sources = sorted((a.source for a in ordered if a.source), key=lambda s: s[0])
    for a in ordered:
        fraction = quoted_fraction(text, a.content)
        speech = _is_speech(doc, a)
        if not speech and fraction == 0:
            continue
        speaker, named = None, False
        if a.source is not None:
            start, end, written = a.source
            kind = PRONOUNS.get(written.lower().strip())
            if kind is None:
                speaker = written
                named = _named(doc, start, end, {"PERSON", "ORG", "GPE", "NORP"}) is not None
                holder = None if named else _title_holder(doc, start, end)
                if holder:
                    speaker, named = holder, True
            else:
                labels = {"PERSON"} if kind == "person" else {"PERSON", "ORG", "GPE", "NORP"}
                clash = MALE if written.lower().strip() in ("she", "her") else \
                    FEMALE if written.lower().strip() in ("he", "him") else frozenset()
                for s_start, s_end, s_text in reversed([s for s in sources if s[0] < start]):
                    entity = None if s_text.lower().strip() in PRONOUNS else _named(doc, s_start, s_end, labels)
                    if entity and entity.split()[0].lower() not in clash:
                        speaker, named = entity, True
                        break
                else:
                    speaker = written
        out.append(GoldQuote(content=a.content, source=a.source[2] if a.source else None,
                             source_start=a.source[0] if a.source else -1, cue=a.cue_text,
                             direct=fraction >= 0.5, speech=speech, speaker=speaker, named=named))
    return out, attributions


def parsed(split: str, nlp: Any, model: str, limit: int | None = None) -> Iterator[tuple[str, Any]]:
    """(name, doc) for a split, parsed once and kept in a DocBin under /tmp/quotes-cache."""
    from spacy.tokens import DocBin

    chosen = [n for n in names(split) if annotation_file(split, n)][:limit]
    path = CACHE / f"polnear-{split}-{model}-{len(chosen)}.spacy"
    if path.exists():
        docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
    else:
        docs = list(nlp.pipe((text_of(split, n) for n in chosen), batch_size=16))
        CACHE.mkdir(parents=True, exist_ok=True)
        DocBin(store_user_data=False, docs=docs).to_disk(path)
    yield from zip(chosen, docs)
