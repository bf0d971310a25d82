"""The store: recorded migrations, real SQLite and a real PostgreSQL, round trips of analysed articles."""

from __future__ import annotations

import sqlite3
import threading

import numpy as np
import pytest

from storyline.errors import StoryNotFound, UnsupportedDatabase
from storyline.model import Article, ClaimMention, DateMention, Mention, QuoteMention, Skipped
from storyline.store import MIGRATIONS, Store, StoryRow, sqlite_path
from storyline.store.schema import Schema


def article(i: str = "a1", origin: str | None = None, text: str = "Leaders met on Monday.",
            title: str = "T") -> Article:
    return Article(id=i, path=f"{i}.txt", outlet="Out", title=title, author=None, published="2025-02-17",
                   text=text, removed=("I agree",), origin=origin or i, content_hash="h" + i,
                   dates=(DateMention("Monday", "2025-02-17", "DATE", 15, 21),),
                   mentions=(Mention("Olaf Scholz", "PERSON", 0, 5, "German Chancellor"),),
                   quotes=(QuoteMention("we will", "Olaf Scholz", True, 1, 3, "say"),),
                   claims=(ClaimMention("Leaders met on Monday.", 0, 22, ("3 %",), False, None),))


def test_migrations_are_recorded_and_idempotent(db_url):
    store = Store.open(db_url)
    assert store.migrations() == [name for name, _ in MIGRATIONS] and len(MIGRATIONS) >= 9
    store.close()
    again = Store.open(db_url if "://" in db_url else "sqlite:///" + db_url)
    assert again.migrate() == [] and len(again.migrations()) == len(MIGRATIONS)
    again.close()


def test_concurrent_openers_of_a_new_store_migrate_once(db_url):
    errors: list[BaseException] = []
    applied: list[list[str]] = []

    def open_one() -> None:
        try:
            store = Store.open(db_url)
            applied.append(store.migrations())
            store.close()
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert all(names == [n for n, _ in MIGRATIONS] for names in applied)


def test_article_round_trip_with_vectors_and_key_counts(db_url):
    store = Store.open(db_url)
    vec = np.ones(4, dtype=np.float32) / 2
    store.add_article(article(), {1, 2, 3, 2**62 + 7}, vec, np.eye(2, 4, dtype=np.float32), keys={"olaf scholz", "x"})
    back = store.articles(["a1"])[0]
    assert back == article()
    assert np.allclose(store.article_vector("a1"), vec)
    assert store.claim_vectors(["a1"])["a1"].shape == (2, 4)
    assert store.article_id_for_hash("ha1") == "a1" and store.count_articles() == 1
    store.add_article(article("a2"), {5}, vec, np.zeros((0, 4)), keys={"x"})
    # key counts are written with the article, in its transaction
    assert store.key_frequencies(["x", "olaf scholz", "none"]) == {"x": 2, "olaf scholz": 1}
    assert store.all_key_counts() == {"x": 2, "olaf scholz": 1}
    store.replace_key_counts({"x": 5})
    assert store.all_key_counts() == {"x": 5}
    assert store.people() == ["Olaf Scholz"] and store.outlets() == ["Out"]
    store.close()


def test_a_second_writer_of_the_same_text_or_id_is_told_inside_the_transaction(db_url):
    store = Store.open(db_url)
    assert store.add_article(article("a1"), {1}, np.ones(4), np.zeros((0, 4)), keys={"k"}) == "a1"
    # the same content again (another process won the race): nothing stored, nothing counted twice
    assert store.add_article(article("a1"), {2}, np.ones(4), np.zeros((0, 4)), keys={"k"}) is None
    assert store.count_articles() == 1 and store.all_key_counts() == {"k": 1}
    assert store.shingle_candidates({2}) == []
    # another text under a taken id: stored under the next free one, its own origin following it
    other = Article(**{**article("a1").__dict__, "content_hash": "other"})
    assert store.add_article(other, {3}, np.ones(4), np.zeros((0, 4))) == "a1~2"
    assert store.articles(["a1~2"])[0].origin == "a1~2"
    store.close()


def test_shingle_candidates_rank_by_overlap(db_url):
    store = Store.open(db_url)
    store.add_article(article("a1"), {1, 2, 3, 4}, np.ones(4), np.zeros((0, 4)))
    store.add_article(article("a2", origin="a1"), {9, 10}, np.ones(4), np.zeros((0, 4)))
    found = store.shingle_candidates({1, 2, 3, 10})
    assert [(a, o) for a, o, _ in found] == [("a1", "a1"), ("a2", "a1")]
    assert found[0][2] == {1, 2, 3, 4}
    store.close()


