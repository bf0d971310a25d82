"""Claim alignment on ECB+ gold event chains, leave-one-topic-out, beside a tuned-cosine baseline.

Metric (../shared/corpus/ecbplus-dev-events/README.md): over all cross-file pairs of annotated lines
within one topic (the topic's two sister events included), pairwise precision, recall and F1 of "these
two lines are in one claim group" against "these two lines share a gold event chain". Alignment runs on
the gold topic (both sister events together, as if story clustering had merged them: the hardest case),
not on predicted stories, so the figure measures alignment alone.

For each of the 8 topics: the pair model (logistic regression on storyline.align.pair_features) is fitted
on the other 7 topics' labelled claim pairs and its threshold chosen there (clustered pair F1); the
held-out topic is then clustered with complete link. The baseline, in the same run: two lines are
aligned when the cosine of their MiniLM vectors reaches a threshold chosen on the same 7 topics.
Also printed: aligned pairs whose articles report the topic's two different events (false corroboration).

    .venv/bin/python eval/alignment.py [--fit]   # ALIGN_EVAL_CACHE=DIR caches parses elsewhere; --fit writes storyline/data/align_model.json from all 8 topics
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import pickle
import re
import sys
from collections.abc import Sequence
from itertools import combinations
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eval.common import ROOT, SHARED  # noqa: E402
from storyline import align, happenings  # noqa: E402
from storyline.model import Article  # noqa: E402

CORPUS = SHARED / "corpus" / "ecbplus-dev"
EVENTS = SHARED / "corpus" / "ecbplus-dev-events" / "events.json"
CACHE = Path(os.environ.get("ALIGN_EVAL_CACHE", "/tmp/align-cache"))  # parses are slow: reuse them
SISTER_TOLERANCE = 2  # annotated line pairs across sister events allowed on the training topics
THRESHOLDS = tuple(round(x, 2) for x in np.arange(0.1, 0.91, 0.05))  # the baseline's cosine grid
LINKS = tuple((mean, floor, gate) for mean, floor in ((0.6, 0.45), (0.6, 0.3), (0.4, 0.15)) for gate in (0.55, 0.7))
# (mean, floor, cosine gate) tried for the clustering
HAPPENING_LINKS = tuple((mean, floor) for mean in (0.15, 0.2, 0.25, 0.3, 0.4, 0.5) for floor in (0.0, 0.01, 0.02, 0.05))
# (mean, floor) tried for joining claims into happenings


def _code_hash() -> str:
    digest = hashlib.sha1()
    for path in sorted((ROOT / "storyline").rglob("*.py")):
        if path.name not in ("align.py", "summarize.py", "stories.py", "store.py", "pipeline.py", "happenings.py") \
                and path.parent.name not in ("report", "web"):  # rendering never shapes a parse
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def parsed() -> tuple[list[Article], dict[str, np.ndarray]]:
    """Every ECB+ dev document cleaned, analysed and its claims embedded, cached by the code that made them."""
    CACHE.mkdir(exist_ok=True)
    cached = CACHE / f"ecbplus-{_code_hash()}.pkl"
    if cached.exists():
        with cached.open("rb") as f:
            return pickle.load(f)  # type: ignore[no-any-return]
    from storyline.pipeline import Batch, Pipeline
    from storyline.settings import load_options
    from storyline.store import Store

    pipeline = Pipeline(load_options(), Store.open(":memory:"))
    batch = Batch(inputs=sorted(str(p) for p in CORPUS.glob("*.txt")))
    for step in ("ingest", "clean", "dedup", "analyze", "embed"):
        getattr(pipeline, f"step_{step}")(batch)
    result = (batch.articles, batch.claim_vectors)
    with cached.open("wb") as f:
        pickle.dump(result, f)
    return result


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def line_of_claims(article: Article) -> list[int | None]:
    """The source file's line (0-based) each claim comes from; None when it cannot be found."""
    lines = [_norm(x) for x in Path(article.path).read_text(encoding="utf-8").splitlines()]
    out: list[int | None] = []
    for claim in article.claims:
        key = _norm(claim.text)[:40]
        out.append(next((n for n, line in enumerate(lines) if key and key in line), None))
    return out


