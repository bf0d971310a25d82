"""Disputes: when two claims about the same thing cannot both be true.

Different numbers or dates for one thing, opposite outcomes (agreed / remained divided), a denial of what
another source asserts. align.py asks conflict() for each pair of claims it considers; the briefing asks
quantities() what is in dispute.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .analyze.claims import join_decimals
from .analyze.lexicon import MONTHS, NUMBER_WORDS, WEEKDAYS
from .model import ClaimMention

if TYPE_CHECKING:
    from .align import PairModel, _Member

_ORDINAL_WORDS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_STOP = frozenset("""the a an and or of to in on at for with by from as is are was were be been has have had that this
these those it its their his her they he she we our which who will would could should may might can also not
but than then there into over after before about said says say while during amid""".split())


def number_context(claim: ClaimMention, expression: str) -> frozenset[str]:
    """Content words around where a number stands: what it is a number of, in this sentence."""
    value = expression.split()[0]
    words = [w.lower() for w in re.findall(r"[\w.,%$€£]+", join_decimals(claim.text))]
    lowered = [w.strip(".,") for w in words]
    for i, word in enumerate(lowered):
        if word == value.lower().strip(".,") or word == _WORD_FOR.get(value, ""):
            window = lowered[max(0, i - 3):i] + lowered[i + 1:i + 6]
            return frozenset(w for w in window if w.isalpha() and w not in _STOP and len(w) > 2)
    return frozenset()


_IRREGULAR = {"men": "man", "women": "woman", "children": "child", "people": "person", "feet": "foot", "teeth": "tooth",
              "mice": "mouse", "geese": "goose", "policemen": "policeman", "firemen": "fireman", "gunmen": "gunman",
              "fishermen": "fisherman", "crewmen": "crewman"}


def singular(unit: str) -> str:
    """What a figure counts, one form for one and many: "men" / "man", "workers" / "worker"."""
    return _IRREGULAR.get(unit, unit.rstrip("s"))


def quantities(claim: ClaimMention) -> dict[str, set[float]]:
    """What each number counts -> its values: {"shells": {1.2e6}, "%": {3}}."""
    out: dict[str, set[float]] = {}
    for expression in claim.numbers:
        m = re.match(r"[$€£]?\s?([\d,]+(?:\.\d+)?)\s?(%|percent|per cent)?\s?(thousand|million|billion|trillion)?\s?(\w+)?",
                     expression)
        if not m:
            continue
        try:
            value = float(m.group(1).replace(",", ""))
        except ValueError:
            continue
        value *= _SCALES.get((m.group(3) or "").lower(), 1)
        unit = "%" if m.group(2) else (m.group(4) or "").lower()
        if unit:
            out.setdefault(singular(unit), set()).add(value)
    return out



DISPUTE_SHARE = 0.3  # chosen on the tuning half of eval/data/disputes-ecbplus.tsv (eval/disputes.py): a pair is about
# the same thing, and may conflict, when its match probability reaches this share of the merge threshold


_DENIAL_WORDS = frozenset({"deny", "denies", "denied", "denying", "hoax", "false", "untrue", "fake", "refuted",
                           "debunked", "dismissed", "rejected"})
CONFLICT_COSINE = 0.5  # below this, two claims say different things and cannot contradict each other
DATE_COSINE = 0.9  # two sentences with other days are about other happenings unless nearly identical (0.8 let
# a dateline glued to a lead, "arrested ... on Feb. 04, 2009 San Diego ..." / "arrested early on Sunday, February 1", dispute)
DENIAL_COSINE = 0.7  # a denial and its claim say nearly the same words ("X will not play Y" / "X to play Y")
# ... or the denial's own words nearly all stand in the claim, less alike as a whole ("Police have not arrested anyone
# over the hit and run that killed ..." / "Police arrested a man they believe to be the hit and run driver who ..."):
# the cosine the tuning half picks (eval/disputes.py), with the words as the second condition
CONTAINED_COSINE = 0.6
DENIAL_CONTAINMENT = 0.8


def _contained(denial: str, other: str) -> float:
    """The share of the denial's content words (not its negation or denial words) that the other sentence has."""
    words = {_stem(w) for w in _WORD.findall(denial.lower()) if w not in _STOP and w not in _NEGATORS
             and w not in _DENIAL_WORDS and not w.endswith("n't") and len(w) > 2 and w not in _QUANTIFIERS}
    others = {_stem(w) for w in _WORD.findall(other.lower())}
    return len(words & others) / len(words) if words else 0.0


