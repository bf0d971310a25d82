"""Fit the same-story model on ECB+ dev and write storyline/data/story_model.json (deterministic).

    .venv/bin/python eval/fit_stories.py [--corpus ../shared/corpus/ecbplus-dev] [--out PATH]

Training examples are article-story pairs met while placing each topic's documents in several
random orders into their gold stories (the stories as they stand when the article arrives), plus
pairs with the stories of other topics. Boosted trees, each feature held to one direction (stories.DIRECTION),
weigh the features of storyline.stories.FEATURES; the join threshold and the number of lead claims in
the article vector are chosen on the same training examples (log-loss, F1 of the join decision).
`eval/stories.py` runs the same fit leave-one-topic-out and reports held-out figures.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import os
import pickle
import random
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eval.common import ROOT, SHARED, bcubed  # noqa: E402
from storyline import stories  # noqa: E402
from storyline.model import Article  # noqa: E402
from storyline.settings import load_options  # noqa: E402
from storyline.store import Store, StoryRow  # noqa: E402

CACHE = Path("/tmp/stories-cache")
LEAD_GRID = (3, 1000)  # first claims averaged with the headline (1000: all of them)
THRESHOLD_GRID = tuple(round(0.05 * i, 2) for i in range(2, 19))
ORDERS = 12  # random placement orders per topic for training examples (more orders: steadier trees)
SEED = 13


@dataclass(frozen=True)
class Doc:
    article: Article
    title_vector: np.ndarray | None  # None when the title is no headline
    claim_vectors: np.ndarray
    topic: str
    story: str

    @property
    def id(self) -> str:
        return self.article.id


def _code_digest() -> str:
    """Parses are cached by the code that made them: cleaning, analysis and embedding sources."""
    pkg = ROOT / "storyline"
    files = sorted([*pkg.glob("analyze/*.py"), *pkg.glob("ingest/*.py"), pkg / "clean.py", pkg / "clean_rules.py",
                    pkg / "embed.py", pkg / "nlp.py", pkg / "dedup.py", pkg / "settings.py"])
    return hashlib.sha1(b"".join(f.read_bytes() for f in files)).hexdigest()[:12]


def load_docs(corpus: Path) -> list[Doc]:
    """The corpus read, cleaned, analysed and embedded by the pipeline's own steps (cached in /tmp)."""
    labels = {row["file"]: row for row in csv.DictReader((corpus / "labels.csv").open())}
    cache = CACHE / f"{corpus.name}-{_code_digest()}.pkl"
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    from storyline.pipeline import Batch, Pipeline

    pipeline = Pipeline(load_options(), Store.open(":memory:"))
    batch = Batch(inputs=sorted(str(corpus / f) for f in labels))
    for step in ("ingest", "clean", "dedup", "analyze"):
        getattr(pipeline, f"step_{step}")(batch)
    texts, spans = [], []
    for article in batch.articles:
        spans.append((len(texts), len(article.claims)))
        texts += [c.text for c in article.claims]
        texts.append(article.title if stories.is_headline(article.title) else article.text[:300])
    vectors = pipeline.embedder.embed(texts)
    docs = []
    for article, (start, count) in zip(batch.articles, spans, strict=True):
        row = labels[Path(article.path).name]
        # as in the pipeline: the opening stands in for a missing headline only when there is no claim
        has_lead = stories.is_headline(article.title) or not count
        docs.append(Doc(article, vectors[start + count] if has_lead else None, vectors[start:start + count],
                        row["topic"], row["story"]))
    CACHE.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(pickle.dumps(docs))
    return docs


def by_topic(docs: Sequence[Doc]) -> dict[str, list[Doc]]:
    out: dict[str, list[Doc]] = {}
    for d in docs:
        out.setdefault(d.topic, []).append(d)
    return dict(sorted(out.items(), key=lambda p: int(p[0]) if p[0].isdigit() else p[0]))


def vectors_for(docs: Sequence[Doc], lead: int) -> dict[str, np.ndarray]:
    return {d.id: stories.article_vector(d.title_vector, d.claim_vectors, lead) for d in docs}


