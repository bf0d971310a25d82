"""Happenings: a story's claims grouped by the real-world event they report, above fact-level claim groups.

A claim is one fact ("9 workers were taken to hospital"); a happening is the event several facts are about
(the explosion at the plant on Monday). Two claims from different articles report one happening when they
are of the same kind of event and the two articles report it at the same time, place and with the same
participants: a sister event of the same kind (another earthquake, last year's product launch) is another
happening. The decision is a logistic regression over claim-pair and article-pair features, fitted by
eval/alignment.py --fit on ECB+ gold event chains; claims are joined with average link over the fact groups
(every pair across two happenings counts, so A~B, B~C never chains in an unrelated C).

Statuses stay fact-level: a happening says how many independent origins report the event, never that a
single-source fact is corroborated.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .analyze.entities import fold
from .disputes import quantities
from .model import Article, Claim, Happening

if TYPE_CHECKING:
    from .align import _Member

MODEL_PATH = Path(__file__).resolve().parent / "data" / "happening_model.json"
_WEAK_PREDICATES = frozenset({"be", "have", "say", "do", "tell", "report", "add", "get", "make", "go", "take"})
_WORD = re.compile(r"[^\W\d_][\w'’-]{2,}")
_TYPES = {"PERSON": "person", "ORG": "org", "GPE": "place", "LOC": "place", "FAC": "place"}
KINDS = ("person", "org", "place")
OPENING = 400  # characters: the lead, where a report names its own event's date, people and place
FEATURES = (
    "cosine", "same_predicate", "shared_number", "number_clash", "date_match", "date_clash",
    *(f"claim_{k}_shared" for k in KINDS), *(f"claim_{k}_clash" for k in KINDS),
    "article_cosine", "headline_cosine", "cosine_x_article", "article_words",
    *(f"article_{k}" for k in KINDS), *(f"lead_{k}_shared" for k in KINDS), *(f"lead_{k}_clash" for k in KINDS),
    "event_known", "event_gap", "event_same", "year_clash",
)
# Which way a feature may move the probability (the fit keeps a weight of the wrong sign at 0): more shared
# names, words or dates never make "one happening" less likely, a clash or a wider date gap never more.
DIRECTION = {f: (-1 if f.endswith("_clash") or f == "event_gap" else 0 if f == "event_known" else 1)
             for f in FEATURES}


@dataclass(frozen=True)
class ArticleContext:
    """What an article says about the event it reports: its centre, headline, names, and the event's day."""

    centre: np.ndarray
    headline: np.ndarray
    names: dict[str, frozenset[str]]  # kind -> folded names (people by surname) anywhere in the article
    lead: dict[str, frozenset[str]]  # kind -> names in the headline and opening
    event_day: int | None  # ordinal of the day the article dates most (news dates its own event most)
    years: frozenset[str]


def _name(text: str, kind: str) -> str:
    folded = fold(text)
    return folded.rsplit(" ", 1)[-1] if kind == "person" else folded


def context(article: Article, matrix: np.ndarray) -> ArticleContext:
    centre = matrix.mean(axis=0)
    centre = centre / max(float(np.linalg.norm(centre)), 1e-9)
    names: dict[str, set[str]] = {k: set() for k in KINDS}
    lead: dict[str, set[str]] = {k: set() for k in KINDS}
    headline = fold(article.title or "")
    for m in article.mentions:
        kind = _TYPES.get(m.label)
        if kind is None or len(m.text) < 2:
            continue
        name = _name(m.text, kind)
        if not name:
            continue
        names[kind].add(name)
        if m.start < OPENING or f" {name} " in f" {headline} ":
            lead[kind].add(name)
    days: Counter[int] = Counter()
    first: dict[int, int] = {}
    for d in article.dates:
        if d.type != "DATE" or not d.value or len(d.value) < 10:
            continue
        try:
            day = date.fromisoformat(d.value[:10]).toordinal()
        except ValueError:
            continue
        days[day] += 2 if d.start < OPENING else 1
        first.setdefault(day, d.start)
    event_day = max(days, key=lambda k: (days[k], -first[k])) if days else None
    years = frozenset(d.value[:4] for d in article.dates if d.type == "DATE" and d.value and d.value[:4].isdigit())
    has_headline = bool(article.claims) and article.claims[0].start == -1
    return ArticleContext(centre, matrix[0] if has_headline else centre,
                          {k: frozenset(v) for k, v in names.items()}, {k: frozenset(v) for k, v in lead.items()},
                          event_day, years)


