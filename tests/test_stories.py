from __future__ import annotations

import math

import numpy as np
import pytest

from storyline import stories
from storyline.model import Article, ClaimMention, DateMention, Mention
from storyline.pipeline import Batch, Pipeline
from storyline.settings import load_options
from storyline.store import Store, StoryRow

from .conftest import EXAMPLES, PARIS, needs_shared


def article(aid: str, text: str, people: tuple[str, ...] = (), places: tuple[str, ...] = (),
            dates: tuple[str, ...] = (), numbers: tuple[str, ...] = ()) -> Article:
    mentions = tuple(Mention(p, "PERSON", 0, 1) for p in people) + tuple(Mention(p, "GPE", 0, 1) for p in places)
    return Article(id=aid, path=f"{aid}.txt", outlet=None, title=None, author=None, published=None, text=text,
                   removed=(), origin=aid, content_hash=aid, mentions=mentions,
                   dates=tuple(DateMention(d, d, "DATE", 0, 1) for d in dates),
                   claims=(ClaimMention(text, 0, len(text), numbers=numbers),))


def row(keys: set[str], vector: np.ndarray, size: int = 1) -> StoryRow:
    return StoryRow(id="s1", title="", size=size, first_date=None, last_date=None, centroid=vector,
                    entity_keys={k: size for k in keys}, updated_at="")


def test_shipped_model_covers_every_feature_and_reads_its_threshold():
    model = stories.load_model()
    assert len(model.weights) == len(stories.FEATURES) and all(math.isfinite(w) for w in model.weights)
    assert 0 < model.threshold < 1 and model.lead_claims >= 1
    used = dict(zip(stories.FEATURES, model.weights, strict=True))  # each feature's share of the trees' splits
    # what the data taught: text alike, words alike and the story's people named all bear on the decision
    assert used["cosine"] > 0 and used["words"] > 0 and used["story_person_in_article"] > 0


def test_exported_trees_score_like_a_model():
    model = stories.load_model()
    low = model.probability(np.zeros(len(stories.FEATURES)))
    high = model.probability(np.ones(len(stories.FEATURES)) - np.isin(
        np.array(stories.FEATURES), ["person_clash", "org_clash", "place_clash", "number_clash", "year_clash",
                                     "date_gap", "latest_gap"]))
    assert 0 <= low < model.threshold < high <= 1  # nothing shared: a new story; everything shared: join


def test_shipped_model_moves_each_feature_only_its_one_way():
    """More shared names or words never lower the probability; a clash or a wider date gap never raises it."""
    model = stories.load_model()
    rng = np.random.default_rng(0)
    for values in rng.random((200, len(stories.FEATURES))):
        base = model.probability(values)
        for i, name in enumerate(stories.FEATURES):
            direction = stories.DIRECTION.get(name, 1)
            if direction:
                moved = values.copy()
                moved[i] = min(1.0, moved[i] + 0.5)
                assert direction * (model.probability(moved) - base) >= -1e-12, name


def test_main_person_of_the_article_against_the_story_s():
    """Who an article is mostly about, against who the story's members are mostly about."""
    vector = np.ones(4) / 2
    first = article("a", "Jackson was arrested. Jackson said he is innocent.", people=("Vincent Jackson", "Jackson"))
    same = article("b", "Jackson was arrested on Tuesday.", people=("Jackson", "Jackson", "Williams"))
    other = article("c", "Williams was arrested; a month ago Jackson was.", people=("Williams", "Williams", "Jackson"))
    story = row(stories.story_keys(first), vector, size=2)
    idf = {"": 2.0}
    f_same = dict(zip(stories.FEATURES, stories.features(vector, stories.story_keys(same), story, idf), strict=True))
    f_other = dict(zip(stories.FEATURES, stories.features(vector, stories.story_keys(other), story, idf),
                       strict=True))
    assert f_same["main_person_share"] == 1 and f_same["main_person_top"] == 1
    assert f_other["main_person_share"] == 0 and f_other["main_person_top"] == 0
    assert f_other["story_person_in_article"] == 1  # the other names the story's man, but as background
    assert f_same["lead_person_core"] == 1 and f_other["lead_person_core"] == 0