def examples(topics: dict[str, list[Doc]], lead: int, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """Article-story feature rows and labels (1: the article reports the story's event)."""
    rng = random.Random(seed)
    rows: list[np.ndarray] = []
    labels: list[int] = []
    full: dict[str, list[tuple[str, StoryRow]]] = {}
    prepared = {}
    for topic, docs in topics.items():
        vectors = vectors_for(docs, lead)
        keys = {d.id: stories.story_keys(d.article) for d in docs}
        df = Counter(k for d in docs for k in keys[d.id])  # the topic analysed as one batch
        prepared[topic] = (docs, vectors, keys, df)
        stories_of: dict[str, StoryRow] = {}
        for d in docs:
            old = stories_of.get(d.story)
            stories_of[d.story] = (stories.joined(old, vectors[d.id], keys[d.id], None) if old else
                                   stories.started(d.story, "", vectors[d.id], keys[d.id], None))
        full[topic] = sorted(stories_of.items())
    for topic, (docs, vectors, keys, df) in prepared.items():
        others = [row for t, rows_ in full.items() if t != topic for _, row in rows_]
        for order_no in range(ORDERS):
            order = list(docs)
            rng.shuffle(order)
            partial: dict[str, StoryRow] = {}
            for d in order:
                met = list(partial.values())
                if order_no == 0 and others:  # a story of another kind of happening, met once per article
                    met.append(others[rng.randrange(len(others))])
                wanted = set(keys[d.id]).union(*(set(s.entity_keys) for s in met)) if met else set(keys[d.id])
                idf = stories.idf_from(dict(df), len(docs), wanted)
                for story in met:
                    rows.append(stories.features(vectors[d.id], keys[d.id], story, idf))
                    labels.append(int(story.id == d.story))
                    if story.id not in partial:  # another topic's story: the same again, as if of the same year
                        rows.append(same_period(rows[-1]))
                        labels.append(0)
                old = partial.get(d.story)
                partial[d.story] = (stories.joined(old, vectors[d.id], keys[d.id], None) if old else
                                    stories.started(d.story, "", vectors[d.id], keys[d.id], None))
    return np.vstack(rows), np.asarray(labels)


# ECB+ topics come from different years, so "the latest year named is the same" alone would tell its topics
# apart; real news of one week all names the same year. Each cross-topic example is also given as if it were
# of the same period, so that the year never stands in for what the texts and names say.
_PERIOD = {name: stories.FEATURES.index(name)
           for name in ("date_gap", "year_clash", "latest_same", "latest_gap", "latest_known")}
_WEEK = math.log1p(7) / math.log(3650)  # date_gap of two dates a week apart


def same_period(row: np.ndarray) -> np.ndarray:
    out = row.copy()
    out[_PERIOD["year_clash"]], out[_PERIOD["latest_same"]] = 0.0, 1.0
    out[_PERIOD["latest_gap"]], out[_PERIOD["latest_known"]] = 0.0, 1.0
    out[_PERIOD["date_gap"]] = min(out[_PERIOD["date_gap"]], _WEEK)
    return out


def fit_weights(x: np.ndarray, y: np.ndarray, lead: int) -> stories.StoryModel:
    """Boosted trees under DIRECTION (MODEL=logistic in the environment: logistic regression); threshold 0.5."""
    if os.environ.get("MODEL", "trees") == "logistic":
        from sklearn.linear_model import LogisticRegression

        linear = LogisticRegression(C=1.0, max_iter=5000).fit(x, y)
        return stories.StoryModel(tuple(float(w) for w in linear.coef_[0]), float(linear.intercept_[0]), 0.5, lead)
    from sklearn.ensemble import HistGradientBoostingClassifier

    monotonic = [stories.DIRECTION.get(name, 1) for name in stories.FEATURES]
    boosted = HistGradientBoostingClassifier(max_iter=150, max_depth=3, learning_rate=0.1, min_samples_leaf=20,
                                             l2_regularization=1.0, monotonic_cst=monotonic,
                                             early_stopping=False, random_state=0).fit(x, y)
    trees = []
    for (predictor,) in boosted._predictors:
        nodes = predictor.nodes
        trees.append(stories.Tree(tuple(-1 if leaf else int(f) for f, leaf in zip(nodes["feature_idx"], nodes["is_leaf"])),
                                  tuple(float(v) for v in nodes["num_threshold"]),
                                  tuple(int(v) for v in nodes["left"]), tuple(int(v) for v in nodes["right"]),
                                  tuple(float(v) for v in nodes["value"])))
    # what the trees weigh: each feature's share of the splits (the trees carry the decision itself)
    splits = Counter(int(f) for tree in trees for f in tree.feature if f >= 0)
    weights = tuple(splits[i] / max(1, sum(splits.values())) for i in range(len(stories.FEATURES)))
    model = stories.StoryModel(weights, float(np.ravel(boosted._baseline_prediction)[0]), 0.5, lead, tuple(trees))
    check = boosted.decision_function(x[:50])
    mine = [model.bias + sum(tree.leaf(row) for tree in model.trees) for row in x[:50]]
    assert np.allclose(check, mine, atol=1e-6), "exported trees disagree with scikit-learn"
    return model


def cluster(docs: Sequence[Doc], vectors: dict[str, np.ndarray], scorer: stories.Scorer,
            order: Sequence[int] | None = None, streamed: bool = False) -> dict[str, str]:
    """Store the documents as one batch and place them through the pipeline's own story step
    (streamed: one batch per document, in the order given, as news arriving one article at a time)."""
    from storyline.pipeline import Batch, Pipeline

    store = Store.open(":memory:")
    try:
        given = [docs[i].article for i in order] if order is not None else [d.article for d in docs]
        claims = {d.id: d.claim_vectors for d in docs}
        pipeline = Pipeline(load_options(story_threshold=scorer.threshold), store)
        pipeline.story_model = scorer
        for batch in ([[a] for a in given] if streamed else [given]):
            for article in batch:
                store.add_article(article, set(), vectors[article.id], claims[article.id],
                                  keys=stories.story_keys(article))
            pipeline.step_stories(Batch(inputs=[], articles=batch))
        return {a: row.id for row in store.stories() for a in store.story_article_ids(row.id)}
    finally:
        store.close()


def score_topic(docs: Sequence[Doc], vectors: dict[str, np.ndarray], scorer: stories.Scorer,
                order: Sequence[int] | None = None, streamed: bool = False) -> tuple[float, float, float]:
    predicted = cluster(docs, vectors, scorer, order, streamed)
    return bcubed(predicted, {d.id: d.story for d in docs})


def best_threshold(scores: np.ndarray, labels: np.ndarray, grid: Sequence[float]) -> float:
    """The threshold on the grid whose join decisions best match the training examples (F1 of joining)."""
    def f1(t: float) -> float:
        joined = scores >= t
        tp = float(np.sum(joined & (labels == 1)))
        return 2 * tp / (float(np.sum(joined)) + float(np.sum(labels == 1))) if tp else 0.0
    return max(grid, key=lambda t: (round(f1(t), 4), t))


def fit(topics: dict[str, list[Doc]]) -> stories.StoryModel:
    """Weights per lead size; the lead with the lowest training log-loss, and its threshold, on the same examples.

    Everything is chosen on the training topics' examples only, so that a held-out topic never tunes it.
    """
    best: tuple[float, stories.StoryModel] | None = None
    for lead in LEAD_GRID:
        x, y = examples(topics, lead)
        model = fit_weights(x, y, lead)
        p = np.clip(np.array([model.probability(row) for row in x]), 1e-9, 1 - 1e-9)
        loss = float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
        model = replace(model, threshold=best_threshold(p, y, THRESHOLD_GRID))
        if best is None or loss < best[0]:
            best = (loss, model)
    assert best is not None
    return best[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus" / "ecbplus-dev")
    parser.add_argument("--out", type=Path, default=stories.MODEL_PATH)
    args = parser.parse_args()
    topics = by_topic(load_docs(args.corpus))
    model = fit(topics)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    payload = {**model.to_json(), "fitted_on": f"{args.corpus.name}: {sum(map(len, topics.values()))} documents, "
                                               f"{len(topics)} topics (eval/fit_stories.py)"}
    args.out.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: lead_claims {model.lead_claims}, threshold {model.threshold}")
    for name, w in zip(stories.FEATURES, model.weights, strict=True):
        print(f"  {name:22s} {'share of splits' if model.trees else 'weight'} {w:.3f}")
    print(f"  {'bias':16s} {model.bias:+.3f}")


if __name__ == "__main__":
    main()
