"""Following, history, exports and watch status over a real `storyline serve --watch` process."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import httpx
import pytest

from .conftest import EXAMPLES
from .test_watch import LIBRARY, FeedServer, rss
from .test_web import start_serving

pytestmark = pytest.mark.slow
ATOM = "{http://www.w3.org/2005/Atom}"
BATCHES = (["01-northgate-wire.txt", "05-lakeside-ledger.txt"], ["03-valley-post.json", "02-brackmoor-courier.txt"],
           ["04-radio-eastmark.html", "06-brackmoor-today.xml"])


@pytest.fixture(scope="module")
def followed(tmp_path_factory) -> Iterator[dict]:
    """A store built in three ingests (so stories have history) served with a watch loop over a local feed."""
    folder = tmp_path_factory.mktemp("follow")
    db = str(folder / "follow.db")
    for batch in BATCHES:
        subprocess.run([sys.executable, "-m", "storyline.cli", "ingest", *(str(EXAMPLES / f) for f in batch),
                        "--db", db, "-q"], check=True)
    feeds = FeedServer()
    feeds.thread.start()
    feeds.publish("/orwen.rss", "application/rss+xml", rss("Orwen Echo", [LIBRARY]))
    sources = folder / "feeds.txt"
    sources.write_text(f"{feeds.base}/orwen.rss\n{feeds.base}/broken.xml\n")
    env = {**os.environ, "STORYLINE_WATCH_HOST_SPACING": "0.1", "STORYLINE_FETCH_ALLOW": "127.0.0.1"}
    process, base = start_serving(["--db", db, "--watch", str(sources)], env)
    stories = httpx.get(base + "/api/stories").json()["stories"]
    fire = next(s["id"] for s in stories if "Brackmoor plastics" in s["title"] or "Norvell" in s["title"])
    yield {"base": base, "fire": fire, "feeds": feeds}
    process.terminate()
    process.wait(timeout=10)
    feeds.httpd.shutdown()
    feeds.httpd.server_close()


def wait_for_watch(base: str) -> dict:
    for _ in range(300):
        status = httpx.get(base + "/api/watch").json()
        if status["rounds"] >= 1:
            return status
        time.sleep(0.2)
    raise AssertionError("the watch loop did not finish a round")


def test_serve_watch_polls_and_shows_status(followed):
    base = followed["base"]
    status = wait_for_watch(base)
    assert status["running"] and status["last_round"]
    by_source = {s["source"].rsplit("/", 1)[-1]: s for s in status["sources"]}
    assert by_source["orwen.rss"]["added"] == 1 and by_source["orwen.rss"]["last_status"] == "200"
    assert by_source["broken.xml"]["failures"] == 1 and "HTTP 500" in by_source["broken.xml"]["last_error"]
    assert httpx.get(base + "/api/stories", params={"q": "Orwen"}).json()["stories"]  # the item went in
    page = httpx.get(base + "/watch").text
    assert "orwen.rss" in page and "HTTP 500" in page and "next try after" in page


def test_story_history_since_and_timeline(followed):
    base, fire = followed["base"], followed["fire"]
    changes = httpx.get(f"{base}/api/stories/{fire}").json()["story"]["changes"]
    versions = sorted({c["version"] for c in changes})
    assert versions[0] == 1 and len(versions) >= 2 and changes[0]["kind"] == "story_started"
    assert any(c["kind"] in ("corroborated", "new_origin") and c["outlets"] for c in changes)
    middle = next(c["at"] for c in changes if c["version"] == versions[-1])
    page = httpx.get(f"{base}/stories/{fire}").text
    assert 'id="changes"' in page and "What changed" in page and 'id="since-banner"' not in page
    marked = httpx.get(f"{base}/stories/{fire}", params={"since": "2000-01-01T00:00:00+00:00"}).text
    assert 'id="since-banner"' in marked and marked.count('class="version new"') == len(versions)
    later = httpx.get(f"{base}/stories/{fire}", params={"since": middle}).text
    assert "Nothing changed since" in later and 'class="version new"' not in later
    after = httpx.get(f"{base}/api/stories/{fire}/changes", params={"since": "2000-01-01"}).json()["changes"]
    assert len(after) == len(changes)


def test_exports_download(followed):
    base, fire = followed["base"], followed["fire"]
    response = httpx.get(f"{base}/stories/{fire}/claims.csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    story = httpx.get(f"{base}/api/stories/{fire}").json()["story"]
    assert len(rows) == len(story["claims"]) + 1 and rows[0][:5] == ["claim_id", "status", "origins", "claim", "reason"]
    assert {r[0] for r in rows[1:]} == {c["id"] for c in story["claims"]}
    briefing = httpx.get(f"{base}/stories/{fire}/briefing.md").text
    assert briefing.startswith("## ") and "### What changed" in briefing and "### Coverage" in briefing
    assert httpx.get(f"{base}/stories/{fire}/story.json").json()["stories"][0]["id"] == fire


def test_changes_feed_and_entity_filter(followed):
    base, fire = followed["base"], followed["fire"]
    root = ET.fromstring(httpx.get(base + "/feeds/changes.atom").content)
    entries = root.findall(f"{ATOM}entry")
    assert root.tag == f"{ATOM}feed" and len(entries) >= 3
    updated = [e.findtext(f"{ATOM}updated") for e in entries]
    assert updated == sorted(updated, reverse=True)
    only = ET.fromstring(httpx.get(base + "/feeds/changes.atom", params={"entity": "Varga-Kovacs"}).content)
    links = {e.find(f"{ATOM}link").get("href").split("?")[0].rsplit("/", 1)[-1] for e in only.findall(f"{ATOM}entry")}
    naming = {s["id"] for s in httpx.get(base + "/api/following", params={"name": "Varga-Kovacs"}).json()["stories"]}
    assert fire in links and links == naming  # only changes of stories that name her
    council = next(s["id"] for s in httpx.get(base + "/api/stories").json()["stories"] if "library" in s["title"])
    assert council not in links
    none = ET.fromstring(httpx.get(base + "/feeds/changes.atom", params={"entity": "Nobody Atall"}).content)
    assert none.findall(f"{ATOM}entry") == []


def test_entity_and_outlet_pages(followed):
    base, fire = followed["base"], followed["fire"]
    person = httpx.get(base + "/api/entities/Tomas Brennan").json()
    assert [s["id"] for s in person["stories"]] == [fire]
    assert person["quotes"] and any(r["role"].lower().startswith("chief") for r in person["roles"])
    assert {f["name"] for f in person["forms"]} >= {"Tomas Brennan"}
    page = httpx.get(base + "/entities/Tomas Brennan").text
    assert "Roles over time" in page and "Quotes" in page
    courier = httpx.get(base + "/api/outlets/Brackmoor Courier").json()
    assert courier["copies"] == 1 and courier["copy_rate"] == 1.0  # it ran the wire's text
    valley = httpx.get(base + "/api/outlets/Valley Post").json()
    assert valley["copies"] == 0 and valley["only_claims"] and valley["disputes"]
    assert valley["corroboration_rate"] is None or 0 <= valley["corroboration_rate"] <= 1
    # the wire came first, alone; the outlets of later ingests confirmed some of what it said
    wire = httpx.get(base + "/api/outlets/Northgate Wire").json()
    assert wire["later_corroborated"] and all(c["earlier_outlets"] == ["Northgate Wire"] and c["kind"] == "corroborated"
                                              for c in wire["later_corroborated"])
    assert 0 < wire["corroboration_rate"] == len(wire["later_corroborated"]) / (
        len(wire["later_corroborated"]) + len(wire["only_claims"]))
    for path in ("/api/entities/Nobody Atall", "/api/outlets/No Such Outlet"):
        body = httpx.get(base + path).json()
        assert set(body) == {"error"} and body["error"]["status"] == 404


def test_following_filters_stories_by_entities_and_outlets(followed):
    base, fire = followed["base"], followed["fire"]
    wait_for_watch(base)
    mayor = httpx.get(base + "/api/following", params={"name": "Varga-Kovacs"}).json()["stories"]
    assert fire in [s["id"] for s in mayor] and all(s["because"] == ["Varga-Kovacs"] for s in mayor)
    assert not any("library" in s["title"] for s in mayor)
    both = httpx.get(base + "/api/following", params=[("name", "Varga-Kovacs"), ("outlet", "Orwen Echo")]).json()
    assert len(both["stories"]) == len(mayor) + 1
    # the story the outlet carries (its title is whichever headline is central to it, not necessarily Orwen's)
    mayors = {s["id"] for s in mayor}
    assert [s["because"] for s in both["stories"] if s["id"] not in mayors] == [["Orwen Echo"]]
    new = httpx.get(base + "/api/following", params={"name": "Varga-Kovacs", "since": "2000-01-01"}).json()
    assert new["stories"][0]["new_changes"]
    page = httpx.get(base + "/following", params={"name": "Varga-Kovacs"}).text
    assert f"/stories/{fire}" in page and 'id="next-visit"' in page