class Topic:
    """One ECB+ topic: its members (claims), their lines and files, and the gold chains."""

    def __init__(self, name: str, articles: list[Article], vectors: dict[str, np.ndarray],
                 events: dict[str, dict[str, object]], story_of: dict[str, str], repeated: set[str]) -> None:
        self.name = name
        self.members = align.members_of(articles, vectors)
        self.file = [Path(m.article.path).name for m in self.members]
        lines = {a.id: line_of_claims(a) for a in articles}
        self.line = [lines[m.article.id][m.index] for m in self.members]
        self.story = [story_of[f] for f in self.file]
        self.chains: dict[tuple[str, int], set[str]] = {}
        for name_, entry in events.items():
            if name_.split("_")[0] != name:
                continue
            for line, chains in entry["event_chains"].items():  # type: ignore[attr-defined]
                self.chains[(name_, int(line))] = set(chains) & repeated
        self.annotated = sorted(self.chains)
        self.gold = {(a, b) for a, b in combinations(self.annotated, 2)
                     if a[0] != b[0] and self.chains[a] & self.chains[b]}
        self.conflicts: dict[tuple[int, int], str | None] = {}
        self.features: dict[tuple[int, int], list[float]] = {}
        for i, j in combinations(range(len(self.members)), 2):
            if self.file[i] != self.file[j]:
                self.features[(i, j)] = align.pair_features(self.members[i], self.members[j])

    def happening_features(self, vectors: dict[str, np.ndarray]) -> None:
        pf = happenings.PairFeatures(self.members, vectors)
        self.hf = np.concatenate([pf.block(s, min(pf.n, s + happenings.BLOCK)) for s in range(0, pf.n, happenings.BLOCK)])
        self.same_article = pf.article[:, None] == pf.article[None, :]
        self.fact_groups: dict[int, list[list[int]]] = {}  # fold -> fact-level groups made by that fold's model

    def happening_labelled(self) -> tuple[np.ndarray, np.ndarray]:
        pairs = [(i, j) for i, j in self.features
                 if (self.file[i], self.line[i]) in self.chains and (self.file[j], self.line[j]) in self.chains]
        y = [int(bool(self.chains[(self.file[i], self.line[i])] & self.chains[(self.file[j], self.line[j])]))  # type: ignore[index]
             for i, j in pairs]
        return self.hf[tuple(np.array(pairs).T)], np.array(y)

    def labelled(self) -> tuple[list[list[float]], list[int]]:
        """Claim pairs whose two lines are annotated: features and whether the lines share a chain."""
        x, y = [], []
        for (i, j), f in self.features.items():
            a, b = (self.file[i], self.line[i]), (self.file[j], self.line[j])
            if a in self.chains and b in self.chains:
                x.append(f)
                y.append(int(bool(self.chains[a] & self.chains[b])))  # type: ignore[index]
        return x, y

    def predicted_pairs(self, groups: dict[int, list[int]]) -> set[tuple[tuple[str, int], tuple[str, int]]]:
        """Annotated line pairs (cross-file) with a claim of each in one group."""
        out = set()
        for members in groups.values():
            keys = {(self.file[x], self.line[x]) for x in members}
            keys = {k for k in keys if k in self.chains}
            for a, b in combinations(sorted(keys), 2):  # type: ignore[type-var]
                if a[0] != b[0]:
                    out.add((a, b))
        return out

    def sister_pairs(self, groups: dict[int, list[int]]) -> int:
        """Aligned claim pairs whose two articles report the topic's two different events."""
        return sum(1 for members in groups.values() for x, y in combinations(members, 2)
                   if self.story[x] != self.story[y])


def load_topics() -> list[Topic]:
    articles, vectors = parsed()
    events = json.loads(EVENTS.read_text(encoding="utf-8"))
    counts: dict[str, int] = {}
    for entry in events.values():
        for chains in entry["event_chains"].values():
            for chain in chains:
                counts[chain] = counts.get(chain, 0) + 1
    repeated = {c for c, n in counts.items() if n > 1}
    story_of = {r["file"]: r["story"] for r in csv.DictReader((CORPUS / "labels.csv").open())}
    by_topic: dict[str, list[Article]] = {}
    for article in articles:
        by_topic.setdefault(Path(article.path).name.split("_")[0], []).append(article)
    topics = [Topic(name, by_topic[name], vectors, events, story_of, repeated) for name in sorted(by_topic)]
    for topic in topics:
        topic.happening_features(vectors)
    return topics