def _article_features(a: ArticleContext, b: ArticleContext) -> list[float]:
    out = [float(a.centre @ b.centre), float(a.headline @ b.headline)]
    for k in KINDS:
        union = a.names[k] | b.names[k]
        out.append(len(a.names[k] & b.names[k]) / len(union) if union else 0.0)
    for k in KINDS:
        out.append(float(bool(a.lead[k] & b.lead[k])))
    for k in KINDS:
        out.append(float(bool(a.lead[k] and b.lead[k] and not a.lead[k] & b.lead[k])))
    known = a.event_day is not None and b.event_day is not None
    gap = abs(a.event_day - b.event_day) if a.event_day is not None and b.event_day is not None else 0
    out += [float(known), math.log1p(gap) / math.log(3650), float(known and gap == 0),
            float(bool(a.years and b.years and not a.years & b.years))]
    return out


def word_cosines(articles: Sequence[Article]) -> np.ndarray:
    """tf-idf cosine of the articles' words, rarity counted among these articles: within one story the words
    of the event's kind are everywhere, those of one event (its people, place, details) are not."""
    counts = [Counter(w.lower() for w in _WORD.findall(f"{a.title or ''} {a.text}")) for a in articles]
    df = Counter(w for c in counts for w in c)
    vocabulary = {w: k for k, w in enumerate(df)}
    matrix = np.zeros((len(articles), max(1, len(vocabulary))), dtype=np.float32)
    for i, c in enumerate(counts):
        for w, n in c.items():
            matrix[i, vocabulary[w]] = (1 + math.log(n)) * math.log((1 + len(articles)) / (1 + df[w]))
    matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9)
    return matrix @ matrix.T


def _indicator(rows: Sequence[frozenset[str] | set[str]]) -> np.ndarray:
    vocabulary = {k: i for i, k in enumerate(sorted({k for r in rows for k in r}))}
    out = np.zeros((len(rows), max(1, len(vocabulary))), dtype=np.float32)
    for i, r in enumerate(rows):
        for k in r:
            out[i, vocabulary[k]] = 1.0
    return out


class PairFeatures:
    """Features of every cross-article claim pair of a story, computed a block of rows at a time."""

    def __init__(self, members: Sequence[_Member], vectors: dict[str, np.ndarray]) -> None:
        self.n = len(members)
        ids = list(dict.fromkeys(m.article.id for m in members))
        index = {a: k for k, a in enumerate(ids)}
        self.article = np.array([index[m.article.id] for m in members], dtype=np.int64)
        articles = {m.article.id: m.article for m in members}
        contexts = [context(articles[a], vectors[a]) for a in ids]
        self.pairs = np.array([[_article_features(x, y) for y in contexts] for x in contexts], dtype=np.float32)
        self.words = word_cosines([articles[a] for a in ids])
        self.vectors = np.stack([m.vector for m in members]).astype(np.float32)
        centres = np.stack([c.centre for c in contexts]).astype(np.float32)
        self.centre_cos = centres @ centres.T
        predicates = [m.claim.predicate if m.claim.predicate and m.claim.predicate not in _WEAK_PREDICATES else None
                      for m in members]
        ids_p = {p: k for k, p in enumerate(dict.fromkeys(p for p in predicates if p))}
        self.predicate = np.array([ids_p[p] if p else -1 for p in predicates], dtype=np.int64)
        q = [quantities(m.claim) for m in members]
        self.units = _indicator([frozenset(x) for x in q])
        self.values = _indicator([frozenset(f"{u}={v}" for u, vs in x.items() for v in vs) for x in q])
        days = [frozenset(d for d in m.dates if len(d) == 10) for m in members]
        self.dates = _indicator([m.dates for m in members])
        self.has_day = np.array([bool(d) for d in days])
        self.days = _indicator(days)
        self.names = []
        for kind in KINDS:
            rows = []
            for m in members:
                claim = m.claim
                rows.append(frozenset(_name(x.text, kind) for x in m.article.mentions
                                      if _TYPES.get(x.label) == kind and claim.start <= x.start < claim.end
                                      and len(x.text) > 1) - {""})
            self.names.append(_indicator(rows))

    def block(self, start: int, stop: int) -> np.ndarray:
        """Features of rows start..stop against every member: (stop - start, n, len(FEATURES))."""
        rows = slice(start, stop)
        cos = self.vectors[rows] @ self.vectors.T
        p = self.predicate
        same_pred = ((p[rows, None] == p[None, :]) & (p[rows, None] >= 0)).astype(np.float32)
        common_units = (self.units[rows] @ self.units.T) > 0
        shared_value = (self.values[rows] @ self.values.T) > 0
        date_match = (self.dates[rows] @ self.dates.T) > 0
        day_match = (self.days[rows] @ self.days.T) > 0
        date_clash = self.has_day[rows, None] & self.has_day[None, :] & ~day_match
        shared, clash = [], []
        for names in self.names:
            inter = (names[rows] @ names.T) > 0
            has = names.sum(axis=1) > 0
            shared.append(inter)
            clash.append(has[rows, None] & has[None, :] & ~inter)
        a = self.article
        article = self.pairs[a[rows, None], a[None, :]]  # (rows, n, article features)
        centre = self.centre_cos[a[rows, None], a[None, :]]
        claim = np.stack([cos, same_pred, shared_value, common_units & ~shared_value, date_match, date_clash,
                          *shared, *clash], axis=-1).astype(np.float32)
        words = self.words[a[rows, None], a[None, :]]
        return np.concatenate([claim, article[..., :2], (cos * centre)[..., None], words[..., None], article[..., 2:]],
                              axis=-1)


