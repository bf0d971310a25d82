"""Fault injection on a real `storyline ingest`: SIGKILL at several points, Ctrl-C and SIGTERM, then a
re-run must leave the store exactly as an uninterrupted run does; concurrent writers (three ingests
and a serving web app) into one new store lose and duplicate nothing.

The kill points are named in storyline/faults.py (STORYLINE_FAULT=POINT:N[@SIGNAL]); each test first
checks the store really was left half done at that point, so a point that never fires fails the test.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from storyline import api
from storyline.store import Store
from tests.conftest import EXAMPLES, SHARED, needs_shared

ECB = SHARED / "corpus" / "ecbplus-dev"
pytestmark = [pytest.mark.slow, needs_shared(ECB)]


def _corpus(folder: Path) -> Path:
    """16 texts: the examples (one story across outlets, one single) and two ECB+ topics, 5 articles each."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted(EXAMPLES.iterdir()):
        shutil.copy(path, folder / path.name)
    for topic in ("12", "18"):
        for path in sorted(ECB.glob(f"{topic}_*.txt"))[:5]:
            shutil.copy(path, folder / path.name)
    return folder


def _ingest(inputs: list[str], db: str, fault: str | None = None, timeout: float = 900,
            workers: int = 1) -> subprocess.CompletedProcess:
    """One `storyline ingest`; one process unless told otherwise (the kill points are all in the main process,
    and 17 runs of this module must not load the models twice each on a shared machine)."""
    env = {k: v for k, v in os.environ.items() if k not in ("STORYLINE_FAULT", "STORYLINE_WORKERS")}
    env["STORYLINE_WORKERS"] = str(workers)
    if fault:
        env["STORYLINE_FAULT"] = fault
    # its own process group, as a service manager runs a job: a kill takes its worker processes too.
    # Output goes to files, not pipes: workers that outlive a killed run would hold a pipe open.
    with tempfile.TemporaryFile("w+") as out_file, tempfile.TemporaryFile("w+") as err_file:
        process = subprocess.Popen([sys.executable, "-m", "storyline.cli", "ingest", *inputs, "--db", db, "-q"],
                                   stdout=out_file, stderr=err_file, text=True, env=env, start_new_session=True)
        try:
            process.wait(timeout=timeout)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # workers a killed run left behind
            process.wait()
        out_file.seek(0)
        err_file.seek(0)
        out, err = out_file.read(), err_file.read()
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def _snapshot(db: str) -> dict:
    """Everything an ingest leaves: articles in order, their story, the stories, the key counts."""
    store = Store.open(db)
    try:
        articles = store.articles()
        return {
            "articles": [(a.id, a.origin, a.content_hash, a.title) for a in articles],
            "placements": {a.id: store.story_of(a.id) for a in articles},
            "stories": [(s.id, s.title, s.size, s.first_date, s.last_date, sorted(s.entity_keys.items()))
                        for s in store.stories()],
            "centroids": {s.id: s.centroid for s in store.stories()},
            "keys": store.all_key_counts(),
            "unplaced": store.count_unplaced(),
            "pending": store.count_pending(),
        }
    finally:
        store.close()


def _same(got: dict, want: dict) -> None:
    for key in ("articles", "placements", "stories", "keys", "unplaced", "pending"):
        assert got[key] == want[key], key
    assert got["centroids"].keys() == want["centroids"].keys()
    for story_id, centroid in want["centroids"].items():
        assert np.allclose(got["centroids"][story_id], centroid, atol=1e-3), story_id


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return _corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def uninterrupted(corpus, tmp_path_factory) -> dict:
    db = str(tmp_path_factory.mktemp("base") / "store.db")
    done = _ingest([str(corpus)], db)
    assert done.returncode == 0, done.stderr
    snapshot = _snapshot(db)
    assert len(snapshot["articles"]) >= 16 and snapshot["unplaced"] == 0 and snapshot["pending"] == 0
    assert len(snapshot["stories"]) >= 3
    return snapshot


# (fault, what the store must look like right after it, given the n articles of a whole run)
KILLS = {
    "step:embed": lambda s, n: len(s["articles"]) == 0,  # analysis done, nothing stored yet
    "store:6": lambda s, n: len(s["articles"]) == 6 and s["unplaced"] == 6,  # mid-store
    "placing:9": lambda s, n: len(s["articles"]) == n and s["unplaced"] == n - 8,  # inside the 9th placement
    "place:12": lambda s, n: s["unplaced"] == n - 12 and s["pending"] > 0,  # between placements
    "consolidate:2": lambda s, n: s["unplaced"] == 0 and s["pending"] > 0,  # mid-consolidation
}


