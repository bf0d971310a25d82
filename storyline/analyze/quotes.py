"""Quotes: direct quotations and reported speech, each with its speaker as the article names them."""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..model import Mention, QuoteMention
from .entities import strip_name
from .lexicon import (
    FEMALE_FIRST_NAMES,
    INSTITUTION_WORDS,
    MALE_FIRST_NAMES,
    PRONOUNS_FEMALE,
    PRONOUNS_MALE,
    ROLE_WORDS,
    SPEECH_VERBS,
    VAGUE_SPEAKERS,
)

_QUOTED = re.compile(r"“([^”]{1,3000})”|\"([^\"\n]{1,3000})\"|‘([^’\n]{3,3000}?[.,!?])’(?=\s|$|[,;:])"
                     r"|(?:(?<=^)|(?<=[\s(]))'([^\n]{3,3000}?[.,!?])'(?=\s|$|[,;:])", re.M)
# A quotation that runs on into the next paragraph opens it again and closes only at its end.
_OPEN_PARAGRAPH = re.compile(r"^[\"“]([^\"“”\n]{10,3000})$", re.M)
_MIN_WORDS_WITHOUT_CUE = 4  # shorter quoted runs with no speech verb are scare quotes, not quotations
_MIN_WORDS_WITH_CUE = 2
_SUBJECTS = ("nsubj", "nsubjpass")
_ORG_NOUNS = {"company", "firm", "carmaker", "group", "airline", "bank", "club", "operator", "manufacturer",
              "retailer", "insurer", "broadcaster", "newspaper", "network"}


def extract_quotes(doc: Any, mentions: Sequence[Mention]) -> list[QuoteMention]:
    """Direct quotations first found as spans, reported speech around them, then the direct quotes'
    speakers in text order, so that "she said" can lean on whoever spoke just before."""
    found: list[tuple[Any, int, str, Any]] = []  # match, content group, content, cue verb
    covered: list[tuple[int, int]] = []
    matches = sorted(list(_QUOTED.finditer(doc.text)) + list(_OPEN_PARAGRAPH.finditer(doc.text)),
                     key=lambda m: m.start())
    for match in matches:
        group = next(i for i in range(1, len(match.groups()) + 1) if match.group(i) is not None)
        if any(s <= match.start() < e for s, e in covered):
            continue
        content = match.group(group).strip().rstrip(",").strip()
        if not content or not any(c.isalpha() for c in content):
            continue
        verb = _speech_verb_near(doc, match.start(), match.end())
        if len(content.split()) < (_MIN_WORDS_WITH_CUE if verb is not None else _MIN_WORDS_WITHOUT_CUE):
            continue
        found.append((match, group, content, verb))
        covered.append((match.start(), match.end()))
    reported = _reported(doc, mentions, covered)
    pronoun_cues = {q.start: verb for q, verb in _reported_cues(doc, reported)
                    if any(c.dep_ in _SUBJECTS and c.lower_ in PRONOUNS_MALE | PRONOUNS_FEMALE for c in verb.children)}
    direct: list[QuoteMention] = []
    for match, group, content, verb in found:
        earlier = sorted([q for q in [*reported, *direct] if q.start < match.start()], key=lambda q: q.start)
        if verb is not None:
            speaker = _speaker(doc, verb, mentions, earlier, outside=(match.start(), match.end()))
        else:
            speaker = _colon_speaker(doc, match.start(), mentions) or _subject_speaker(doc, match.start(), mentions)
        if speaker is None and verb is None and direct and direct[-1].speaker \
                and _goes_on(doc.text, direct[-1].end, match.start(), match.end()):
            speaker = direct[-1].speaker  # the same speaker goes on in the paragraph's next quotation
        if speaker is None and verb is None and match.re is _OPEN_PARAGRAPH:
            speaker = _antecedent(match.start(), mentions, None, doc.text, earlier)
        if verb is None and speaker is None and _is_heading(doc.text, match.start(), match.end()):
            continue
        direct.append(QuoteMention(text=content.rstrip(".,;"), speaker=speaker, direct=True,
                                   start=match.start(group), end=match.end(group),
                                   cue=verb.lemma_ if verb is not None else None))
    # "He said the pair had underestimated ...": a pronoun leans on whoever spoke just before, quoted or not
    everything = sorted([*direct, *reported], key=lambda q: q.start)
    for index, quote in enumerate(everything):
        verb = pronoun_cues.get(quote.start)
        if verb is not None and not quote.direct:
            speaker = _speaker(doc, verb, mentions, everything[:index])
            everything[index] = replace(quote, speaker=speaker)
    return everything


