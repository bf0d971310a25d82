"""Wire copies and near-duplicates: precision and recall of "same origin" on pairs built from real texts.

Positives: a real article and a perturbed copy (new headline, trimmed ending, added boilerplate, a
paragraph dropped, or all of these). Negatives: two articles on the same topic about different events
(ECB+ pairs from one topic), and unrelated articles.

    .venv/bin/python eval/dedup.py
"""

from __future__ import annotations

import csv
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eval.common import SHARED  # noqa: E402
from storyline.clean import clean_document  # noqa: E402
from storyline.dedup import containment, shingles  # noqa: E402
from storyline.model import RawDocument  # noqa: E402
from storyline.settings import Options  # noqa: E402

BOILERPLATE = ["Share this article", "Sign up for our newsletter to get the latest news in your inbox.",
               "Advertisement", "Related", "Most read", "© 2025 Evening Courier. All rights reserved.",
               "This story was first published by a wire agency and edited by our newsroom."]


def perturb(text: str, how: str, rng: random.Random) -> str:
    paragraphs = [p for p in text.split("\n") if p.strip()]
    if how in ("headline", "all"):
        paragraphs.insert(0, "BREAKING: " + " ".join(paragraphs[0].split()[:8]).upper())
    if how in ("trim", "all") and len(paragraphs) > 3:
        paragraphs = paragraphs[: max(2, int(len(paragraphs) * 0.6))]
    if how in ("drop", "all") and len(paragraphs) > 3:
        paragraphs.pop(rng.randrange(1, len(paragraphs) - 1))
    if how in ("boilerplate", "all"):
        paragraphs = [rng.choice(BOILERPLATE)] + paragraphs + rng.sample(BOILERPLATE, 3)
    return "\n".join(paragraphs)


def texts() -> tuple[list[str], dict[str, list[str]]]:
    corpus = SHARED / "corpus" / "ecbplus-dev"
    by_story: dict[str, list[str]] = defaultdict(list)
    for row in csv.DictReader((corpus / "labels.csv").open()):
        by_story[row["story"]].append((corpus / row["file"]).read_text())
    truth = json.loads((SHARED / "corpus" / "article-extraction" / "ground-truth.json").read_text())
    pages = [v["articleBody"] for v in truth.values() if len(v["articleBody"].split()) > 150]
    return pages, by_story


def evaluate(threshold: float) -> dict[str, float]:
    rng = random.Random(7)
    pages, by_story = texts()
    prepare = lambda t: shingles(clean_document(RawDocument(path="x", text=t)).text)  # noqa: E731
    pairs: list[tuple[str, str, bool, str]] = []
    for text in pages[:80] + [t for ts in by_story.values() for t in ts if len(t.split()) > 120][:40]:
        for how in ("headline", "trim", "boilerplate", "drop", "all"):
            pairs.append((text, perturb(text, how, rng), True, how))
    stories = sorted(by_story)
    for story in stories:  # same topic, other event (2a vs 2b) and same event, other outlet
        other = story[:-1] + ("b" if story.endswith("a") else "a")
        if other in by_story:
            for a, b in zip(by_story[story][:6], by_story[other][:6]):
                pairs.append((a, b, False, "same topic, other event"))
        docs = by_story[story]
        for a, b in zip(docs[:5], docs[1:6]):
            pairs.append((a, b, False, "same event, other outlet"))
    for _ in range(150):
        a, b = rng.sample(pages, 2)
        pairs.append((a, b, False, "unrelated"))
    tp = fp = fn = tn = 0
    misses: dict[str, int] = defaultdict(int)
    for a, b, same, kind in pairs:
        score = containment(prepare(a), prepare(b))
        predicted = score >= threshold
        tp += predicted and same
        fp += predicted and not same
        fn += same and not predicted
        tn += not predicted and not same
        if predicted != same:
            misses[kind] += 1
    return {"pairs": len(pairs), "positives": tp + fn, "negatives": fp + tn,
            "precision": tp / (tp + fp) if tp + fp else 1.0, "recall": tp / (tp + fn) if tp + fn else 1.0,
            "misses": dict(misses)}


def main() -> None:
    threshold = Options().near_duplicate_threshold
    r = evaluate(threshold)
    print(f"dedup: {r['pairs']} pairs ({r['positives']} copies, {r['negatives']} not copies), threshold {threshold}")
    print(f"precision {r['precision']:.3f}  recall {r['recall']:.3f}  errors by kind: {r['misses'] or 'none'}")


if __name__ == "__main__":
    main()
