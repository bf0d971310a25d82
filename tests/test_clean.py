"""Cleaning: boilerplate out and kept in `removed`, metadata from the text, broken lines joined."""

from __future__ import annotations

import pytest

from storyline.clean import clean_document, clean_documents
from storyline.model import RawDocument

from .conftest import PARIS, needs_shared


def clean(text: str, **given):
    return clean_document(RawDocument(path="t.txt", text=text, **given))


def test_consent_player_translation_and_tail_are_removed():
    text = """Our Privacy Statement & Cookie Policy

By continuing to browse our site you agree to our use of cookies.

I agree

Harbour reopens after storm closes port for a week

Ann Lee in Lisbon

Translating...

Error loading player: No playable sources found
01:12

The port of Lisbon reopened on Friday after a storm closed it for a week, the harbour authority said.

Ships queued outside the breakwater overnight.

Related
Storm damage in pictures
Fishing fleet counts losses"""
    c = clean(text)
    assert c.title == "Harbour reopens after storm closes port for a week"
    assert c.author == "Ann Lee"
    assert c.text == ("The port of Lisbon reopened on Friday after a storm closed it for a week, the harbour "
                      "authority said.\n\nShips queued outside the breakwater overnight.")
    for junk in ("I agree", "Translating...", "01:12", "Related", "Fishing fleet counts losses"):
        assert junk in c.removed


def test_repeated_caption_is_removed_but_body_sentence_kept():
    caption = "The mayor, seen here at the quay, opened the new terminal on Monday. /Jo Park/Harbour Times"
    body = "Meanwhile, the mayor opened the new terminal on Monday and promised more ferries."
    c = clean(f"First paragraph of the story about ferries.\n\n{caption}\n{caption}\n\n{body}")
    assert body in c.text and caption not in c.text
    assert c.removed.count(caption) == 2


def test_sentence_broken_across_lines_is_joined():
    text = ("The summit, hosted by the mayor, included the ministers of finance, transport and the\n\n"
            "interior, along with the head of the port authority.\n\nA second paragraph follows here.")
    c = clean(text)
    assert "transport and the interior, along with" in c.text
    assert c.text.count("\n\n") == 1


def test_heading_is_not_joined_to_the_next_paragraph():
    c = clean("Ferry Services Resume Across the Bay Area After Long Storm Closure\nIntroduction\n"
              "The ferries are back on Monday after a week of storms.")
    assert c.title.startswith("Ferry Services")
    assert c.text.startswith("Introduction\n\nThe ferries")


def test_metadata_lines_publication_and_update():
    c = clean("## Port reopens\n\nPublished on February 17, 2025\n\nDocument Date: Sun, Nov 16 2025 06:43:04 pm\n\n"
              "Category: ,English,News\n\nUpdated 18:25, 18-Feb-2025\n\nThe port reopened on Monday after repairs.")
    assert c.published == "2025-02-17" and c.title == "Port reopens"
    assert c.text == "The port reopened on Monday after repairs."


def test_update_date_is_never_the_publication_date():
    c = clean("Port reopens\n\n, Updated 18:25, 18-Feb-2025\n\nThe port reopened on Monday after repairs at the quay.")
    assert c.published is None


def test_given_fields_win_and_bad_given_date_is_dropped():
    c = clean("Published on March 3, 2024\n\nBody text that says something.", outlet="Given", published="2024-03-04")
    assert c.outlet == "Given" and c.published == "2024-03-04"


def test_donation_appeal_block_and_outlet_from_it():
    c = clean("The council voted on Tuesday to close the bridge.\n\nA Message from The Valley Star:\nDear readers,\n"
              "Please support us monthly with a contribution.\nRemind me later.")
    assert c.text == "The council voted on Tuesday to close the bridge."
    assert c.outlet == "The Valley Star" and len(c.removed) == 4


def test_outlet_template_lines_across_articles_are_removed():
    docs = [RawDocument(path=f"{i}.txt", outlet="Harbour Times",
                        text=f"Story number {i} tells what happened at the quay today.\n\nListen to our harbour podcast every week")
            for i in range(4)]
    cleaned = clean_documents(docs)
    assert all("podcast" not in c.text for c in cleaned)
    assert all("Listen to our harbour podcast every week" in c.removed for c in cleaned)


