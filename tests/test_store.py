"""The store: recorded migrations, real SQLite, round trips of analysed articles."""

from __future__ import annotations

import numpy as np
import pytest

from storyline.errors import StoryNotFound, UnsupportedDatabase
from storyline.model import Article, ClaimMention, DateMention, Mention, QuoteMention, Skipped
from storyline.store import MIGRATIONS, Store, StoryRow, sqlite_path


def article(i: str = "a1", origin: str | None = None) -> Article:
    return Article(id=i, path=f"{i}.txt", outlet="Out", title="T", author=None, published="2025-02-17",
                   text="Leaders met on Monday.", removed=("I agree",), origin=origin or i, content_hash="h" + i,
                   dates=(DateMention("Monday", "2025-02-17", "DATE", 15, 21),),
                   mentions=(Mention("Olaf Scholz", "PERSON", 0, 5, "German Chancellor"),),
                   quotes=(QuoteMention("we will", "Olaf Scholz", True, 1, 3, "say"),),
                   claims=(ClaimMention("Leaders met on Monday.", 0, 22, ("3 %",), False, None),))


def test_migrations_are_recorded_and_idempotent(tmp_path):
    url = str(tmp_path / "x.db")
    store = Store.open(url)
    assert store.migrations()[:2] == ["001_initial", "002_key_frequencies"] and len(store.migrations()) == len(MIGRATIONS)
    store.close()
    again = Store.open("sqlite:///" + url)
    assert again.migrate() == [] and len(again.migrations()) == len(MIGRATIONS)


def test_article_round_trip_with_vectors():
    store = Store.open(":memory:")
    vec = np.ones(4, dtype=np.float32) / 2
    store.add_article(article(), {1, 2, 3}, vec, np.eye(2, 4, dtype=np.float32))
    back = store.articles(["a1"])[0]
    assert back == article()
    assert np.allclose(store.article_vector("a1"), vec)
    assert store.claim_vectors(["a1"])["a1"].shape == (2, 4)
    assert store.article_id_for_hash("ha1") == "a1" and store.count_articles() == 1


def test_shingle_candidates_rank_by_overlap():
    store = Store.open(":memory:")
    store.add_article(article("a1"), {1, 2, 3, 4}, np.ones(4), np.zeros((0, 4)))
    store.add_article(article("a2", origin="a1"), {9, 10}, np.ones(4), np.zeros((0, 4)))
    found = store.shingle_candidates({1, 2, 3, 10})
    assert [(a, o) for a, o, _ in found] == [("a1", "a1"), ("a2", "a1")]


def test_story_candidates_use_the_date_window():
    store = Store.open(":memory:")
    for sid, day in (("s1", "2025-01-01"), ("s2", "2025-02-15")):
        store.save_story(StoryRow(sid, "t", 1, day, day, np.ones(4, dtype=np.float32), {"paris": 1}, ""))
    assert [s.id for s in store.story_candidates("2025-02-17", 10)] == ["s2"]
    assert store.new_story_id() == "s3"
    store.delete_story("s2")
    assert store.new_story_id() == "s4"  # ids are never handed out twice
    with pytest.raises(StoryNotFound):
        store.story("s9")


def test_skipped_are_kept():
    store = Store.open(":memory:")
    store.record_skipped([Skipped("x.txt", "file is empty", "SL102")])
    assert store.skipped()[0].code == "SL102"


def test_postgres_url_is_refused_cleanly():
    with pytest.raises(UnsupportedDatabase):
        sqlite_path("postgresql://localhost/news")
