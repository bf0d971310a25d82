"""Claims across origins: group what articles assert, label corroborated / single_source / disputed."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import happenings
from .analyze.entities import fold
from .disputes import _STOP, DISPUTE_SHARE, conflict, outcome_disputes, quantities
from .model import Article, Claim, ClaimMention, Happening
from .settings import Options

_CONTENT = re.compile(r"[A-Za-z][\w’'-]+")


@dataclass
class _Member:
    article: Article
    index: int
    claim: ClaimMention
    vector: np.ndarray
    dates: frozenset[str]
    names: frozenset[str]
    words: frozenset[str]
    article_vector: np.ndarray | None = None  # the mean of the article's claim vectors: what it is about
    article_names: frozenset[str] = frozenset()  # every person, organisation and place the article names


@dataclass
class _Group:
    members: list[_Member] = field(default_factory=list)

    @property
    def centroid(self) -> np.ndarray:
        v = np.mean([m.vector for m in self.members], axis=0)
        return v / max(float(np.linalg.norm(v)), 1e-9)


def _member(article: Article, index: int, claim: ClaimMention, vector: np.ndarray) -> _Member:
    dates = frozenset(d.value for d in article.dates
                      if d.value and d.type == "DATE" and claim.start <= d.start < claim.end)
    names = frozenset(fold(m.text).split()[-1] for m in article.mentions
                      if claim.start <= m.start < claim.end and m.label in ("PERSON", "GPE", "ORG", "LOC", "NORP"))
    words = frozenset(w.lower() for w in _CONTENT.findall(claim.text) if w.lower() not in _STOP)
    return _Member(article, index, claim, vector, dates, names, words)


NEIGHBOURS = 50  # candidate matches per claim: an index, not all pairs, so big stories stay tractable
MIN_CANDIDATE_COSINE = 0.15  # low: the pair model also weighs the two articles' context, not only the sentences
MODEL_PATH = Path(__file__).resolve().parent / "data" / "align_model.json"
_WEAK_PREDICATES = frozenset({"be", "have", "say", "do", "tell", "report", "add", "get", "make"})
FEATURES = ("cosine", "cosine_sq", "word_overlap", "shared_names", "names_disjoint", "same_predicate",
            "shared_number", "number_clash", "date_match", "date_clash", "lead", "cosine_x_overlap",
            "article_cosine", "article_names", "cosine_x_article")


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[:-len(suffix)]
    return word


def pair_features(a: _Member, b: _Member) -> list[float]:
    """What the learned pair decision sees: similarity, shared names, numbers, dates, predicate, position."""
    cosine = float(a.vector @ b.vector)
    stems_a, stems_b = {_stem(w) for w in a.words}, {_stem(w) for w in b.words}
    overlap = len(stems_a & stems_b) / max(1, min(len(stems_a), len(stems_b)))
    shared = len(a.names & b.names)
    qa, qb = quantities(a.claim), quantities(b.claim)
    common_units = set(qa) & set(qb)
    shared_number = any(qa[u] & qb[u] for u in common_units)
    clash = any(not (qa[u] & qb[u]) for u in common_units)
    days_a, days_b = {d for d in a.dates if len(d) == 10}, {d for d in b.dates if len(d) == 10}
    same_predicate = a.claim.predicate is not None and a.claim.predicate == b.claim.predicate \
        and a.claim.predicate not in _WEAK_PREDICATES
    # the two articles' own similarity and shared names: the same happening, not a sister event of one kind
    article_cosine = float(a.article_vector @ b.article_vector) \
        if a.article_vector is not None and b.article_vector is not None else cosine
    union = a.article_names | b.article_names
    article_names = len(a.article_names & b.article_names) / len(union) if union else 0.0
    return [cosine, cosine * cosine, overlap, float(min(3, shared)), float(bool(a.names and b.names and not shared)),
            float(same_predicate), float(shared_number), float(clash), float(bool(a.dates & b.dates)),
            float(bool(days_a and days_b and not days_a & days_b)), 1.0 / (1 + min(a.index, b.index)),
            cosine * overlap, article_cosine, article_names, cosine * article_cosine]


@dataclass(frozen=True)
class PairModel:
    """Logistic regression over pair_features, fitted by eval/alignment.py --fit; numpy only at run time."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float  # mean pair probability across two groups above which they merge (average link)
    floor: float  # and no pair across them below this (cohesion: groups never chain)
    gate: float = 0.0  # two sentences less similar than this (cosine) are never one fact, whatever their articles share

    def probability(self, features: Sequence[Sequence[float]]) -> np.ndarray:
        x = (np.asarray(features, dtype=np.float64) - self.mean) / self.scale
        return 1.0 / (1.0 + np.exp(-(x @ self.coef + self.intercept)))

    def to_json(self) -> dict[str, object]:
        return {"features": list(FEATURES), "mean": self.mean.tolist(), "scale": self.scale.tolist(),
                "coef": self.coef.tolist(), "intercept": self.intercept, "threshold": self.threshold,
                "floor": self.floor, "gate": self.gate}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> PairModel:
        if tuple(data["features"]) != FEATURES:  # type: ignore[arg-type]
            raise ValueError(f"{MODEL_PATH.name} was fitted on other features: refit with eval/alignment.py --fit")
        return cls(np.asarray(data["mean"]), np.asarray(data["scale"]), np.asarray(data["coef"]),
                   float(data["intercept"]), float(data["threshold"]), float(data["floor"]),  # type: ignore[arg-type]
                   float(data.get("gate", 0.0)))  # type: ignore[arg-type,attr-defined]


