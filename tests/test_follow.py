"""Following across stories: the store's queries (SQLite and PostgreSQL) and how an entity is recognised."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from storyline.follow import matches
from storyline.model import Entity, Mention, StoryChange
from storyline.store import Store, StoryRow

from .test_store import article


def test_names_outlets_and_corroborations(db_url):
    store = Store.open(db_url)
    vec = np.ones(4, dtype=np.float32)
    wire = replace(article("w1"), outlet="Wire", mentions=(Mention("Tomás Brennan", "PERSON", 0, 5, "Chief"),))
    copy = replace(article("c1", origin="w1"), outlet="Courier", content_hash="hc1", published="2025-02-18",
                   mentions=(Mention("Brennan", "PERSON", 0, 5),))
    other = replace(article("o1"), outlet="Courier", content_hash="ho1", published="2025-02-16",
                    mentions=(Mention("Ruth Adeyemi", "PERSON", 0, 5),))
    for a in (wire, copy, other):
        store.add_article(a, set(), vec, np.zeros((0, 4)))
    for sid, members in (("s1", ("w1", "c1")), ("s2", ("o1",))):
        store.save_story(StoryRow(sid, f"story {sid}", len(members), "2025-02-17", "2025-02-17", vec, {}, ""))
        for m in members:
            store.set_story(m, sid)
    assert [r.id for r in store.stories_naming("Tomas Brennan")] == ["s1"]  # without the accent, too
    assert [r.id for r in store.stories_naming("brennan")] == ["s1"]
    assert store.stories_naming("100%_") == []  # LIKE wildcards in a name match themselves only
    assert store.name_forms("Brennan") == [("Brennan", "PERSON", 1), ("Tomás Brennan", "PERSON", 1)]
    courier = store.outlet_articles("Courier")
    assert [a["id"] for a in courier] == ["c1", "o1"]  # latest first
    assert courier[0]["origin_outlet"] == "Wire" and courier[1]["origin_outlet"] == "Courier"
    confirmed = StoryChange(version=2, at="2025-02-18T10:00:00+00:00", kind="corroborated", text="t",
                            before="single_source", after="corroborated", outlets=("Post",),
                            earlier_outlets=("Wire",))
    store.add_story_version("s1", {"articles": {}, "claims": []}, [confirmed])
    assert store.story_changes_of_kind(("corroborated",)) == [("s1", confirmed)]
    assert store.story_changes_of_kind(("disputed",)) == []
    store.close()


def test_an_entity_matches_its_name_aliases_and_parts():
    mayor = Entity(id="e1", name="Ilse Varga-Kovács", type="PERSON", aliases=("Varga-Kovács",), roles=("Mayor",),
                   article_ids=("a1",))
    assert matches(mayor, "Varga-Kovacs") and matches(mayor, "ilse varga-kovacs")
    assert not matches(mayor, "Tomas Brennan")
