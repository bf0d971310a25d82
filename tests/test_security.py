"""Attacks on the fetcher and the web app: SSRF, CSRF, Host, token, headers, error shapes. Traffic stays on 127.0.0.0/8."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from storyline.errors import BlockedAddress, FetchFailed
from storyline.ingest import read_inputs
from storyline.ingest.urls import fetch, is_public
from storyline.settings import Options

from .conftest import EXAMPLES
from .test_web import free_port, server, wait_job  # noqa: F401  (the shared real server process)

SECRET = "internal-secret-page-text"


# --- a local "internal" HTTP server that counts what reaches it ------------------------------------

class _Site(ThreadingHTTPServer):
    hits: list[str]
    routes: dict[str, tuple[int, dict[str, str], bytes]]


class _Handler(BaseHTTPRequestHandler):
    server: _Site

    def do_GET(self) -> None:  # noqa: N802
        self.server.hits.append(self.path)
        status, headers, body = self.server.routes.get(self.path, (404, {}, b"not here"))
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def site(address: str = "127.0.0.1", routes: dict | None = None) -> Iterator[_Site]:
    httpd = _Site((address, 0), _Handler)
    httpd.hits = []
    httpd.routes = routes or {"/secret": (200, {"Content-Type": "text/plain"}, f"{SECRET} of the intranet.".encode())}
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- SSRF ------------------------------------------------------------------------------------------

def test_internal_addresses_in_every_spelling_are_refused_before_any_connection():
    with site() as internal:
        port = internal.server_address[1]
        for url in (f"http://127.0.0.1:{port}/secret", f"http://localhost:{port}/secret",
                    f"http://0x7f000001:{port}/secret", f"http://2130706433:{port}/secret",
                    f"http://127.1:{port}/secret", f"http://0177.0.0.1:{port}/secret",
                    f"http://[::ffff:127.0.0.1]:{port}/secret", f"http://0.0.0.0:{port}/secret"):
            with pytest.raises(BlockedAddress):
                fetch(url, Options())
        assert internal.hits == []
    for address in ("10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "224.0.0.1", "240.0.0.1",
                    "100.64.0.1", "::1", "fe80::1", "fc00::1", "ff02::1", "::ffff:10.0.0.1", "64:ff9b::a00:1"):
        import ipaddress
        assert not is_public(ipaddress.ip_address(address)), address
    assert is_public(__import__("ipaddress").ip_address("93.184.216.34"))


def test_redirects_to_internal_addresses_are_refused_at_the_hop():
    with site() as internal:
        target = f"http://127.0.0.1:{internal.server_address[1]}/secret"
        routes = {"/go": (302, {"Location": target}, b""),
                  "/article": (200, {"Content-Type": "text/plain"}, b"The bridge reopened on Monday, officials said.")}
        with site("127.0.0.2", routes) as outside:
            allowed = Options(fetch_allow="127.0.0.2")  # the test's stand-in for a public server
            base = f"http://127.0.0.2:{outside.server_address[1]}"
            assert b"bridge reopened" in fetch(base + "/article", allowed)[0]
            with pytest.raises(BlockedAddress):
                fetch(base + "/go", allowed)
            assert outside.hits == ["/article", "/go"]
        assert internal.hits == []


def test_connection_goes_to_the_checked_address_not_a_rebound_one(monkeypatch):
    """DNS rebinding: the name resolves to an allowed address when checked and an internal one after."""
    with site() as internal, site("127.0.0.2", {"/a": (200, {"Content-Type": "text/plain"}, b"outside")}) as outside:
        answers = iter(["127.0.0.2"] + ["127.0.0.1"] * 10)
        real = socket.getaddrinfo

        def rebinding(host, port, *args, **kwargs):
            if host == "rebind.test":
                return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]
            return real(host, port, *args, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", rebinding)
        body, _, _ = fetch(f"http://rebind.test:{outside.server_address[1]}/a", Options(fetch_allow="127.0.0.2"))
        assert body == b"outside" and outside.hits == ["/a"] and internal.hits == []


def test_errors_do_not_tell_open_from_closed_ports():
    with site("127.0.0.2") as outside:
        allowed = Options(fetch_allow="127.0.0.2")
        listening = socket.socket()
        listening.bind(("127.0.0.2", 0))
        listening.listen()  # accepts, never answers: a filtered or silent service
        silent = listening.getsockname()[1]
        messages = []
        for port in (closed_port(), silent):
            with pytest.raises(FetchFailed) as caught:
                fetch(f"http://127.0.0.2:{port}/", allowed.with_(fetch_timeout=1.0))
            messages.append(caught.value.reason)
        listening.close()
        assert messages[0] == messages[1], messages
        blocked = []
        for port in (closed_port(), outside.server_address[1]):
            with pytest.raises(BlockedAddress) as caught:
                fetch(f"http://127.0.0.1:{port}/", Options())
            blocked.append(caught.value.reason)
        assert blocked[0] == blocked[1]


def test_allow_list_reaches_intranet_hosts_by_name_or_network():
    with site() as internal:
        url = f"http://localhost:{internal.server_address[1]}/secret"
        assert SECRET.encode() in fetch(url, Options(fetch_allow="localhost"))[0]
        assert SECRET.encode() in fetch(url.replace("localhost", "127.0.0.1"), Options(fetch_allow="127.0.0.0/8"))[0]
        docs, skipped = read_inputs([url], Options())  # the CLI's path: skipped with the code, nothing fetched
        assert docs == [] and skipped[0].code == BlockedAddress.code
        assert len(internal.hits) == 2


def test_web_upload_of_an_internal_url_is_refused_and_stores_nothing(server):  # noqa: F811
    with site() as internal:
        url = f"http://127.0.0.1:{internal.server_address[1]}/secret"
        job = httpx.post(server + "/api/upload", data={"urls": url}).json()["job"]
        state = wait_job(server, job)
        assert state["added"] == [] and state["skipped"][0]["code"] == BlockedAddress.code
        assert internal.hits == []
    assert httpx.get(server + "/api/stories", params={"q": SECRET}).json()["stories"] == []


# --- CSRF, Host ------------------------------------------------------------------------------------

def test_cross_site_writes_are_refused(server):  # noqa: F811
    host = server.removeprefix("http://")
    text = "The council said on Friday that the market hall will reopen in May after repairs."
    for headers in ({"Origin": "http://evil.example"}, {"Origin": "null"},
                    {"Referer": "http://evil.example/page"}, {"Origin": f"http://{host}.evil.example"}):
        response = httpx.post(server + "/add", data={"text": text}, headers=headers)
        assert response.status_code == 403 and response.json()["error"]["code"] == "SL603", headers
        response = httpx.post(server + "/api/upload", data={"text": text}, headers=headers)
        assert response.status_code == 403, headers
    # a cross-site page can send text/plain without a preflight: refused whatever the Origin
    plain = httpx.post(server + "/api/articles", content=b'{"text": "x"}', headers={"Content-Type": "text/plain"})
    assert plain.status_code == 415 and plain.json()["error"]["code"] == "SL605"
    blob = httpx.post(server + "/api/articles", content=b'{"text": "x"}')  # no Content-Type (a fetch of a Blob)
    assert blob.status_code == 415


def test_the_add_form_needs_its_csrf_token(server):  # noqa: F811
    text = "Volunteers planted four hundred oak trees along the river on Sunday, the park trust said."
    same_site = {"Origin": server}
    missing = httpx.post(server + "/add", data={"text": text}, headers=same_site)
    assert missing.status_code == 403 and "token" in missing.text
    wrong = httpx.post(server + "/add", data={"text": text, "csrf": "guess"}, headers=same_site)
    assert wrong.status_code == 403
    token = re.search(r'name="csrf" value="([^"]+)"', httpx.get(server + "/add").text).group(1)
    ok = httpx.post(server + "/add", data={"text": text, "csrf": token}, headers=same_site)
    assert ok.status_code == 303 and ok.headers["location"].startswith("/jobs/")


def test_unknown_host_names_are_refused(server):  # noqa: F811
    port = server.rsplit(":", 1)[1]
    for host in ("evil.example", f"evil.example:{port}", "127.0.0.1.evil.example"):
        response = httpx.get(server + "/api/stories", headers={"Host": host})
        assert response.status_code == 400 and response.json()["error"]["code"] == "SL602", host
    assert httpx.get(server + "/api/stories", headers={"Host": f"localhost:{port}"}).status_code == 200


# --- headers and error shapes ----------------------------------------------------------------------

def test_security_headers_on_every_response_and_no_inline_script(server):  # noqa: F811
    story = httpx.get(server + "/api/stories").json()["stories"][0]["id"]
    responses = [httpx.get(server + p) for p in ("/", f"/stories/{story}", "/add", "/docs", "/api/stories",
                                                   "/static/style.css", "/static/job.js", "/nope", "/api/nope")]
    responses.append(httpx.get(server + "/", headers={"Host": "evil.example"}))
    responses.append(httpx.post(server + "/api/upload", files={"files": ("a.txt", b"x" * 300_000)}))
    for response in responses:
        csp = response.headers.get("content-security-policy", "")
        assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp.split("style-src")[0], response.url
        assert response.headers.get("x-content-type-options") == "nosniff", response.url
        assert response.headers.get("x-frame-options") == "DENY", response.url
        assert response.headers.get("referrer-policy"), response.url
    for response in responses[:4]:
        page = response.text
        assert "<style" not in page and " style=" not in page, response.url
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), response.url
    assert "script-src 'self';" in responses[0].headers["content-security-policy"]


def test_errors_keep_one_shape_and_hide_server_paths(server, tmp_path):  # noqa: F811
    for path in ("/api/stories/nope", "/api/articles/nope", "/api/jobs/nope", "/api/stories/..%2F..%2Fetc%2Fpasswd"):
        response = httpx.get(server + path)
        body = response.json()
        assert set(body) == {"error"} and set(body["error"]) == {"status", "code", "message"}
        assert "/tmp" not in body["error"]["message"] and ".db" not in body["error"]["message"], body
    page = httpx.get(server + "/stories/nope")
    assert page.status_code == 404 and ".db" not in page.text and "/tmp" not in page.text


def test_a_failing_story_build_is_a_json_error_and_other_stories_still_serve(tmp_path):
    """Fault injection in a real server process: one story's timeline raises (as `2019-WI` did)."""
    db = str(tmp_path / "faulty.db")
    subprocess.run([sys.executable, "-m", "storyline.cli", "ingest", str(EXAMPLES), "--db", db, "-q"], check=True)
    stories = subprocess.run([sys.executable, "-m", "storyline.cli", "stories", "--db", db], capture_output=True,
                             text=True, check=True).stdout.splitlines()
    failing = stories[0].split("\t")[0]
    inject = (
        "import sys, storyline.summarize as s\n"
        "real = s.timeline\n"
        f"def timeline(articles, claims):\n"
        f"    if len(articles) == {stories[0].split(chr(9))[1].split()[0]}:\n"
        f"        raise ValueError('invalid literal for int() in {db}')\n"
        "    return real(articles, claims)\n"
        "s.timeline = timeline\n"
        "from storyline.store import Store\n"
        f"def outlets(self):\n    raise RuntimeError('cannot read {db}')\n"
        "Store.outlets = outlets\n"
        "Store.story_build = lambda self, story_id, stamp: None\n"  # no stored build: each view builds the story

        "from storyline.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n")
    with running(["serve", "--db", db], python=["-c", inject]) as base:
        broken = httpx.get(f"{base}/api/stories/{failing}")
        assert broken.status_code == 500 and broken.json()["error"]["code"] == "SL501"
        assert db not in broken.text and "faulty.db" not in broken.text
        page = httpx.get(f"{base}/stories/{failing}")
        assert page.status_code == 500 and "faulty.db" not in page.text
        other = stories[1].split("\t")[0]
        assert httpx.get(f"{base}/api/stories/{other}").status_code == 200
        crash = httpx.get(base + "/")  # an unexpected exception anywhere: the JSON shape, no path, headers kept
        assert crash.status_code == 500 and crash.json()["error"]["code"] == "SL500"
        assert "faulty.db" not in crash.text and crash.headers["x-content-type-options"] == "nosniff"