def _goes_on(text: str, previous_end: int, start: int, end: int) -> bool:
    """Whether a quotation without a cue continues the one before: close by, in the same paragraph,
    or a paragraph of its own right after the previous quotation's paragraph."""
    between = text[previous_end:start]
    if previous_end > start or len(between) < 120 or "\n" not in between:
        return previous_end <= start
    return _is_heading(text, start, end) and between.strip("\n").count("\n") == 0 and \
        "\n" in between and text.rfind("\n", 0, start) - text.find("\n", previous_end) < 3


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
    after = span[-1].i + 1
    while after < len(doc) and doc[after].is_punct and "\n" not in doc[after].text_with_ws:
        after += 1
    stop = span[0].i
    if after < len(doc) and "\n" not in doc.text[end:doc[after].idx] and _runs_on(doc.text[start:end], doc[after]):
        # '"...," Tully said', '"... I have decided to endorse him," Blackwell wrote': the sentence goes on
        # after the closing mark (spaCy often starts a new one there); a quotation ending its sentence
        # takes no cue from the next one
        stop = max(sentence.end, doc[after].sent.end)
    candidates = [
        t for t in doc[sentence.start:max(stop, span[0].i)]
        if (t.idx < start or t.idx >= end) and (_is_speech(t) or _according_to(t))
    ]
    if not candidates:
        return None
    governing = [t for t in candidates if any(s.i == span[0].i or s.i == span[0].i + 1 for s in t.subtree)]
    pool = governing or candidates
    return min(pool, key=lambda t: min(abs(t.idx - start), abs(t.idx - end)))


def _runs_on(quoted: str, following: Any) -> bool:
    """Whether a quotation's sentence goes on after its closing mark: it ends with a comma, or with
    the next word is in lower case ('"Why?" he asked'), or it ends with ?/! and a short sentence follows."""
    body = quoted.strip(" \"“”‘’'")
    if body.endswith(",") or following.text[:1].islower():
        return True
    return body[-1:] in "?!" and len(following.sent) <= 8


def _according_to(token: Any) -> bool:
    return token.lower_ == "according" and token.i + 1 < len(token.doc) and token.doc[token.i + 1].lower_ == "to"


