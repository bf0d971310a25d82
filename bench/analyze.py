"""Throughput of the whole `storyline analyze` beside the bare single-process spaCy parse of the same texts.

    .venv/bin/python bench/analyze.py [--corpus ../shared/corpus/ecbplus-dev] [--workers 0] [--embedding minilm-int8]
--embedding adds a run with that embedding model (e.g. the float32-arithmetic minilm-int8 beside the default
minilm-q8) on the same workers. Each variant runs in its own process, model loading included; peak memory is that of the process and all
its workers. The machine is shared: compare the ratio to the baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import SHARED, TreeMemory, run_isolated  # noqa: E402


def variant(name: str, corpus: str, workers: int, embedding: str | None = None) -> dict:
    import logging

    logging.disable(logging.WARNING)
    from storyline.clean import clean_documents
    from storyline.ingest import read_inputs
    from storyline.settings import load_options

    options = load_options(workers=workers, progress=False, embedding_model=embedding or None)
    with TreeMemory() as memory:
        if name == "spacy":
            # what the baseline parses is exactly what storyline parses: the cleaned texts
            texts = [d.text for d in clean_documents(read_inputs([corpus], options)[0])]
            started = time.perf_counter()
            from storyline.nlp import load

            articles = sum(1 for _ in load(options.spacy_model).pipe(texts, batch_size=16))
        elif name == "storyline":
            import storyline

            started = time.perf_counter()
            analysis = storyline.analyze([corpus], options=options)
            articles = len(analysis.articles)
        else:
            raise SystemExit(f"unknown variant {name}")
        seconds = time.perf_counter() - started
    return {"variant": name, "articles": articles, "seconds": seconds, "per_second": articles / seconds,
            "peak_mb": memory.peak_mb, "cpu": memory.cpu_seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=str(SHARED / "corpus" / "ecbplus-dev"))
    parser.add_argument("--workers", type=int, default=0, help="setting workers for storyline (0: one per core)")
    parser.add_argument("--embedding", default="", help="also run storyline with this embedding model")
    parser.add_argument("--variant")
    args = parser.parse_args()
    if args.variant:
        print(json.dumps(variant(args.variant, args.corpus, args.workers, args.embedding)))
        return
    print(f"{'variant':<40} {'articles':>8} {'wall s':>7} {'art/s':>6} {'ratio':>6} {'CPU s':>6} {'ratio':>6} "
          f"{'peak MB':>8}")
    base = base_cpu = None
    cores = f"workers={args.workers or 'cores'}"
    runs = [("spacy", 1, "", "baseline: bare spaCy parse, 1 process"),
            ("storyline", 1, "", "storyline analyze, workers=1"),
            ("storyline", args.workers, "", f"storyline analyze, {cores}")]
    if args.embedding:
        runs.append(("storyline", args.workers, args.embedding, f"  same, {args.embedding}"))
    for name, workers, embedding, label in runs:
        r = run_isolated(Path(__file__), name, "--corpus", args.corpus, "--workers", str(workers),
                         "--embedding", embedding)
        base, base_cpu = base or r["seconds"], base_cpu or r["cpu"]
        print(f"{label:<40} {r['articles']:>8} {r['seconds']:>7.1f} {r['per_second']:>6.1f} "
              f"{r['seconds'] / base:>5.2f}x {r['cpu']:>6.1f} {r['cpu'] / base_cpu:>5.2f}x {r['peak_mb']:>8.0f}")
    print("ratio: against the bare parse in the same run (wall clock, then CPU seconds of all processes; wall clock "
          "depends on what else runs on the machine, CPU seconds much less)")


if __name__ == "__main__":
    main()