def test_head_keys_name_who_the_headline_and_opening_are_about():
    """The one arrested now is in the headline and the opening; the one arrested before only further down."""
    text = "Williams was arrested on Sunday. " + "The team said little. " * 20 + "Jackson was arrested last month."
    mentions = (Mention("Jamal Williams", "PERSON", 0, 8), Mention("Vincent Jackson", "PERSON", text.index("Jackson"),
                                                                   text.index("Jackson") + 7))
    a = Article(id="a", path="a.txt", outlet=None, title="Chargers lineman Williams arrested", author=None,
                published=None, text=text, removed=(), origin="a", content_hash="a", mentions=mentions)
    keys = stories.story_keys(a)
    assert "head:person:williams" in keys and "head:person:jackson" not in keys
    assert "person:jackson" in keys  # still a name the article shares with the earlier story
    titled = Article(id="b", path="b.txt", outlet=None, title="Jackson arrested again", author=None, published=None,
                     text=text, removed=(), origin="b", content_hash="b", mentions=mentions)
    assert "head:person:jackson" in stories.story_keys(titled)  # named in the headline: about him too


def test_keys_type_names_keep_people_by_surname_and_the_latest_year():
    a = article("a", "Quake hits the coast.", people=("Ilse Varga-Kovács",), places=("Chile",),
                dates=("2010-02-27", "1960"), numbers=("8.8 magnitude",))
    keys = stories.story_keys(a)
    assert {"person:kovacs", "place:chile", "date:2010-02-27", "latest:2010", "num:8.8 magnitude",
            "main:person:kovacs", "w:quake"} <= keys


def test_features_tell_a_sister_event_from_the_same_event():
    """Same kind of happening, other time, place and people: every event-specific feature drops."""
    vector = np.ones(4) / 2
    told = article("a", "A strong earthquake struck Chile on Saturday.", people=("Bachelet",), places=("Chile",),
                   dates=("2010-02-27",), numbers=("8.8 magnitude",))
    same = article("b", "An earthquake struck Chile, killing hundreds.", people=("Bachelet",), places=("Chile",),
                   dates=("2010-02-27",), numbers=("8.8 magnitude",))
    sister = article("c", "A strong earthquake struck Haiti on Tuesday.", people=("Preval",), places=("Haiti",),
                     dates=("2010-01-12",), numbers=("7.0 magnitude",))
    story = row(stories.story_keys(told), vector)
    idf = {"": 2.0}
    f_same = dict(zip(stories.FEATURES, stories.features(vector, stories.story_keys(same), story, idf), strict=True))
    f_sister = dict(zip(stories.FEATURES, stories.features(vector, stories.story_keys(sister), story, idf),
                        strict=True))
    assert f_same["cosine"] == f_sister["cosine"]  # the text vector alone cannot tell them apart
    assert f_same["place_clash"] == 0 and f_sister["place_clash"] == 1
    assert f_same["person_covered"] == 1 and f_sister["person_clash"] == 1
    assert f_same["date_shared"] == 1 and f_sister["date_gap"] > 0 and f_same["date_gap"] == 0
    assert f_same["number_covered"] == 1 and f_sister["number_clash"] == 1
    model = stories.load_model()
    assert model.probability(stories.features(vector, stories.story_keys(same), story, idf)) > \
        model.probability(stories.features(vector, stories.story_keys(sister), story, idf))


def test_settings_threshold_overrides_the_learned_one():
    model = stories.load_model()
    assert stories.threshold(load_options(), model) == model.threshold
    assert stories.threshold(load_options(story_threshold="0.99"), model) == 0.99


