"""Fit the ranker that resolves a he/she speaker to a person named earlier, on PolNeAR train.

Examples: every annotated attribution in train whose source is "he" or "she" and whose gold speaker
(eval/polnear.py resolves it through the annotated sources) is among the candidates
storyline.analyze.quotes.antecedent_candidates lists. The ranker is a conditional logit (softmax over
an example's candidates, L2-penalised), fitted by gradient descent with numpy; its weights go to
storyline/data/speaker_weights.json. Printed in the same run, on train (5-fold cross-validation by
article) and on dev: the accuracy of the fitted ranker, of "the latest person named" (the baseline) and
of the hand-written rules it replaces (_antecedent, here without the quotations before).

    .venv/bin/python eval/fit_speakers.py [--limit N] [--write]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eval import polnear  # noqa: E402
from storyline.analyze import quotes as quotes_module  # noqa: E402
from storyline.analyze.entities import extract_mentions, fold  # noqa: E402
from storyline.nlp import load  # noqa: E402
from storyline.settings import Options  # noqa: E402

L2 = 0.01
STEPS = 3000
RATE = 0.5


def _same(name: str, gold: str) -> bool:
    a, b = fold(name).split(), fold(gold).split()
    return bool(a and b) and (a[-1] == b[-1] or " ".join(a) in " ".join(b))


def examples(split: str, model: str, limit: int | None) -> list[tuple[str, np.ndarray, int, str | None]]:
    """(article, candidate features, index of the right one, the old rules' answer) per pronoun speaker."""
    nlp = load(model)
    out = []
    for name, doc in polnear.parsed(split, nlp, model, limit):
        path = polnear.annotation_file(split, name)
        assert path is not None
        gold, _ = polnear.gold_quotes(doc, polnear.read_attributions(path))
        mentions = extract_mentions(doc)
        found = quotes_module.extract_quotes(doc, mentions)
        for g in gold:
            if (g.source or "").lower().strip() not in ("he", "she") or not g.named or g.speaker is None:
                continue
            span = doc.char_span(g.source_start, g.source_start + len(g.source or ""), alignment_mode="expand")
            if span is None:
                continue
            pronoun = span[0]
            # the quotations found before, never this attribution's own (its speaker is the answer)
            before = [q for q in found if not any(q.start < e and s < q.end for s, e in g.content)]
            candidates = quotes_module.antecedent_candidates(doc, pronoun, mentions, before)
            right = [i for i, (cand, _) in enumerate(candidates) if _same(cand, g.speaker)]
            if not right:
                continue
            old = quotes_module._antecedent(pronoun.idx, mentions, female=pronoun.lower_ == "she", text=doc.text)
            out.append((name, np.array([f for _, f in candidates]), right[0],
                        "right" if old and _same(old, g.speaker) else None))
    return out


def fit(data: list[tuple[str, np.ndarray, int, str | None]]) -> np.ndarray:
    width = len(quotes_module.SPEAKER_FEATURES)
    most = max(len(x) for _, x, _, _ in data)
    xs = np.zeros((len(data), most, width))
    mask = np.full((len(data), most), -1e9)
    for i, (_, x, _, _) in enumerate(data):
        xs[i, :len(x)] = x
        mask[i, :len(x)] = 0.0
    right = xs[np.arange(len(data)), [y for _, _, y, _ in data]]
    w = np.zeros(width)
    for _ in range(STEPS):
        scores = xs @ w + mask
        p = np.exp(scores - scores.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        expected = np.einsum("nk,nkd->nd", p, xs)
        w -= RATE * (L2 * w - (right - expected).mean(axis=0))
    return w


def accuracy(data: list[tuple[str, np.ndarray, int, str | None]], w: np.ndarray) -> dict[str, float]:
    n = len(data) or 1
    return {"ranker": sum(int(np.argmax(x @ w)) == y for _, x, y, _ in data) / n,
            "latest person": sum(int(np.argmax(x[:, 3])) == y for _, x, y, _ in data) / n,
            "old rules": sum(old == "right" for _, _, _, old in data) / n}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=Options().spacy_model)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--write", action="store_true", help="write the weights fitted on all of train")
    args = parser.parse_args()
    train = examples("train", args.model, args.limit)
    # five folds by article: pronouns of one article never sit on both sides
    articles = sorted({a for a, *_ in train})
    totals: dict[str, float] = {}
    for fold_index in range(5):
        held = set(articles[fold_index::5])
        w = fit([e for e in train if e[0] not in held])
        for key, value in accuracy([e for e in train if e[0] in held], w).items():
            totals[key] = totals.get(key, 0.0) + value / 5
    print(f"pronoun speakers: {len(train)} in train ({len(articles)} articles)")
    print(f"  {'train, 5-fold CV':22} n={len(train):4}  " + "  ".join(f"{k} {v:.3f}" for k, v in totals.items()))
    w = fit(train)
    dev = examples("dev", args.model, None)
    r = accuracy(dev, w)
    print(f"  {'dev (fit on all train)':22} n={len(dev):4}  " + "  ".join(f"{k} {v:.3f}" for k, v in r.items()))
    for name, weight in zip(quotes_module.SPEAKER_FEATURES, w):
        print(f"    {name:22} {weight:+.3f}")
    if args.write:
        quotes_module._WEIGHTS_PATH.write_text(json.dumps(
            {"fitted_by": "eval/fit_speakers.py on PolNeAR train", "examples": len(train),
             "features": list(quotes_module.SPEAKER_FEATURES), "weights": [round(float(x), 4) for x in w]},
            indent=1) + "\n", encoding="utf-8")
        print(f"wrote {quotes_module._WEIGHTS_PATH}")


if __name__ == "__main__":
    main()
