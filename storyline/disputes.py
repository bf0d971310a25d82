"""Disputes: when two claims about the same thing cannot both be true.

Different numbers or dates for one thing, opposite outcomes (agreed / remained divided), a denial of what
another source asserts. align.py asks conflict() for each pair of claims it considers; the briefing asks
quantities() what is in dispute.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .analyze.lexicon import NUMBER_WORDS
from .model import ClaimMention

if TYPE_CHECKING:
    from .align import PairModel, _Member

_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_STOP = frozenset("""the a an and or of to in on at for with by from as is are was were be been has have had that this
these those it its their his her they he she we our which who will would could should may might can also not
but than then there into over after before about said says say while during amid""".split())


def number_context(claim: ClaimMention, expression: str) -> frozenset[str]:
    """Content words around where a number stands: what it is a number of, in this sentence."""
    value = expression.split()[0]
    words = [w.lower() for w in re.findall(r"[\w.,%$€£]+", claim.text)]
    lowered = [w.strip(".,") for w in words]
    for i, word in enumerate(lowered):
        if word == value.lower().strip(".,") or word == _WORD_FOR.get(value, ""):
            window = lowered[max(0, i - 3):i] + lowered[i + 1:i + 6]
            return frozenset(w for w in window if w.isalpha() and w not in _STOP and len(w) > 2)
    return frozenset()


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
            out.setdefault(unit.rstrip("s"), set()).add(value)
    return out



# Outcomes that cannot both be true of one happening: one source says the first, another the second.
# General verbs of news (agreement, confirmation, resignation, verdicts, results), not any one story's words.
OPPOSITES = (
    ({"agreed", "agree", "agrees", "agreeing", "agreement", "unanimous"},
     {"divided", "disagreed", "disagree", "split", "deadlock", "deadlocked", "stalemate", "impasse", "failed",
      "fail", "fails", "no agreement", "no deal", "without agreement", "no resolution", "no immediate resolution"}),
    ({"confirmed", "confirms", "confirm"}, {"denied", "denies", "deny"}),
    ({"accepted", "accept", "accepts", "approved", "approves", "passed"}, {"refused", "rejected", "rejects", "reject",
                                                                          "vetoed", "blocked"}),
    ({"resigned", "resigns", "quit", "stepped down", "steps down"}, {"remains", "remain", "stays", "will stay",
                                                                     "refused to resign"}),
    ({"won", "wins", "victory"}, {"lost", "loses", "defeat", "defeated"}),
    ({"guilty", "convicted"}, {"acquitted", "not guilty", "cleared"}),
    ({"dead", "died", "dies", "killed"}, {"alive", "survived", "survives"}),
    ({"rose", "rises", "increased"}, {"fell", "falls", "decreased", "dropped"}),
)
DISPUTE_SHARE = 0.45  # chosen on the tuning half of eval/data/disputes-ecbplus.tsv (eval/disputes.py): a pair is about
# the same thing, and may conflict, when its match probability reaches this share of the merge threshold


_DENIAL_WORDS = frozenset({"deny", "denies", "denied", "denying", "hoax", "false", "untrue", "fake", "refuted",
                           "debunked", "dismissed", "rejected"})
CONFLICT_COSINE = 0.5  # below this, two claims say different things and cannot contradict each other
DATE_COSINE = 0.8  # two sentences with other days are about other happenings unless nearly identical
DENIAL_COSINE = 0.7  # a denial and its claim say nearly the same words ("X will not play Y" / "X to play Y")


def _phrases(text: str) -> set[str]:
    # a negated word says the opposite: "must not be divided" is no claim of division
    text = re.sub(r"\b(?:not|never|no longer|n't)\s+(?:be\s+|been\s+|have\s+)?\w+", " ", text.lower())
    words = re.findall(r"[a-z]+", text)
    return set(words) | {" ".join(words[i:i + n]) for n in (2, 3) for i in range(len(words) - n + 1)}


def conflict(a: _Member, b: _Member, same: float = 1.0, model: PairModel | None = None) -> str | None:
    """Why two claims about the same thing (match probability `same`) cannot both be true, or None."""
    from .align import _stem, pair_model  # align imports this module: the pair model is looked up when needed

    if {a.claim.stance, b.claim.stance} in ({"asserted", "denied"}, {"reported", "denied"}):
        # a denial contradicts only what it denies: the same fact, by the full merge decision
        model = model or pair_model()
        if same < model.threshold or float(a.vector @ b.vector) < max(model.gate, DENIAL_COSINE):
            return None
        denial, other = (a, b) if a.claim.stance == "denied" else (b, a)
        word = denial.claim.negated_word
        explicit = _phrases(denial.claim.text) & _DENIAL_WORDS
        if word and not explicit and _stem(word) not in {_stem(w) for w in other.words}:
            return None  # "he hasn't been invited" does not deny "officials prepared for talks"
        return "one source says it, another denies it"
    if float(a.vector @ b.vector) < CONFLICT_COSINE:
        return None  # worded too differently to be two versions of one fact
    pa, pb = _phrases(a.claim.text), _phrases(b.claim.text)
    for yes, no in OPPOSITES:
        if (pa & yes and pb & no and not pa & no and not pb & yes) or \
                (pa & no and pb & yes and not pa & yes and not pb & no):
            return "one source says " + ", ".join(sorted((pa | pb) & yes)) + \
                   ", another " + ", ".join(sorted((pa | pb) & no))
    if a.names and b.names and not (a.names & b.names):
        return None  # other people or places: another happening, not a contradiction
    qa, qb = quantities(a.claim), quantities(b.claim)
    for unit in set(qa) & set(qb):
        if len(qa[unit]) != 1 or len(qb[unit]) != 1:
            continue  # several values of one unit in a sentence ("150 miles off Aden, 13 miles away"): no single quantity
        x, y = next(iter(qa[unit])), next(iter(qb[unit]))
        context_a = next((number_context(a.claim, e) for e in a.claim.numbers if _unit_of(e) == unit), frozenset())
        context_b = next((number_context(b.claim, e) for e in b.claim.numbers if _unit_of(e) == unit), frozenset())
        if not (context_a - {unit, unit + "s"}) & (context_b - {unit, unit + "s"}):
            continue  # "captured 23 pirates" and "an estimated 1,500 pirates": numbers of different things
        if x and y and abs(x - y) / max(x, y) > 0.05:
            return f"different numbers for {unit if unit != '%' else 'the same percentage'}: {_fmt(x)} vs {_fmt(y)}"
    days = re.compile(r"\d{4}-\d\d-\d\d")
    if a.dates and b.dates and not (a.dates & b.dates) and float(a.vector @ b.vector) >= DATE_COSINE \
            and all(days.fullmatch(d) for d in a.dates | b.dates):
        return f"different dates: {', '.join(sorted(a.dates))} vs {', '.join(sorted(b.dates))}"
    return None


def _unit_of(expression: str) -> str:
    parts = expression.split()
    if "%" in expression or "percent" in expression:
        return "%"
    return parts[-1].rstrip("s").lower() if len(parts) > 1 else ""


_WORD_FOR = {str(v): w for w, v in NUMBER_WORDS.items() if isinstance(v, int) and w not in ("a", "an", "dozen", "couple")}


def _fmt(value: float) -> str:
    for word, scale in (("billion", 1e9), ("million", 1e6)):
        if value >= scale:
            return f"{value / scale:g} {word}"
    return f"{value:g}"


def _polarity_clash(a: _Member, b: _Member) -> bool:
    """One asserts, the other denies: never the same group (reports sit with either side)."""
    return {a.claim.stance, b.claim.stance} == {"asserted", "denied"}
