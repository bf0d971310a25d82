"""The watch loop against a real HTTP server on 127.0.0.1 whose feeds change between polls."""

from __future__ import annotations

import email.utils
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jsonschema
import pytest

from storyline.errors import WatchSourceError
from storyline.model import RawDocument
from storyline.watch import PollResult, item_key, parse_duration, read_sources, retry_delay

from .conftest import EXAMPLES

STORYLINE = [sys.executable, "-m", "storyline.cli"]


# --- feeds built from the bundled example texts --------------------------------------------

def _text_article(name: str) -> tuple[str, str]:
    """(title, body paragraphs) of an example .txt article: first line is its headline."""
    lines = (EXAMPLES / name).read_text().split("\n")
    body = "\n".join(lines[1:]).strip()
    return lines[0].strip(), body


def rss(outlet: str, items: list[dict]) -> bytes:
    entries = "".join(
        f"<item><title>{escape(i['title'])}</title><link>{i['link']}</link><guid>{i['guid']}</guid>"
        f"<pubDate>{i['date']}</pubDate><description>{escape(_paragraphs(i['text']))}</description></item>"
        for i in items)
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{outlet}</title>'
            f"<link>https://{outlet.lower().replace(' ', '')}.example/</link>{entries}</channel></rss>").encode()


def atom(outlet: str, items: list[dict]) -> bytes:
    entries = "".join(
        f"<entry><title>{escape(i['title'])}</title><id>{i['guid']}</id><link href=\"{i['link']}\"/>"
        f"<published>{i['iso']}</published><content type=\"html\">{escape(_paragraphs(i['text']))}</content></entry>"
        for i in items)
    return (f'<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{outlet}</title><id>urn:{outlet}</id>{entries}</feed>").encode()


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{escape(p.strip())}</p>" for p in text.split("\n\n") if p.strip())


def item(guid: str, title: str, text: str, day: int) -> dict:
    when = datetime(2025, 10, day, 9, 0, tzinfo=UTC)
    return {"guid": guid, "title": title, "text": text, "link": f"https://news.example/{guid}",
            "date": email.utils.format_datetime(when), "iso": when.isoformat()}


WIRE = item("wire-1", *_text_article("01-northgate-wire.txt"), 14)
LEDGER = item("ledger-1", *_text_article("05-lakeside-ledger.txt"), 16)
VALLEY_DOC = json.loads((EXAMPLES / "03-valley-post.json").read_text())
VALLEY = item("valley-1", VALLEY_DOC["title"], VALLEY_DOC["text"], 15)
LIBRARY = item("valley-0", "Orwen library opens on Sundays from November",
               "The public library in Orwen will open on Sundays from November, the town council said on Monday. "
               "Opening hours on Sundays will run from 10 a.m. to 4 p.m., council member Jane Field said. "
               "The change follows a petition signed by 1,200 residents, the council said.", 13)


class FeedServer:
    """Feeds whose content the test changes; validators honoured like a real server; every request logged."""

    def __init__(self) -> None:
        self.feeds: dict[str, tuple[str, bytes]] = {}  # path -> (content type, body)
        self.modified: dict[str, str] = {}
        self.requests: list[tuple[float, str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                server.requests.append((time.monotonic(), self.path, dict(self.headers)))
                if self.path == "/broken.xml":
                    return self._send(500, b"internal error")
                if self.path == "/busy.xml":
                    return self._send(429, b"slow down", {"Retry-After": "120"})
                if self.path == "/moved.xml":
                    return self._send(301, b"", {"Location": "/ledger.atom"})
                if self.path not in server.feeds:
                    return self._send(404, b"not here")
                kind, body = server.feeds[self.path]
                etag = f'"{hash(body)}"'
                modified = server.modified[self.path]
                if self.path.endswith(".rss") and self.headers.get("If-None-Match") == etag:
                    return self._send(304, b"", {"ETag": etag})
                if self.path.endswith(".atom") and self.headers.get("If-Modified-Since") == modified:
                    return self._send(304, b"", {"Last-Modified": modified})
                headers = {"ETag": etag} if self.path.endswith(".rss") else {"Last-Modified": modified}
                return self._send(200, body, {"Content-Type": kind, **headers})

            def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def publish(self, path: str, kind: str, body: bytes) -> None:
        self.feeds[path] = (kind, body)
        self.modified[path] = email.utils.formatdate(time.time() + len(self.modified), usegmt=True)

    def hits(self, path: str) -> list[tuple[float, str, dict[str, str]]]:
        return [r for r in self.requests if r[1] == path]


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    server = FeedServer()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def run_watch(sources: Path, db: Path, *extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "STORYLINE_WATCH_HOST_SPACING": "0.3", "STORYLINE_FETCH_ALLOW": "127.0.0.1"}
    return subprocess.run([*STORYLINE, "watch", str(sources), "--db", str(db), "--once", *extra],
                          capture_output=True, text=True, timeout=600, env=env)


def story_json(db: Path, story_id: str, schema: dict | None = None) -> dict:
    out = subprocess.run([*STORYLINE, "show", story_id, "--db", str(db), "--format", "json"],
                         capture_output=True, text=True, timeout=600, check=True)
    doc = json.loads(out.stdout)
    if schema is not None:
        jsonschema.validate(doc, schema)  # the contract holds with the added changes
    return doc["stories"][0]


# --- the whole loop, through the command -----------------------------------------------------

@pytest.mark.slow
def test_watch_once_twice_adds_only_the_new_item_and_the_story_shows_it(feeds, tmp_path, schema):
    feeds.publish("/wire.rss", "application/rss+xml", rss("Northgate Wire", [WIRE]))
    feeds.publish("/valley.rss", "application/rss+xml", rss("Valley Post", [LIBRARY]))
    feeds.publish("/ledger.atom", "application/atom+xml", atom("The Lakeside Ledger", [LEDGER]))
    folder = tmp_path / "drop"
    folder.mkdir()
    shutil.copy(EXAMPLES / "02-brackmoor-courier.txt", folder)
    sources = tmp_path / "feeds.txt"
    sources.write_text(f"# local test feeds\n{feeds.base}/wire.rss\n{feeds.base}/valley.rss  # Valley Post\n"
                       f"{feeds.base}/moved.xml\n{feeds.base}/broken.xml\n{feeds.base}/busy.xml\n"
                       "drop\nno-such-folder\n")
    db = tmp_path / "watch.db"

    first = run_watch(sources, db)
    lines = [ln for ln in first.stderr.splitlines() if ln.startswith("storyline: watch ")]
    assert len(lines) == 6, first.stderr  # one line per poll
    assert first.returncode == 1  # two sources failed, one line of the file names nothing
    assert "[SL117]" in first.stderr and "no-such-folder" in first.stderr
    assert any("broken.xml: error [SL108] " in ln and "HTTP 500" in ln for ln in lines)
    assert any("busy.xml: error" in ln and "HTTP 429" in ln for ln in lines)
    # the redirect was followed to the Atom feed; requests name storyline
    assert feeds.hits("/moved.xml") and feeds.hits("/ledger.atom")
    assert all("storyline" in r[2]["User-Agent"] for r in feeds.requests)
    stories = subprocess.run([*STORYLINE, "stories", "--db", str(db)], capture_output=True, text=True).stdout
    fire_id = next(sid for sid in (ln.split("\t")[0] for ln in stories.splitlines())
                   if "wire-1" in story_json(db, sid)["article_ids"])
    before = story_json(db, fire_id)
    # the wire and its copy from the folder; the ledger (via the redirect) is an analysis piece that the
    # story model may or may not join to the report, so it is not counted on here
    assert {"wire-1"} < set(before["article_ids"]) and "valley-0" not in before["article_ids"]
    # each source's items went in as they came: the story started, then the others joined it
    assert before["changes"][0]["kind"] == "story_started"
    joined_first = {c["outlets"][0] for c in before["changes"] if c["kind"] == "article_joined"}
    assert len(joined_first) == len(before["article_ids"]) - 1

    # the Valley Post publishes the fire story; nothing else changes
    feeds.publish("/valley.rss", "application/rss+xml", rss("Valley Post", [LIBRARY, VALLEY]))
    requests_before = len(feeds.requests)
    second = run_watch(sources, db)
    lines = [ln for ln in second.stderr.splitlines() if ln.startswith("storyline: watch ")]
    assert any("wire.rss: HTTP 304, not modified" in ln for ln in lines), second.stderr
    assert any("valley.rss: HTTP 200, 2 items, 1 new, 1 added" in ln for ln in lines), second.stderr
    assert any("moved.xml: HTTP 304" in ln for ln in lines), second.stderr  # Last-Modified after the redirect
    assert any("broken.xml: backing off until" in ln for ln in lines)  # not asked again before its time
    assert any("busy.xml: backing off until" in ln for ln in lines)
    assert not feeds.hits("/broken.xml")[1:] and not feeds.hits("/busy.xml")[1:]
    asked = feeds.requests[requests_before:]
    wire = [r for r in asked if r[1] == "/wire.rss"][0]
    assert wire[2].get("If-None-Match")  # a conditional request
    assert len(asked) == 4  # wire, valley, moved -> ledger: one request each, the redirect two
    after = story_json(db, fire_id, schema)
    assert len(after["article_ids"]) == len(before["article_ids"]) + 1
    assert after["changes"][:len(before["changes"])] == before["changes"]  # history is kept, not rewritten
    latest = [c for c in after["changes"] if c["version"] == after["changes"][-1]["version"]]
    assert latest[0]["version"] == before["changes"][-1]["version"] + 1
    assert latest[0]["kind"] == "article_joined" and latest[0]["outlets"] == ["Valley Post"]
    moved = [c for c in latest if c["kind"] in ("corroborated", "disputed", "new_origin")]
    assert moved, latest  # the new origin confirms or contradicts something the story already said
    assert all(c["outlets"] == ["Valley Post"] and "Valley Post" in c["text"] for c in moved)
    assert any(c["kind"] == "disputed" and c["before"] == "single_source" for c in moved)  # ten vs twelve
    changed = subprocess.run([*STORYLINE, "stories", "--db", str(db), "--since", "10m"], capture_output=True,
                             text=True).stdout
    assert fire_id in changed

    # a third round with nothing new adds nothing and analyses nothing
    third = run_watch(sources, db)
    assert "1 new" not in third.stderr and "added" not in third.stderr
    assert len(story_json(db, fire_id)["changes"]) == len(after["changes"])


@pytest.mark.slow
def test_per_host_spacing_and_retry_after(feeds, tmp_path):
    from storyline.settings import load_options
    from storyline.store import Store
    from storyline.watch import Watcher, WatchSource

    feeds.publish("/a.rss", "application/rss+xml", rss("A", [LIBRARY]))
    feeds.publish("/b.rss", "application/rss+xml", rss("B", [LIBRARY]))
    store = Store.open(str(tmp_path / "s.db"))
    options = load_options(watch_host_spacing=0.5, embedding_model="hashing", fetch_allow="127.0.0.1")
    polled: list[PollResult] = []
    watcher = Watcher([WatchSource(f"{feeds.base}/{p}", "url") for p in ("a.rss", "b.rss", "busy.xml")],
                      store, options, every=60, on_poll=polled.append)
    watcher.round()
    times = [r[0] for r in feeds.requests]
    assert all(b - a >= 0.45 for a, b in zip(times, times[1:])), times
    busy = polled[2]
    assert busy.outcome == "error" and busy.http_status == 429
    waited = datetime.fromisoformat(busy.retry_at) - datetime.now(UTC)
    assert timedelta(seconds=100) < waited <= timedelta(seconds=121)  # the server's Retry-After, not ours
    again = watcher.round()
    assert [r.outcome for r in again] == ["not_modified", "not_modified", "waiting"]
    store.close()


# --- pieces ----------------------------------------------------------------------------------

def test_sources_text_and_opml(tmp_path):
    (tmp_path / "inbox").mkdir()
    text = tmp_path / "feeds.txt"
    text.write_text("# comment\n\nhttps://a.example/feed.xml # trailing\nhttps://b.example/p#frag\ninbox\nnope\n"
                    "https://a.example/feed.xml\n")
    found, errors = read_sources(str(text))
    assert [(s.location, s.kind) for s in found] == [
        ("https://a.example/feed.xml", "url"), ("https://b.example/p#frag", "url"), (str(tmp_path / "inbox"), "folder")]
    assert len(errors) == 1 and isinstance(errors[0], WatchSourceError) and errors[0].line == 6
    opml = tmp_path / "feeds.opml"
    opml.write_text('<?xml version="1.0"?><opml version="2.0"><body><outline text="news">'
                    '<outline type="rss" xmlUrl="https://c.example/rss"/><outline xmlUrl="ftp://x"/></outline>'
                    "</body></opml>")
    found, errors = read_sources(str(opml))
    assert [s.location for s in found] == ["https://c.example/rss"] and len(errors) == 1


def test_durations_retry_after_and_item_keys():
    assert parse_duration("10m") == 600 and parse_duration("2h") == 7200 and parse_duration("45") == 45
    with pytest.raises(ValueError):
        parse_duration("soon")
    now = datetime(2025, 10, 14, 12, 0, tzinfo=UTC)
    assert retry_delay("120", now) == 120
    assert retry_delay("Tue, 14 Oct 2025 12:05:00 GMT", now) == 300
    assert retry_delay("whenever", now) is None and retry_delay(None, now) is None
    feed = "https://x.example/feed"
    assert item_key(RawDocument(path=feed, text="a", id="g1", url="https://x.example/1"), feed) == "id:g1"
    assert item_key(RawDocument(path=feed, text="a", url="https://x.example/1"), feed) == "url:https://x.example/1"
    page = item_key(RawDocument(path=feed, text="body one", url=feed), feed)
    assert page.startswith("text:") and page != item_key(RawDocument(path=feed, text="body two", url=feed), feed)


def test_watching_goes_through_the_address_checks(feeds, tmp_path):
    from storyline.settings import load_options
    from storyline.store import Store
    from storyline.watch import Watcher, WatchSource

    feeds.publish("/a.rss", "application/rss+xml", rss("A", [LIBRARY]))
    store = Store.open(str(tmp_path / "s.db"))
    watcher = Watcher([WatchSource(f"{feeds.base}/a.rss", "url")], store, load_options(fetch_allow=""), every=60)
    result = watcher.round()[0]
    assert result.outcome == "error" and "[SL115]" in (result.error or "") and not feeds.requests
    assert store.watch_state(f"{feeds.base}/a.rss").failures == 1  # and it backs off like any failure
    store.close()


@pytest.mark.slow
def test_sigterm_stops_at_a_safe_point(feeds, tmp_path):
    import signal

    feeds.publish("/wire.rss", "application/rss+xml", rss("Northgate Wire", [WIRE]))
    feeds.publish("/ledger.atom", "application/atom+xml", atom("The Lakeside Ledger", [LEDGER]))
    sources = tmp_path / "feeds.txt"
    sources.write_text(f"{feeds.base}/wire.rss\n{feeds.base}/ledger.atom\n")
    db = tmp_path / "w.db"
    env = {**os.environ, "STORYLINE_WATCH_HOST_SPACING": "0", "STORYLINE_FETCH_ALLOW": "127.0.0.1"}
    process = subprocess.Popen([*STORYLINE, "watch", str(sources), "--db", str(db), "--every", "1h"],
                               stderr=subprocess.PIPE, text=True, env=env)
    first = process.stderr.readline()  # the first poll is done (its item ingested); the second may be running
    assert "wire.rss: HTTP 200, 1 items, 1 new, 1 added" in first, first
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    rest = process.stderr.read()
    assert process.wait(timeout=120) == 0, rest
    assert time.monotonic() - started < 60  # it does not wait out the hour
    assert "round 1: 2 sources" in rest or "round 1: 1 sources" in rest
    check = subprocess.run([*STORYLINE, "check", "--db", str(db), "--no-repair"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr  # nothing half-written
    polled = len(feeds.hits("/ledger.atom"))
    assert polled <= 1 and ("ledger.atom" in rest) == (polled == 1)  # a poll begun is finished and reported


@pytest.mark.slow
def test_a_watched_page_is_ingested_again_only_when_its_text_changes(feeds, tmp_path):
    from storyline.settings import load_options
    from storyline.store import Store
    from storyline.watch import Watcher, WatchSource

    page = (EXAMPLES / "04-radio-eastmark.html").read_bytes()
    feeds.publish("/story.rss", "text/html; charset=utf-8", page)  # .rss: the test server's ETag path
    store = Store.open(str(tmp_path / "p.db"))
    options = load_options(watch_host_spacing=0, embedding_model="hashing", fetch_allow="127.0.0.1")
    watcher = Watcher([WatchSource(f"{feeds.base}/story.rss", "url")], store, options, every=60)
    first = watcher.round()[0]
    assert first.outcome == "new" and len(first.added) == 1
    assert watcher.round()[0].outcome == "not_modified"
    # only the page's furniture changes (a new ETag, the same article): nothing new
    feeds.publish("/story.rss", "text/html; charset=utf-8", page.replace(b"Roadworks on the A41", b"Bridge closed"))
    assert watcher.round()[0].outcome == "unchanged"
    # the article itself is updated: a new paragraph
    feeds.publish("/story.rss", "text/html; charset=utf-8", page.replace(
        b"</article>", b"<p>Late on Wednesday the fire service said all nine workers had been sent home.</p></article>"))
    third = watcher.round()[0]
    assert third.outcome == "new" and len(third.added) == 1 and third.added != first.added
    store.close()