def test_story_candidates_use_the_date_window(db_url):
    store = Store.open(db_url)
    for sid, day in (("s1", "2025-01-01"), ("s2", "2025-02-15")):
        store.save_story(StoryRow(sid, "t", 1, day, day, np.ones(4, dtype=np.float32), {"paris": 1}, ""))
    store.save_story(StoryRow("s3", "undated", 1, None, None, np.ones(4, dtype=np.float32), {}, ""))
    assert [s.id for s in store.story_candidates("2025-02-17", 10)] == ["s3", "s2"]
    assert [s.id for s in store.story_candidates("2025-01-05", 4)] == ["s3", "s1"]
    assert [s.id for s in store.story_candidates("2025-13-99", 3)] == ["s3"]  # unreadable day: undated only
    assert store.new_story_id() == "s4"
    store.delete_story("s2")
    assert store.new_story_id() == "s5"  # ids are never handed out twice
    with pytest.raises(StoryNotFound):
        store.story("s9")
    store.close()


def test_a_story_saved_by_another_connection_is_read_afresh(db_url):
    # placement keeps the rows of its candidate list; a save anywhere gives the story a new stamp, so a kept
    # row is never served once its story changed, whoever changed it
    url = db_url if "://" in db_url else "sqlite:///" + db_url
    store, other = Store.open(url), Store.open(url)
    store.save_story(StoryRow("s1", "t", 1, "2025-02-15", "2025-02-15", np.ones(4, dtype=np.float32), {"a": 1}, ""))
    first = store.story_candidates("2025-02-17", 10)[0]
    assert first.entity_keys == {"a": 1} and first.stamp
    assert store.story_candidates("2025-02-17", 10)[0] is first  # unchanged: the kept row
    other.save_story(StoryRow("s1", "t", 2, "2025-02-15", "2025-02-16", np.ones(4, dtype=np.float32),
                              {"a": 2, "b": 1}, ""))
    again = store.story_candidates("2025-02-17", 10)[0]
    assert again.entity_keys == {"a": 2, "b": 1} and again.size == 2 and again.stamp != first.stamp
    assert store.story("s1").stamp == again.stamp
    # a row saved here is kept as it reads back: the float16 centroid, not the float32 given
    centroid = np.array([0.1, 0.2, 0.3, 0.4], dtype=np.float32)
    store.save_story(StoryRow("s1", "t", 3, "2025-02-15", "2025-02-16", centroid, {"a": 3}, ""))
    kept = store.story_candidates("2025-02-17", 10)[0]
    assert np.array_equal(kept.centroid, store.story("s1").centroid) and not np.array_equal(kept.centroid, centroid)
    with pytest.raises(RuntimeError), store.transaction():  # a save undone: its stamp never reads back
        store.save_story(StoryRow("s1", "t", 9, None, None, centroid, {"z": 1}, ""))
        raise RuntimeError("stop")
    assert store.story_candidates("2025-02-17", 10)[0].entity_keys == {"a": 3}
    store.close()
    other.close()


def test_key_generation_moves_with_the_stored_articles(db_url):
    store = Store.open(db_url)
    empty = store.key_generation()
    store.add_article(article("a1"), set(), np.ones(4), np.zeros((0, 4)), keys={"k"})
    stored = store.key_generation()
    assert stored != empty and store.key_generation() == stored  # reading does not move it
    with pytest.raises(RuntimeError), store.transaction():
        store.add_article(article("a2"), set(), np.ones(4), np.zeros((0, 4)), keys={"k"})
        raise RuntimeError("stop")
    # undone: the same number of articles, but what was read inside may be gone
    assert store.count_articles() == 1 and store.key_generation() != stored
    before = store.key_generation()
    store.replace_key_counts({"k": 4})
    assert store.key_generation() != before
    store.close()


