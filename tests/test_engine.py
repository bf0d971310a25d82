from __future__ import annotations

import os
import sqlite3

import pytest

import storyline
from storyline import engine, work
from storyline.errors import SettingError
from storyline.settings import load_options

from .conftest import EXAMPLES, SHARED, needs_shared

ECB = SHARED / "corpus" / "ecbplus-dev"


def _small_corpus() -> list[str]:
    # three topics of real news, plus the examples (JSON, HTML, XML inputs): enough for several chunks
    files = sorted(p for p in ECB.glob("*.txt") if p.name.split("_")[0] in {"12", "18", "1"})[:14]
    return [str(p) for p in files] + [str(EXAMPLES)]


def test_chunks_are_fixed_and_cover_every_item():
    items = list(range(10))
    assert engine.chunks(items, 4) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert engine.chunks([], 4) == []


def test_unknown_engine_is_a_setting_error():
    with pytest.raises(SettingError):
        engine.create(load_options(engine="spark"))


def test_one_worker_runs_in_this_process():
    assert isinstance(engine.create(load_options(workers=1)), engine.InProcess)
    assert isinstance(engine.create(load_options(workers=2)), engine.LocalPool)


def test_pool_returns_results_in_input_order_from_other_processes():
    pool = engine.LocalPool(load_options(), 2)
    try:
        pids = list(pool.map(_pid, list(range(12))))
    finally:
        pool.close()
    assert [i for i, _ in pids] == list(range(12))
    assert all(pid != os.getpid() for _, pid in pids)


def _pid(options, item):
    return item, os.getpid()


def test_a_worker_that_dies_loses_nothing(caplog):
    pool = engine.LocalPool(load_options(), 2)
    try:
        with caplog.at_level("WARNING", logger="storyline.engine"):
            results = list(pool.map(_dies_on_five, [(i, os.getpid()) for i in range(12)]))
    finally:
        pool.close()
    assert results == [i * i for i in range(12)]
    assert any("worker process died" in r.getMessage() for r in caplog.records)


def _dies_on_five(options, item):
    number, parent = item
    if number == 5 and os.getpid() != parent:
        os._exit(1)  # as a worker killed for memory would
    return number * number


@needs_shared(ECB)
def test_two_workers_give_the_same_analysis_as_one():
    inputs = _small_corpus()
    one = storyline.analyze(inputs, options=load_options(workers=1))
    two = storyline.analyze(inputs, options=load_options(workers=2))
    assert len(one.articles) >= 14 and len(one.stories) >= 2
    assert storyline.render(two, "json") == storyline.render(one, "json")


@needs_shared(ECB)
def test_vectors_of_a_chunk_do_not_depend_on_the_process(tmp_path):
    from storyline.model import Article

    text = (ECB / sorted(p.name for p in ECB.glob("*.txt"))[0]).read_text()
    article = Article(id="a", path="t", outlet=None, title="A headline", author=None, published="2025-02-17",
                      text=text, removed=(), origin="a", content_hash="h")
    options = load_options()
    analysed = work.analyse(options, [article])
    here = work.vectors(options, analysed)
    pool = engine.LocalPool(options, 2)
    try:
        there = next(iter(pool.map(work.vectors, [analysed] * 8)))
    finally:
        pool.close()
    assert analysed[0].claims
    assert (here[0][0] == there[0][0]).all() and (here[0][1] == there[0][1]).all()


def _stored(db) -> tuple[list, list]:
    with sqlite3.connect(db) as con:
        articles = con.execute("SELECT id, origin, analysis, vector, claim_vectors, story_id, seq FROM articles"
                               " ORDER BY seq").fetchall()
        stories = con.execute("SELECT id, title, size, first_date, last_date, centroid, entity_keys FROM stories"
                              " ORDER BY seq").fetchall()
    return articles, stories


@pytest.mark.slow
@needs_shared(ECB)
def test_ray_engine_stores_what_the_local_engine_stores(tmp_path):
    pytest.importorskip("ray")
    inputs = _small_corpus()
    local, ray = tmp_path / "local.db", tmp_path / "ray.db"
    storyline.ingest(inputs, db=str(local), options=load_options(workers=2))
    os.environ.pop("RAY_ADDRESS", None)
    storyline.ingest(inputs, db=str(ray), options=load_options(engine="ray", workers=2))
    local_rows, ray_rows = _stored(local), _stored(ray)
    assert len(local_rows[0]) >= 14 and local_rows[1]
    assert ray_rows == local_rows


@pytest.mark.slow
@needs_shared(ECB)
def test_story_builds_on_the_engine_stream_a_window_at_a_time_and_equal_in_process_builds(tmp_path):
    from storyline.pipeline import Pipeline
    from storyline.report.json import story_dict
    from storyline.store import Store

    db = str(tmp_path / "s.db")
    storyline.ingest(_small_corpus(), db=db, options=load_options(workers=1))
    store = Store.open(db)
    reference = Pipeline(load_options(workers=1), store)
    ids = [s.id for s in store.stories()]
    assert len(ids) >= 3
    expected = {story_id: story_dict(reference.story(story_id)) for story_id in ids}  # built here, and stored
    store.drop_story_builds()
    pipeline = Pipeline(load_options(workers=2), store)
    pipeline.build_window = 1
    list(pipeline.engine.map(_pid, list(range(16))))  # the workers are up, as analyze keeps the ingest's
    asked: list[int] = []
    real_map = pipeline.engine.map
    pipeline.engine.map = lambda task, items: asked.append(len(items)) or real_map(task, items)  # type: ignore
    try:
        results = pipeline.build_on_engine(ids)
        assert asked == []  # nothing is built before the caller asks for the first story
        first_id, first = next(results)
        assert asked == [1]  # one window handed to the workers, not every story
        assert store.story_build_marker(first_id) is not None  # stored as it came
        assert sum(store.story_build_marker(i) is not None for i in ids) == 1
        rest = list(results)
    finally:
        pipeline.close_engine()
    assert asked == [1] * len(ids)
    built = {first_id: first, **dict(rest)}
    assert sorted(built) == sorted(ids)
    assert {story_id: story_dict(story) for story_id, story in built.items()} == expected  # the same builds
    assert all(store.story_build_marker(i) is not None for i in ids)  # every build stored
    store.close()