def _contains_denied(denial: ClaimMention, other: ClaimMention, cosine: float) -> bool:
    """A denial worded apart from the claim must repeat nearly all of its own words there, and a plain negation must
    negate what the other's main clause says ("have not arrested anyone" / "Police arrested a man"), not a word of a
    clause inside it ("test results have not been released" / "Williams, later released on bail, gave a sample")."""
    if cosine < CONTAINED_COSINE or _contained(denial.text, other.text) < DENIAL_CONTAINMENT:
        return False
    if set(_WORD.findall(denial.text.lower())) & _DENIAL_WORDS:
        return True
    return bool(denial.negated_word and other.predicate) and \
        _stem(denial.negated_word or "") == _stem(other.predicate or "")


_QUANTIFIERS = frozenset({"any", "anyone", "anything", "anybody", "one", "some", "yet", "ever", "all"})


_WORD = re.compile(r"[a-z]+(?:'t)?|n't")
_NEGATORS = frozenset({"not", "never", "no", "n't", "nobody", "nothing", "none"})
# "dismissed", "rejected" deny only a claim ("dismissed the report"); alone they say something else ("was dismissed
# from his job")
_CLAIM_NOUNS = frozenset({"report", "reports", "rumour", "rumours", "rumor", "rumors", "claim", "claims", "allegation",
                          "allegations", "speculation", "story", "stories", "suggestion", "suggestions"})
_WEAK_DENIALS = frozenset({"dismissed", "rejected"})


def _stem(word: str) -> str:
    """One form for a lemma and its inflections: "nominate" / "nominated", "identify" / "identified"."""
    if word.endswith("ied") and len(word) > 5:
        return word[:-3] + "y"
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4 and not word.endswith("ss"):
            word = word[:-len(suffix)]
            break
    return word[:-1] if word.endswith("e") and len(word) > 4 else word


def _negated_stems(text: str) -> set[str]:
    """Stems of the words a negation stands before ("wasn't anyone freaking out" -> anyone, freak, out)."""
    words = _WORD.findall(text.lower().replace("\u2019", "'"))
    out: set[str] = set()
    for i, word in enumerate(words):
        if word in _NEGATORS or word.endswith("n't"):
            out.update(_stem(w) for w in words[i + 1:i + 4])
    return out


def _negated_words(text: str) -> set[str]:
    words = _WORD.findall(text.lower().replace("\u2019", "'"))
    return {w for i, w in enumerate(words) if any(v in _NEGATORS or v.endswith("n't") for v in words[max(0, i - 2):i])}


def denies(denial: str, negated_word: str | None, other: str) -> bool:
    """Does `denial` deny what `other` asserts? An explicit denial ("denied", "a hoax") the other does not share, or a
    negation of a word the other asserts un-negated ("won't play" / "to play"); a negation the other shares is
    agreement ("there wasn't anyone", quoted by both)."""
    words = set(_WORD.findall(denial.lower()))
    other_words = set(_WORD.findall(other.lower()))
    # "while not denying the story" denies nothing
    explicit = (words & _DENIAL_WORDS) - other_words - _negated_words(denial)
    if explicit & _WEAK_DENIALS and not explicit - _WEAK_DENIALS and not words & _CLAIM_NOUNS:
        explicit = set()  # "was dismissed from his job" denies nothing
    if explicit:
        return True
    if not negated_word:
        return False  # "screamed 'No, no, no!'": no negation of anything the other says
    stem = _stem(negated_word.lower())
    return stem in {_stem(w) for w in other_words} and stem not in _negated_stems(other)


