"""Web latency and pages/s with 20 concurrent readers, over real HTTP, against the server `storyline serve` runs.

A store with ECB+ dev ingested (made once per version of the code, cached in /tmp) is copied, `storyline serve` is started on a free
port exactly as a user starts it, warmed, and then 20 client threads each request a page N times:
the story list, the largest story's page, its JSON, and an article of it; then the story page again
uncompressed, and revalidated with its ETag (304). Baseline in the same run: the list (the aim is the
largest story within 3x of it) and the largest story's page rebuilt per view (its stored build dropped
before each request), which is what every view cost before builds were stored. The server's CPU time
per page (from /proc) says what one core can serve whatever the neighbours on the machine do; the clients'
(20 threads of this process) says how much of the machine the measuring itself takes.

With --store postgresql the same store is ingested into a PostgreSQL server kept under /tmp (Debian's binaries,
as bench/growth.py starts it) and served from there; the server CPU is then storyline's alone, not PostgreSQL's.

    .venv/bin/python bench/web.py [--clients 20] [--requests 10] [--store sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import SHARED  # noqa: E402

BIN = Path(sys.executable).parent


def base_store() -> Path:
    """ECB+ dev ingested once per version of the code (the ingest is measured by bench/analyze.py, not here)."""
    from storyline.pipeline import code_fingerprint

    base = Path(f"/tmp/storyline-bench-web-{code_fingerprint()[:12]}.db")
    if not base.exists():
        partial = base.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        subprocess.run([str(BIN / "storyline"), "ingest", str(SHARED / "corpus" / "ecbplus-dev"), "--db", str(partial),
                        "-q"], check=True, stdout=subprocess.DEVNULL)
        partial.rename(base)
    return base


def postgres_store(server: object) -> str:
    """ECB+ dev ingested once per version of the code into a database of a kept PostgreSQL server."""
    import psycopg

    from storyline.pipeline import code_fingerprint

    name = f"web_{code_fingerprint()[:12]}"
    url = server.database(name + "_partial")  # type: ignore[attr-defined]
    done = url.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f"DROP DATABASE {name}_partial")
            return done
        conn.execute(f"DROP DATABASE {name}_partial")
        conn.execute(f"CREATE DATABASE {name}_partial")
    subprocess.run([str(BIN / "storyline"), "ingest", str(SHARED / "corpus" / "ecbplus-dev"), "--db", url, "-q"],
                   check=True, stdout=subprocess.DEVNULL)
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f"ALTER DATABASE {name}_partial RENAME TO {name}")
    return done


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(db: Path | str, port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen([str(BIN / "storyline"), "serve", "--db", str(db), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    import httpx

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"storyline serve exited: {server.stderr.read().decode() if server.stderr else ''}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/stories", timeout=5).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("storyline serve did not answer within 120 s")


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load(base: str, path: str, clients: int, requests: int, revalidate: bool = False,
         encoding: str = "gzip, deflate", server: int = 0) -> dict[str, float]:
    """`clients` threads, each with its own connection, each making `requests` GETs of one path (revalidate:
    with the page's ETag, as a browser asks again for a page it has; httpx, like browsers, takes gzip)."""
    import httpx

    latencies: list[float] = []
    failures: list[str] = []
    start = threading.Barrier(clients + 1)
    sizes: list[int] = []
    wire: list[int] = []
    tag = httpx.get(base + path).headers.get("etag", "") if revalidate else ""
    want = 304 if revalidate else 200

    def client() -> None:
        with httpx.Client(base_url=base, timeout=120) as http:
            mine = []
            start.wait()
            for _ in range(requests):
                began = time.perf_counter()
                response = http.get(path, headers={"Accept-Encoding": encoding, **({"If-None-Match": tag} if tag else {})})
                mine.append(time.perf_counter() - began)
                if response.status_code != want:
                    failures.append(f"{response.status_code} {path}")
                sizes.append(len(response.content))
                wire.append(response.num_bytes_downloaded)
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    start.wait()
    began, cpu, mine = time.perf_counter(), cpu_seconds(server) if server else 0.0, time.process_time()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    cpu = cpu_seconds(server) - cpu if server else float("nan")
    mine = time.process_time() - mine
    if failures:
        raise SystemExit(f"{len(failures)} failed requests, e.g. {failures[0]}")
    latencies.sort()
    return {"median_ms": 1000 * statistics.median(latencies),
            "p95_ms": 1000 * latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))],
            "per_second": len(latencies) / wall, "kb": statistics.mean(sizes) / 1024,
            "wire_kb": statistics.mean(wire) / 1024, "server_cpu_ms": 1000 * cpu / len(latencies),
            "client_cpu_ms": 1000 * mine / len(latencies)}


