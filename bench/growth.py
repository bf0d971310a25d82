"""Cost as the store grows: 1,000, 10,000 and 100,000 articles, per-article time and peak memory.

    .venv/bin/python bench/growth.py [--sizes 1000,10000,100000] [--stores sqlite,postgresql] [--minutes 20]
                                     [--batch 500] [--builds 20] [--fresh]

The real texts of ../shared (ECB+ dev and paris-summit) are parsed, analysed and embedded once (cached), then
replicated into the store the way a desk ingests them day after day: copy k is published 7 days after copy
k-1; its names and the words particular to its events (all but the words used across three or more of the
base topics) are spelt with a letter substitution of its own, so they are other people, places and things
(the same length, so every offset still holds); its dates are shifted, its vectors live in a permuted space
and its shingles are salted, so every copy forms stories of its own and is no copy of another.

One store per kind (a SQLite file; a PostgreSQL database on a server whose data directory is kept) grows
through the sizes, batch after batch through the real pipeline steps after analysis: deduplication lookups
against the store, store, story placement (with consolidation). At each size, the cost per article is that of
its last tenth (articles 900-1,000, 9,000-10,000, 90,000-100,000: the marginal cost at that size), and a
sample of the stories that last batch touched is built (and stored, as a page view would). The stores and a
log of every batch are kept under /tmp/storyline-bench/growth-v2: a run stopped by its time box (--minutes,
per store; the stores grow side by side) or killed is resumed by the next, so 100,000 can be reached over
several runs; --fresh starts over. Peak memory is the growing process's own (since it last resumed).
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
import shutil
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


def copies(base: list, n: int, start: int = 0) -> Iterator[tuple[object, set[int], np.ndarray, np.ndarray]]:
    """Articles start..n-1 of the replicated corpus, generated lazily (nothing corpus-sized in memory)."""
    salt_mask = (1 << 63) - 1
    general = general_words(base)
    spell, spelt = speller(0, general), 0
    for i in range(start, n):
        k, j = divmod(i, len(base))
        if k != spelt:
            spell, spelt = speller(k, general), k
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


# the stores grown so far and their batch logs, resumed by the next run (STORYLINE_GROWTH_STATE: elsewhere)
STATE = Path(os.environ.get("STORYLINE_GROWTH_STATE", CACHE / "growth-v2"))


def grow(kind: str, db: str, sizes: list[int], batch_size: int, builds: int, minutes: float | None) -> None:
    """Grow one store towards the largest size, a batch at a time, logging each batch; stop at the time box."""
    from storyline.pipeline import Batch, Pipeline
    from storyline.settings import load_options
    from storyline.store import Store

    deadline = time.monotonic() + 60 * minutes if minutes else float("inf")
    base = base_corpus()
    store = Store.open(db)
    pipeline = Pipeline(load_options(progress=False, workers=1), store)
    done = store.count_articles()  # articles are stored in order, so the count says where to go on
    target = max(sizes)
    stream = copies(base, target, start=done)
    with (STATE / f"{kind}.jsonl").open("a") as log:
        while done < target and time.monotonic() < deadline:
            # batches end on each size, so that its last tenth and its builds are measured exactly there
            n = min(batch_size, min(s for s in sizes if s > done) - done)
            part = [next(stream) for _ in range(n)]
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
            done += n
            record = {"done": done, "n": n, "ingest_s": stored - started, "ingest_cpu_s": stored_cpu - started_cpu,
                      "place_s": placed - stored, "place_cpu_s": placed_cpu - stored_cpu, "peak_mb": peak_rss_mb(),
                      "stories": store.count_stories(), "pid": os.getpid(), "at": time.time()}
            if done in sizes:
                record["builds"] = _builds(pipeline, batch.stories, builds, done)
            log.write(json.dumps(record) + "\n")
            log.flush()
    store.close()


def _builds(pipeline: object, touched: list[str], builds: int, seed: int) -> list[dict]:
    """Build (and store) a seeded sample of the stories the last batch touched: their stored builds are stale."""
    out = []
    for story_id in random.Random(seed).sample(touched, min(builds, len(touched))):
        started, started_cpu = time.perf_counter(), time.process_time()
        story = pipeline.story(story_id)  # type: ignore[attr-defined]
        out.append({"s": time.perf_counter() - started, "cpu_s": time.process_time() - started_cpu,
                    "size": len(story.article_ids)})
    return out


def summary(kind: str, sizes: list[int]) -> list[dict]:
    """Per size reached (and the furthest point, if short of the largest): per-article cost of its last tenth."""
    path = STATE / f"{kind}.jsonl"
    records = [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
    if not records:
        return []
    reached = max(r["done"] for r in records)
    points = [s for s in sizes if s <= reached] + ([reached] if reached < max(sizes) and reached not in sizes else [])
    out = []
    for size in points:
        window = [r for r in records if size * 0.9 < r["done"] <= size]
        n = sum(r["n"] for r in window)
        upto = [r for r in records if r["done"] <= size]
        built = next((r["builds"] for r in reversed(upto) if r["done"] == size and r.get("builds")), [])
        out.append({"size": size, "n": n, "stories": max(r["stories"] for r in window),
                    **{k: 1000 * sum(r[k] for r in window) / n for k in ("ingest_s", "ingest_cpu_s", "place_s",
                                                                         "place_cpu_s")},
                    "build_ms": 1000 * float(np.median([b["s"] for b in built])) if built else float("nan"),
                    "build_cpu_ms": 1000 * float(np.median([b["cpu_s"] for b in built])) if built else float("nan"),
                    "built_size": float(np.mean([b["size"] for b in built])) if built else 0.0,
                    "peak_mb": max(r["peak_mb"] for r in upto), "runs": len({r["pid"] for r in upto}),
                    "partial": size not in sizes})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--batch", type=int, default=500, help="articles per ingest call")
    parser.add_argument("--builds", type=int, default=20, help="stories built at each size")
    parser.add_argument("--stores", default="sqlite,postgresql", help="which stores to grow (comma-separated)")
    parser.add_argument("--minutes", type=float, default=20.0,
                        help="time box per store for this run (0: none); the next run goes on from there")
    parser.add_argument("--fresh", action="store_true", help="start the stores over")
    parser.add_argument("--report", action="store_true", help="only print the table of what was grown so far")
    parser.add_argument("--grow", nargs=2, metavar=("KIND", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    if args.grow:
        grow(args.grow[0], args.grow[1], sizes, args.batch, args.builds, args.minutes)
        return
    if args.fresh and STATE.exists():
        shutil.rmtree(STATE)
    STATE.mkdir(parents=True, exist_ok=True)
    base = base_corpus()
    print(f"base: {len(base)} real articles, analysed once; copies published {COPY_DAYS} days apart; stores kept in"
          f" {STATE}")
    kinds = [k for k in ("sqlite", "postgresql") if k in args.stores]
    server = None
    running = []
    try:
        for kind in kinds if not args.report else ():
            if kind == "postgresql":
                from bench.common import KeptPostgres

                try:
                    server = KeptPostgres(STATE / "pg")
                    db = server.database("growth")
                except (RuntimeError, OSError, subprocess.SubprocessError, ImportError) as exc:
                    print(f"postgresql: skipped, no server ({exc})")
                    continue
            else:
                db = str(STATE / "growth.db")
            # each store grows in a process of its own (its peak memory is its own), side by side
            running.append((kind, subprocess.Popen([sys.executable, __file__, "--grow", kind, db, "--sizes", args.sizes,
                                                    "--batch", str(args.batch), "--builds", str(args.builds),
                                                    "--minutes", str(args.minutes)],
                                                   stderr=subprocess.PIPE, text=True)))
        for kind, process in running:
            _, err = process.communicate()
            if process.returncode:
                print(f"{kind}: growing failed: {err.strip().splitlines()[-1:]}")
    finally:
        if server is not None:
            server.stop()
    print("per article, ms of wall clock / ms of this process's CPU (the machine is shared: CPU is the steadier),"
          " over the last tenth before each size; builds: median per story built, of stories the last batch touched")
    print(f"{'store':<11} {'articles':>8} {'stories':>8} {'ingest wall/cpu':>16} {'place wall/cpu':>15} "
          f"{'build ms wall/cpu (size)':>25} {'peak MB':>8}")
    for kind in kinds:
        rows = summary(kind, sizes)
        for r in rows:
            note = " (reached so far; run again to go on)" if r["partial"] else ""
            note += f" [{r['runs']} runs]" if r["runs"] > 1 else ""
            print(f"{kind:<11} {r['size']:>8} {r['stories']:>8} {r['ingest_s']:>8.1f}/{r['ingest_cpu_s']:<7.1f} "
                  f"{r['place_s']:>7.1f}/{r['place_cpu_s']:<7.1f} {r['build_ms']:>10.0f}/{r['build_cpu_ms']:<6.0f} "
                  f"({r['built_size']:>4.1f}) {r['peak_mb']:>8.0f}{note}", flush=True)
        if len(rows) > 1:
            first, last = rows[0], rows[-1]
            print(f"{kind}: placement per article at {last['size']} / at {first['size']}: CPU "
                  f"{last['place_cpu_s'] / first['place_cpu_s']:.2f}x, wall {last['place_s'] / first['place_s']:.2f}x"
                  f" (aim: within 2x); peak memory {first['peak_mb']:.0f} -> {last['peak_mb']:.0f} MB")


if __name__ == "__main__":
    main()
