"""storyline check: finds what a stopped run or an older version left wrong, and repairs it (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections import Counter

import numpy as np

from storyline import api
from storyline.cli import main
from storyline.model import Article, Mention
from storyline.store import Store, StoryRow
from storyline.stories import story_keys


def _article(i: int, name: str) -> Article:
    return Article(id=f"a{i}", path=f"a{i}.txt", outlet="Out", title=f"{name} story {i}", author=None,
                   published="2025-02-17", text=f"{name} said something on Monday, number {i}.", removed=(),
                   origin=f"a{i}", content_hash=f"h{i}",
                   mentions=(Mention(name, "PERSON", 0, len(name), None),))


def _vector(seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=8).astype(np.float32)
    return v / np.linalg.norm(v)


def test_check_finds_and_repairs_a_broken_store(db_url, capsys):
    store = Store.open(db_url)
    for i, name in enumerate(["Ada Lovelace", "Ada Lovelace", "Alan Turing", "Grace Hopper"]):
        store.add_article(_article(i, name), {i}, _vector(i % 3), np.zeros((0, 8)), keys={name.lower()})
    store.save_story(StoryRow("s1", "ghost", 3, None, None, _vector(0), {}, ""))  # size 3, no articles
    store.set_story("a3", "s9")  # placed in a story that does not exist
    store.replace_key_counts({"ada lovelace": 7})  # counts left partial by an old version
    store.close()

    found = api.check(db=db_url, repair=False)
    assert not found.ok and found.repaired == ()
    text = " | ".join(found.problems)
    assert "3 articles in no story" in text and "1 articles placed in a story that does not exist" in text
    assert "size is not their number of articles" in text and "story-key counts" in text
    assert main(["check", "--db", db_url, "--no-repair"]) == 1  # reported, nothing changed
    assert "problem:" in capsys.readouterr().err

    fixed = api.check(db=db_url)
    assert fixed.ok and fixed.repaired
    after = api.check(db=db_url, repair=False)
    assert after.problems == () and after.articles == 4
    store = Store.open(db_url)
    assert store.count_unplaced() == 0 and store.count_pending() == 0
    assert {sid for sid, *_ in store.story_size_mismatches()} == set()
    assert all(store.story_of(f"a{i}") for i in range(4))
    expected: Counter[str] = Counter()
    for article in store.articles():
        expected.update(story_keys(article))
    assert store.all_key_counts() == dict(expected)  # recounted from the stored articles
    assert sum(s.size for s in store.stories()) == 4
    store.close()
    assert main(["check", "--db", db_url]) == 0


def test_check_rebuilds_stories_keyed_by_an_older_version(db_url):
    # an older version kept untyped names and no words on its stories: new articles could never match them
    store = Store.open(db_url)
    for i in range(2):
        article = _article(i, "Ada Lovelace")
        store.add_article(article, {i}, _vector(0), np.zeros((0, 8)), keys=story_keys(article))
        store.set_story(f"a{i}", "s1")
    store.save_story(StoryRow("s1", "old", 2, "2025-02-17", "2025-02-17", _vector(0), {"ada lovelace": 2}, ""))
    store.close()
    found = api.check(db=db_url, repair=False)
    assert found.problems == ("1 stories whose story keys are not those of their articles",)
    assert api.check(db=db_url).repaired and api.check(db=db_url, repair=False).problems == ()
    store = Store.open(db_url)
    expected = Counter(k for i in range(2) for k in story_keys(store.articles([f"a{i}"])[0]))
    assert store.story("s1").entity_keys == dict(expected) and "person:lovelace" in expected
    store.close()