def rebuilt_per_view(base: str, db: Path | str, path: str, views: int) -> dict[str, float]:
    """One reader at a time, the story's stored build dropped before each view: the cost of building per view."""
    import httpx

    from storyline.store import Store

    latencies = []
    with httpx.Client(base_url=base, timeout=120) as http:
        for _ in range(views):
            store = Store.open(str(db))
            try:
                store.drop_story_builds()
            finally:
                store.close()
            began = time.perf_counter()
            assert http.get(path).status_code == 200
            latencies.append(time.perf_counter() - began)
    return {"median_ms": 1000 * statistics.median(latencies), "p95_ms": 1000 * max(latencies),
            "per_second": 1 / statistics.median(latencies), "kb": float("nan"), "wire_kb": float("nan"),
            "server_cpu_ms": float("nan"), "client_cpu_ms": float("nan")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=25, help="requests per client per page")
    parser.add_argument("--store", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    from urllib.parse import quote

    from storyline.store import Store

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="storyline-bench-web-") as tmp:
        pg = None
        db: Path | str
        if args.store == "postgresql":
            from bench.common import KeptPostgres

            pg = KeptPostgres(Path("/tmp/storyline-bench-web-pg"))
            db = postgres_store(pg)
        else:
            db = Path(tmp) / "store.db"
            shutil.copy(base_store(), db)
        store = Store.open(str(db))
        try:
            largest = max(store.stories(), key=lambda r: r.size)
            article = store.story_article_ids(largest.id)[0]
            word = next(w for w in largest.title.split() if len(w) > 3)
        finally:
            store.close()
        port = free_port()
        server = serve(db, port)
        base = f"http://127.0.0.1:{port}"
        pages = {"story list": "/", f"largest story page ({largest.size} articles)": f"/stories/{quote(largest.id)}",
                 "largest story JSON (API)": f"/api/stories/{quote(largest.id)}",
                 "article page (of that story)": f"/articles/{quote(article)}",
                 "article JSON (API)": f"/api/articles/{quote(article)}",
                 f"story search (?q={word})": f"/?q={quote(word)}"}
        try:
            for path in pages.values():  # warm: templates compiled, builds made, caches filled
                load(base, path, 2, 2)
            results = {name: load(base, path, args.clients, args.requests, server=server.pid)
                       for name, path in pages.items()}
            results["largest story page, not compressed (no gzip asked)"] = load(
                base, pages[f"largest story page ({largest.size} articles)"], args.clients, args.requests,
                encoding="identity", server=server.pid)
            results["largest story page, revalidated (ETag -> 304)"] = load(
                base, pages[f"largest story page ({largest.size} articles)"], args.clients, args.requests, True, server=server.pid)
            results["baseline: largest story page rebuilt per view (1 client)"] = rebuilt_per_view(
                base, db, pages[f"largest story page ({largest.size} articles)"], 5)
        finally:
            server.terminate()
            server.wait(timeout=30)
            if pg is not None:
                pg.stop()
    print(f"storyline serve (one process, as a user starts it) on {os.cpu_count()} cores, {args.store} store, "
          f"{args.clients} concurrent clients x {args.requests} requests each, load average before {load_before:.1f}"
          " (clients share the cores)")
    print(f"{'page':<58} {'median ms':>10} {'p95 ms':>8} {'pages/s':>8} {'KB':>6} {'wire KB':>8} "
          f"{'server CPU ms/page':>19} {'client CPU ms/page':>19}")
    for name, r in results.items():
        print(f"{name:<58} {r['median_ms']:>10.1f} {r['p95_ms']:>8.1f} {r['per_second']:>8.1f} {r['kb']:>6.0f} "
              f"{r['wire_kb']:>8.0f} {r['server_cpu_ms']:>19.2f} {r['client_cpu_ms']:>19.2f}")
    listing = results["story list"]["median_ms"]
    story_name = f"largest story page ({largest.size} articles)"
    print(f"largest story page / list latency (median): {results[story_name]['median_ms'] / listing:.2f}x "
          f"(aim <= 3x); JSON / list: {results['largest story JSON (API)']['median_ms'] / listing:.2f}x; "
          f"story pages/s: {results[story_name]['per_second']:.1f} (aim >= 50)")


if __name__ == "__main__":
    main()
