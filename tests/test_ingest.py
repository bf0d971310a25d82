"""Readers and bad input: every input is read or skipped with a coded reason, never dropped."""

from __future__ import annotations

import gzip
import http.server
import io
import json
import socket
import threading
from pathlib import Path

import pytest

from storyline.ingest import read_inputs
from storyline.settings import Options

OPTS = Options()


def read(*paths, stdin=None, options=OPTS):
    return read_inputs([str(p) for p in paths], options, stdin)


def test_missing_path_is_skipped_with_code(tmp_path):
    docs, skipped = read(tmp_path / "nope.txt")
    assert docs == [] and skipped[0].code == "SL101" and "no such file" in skipped[0].reason


def test_folder_without_files(tmp_path):
    (tmp_path / "empty").mkdir()
    docs, skipped = read(tmp_path / "empty")
    assert skipped[0].code == "SL111"


def test_folder_walk_is_sorted_and_skips_hidden(tmp_path):
    (tmp_path / "b.txt").write_text("Second article body text here.")
    (tmp_path / "a.txt").write_text("First article body text here.")
    (tmp_path / ".hidden.txt").write_text("Hidden.")
    docs, skipped = read(tmp_path)
    assert [Path(d.path).name for d in docs] == ["a.txt", "b.txt"] and skipped == []


def test_binary_file(tmp_path):
    f = tmp_path / "image.txt"
    f.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    _, skipped = read(f)
    assert skipped[0].code == "SL113" and "PNG" in skipped[0].reason  # known by its first bytes
    f.write_bytes(b"\x00\x01garbage" + bytes(range(256)))
    _, skipped = read(f)
    assert skipped[0].code == "SL103"


def test_invalid_utf8(tmp_path):
    f = tmp_path / "latin.txt"
    f.write_bytes("Caf\xe9 society gathers in Paris.".encode("latin-1"))
    _, skipped = read(f)
    assert skipped[0].code == "SL104" and "not UTF-8" in skipped[0].reason


def test_html_with_declared_charset_is_decoded(tmp_path):
    f = tmp_path / "page.html"
    body = "<p>" + "Le café de la gare a rouvert ses portes lundi matin après des travaux. " * 5 + "</p>"
    page = f'<html><head><meta charset="iso-8859-1"><title>Café</title></head><body><article>{body}</article></body></html>'
    f.write_bytes(page.encode("iso-8859-1"))
    docs, skipped = read(f)
    assert skipped == [] and "café" in docs[0].text


def test_empty_file(tmp_path):
    f = tmp_path / "empty.txt"
    f.write_text("")
    _, skipped = read(f)
    assert skipped[0].code == "SL102"


def test_whitespace_only_file(tmp_path):
    f = tmp_path / "blank.txt"
    f.write_text("   \n\n  ")
    _, skipped = read(f)
    assert skipped[0].code == "SL102"


def test_fifty_megabyte_file_is_refused_without_reading(tmp_path):
    f = tmp_path / "huge.txt"
    with f.open("wb") as out:
        out.truncate(50 * 1024 * 1024)
    _, skipped = read(f)
    assert skipped[0].code == "SL105" and "limit" in skipped[0].reason


def test_gzip_bomb_is_capped(tmp_path):
    f = tmp_path / "bomb.txt.gz"
    f.write_bytes(gzip.compress(b"a" * 2_000_000))
    _, skipped = read(f, options=OPTS.with_(max_file_bytes=1_000_000))
    assert skipped[0].code == "SL105"


def test_gzip_text(tmp_path):
    f = tmp_path / "story.txt.gz"
    f.write_bytes(gzip.compress(b"A plain article about the harbour."))
    docs, skipped = read(f)
    assert skipped == [] and docs[0].text.startswith("A plain article")


def test_malformed_jsonl_lines_are_skipped_with_line_numbers(tmp_path):
    f = tmp_path / "batch.jsonl"
    f.write_text("\n".join([
        json.dumps({"id": "ok1", "text": "The first record has text."}),
        "{not json",
        json.dumps({"id": "no-body", "title": "Only a title"}),
        json.dumps({"id": "bad-date", "text": "Text.", "published": "last Tuesday"}),
        json.dumps(["a", "list"]),
        json.dumps({"id": "ok2", "text": "The second good record.", "published": "2025-02-17T09:30:00+01:00"}),
    ]))
    docs, skipped = read(f)
    assert [d.id for d in docs] == ["ok1", "ok2"]
    assert [(s.line, s.code) for s in skipped] == [(2, "SL106"), (3, "SL106"), (4, "SL106"), (5, "SL106")]
    assert "neither 'text' nor 'html'" in skipped[1].reason