def prf(predicted: set[object], gold: set[object]) -> tuple[float, float, float]:
    right = len(predicted & gold)
    p = right / len(predicted) if predicted else 0.0
    r = right / len(gold) if gold else 0.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def fit(topics: Sequence[Topic]) -> align.PairModel:
    """Logistic regression on the topics' labelled pairs; the threshold that maximises their clustered F1."""
    from sklearn.linear_model import LogisticRegression

    x: list[list[float]] = []
    y: list[int] = []
    for topic in topics:
        tx, ty = topic.labelled()
        x.extend(tx)
        y.extend(ty)
    xa = np.asarray(x)
    mean, scale = xa.mean(axis=0), xa.std(axis=0) + 1e-9
    lr = LogisticRegression(C=1.0, max_iter=2000).fit((xa - mean) / scale, y)
    model = align.PairModel(mean, scale, lr.coef_[0], float(lr.intercept_[0]), 0.5, 0.1, 0.0)
    # the best F1 among settings that join no (or almost no) lines of two sister events: false corroboration
    # costs a reader more than a missed alignment
    tried = []
    for link in LINKS:
        (_, _, f1), _, sister_lines = _scores(topics, _with(model, *link))
        tried.append((sister_lines <= SISTER_TOLERANCE, f1, link))
    return _with(model, *max(tried)[2])


def _with(model: align.PairModel, threshold: float, floor: float, gate: float) -> align.PairModel:
    return align.PairModel(model.mean, model.scale, model.coef, model.intercept, threshold, floor, gate)


def _scores(topics: Sequence[Topic], model: align.PairModel) -> tuple[tuple[float, float, float], int, int]:
    """Pooled pair P/R/F1 of the clustering over the topics, sister-event claim pairs, sister line pairs."""
    predicted: set[object] = set()
    gold: set[object] = set()
    sisters = sister_lines = 0
    for topic in topics:
        known = _probabilities(topic, model)
        groups, _ = align.cluster(topic.members, model, known, topic.conflicts)
        pairs = topic.predicted_pairs(groups)
        predicted |= {(topic.name, p) for p in pairs}
        gold |= {(topic.name, g) for g in topic.gold}
        sisters += topic.sister_pairs(groups)
        story = {(f, ln): topic.story[k] for k, (f, ln) in enumerate(zip(topic.file, topic.line))}
        sister_lines += sum(1 for a, b in pairs if story.get(a) != story.get(b))
    return prf(predicted, gold), sisters, sister_lines


_PROBABILITIES: dict[tuple[int, int], dict[tuple[int, int], float]] = {}


def _probabilities(topic: Topic, model: align.PairModel) -> dict[tuple[int, int], float]:
    key = (id(topic), hash(model.coef.tobytes()))
    if key not in _PROBABILITIES:
        keys = list(topic.features)
        scores = model.probability([topic.features[k] for k in keys]) if keys else []
        _PROBABILITIES[key] = {k: float(s) for k, s in zip(keys, scores)}
    return _PROBABILITIES[key]


def fit_happenings(topics: Sequence[Topic], fold: int) -> happenings.HappeningModel:
    """Sign-constrained logistic regression on the topics' labelled claim pairs (HAPPENING directions), then the
    (mean, floor) link with the best clustered F1 on those topics among settings that join no (or almost no)
    annotated lines of two sister events. Fact groups are those the fold's claim model made."""
    from scipy.optimize import minimize

    parts = [t.happening_labelled() for t in topics]
    x = np.concatenate([p[0] for p in parts]).astype(np.float64)
    y = np.concatenate([p[1] for p in parts]).astype(np.float64)
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = (x - mean) / scale
    n, d = z.shape

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        logit = z @ w[:d] + w[d]
        p = 1.0 / (1.0 + np.exp(-np.clip(logit, -30, 30)))
        value = float(np.sum(np.logaddexp(0.0, logit) - y * logit) / n + 0.5 / n * np.sum(w[:d] ** 2))
        return value, np.concatenate([z.T @ (p - y) / n + w[:d] / n, [np.sum(p - y) / n]])

    signs = [happenings.DIRECTION[f] for f in happenings.FEATURES]
    bounds = [(0.0, None) if s > 0 else (None, 0.0) if s < 0 else (None, None) for s in signs] + [(None, None)]
    w = minimize(loss, np.zeros(d + 1), jac=True, method="L-BFGS-B", bounds=bounds).x
    model = happenings.HappeningModel(mean, scale, w[:d], float(w[d]), 0.5)
    tried = []
    for mean_link, floor in HAPPENING_LINKS:
        (_, _, f1), _, sister_lines = _happening_scores(topics, model, fold, mean_link, floor)
        tried.append((sister_lines <= SISTER_TOLERANCE * len(topics), f1, -mean_link, floor))
    best = max(tried)
    return happenings.HappeningModel(mean, scale, w[:d], float(w[d]), -best[2], best[3])


