"""Claims across origins: group what articles assert, label corroborated / single_source / disputed."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .analyze.entities import fold
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
    def articles(self) -> set[str]:
        return {m.article.id for m in self.members}

    @property
    def centroid(self) -> np.ndarray:
        v = np.mean([m.vector for m in self.members], axis=0)
        return v / max(float(np.linalg.norm(v)), 1e-9)


def quantities(claim: ClaimMention) -> dict[str, float]:
    """What each number counts -> its value: {"shells": 1.2e6, "%": 3}."""
    out: dict[str, float] = {}
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
            out[unit.rstrip("s")] = value
    return out


def _member(article: Article, index: int, claim: ClaimMention, vector: np.ndarray) -> _Member:
    dates = frozenset(d.value for d in article.dates
                      if d.value and d.type == "DATE" and claim.start <= d.start < claim.end)
    names = frozenset(fold(m.text).split()[-1] for m in article.mentions
                      if claim.start <= m.start < claim.end and m.label in ("PERSON", "GPE", "ORG", "LOC"))
    words = frozenset(w.lower() for w in _CONTENT.findall(claim.text) if w.lower() not in _STOP)
    return _Member(article, index, claim, vector, dates, names, words)


def match_score(a: _Member, b: _Member) -> float:
    """Embedding similarity, nudged up by shared resolved dates and names, down by no shared content words."""
    score = float(a.vector @ b.vector)
    if a.dates & b.dates:
        score += 0.06
    score += 0.03 * min(3, len(a.names & b.names))
    overlap = len(a.words & b.words) / max(1, min(len(a.words), len(b.words)))
    if overlap < 0.15:
        score -= 0.1
    return score


def conflict(a: _Member, b: _Member) -> str | None:
    """Why two claims about the same thing cannot both be true, or None."""
    qa, qb = quantities(a.claim), quantities(b.claim)
    for unit in set(qa) & set(qb):
        if qa[unit] and qb[unit] and abs(qa[unit] - qb[unit]) / max(qa[unit], qb[unit]) > 0.05:
            return f"different numbers for {unit if unit != '%' else 'the same percentage'}: " \
                   f"{_fmt(qa[unit])} vs {_fmt(qb[unit])}"
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


def _fmt(value: float) -> str:
    for word, scale in (("billion", 1e9), ("million", 1e6)):
        if value >= scale:
            return f"{value / scale:g} {word}"
    return f"{value:g}"


def align(articles: Sequence[Article], vectors: dict[str, np.ndarray], options: Options) -> list[Claim]:
    """Group claims that assert the same thing; label each group by independent origins and conflicts."""
    members = []
    for article in articles:
        matrix = vectors.get(article.id)
        for i, claim in enumerate(article.claims):
            if matrix is None or i >= len(matrix):
                continue
            members.append(_member(article, i, claim, matrix[i]))
    groups: list[_Group] = []
    disputes: list[tuple[int, int, str]] = []
    for member in members:
        best: tuple[float, int] | None = None
        for g, group in enumerate(groups):
            if member.article.id in group.articles:
                continue  # one article does not corroborate itself
            # average link: a claim must be like the whole group, not one loose member of it
            score = sum(match_score(member, other) for other in group.members) / len(group.members)
            if best is None or score > best[0]:
                best = (score, g)
        if best is not None and best[0] >= options.claim_match_threshold:
            reason = next((r for other in groups[best[1]].members if (r := conflict(member, other))), None)
            if reason is None:
                groups[best[1]].members.append(member)
                continue
            groups.append(_Group([member]))
            disputes.append((best[1], len(groups) - 1, reason))
            continue
        groups.append(_Group([member]))
    # claims on one topic that were not merged can still contradict each other (numbers, opposites)
    for i in range(len(groups)):
        for j in range(i + 1, len(groups)):
            if groups[i].articles & groups[j].articles and len(groups[i].articles | groups[j].articles) < 2:
                continue
            if any(d[:2] == (i, j) for d in disputes):
                continue
            a, b = groups[i].members[0], groups[j].members[0]
            if a.article.origin == b.article.origin or float(groups[i].centroid @ groups[j].centroid) < 0.6:
                continue
            reason = conflict(a, b)
            if reason:
                disputes.append((i, j, reason))
    return _label(groups, disputes)


def _label(groups: list[_Group], disputes: list[tuple[int, int, str]]) -> list[Claim]:
    ids = {g: f"c{g + 1}" for g in range(len(groups))}
    conflicts: dict[int, list[tuple[int, str]]] = {}
    for i, j, reason in disputes:
        conflicts.setdefault(i, []).append((j, reason))
        conflicts.setdefault(j, []).append((i, reason))
    claims = []
    for g, group in enumerate(groups):
        origins = sorted({m.article.origin for m in group.members})
        outlets = sorted({_outlet(m.article) for m in group.members})
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


def _outlet(article: Article) -> str:
    return article.outlet or article.path.rsplit("/", 1)[-1]