def conflict(a: _Member, b: _Member, same: float = 1.0, model: PairModel | None = None) -> str | None:
    """Why two claims about the same thing (match probability `same`) cannot both be true, or None."""
    from .align import pair_model  # align imports this module: the pair model is looked up when needed

    if {a.claim.stance, b.claim.stance} in ({"asserted", "denied"}, {"reported", "denied"}):
        # a denial contradicts only what it denies: the same fact, by the full merge decision
        model = model or pair_model()
        denial, other = (a, b) if a.claim.stance == "denied" else (b, a)
        cosine = float(a.vector @ b.vector)
        if same < model.threshold or cosine < model.gate:
            return None
        if cosine < DENIAL_COSINE and not _contains_denied(denial.claim, other.claim, cosine):
            return None
        return "one source says it, another denies it" if denies(denial.claim.text, denial.claim.negated_word,
                                                                other.claim.text) else None
    clash = outcome_clash(a.claim, b.claim, alike=float(a.vector @ b.vector) >= CONFLICT_COSINE)
    if clash:
        return clash
    if float(a.vector @ b.vector) < CONFLICT_COSINE:
        return None  # worded too differently to be two versions of one fact
    clash = agent_clash(a, b)
    if clash:
        return clash
    if a.names and b.names and not (a.names & b.names):
        return None  # other people or places: another happening, not a contradiction
    model = model or pair_model()
    qa, qb = quantities(a.claim), quantities(b.claim)
    # one fact by the merge decision itself, or nearly so and nearly the same words
    alike = float(a.vector @ b.vector)
    if (same >= model.threshold or (same >= model.threshold * NUMBER_SHARE and alike >= NUMBER_COSINE)
            or (len(a.names & b.names) >= 2 and same >= model.threshold * DISPUTE_SHARE and alike >= NAMED_NUMBER_COSINE)) \
            and not _tally(a.claim.text) and not _tally(b.claim.text) \
            and max(_counts(qa), _counts(qb)) < LIST_NUMBERS:
        found = _number_clash(a.claim, b.claim, qa, qb, float(a.vector @ b.vector))
        if found:
            return found
    days = re.compile(r"\d{4}-\d\d-\d\d")
    if a.dates and b.dates and not (a.dates & b.dates) and float(a.vector @ b.vector) >= DATE_COSINE \
            and all(days.fullmatch(d) for d in a.dates | b.dates):
        return f"different dates: {', '.join(sorted(a.dates))} vs {', '.join(sorted(b.dates))}"
    if same >= model.threshold and float(a.vector @ b.vector) >= DATE_COSINE:
        return _wording_clash(a.claim.text, b.claim.text)
    return None


# a weekday, or a month (written out, or abbreviated with its point: "Feb. 22") and a day
_DAY = re.compile(rf"\b(?:{'|'.join(sorted((w for w in WEEKDAYS if len(w) > 3), key=len, reverse=True))})\b|"
                  rf"\b(?:(?:{'|'.join(sorted((m for m in MONTHS if len(m) > 3), key=len, reverse=True))})\.?|"
                  rf"(?:{'|'.join(sorted((m for m in MONTHS if len(m) <= 4 and m != 'may'), key=len, reverse=True))})\.)"
                  rf" \d{{1,2}}\b", re.I)


def _day(written: str) -> str:
    """One form for a day however it is written: "Feb. 22" / "February 22" -> "2-22", "Tuesday" -> "w1"."""
    word, _, number = written.lower().replace(".", "").partition(" ")
    if number:
        return f"{MONTHS[word]}-{int(number)}"
    return f"w{WEEKDAYS[word]}"
_ORDINAL = re.compile(rf"\b({'|'.join(w for w in _ORDINAL_WORDS)})\s+(?:such\s+)?([a-z]+)", re.I)
_RELATIVE = frozenset("time times day days week weeks month months year years half quarter round period step stage".split())
_AGE = re.compile(r"\b([A-Z][a-z]+),\s(\d{1,3}),")


def _wording_clash(a: str, b: str) -> str | None:
    """Two nearly identical sentences that name another day ("early Tuesday" / "early Sunday"), another rank ("second
    such arrest" / "third") or another age for one person ("Vinar, 43," / "Vinar, 51,")."""
    found_a, found_b = {_day(d): d for d in _DAY.findall(a)}, {_day(d): d for d in _DAY.findall(b)}
    if found_a and found_b and not set(found_a) & set(found_b):
        return f"different days: {', '.join(sorted(found_a.values()))} vs {', '.join(sorted(found_b.values()))}"
    ranks_a = {(n.lower(), w.lower()) for n, w in _ORDINAL.findall(a)}
    ranks_b = {(n.lower(), w.lower()) for n, w in _ORDINAL.findall(b)}
    for rank, what in ranks_a:
        if what in _RELATIVE:
            continue  # "the third time's the charm", "the second half": counted from another start, or an idiom
        other = {r for r, w in ranks_b if w == what and r != rank}
        if other and (rank, what) not in ranks_b:
            return f"different ranks: {rank} vs {', '.join(sorted(other))} {what}"
    ages_a, ages_b = dict(_AGE.findall(a)), dict(_AGE.findall(b))
    for name in set(ages_a) & set(ages_b):
        if ages_a[name] != ages_b[name]:
            return f"different ages for {name}: {ages_a[name]} vs {ages_b[name]}"
    return None