_MATRICES: dict[tuple[int, bytes], np.ndarray] = {}


def _happening_matrix(topic: Topic, model: happenings.HappeningModel) -> np.ndarray:
    """Pair probabilities of a topic's claims (NaN inside one article), computed once per model."""
    key = (id(topic), model.coef.tobytes() + model.mean.tobytes())
    if key not in _MATRICES:
        matrix = model.probability(topic.hf).astype(np.float32)
        matrix[topic.same_article] = np.nan
        _MATRICES.clear() if len(_MATRICES) > 16 else None
        _MATRICES[key] = matrix
    return _MATRICES[key]


def _happening_scores(topics: Sequence[Topic], model: happenings.HappeningModel, fold: int, threshold: float,
                      floor: float) -> tuple[tuple[float, float, float], int, int]:
    predicted: set[object] = set()
    gold: set[object] = set()
    sisters = sister_lines = 0
    for topic in topics:
        groups = topic.fact_groups[fold]
        joined = happenings.cluster(groups, _happening_matrix(topic, model), threshold, floor)
        as_members = {k: [x for g in hs for x in groups[g]] for k, hs in enumerate(joined)}
        pairs = topic.predicted_pairs(as_members)
        predicted |= {(topic.name, p) for p in pairs}
        gold |= {(topic.name, g) for g in topic.gold}
        sisters += topic.sister_pairs(as_members)
        story = {(f, ln): topic.story[k] for k, (f, ln) in enumerate(zip(topic.file, topic.line))}
        sister_lines += sum(1 for a, b in pairs if story.get(a) != story.get(b))
    return prf(predicted, gold), sisters, sister_lines


def line_vectors(topics: Sequence[Topic]) -> dict[tuple[str, int], np.ndarray]:
    """MiniLM vectors of every annotated line as written (the baseline's input), cached."""
    cached = CACHE / "ecbplus-lines.pkl"
    if cached.exists():
        with cached.open("rb") as f:
            return pickle.load(f)  # type: ignore[no-any-return]
    from storyline import embed

    keys = [k for t in topics for k in t.annotated]
    texts = [(CORPUS / f).read_text(encoding="utf-8").splitlines()[n] for f, n in keys]
    vectors = embed.load("minilm-int8").embed(texts)
    out = dict(zip(keys, vectors))
    with cached.open("wb") as f:
        pickle.dump(out, f)
    return out


