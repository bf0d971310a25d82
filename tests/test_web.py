"""The web app as a real `storyline serve` process over a real SQLite store: HTTP API, safety, one error shape."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from storyline.web.app import safe_name

from .conftest import EXAMPLES

pytestmark = pytest.mark.slow
EVIL = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_serving(args: list[str], env: dict[str, str], tries: int = 150) -> tuple[subprocess.Popen, str]:
    """A real `storyline serve ARGS` on a free loopback port, once it answers; its stderr says why when it does not."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "storyline.cli", "serve", *args, "--port", str(port)],
                               stderr=subprocess.PIPE, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(tries):
        try:
            if httpx.get(base + "/api/stories", timeout=1).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(process.stderr.read().decode() if process.stderr else "storyline serve did not answer")


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[str]:
    db = str(tmp_path_factory.mktemp("web") / "web.db")
    subprocess.run([sys.executable, "-m", "storyline.cli", "ingest", str(EXAMPLES), "--db", db, "-q"], check=True)
    env = {**os.environ, "STORYLINE_MAX_UPLOAD_BYTES": "200000"}
    process, base = start_serving(["--db", db], env)
    yield base
    process.terminate()
    process.wait(timeout=10)


def wait_job(base: str, job: str) -> dict:
    for _ in range(300):
        state = httpx.get(f"{base}/api/jobs/{job}").json()
        if state["state"] in ("done", "failed"):
            return state
        time.sleep(0.2)
    raise AssertionError("job did not finish")


def test_binds_to_loopback_by_default():
    out = subprocess.run([sys.executable, "-m", "storyline.cli", "serve", "--help"], capture_output=True, text=True)
    assert "default 127.0.0.1" in out.stdout


def test_story_list_filters_and_story_json(server):
    stories = httpx.get(server + "/api/stories").json()["stories"]
    assert len(stories) == 2 and stories[0]["articles"] == 6
    assert [s["id"] for s in httpx.get(server + "/api/stories", params={"person": "Varga-Kovacs"}).json()["stories"]] \
        == [stories[0]["id"]]
    assert httpx.get(server + "/api/stories", params={"q": "library"}).json()["stories"][0]["articles"] == 1
    assert httpx.get(server + "/api/stories", params={"date_to": "2025-10-01"}).json()["stories"] == []
    story = httpx.get(f"{server}/api/stories/{stories[0]['id']}").json()
    assert {c["status"] for c in story["story"]["claims"]} == {"corroborated", "single_source", "disputed"}


def test_one_error_shape_everywhere(server):
    for method, path, kwargs, status in [
        ("get", "/api/stories/nope", {}, 404),
        ("get", "/api/articles/nope", {}, 404),
        ("get", "/api/jobs/nope", {}, 404),
        ("get", "/api/nothing-here", {}, 404),
        ("post", "/api/articles", {"content": b"{not json", "headers": {"content-type": "application/json"}}, 400),
        ("post", "/api/upload", {"data": {}}, 400),
        ("post", "/api/upload", {"files": {"files": ("big.txt", b"x" * 300_000)}}, 413),
    ]:
        response = getattr(httpx, method)(server + path, **kwargs)
        assert response.status_code == status, (path, response.text)
        body = response.json()
        assert set(body) == {"error"} and set(body["error"]) == {"status", "code", "message"}, body
        assert body["error"]["status"] == status


def test_openapi_describes_the_api(server):
    spec = httpx.get(server + "/openapi.json").json()
    for path in ("/api/stories", "/api/stories/{story_id}", "/api/articles/{article_id}", "/api/articles",
                 "/api/upload", "/api/jobs/{job_id}"):
        assert path in spec["paths"]


def test_untrusted_text_is_escaped_in_pages(server):
    record = {"id": "evil-1", "title": f"Title {EVIL}", "outlet": f"Outlet {EVIL}", "url": "javascript:alert(1)",
              "published": "2025-10-15", "text": f"The ferry company said on Tuesday {EVIL} that the route reopens."}
    job = httpx.post(server + "/api/articles", json=[record, {"id": "empty"}]).json()["job"]
    state = wait_job(server, job)
    assert state["added"] == ["evil-1"] and state["skipped"][0]["code"] == "SL106"
    story = httpx.get(server + "/api/articles/evil-1").json()["story_id"]
    for path in (f"/stories/{story}", "/articles/evil-1", "/?q=ferry"):
        page = httpx.get(server + path).text
        assert "<script>window.pwned" not in page and "<img src=x" not in page, path
        assert "&lt;script&gt;" in page, path
        assert 'href="javascript:' not in page


def test_upload_names_cannot_escape(server):
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("..\\..\\win.ini") == "win.ini"
    files = {"files": ("../../../tmp/evil.txt", b"The harbour master said the pier reopened on Friday after repairs.")}
    job = httpx.post(server + "/api/upload", files=files).json()["job"]
    state = wait_job(server, job)
    article = httpx.get(f"{server}/api/articles/{state['added'][0]}").json()["article"]
    assert article["path"] == "upload/evil.txt"


def test_jobs_outlive_a_restart(tmp_path):
    """Ingest jobs are kept in the store: a restarted server still answers for a finished job."""
    from .test_security import running

    db = str(tmp_path / "jobs.db")
    text = "The lighthouse on Garra Point was relit on Saturday after a year of repairs, the harbour trust said."
    with running(["serve", "--db", db]) as base:
        job = httpx.post(base + "/api/upload", data={"text": text}).json()["job"]
        first = wait_job(base, job)
    with running(["serve", "--db", db]) as base:
        again = httpx.get(f"{base}/api/jobs/{job}").json()
        assert again["state"] == "done" and again["added"] == first["added"] and len(first["added"]) == 1
        assert httpx.get(f"{base}/jobs/{job}").status_code == 200