@pytest.mark.parametrize("fault", list(KILLS))
def test_a_killed_ingest_is_finished_by_the_next_run(fault, corpus, uninterrupted, tmp_path):
    db = str(tmp_path / "store.db")
    # one run with the worker processes of a default run: the kill takes them with it (process group)
    killed = _ingest([str(corpus)], db, fault=fault, workers=0 if fault == "step:embed" else 1)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    left = _snapshot(db)
    assert KILLS[fault](left, len(uninterrupted["articles"])), {k: left[k] for k in ("unplaced", "pending")} | {"stored": len(left["articles"])}
    # key counts always match what is stored, even right after the kill
    assert api.check(db=db, repair=False).problems == () or left["unplaced"] or left["pending"]
    again = _ingest([str(corpus)], db)
    assert again.returncode == 0, again.stderr
    _same(_snapshot(db), uninterrupted)
    assert api.check(db=db, repair=False).problems == ()


@pytest.mark.parametrize("fault", ["store:4@SIGINT", "place:5@SIGTERM"])
def test_ctrl_c_and_sigterm_stop_cleanly_and_the_next_run_finishes(fault, corpus, uninterrupted, tmp_path):
    db = str(tmp_path / "store.db")
    stopped = _ingest([str(corpus)], db, fault=fault)
    assert stopped.returncode == 130 and "Traceback" not in stopped.stderr
    assert "interrupted" in stopped.stderr and "run the same command again" in stopped.stderr
    left = _snapshot(db)
    assert 0 < len(left["articles"]) and left["unplaced"] > 0
    again = _ingest([str(corpus)], db)
    assert again.returncode == 0, again.stderr
    _same(_snapshot(db), uninterrupted)


def test_sqlite_stays_sound_after_kills(tmp_path, corpus, uninterrupted):
    """A kill inside a transaction leaves the SQLite file as it was before it (WAL recovery)."""
    db = str(tmp_path / "store.db")
    assert _ingest([str(corpus)], db, fault="placing:3").returncode == -signal.SIGKILL
    store = Store.open(db)
    assert store.integrity_problems() == [] and store.count_unplaced() == len(uninterrupted["articles"]) - 2
    store.close()


# --- concurrent writers -------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def _post_json(url: str, payload: object) -> dict:
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def test_three_ingests_and_a_serving_web_app_write_one_new_store(db_url, tmp_path):
    """Three CLI ingests (one text given to all three) and a web upload job, all started together on a
    store that does not exist yet: every article stored once and placed, no error anywhere."""
    groups = []
    shared_text = sorted(ECB.glob("21_*.txt"))[0]
    for n, topic in enumerate(("12", "18", "2")):
        folder = tmp_path / f"g{n}"
        folder.mkdir()
        for path in sorted(ECB.glob(f"{topic}_*.txt"))[:5] + [shared_text]:
            shutil.copy(path, folder / path.name)
        groups.append(folder)
    web_texts = sorted(ECB.glob("5_*.txt"))[:3]
    port = _free_port()
    env = {**os.environ, "STORYLINE_WORKERS": "1"}  # four writers, each one process: the store is what is tested
    server = subprocess.Popen([sys.executable, "-m", "storyline.cli", "serve", "--db", db_url, "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    ingests = [subprocess.Popen([sys.executable, "-m", "storyline.cli", "ingest", str(g), "--db", db_url, "-q"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for g in groups]
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                _get(f"{base}/api/stories")
                break
            except OSError:
                assert server.poll() is None, server.communicate()[1]
                assert time.monotonic() < deadline, "web app did not start"
                time.sleep(0.5)
        job = _post_json(f"{base}/api/articles", [
            {"id": f"web{i}", "title": p.read_text().splitlines()[0][:80], "text": p.read_text()}
            for i, p in enumerate(web_texts)])
        outputs = [p.communicate(timeout=600) for p in ingests]
        for process, (_, err) in zip(ingests, outputs, strict=True):
            assert process.returncode == 0, err
            assert "Traceback" not in err and "error" not in err.lower()
        deadline = time.monotonic() + 300
        while (state := _get(f"{base}{job['status_url']}"))["state"] not in ("done", "failed"):
            assert time.monotonic() < deadline, state
            time.sleep(1)
        assert state["state"] == "done", state
        listed = _get(f"{base}/api/stories")
    finally:
        server.send_signal(signal.SIGINT)
        try:
            _, server_err = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            _, server_err = server.communicate()
    assert "Traceback" not in server_err, server_err
    store = Store.open(db_url)
    try:
        articles = store.articles()
        hashes = [a.content_hash for a in articles]
        assert len(hashes) == len(set(hashes)) == 3 * 5 + 1 + len(web_texts)  # the shared text stored once
        assert store.count_unplaced() == 0 and store.count_pending() == 0
        assert sum(s.size for s in store.stories()) == len(articles)
    finally:
        store.close()
    assert api.check(db=db_url, repair=False).problems == ()
    assert isinstance(listed, (list, dict))