def test_placement_bookkeeping(db_url):
    store = Store.open(db_url)
    store.add_article(article("a1"), set(), np.ones(4), np.zeros((0, 4)))
    store.add_article(article("a2"), set(), np.ones(4), np.zeros((0, 4)))
    assert store.next_unplaced() == "a1" and store.count_unplaced() == 2
    with store.transaction():
        store.set_story("a1", "s1")
        store.mark_pending("s1")
        store.mark_pending("s1")
    assert store.next_unplaced() == "a2" and store.next_pending() == "s1"
    store.mark_pending("s2")
    store.clear_pending("s1")
    assert store.next_pending() == "s2"
    with pytest.raises(RuntimeError), store.transaction():  # a transaction stopped half way is undone
        store.set_story("a2", "s2")
        raise RuntimeError("stopped")
    assert store.story_of("a2") is None and store.count_unplaced() == 1
    store.close()


def test_search_uses_words_dates_outlets_and_people(db_url):
    store = Store.open(db_url)
    store.add_article(article("a1", text="The summit in Paris ended with a joint statement."), set(), np.ones(4),
                      np.zeros((0, 4)))
    store.add_article(article("a2", text="Flooding closed the harbour road.", title="Storm"), set(), np.ones(4),
                      np.zeros((0, 4)))
    for sid, aid in (("s1", "a1"), ("s2", "a2")):
        store.save_story(StoryRow(sid, sid, 1, "2025-02-17", "2025-02-17", np.ones(4, dtype=np.float32), {}, ""))
        store.set_story(aid, sid)
    assert [s.id for s in store.search_stories("paris summit")] == ["s1"]
    assert [s.id for s in store.search_stories("summ")] == ["s1"]  # words match as prefixes
    assert [s.id for s in store.search_stories("HARBOUR storm")] == ["s2"]
    assert store.search_stories("paris harbour") == []  # every word must match one article
    assert store.search_stories('"; DROP TABLE articles; --') == []
    assert len(store.search_stories(None, date_from="2025-02-01", outlet="Out", person="scholz")) == 2
    assert store.search_stories(None, date_to="2025-01-01") == []
    store.close()


def test_the_list_shows_what_search_finds_in_the_same_order_without_decoding_keys(db_url):
    store = Store.open(db_url)
    texts = ["The summit in Paris ended.", "Flooding closed the harbour road.", "The summit in Rome began.",
             "A harbour strike in Paris.", "Nothing else happened."]
    for i, text in enumerate(texts, start=1):
        store.add_article(article(f"a{i}", text=text, title=f"T{i}"), set(), np.ones(4), np.zeros((0, 4)))
    # sizes tie (s1, s3) and differ, so the order (size, then age) is tested; s5 is left with no article
    for sid, size, aids in (("s1", 2, ["a1"]), ("s2", 3, ["a2", "a4"]), ("s3", 2, ["a3"]), ("s5", 9, [])):
        store.save_story(StoryRow(sid, sid.upper(), size, "2025-02-17", "2025-02-18", np.ones(4, dtype=np.float32),
                                  {"k": 1}, ""))
        for aid in aids:
            store.set_story(aid, sid)
    cases = [{}, {"text": "summit"}, {"text": "paris"}, {"text": "harb"}, {"text": "nothing"}, {"limit": 2},
             {"date_from": "2025-02-17", "outlet": "Out"}, {"outlet": "Elsewhere"}, {"person": "scholz", "limit": 1},
             {"text": "the", "date_to": "2025-03-01"}]
    for case in cases:
        full, listed = store.search_stories(**case), store.list_stories(**case)
        assert [(r.id, r.title, r.size, r.first_date, r.last_date, r.updated_at) for r in full] == \
               [(r.id, r.title, r.size, r.first_date, r.last_date, r.updated_at) for r in listed], case
    assert [r.id for r in store.list_stories()] == ["s2", "s1", "s3"]  # the largest first; s5 has no article
    assert [r.id for r in store.list_stories("paris")] == ["s2", "s1"]
    assert store.list_stories("nothing") == []  # a5 is in no story
    store.close()


def test_every_write_transaction_counts_the_generation_and_reads_do_not(db_url):
    store = Store.open(db_url)
    other = Store.open(db_url)  # another process's writes are seen too
    first = store.generation()
    store.list_stories("x")
    store.outlets()
    assert store.generation() == first
    other.add_article(article("a1"), set(), np.ones(4), np.zeros((0, 4)))
    second = store.generation()
    assert second > first
    with store.transaction():  # one transaction of several writes: one step
        store.set_story("a1", "s1")
        store.mark_pending("s1")
    assert store.generation() == second + 1
    with pytest.raises(RuntimeError), store.transaction():  # an undone transaction changes nothing
        store.clear_pending("s1")
        raise RuntimeError("stopped")
    assert other.generation() == second + 1
    store.close()
    other.close()