@functools.lru_cache(maxsize=1)
def pair_model() -> PairModel:
    return PairModel.from_json(json.loads(MODEL_PATH.read_text(encoding="utf-8")))


def members_of(articles: Sequence[Article], vectors: dict[str, np.ndarray]) -> list[_Member]:
    members = []
    for article in articles:
        matrix = vectors.get(article.id)
        if matrix is None or not len(matrix):
            continue
        centre = matrix.mean(axis=0)
        centre = centre / max(float(np.linalg.norm(centre)), 1e-9)
        names = frozenset(fold(m.text).split()[-1] for m in article.mentions if fold(m.text).split()
                          and m.label in ("PERSON", "GPE", "ORG", "LOC"))
        for i, claim in enumerate(article.claims[:len(matrix)]):
            member = _member(article, i, claim, matrix[i])
            member.article_vector, member.article_names = centre, names
            members.append(member)
    return members


def align(articles: Sequence[Article], vectors: dict[str, np.ndarray], options: Options,
          model: PairModel | None = None) -> list[Claim]:
    """Group claims that report the same fact; label each group by independent origins and conflicts.

    Agglomerative with complete link: the likeliest cross-article pairs are joined first, and two groups
    merge only when every pair across them passes the learned decision, so groups never chain. One article
    never corroborates itself; a pair that conflicts (other numbers, opposite outcome, a denial) is recorded
    as a dispute and never merged.
    """
    return _align(articles, vectors, model)[2]


def align_story(articles: Sequence[Article], vectors: dict[str, np.ndarray], options: Options,
                model: PairModel | None = None) -> tuple[list[Claim], list[Happening]]:
    """The claims (as align) with the happening each reports, and the story's happenings: claims from
    different articles about one real-world event (storyline.happenings). Statuses stay per claim."""
    members, groups, claims = _align(articles, vectors, model)
    return happenings.happenings(members, groups, claims, vectors)