@needs_shared(PARIS)
@pytest.mark.parametrize("name, title, outlet, author, published", [
    ("000", "European Leaders Convene in Paris to Address Security Crisis Amid U.S.-Russia Negotiations", None, None, None),
    ("001", None, "The Moscow Times", None, "2025-02-17"),
    ("002", None, None, None, None),
    ("003", "Europe scrambles in Paris as Trump's Putin talks sideline NATO allies", "CGTN", "Sarah Coates", None),
    ("004", "European Leaders meet in Paris as Trump accelerates Ukraine-Russia peace push", "RKI Network", None,
     "2025-02-17"),
])
def test_paris_summit_metadata(name, title, outlet, author, published):
    path = next(PARIS.glob(f"{name}_*.txt"))
    c = clean(path.read_text())
    assert (c.title, c.outlet, c.author, c.published) == (title, outlet, author, published)


@needs_shared(PARIS)
def test_paris_summit_boilerplate_gone_and_body_intact():
    junk = ["Cookie Policy", "I agree", "Translating", "automatically generated", "Error loading player", "00:59",
            "/Abdul Saboor/Reuters", "Search Trends", "Dear readers", "Remind me later", "Document Date",
            "Category:", "Click Here", "Updated 18:25", "date 2025-02-17"]
    for path in sorted(PARIS.glob("0*.txt")):
        raw = path.read_text()
        c = clean(raw)
        for j in junk:
            assert j not in c.text, (path.name, j)
        # every body sentence survives: all words of the raw text are in the text, the removed pieces or metadata
        kept = " ".join([c.text, *c.removed, c.title or ""])
        for word in set(raw.replace("#", " ").replace("*", " ").split()):
            assert word in kept, (path.name, word)
    rki = clean(next(PARIS.glob("004_*.txt")).read_text())
    assert "Polish Prime Minister Donald Tusk" in rki.text and "NATO Secretary General Mark Rutte" in rki.text
    cgtn = clean(next(PARIS.glob("003_*.txt")).read_text())
    assert "Meanwhile, UK Prime Minister Sir Keir Starmer is set to meet President Trump" in cgtn.text


def test_a_url_line_above_the_text_is_its_address_not_its_title():
    # some corpora keep the page's address as the first line, tokenised with spaces around its punctuation
    text = ("http: / / news. example. org / world / 2011 - 05 - 02 - bridge - closes _ N. htm\n"
            "Old river bridge closes after inspection finds cracks\n"
            "Posted 5 / 2 / 2011 10: 15 AM\n"
            "The city closed the old river bridge on Monday after inspectors found cracks in two of its piers.\n")
    doc = clean(text)
    assert doc.title == "Old river bridge closes after inspection finds cracks"
    assert doc.url == "http://news.example.org/world/2011-05-02-bridge-closes_N.htm"
    assert "http" not in doc.text
    # a sentence that merely starts with the scheme's letters is kept
    assert clean("HTTP traffic doubled last year, the operator said.\n").text.startswith("HTTP traffic")


def test_address_and_date_lines_are_metadata_and_sentence_lines_stay_apart():
    """A page address is not the headline, a date-only line is a dateline, and in a text laid out one
    sentence a line an unpunctuated headline or standfirst is never glued to the sentence after it."""
    text = """http: / / www. example. com / news / 2011 / ferry - sinks - harbour
Ferry sinks in Lisbon harbour, crew rescued
on Feb. 04, 2011
Forty passengers were taken off a ferry before it sank in Lisbon harbour on Thursday.
The second accident at the port this winter
The harbour authority said the crew of six had been rescued by a tug.
Divers will inspect the wreck on Friday, the authority said.
Ships were told to keep clear of the channel until the wreck is marked."""
    c = clean(text)
    assert c.title == "Ferry sinks in Lisbon harbour, crew rescued"
    assert "http" not in c.text and "Feb. 04" not in c.text
    assert c.published == "2011-02-04"
    paragraphs = c.text.split("\n\n")
    assert "The second accident at the port this winter" in paragraphs
    assert paragraphs[0].startswith("Forty passengers")
