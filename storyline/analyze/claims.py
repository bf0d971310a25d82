"""Claims: the checkable assertions of one article (sentences with their numbers, negation and source)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..model import ClaimMention, QuoteMention
from ..nlp import TITLES
from .lexicon import NUMBER_WORDS
from .outcomes import act_of, outcome_of

_NUMBER = re.compile(
    r"(?<![\w.-])(?:[$€£]\s?)?\d[\d,]*(?:\.\d+)?\s?(?:%|percent|per cent|million|billion|trillion|thousand)?"
    r"(?:\s(?:million|billion))?", re.I)
_COUNTED = "|".join(w for w in NUMBER_WORDS if w not in ("a", "an", "half", "couple", "dozen", "hundred"))
_NUMBER_WORD = re.compile(rf"\b({_COUNTED})\s+(?:more\s+)?([a-z]{{3,}})\b", re.I)
_NOT_COUNTS = {"of", "day", "days", "year", "years", "week", "weeks", "month", "months", "hour", "hours", "time",
               "another", "thing", "more", "side", "way", "last", "minute", "minutes", "decade", "decades"}
_MIN_WORDS = 6


_SPACED_DECIMAL = re.compile(r"(?<![\d.,])(\d{1,3})\. (\d+)(?![\d:])")


def join_decimals(text: str) -> str:
    """A decimal written with a space after its point reads as one number: "0. 07 percent" -> "0.07 percent" (the
    sentence splitter keeps such a point inside the sentence: nlp.paragraph_boundaries)."""
    return _SPACED_DECIMAL.sub(r"\1.\2", text)


def numbers_in(text: str) -> tuple[str, ...]:
    """Numeric expressions with their scale and the word they count: "1.2 million shells", "3%"."""
    text = join_decimals(text)
    out = []
    for m in _NUMBER.finditer(text):
        value = m.group(0).strip()
        if re.fullmatch(r"(1[6-9]|20|21)\d\d", value):
            continue  # a year is a date, handled by the date analyser
        if _NOT_A_COUNT_AFTER.match(text, m.start() + len(m.group(0).rstrip())) or _NOT_A_COUNT_BEFORE.search(text, 0, m.start()):
            continue  # "76ers", "20th", "4:31 am", a score "43 - 39", a decimal cut "14. 4": no count of anything
        before = text[:m.start()].rstrip().rsplit(None, 1)
        if before and before[-1].lower().strip(".,") in _MONTH_WORDS:
            continue  # "February 12" is a day, not a count
        out.append(f"{value} {_unit(text[m.end():])}".strip())
    for m in _NUMBER_WORD.finditer(text):
        unit = _unit(text[m.start(2):])
        if unit and unit not in _NOT_COUNTS:
            out.append(f"{NUMBER_WORDS[m.group(1).lower()]:g} {unit}")
    return tuple(out)


_FUNCTION = {"and", "or", "to", "by", "in", "of", "the", "a", "an", "on", "at", "for", "from", "with", "who", "that",
             "which", "were", "was", "are", "is", "had", "have", "has", "off", "than", "per", "as",
             # adverbs and conjunctions: "52 being", "3 after", "two years ago" count nothing named
             "after", "before", "when", "while", "since", "ago", "later", "earlier", "being", "through", "into",
             "during", "until", "against", "about", "around", "over", "under", "then", "up", "down", "out", "but",
             "north", "south", "east", "west", "am", "pm", "p", "a.m", "p.m"}
_NOT_A_COUNT_AFTER = re.compile(r"[A-Za-z\d]|\s?[:\-–]\s?\d|\.\s\d")
_NOT_A_COUNT_BEFORE = re.compile(r"(?:\d\s?[:\-–.]\s?|[A-Za-z\d])$")


def _unit(rest: str) -> str:
    """What a number counts: the head of the words after it ("two speed boats" -> "boats")."""
    words: list[str] = []
    for word in re.findall(r"[A-Za-z]+|[^\sA-Za-z]", rest[:60]):
        if not word.isalpha() or word.lower() in _FUNCTION or len(words) == 3:
            break
        words.append(word.lower())
    return words[-1] if words else ""


def _heads(span: Any) -> set[Any]:
    """The clause's main predicates: its root, what the root says or wants, and in a headline ("Driver Not Charged
    In ...", a noun root) the participle that says what happened to the noun."""
    root = span.root
    deps = ("ccomp", "xcomp", "conj", "acl") if root.pos_ in ("NOUN", "PROPN") else ("ccomp", "xcomp", "conj")
    return {root} | {c for c in root.children if c.dep_ in deps}