def _align(articles: Sequence[Article], vectors: dict[str, np.ndarray],
           model: PairModel | None) -> tuple[list[_Member], list[list[int]], list[Claim]]:
    """Members, their groups (member indexes, in claim order) and the labelled claims."""
    members = members_of(articles, vectors)
    if not members:
        return [], [], []
    groups, raw_disputes = cluster(members, model or pair_model())
    roots = sorted(groups, key=lambda r: min(groups[r]))
    index = {root: g for g, root in enumerate(roots)}
    group_of = {x: index[root] for root, xs in groups.items() for x in xs}
    ordered = [sorted(groups[root]) for root in roots]
    built = [_Group([members[x] for x in xs]) for xs in ordered]
    raw_disputes += outcome_disputes(members, [groups[root] for root in roots])  # however differently worded
    disputes: dict[tuple[int, int], str] = {}
    for i, j, reason in raw_disputes:
        a, b = sorted((group_of[i], group_of[j]))
        if a != b:
            disputes.setdefault((a, b), reason)
    return members, ordered, _label(built, [(a, b, reason) for (a, b), reason in disputes.items()])


def cluster(members: list[_Member], model: PairModel, known: dict[tuple[int, int], float] | None = None,
            conflicts: dict[tuple[int, int], str | None] | None = None) -> tuple[dict[int, list[int]], list[tuple[int, int, str]]]:
    """Groups (root -> member indexes) and the conflicting pairs found on the way.

    Agglomerative: the likeliest pairs first; two groups merge when the mean probability of the pairs
    across them reaches the threshold and none is below the floor (so A~B, B~C never pulls in an
    unrelated C). Pairs that were never candidates (far apart in meaning) count as probability 0.
    `known` holds pair probabilities already computed (i < j) and `conflicts` the conflicts already
    checked, so an evaluation can try many thresholds.
    """
    n = len(members)
    checked = conflicts if conflicts is not None else {}
    matrix = np.zeros((n, n), dtype=np.float32)
    pairs = dict(known) if known is not None else {}
    if known is None:
        candidates = _candidates(members)
        if candidates:
            scores = model.probability([pair_features(members[i], members[j]) for i, j in candidates])
            pairs = {k: float(p) for k, p in zip(candidates, scores)}
    gated: set[tuple[int, int]] = set()
    for (i, j), p in pairs.items():
        if model.gate and float(members[i].vector @ members[j].vector) < model.gate:
            gated.add((i, j))  # may still conflict (what they are about is the same), never one fact
            p = 0.0
        matrix[i, j] = matrix[j, i] = p
    clusters: dict[int, list[int]] = {i: [i] for i in range(n)}
    root_of = list(range(n))
    ids = {a: k for k, a in enumerate(dict.fromkeys(m.article.id for m in members))}
    article_of = np.array([ids[m.article.id] for m in members])
    raw_disputes: list[tuple[int, int, str]] = []
    blocked = np.zeros((n, n), dtype=bool)
    # a figure is corroborated only by a claim that gives the same figure, not by one that gives none
    figures = [frozenset(v for values in quantities(m.claim).values() for v in values) for m in members]
    with_figures = np.array([bool(f) for f in figures])
    blocked |= with_figures[:, None] != with_figures[None, :]
    # a denial and what it denies never share a group
    stances = [m.claim.stance for m in members]
    for i in range(n):
        if stances[i] == "denied":
            for j in range(n):
                if stances[j] != "denied":
                    blocked[i, j] = blocked[j, i] = True
    for (i, j), p in sorted(pairs.items(), key=lambda item: -item[1]):
        if p < min(model.floor, model.threshold * DISPUTE_SHARE):
            break
        if p >= model.threshold * DISPUTE_SHARE and members[i].article.origin != members[j].article.origin:
            if (i, j) not in checked:
                checked[(i, j)] = conflict(members[i], members[j], p, model)
            reason = checked[(i, j)]
            if reason:
                blocked[i, j] = blocked[j, i] = True
                raw_disputes.append((i, j, reason))
                continue
        if p < model.floor or (i, j) in gated:
            continue
        a, b = root_of[i], root_of[j]
        if a == b:
            continue
        xs, ys = clusters[a], clusters[b]
        if blocked[np.ix_(xs, ys)].any():
            continue
        clash = None
        for x in xs:  # no two claims across the groups may contradict each other
            for y in ys:
                key = (min(x, y), max(x, y))
                if pairs.get(key, 0.0) >= model.threshold * DISPUTE_SHARE and key != (i, j) \
                        and members[x].article.origin != members[y].article.origin:
                    if key not in checked:
                        checked[key] = conflict(members[x], members[y], pairs[key], model)
                    if checked[key]:
                        clash = key
                        break
            if clash:
                break
        if clash:
            blocked[clash] = blocked[clash[::-1]] = True
            raw_disputes.append((clash[0], clash[1], checked[clash] or ""))
            continue
        # pairs inside one article are never scored: the link is over pairs across articles
        across = article_of[xs][:, None] != article_of[ys][None, :]
        block = matrix[np.ix_(xs, ys)][across]
        if block.size and (block.min() < model.floor or block.mean() < model.threshold):
            continue
        for x in ys:
            root_of[x] = a
        clusters[a].extend(clusters.pop(b))
    return clusters, raw_disputes