# --- token and binding -----------------------------------------------------------------------------

@contextlib.contextmanager
def running(args: list[str], env: dict[str, str] | None = None, python: list[str] | None = None,
            port: int | None = None) -> Iterator[str]:
    port = port or free_port()
    command = [sys.executable, *(python or ["-m", "storyline.cli"]), *args, "--port", str(port)]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, env={**os.environ, **(env or {})})
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                httpx.get(base + "/static/web.css", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None:
                    raise RuntimeError(process.stderr.read().decode()) from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_binding_beyond_loopback_without_a_token_refuses_to_start(tmp_path):
    db = str(tmp_path / "t.db")
    env = {k: v for k, v in os.environ.items() if k != "STORYLINE_TOKEN"}
    out = subprocess.run([sys.executable, "-m", "storyline.cli", "serve", "--db", db, "--host", "0.0.0.0",
                          "--port", str(free_port())], capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 2 and "[SL601]" in out.stderr and "--token" in out.stderr


def test_the_token_protects_every_route(tmp_path):
    db = str(tmp_path / "t.db")
    with running(["serve", "--db", db], env={"STORYLINE_TOKEN": "s3cret-token"}) as base:
        for path in ("/", "/api/stories", "/static/style.css", "/docs", "/openapi.json", "/add", "/api/jobs/x"):
            response = httpx.get(base + path)
            assert response.status_code == 401 and response.json()["error"]["code"] == "SL604", path
        assert httpx.get(base + "/api/stories", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert httpx.get(base + "/api/stories?token=wrong").status_code == 401
        assert httpx.post(base + "/api/articles", json={"text": "x"}).status_code == 401
        bearer = {"Authorization": "Bearer s3cret-token"}
        assert httpx.get(base + "/api/stories", headers=bearer).status_code == 200
        assert httpx.get(base + "/api/stories?mytoken=1", headers=bearer).status_code == 200  # not a token
        first = httpx.get(base + "/?token=s3cret-token&q=fire")
        assert first.status_code == 303 and first.headers["location"] == "/?q=fire"
        assert "HttpOnly" in first.headers["set-cookie"] and "SameSite=Strict" in first.headers["set-cookie"]
        with httpx.Client(base_url=base, follow_redirects=True) as browser:
            assert browser.get("/?token=s3cret-token").status_code == 200
            assert browser.get("/api/stories").status_code == 200  # the cookie carries it from now on


def test_a_generated_token_is_printed_and_works_beyond_loopback(tmp_path):
    db = str(tmp_path / "t.db")
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "storyline.cli", "serve", "--db", db, "--host", "0.0.0.0",
                                "--port", str(port), "--token", "auto"], stderr=subprocess.PIPE, text=True)
    try:
        line = process.stderr.readline()
        token = re.search(r"\?token=([\w-]+)", line).group(1)
        base = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                response = httpx.get(base + "/api/stories", headers={"Authorization": f"Bearer {token}"}, timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert response.status_code == 200 and len(token) >= 24
        assert httpx.get(base + "/api/stories").status_code == 401
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_article_ids_with_slashes_are_reachable(server):  # noqa: F811
    record = {"id": "wire/2025/10/ferry", "title": "Ferry route reopens", "outlet": "Slash Times",
              "published": "2025-10-20", "text": "The ferry company said on Monday that the northern route reopens "
                                                  "next week after the storm damage was repaired."}
    state = wait_job(server, httpx.post(server + "/api/articles", json=record).json()["job"])
    assert state["added"] == ["wire/2025/10/ferry"]
    data = httpx.get(server + "/api/articles/wire/2025/10/ferry").json()
    assert data["article"]["id"] == "wire/2025/10/ferry"
    assert httpx.get(server + "/articles/wire/2025/10/ferry").status_code == 200
    assert httpx.get(server + "/articles/wire%2F2025%2F10%2Fferry").status_code == 200
    story = httpx.get(f"{server}/stories/{data['story_id']}").text
    assert 'href="/articles/wire/2025/10/ferry"' in story


def test_readme_documents_token_hosts_and_allow_list():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    for word in ("--token", "allowed_hosts", "fetch_allow", "STORYLINE_TOKEN"):
        assert word in readme, word
