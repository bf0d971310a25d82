"""Story pages read from the stored build, kept per process while it is current, with ETags; stale builds detected."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from storyline import align, api, pipeline
from storyline.settings import load_options
from storyline.store import Store
from storyline.web.app import accepts_gzip, create_app

from .conftest import EXAMPLES

pytestmark = pytest.mark.slow
FILES = sorted(EXAMPLES.iterdir())
LATE = FILES[-2]  # a report of the fire, which other files also report: it joins a stored story later


@pytest.fixture(scope="module")
def stored(tmp_path_factory) -> Iterator[str]:
    db = str(tmp_path_factory.mktemp("cache") / "c.db")
    api.ingest([str(f) for f in FILES if f != LATE], db=db)
    yield db


def sizes(db: str) -> dict[str, list[str]]:
    store = Store.open(db)
    try:
        return {s.id: store.story_article_ids(s.id) for s in store.stories()}
    finally:
        store.close()


def test_pages_read_the_build_once_answer_304_and_follow_changes(stored, tmp_path, monkeypatch):
    db = str(tmp_path / "copy.db")
    shutil.copy(stored, db)
    before = sizes(db)
    biggest = max(before, key=lambda s: len(before[s]))
    builds = []
    real_align = align.align_story
    monkeypatch.setattr(align, "align_story", lambda *a, **k: builds.append(1) or real_align(*a, **k))
    client = TestClient(create_app(db), base_url="http://127.0.0.1")

    page = client.get(f"/stories/{biggest}")
    data = client.get(f"/api/stories/{biggest}")
    article = client.get(f"/articles/{before[biggest][0]}")
    assert page.status_code == data.status_code == article.status_code == 200
    assert builds == []  # the ingest stored the build: pages, JSON and the article page read it
    assert data.headers["content-type"] == "application/json"
    assert data.json()["story"]["id"] == biggest and len(data.json()["articles"]) == len(before[biggest])
    tags = {page.headers["etag"], data.headers["etag"], article.headers["etag"]}
    assert len(tags) == 3  # one validator per page

    again = client.get(f"/stories/{biggest}", headers={"If-None-Match": page.headers["etag"]})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == page.headers["etag"]
    assert again.headers["x-content-type-options"] == "nosniff"  # the guard's headers on a 304 too
    assert client.get(f"/stories/{biggest}", headers={"If-None-Match": '"other"'}).status_code == 200
    since = client.get(f"/stories/{biggest}", params={"since": "2000-01-01T00:00:00"})
    assert since.status_code == 200 and 'id="since-banner"' in since.text

    store = Store.open(db)
    store.drop_story_builds([biggest])  # as `storyline check --drop-builds` does
    store.close()
    rebuilt = client.get(f"/api/stories/{biggest}")
    assert rebuilt.status_code == 200 and len(builds) == 1  # built again, once
    assert rebuilt.json() == data.json() and rebuilt.headers["etag"] == data.headers["etag"]  # same build, same tag
    assert client.get(f"/api/stories/{biggest}").status_code == 200 and len(builds) == 1

    api.ingest([str(LATE)], db=db)  # an article joins a story: that story's pages change, and only those
    after = sizes(db)
    changed = [s for s in after if after[s] != before.get(s)]
    assert len(changed) == 1
    joined = client.get(f"/api/stories/{changed[0]}")
    ids = [a["id"] for a in joined.json()["articles"]]
    assert sorted(ids) == sorted(after[changed[0]]) and len(ids) == len(before.get(changed[0], [])) + 1
    new_id = (set(after[changed[0]]) - set(before.get(changed[0], []))).pop()
    new_page = client.get(f"/stories/{changed[0]}", headers={"If-None-Match": page.headers["etag"]})
    assert new_page.status_code == 200 and f'href="/articles/{new_id}"' in new_page.text


def test_article_page_marks_the_statuses_of_its_story_build(stored):
    client = TestClient(create_app(stored), base_url="http://127.0.0.1")
    story_ids = sizes(stored)
    biggest = max(story_ids, key=lambda s: len(story_ids[s]))
    story = api.show(biggest, db=stored).stories[0]
    for article_id in story_ids[biggest]:
        expected = {c.status for c in story.claims if any(a == article_id for a, _ in c.sources)}
        html = client.get(f"/articles/{article_id}").text
        shown = {s for s in ("corroborated", "single_source", "disputed") if f'class="claim {s}" title=' in html}
        assert shown == expected, article_id


def test_build_stamp_covers_code_and_models_not_pages(tmp_path, monkeypatch):
    package = tmp_path / "storyline"
    shutil.copytree(Path(pipeline.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    original = pipeline.fingerprint(package)
    (package / "web" / "app.py").write_text((package / "web" / "app.py").read_text() + "\n# a page change\n")
    assert pipeline.fingerprint(package) == original  # showing a build differently does not make it stale
    model = package / "data" / "align_model.json"
    model.write_text(model.read_text() + " ")
    changed_model = pipeline.fingerprint(package)
    assert changed_model != original
    (package / "summarize.py").write_text((package / "summarize.py").read_text() + "\n# a code change\n")
    assert pipeline.fingerprint(package) not in (original, changed_model)

    options = load_options()
    stamp = pipeline.build_stamp(["a1", "a2"], options)
    assert stamp == pipeline.build_stamp(["a1", "a2"], options)
    monkeypatch.setattr(pipeline, "code_fingerprint", lambda: "another release")
    assert pipeline.build_stamp(["a1", "a2"], options) != stamp


def test_a_build_made_by_other_code_is_rebuilt_when_read(stored, tmp_path, monkeypatch):
    db = str(tmp_path / "copy.db")
    shutil.copy(stored, db)
    story_id = next(iter(sizes(db)))
    builds = []
    real_align = align.align_story
    monkeypatch.setattr(align, "align_story", lambda *a, **k: builds.append(1) or real_align(*a, **k))
    api.show(story_id, db=db)
    assert builds == []
    monkeypatch.setattr(pipeline, "code_fingerprint", lambda: "another release")
    api.show(story_id, db=db)
    api.show(story_id, db=db)
    assert builds == [1]  # stale once, then stored again under the new stamp


def test_check_drop_builds_from_the_command_line(stored, tmp_path):
    db = str(tmp_path / "copy.db")
    shutil.copy(stored, db)
    stories = sizes(db)
    done = subprocess.run([sys.executable, "-m", "storyline.cli", "check", "--db", db, "--drop-builds"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert f"dropped {len(stories)} story builds" in done.stderr
    store = Store.open(db)
    try:
        assert all(store.story_build_marker(s) is None for s in stories)
    finally:
        store.close()
    shown = subprocess.run([sys.executable, "-m", "storyline.cli", "show", next(iter(stories)), "--db", db],
                           capture_output=True, text=True)
    assert shown.returncode == 0 and shown.stdout.strip()


def test_kept_pages_are_gzipped_once_for_clients_that_take_it(stored):
    assert accepts_gzip("gzip, deflate, br") and accepts_gzip("br;q=1.0, gzip;q=0.5") and accepts_gzip("*")
    assert not accepts_gzip("identity") and not accepts_gzip("gzip;q=0") and not accepts_gzip("")
    story_ids = sizes(stored)
    biggest = max(story_ids, key=lambda s: len(story_ids[s]))
    client = TestClient(create_app(stored), base_url="http://127.0.0.1")
    plain = client.get(f"/api/stories/{biggest}", headers={"Accept-Encoding": "identity"})
    packed = client.get(f"/api/stories/{biggest}", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in plain.headers and packed.headers["content-encoding"] == "gzip"
    assert packed.json() == plain.json() and packed.headers["vary"] == "Accept-Encoding"
    assert packed.num_bytes_downloaded < len(plain.content) / 3
    assert packed.headers["etag"] != plain.headers["etag"]  # different bytes, different validators


def test_build_marker_follows_the_build_and_the_history_on_both_stores(db_url):
    from storyline.model import Story, StoryChange

    store = Store.open(db_url)
    try:
        assert store.story_build_marker("s1") is None
        store.save_story_build(Story(id="s1", title="Fire", article_ids=("a1",)), "stamp-1")
        store.save_story_build(Story(id="s2", title="Flood", article_ids=("a2",)), "stamp-2")
        assert store.story_build_marker("s1") == ("stamp-1", 0, "")
        store.save_story_build(Story(id="s1", title="Fire", article_ids=("a1", "a3")), "stamp-3")
        assert store.story_build_marker("s1") == ("stamp-3", 0, "")
        change = StoryChange(version=1, at="2026-01-02T03:04:05+00:00", kind="article_joined", text="a3 joined")
        store.add_story_version("s1", {"articles": ["a1", "a3"]}, [change])
        assert store.story_build_marker("s1") == ("stamp-3", 1, change.at)  # the history is part of the page
        assert store.drop_story_builds(["s1", "nope"]) == 1
        assert store.story_build_marker("s1") is None and store.story_build_marker("s2") is not None
    finally:
        store.close()


def test_a_process_keeps_a_bounded_number_of_articles(stored):
    from storyline.web.cache import Stories

    story_ids = sorted(sizes(stored), key=lambda s: -len(sizes(stored)[s]))[:2]
    reads: list[str] = []

    def read(story_id: str):
        reads.append(story_id)
        return api.show(story_id, db=stored)

    roomy = Stories(stored, load_options(), read)
    for story_id in [*story_ids, *story_ids]:
        assert roomy.get(story_id).analysis.stories[0].id == story_id
    assert reads == story_ids  # each read once, then kept
    reads.clear()
    tight = Stories(stored, load_options(), read, kept=1)  # room for less than one story: only the latest kept
    for story_id in [*story_ids, *story_ids]:
        tight.get(story_id)
    assert reads == [*story_ids, *story_ids]
    tight.get(story_ids[1])
    assert len(reads) == 4  # the latest is always kept


def test_concurrent_readers_of_a_missing_build_wait_for_one_build(stored, tmp_path, monkeypatch):
    import threading

    from storyline.web.cache import Stories

    db = str(tmp_path / "copy.db")
    shutil.copy(stored, db)
    story_id = max(sizes(db), key=lambda s: len(sizes(db)[s]))
    store = Store.open(db)
    store.drop_story_builds()
    store.close()
    builds = []
    real_align = align.align_story
    monkeypatch.setattr(align, "align_story", lambda *a, **k: builds.append(1) or real_align(*a, **k))
    kept = Stories(db, load_options(), lambda s: api.show(s, db=db))
    start = threading.Barrier(8)
    got = []

    def reader() -> None:
        start.wait()
        got.append(kept.get(story_id))

    threads = [threading.Thread(target=reader) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 8 and len(builds) == 1  # one built it, seven waited and read it
    assert len({id(entry) for entry in got}) == 1


def test_story_lists_are_made_once_per_store_generation_with_etags(stored, tmp_path, monkeypatch):
    db = str(tmp_path / "copy.db")
    shutil.copy(stored, db)
    searches: list[tuple] = []
    real_list = Store.list_stories
    monkeypatch.setattr(Store, "list_stories", lambda self, *a, **k: searches.append(a) or real_list(self, *a, **k))
    client = TestClient(create_app(db), base_url="http://127.0.0.1")

    first = client.get("/")
    again = client.get("/")
    assert first.status_code == again.status_code == 200 and again.text == first.text and len(searches) == 1
    assert first.headers["etag"] == again.headers["etag"] and first.headers["content-encoding"] == "gzip"
    plain = client.get("/", headers={"Accept-Encoding": "identity"})
    assert plain.text == first.text and plain.headers["etag"] != first.headers["etag"] and len(searches) == 1
    unchanged = client.get("/", headers={"If-None-Match": first.headers["etag"]})
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert unchanged.headers["x-content-type-options"] == "nosniff"  # the guard's headers on a 304 too

    found = client.get("/", params={"q": "fire"})
    assert found.status_code == 200 and found.headers["etag"] != first.headers["etag"] and len(searches) == 2
    listed = client.get("/api/stories", params={"q": "fire"})
    assert listed.headers["content-type"] == "application/json" and len(searches) == 3  # JSON apart from the page
    assert [s["id"] for s in listed.json()["stories"]] == [r.id for r in real_list(Store.open(db), "fire")]
    assert client.get("/api/stories", params={"q": "fire"}).json() == listed.json() and len(searches) == 3

    before = {s["id"]: s["articles"] for s in client.get("/api/stories").json()["stories"]}
    api.ingest([str(LATE)], db=db)  # another process writes: every kept list is stale
    after = {s["id"]: s["articles"] for s in client.get("/api/stories").json()["stories"]}
    assert sum(after.values()) == sum(before.values()) + 1
    moved = client.get("/", headers={"If-None-Match": first.headers["etag"]})
    assert moved.status_code == 200 and moved.headers["etag"] != first.headers["etag"]
    fresh = TestClient(create_app(db), base_url="http://127.0.0.1").get("/")  # a new process renders the same
    assert moved.text == fresh.text
