"""Sentence embedding throughput: the bundled int8 ONNX MiniLM beside the float32 NumPy reference.

    .venv/bin/python bench/embed.py [--sentences 2000]
Real news sentences from ../shared (mean about 21 words).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import peak_rss_mb, real_texts  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=2000)
    args = parser.parse_args()
    from storyline import embed

    sentences = [s for t in real_texts() for s in re.split(r"(?<=[.!?])\s+", t) if len(s.split()) > 4]
    sentences = sentences[: args.sentences]
    words = sum(len(s.split()) for s in sentences) / len(sentences)
    print(f"{len(sentences)} real sentences, {words:.1f} words on average")
    for name, count in (("minilm-int8", len(sentences)), ("minilm-fp32", min(200, len(sentences)))):
        model = embed.load(name)
        model.embed(sentences[:16])
        started = time.perf_counter()
        model.embed(sentences[:count])
        print(f"{name:<12} {count / (time.perf_counter() - started):8.1f} sentences/s   peak {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
