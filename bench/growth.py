"""Cost as the store grows: 1,000, 10,000 and 100,000 articles, per-article time and peak memory.

    .venv/bin/python bench/growth.py [--sizes 1000,10000,100000] [--batch 500] [--builds 30]
    STORYLINE_BENCH_PG=postgresql://user@host:port/db .venv/bin/python bench/growth.py   # that server's PostgreSQL

The real texts of ../shared (ECB+ dev and paris-summit) are parsed, analysed and embedded once (cached), then
replicated into the store the way a desk ingests them day after day: copy k is published 7 days after copy
k-1; its names and the words particular to its events (all but the words used across three or more of the
base topics) are spelt with a letter substitution of its own, so they are other people, places and things
(the same length, so every offset still holds); its dates are shifted, its vectors live in a permuted space
and its shingles are salted, so every copy forms stories of its own and is no copy of another.
Each batch goes through the real pipeline steps after analysis: deduplication lookups against the store,
store, story placement (with consolidation); then a sample of stories is built. Every size runs in a fresh
process on a fresh store, so its peak memory is its own. PostgreSQL: a throwaway server (Debian's
postgresql, as `make test` starts it; fsync off) unless STORYLINE_BENCH_PG names one; a new database per size.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import pickle
import random
import re
import string
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import SHARED, peak_rss_mb  # noqa: E402

CACHE = Path(tempfile.gettempdir()) / "storyline-bench"
EPOCH = date(2020, 1, 6)
COPY_DAYS = 7  # a new copy of the base corpus every week: story windows (10 days) see about two copies


def base_corpus() -> list[tuple[object, set[int], np.ndarray, np.ndarray, int]]:
    """(article, shingles, vector, claim vectors, topic day offset) for every real base text, analysed once."""
    CACHE.mkdir(exist_ok=True)
    cached = CACHE / "base-v1.pkl"
    if cached.exists():
        return pickle.loads(cached.read_bytes())
    from storyline.pipeline import Batch, Pipeline
    from storyline.settings import load_options
    from storyline.store import Store

    ecb = SHARED / "corpus" / "ecbplus-dev"
    files = [str(ecb / row["file"]) for row in csv.DictReader((ecb / "labels.csv").open())]
    files += sorted(str(p) for p in (SHARED / "corpus" / "paris-summit").glob("0*.txt"))
    pipeline = Pipeline(load_options(progress=False), Store.open(":memory:"))
    batch = Batch(inputs=files)
    for step in ("ingest", "clean", "dedup", "analyze", "embed"):
        getattr(pipeline, f"step_{step}")(batch)
    pipeline.close_engine()
    out = []
    for article in batch.articles:
        topic = Path(article.path).name.split("_")[0] if "ecbplus" in article.path else "paris"
        offset = int(hashlib.sha256(topic.encode()).hexdigest(), 16) % COPY_DAYS  # topics spread over the week
        out.append((article, batch.shingles[article.id], batch.vectors[article.id],
                    batch.claim_vectors[article.id], offset))
    cached.write_bytes(pickle.dumps(out))
    return out


def _shift(value: str | None, days: int) -> str | None:
    if not value or len(value) < 10 or not value[:4].isdigit():
        return value
    try:
        return (date.fromisoformat(value[:10]) + timedelta(days=days)).isoformat() + value[10:]
    except ValueError:
        return value


_LETTERS = re.compile(r"[A-Za-z]+")


def general_words(base: list) -> frozenset[str]:
    """Words used in three or more of the base topics: the language of news, not of one event."""
    topics: dict[str, set[str]] = {}
    for article, *_ in base:
        topic = Path(article.path).name.split("_")[0] if "ecbplus" in article.path else "paris"
        words = _LETTERS.findall(" ".join(filter(None, (article.title, article.text))))
        for word in {w.lower() for w in words}:
            topics.setdefault(word, set()).add(topic)
    return frozenset(w for w, seen in topics.items() if len(seen) >= 3 and len(w) >= 3)


def speller(k: int, general: frozenset[str]) -> Callable[[str, bool], str]:
    """Copy k's spelling: a letter substitution of its own for names (all words) and for the words particular
    to events (words=True); length kept, so offsets into the text stay right. Copy 0 is the real text."""
    letters = list(string.ascii_lowercase)
    random.Random(k).shuffle(letters)
    lower = str.maketrans(string.ascii_lowercase + string.ascii_uppercase,
                          "".join(letters) + "".join(letters).upper())

    def spell(text: str, words: bool) -> str:
        if not k or not text:
            return text
        return _LETTERS.sub(lambda m: m[0] if words and m[0].lower() in general else m[0].translate(lower), text)
    return spell


def copies(base: list, n: int) -> Iterator[tuple[object, set[int], np.ndarray, np.ndarray]]:
    """The first n articles of the replicated corpus, generated lazily (nothing corpus-sized in memory)."""
    salt_mask = (1 << 63) - 1
    general = general_words(base)
    spell = speller(0, general)
    for i in range(n):
        k, j = divmod(i, len(base))
        if j == 0:
            spell = speller(k, general)
        article, sample, vector, claims, offset = base[j]
        day = EPOCH + timedelta(days=k * COPY_DAYS + offset)
        own = (article.published[:10] if article.published else None)
        shift = (day - date.fromisoformat(own)).days if own else k * COPY_DAYS
        mentions = tuple(replace(m, text=spell(m.text, False)) for m in article.mentions)
        quotes = tuple(replace(q, text=spell(q.text, True), speaker=q.speaker and spell(q.speaker, False))
                       for q in article.quotes)
        claim_rows = tuple(replace(c, text=spell(c.text, True)) for c in article.claims)
        dates = tuple(replace(d, value=_shift(d.value, shift)) for d in article.dates)
        permutation = np.random.default_rng(k).permutation(vector.shape[0]) if k else np.arange(vector.shape[0])
        new_id = f"c{k}-{article.id}"
        salt = int.from_bytes(hashlib.blake2b(str(k).encode(), digest_size=8).digest(), "big") if k else 0
        yield (replace(article, id=new_id, origin=new_id, published=day.isoformat(), mentions=mentions, dates=dates,
                       quotes=quotes, claims=claim_rows, title=article.title and spell(article.title, True),
                       text=spell(article.text, True), content_hash=hashlib.sha256(new_id.encode()).hexdigest()),
               {(h ^ salt) & salt_mask for h in sample},
               vector[permutation],
               claims[:, permutation] if claims.size else claims)


def run(size: int, db: str, batch_size: int, builds: int) -> dict:
    from storyline.errors import StoryNotFound
    from storyline.pipeline import Batch, Pipeline
    from storyline.settings import load_options
    from storyline.store import Store

    base = base_corpus()
    store = Store.open(db)
    pipeline = Pipeline(load_options(progress=False, workers=1), store)
    ingest = placement = ingest_cpu = placement_cpu = 0.0
    last_ingest = last_placement = last_placement_cpu = 0.0
    last_n = 0
    window_place = window_ingest = 0.0
    began = time.perf_counter()
    stream = copies(base, size)
    done = 0
    while done < size:
        part = [next(stream) for _ in range(min(batch_size, size - done))]
        batch = Batch(inputs=())
        started, started_cpu = time.perf_counter(), time.process_time()
        for article, sample, vector, claims in part:
            # what step_dedup asks the store for each new text
            assert store.article_id_for_hash(article.content_hash) is None
            store.shingle_candidates(sample)
            batch.articles.append(article)
            batch.shingles[article.id] = sample
            batch.vectors[article.id] = vector
            batch.claim_vectors[article.id] = claims
        pipeline.step_store(batch)
        stored, stored_cpu = time.perf_counter(), time.process_time()
        pipeline.step_stories(batch)
        placed, placed_cpu = time.perf_counter(), time.process_time()
        ingest += stored - started
        placement += placed - stored
        ingest_cpu += stored_cpu - started_cpu
        placement_cpu += placed_cpu - stored_cpu
        done += len(part)
        window_place += placed_cpu - stored_cpu
        window_ingest += stored_cpu - started_cpu
        if done % 10_000 == 0:  # a time series on stderr: a run stopped half way still tells the trend
            print(json.dumps({"articles": done, "ingest_cpu_ms": 1000 * window_ingest / 10_000,
                              "placement_cpu_ms": 1000 * window_place / 10_000, "peak_mb": peak_rss_mb(),
                              "elapsed_s": time.perf_counter() - began}), file=sys.stderr, flush=True)
            window_place = window_ingest = 0.0
        if done > size * 0.9:  # the marginal cost at this size: the last tenth of the articles
            last_ingest += stored - started
            last_placement += placed - stored
            last_placement_cpu += placed_cpu - stored_cpu
            last_n += len(part)
    created = int(store.new_story_id()[1:]) - 1  # story ids handed out (consolidation empties a few)
    # a seeded random sample: evenly spaced ids fall in step with the copies and pick the same kind of story
    ids = [f"s{n}" for n in sorted(random.Random(size).sample(range(1, created + 1), min(builds, created)))]
    build_times, sizes = [], []
    for story_id in ids:
        try:
            started = time.perf_counter()
            sizes.append(len(pipeline.story(story_id).article_ids))
            build_times.append(time.perf_counter() - started)
        except StoryNotFound:  # a story id emptied by consolidation
            continue
    store.close()
    return {"size": size, "ingest_ms": 1000 * ingest / size, "placement_ms": 1000 * placement / size,
            "last_ingest_ms": 1000 * last_ingest / max(1, last_n),
            "last_placement_ms": 1000 * last_placement / max(1, last_n),
            "ingest_cpu_ms": 1000 * ingest_cpu / size, "placement_cpu_ms": 1000 * placement_cpu / size,
            "last_placement_cpu_ms": 1000 * last_placement_cpu / max(1, last_n),
            "build_ms": 1000 * float(np.median(build_times)) if build_times else float("nan"),
            "builds": len(build_times), "stories": created,
            "built_size": float(np.mean(sizes)) if sizes else 0.0, "peak_mb": peak_rss_mb()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--batch", type=int, default=500, help="articles per ingest call")
    parser.add_argument("--builds", type=int, default=30, help="stories built at each size")
    parser.add_argument("--stores", default="sqlite,postgresql", help="which stores to grow (comma-separated)")
    parser.add_argument("--run", nargs=2, metavar=("SIZE", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        print(json.dumps(run(int(args.run[0]), args.run[1], args.batch, args.builds)))
        return
    base = base_corpus()
    print(f"base: {len(base)} real articles, analysed once; copies published {COPY_DAYS} days apart")
    stores: list[tuple[str, object]] = [("sqlite", None)] if "sqlite" in args.stores else []
    server = None
    if "postgresql" in args.stores:
        from tests.postgres import ExistingServer, PostgresServer

        try:  # a database per size, on the server STORYLINE_BENCH_PG names or on a throwaway one
            given = os.environ.get("STORYLINE_BENCH_PG")
            server = ExistingServer(given) if given else PostgresServer()
            stores.append(("postgresql", server))
        except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
            print(f"postgresql: skipped, no server ({exc})")
    print("per article, ms of wall clock / ms of this process's CPU (the machine is shared: CPU is the steadier);"
          " 'last 10%': placement of the last tenth of the articles, at the full size")
    print(f"{'store':<11} {'articles':>8} {'stories':>8} {'ingest wall/cpu':>16} {'place wall/cpu':>15} "
          f"{'last 10% place':>15} {'build ms/story (size)':>21} {'peak MB':>8}")
    try:
        for kind, pg in stores:
            first = last = None
            for size in (int(s) for s in args.sizes.split(",")):
                with tempfile.TemporaryDirectory(prefix="storyline-growth-") as folder:
                    db = pg.new_database() if pg is not None else str(Path(folder) / "growth.db")  # type: ignore[attr-defined]
                    out = subprocess.run([sys.executable, __file__, "--run", str(size), db, "--batch", str(args.batch),
                                          "--builds", str(args.builds)], capture_output=True, text=True)
                if out.returncode:
                    print(f"{kind:<11} {size:>8} failed: {out.stderr.strip().splitlines()[-1:]}")
                    continue
                last = r = json.loads(out.stdout.strip().splitlines()[-1])
                first = first or r
                print(f"{kind:<11} {r['size']:>8} {r['stories']!s:>8} "
                      f"{r['ingest_ms']:>8.1f}/{r['ingest_cpu_ms']:<7.1f} {r['placement_ms']:>7.1f}/{r['placement_cpu_ms']:<7.1f} "
                      f"{r['last_placement_ms']:>7.1f}/{r['last_placement_cpu_ms']:<7.1f} "
                      f"{r['build_ms']:>13.1f} ({r['built_size']:>4.1f}) {r['peak_mb']:>8.0f}", flush=True)
            if first and last and last is not first:
                print(f"{kind}: placement per article at {last['size']} / at {first['size']}: CPU "
                      f"{last['placement_cpu_ms'] / first['placement_cpu_ms']:.2f}x over the run, "
                      f"{last['last_placement_cpu_ms'] / first['last_placement_cpu_ms']:.2f}x in its last tenth; "
                      f"wall {last['placement_ms'] / first['placement_ms']:.2f}x (aim: within 2x)")
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
