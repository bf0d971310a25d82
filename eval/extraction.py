"""HTML main-text extraction on ../shared/corpus/article-extraction (181 pages), beside trafilatura alone.

Metric as the benchmark defines it: 4-word shingles of word-character tokens (case kept), counted with
multiplicity; precision and recall per page, averaged over pages; F1 from the two averages.

    .venv/bin/python eval/extraction.py [--corpus DIR]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eval.common import SHARED  # noqa: E402

_TOKEN = re.compile(r"\w+")


def shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i:i + 4]) for i in range(max(0, len(tokens) - 3)))


def page_scores(predicted: str, truth: str) -> tuple[float, float]:
    p, t = shingles(predicted), shingles(truth)
    if not p and not t:
        return 1.0, 1.0
    shared = sum((p & t).values())
    return (shared / sum(p.values()) if p else 0.0), (shared / sum(t.values()) if t else 0.0)


def score(extract: Callable[[str, str | None], str], corpus: Path) -> dict[str, float]:
    truth = json.loads((corpus / "ground-truth.json").read_text())
    precisions, recalls = [], []
    started = time.perf_counter()
    for page_id, item in sorted(truth.items()):
        html = gzip.decompress((corpus / "html" / f"{page_id}.html.gz").read_bytes()).decode("utf-8", "replace")
        p, r = page_scores(extract(html, item.get("url")), item["articleBody"])
        precisions.append(p)
        recalls.append(r)
    precision, recall = sum(precisions) / len(precisions), sum(recalls) / len(recalls)
    return {"pages": len(truth), "precision": precision, "recall": recall,
            "f1": 2 * precision * recall / (precision + recall), "seconds": time.perf_counter() - started}


def trafilatura_alone(html: str, url: str | None) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url) or ""


def storyline_html(html: str, url: str | None) -> str:
    from storyline.clean import clean_document
    from storyline.ingest.html import read_html

    return clean_document(read_html("page.html", html, url=url)).text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus" / "article-extraction")
    args = parser.parse_args()
    print(f"{'extractor':<28} {'precision':>9} {'recall':>7} {'F1':>6} {'pages/s':>8}")
    for name, function in (("trafilatura (defaults)", trafilatura_alone), ("storyline (html + clean)", storyline_html)):
        result = score(function, args.corpus)
        print(f"{name:<28} {result['precision']:9.3f} {result['recall']:7.3f} {result['f1']:6.3f} "
              f"{result['pages'] / result['seconds']:8.1f}")
    print("published on this set: trafilatura 2.0.0 0.958, rs_trafilatura 0.970, Zyte AutoExtract 0.970")


if __name__ == "__main__":
    main()