def test_jobs_are_kept(db_url):
    store = Store.open(db_url)
    store.save_job("j1", "running", step="analyze", done=1, total=3)
    store.save_job("j1", "done", result={"added": ["a1"], "stories": ["s1"]})
    store.save_job("j2", "running")
    assert store.job("j1")["state"] == "done" and store.job("j1")["added"] == ["a1"]
    assert store.fail_unfinished_jobs() == 1
    assert store.job("j2")["state"] == "failed" and store.job("j2")["error"]
    assert {j["id"] for j in store.jobs()} == {"j1", "j2"} and store.job("nope") is None
    store.close()


def test_skipped_are_kept(db_url):
    store = Store.open(db_url)
    store.record_skipped([Skipped("x.txt", "file is empty", "SL102"), Skipped("y.txt", "binary", "SL103", 4)])
    assert [(s.path, s.code, s.line) for s in store.skipped()] == [("x.txt", "SL102", None), ("y.txt", "SL103", 4)]
    store.close()


def test_an_old_sqlite_store_is_upgraded_in_place(tmp_path):
    """A store made by the five first migrations (before this version) gains the new ones and keeps its data."""
    path = tmp_path / "old.db"

    class Old(Store):
        pass

    old_migrations = MIGRATIONS[:5]
    store = Store.open.__func__(Old, ":memory:")  # type: ignore[attr-defined]
    store.close()
    from storyline.store import connection

    db = connection.Database.connect(str(path))
    old = Old(db, str(path))
    with db.transaction():
        db.execute("CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        for name, function in old_migrations:
            function(db)
            db.execute("INSERT INTO migrations VALUES (?, '2025-01-01')", (name,))
        db.execute("INSERT INTO articles (id, content_hash, path, text, removed, origin, analysis, seq, added_at)"
                   " VALUES ('a1', 'h', 'a1.txt', 'Harbour road closed', '[]', 'a1',"
                   " '{\"dates\": [], \"mentions\": [], \"quotes\": [], \"claims\": []}', 1, 'x')")
    old.close()
    upgraded = Store.open(str(path))
    assert upgraded.migrations() == [n for n, _ in MIGRATIONS]
    assert upgraded.next_unplaced() == "a1"
    upgraded.save_story(StoryRow("s1", "t", 1, None, None, np.ones(4, dtype=np.float32), {}, ""))
    upgraded.set_story("a1", "s1")
    assert [s.id for s in upgraded.search_stories("harbour")] == ["s1"]  # the search index was filled
    upgraded.close()
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert issubclass(Store, Schema)


def test_unknown_url_schemes_are_refused_cleanly():
    with pytest.raises(UnsupportedDatabase):
        sqlite_path("mysql://localhost/news")
    with pytest.raises(UnsupportedDatabase):
        Store.open("mysql://localhost/news")


def test_story_builds_round_trip_and_go_stale(db_url):
    from storyline.model import Claim, Entity, Event, Quote, Story, SummarySentence

    story = Story(id="s1", title="Fire", article_ids=("a1", "a2"),
                  entities=(Entity("e1", "Ada Lovelace", "PERSON", ("Ada",), ("mayor",), ("a1",), 3),),
                  quotes=(Quote("we will", "Ada", "e1", "a1", True, "q1"), Quote("maybe", None, None, "a2", False, "q2")),
                  events=(Event("2025-02-17", "Fire broke out", ("a1", "a2")),),
                  claims=(Claim("c1", "Two hurt", "disputed", ("a1",), ("c2",), ("a1",), "one says three",
                                (("a1", "Two were hurt."),)),),
                  summary=(SummarySentence("Fire broke out.", ("a1",)),))
    store = Store.open(db_url)
    assert store.story_build("s1", "stamp") is None
    store.save_story_build(story, "stamp")
    assert store.story_build("s1", "stamp") == story  # every nested tuple and optional comes back as it was
    assert store.story_build("s1", "another") is None  # built from other articles or settings: stale
    store.save_story_build(story, "another")
    assert store.story_build("s1", "another") == story
    assert store.drop_story_builds() == 1 and store.story_build("s1", "another") is None
    store.close()