def _act(text: str | None) -> tuple[str, str, str, str] | None:
    parts = (text or "").split("|")
    return (parts[0], parts[1], parts[2], parts[3]) if len(parts) == 4 else None


def _mentions(name: str, text: str) -> bool:
    """Does the text name this party anywhere (any of its name words longer than an initial)?"""
    words = [w for w in name.split() if len(w.strip(".")) > 2 and w not in _COMPANY_WORDS]
    return any(re.search(rf"\b{re.escape(w)}\b", text, re.I) for w in words)


_COMPANY_WORDS = frozenset({"co.", "corp.", "inc.", "ltd.", "co", "corp", "inc", "ltd", "plc", "group", "the"})


def agent_clash(a: _Member, b: _Member) -> str | None:
    """Two named parties for one exclusive act on one thing ("Oracle acquired Sun" / "IBM acquired Sun"), when
    both assert it, at no different date, and neither article names the other's party at all (so not a co-buyer,
    a rival bidder, a runner-up or the same party under another name)."""
    if a.claim.stance != "asserted" or b.claim.stance != "asserted":
        return None
    x, y = _act(a.claim.act), _act(b.claim.act)
    if x is None or y is None or x[0] != y[0] or x[1] != y[1] or x[3] != y[3]:
        return None  # another act, other kinds of party (a person and a team), or another thing
    if set(x[2].split()) & set(y[2].split()):
        return None  # one party named more or less fully ("Barack Obama" / "Obama")
    if a.dates and b.dates and not a.dates & b.dates:
        return None  # at other times: two happenings (last year's title, this year's)
    if _mentions(x[2], b.article.text) or _mentions(y[2], a.article.text):
        return None
    return f"different parties for one act ({x[0]} {x[3].lstrip('=')}): {x[2]} vs {y[2]}"


# how a reason names each side of an outcome kind (analyze/outcomes.py)
_SAYS = {"accord": ("agreement", "no agreement"), "result": ("won", "lost"), "resignation": ("left the post", "still in the post"),
         "verdict": ("convicted", "acquitted"),
         "death": ("died", "survived"), "confirmation": ("confirmed", "denied")}


def _outcome(text: str | None) -> tuple[str, str, str, frozenset[str]] | None:
    if not text or " | " not in text:
        return None
    head, matter = text.split(" | ", 1)
    parts = head.split(" ", 2)
    if len(parts) != 3 or parts[0] not in _SAYS:
        return None  # stored by another version of the analysis
    kind, sign, key = parts
    return kind, sign, key, frozenset(_stem(w) for w in matter.split())


def _same_subject(a: str, b: str) -> bool:
    """One group, one noun, or one name written more or less fully ("=vinar" / "=mark vinar", not "=miles vinar")."""
    if a == b:
        return True
    wa, wb = set(a.lstrip("=").split()), set(b.lstrip("=").split())
    return a.startswith("=") and b.startswith("=") and (wa <= wb or wb <= wa)


def outcome_clash(a: ClaimMention, b: ClaimMention, alike: bool = False) -> str | None:
    """Opposite outcomes of one kind for one subject, about the same matter (or one side about the whole):
    "participants agreed to a new benchmark" / "the meeting is not expected to produce a resolution".

    `alike`: the two sentences are already judged two versions of one fact ("Second man dies in ..." / "Second
    climber survives ..."), so the subjects need only not be two different names.
    """
    oa, ob = _outcome(a.outcome), _outcome(b.outcome)
    if oa is None or ob is None or oa[0] != ob[0] or oa[1] == ob[1]:
        return None
    if not _same_subject(oa[2], ob[2]) and not (alike and not oa[2].startswith("=") and not ob[2].startswith("=")):
        return None  # a name and a noun ("Mark Vinar" / "a climber") may be two people: only alike nouns are one
    if oa[0] in ("accord", "confirmation") and oa[3] and ob[3] and not oa[3] & ob[3]:
        return None  # "agreed to a working group" and "divided on sending troops": two matters, no contradiction
    yes, no = _SAYS[oa[0]]
    # what it is about, in the lemmas the outcome was stored with (not their stems)
    shared = oa[3] & ob[3] or oa[3] | ob[3]
    words = [w for o in (a.outcome, b.outcome) for w in (o or "").split(" | ", 1)[-1].split() if _stem(w) in shared]
    about = sorted(dict.fromkeys(words))
    return f"one source says {yes}, another {no}" + (f" (on {' '.join(about[:4])})" if about else "")