def baseline(train: Sequence[Topic], test: Topic, vectors: dict[tuple[str, int], np.ndarray]) -> set[object]:
    """Cross-file annotated line pairs whose cosine reaches the threshold best on the training topics."""
    def pairs(topic: Topic, threshold: float) -> set[object]:
        return {(topic.name, (a, b)) for a, b in combinations(topic.annotated, 2)
                if a[0] != b[0] and float(vectors[a] @ vectors[b]) >= threshold}

    gold = {(t.name, g) for t in train for g in t.gold}
    best = max(THRESHOLDS, key=lambda t: prf(set().union(*(pairs(x, t) for x in train)), gold)[2])
    return pairs(test, best)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fit", action="store_true",
                        help="refit storyline/data/align_model.json and happening_model.json on all topics")
    args = parser.parse_args()
    topics = load_topics()
    vectors = line_vectors(topics)
    predicted: set[object] = set()
    happened: set[object] = set()
    base: set[object] = set()
    gold: set[object] = set()
    sisters = sister_lines = h_sisters = h_sister_lines = 0
    per_topic = []
    print("claim alignment, ECB+ dev gold event chains, leave-one-topic-out (alignment on gold topics):")
    for topic in topics:
        x, y = topic.labelled()
        print(f"  topic {topic.name:>3}: {len(topic.members)} claims, {len(y)} labelled claim pairs, {sum(y)} positive; "
              f"{len(topic.gold)} gold line pairs")
    for fold, topic in enumerate(topics):
        train = [t for t in topics if t is not topic]
        model = fit(train)
        for t in topics:  # fact groups as this fold's claim model makes them (training topics tune happenings)
            t.fact_groups[fold] = [sorted(g) for g in align.cluster(t.members, model, _probabilities(t, model),
                                                                       t.conflicts)[0].values()]
        (p, r, f), s, sl = _scores([topic], model)
        known = _probabilities(topic, model)
        groups, _ = align.cluster(topic.members, model, known, topic.conflicts)
        pairs = {(topic.name, x) for x in topic.predicted_pairs(groups)}
        h_model = fit_happenings(train, fold)
        (hp, hr, hf), hs, hsl = _happening_scores([topic], h_model, fold, h_model.threshold, h_model.floor)
        joined = happenings.cluster(topic.fact_groups[fold], _happening_matrix(topic, h_model), h_model.threshold,
                                    h_model.floor)
        happened |= {(topic.name, x) for x in topic.predicted_pairs(
            {k: [m for g in js for m in topic.fact_groups[fold][g]] for k, js in enumerate(joined)})}
        topic_gold = {(topic.name, g) for g in topic.gold}
        topic_base = baseline(train, topic, vectors)
        bp, br, bf = prf(topic_base, topic_gold)
        predicted |= pairs
        base |= topic_base
        gold |= topic_gold
        sisters += s
        sister_lines += sl
        h_sisters += hs
        h_sister_lines += hsl
        per_topic.append((f, bf, hf))
        print(f"  topic {topic.name:>3}: claims   link {model.threshold:.2f}/{model.floor:.2f}/{model.gate:.2f}  "
              f"pairs P {p:.3f} R {r:.3f} F1 {f:.3f}  sister-event claim pairs {s} ({sl} line pairs)\n"
              f"             happenings link {h_model.threshold:.2f}/{h_model.floor:.2f}       "
              f"pairs P {hp:.3f} R {hr:.3f} F1 {hf:.3f}  sister-event claim pairs {hs} ({hsl} line pairs)\n"
              f"             baseline                    pairs P {bp:.3f} R {br:.3f} F1 {bf:.3f}")
    p, r, f = prf(predicted, gold)
    hp, hr, hf = prf(happened, gold)
    bp, br, bf = prf(base, gold)
    print(f"claim groups held-out (pooled over {len(topics)} topics, {len(gold)} gold line pairs): "
          f"P {p:.3f} R {r:.3f} F1 {f:.3f}; mean topic F1 {np.mean([x[0] for x in per_topic]):.3f}; "
          f"across sister events: {sisters} claim pairs ({sister_lines} annotated line pairs)")
    print(f"happenings held-out (claim groups joined by event): P {hp:.3f} R {hr:.3f} F1 {hf:.3f}; "
          f"mean topic F1 {np.mean([x[2] for x in per_topic]):.3f}; "
          f"across sister events: {h_sisters} claim pairs ({h_sister_lines} annotated line pairs)")
    print(f"baseline (cosine threshold tuned on the 7 training topics): P {bp:.3f} R {br:.3f} F1 {bf:.3f}; "
          f"mean topic F1 {np.mean([x[1] for x in per_topic]):.3f}")
    if args.fit:
        model = fit(topics)
        path = align.MODEL_PATH
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)} (fitted on all {len(topics)} topics, mean link {model.threshold:.2f}, floor {model.floor:.2f}, "
              f"cosine gate {model.gate:.2f})")
        everything = len(topics)
        for t in topics:
            t.fact_groups[everything] = [sorted(g) for g in align.cluster(t.members, model, _probabilities(t, model),
                                                                             t.conflicts)[0].values()]
        h_model = fit_happenings(topics, everything)
        happenings.MODEL_PATH.write_text(json.dumps(h_model.to_json(), indent=1) + "\n", encoding="utf-8")
        print(f"wrote {happenings.MODEL_PATH.relative_to(ROOT)} (fitted on all {len(topics)} topics, "
              f"mean link {h_model.threshold:.2f}, floor {h_model.floor:.2f})")
        print("happening model weights: " + ", ".join(f"{n} {w:+.2f}" for n, w in zip(happenings.FEATURES, h_model.coef)))


if __name__ == "__main__":
    main()
