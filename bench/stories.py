"""Growth of story clustering and claim alignment at 100, 1,000 and 10,000 articles.

Real articles (ECB+ dev, paris-summit, the examples) are analysed once; copies with later publication
dates (a month apart per round) stand in for volume, so each round of copies forms new stories the way
a month of news would. Each size runs in its own process.

    .venv/bin/python bench/stories.py [--sizes 100 1000 10000]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, SHARED, peak_rss_mb  # noqa: E402

BASE_DB = Path("/tmp/storyline-bench-base.db")


def base_store():
    from storyline.pipeline import Pipeline
    from storyline.settings import load_options
    from storyline.store import Store

    if not BASE_DB.exists():
        store = Store.open(str(BASE_DB))
        inputs = [str(SHARED / "corpus" / "ecbplus-dev"), str(ROOT / "examples")]
        inputs += sorted(str(p) for p in (SHARED / "corpus" / "paris-summit").glob("0*.txt"))
        Pipeline(load_options(), store).ingest(inputs)
        store.close()
    return Store.open(str(BASE_DB))


def variant(size: int) -> dict:
    from storyline import stories  # the module (storyline.stories), not an API function
    from storyline.pipeline import Pipeline
    from storyline.settings import load_options
    from storyline.store import Store

    base = base_store()
    originals = base.articles()
    vectors = {a.id: base.article_vector(a.id) for a in originals}
    claim_vectors = base.claim_vectors([a.id for a in originals])
    options = load_options()
    store = Store.open(":memory:")
    started = time.perf_counter()
    for i in range(size):
        source = originals[i % len(originals)]
        day = date(2020, 1, 1) + timedelta(days=30 * (i // len(originals)) + i % 5)
        copy = replace(source, id=f"r{i}", content_hash=f"h{i}", origin=f"r{i}", published=day.isoformat())
        store.add_article(copy, set(), vectors[source.id], claim_vectors[source.id])
        store.count_keys(stories.story_keys(copy))
        stories.place(copy, vectors[source.id], store, options)
    placed = time.perf_counter() - started
    pipeline = Pipeline(options, store)
    started = time.perf_counter()
    claims = 0
    for row in store.stories():
        claims += len(pipeline.story(row.id).claims)
    aligned = time.perf_counter() - started
    return {"articles": size, "stories": len(store.stories()), "claims": claims, "place_seconds": placed,
            "align_seconds": aligned, "peak_mb": peak_rss_mb()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--variant", type=int)
    args = parser.parse_args()
    if args.variant:
        print(json.dumps(variant(args.variant)))
        return
    import subprocess

    base_store().close()  # analyse the real articles once, outside the timed runs
    print(f"{'articles':>8} {'stories':>8} {'claims':>8} {'place art/s':>12} {'ms/article':>10} "
          f"{'align s':>8} {'align ms/story':>14} {'peak MB':>8}")
    for size in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--variant", str(size)], capture_output=True, text=True,
                             check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{r['articles']:>8} {r['stories']:>8} {r['claims']:>8} {r['articles'] / r['place_seconds']:>12.1f} "
              f"{1000 * r['place_seconds'] / r['articles']:>10.2f} {r['align_seconds']:>8.1f} "
              f"{1000 * r['align_seconds'] / max(1, r['stories']):>14.1f} {r['peak_mb']:>8.0f}")


if __name__ == "__main__":
    main()