def _no_subject(token: Any) -> bool:
    """ "No one has been charged", "nobody was hurt": a subject that says nobody did it."""
    return any(c.dep_ in ("nsubj", "nsubjpass") and (c.lower_ in ("nobody", "nothing", "none", "noone") or
                                                      any(d.dep_ == "det" and d.lower_ == "no" for d in c.children))
               for c in token.children)


def negated_word(span: Any) -> str | None:
    """The word a main-clause negation applies to: the verb, or the adjective or noun after "is not"."""
    heads = _heads(span)
    for t in span:
        if (t.dep_ == "neg" and t.head in heads) or (t in heads and _no_subject(t)):
            if t in heads and t.dep_ != "neg":
                return t.lemma_.lower()
            head = t.head
            complement = next((c for c in head.children if c.dep_ in ("acomp", "attr", "xcomp")), None)
            return (complement if head.lemma_ == "be" and complement is not None else head).lemma_.lower()
        if _no_object(t, heads):
            return t.head.lemma_.lower()  # "has no hosting experience": the experience
    return None


def _no_object(token: Any, heads: set[Any]) -> bool:
    """ "Has no experience", "made no arrests": "no" before what the main verb has or does (not "there was no sign")."""
    return token.dep_ == "det" and token.lower_ == "no" and token.head.dep_ == "dobj" and token.head.head in heads


def _main_clause_negated(span: Any) -> bool:
    """Negation of what the clause asserts (its main verb, or what a speaker is said to have said),
    not of a relative clause inside it ("families who could not return home")."""
    heads = _heads(span)
    return any(t.dep_ == "neg" and t.head in heads for t in span) or \
        any(c.lower_ in ("never", "no", "nobody", "none") and c.head in heads for c in span) or \
        any(_no_subject(h) for h in heads) or any(_no_object(t, heads) for t in span)


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


_ABBREVIATIONS = frozenset("""mr mrs ms dr st gen sen rep gov lt col sgt capt cpl prof jr sr inc corp ltd co no vs
jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n e.g i.e a.m p.m ft mt""".split())
# A sentence end spaCy missed inside one span: ". The" (not after "Mr." or "U.S.").
_INNER_END = re.compile(r"(?<=[\w%)\]])([.!?][\"”’]?)\s+(?=[\"“]?[A-Z])")
_MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|" \
         r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
# a dateline line glued to what follows: "November 12, 2011 Indian navy ..." / "... arms seized November 12, 2011 Indian"
_DATE_LINE = re.compile(rf"\b{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}\s+"
                        r"(?=[A-Z])")
# "PARIS (Reuters) - ", "WASHINGTON, Feb 3 (AP) — ": the place and agency that open wire copy
_DATE_PREPOSITIONS = frozenset("on by in of since until from before after to and or".split())
_DATELINE = re.compile(r"^[A-Z][A-Z .'-]{2,}(?:,\s*[A-Z][\w. ]{1,25})?\s*(?:\([^)]{1,30}\))?\s*[-—–]+\s+")
_REPORT_WORDS = frozenset("""reportedly allegedly purportedly supposedly rumour rumours rumor rumors rumoured rumored
speculation speculated speculate unconfirmed unverified""".split())
_REPORT_VERBS = frozenset({"claim", "allege", "rumour", "rumor", "speculate", "suggest"})
_REPORT_SOURCES = frozenset({"report", "reports", "sources", "source", "rumours", "rumors", "insiders", "media"})
_DENY_VERBS = frozenset({"deny", "refute", "debunk", "dismiss", "reject", "rebut", "retract", "dispel", "contradict"})
_CLAIM_NOUNS = frozenset({"report", "rumour", "rumor", "claim", "allegation", "speculation", "story", "suggestion"})
_FALSE_WORDS = frozenset({"hoax", "untrue", "fake", "false", "myth", "baseless", "unfounded"})


def _pieces(sent: Any) -> list[Any]:
    """A span spaCy calls one sentence cut where a dateline, a headline or another sentence plainly starts."""
    doc, text, base = sent.doc, sent.text, sent.start_char
    cuts: set[int] = set()
    for m in _INNER_END.finditer(text):
        before = text[:m.start()].rsplit(None, 1)
        word = before[-1].lower().rstrip(".") if before else ""
        if word in _ABBREVIATIONS or word in TITLES or (len(word) <= 2 and word.isalpha()) or "." in word:
            continue  # "Mr. Smith", "J. Smith", "U.S. troops"
        cuts.add(m.end())
    for m in _DATE_LINE.finditer(text):
        previous = text[:m.start()].rsplit(None, 1)
        if previous and previous[-1].lower() in _DATE_PREPOSITIONS:
            continue  # "on November 12, 2011 the navy ...": a date inside the sentence
        if m.start() > 0:
            cuts.add(m.start())
        cuts.add(m.end())
    head = _DATELINE.match(text)
    if head:
        cuts.add(head.end())
    bounds = [0, *sorted(c for c in cuts if 0 < c < len(text)), len(text)]
    out = []
    for a, b in zip(bounds, bounds[1:]):
        if _DATE_LINE.fullmatch(text[a:b] + " A") or _DATELINE.match(text[a:b] + " x") and b == (head.end() if head else -1):
            continue  # the dateline itself says when and where, not what
        span = doc.char_span(base + a, base + b, alignment_mode="expand")
        if span is not None and len(span):
            out.append(span)
    return out or [sent]