def test_json_list_and_given_fields_win(tmp_path):
    f = tmp_path / "two.json"
    f.write_text(json.dumps([
        {"id": "x", "text": "Body one.", "outlet": "Given Outlet", "title": "Given title"},
        {"id": "y", "html": "<html><body><article><p>" + "Body two is long enough to extract. " * 10
                            + "</p></article></body></html>", "outlet": "Other"},
    ]))
    docs, skipped = read(f)
    assert skipped == [] and docs[0].outlet == "Given Outlet" and docs[1].outlet == "Other"
    assert "Body two" in docs[1].text


def test_invalid_json_file(tmp_path):
    f = tmp_path / "broken.json"
    f.write_text('{"text": "unterminated')
    _, skipped = read(f)
    assert skipped[0].code == "SL106" and "invalid JSON" in skipped[0].reason


def test_feed_that_is_not_xml(tmp_path):
    f = tmp_path / "feed.xml"
    f.write_text("this is not a feed at all <<<")
    _, skipped = read(f)
    assert skipped[0].code == "SL107"


def test_feed_with_entities_is_refused(tmp_path):
    f = tmp_path / "bomb.xml"
    f.write_text('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><rss><channel><item>'
                 '<description>&lol;</description></item></channel></rss>')
    _, skipped = read(f)
    assert skipped[0].code == "SL107" and "DOCTYPE" in skipped[0].reason


def test_rss_and_atom(tmp_path):
    rss = tmp_path / "news.rss"
    rss.write_text("""<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour News</title>
      <item><title>Ferry returns</title><link>https://h.example/1</link><pubDate>Mon, 17 Feb 2025 10:00:00 +0000</pubDate>
      <description>&lt;p&gt;The ferry returned on Monday.&lt;/p&gt;</description></item>
      <item><title>Empty</title></item></channel></rss>""")
    atom = tmp_path / "news.atom"
    atom.write_text("""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Desk</title>
      <entry><title>Bridge opens</title><id>tag:1</id><published>2025-02-18T08:00:00Z</published>
      <author><name>Ann Lee</name></author><content type="html">&lt;p&gt;The bridge opened.&lt;/p&gt;</content></entry></feed>""")
    docs, skipped = read(rss, atom)
    assert [d.title for d in docs] == ["Ferry returns", "Bridge opens"]
    assert docs[0].outlet == "Harbour News" and docs[0].published.startswith("2025-02-17")
    assert docs[1].author == "Ann Lee" and docs[1].text == "The bridge opened."
    assert [(s.line, s.code) for s in skipped] == [(2, "SL107")]


def test_stdin_is_sniffed():
    docs, skipped = read("-", stdin=io.BytesIO(b'{"text": "From a pipe."}\n{"text": "Second line."}\n'))
    assert [d.text for d in docs] == ["From a pipe.", "Second line."] and skipped == []


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        if self.path == "/article":
            body = ("<html><head><title>Local page</title></head><body><article><p>"
                    + "A locally served article about the regatta on the lake. " * 8 + "</p></article></body></html>")
            data = body.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
        elif self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/article")
            self.end_headers()
            return
        elif self.path == "/big":
            data = b"x" * 5000
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
        else:
            data = b"missing"
            self.send_response(404)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        self.server.user_agents.append(self.headers.get("User-Agent"))

    def log_message(self, *args):
        pass


@pytest.fixture()
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.user_agents = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()


LOCAL = OPTS.with_(fetch_allow="127.0.0.1")  # the test server is on loopback, which is refused by default


def test_url_fetch_redirect_and_user_agent(server):
    base = f"http://127.0.0.1:{server.server_address[1]}"
    docs, skipped = read_inputs([base + "/moved", base + "/missing"], LOCAL)
    assert len(docs) == 1 and "regatta" in docs[0].text and docs[0].url.endswith("/article")
    assert skipped[0].code == "SL108" and "404" in skipped[0].reason
    assert server.user_agents[0].startswith("storyline/")


def test_url_size_cap(server):
    base = f"http://127.0.0.1:{server.server_address[1]}"
    _, skipped = read_inputs([base + "/big"], LOCAL.with_(fetch_max_bytes=1000))
    assert skipped[0].code == "SL108" and "larger than" in skipped[0].reason


def test_url_that_does_not_answer():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    _, skipped = read_inputs([f"http://127.0.0.1:{port}/x"], LOCAL.with_(fetch_timeout=2.0))
    assert skipped[0].code == "SL108" and "no answer" in skipped[0].reason