def _speaker(doc: Any, verb: Any, mentions: Sequence[Mention], earlier: Sequence[QuoteMention] = (),
             outside: tuple[int, int] | None = None) -> str | None:
    if _according_to(verb):
        to = doc[verb.i + 1]
        objects = [c for c in to.children if c.dep_ == "pobj"]
        return _name_for(doc, objects[0], mentions, earlier) if objects else None
    subjects = [c for c in verb.children if c.dep_ in _SUBJECTS
                and not (outside and outside[0] <= c.idx < outside[1])]  # "It" inside the quote never speaks
    subjects.sort(key=lambda c: c.pos_ != "PROPN")  # "The carmaker Veltro said": the name, not the noun
    # "adding he expected ...", "suggesting ...": a participle without a subject speaks for the main clause
    participle = not subjects and verb.tag_ == "VBG"
    if participle:
        subjects = _absolute_subject(verb)
    climb = verb
    upward = ("conj", "advcl", "xcomp", "pcomp", "prep") + (("ccomp",) if participle else ())
    for _ in range(4):  # "Kellogg compounded anxieties by declaring that ...": the subject of the verb above
        if subjects or climb.dep_ not in upward or climb.head is climb:
            break
        climb = climb.head
        if participle and _subordinate(climb):
            continue  # "..., when EU states collaborated, suggesting ...": not the subordinate clause's subject
        subjects = [c for c in climb.children if c.dep_ in _SUBJECTS]
    if not subjects and outside is not None and outside[1] <= verb.idx:
        # '"Very good reporter," Trump, the GOP frontrunner, said': a parse that took the quotation for
        # the subject; the first name between the closing mark and the verb speaks
        between = [m for m in mentions if outside[1] <= m.start and m.end <= verb.idx
                   and m.label in ("PERSON", "ORG", "GPE") and "\n" not in doc.text[outside[1]:m.start]]
        if between:
            return between[0].text
    if not subjects and verb.dep_ == "acl":  # "spokeswoman Christiane Hoffmann telling reporters"
        return _name_for(doc, verb.head, mentions, earlier)
    if not subjects:
        # a parse that lost the subject ("'...,' Tully said"): a name right next to the verb
        for neighbour in (verb.i - 1, verb.i + 1):
            if 0 <= neighbour < len(doc) and doc[neighbour].pos_ in ("PROPN", "ADV", "NOUN") \
                    and doc[neighbour].text[:1].isupper():
                named = [m for m in mentions if m.start <= doc[neighbour].idx < m.end]
                if named:
                    return named[0].text
        return None
    return _name_for(doc, subjects[0], mentions, earlier)


def _absolute_subject(verb: Any) -> list[Any]:
    """'with the U.S. then saying that ...': the noun the participle follows in a with-phrase speaks."""
    i = verb.i - 1
    while i >= 0 and verb.doc[i].pos_ == "ADV":
        i -= 1
    noun = verb.doc[i] if i >= 0 else None
    if noun is not None and noun.dep_ == "pobj" and noun.head.lower_ == "with" and noun.pos_ in ("PROPN", "NOUN"):
        return [noun]
    return []


def _subordinate(clause: Any) -> bool:
    """A clause a participle cannot take its subject from: a when/while/because clause, a relative
    clause, or the content of a speech verb (the participle then belongs to the speech verb)."""
    if clause.dep_ in ("advcl", "relcl") and any(c.dep_ in ("mark", "advmod") and c.tag_ in ("IN", "WRB")
                                                 for c in clause.children if c.i < clause.i):
        return True
    return clause.dep_ == "ccomp" and _is_speech(clause.head)


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


def _subject_speaker(doc: Any, quote_start: int, mentions: Sequence[Mention]) -> str | None:
    """'Baumer called the plan "an attack"': with no speech verb, the named subject of the sentence."""
    span = doc.char_span(quote_start, quote_start + 1, alignment_mode="expand")
    if span is None:
        return None
    root = span[0].sent.root
    subjects = [c for c in root.children if c.dep_ in _SUBJECTS and c.idx < quote_start]
    for subject in subjects:
        for mention in mentions:
            if mention.label == "PERSON" and any(mention.start <= t.idx < mention.end for t in subject.subtree):
                return mention.text
    return None