def stance_of(span: Any, negated: bool) -> str:
    """Does the clause assert its content, only report someone else's claim, or deny it?"""
    words = {t.lower_ for t in span}
    lemmas = {t.lemma_.lower() for t in span}
    root = span.root
    text = span.text.strip()
    if words & _FALSE_WORDS or root.lemma_.lower() in _DENY_VERBS or (
            lemmas & _DENY_VERBS and lemmas & _CLAIM_NOUNS):
        return "denied"
    if negated:
        return "denied"
    if text.endswith("?") or words & _REPORT_WORDS or root.lemma_.lower() in _REPORT_VERBS:
        return "reported"
    if any(c.dep_ == "aux" and c.lower_ in ("may", "might") for h in _heads(span) for c in h.children):
        return "reported"  # "Obama may name Gupta", "the fire may have started in the kitchen": a possibility
    if re.match(r"^(?:reports?|rumou?rs?|sources?|exclusive)\s*:", text, re.I):
        return "reported"  # "Report: X to play Y"
    for t in span:
        # "reports say", "sources said", "according to reports"
        if t.lower_ in _REPORT_SOURCES and (t.head.lemma_.lower() in ("say", "suggest", "claim", "indicate") or
                                            t.head.lower_ == "to" and t.head.head.lower_ == "according"):
            return "reported"
        # "people familiar with the matter said", "a source close to the club told ..."
        if t.lower_ in ("familiar", "close") and t.head.lemma_.lower() in _UNNAMED and \
                t.head.dep_ in ("nsubj", "nsubjpass") and t.head.head.lemma_.lower() in _SAYING:
            return "reported"
    if _hearsay(root):
        return "reported"
    return "asserted"


_HEARSAY = frozenset({"say", "report", "believe", "think", "understand", "rumour", "rumor", "claim", "allege",
                      "suggest", "reckon", "tip"})
_SAYING = frozenset({"say", "tell", "report", "confirm", "indicate", "suggest", "claim"})
_UNNAMED = frozenset({"person", "people", "source", "sources", "insider", "insiders", "official", "officials"})
# who relays another outlet's report: a named outlet or one of these ("local media reported that ...")
_MEDIA = frozenset({"media", "medium", "press", "newspaper", "paper", "tabloid", "network", "station", "channel", "broadcaster",
                    "outlet", "website", "site", "agency", "magazine", "daily", "television", "tv", "radio"})


def _hearsay(root: Any) -> bool:
    """A claim nobody in the article stands behind: "it is understood that X", "X is said to", "X is believed to
    have", or another outlet's report relayed ("CNN is reporting that X", "X, the Daily Mail reported")."""
    lemma = root.lemma_.lower()
    clause = any(c.dep_ in ("ccomp", "xcomp", "oprd") for c in root.children)
    if lemma in _HEARSAY and clause and any(c.dep_ in ("auxpass", "nsubjpass") for c in root.children):
        return True  # passive hearsay: no one is named as saying it
    if lemma == "report" and any(c.dep_ == "ccomp" for c in root.children):
        subject = next((c for c in root.children if c.dep_ == "nsubj"), None)
        # a name, even one the tagger missed ("10News", "KTLA"), or a medium; not "police reported that"
        return subject is not None and (subject.pos_ == "PROPN" or subject.lemma_.lower() in _MEDIA or
                                        any(ch.isupper() for ch in subject.text[1:]))
    return False


