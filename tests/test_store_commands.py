"""Every command on a PostgreSQL store, as on SQLite: ingest, stories, show, check, analyze --db, the web API."""

from __future__ import annotations

import json

import pytest

from storyline.cli import main
from storyline.store import Store
from tests.conftest import EXAMPLES

pytestmark = pytest.mark.slow


def test_every_command_works_on_postgresql(pg_url, tmp_path, capsys):
    assert main(["ingest", str(EXAMPLES), "--db", pg_url, "-q"]) == 0
    assert main(["ingest", str(EXAMPLES), "--db", pg_url]) == 0  # idempotent: all unchanged
    assert "0 added, 7 unchanged" in capsys.readouterr().err
    assert main(["stories", "--db", pg_url]) == 0
    listed = capsys.readouterr().out.splitlines()
    biggest = max(listed, key=lambda line: int(line.split("\t")[1].split()[0]))
    story_id = biggest.split("\t")[0]
    assert int(biggest.split("\t")[1].split()[0]) >= 4  # the fire, told by most outlets
    out = tmp_path / "story.json"
    assert main(["show", story_id, "--db", pg_url, "--format", "json", "-o", str(out)]) == 0
    shown = json.loads(out.read_text())
    assert shown["stories"][0]["id"] == story_id and len(shown["stories"][0]["claims"]) > 3
    assert main(["check", "--db", pg_url]) == 0
    assert "7 articles" in capsys.readouterr().err
    assert main(["analyze", str(EXAMPLES / "01-northgate-wire.txt"), "--db", pg_url, "-o", str(tmp_path / "a.json")]) == 0

    from fastapi.testclient import TestClient

    from storyline.web.app import create_app

    client = TestClient(create_app(pg_url), base_url="http://127.0.0.1")
    found = client.get("/api/stories", params={"q": "fire plant"}).json()
    assert story_id in json.dumps(found)
    store = Store.open(pg_url)
    assert store.dialect == "postgresql" and store.count_unplaced() == 0
    store.close()


def test_web_jobs_outlive_a_restart(tmp_path):
    """The web app's ingest jobs are rows in the store: a restarted server still answers for them, and a job
    a stopped server left running is reported failed instead of running forever."""
    import time

    from fastapi.testclient import TestClient

    from storyline.web.app import create_app

    db = str(tmp_path / "web.db")
    client = TestClient(create_app(db), base_url="http://127.0.0.1")
    text = (EXAMPLES / "01-northgate-wire.txt").read_text()
    job = client.post("/api/articles", json=[{"id": "w1", "title": "Fire", "text": text}]).json()
    deadline = time.monotonic() + 300
    while (state := client.get(job["status_url"]).json())["state"] not in ("done", "failed"):
        assert time.monotonic() < deadline
        time.sleep(0.5)
    assert state["state"] == "done" and state["added"] == ["w1"]
    store = Store.open(db)
    store.save_job("stale", "running", step="analyze")  # as a server killed mid-job leaves it
    store.close()

    restarted = TestClient(create_app(db), base_url="http://127.0.0.1")
    again = restarted.get(job["status_url"]).json()
    assert again["state"] == "done" and again["added"] == ["w1"] and again["stories"] == state["stories"]
    stale = restarted.get("/api/jobs/stale").json()
    assert stale["state"] == "failed" and "stopped" in stale["error"]
    assert restarted.get("/api/jobs/nope").status_code == 404


def test_story_builds_are_stored_and_rebuilt_only_when_their_articles_change(tmp_path, monkeypatch):
    from storyline import align, api
    from storyline.pipeline import Pipeline, build_stamp
    from storyline.settings import load_options

    db = str(tmp_path / "b.db")
    files = sorted(EXAMPLES.iterdir())
    other = tmp_path / "harbour.txt"  # another event, so that one story is left alone by the second ingest
    other.write_text("Harbour road closed by flooding\n\nThe coastal town of Wenmouth closed its harbour road on "
                     "Tuesday 3 March 2020 after a storm surge flooded the quay. The harbour master, Ines Okafor, "
                     "said the road would reopen once engineers had checked the sea wall.\n")
    late = files[-2]  # a report of the fire, which other files also report: it joins a stored story later
    api.ingest([str(f) for f in files if f != late] + [str(other)], db=db)  # the ingest builds the stories it touches
    store = Store.open(db)
    before = {s.id: store.story_article_ids(s.id) for s in store.stories()}
    options = load_options()
    assert all(store.story_build(sid, build_stamp(ids, options)) for sid, ids in before.items())
    store.close()

    calls = []
    real_align = align.align_story
    monkeypatch.setattr(align, "align_story", lambda *a, **k: calls.append(1) or real_align(*a, **k))
    biggest = max(before, key=lambda s: len(before[s]))
    shown = api.show(biggest, db=db)
    assert calls == [] and shown.stories[0].article_ids == tuple(before[biggest])  # read, not rebuilt

    api.ingest([str(late)], db=db)  # new articles: only the stories whose articles changed are rebuilt
    store = Store.open(db)
    after = {s.id: store.story_article_ids(s.id) for s in store.stories()}
    changed = [sid for sid in after if after[sid] != before.get(sid)]
    assert 1 <= len(changed) < len(after) and len(calls) == len(changed)
    pipeline = Pipeline(options, store)
    for sid in after:
        assert pipeline.story(sid).article_ids == tuple(after[sid])
    assert len(calls) == len(changed)
    fresh = pipeline.build_story(changed[0], after[changed[0]])
    assert pipeline.story(changed[0]).claims == fresh.claims  # the stored build is what a rebuild gives
    store.close()