def _name_for(doc: Any, token: Any, mentions: Sequence[Mention], earlier: Sequence[QuoteMention] = ()) -> str | None:
    """The name a subject token stands for: an entity it is part of, a pronoun's antecedent, a title's holder."""
    for mention in mentions:
        if mention.start <= token.idx < mention.end:
            return mention.text
    # "Foreign Minister Peter Szijjarto", "the carmaker Veltro": the head noun's compounds hold the name
    # "Trump's special envoy, Keith Kellogg, has said": the possessor is not the speaker
    owners = {t.i for child in token.children if child.dep_ == "poss" for t in child.subtree}
    inside = [m for m in mentions if any(m.start <= child.idx < m.end for child in token.subtree
                                         if child.i not in owners)]
    if token.pos_ == "NOUN":
        common = _common_noun_speaker(doc, token, mentions)
        if common is not None:
            return common
        # "the French presidency", "the Trump campaign": a modifier's name is not the speaker
        inside = [m for m in inside if m.label == "PERSON" and not _modifies(doc, m, token)]
    for labels in (("PERSON",), ("ORG", "GPE", "NORP")):
        named = [m for m in inside if m.label in labels]
        if named:
            return named[0].text
    low = token.lower_
    if low in PRONOUNS_MALE | PRONOUNS_FEMALE:
        hint = None
        if token.sent.start > 0:  # the named subject of the sentence before, even when the tagger missed it
            before = doc[token.sent.start - 1].sent
            named = [c for c in before.root.children if c.dep_ in _SUBJECTS and c.pos_ == "PROPN"]
            hint = _name_for(doc, named[0], mentions) if named else None
        ranked = _ranked_antecedent(doc, token, mentions, earlier)
        if ranked is not None:
            return ranked
        return _antecedent(token.idx, mentions, female=low in PRONOUNS_FEMALE, text=doc.text, earlier=earlier,
                           hint=hint)
    if low in ROLE_WORDS:
        # "the NATO chief said": the last person this article gave that title
        words = {t.lower_ for t in token.subtree}
        for mention in sorted(mentions, key=lambda m: -m.start):
            if mention.start < token.idx and mention.role and words & set(mention.role.lower().split()):
                return mention.text
    if low in _ORG_NOUNS and any(c.lower_ == "the" for c in token.children):
        # "the company said": the organisation the article named last
        named = [m for m in mentions if m.label == "ORG" and m.end <= token.idx]
        if named:
            return named[-1].text
    if token.pos_ == "NOUN" and token.tag_ == "NN" and low in INSTITUTION_WORDS | ROLE_WORDS \
            and low not in VAGUE_SPEAKERS:
        # "the French presidency said", "the harbour master": an unnamed institution, as written
        phrase = [t for t in token.subtree if t.i <= token.i and t.dep_ in ("compound", "amod", "nmod") or t is token]
        if len(phrase) > 1 or low in INSTITUTION_WORDS - {"spokesman", "spokeswoman", "spokesperson"}:
            return " ".join(t.text for t in phrase)
    if token.pos_ == "PROPN":
        names = [t for t in token.subtree if t.pos_ == "PROPN" or t.text in ("-", "‐")]
        words = doc.text[names[0].idx:names[-1].idx + len(names[-1].text)].split()
        while len(words) > 1 and words[0].lower() in ROLE_WORDS:
            words = words[1:]
        return strip_name(" ".join(words)) or None
    return None


_SPOKES = {"spokesman", "spokeswoman", "spokesperson", "representative", "aide", "adviser", "advisor"}


def _modifies(doc: Any, mention: Mention, head: Any) -> bool:
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    return span is not None and span.root.head.i == head.i and span.root.dep_ in ("compound", "amod", "nmod", "poss")


def _common_noun_speaker(doc: Any, token: Any, mentions: Sequence[Mention]) -> str | None:
    """A speaker headed by a common noun: 'his spokesman, John Smith' is John Smith; 'a spokesman for
    the Foo campaign' and 'Foo's spokesman' are Foo's spokesman, not Foo."""
    for child in token.children:
        if child.dep_ == "appos":
            named = [m for m in mentions if m.label == "PERSON" and m.start <= child.idx < m.end]
            if named:
                return named[0].text
    if token.lower_ not in _SPOKES:
        return None
    owner = [c for c in token.children if c.dep_ == "poss" and c.pos_ == "PROPN"]
    owner += [g for c in token.children if c.dep_ == "prep" and c.lower_ == "for"
              for g in c.children if g.dep_ == "pobj"]
    owner += [c for c in token.children if c.dep_ == "compound" and c.pos_ == "PROPN"]
    if not owner:
        return None
    words = [t for t in owner[0].subtree if t.dep_ != "det" and t.dep_ != "case" and not t.is_punct]
    name = strip_name(" ".join(t.text for t in words))
    return f"{name}'s {token.lower_}" if name else None


