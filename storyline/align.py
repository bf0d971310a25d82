"""Claims across origins: group what articles assert, label corroborated / single_source / disputed."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .analyze.entities import fold
from .analyze.lexicon import NUMBER_WORDS
from .model import Article, Claim, ClaimMention
from .settings import Options

_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_CONTENT = re.compile(r"[A-Za-z][\w’'-]+")
_STOP = frozenset("""the a an and or of to in on at for with by from as is are was were be been has have had that this
these those it its their his her they he she we our which who will would could should may might can also not
but than then there into over after before about said says say while during amid""".split())
# Verb pairs where one source says a thing happened and another says it did not.
_OPPOSITES = (
    ({"agreed", "agree", "agreeing", "united", "unanimous", "consensus"}, {"divided", "disagreed", "split", "rejected", "failed"}),
    ({"confirmed", "confirms"}, {"denied", "denies"}),
    ({"accepted", "accept"}, {"refused", "rejected", "reject"}),
)


@dataclass
class _Member:
    article: Article
    index: int
    claim: ClaimMention
    vector: np.ndarray
    dates: frozenset[str]
    names: frozenset[str]
    words: frozenset[str]


@dataclass
class _Group:
    members: list[_Member] = field(default_factory=list)

    @property
    def centroid(self) -> np.ndarray:
        v = np.mean([m.vector for m in self.members], axis=0)
        return v / max(float(np.linalg.norm(v)), 1e-9)


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


def _member(article: Article, index: int, claim: ClaimMention, vector: np.ndarray) -> _Member:
    dates = frozenset(d.value for d in article.dates
                      if d.value and d.type == "DATE" and claim.start <= d.start < claim.end)
    names = frozenset(fold(m.text).split()[-1] for m in article.mentions
                      if claim.start <= m.start < claim.end and m.label in ("PERSON", "GPE", "ORG", "LOC", "NORP"))
    words = frozenset(w.lower() for w in _CONTENT.findall(claim.text) if w.lower() not in _STOP)
    return _Member(article, index, claim, vector, dates, names, words)


DATE_BONUS = 0.1
SAME_TOPIC = 0.55  # below this cosine two sentences are about different things and cannot contradict
WORD_WEIGHT = 0.1


def match_score(a: _Member, b: _Member) -> float:
    """Embedding similarity, nudged up by shared resolved dates and names, down by no shared content words."""
    score = float(a.vector @ b.vector)
    days_a, days_b = {d for d in a.dates if len(d) == 10}, {d for d in b.dates if len(d) == 10}
    if a.dates & b.dates:
        score += DATE_BONUS
    elif days_a and days_b:
        score -= DATE_BONUS  # both say when, and not the same day: another happening
    score += 0.03 * min(3, len(a.names & b.names))
    overlap = len(a.words & b.words) / max(1, min(len(a.words), len(b.words)))
    score += WORD_WEIGHT * overlap
    if overlap < 0.15:
        score -= 0.1
    return score


def conflict(a: _Member, b: _Member) -> str | None:
    """Why two claims about the same thing cannot both be true, or None."""
    if a.names and b.names and not (a.names & b.names):
        return None  # other people or places: another happening, not a contradiction
    if float(a.vector @ b.vector) < SAME_TOPIC:
        return None  # two claims on different subjects
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
    for yes, no in _OPPOSITES:
        if (a.words & yes and b.words & no) or (a.words & no and b.words & yes):
            return "one source says they " + ", ".join(sorted((a.words | b.words) & yes)) + \
                   ", another that they " + ", ".join(sorted((a.words | b.words) & no))
    if a.claim.negated != b.claim.negated and float(a.vector @ b.vector) > 0.8:
        return "one source asserts it, another denies it"
    if a.dates and b.dates and not (a.dates & b.dates) and float(a.vector @ b.vector) > 0.85 \
            and all(len(d) == 10 for d in a.dates | b.dates):
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


NEIGHBOURS = 20  # candidate matches per claim: an index, not all pairs, so big stories stay tractable
MIN_CANDIDATE_COSINE = 0.35
AVERAGE_LINK_SLACK = 0.07  # a group joins another when the average link is this close to the pair threshold
SAMPLE = 40  # members compared per side when averaging links between two large groups


def align(articles: Sequence[Article], vectors: dict[str, np.ndarray], options: Options) -> list[Claim]:
    """Group claims that assert the same thing; label each group by independent origins and conflicts.

    Agglomerative: the most similar cross-article pairs are joined first, groups merge when their
    average link stays high, one article never corroborates itself, and a pair that conflicts
    (other numbers, opposite verbs) is recorded as a dispute instead of being merged.
    """
    members = []
    for article in articles:
        matrix = vectors.get(article.id)
        for i, claim in enumerate(article.claims):
            if matrix is None or i >= len(matrix):
                continue
            members.append(_member(article, i, claim, matrix[i]))
    if not members:
        return []
    edges = _candidate_edges(members)
    threshold = options.claim_match_threshold
    parent = list(range(len(members)))
    clusters: dict[int, list[int]] = {i: [i] for i in range(len(members))}
    articles_in: dict[int, set[str]] = {i: {m.article.id} for i, m in enumerate(members)}
    raw_disputes: list[tuple[int, int, str]] = []
    cannot_link: set[tuple[int, int]] = set()

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def link(a: int, b: int) -> float:
        pairs = [(x, y) for x in clusters[a][:SAMPLE] for y in clusters[b][:SAMPLE]]
        return sum(edges.get((min(x, y), max(x, y))) or match_score(members[x], members[y]) for x, y in pairs) / len(pairs)

    for (i, j), score in sorted(edges.items(), key=lambda item: -item[1]):
        if score < threshold:
            break
        a, b = find(i), find(j)
        if a == b or articles_in[a] & articles_in[b]:
            continue
        if link(a, b) < threshold - AVERAGE_LINK_SLACK:
            continue
        # close pairs across the two groups must not contradict each other; a pair that ever did never merges
        close = [(x, y) for x in clusters[a] for y in clusters[b]
                 if edges.get((min(x, y), max(x, y)), 0.0) >= threshold - AVERAGE_LINK_SLACK]
        blocked = next(((x, y) for x, y in close if (min(x, y), max(x, y)) in cannot_link), None)
        reason = None
        if blocked is None:
            for x, y in close:
                if (reason := conflict(members[x], members[y])):
                    cannot_link.add((min(x, y), max(x, y)))
                    raw_disputes.append((x, y, reason))
                    break
        if blocked is not None or reason:
            continue
        parent[b] = a
        clusters[a].extend(clusters.pop(b))
        articles_in[a] |= articles_in.pop(b)
    # topical neighbours that were never merged can still contradict each other (numbers, opposites)
    for (i, j), score in edges.items():
        if score >= threshold - AVERAGE_LINK_SLACK and find(i) != find(j) \
                and members[i].article.origin != members[j].article.origin:
            reason = conflict(members[i], members[j])
            if reason:
                raw_disputes.append((i, j, reason))
    roots = sorted(clusters, key=lambda r: min(clusters[r]))
    index = {root: g for g, root in enumerate(roots)}
    groups = [_Group([members[x] for x in sorted(clusters[root])]) for root in roots]
    disputes: dict[tuple[int, int], str] = {}
    for i, j, reason in raw_disputes:
        a, b = sorted((index[find(i)], index[find(j)]))
        if a != b:
            disputes.setdefault((a, b), reason)
    return _label(groups, [(a, b, reason) for (a, b), reason in disputes.items()])


def _candidate_edges(members: list[_Member]) -> dict[tuple[int, int], float]:
    """Each claim's nearest neighbours in other articles, scored: (i, j) with i < j -> match score."""
    vectors = np.stack([m.vector for m in members]).astype(np.float32)
    articles = np.array([m.article.id for m in members])
    k = min(NEIGHBOURS, len(members) - 1)
    edges: dict[tuple[int, int], float] = {}
    if k <= 0:
        return edges
    for start in range(0, len(members), 512):
        sims = vectors[start:start + 512] @ vectors.T
        for row in range(sims.shape[0]):
            i = start + row
            sims[row, articles == articles[i]] = -1.0
            for j in np.argpartition(-sims[row], k - 1)[:k]:
                j = int(j)
                if sims[row, j] < MIN_CANDIDATE_COSINE:
                    continue
                key = (min(i, j), max(i, j))
                if key not in edges:
                    edges[key] = match_score(members[i], members[j])
    return edges