def _claim_like(span: Any) -> bool:
    """Enough of a statement to check: a verb, or a headline-like run of four or more words with a noun."""
    words = [t for t in span if not t.is_punct and not t.is_space]
    bare = span.text.strip() + " "
    if len(words) < 3 or (_DATELINE.match(bare) and not _DATELINE.sub("", bare).strip(" .")):
        return False  # too short, or only a dateline ("BRACKMOOR, Oct 14 (Northgate Wire) –")
    if sum(t.like_num or t.lower_ in _MONTH_WORDS for t in words) >= len(words) - 1:
        return False  # a date or a score line
    has_verb = any(t.pos_ in ("VERB", "AUX") for t in span)
    has_noun = any(t.pos_ in ("NOUN", "PROPN") for t in span)
    if not has_noun:
        return False
    closed = span.text.strip().endswith(('.', '!', '?', '"', '”', "'", '’', ")", ":"))
    if closed:
        return has_verb and (len(words) >= 4 or span.text.strip().endswith("?"))
    # a headline: no final stop, title-like; verbless ones must say more ("Storm damage in Florida")
    return (has_verb or len(words) >= 4) and len(words) <= 30


_MONTH_WORDS = frozenset("""january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday""".split())


def _sentences(doc: Any) -> list[Any]:
    """spaCy's sentences, joined again where the parser ended one at a point that ends nothing: a decimal printed
    with a space after its point ("0. 07 percent") or an abbreviated title before a name ("Msgr. Michael Farmer").
    (nlp.paragraph_boundaries asks the parser the same, which it does not always follow.)"""
    out: list[Any] = []
    for sent in doc.sents:
        if out and len(sent) and not _paragraph_end(out[-1]) and _false_end(out[-1], sent[0]):
            out[-1] = doc[out[-1].start:sent.end]
        else:
            out.append(sent)
    return out


def _paragraph_end(span: Any) -> bool:
    return "\n" in span[-1].text_with_ws or (len(span) > 1 and "\n" in span[-2].text_with_ws)


def _false_end(before: Any, first: Any) -> bool:
    if len(before) < 2 or before[-1].text != "." or before[-2].whitespace_:
        return False
    word = before[-2].text
    if word.isdigit() and len(word) <= 3 and first.text.isdigit():
        return True
    return word.lower() in TITLES and first.is_title and not first.is_stop


def extract_claims(doc: Any, quotes: Sequence[QuoteMention]) -> list[ClaimMention]:
    """Every checkable statement: sentences, clauses, headlines and questions (a question only reports)."""
    claims = []
    for sent in _sentences(doc):
        pieces = _pieces(sent)
        for piece_number, piece in enumerate(pieces):
            if not _claim_like(piece):
                continue
            # spaCy sometimes leaves a closing quotation mark to the next sentence: give it back
            closing = piece_number == len(pieces) - 1 and sent.end < len(doc) and doc[sent.end].text in ('"', "”", "’") \
                and not sent[-1].is_space and not sent[-1].whitespace_
            whole = piece.text.strip()
            parts = clauses(piece) if len([t for t in piece if not t.is_punct]) >= _MIN_WORDS else [piece]
            for number, clause in enumerate(parts):
                if closing and number == len(parts) - 1:
                    clause = doc[clause.start:sent.end + 1]
                clause_text = clause.text.strip()
                attribution = next((q.speaker for q in quotes
                                    if q.speaker and clause.start_char <= q.start < clause.end_char), None)
                negated = _main_clause_negated(clause)
                stance = stance_of(clause, negated)
                if stance == "asserted" and whole.endswith("?"):
                    stance = "reported"  # a clause of a question asks, it does not assert
                claims.append(ClaimMention(text=clause_text, start=clause.start_char, end=clause.end_char,
                                           numbers=numbers_in(clause_text), negated=negated,
                                           attribution=attribution, stance=stance,
                                           predicate=clause.root.lemma_.lower(),
                                           negated_word=negated_word(clause) if negated else None,
                                           outcome=outcome_of(clause), act=act_of(clause)))
    return claims


def headline_claims(title_doc: Any, text: str) -> list[ClaimMention]:
    """The headline as a claim (offsets -1: it is not part of the clean text), unless the text repeats it."""
    title = title_doc.text.strip()
    squeezed = re.sub(r"\W+", "", title).lower()
    if not squeezed or squeezed in re.sub(r"\W+", "", text[:len(title) * 3 + 200]).lower():
        return []  # the body starts with it: the claim comes from the text
    if re.search(r"https?:|www\.|\.(?:html?|aspx?|php|ece)\b", title) or not _claim_like(title_doc[:]):
        return []  # a URL or a label, not a headline
    span = title_doc[:]
    negated = _main_clause_negated(span)
    return [ClaimMention(text=title, start=-1, end=-1, numbers=numbers_in(title), negated=negated,
                         stance=stance_of(span, negated), predicate=span.root.lemma_.lower(),
                         negated_word=negated_word(span) if negated else None, outcome=outcome_of(span),
                         act=act_of(span))]
