"""Story history: diffs between hand-built snapshots, and versions kept in a real store (SQLite and PostgreSQL)."""

from __future__ import annotations

from storyline.history import diff
from storyline.model import StoryChange
from storyline.store import SourceState, Store


def snap(articles: dict[str, str], claims: list[tuple[str, str, str, list[str], list[str], list[tuple[str, str]]]]):
    """articles: id -> outlet; claims: (id, text, status, origins, conflicts, sources)."""
    return {"articles": {a: {"outlet": o, "title": f"title of {a}"} for a, o in articles.items()},
            "claims": [{"id": i, "text": t, "status": s, "origins": o, "conflicts": c, "sources": [list(x) for x in src]}
                       for i, t, s, o, c, src in claims]}


NINE = ("a1", "Nine workers were taken to hospital.")
SHUT = ("a1", "The plant will stay shut.")
BEFORE = snap({"a1": "Wire", "a2": "Copy"}, [
    ("c1", NINE[1], "single_source", ["a1"], [], [NINE, ("a2", NINE[1])]),
    ("c2", SHUT[1], "single_source", ["a1"], [], [SHUT]),
])


def test_first_version_is_one_started_change():
    changes = diff(None, BEFORE, 1, "2025-10-14T10:00:00+00:00")
    assert [c.kind for c in changes] == ["story_started"]
    assert changes[0].outlets == ("Wire", "Copy") and "2 articles" in changes[0].text
    assert "0 corroborated, 2 single-source" in changes[0].text


def test_new_origin_corroborates_another_disputes_and_brings_a_claim():
    after = snap({"a1": "Wire", "a2": "Copy", "a3": "Post"}, [
        ("c1", NINE[1], "corroborated", ["a1", "a3"], [], [NINE, ("a2", NINE[1]), ("a3", "Nine went to hospital.")]),
        ("c2", SHUT[1], "disputed", ["a1"], ["c3"], [SHUT]),
        ("c3", "The plant reopens on Monday.", "disputed", ["a3"], ["c2"], [("a3", "The plant reopens on Monday.")]),
        ("c4", "The mayor wants answers.", "single_source", ["a3"], [], [("a3", "The mayor wants answers.")]),
    ])
    changes = diff(BEFORE, after, 2, "2025-10-15T10:00:00+00:00")
    kinds = {c.kind: c for c in changes}
    assert changes[0].kind == "article_joined" and set(kinds) == {"article_joined", "corroborated", "disputed",
                                                                   "new_claim"}
    assert kinds["article_joined"].outlets == ("Post",) and kinds["article_joined"].version == 2
    assert kinds["corroborated"].outlets == ("Post",) and kinds["corroborated"].before == "single_source"
    assert "Post independently reports" in kinds["corroborated"].text
    assert kinds["disputed"].outlets == ("Post",) and "The plant will stay shut" in kinds["disputed"].text
    # c3 is disputed too but new: reported once as a new claim, not as a status change
    new = [c for c in changes if c.kind == "new_claim"]
    assert {c.claim for c in new} == {"The plant reopens on Monday.", "The mayor wants answers."}


def test_third_origin_and_dropped_claim():
    middle = snap({"a1": "Wire", "a3": "Post"}, [
        ("c1", NINE[1], "corroborated", ["a1", "a3"], [], [NINE, ("a3", "Nine went.")]),
        ("c2", SHUT[1], "single_source", ["a1"], [], [SHUT]),
    ])
    after = snap({"a1": "Wire", "a3": "Post", "a4": "Radio"}, [
        ("c1", NINE[1], "corroborated", ["a1", "a3", "a4"], [], [NINE, ("a3", "Nine went."), ("a4", "Nine hurt.")]),
    ])
    changes = diff(middle, after, 3, "t")
    assert [c.kind for c in changes] == ["article_joined", "new_origin", "dropped"]
    assert changes[1].outlets == ("Radio",) and "3 independent origins" in changes[1].text
    assert changes[2].claim == SHUT[1] and changes[2].before == "single_source"


def test_versions_and_watch_state_in_the_store(db_url):  # SQLite and PostgreSQL
    store = Store.open(db_url)
    assert store.story_last_snapshot("s1") == (0, None)
    started = diff(None, BEFORE, 1, "2025-10-14T10:00:00+00:00")
    assert store.add_story_version("s1", BEFORE, started) == 1
    later = [StoryChange(version=2, at="2025-10-15T10:00:00+00:00", kind="article_joined", text="Post joined",
                         outlets=("Post",), article_ids=("a3",))]
    assert store.add_story_version("s1", BEFORE, later) == 2
    assert store.story_changes("s1") == [*started, *later]  # tuples survive the JSON round trip
    assert store.stories_changed_since("2025-10-15T00:00:00+00:00") == [("s1", "2025-10-15T10:00:00+00:00")]
    assert store.stories_changed_since("2025-10-16") == []
    assert [c.kind for _, c in store.recent_story_changes(story_ids=["s1"])] == ["article_joined", "story_started"]
    assert store.recent_story_changes(story_ids=[]) == []
    store.save_watch_state(SourceState("https://x.example/feed", etag='"1"', polls=1))
    store.save_watch_state(SourceState("https://x.example/feed", etag='"2"', polls=2))
    assert store.watch_state("https://x.example/feed").etag == '"2"' and len(store.watch_states()) == 1
    store.mark_items_seen("https://x.example/feed", [("id:1", None), ("id:2", "a9")])
    assert store.seen_items("https://x.example/feed", ["id:1", "id:3"]) == {"id:1"}
    assert store.seen_items("https://other.example/", ["id:1"]) == set()
    store.close()