def _partition(inputs: list[str]) -> set[frozenset[str]]:
    store = Store.open(":memory:")
    try:
        Pipeline(load_options(), store).ingest(inputs)
        by_hash = {a.id: a.content_hash for a in store.articles()}
        return {frozenset(by_hash[a] for a in store.story_article_ids(s.id)) for s in store.stories()}
    finally:
        store.close()


@needs_shared(PARIS)
def test_batch_order_does_not_change_the_stories():
    files = sorted(str(p) for p in PARIS.glob("0*.txt")) + sorted(str(p) for p in EXAMPLES.iterdir())
    forward = _partition(files)
    backward = _partition(files[::-1])
    assert forward == backward
    assert any(len(s) == 5 for s in forward)  # the five paris-summit reports stay one story


@pytest.mark.parametrize("threshold", [0.0, 1.01])
def test_threshold_extremes_join_everything_or_nothing(threshold):
    vector = np.ones(384, dtype=np.float32) / math.sqrt(384)
    store = Store.open(":memory:")
    arts = [article(f"x{i}", f"Report number {i} about the bridge.", places=("Lisbon",)) for i in range(3)]
    for a in arts:
        store.add_article(a, set(), vector, np.zeros((0, 384), dtype=np.float32), keys=stories.story_keys(a))
    Pipeline(load_options(story_threshold=threshold), store).step_stories(Batch(inputs=[]))
    assert len(store.stories()) == (1 if threshold == 0.0 else 3)


def test_a_model_file_for_other_features_is_a_named_error(tmp_path):
    from storyline.errors import ModelUnavailable

    path = tmp_path / "model.json"
    path.write_text('{"features": ["cosine"], "weights": [1.0], "bias": 0, "threshold": 0.5, "lead_claims": 3}')
    with pytest.raises(ModelUnavailable):
        stories.load_model(path)


def test_kept_rarities_give_the_features_of_reading_every_key_afresh():
    """Placement keeps rarities per store generation and a story's word norm on its row; the features must be
    exactly those of reading every key's count for this one placement, and move when an article is stored."""
    store = Store.open(":memory:")
    vector = np.ones(384, dtype=np.float32) / math.sqrt(384)
    texts = [("Quake hits the coast of Chile near Concepcion.", ("Bachelet",), ("Chile",)),
             ("Chile counts the dead after the quake.", ("Bachelet",), ("Chile",)),
             ("Floods cover the delta of Bangladesh.", ("Hasina",), ("Bangladesh",)),
             ("Rescuers reach the flooded delta villages.", ("Hasina",), ("Bangladesh",))]
    arts = [article(f"a{i}", text, people=people, places=places) for i, (text, people, places) in enumerate(texts)]
    for i, a in enumerate(arts[:3]):
        store.add_article(a, set(), vector, np.zeros((0, 384), dtype=np.float32), keys=stories.story_keys(a))
        store.save_story(stories.started(f"s{i + 1}", "", vector, stories.story_keys(a), None))

    def fresh(keys: set[str], candidates: list[StoryRow]) -> dict[str, float]:
        wanted = set(keys).union(*(set(c.entity_keys) for c in candidates))
        return stories.idf_from(store.key_frequencies(wanted), store.count_articles(), wanted)

    keys = stories.story_keys(arts[1])
    for _ in range(2):  # the second time from what was kept: the word norms on the rows, the rarities
        candidates = store.story_candidates(None, 10)
        kept = stories.idf_for(store, keys, candidates)
        for story in candidates:
            assert np.array_equal(stories.features(vector, keys, story, kept),
                                  stories.features(vector, keys, story, fresh(keys, candidates)))
    assert kept["w:quake"] == pytest.approx(math.log(4 / 2.5))  # 3 stored articles, 2 with the word
    store.add_article(arts[3], set(), vector, np.zeros((0, 384), dtype=np.float32), keys=stories.story_keys(arts[3]))
    moved = stories.idf_for(store, keys, store.story_candidates(None, 10))
    assert moved.generation != kept.generation and moved["w:quake"] == pytest.approx(math.log(5 / 2.5))
    store.close()