def gender(name: str) -> str | None:
    first = name.split()[0].lower()
    return "f" if first in FEMALE_FIRST_NAMES else "m" if first in MALE_FIRST_NAMES else None


def _antecedent(position: int, mentions: Sequence[Mention], female: bool | None, text: str = "",
                earlier: Sequence[QuoteMention] = (), hint: str | None = None) -> str | None:
    """The person a he/she points back to: a named person earlier in the same sentence, else the last
    speaker, else the latest person named; a name of the other gender is never chosen."""
    persons = [m for m in mentions if m.start < position and m.label == "PERSON"]
    sentence_start = max(text.rfind(". ", 0, position), text.rfind("\n", 0, position)) if text else -1
    same = [m for m in persons if m.start > sentence_start]
    # in the pronoun's own sentence the subject usually comes first; the tagger's one-word "persons" are less sure
    same.sort(key=lambda m: (not _person_like(m, mentions), m.start))
    previous_start = max(text.rfind(". ", 0, max(0, sentence_start)), text.rfind("\n", 0, max(0, sentence_start)))
    previous = [m for m in persons if previous_start < m.start <= sentence_start]
    speakers = [q.speaker for q in sorted(earlier, key=lambda q: -q.start)
                if q.speaker and q.start < position and position - q.end < 400]
    candidates = [m.text for m in same] + ([hint] if hint else []) + \
        [m.text for m in sorted(previous, key=lambda m: -m.start)] + \
        speakers[:1] + [m.text for m in sorted(persons, key=lambda m: -m.start)]
    wanted = None if female is None else ("f" if female else "m")
    for name in candidates:
        if wanted is None or gender(name) in (wanted, None):
            return name
    return None


# A learned ranker picks the person a he/she speaker stands for: each earlier named person is scored by
# features of its latest mention (weights fitted on PolNeAR train by eval/fit_speakers.py, in storyline/data).
SPEAKER_FEATURES = ("same_sentence", "sentences_back", "log_distance", "latest", "second", "subject",
                    "speech_subject", "in_quote", "gender_agrees", "gender_clashes", "log_mentions",
                    "full_name", "possessive", "object_of_preposition", "previous_subject", "same_paragraph",
                    "recent_speaker", "last_quote_speaker", "paragraph_subject", "last_quote_here",
                    "previous_subject_here")
_WEIGHTS_PATH = Path(__file__).resolve().parent.parent / "data" / "speaker_weights.json"
_WINDOW_SENTENCES = 8


@functools.lru_cache(maxsize=1)
def speaker_weights() -> tuple[float, ...] | None:
    """The fitted weights, or None when the file is missing or was fitted on other features."""
    if not _WEIGHTS_PATH.exists():
        return None
    data = json.loads(_WEIGHTS_PATH.read_text(encoding="utf-8"))
    if tuple(data.get("features", ())) != SPEAKER_FEATURES:
        return None
    return tuple(float(w) for w in data["weights"])


def _surname_key(name: str) -> str:
    words = strip_name(name).lower().replace("’", "'").split()
    return words[-1] if words else ""