def outcome_disputes(members: Sequence[_Member], groups: Sequence[Sequence[int]]) -> list[tuple[int, int, str]]:
    """Opposite outcomes across a story's origins, however differently the two sentences are worded: (i, j, reason).

    `groups` are the claim groups (member indexes): a claim's outcome is its group's only when every origin that
    asserts the group states it, so one sentence aligned into a group of others does not make the group disputed.
    """
    speaks: set[int] = set()
    for group in groups:
        origins = {members[i].article.origin for i in group if members[i].claim.stance != "reported"}
        for i in group:
            outcome = _outcome(members[i].claim.outcome)
            if outcome is None:
                continue
            saying = {members[j].article.origin for j in group
                      if (_outcome(members[j].claim.outcome) or ("",))[:2] == outcome[:2]}
            if saying >= origins:
                speaks.add(i)
    found = [(i, members[i]) for i in sorted(speaks) if members[i].claim.stance != "reported"]
    out = []
    for x, (i, a) in enumerate(found):
        for j, b in found[x + 1:]:
            if a.article.origin != b.article.origin:
                reason = outcome_clash(a.claim, b.claim)
                if reason:
                    out.append((i, j, reason))
    return out


NUMBER_SHARE = 0.8  # two figures conflict only in sentences the pair model calls one fact, or nearly (its own
# number-clash feature lowers the match of "nine workers" / "twelve workers") when they say nearly the same words: on
# real coverage, "19 seasons with the 76ers" / "four seasons as director" are two facts, not a dispute
NUMBER_COSINE = 0.75
NAMED_NUMBER_COSINE = 0.7  # or, less alike, when they share two names (place, company, people): "a fire at the Norvell
# plant in Brackmoor sending nine workers to hospital" / "twelve workers taken to hospital after the Norvell plant fire
# in Brackmoor". The tuning half is indifferent from 0.55 to 0.75; on real ECB+ coverage (--stories) 0.6 adds a
# false dispute (13 vs 150 miles from one ship), 0.7 none
LIST_NUMBERS = 3  # a sentence with this many figures is an inventory ("seven rifles, three other rifles, 13
# magazines"): its items are counted differently by each outlet, and are not compared one by one
# a running total and one operation's figure are two facts ("a total of 923 rounds so far" / "300 rounds")
_TALLY = re.compile(r"\b(?:a total of|in total|in all|so far|thus far|to date|altogether|cumulative|overall|career)\b",
                    re.I)


def _counts(found: dict[str, set[float]]) -> int:
    """How many counts of things a sentence gives (not clock times or ordinals: "117th Street")."""
    return sum(len(values) for unit, values in found.items() if unit == "%" or len(unit) >= 3)


def _tally(text: str) -> bool:
    return bool(_TALLY.search(text))


_CLOCK = re.compile(r"\b(\d{1,2})(?:[:.]\s?(\d\d))?\s?([ap])\.?\s?m\b\.?", re.I)
CLOCK_MINUTES = 60  # "about 7 p.m." and "7:01 p.m." are one time; an hour apart they are two


def _clock(text: str) -> list[int]:
    """Clock times in minutes after midnight: "7 p. m." -> 1140."""
    out = []
    for m in _CLOCK.finditer(text):
        hour, minute = int(m.group(1)) % 12, int(m.group(2) or 0)
        out.append((hour + (12 if m.group(3).lower() == "p" else 0)) * 60 + minute)
    return out


def _fmt_clock(minutes: int) -> str:
    hour, minute = divmod(minutes, 60)
    return f"{(hour - 1) % 12 + 1}:{minute:02d} {'a.m.' if hour < 12 else 'p.m.'}"


def _says_more(text: str) -> bool:
    """More than a time stamp ("Friday August 2, 2013 @ 8:13am PDT")."""
    return sum(w not in _CALENDAR for w in re.findall(r"[a-z]{3,}", text.lower())) >= 4


_CALENDAR = frozenset(MONTHS) | frozenset(WEEKDAYS) | {"pdt", "edt", "est", "gmt", "utc", "pst", "cst", "cet", "bst",
                                                      "updated", "posted", "published"}