@dataclass(frozen=True)
class HappeningModel:
    """Logistic regression over FEATURES, fitted by eval/alignment.py --fit; numpy only at run time."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float  # mean pair probability across two happenings at which they merge (average link)
    floor: float = 0.0  # and no pair across them below this

    def probability(self, features: np.ndarray) -> np.ndarray:
        x = (np.asarray(features, dtype=np.float64) - self.mean) / self.scale
        return 1.0 / (1.0 + np.exp(-np.clip(x @ self.coef + self.intercept, -30, 30)))

    def to_json(self) -> dict[str, object]:
        return {"features": list(FEATURES), "mean": [round(float(x), 6) for x in self.mean],
                "scale": [round(float(x), 6) for x in self.scale], "coef": [round(float(x), 6) for x in self.coef],
                "intercept": round(self.intercept, 6), "threshold": self.threshold, "floor": self.floor}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> HappeningModel:
        if tuple(data["features"]) != FEATURES:  # type: ignore[arg-type]
            raise ValueError(f"{MODEL_PATH.name} was fitted on other features: refit with eval/alignment.py --fit")
        return cls(np.asarray(data["mean"]), np.asarray(data["scale"]), np.asarray(data["coef"]),
                   float(data["intercept"]), float(data["threshold"]), float(data.get("floor", 0.0)))  # type: ignore[arg-type,attr-defined]


@functools.lru_cache(maxsize=1)
def happening_model() -> HappeningModel:
    return HappeningModel.from_json(json.loads(MODEL_PATH.read_text(encoding="utf-8")))


BLOCK = 256  # rows of pair features at a time: memory stays ~BLOCK x claims x features


def probabilities(features: PairFeatures, model: HappeningModel) -> np.ndarray:
    """n x n probability that two claims report one happening; NaN inside one article (never scored)."""
    out = np.empty((features.n, features.n), dtype=np.float32)
    for start in range(0, features.n, BLOCK):
        stop = min(features.n, start + BLOCK)
        out[start:stop] = model.probability(features.block(start, stop))
    same = features.article[:, None] == features.article[None, :]
    out[same] = np.nan
    return out


def cluster(groups: Sequence[Sequence[int]], matrix: np.ndarray, threshold: float,
            floor: float = 0.0) -> list[list[int]]:
    """Fact groups (lists of member indexes) joined into happenings by average link over cross-article pairs.

    The two happenings with the highest mean probability over all pairs across them (pairs inside one article
    are not counted) merge while that mean reaches the threshold and no pair across them is below the floor
    (so one bridging claim never pulls two events together). Returns happenings as lists of group indexes.
    """
    g = len(groups)
    one_hot = np.zeros((matrix.shape[0], g), dtype=np.float64)
    for k, members in enumerate(groups):
        one_hot[list(members), k] = 1.0
    known = ~np.isnan(matrix)
    sums = one_hot.T @ np.where(known, matrix, 0.0).astype(np.float64) @ one_hot
    counts = one_hot.T @ known.astype(np.float64) @ one_hot
    lowest = np.full((g, g), np.inf)
    if floor > 0 and g:
        filled = np.where(known, matrix, np.inf)
        rows = np.stack([filled[list(m)].min(axis=0) for m in groups])
        lowest = np.stack([rows[:, list(m)].min(axis=1) for m in groups], axis=1)
    np.fill_diagonal(counts, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(counts > 0, sums / np.maximum(counts, 1.0), -1.0)
    np.fill_diagonal(mean, -1.0)
    mean[lowest < floor] = -1.0
    clusters: dict[int, list[int]] = {k: [k] for k in range(g)}
    alive = np.ones(g, dtype=bool)
    best = mean.argmax(axis=1) if g else np.zeros(0, dtype=np.int64)  # each happening's likeliest partner
    while len(clusters) > 1:
        rows = np.fromiter(clusters, dtype=np.int64)
        a = int(rows[np.argmax(mean[rows, best[rows]])])
        b = int(best[a])
        if mean[a, b] < threshold:
            break
        sums[a] += sums[b]
        sums[:, a] = sums[a]
        counts[a] += counts[b]
        counts[:, a] = counts[a]
        counts[a, a] = 0.0
        lowest[a] = np.minimum(lowest[a], lowest[b])
        lowest[:, a] = lowest[a]
        clusters[a].extend(clusters.pop(b))
        alive[b] = False
        with np.errstate(invalid="ignore", divide="ignore"):
            row = np.where(counts[a] > 0, sums[a] / np.maximum(counts[a], 1.0), -1.0)
        row[a] = -1.0
        row[~alive] = -1.0
        row[lowest[a] < floor] = -1.0
        mean[b, :] = mean[:, b] = -1.0
        mean[a, :] = mean[:, a] = row
        best[a] = int(np.argmax(row))
        rows = np.fromiter(clusters, dtype=np.int64)
        rows = rows[rows != a]
        stale = rows[(best[rows] == a) | (best[rows] == b)]
        if stale.size:
            best[stale] = mean[stale].argmax(axis=1)
        closer = rows[mean[rows, a] > mean[rows, best[rows]]]  # the merged one may be another's likeliest now
        best[closer] = a
    return sorted((sorted(c) for c in clusters.values()), key=lambda c: c[0])


def happenings(members: Sequence[_Member], groups: Sequence[Sequence[int]], claims: Sequence[Claim],
               vectors: dict[str, np.ndarray], model: HappeningModel | None = None) -> tuple[list[Claim], list[Happening]]:
    """The claims with their happening id, and the story's happenings (most independent origins first)."""
    from dataclasses import replace

    if not members or not claims:
        return list(claims), []
    model = model or happening_model()
    matrix = probabilities(PairFeatures(members, vectors), model)
    joined = cluster(groups, matrix, model.threshold, model.floor)
    joined.sort(key=lambda hs: (-len({members[x].article.origin for h in hs for x in groups[h]}), hs[0]))
    out = list(claims)
    found = []
    for n, happening in enumerate(joined, start=1):
        hid = f"h{n}"
        inside = [members[x] for h in happening for x in groups[h]]
        for h in happening:
            out[h] = replace(out[h], happening=hid)
        ranked = sorted(happening, key=lambda h: (-len(claims[h].origins), h))
        found.append(Happening(
            id=hid, text=claims[ranked[0]].text, claim_ids=tuple(claims[h].id for h in happening),
            article_ids=tuple(dict.fromkeys(m.article.id for m in inside)),
            origins=len({m.article.origin for m in inside if m.claim.stance != "reported"}),
            outlets=tuple(sorted({m.article.source for m in inside}))))
    return out, found