def _label(groups: list[_Group], disputes: list[tuple[int, int, str]]) -> list[Claim]:
    ids = {g: f"c{g + 1}" for g in range(len(groups))}
    conflicts: dict[int, list[tuple[int, str]]] = {}
    for i, j, reason in disputes:
        conflicts.setdefault(i, []).append((j, reason))
        conflicts.setdefault(j, []).append((i, reason))
    claims = []
    for g, group in enumerate(groups):
        origins = sorted({m.article.origin for m in group.members})
        outlets = sorted({m.article.source for m in group.members})
        against = conflicts.get(g, [])
        if against:
            status = "disputed"
            reason = "; ".join(f"conflicts with {ids[j]}: {why}" for j, why in against)
        elif len(origins) >= 2:
            status = "corroborated"
            reason = f"asserted by {len(origins)} independent origins ({', '.join(outlets)})"
        else:
            status = "single_source"
            copies = len({m.article.id for m in group.members})
            reason = f"only {outlets[0]} asserts this" + (
                f" (repeated by {copies - 1} copies of the same text)" if copies > 1 else "")
        representative = min(group.members, key=lambda m: -float(m.vector @ group.centroid))
        claims.append(Claim(
            id=ids[g], text=representative.claim.text, status=status,
            article_ids=tuple(dict.fromkeys(m.article.id for m in group.members)),
            conflicts_with=tuple(ids[j] for j, _ in against), origins=tuple(origins), reason=reason,
            sources=tuple((m.article.id, m.claim.text) for m in group.members),
        ))
    return claims