def _number_clash(a: ClaimMention, b: ClaimMention, qa: dict[str, set[float]], qb: dict[str, set[float]],
                  alike: float) -> str | None:
    """Two single values of one thing that differ ("nine workers" / "twelve workers"), unless one side is the sum of
    the other's parts ("23 pirates" / "12 Somali and 11 Yemeni")."""
    clocks = _clock(a.text), _clock(b.text)
    if len(clocks[0]) == 1 and len(clocks[1]) == 1 and alike >= NUMBER_COSINE and _says_more(a.text) \
            and _says_more(b.text):
        start, end = clocks[0][0], clocks[1][0]
        if abs(start - end) >= CLOCK_MINUTES:
            return f"different times: {_fmt_clock(start)} vs {_fmt_clock(end)}"
    totals = ({sum(v for values in qa.values() for v in values)}, {sum(v for values in qb.values() for v in values)})
    for unit in set(qa) & set(qb):
        if unit != "%" and len(unit) < 3:
            continue  # "7 p. m.": a clock time (above), not a count
        if len(qa[unit]) != 1 or len(qb[unit]) != 1:
            # several values of one unit in a sentence ("150 miles off Aden, 13 miles away"): compared only where
            # the words around them say which is which ("a level of 0.07 percent, under the limit of 0.08 percent")
            found = _matched_clash(a, b, unit)
            if found:
                return found
            continue
        x, y = next(iter(qa[unit])), next(iter(qb[unit]))
        if x in totals[1] or y in totals[0]:
            continue  # a whole and its parts
        context_a = next((number_context(a, e) for e in a.numbers if _unit_of(e) == unit), frozenset())
        context_b = next((number_context(b, e) for e in b.numbers if _unit_of(e) == unit), frozenset())
        if not (context_a - {unit, unit + "s"}) & (context_b - {unit, unit + "s"}):
            continue  # "captured 23 pirates" and "an estimated 1,500 pirates": numbers of different things
        if x and y and abs(x - y) / max(x, y) > 0.05:
            return f"different numbers for {unit if unit != '%' else 'the same percentage'}: {_fmt(x)} vs {_fmt(y)}"
    return None


MATCH_WORDS = 2  # content words two figures of one unit must share around them to be read as the same thing
_PERCENT_WORDS = frozenset({"percent", "per", "cent", "percentage"})


def _matched_clash(a: ClaimMention, b: ClaimMention, unit: str) -> str | None:
    """Figures of one unit in two sentences paired by the words around them: each pair must be the other's only
    best match and share MATCH_WORDS words; a pair with other values, neither given by the other sentence, clash."""
    skip = {unit, unit + "s"} | _PERCENT_WORDS

    def figures(claim: ClaimMention) -> list[tuple[float, frozenset[str]]]:
        out = []
        for expression in claim.numbers:
            found = quantities(ClaimMention(text="", start=0, end=0, numbers=(expression,))).get(unit)
            if found and _unit_of(expression) == unit:
                out.append((next(iter(found)), number_context(claim, expression) - skip))
        return out

    side_a, side_b = figures(a), figures(b)
    values_a, values_b = {x for x, _ in side_a}, {y for y, _ in side_b}
    for x, context_a in side_a:
        shared = [len(context_a & context_b) for _, context_b in side_b]
        if not shared or max(shared) < MATCH_WORDS or shared.count(max(shared)) > 1:
            continue
        y, context_b = side_b[shared.index(max(shared))]
        back = [len(context & context_b) for _, context in side_a]
        if back.count(max(back)) > 1 or back.index(max(back)) != side_a.index((x, context_a)):
            continue  # not each other's best match
        if x and y and abs(x - y) / max(x, y) > 0.05 and x not in values_b and y not in values_a:
            return f"different numbers for {unit if unit != '%' else 'the same percentage'}: {_fmt(x)} vs {_fmt(y)}"
    return None


def _unit_of(expression: str) -> str:
    parts = expression.split()
    if "%" in expression or "percent" in expression:
        return "%"
    return singular(parts[-1].lower()) if len(parts) > 1 else ""


_WORD_FOR = {str(v): w for w, v in NUMBER_WORDS.items() if isinstance(v, int) and w not in ("a", "an", "dozen", "couple")}


def _fmt(value: float) -> str:
    for word, scale in (("billion", 1e9), ("million", 1e6)):
        if value >= scale:
            return f"{value / scale:g} {word}"
    return f"{value:g}"


def _polarity_clash(a: _Member, b: _Member) -> bool:
    """One asserts, the other denies: never the same group (reports sit with either side)."""
    return {a.claim.stance, b.claim.stance} == {"asserted", "denied"}
