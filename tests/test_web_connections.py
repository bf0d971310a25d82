"""The server's store connections: one per thread, reused, closed when threads end and at shutdown; a real
`storyline serve` app under concurrent readers on a real PostgreSQL server holds no more than one per thread."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from storyline import api
from storyline.errors import StoryNotFound
from storyline.store import Store
from storyline.web.app import create_app
from storyline.web.connections import Connections

from .conftest import EXAMPLES


def test_one_connection_per_thread_reused_and_closed(db_url):
    Store.open(db_url).close()  # migrated
    connections = Connections(db_url)
    mine = connections.get()
    assert connections.get() is mine and connections.read(lambda s: s) is mine and connections.count() == 1
    theirs: list[Store] = []
    worker = threading.Thread(target=lambda: theirs.append(connections.get()))
    worker.start()
    worker.join()
    assert theirs[0] is not mine and connections.count() == 2
    closed: list[Store] = []
    real_close = Store.close
    Store.close = lambda self: closed.append(self) or real_close(self)  # type: ignore[method-assign]
    try:
        other = threading.Thread(target=connections.get)  # a new thread: the ended one's connection is closed
        other.start()
        other.join()
        assert theirs[0] in closed and connections.count() == 2
        connections.close()
        assert mine in closed and connections.count() == 0
    finally:
        Store.close = real_close  # type: ignore[method-assign]
    assert connections.get() is not mine  # a later request opens its thread's connection again
    connections.close()


def test_a_broken_connection_is_dropped_and_the_next_read_opens_another(db_url):
    Store.open(db_url).close()
    connections = Connections(db_url)
    first = connections.get()
    with pytest.raises(StoryNotFound):  # not the connection's fault: it is kept
        connections.read(lambda s: s.story("s404"))
    with pytest.raises(ValueError):
        connections.read(lambda s: int("page"))
    assert connections.get() is first and connections.count() == 1
    first.db.raw.close()  # as a restarted database leaves it
    with pytest.raises(Exception):  # noqa: B017 - sqlite3 or psycopg, whichever the store is
        connections.read(lambda s: s.count_stories())
    assert connections.count() == 0
    assert connections.read(lambda s: s.count_stories()) == 0 and connections.get() is not first
    connections.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def pg_stored(postgres_server) -> Iterator[str]:
    url = postgres_server.new_database()
    api.ingest([str(EXAMPLES)], db=url)
    yield url


def _backends(url: str) -> int:
    """Connections to this database other than the one counting."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url, autocommit=True) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                                (name,)).fetchone()[0])


@pytest.mark.slow
def test_concurrent_readers_on_postgresql_share_one_connection_per_thread(pg_stored, monkeypatch):
    import uvicorn

    store = Store.open(pg_stored)
    try:
        stories = [s.id for s in store.list_stories()]
        article = store.story_article_ids(stories[0])[0]
        person, outlet = store.people()[0], store.outlets()[0]
    finally:
        store.close()
    paths = ["/", "/?q=fire", "/api/stories", "/api/stories?q=plant", f"/stories/{quote(stories[0])}",
             f"/api/stories/{quote(stories[-1])}", f"/articles/{quote(article)}", f"/api/articles/{quote(article)}",
             f"/api/following?name={quote(person)}", f"/api/outlets/{quote(outlet)}", "/api/jobs/none"]
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(pg_stored), host="127.0.0.1", port=port, log_level="warning"))
    serving = threading.Thread(target=server.run)
    serving.start()
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        with httpx.Client(base_url=base, timeout=60) as http:
            expected = {p: (r.status_code, r.content) for p in paths for r in [http.get(p)]}
        assert expected["/api/jobs/none"][0] == 404 and all(s == 200 for p, (s, _) in expected.items()
                                                               if p != "/api/jobs/none")
        opened: list[str] = []
        real_open = Store.open.__func__  # type: ignore[attr-defined]
        monkeypatch.setattr(Store, "open", classmethod(lambda cls, url=":memory:": opened.append(url)
                                                       or real_open(cls, url)))
        seen: list[tuple[str, int, bytes]] = []
        peak = 0
        for _ in range(2):  # two rounds of 16 readers x 12 requests
            start = threading.Barrier(16)

            def reader(n: int, start: threading.Barrier = start) -> None:
                with httpx.Client(base_url=base, timeout=60) as http:
                    start.wait()
                    for i in range(12):
                        path = paths[(n + i) % len(paths)]
                        response = http.get(path)
                        seen.append((path, response.status_code, response.content))

            readers = [threading.Thread(target=reader, args=(n,)) for n in range(16)]
            for t in readers:
                t.start()
            while any(t.is_alive() for t in readers):
                peak = max(peak, _backends(pg_stored))
                time.sleep(0.05)
            for t in readers:
                t.join()
        assert len(seen) == 2 * 16 * 12
        wrong = [(p, s) for p, s, body in seen if (s, body) != expected[p]]
        assert wrong == []  # every answer, under concurrency, is the one a lone reader gets
        # at most one connection per server thread (anyio's pool: 40), never one per request (384 here, about 140 of
        # them of articles, jobs and following, which opened a store each before)
        assert 1 <= peak <= 41 and len(opened) <= 40, (peak, len(opened))
    finally:
        server.should_exit = True
        serving.join(timeout=60)
    deadline = time.monotonic() + 10
    while _backends(pg_stored) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _backends(pg_stored) == 0  # shutdown closed them all


@pytest.mark.slow
def test_the_sqlite_server_closes_its_connections_at_shutdown(tmp_path):
    from fastapi.testclient import TestClient

    db = tmp_path / "s.db"
    api.ingest([str(EXAMPLES / "01-northgate-wire.txt")], db=str(db))
    with TestClient(create_app(str(db)), base_url="http://127.0.0.1") as client:  # runs startup and shutdown
        assert client.get("/").status_code == 200 and client.get("/api/jobs/none").status_code == 404
        assert client.get("/api/articles/nope").status_code == 404
        assert Path(f"{db}-wal").exists()  # the server's connections are open
    assert not Path(f"{db}-wal").exists()  # the last connection closed checkpoints and removes the WAL