def antecedent_candidates(doc: Any, pronoun: Any, mentions: Sequence[Mention],
                          earlier: Sequence[QuoteMention] = ()) -> list[tuple[str, list[float]]]:
    """Each person named before a he/she (within a few sentences), with the features the ranker scores;
    earlier: the quotations found before it, whose latest speaker often goes on speaking."""
    position = pronoun.idx
    sentence = pronoun.sent
    sentences = list(doc.sents) if doc.has_annotation("SENT_START") or doc.has_annotation("DEP") else []
    index = {s.start: n for n, s in enumerate(sentences)}
    here = index.get(sentence.start, 0)
    first = sentences[max(0, here - _WINDOW_SENTENCES)].start_char if sentences else 0
    quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(doc.text)]
    paragraph_start = doc.text.rfind("\n", 0, position)
    wanted = "f" if pronoun.lower_ in PRONOUNS_FEMALE else "m"
    persons = [m for m in mentions if m.label == "PERSON" and m.end <= position]
    groups: dict[str, list[Mention]] = {}
    full: dict[str, str] = {}  # surname or given name -> the latest full name carrying it
    for mention in persons:
        words = strip_name(mention.text).lower().replace("’", "'").split()
        if not words:
            continue
        if len(words) > 1:
            key = " ".join(words)
            full[words[-1]] = full[words[0]] = key
        else:
            key = full.get(words[0], words[0])  # "Clinton" after "Bill Clinton" is Bill, not Hillary
        groups.setdefault(key, []).append(mention)
    previous_subjects: set[int] = set()
    if here > 0 and sentences:
        before = sentences[here - 1]
        previous_subjects = {t.i for c in before.root.children if c.dep_ in _SUBJECTS for t in c.subtree}
    ranked = sorted(groups.items(), key=lambda kv: -kv[1][-1].start)
    spoken = [q for q in earlier if q.speaker and q.end <= position and position - q.end < 1500]
    latest_quote = max(spoken, key=lambda q: q.end) if spoken else None
    last_speaker = _surname_key(latest_quote.speaker) if latest_quote and latest_quote.speaker else ""
    out: list[tuple[str, list[float]]] = []
    for rank, (key, group) in enumerate(ranked):
        last = group[-1]
        if last.start < first or not key:
            continue
        span = doc.char_span(last.start, last.end, alignment_mode="expand")
        if span is None:
            continue
        root = span.root
        back = here - index.get(root.sent.start, here)
        subject = root.dep_ in _SUBJECTS
        speech = subject and (_is_speech(root.head) or _according_to(root.head))
        name = max((m.text for m in group), key=lambda t: len(t.split()))
        g = gender(name) or _honorific_gender(doc.text, name)
        after = doc[span.end] if span.end < len(doc) else None
        features = [
            float(back == 0), min(back, _WINDOW_SENTENCES) / _WINDOW_SENTENCES,
            math.log1p(position - last.end) / 8, float(rank == 0), float(rank == 1),
            float(subject), float(speech), float(any(s <= last.start < e for s, e in quoted)),
            float(g == wanted), float(g is not None and g != wanted), math.log1p(len(group)) / 3,
            float(any(len(m.text.split()) > 1 for m in group)),
            float(after is not None and after.tag_ == "POS"), float(root.dep_ == "pobj"),
            float(root.i in previous_subjects), float(last.start > paragraph_start),
            0.0, float(bool(last_speaker) and last_speaker in {w.lower() for w in name.split()}),
            # the subject of a sentence earlier in the pronoun's own paragraph: a new paragraph that
            # opens on someone else moves the story to them
            float(any(m.start > paragraph_start and _is_subject_mention(doc, m) for m in group)),
            0.0, 0.0,
        ]
        # the same two signals inside the pronoun's paragraph only
        features[19] = features[17] * float(latest_quote is not None and latest_quote.end > paragraph_start)
        features[20] = features[14] * features[15]
        out.append((name, features))
    # the latest person who was the subject of a speech verb: quotations run on with their speaker
    for n, (_, features) in enumerate(out):
        features[16] = float(features[6] == 1.0 and all(f[6] == 0.0 for _, f in out[:n]))
    return out


def _is_subject_mention(doc: Any, mention: Mention) -> bool:
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    return span is not None and span.root.dep_ in _SUBJECTS


def _honorific_gender(text: str, name: str) -> str | None:
    """'Mrs. Clinton', 'Mr. Trump': the article's own honorific tells a surname's gender."""
    surname = strip_name(name).split()[-1] if strip_name(name) else ""
    if not surname:
        return None
    found = {m.group(1).lower() for m in re.finditer(rf"\b(Mr|Mrs|Ms|Miss)\.? {re.escape(surname)}\b", text)}
    if found == {"mr"}:
        return "m"
    return "f" if found and "mr" not in found else None