def _candidates(members: list[_Member]) -> list[tuple[int, int]]:
    """Each claim's nearest neighbours in other articles: (i, j) with i < j."""
    vectors = np.stack([m.vector for m in members]).astype(np.float32)
    articles = np.array([m.article.id for m in members])
    k = min(NEIGHBOURS, len(members) - 1)
    found: set[tuple[int, int]] = set()
    if k <= 0:
        return []
    for start in range(0, len(members), 512):
        sims = vectors[start:start + 512] @ vectors.T
        for row in range(sims.shape[0]):
            i = start + row
            sims[row, articles == articles[i]] = -1.0
            for j in np.argpartition(-sims[row], k - 1)[:k]:
                j = int(j)
                if sims[row, j] >= MIN_CANDIDATE_COSINE:
                    found.add((min(i, j), max(i, j)))
    return sorted(found)


def _label(groups: list[_Group], disputes: list[tuple[int, int, str]]) -> list[Claim]:
    ids = {g: f"c{g + 1}" for g in range(len(groups))}
    conflicts: dict[int, list[tuple[int, str]]] = {}
    for i, j, reason in disputes:
        conflicts.setdefault(i, []).append((j, reason))
        conflicts.setdefault(j, []).append((i, reason))
    claims = []
    for g, group in enumerate(groups):
        # a report of a claim ("X claims", "reports say", a question) is not a confirmation of it
        asserting = [m for m in group.members if m.claim.stance != "reported"]
        reporting = [m for m in group.members if m.claim.stance == "reported"]
        origins = sorted({m.article.origin for m in asserting})
        outlets = sorted({m.article.source for m in asserting})
        asserting_ids = {m.article.id for m in asserting}
        reported_by = tuple(dict.fromkeys(m.article.id for m in reporting if m.article.id not in asserting_ids))
        reporters = sorted({m.article.source for m in reporting})
        against = conflicts.get(g, [])
        if len(origins) >= 2:
            status = "corroborated"
            reason = f"asserted by {len(origins)} independent origins ({', '.join(outlets)})"
        elif not asserting:
            status = "single_source"
            reason = f"no source asserts this; only reported by {', '.join(reporters)}"
        else:
            status = "single_source"
            copies = len(asserting_ids)
            reason = f"only {outlets[0]} asserts this" + (
                f" (repeated by {copies - 1} copies of the same text)" if copies > 1 else "")
        if reporting and asserting:
            reason += f"; reported, not asserted, by {', '.join(reporters)}"
        if against:  # disputed, and still saying how many origins assert it (origins says it too)
            status = "disputed"
            reason += "; " + "; ".join(f"conflicts with {ids[j]}: {why}" for j, why in against)
        representative = min(asserting or group.members, key=lambda m: -float(m.vector @ group.centroid))
        claims.append(Claim(
            id=ids[g], text=representative.claim.text, status=status,
            article_ids=tuple(dict.fromkeys(m.article.id for m in asserting or group.members)),
            conflicts_with=tuple(ids[j] for j, _ in against), origins=tuple(origins), reason=reason,
            sources=tuple((m.article.id, m.claim.text) for m in group.members),
            stance=representative.claim.stance if asserting else "reported", reported_by=reported_by,
        ))
    return claims
