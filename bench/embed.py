"""Sentence embedding throughput and fidelity: minilm-q8 (int8 arithmetic, the default), the bundled minilm-int8
(int8-stored weights, float32 arithmetic) and the float32 NumPy reference, each on one thread.

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

import numpy as np  # noqa: E402

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
    exact = embed.load("minilm-fp32").embed(sentences[:200])
    for name, count in (("minilm-q8", len(sentences)), ("minilm-int8", len(sentences)),
                        ("minilm-fp32", min(200, len(sentences)))):
        model = embed.load(name, 1)  # one intra-op thread, as in each of several workers
        model.embed(sentences[:16])
        started, cpu = time.perf_counter(), time.process_time()
        model.embed(sentences[:count])
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        near = model.embed(sentences[:200])
        cosine = float((near * exact).sum(axis=1).mean())
        pairs = float(np.abs(near @ near.T - exact @ exact.T).mean())
        print(f"{name:<12} {count / wall:8.1f} sentences/s  {count / cpu:8.1f} per CPU second  cosine to fp32 "
              f"{cosine:.4f}  pair similarity off by {pairs:.4f}  peak {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
