"""Cost of watching: a poll of an unchanged feed, and the time from a new item to its story's update.

    .venv/bin/python bench/watch.py [--polls 30] [--items 30]
A local HTTP server (127.0.0.1) serves feeds made from the bundled example articles. Baseline in the
same run: re-running `ingest URL` on the unchanged feed (what a cron job without the watch state costs).
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.test_watch import LEDGER, VALLEY, WIRE, rss  # noqa: E402  (the test's feeds, from the examples)

FEEDS: dict[str, bytes] = {}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        body = FEEDS[self.path.replace("-plain", "")]
        etag = f'"{hash(body)}"'
        conditional = "-plain" not in self.path  # the -plain twin sends no validators
        if conditional and self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        if conditional:
            self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def median_ms(function, n: int) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--polls", type=int, default=30)
    parser.add_argument("--items", type=int, default=30, help="items in the watched feed (a typical news feed)")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    from storyline import api
    from storyline.settings import load_options
    from storyline.store import Store
    from storyline.watch import Watcher, WatchSource

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    # a feed of the usual size: the two articles and follow-ups, each its own item (id, title, text)
    items = [WIRE, LEDGER] + [{**item, "guid": f"{item['guid']}-{n}", "title": f"{item['title']} ({n})",
                               "text": f"Update {n}. " + item["text"]}
                              for n in range(max(0, args.items - 2) // 2 + 1) for item in (WIRE, LEDGER)]
    items = items[:args.items]
    folder = Path(tempfile.mkdtemp(prefix="storyline-bench-watch-"))
    print(f"feed of {len(items)} items; {args.polls} polls each")
    print(f"{'what':<58} {'median':>10}")
    for history in (False, True):
        FEEDS["/news.rss"] = rss("Regional News", items)
        options = load_options(watch_host_spacing=0, story_history=history, fetch_allow="127.0.0.1")
        db = str(folder / f"watch-{history}.db")
        store = Store.open(db)
        conditional = Watcher([WatchSource(base + "/news.rss", "url")], store, options, every=60)
        plain = Watcher([WatchSource(base + "/news-plain.rss", "url")], store, options, every=60)
        conditional.round()
        plain.round()  # the same items under another source: dedup by content, nothing new analysed
        if not history:
            ms = median_ms(conditional.round, args.polls)
            print(f"{'unchanged feed, conditional GET (304)':<58} {ms:>8.1f} ms")
            ms = median_ms(plain.round, args.polls)
            print(f"{'unchanged feed, no validators (200, all items known)':<58} {ms:>8.1f} ms")
            ms = median_ms(lambda db=db, options=options: api.ingest([base + "/news-plain.rss"], db=db, options=options), 5)
            print(f"{'baseline: ingest URL again (fetch, parse, clean, dedup)':<58} {ms:>8.1f} ms")
        # new items one at a time (the Valley Post article, then follow-ups of it), each timed to its story update
        latencies = []
        fresh: list[dict] = []
        for n in range(3):
            fresh.append({**VALLEY, "guid": f"valley-{history}-{n}", "title": f"{VALLEY['title']} ({n})",
                          "text": VALLEY["text"] if n == 0 else f"Later on day {n}. " + VALLEY["text"]})
            FEEDS["/news.rss"] = rss("Regional News", [*items, *fresh])
            start = time.perf_counter()
            result = conditional.round()[0]
            latencies.append(time.perf_counter() - start)
            assert result.added and result.stories, result
        label = "new item -> story updated" + (" (with story history)" if history else " (story_history off)")
        print(f"{label:<58} {statistics.median(latencies) * 1000:>8.0f} ms  (each: "
              f"{', '.join(f'{x * 1000:.0f}' for x in latencies)})")
        store.close()
    httpd.shutdown()


if __name__ == "__main__":
    main()
