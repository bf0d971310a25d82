"""Throughput of ingest + clean on real pages and texts replicated to volume, beside trafilatura alone.

    .venv/bin/python bench/ingest.py [--articles 1000]
Each variant runs in its own process; figures are articles per second and peak resident memory.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import peak_rss_mb, real_pages, real_texts, replicate, run_isolated, timed  # noqa: E402


def variant(name: str, n: int) -> dict:
    import logging

    logging.disable(logging.WARNING)
    if name == "trafilatura-html":
        import trafilatura

        pages = replicate(real_pages(), n)
        seconds = timed(lambda items: [trafilatura.extract(p) for p in items], pages)
    elif name == "storyline-html":
        from storyline.clean import clean_documents
        from storyline.ingest.html import read_html

        pages = replicate(real_pages(), n)
        seconds = timed(lambda items: clean_documents([read_html("p.html", p) for p in items]), pages)
    elif name == "storyline-text":
        from storyline.clean import clean_documents
        from storyline.model import RawDocument

        texts = replicate(real_texts(), n)
        seconds = timed(lambda items: clean_documents([RawDocument(path="t", text=t) for t in items]), texts)
    else:
        raise SystemExit(f"unknown variant {name}")
    return {"variant": name, "articles": n, "seconds": seconds, "per_second": n / seconds, "peak_mb": peak_rss_mb()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--variant")
    args = parser.parse_args()
    if args.variant:
        print(json.dumps(variant(args.variant, args.articles)))
        return
    print(f"{'variant':<34} {'articles':>8} {'art/s':>8} {'peak MB':>8}")
    for name, label in (("trafilatura-html", "baseline: trafilatura.extract"),
                        ("storyline-html", "storyline html read + clean"),
                        ("storyline-text", "storyline plain text clean")):
        r = run_isolated(Path(__file__), name, "--articles", str(args.articles))
        print(f"{label:<34} {r['articles']:>8} {r['per_second']:>8.1f} {r['peak_mb']:>8.0f}")


if __name__ == "__main__":
    main()