def _ranked_antecedent(doc: Any, pronoun: Any, mentions: Sequence[Mention],
                       earlier: Sequence[QuoteMention] = ()) -> str | None:
    weights = speaker_weights()
    if weights is None:
        return None
    candidates = antecedent_candidates(doc, pronoun, mentions, earlier)
    clash = SPEAKER_FEATURES.index("gender_clashes")
    candidates = [c for c in candidates if not c[1][clash]] or candidates  # never a name of the other gender
    # "Rubio had played down expectations. '...,' he told CBS." after a paragraph quoting someone else: the
    # paragraph's own previous subject. On train the ranker and this rule nearly tie here (114 v 109 of
    # 153, dev 10 v 10), and the gold, resolved through annotated sources, leans towards earlier speakers.
    here, quote_here = SPEAKER_FEATURES.index("previous_subject_here"), SPEAKER_FEATURES.index("last_quote_here")
    fresh = [c for c in candidates if c[1][here]]
    if fresh and not any(c[1][quote_here] for c in candidates):
        return fresh[0][0]
    if not candidates:
        return None
    return max(candidates, key=lambda c: sum(w * f for w, f in zip(weights, c[1])))[0]


def _person_like(mention: Mention, mentions: Sequence[Mention]) -> bool:
    """A one-word "person" is trusted only when a fuller name or a title backs it (the tagger errs on them)."""
    if len(mention.text.split()) > 1 or mention.role:
        return True
    return any(len(m.text.split()) > 1 and m.text.split()[-1] == mention.text for m in mentions)


def _reported_cues(doc: Any, reported: Sequence[QuoteMention]) -> list[tuple[QuoteMention, Any]]:
    """Each reported quote with the speech verb that introduced it (the verb whose clause it is)."""
    out = []
    for quote in reported:
        span = doc.char_span(quote.start, quote.end, alignment_mode="expand")
        if span is None:
            continue
        verb = span.root.head if span.root.dep_ == "ccomp" else None
        if verb is not None and _is_speech(verb):
            out.append((quote, verb))
    return out


def _content_first(verb: Any, clause: list[Any]) -> bool:
    """'Clinton's van was supposed to ..., another source said': the clause opens the sentence and the
    speech verb, with its subject after the clause, closes it."""
    if verb.dep_ != "ROOT":
        return False
    if any(not (t.is_punct or t.dep_ == "cc" or t.is_space) for t in verb.sent if t.i < clause[0].i):
        return False
    subjects = [c for c in verb.children if c.dep_ in _SUBJECTS]
    return bool(subjects) and all(c.i > clause[-1].i for c in subjects)


# Speech verbs whose direct object is the person addressed, not what was said ("told reporters").
_ADDRESSEE_VERBS = {"tell", "ask", "urge", "warn", "accuse", "charge", "thank", "remind", "caution", "answer",
                    "threaten", "mention", "recall"}
_MIN_REPORTED_WORDS = 3  # chosen on PolNeAR train (3 v 4: reported F1 0.872 v 0.867)
_MIN_OBJECT_WORDS = 3
# Which cue verb and kind of content make reported speech is learned: eval/fit_cues.py counts, on PolNeAR
# train, how often each (verb, kind) content was an annotated attribution, and keeps those above a
# threshold it picks there. Kinds: clause ("said that ..."), clause_first ("..., a source said"),
# parenthetical ("X, he says, is ..."), according ("according to"), infinitive ("vowed to ..."), object.
_CUES_PATH = Path(__file__).resolve().parent.parent / "data" / "cue_weights.json"
_PRIOR = 2.0


@functools.lru_cache(maxsize=1)
def cue_table() -> dict[str, Any] | None:
    if not _CUES_PATH.exists():
        return None
    data: dict[str, Any] = json.loads(_CUES_PATH.read_text(encoding="utf-8"))
    return data


def cue_precision(lemma: str, kind: str, table: dict[str, Any]) -> float:
    """How often this cue's content of this kind was reported speech on train, backed off to the kind's."""
    right, seen = table["kinds"].get(kind, (1, 2))
    prior = right / seen if seen else 0.5
    right, seen = table["cues"].get(f"{lemma} {kind}", (0, 0))
    return (right + _PRIOR * prior) / (seen + _PRIOR)


def _contents(token: Any) -> list[tuple[list[Any], bool, int, str]]:
    """The content of one cue: its clause, its object or infinitive ("proposed a safe zone", "vowed to
    protect"), or, for a parenthetical cue ("This campaign, he says, is different", "X, according to Y"),
    the clause around it. Each with whether the cue sits inside the content, its fewest words, its kind."""
    if _according_to(token):
        head = token.head
        if head.pos_ in ("VERB", "AUX"):
            cut = {t.i for t in token.subtree}
            return [([t for t in head.subtree if t.i not in cut], True, _MIN_REPORTED_WORDS, "according")]
        return []
    if not _is_speech(token):
        return []
    clauses = [c for c in token.children if c.dep_ == "ccomp"]
    if clauses:
        clause = next((c for c in clauses if c.i > token.i), clauses[0])  # "X, he says Y": Y
        kind = "clause" if clause.i > token.i else "clause_first"
        return [(list(clause.subtree), False, _MIN_REPORTED_WORDS, kind)]
    if token.dep_ == "parataxis" and token.head.pos_ in ("VERB", "AUX") and token.head.i < token.i:
        cut = {t.i for t in token.subtree}
        return [([t for t in token.head.subtree if t.i not in cut], True, _MIN_REPORTED_WORDS, "parenthetical")]
    out = []
    for child in token.children:
        if child.i < token.i:
            continue
        if child.dep_ == "xcomp" and child.pos_ == "VERB":
            out.append((list(child.subtree), False, _MIN_OBJECT_WORDS, "infinitive"))
        elif child.dep_ == "dobj" and child.pos_ in ("NOUN", "PROPN") and token.lemma_ not in _ADDRESSEE_VERBS \
                and child.ent_type_ != "PERSON":
            out.append((list(child.subtree), False, _MIN_OBJECT_WORDS, "object"))
    return out[:1]


def _reported(doc: Any, mentions: Sequence[Mention], covered: list[tuple[int, int]],
              seen: list[tuple[QuoteMention, str, str]] | None = None) -> list[QuoteMention]:
    """Reported speech: "Scholz said that negotiations could not succeed ..." (direct = false).
    seen: when given, every candidate goes there with its cue lemma and kind, the learned table unapplied."""
    out: list[QuoteMention] = []
    table = None if seen is not None else cue_table()
    for token in doc:
        for tokens, around, fewest, kind in _contents(token):
            while tokens and (tokens[0].is_punct or tokens[0].is_space):
                tokens = tokens[1:]
            while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
                tokens = tokens[:-1]
            if not tokens:
                continue
            start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
            if any(s <= start and end <= e for s, e in covered):
                continue
            quoted = sum(e - s for s, e in covered if start <= s and e <= end)
            if quoted > 0.6 * (end - start):
                continue  # mostly a direct quotation already listed
            if "\n" in doc.text[start:end] or (start < token.idx < end and not around):
                continue  # the content lies on one side of its verb, inside one paragraph
            if end <= token.idx and not around and not _content_first(token, tokens):
                continue
            if tokens[0].lower_ == "that" and len(tokens) > 1:
                tokens = tokens[1:]
                start = tokens[0].idx
            if around:
                content = "".join(t.text_with_ws for t in tokens).strip(" ,.")
            else:
                content = doc.text[start:end].strip(" ,.")
            if len(content.split()) < fewest:
                continue
            lemma = "according to" if _according_to(token) else token.lemma_.lower()
            if table is not None and cue_precision(lemma, kind, table) < table["threshold"]:
                continue
            quote = QuoteMention(text=content, speaker=_speaker(doc, token, mentions, out), direct=False,
                                 start=start, end=end, cue=lemma)
            out.append(quote)
            if seen is not None:
                seen.append((quote, lemma, kind))
    return out
