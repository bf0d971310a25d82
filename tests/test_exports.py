"""Exports: the claim x outlet CSV, the Markdown briefing and the Atom feed of changes."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest

from storyline.model import Analysis, Article, Claim, Story, StoryChange
from storyline.report.exports import ATOM, FeedEntry, briefing_markdown, changes_atom, matrix_csv
from storyline.report.views import story_view


def tiny() -> Analysis:
    articles = tuple(Article(id=i, path=f"{i}.txt", outlet=o, title=f"T {i}", author=None, published="2025-10-14",
                             text="x", removed=(), origin=i, content_hash=i) for i, o in (("a1", "Wire"), ("a2", "Post")))
    claims = (Claim(id="c1", text="=HYPERLINK(\"http://evil\")", status="single_source", article_ids=("a2",),
                    conflicts_with=(), origins=("a2",), reason="only one origin"),
              Claim(id="c2", text="Nine went to hospital.", status="corroborated", article_ids=("a1", "a2"),
                    conflicts_with=(), origins=("a1", "a2"), reason="two origins"))
    change = StoryChange(version=2, at="2025-10-15T09:00:00+00:00", kind="corroborated", text="Now corroborated *x*",
                         claim_id="c2", claim="Nine went to hospital.", before="single_source", after="corroborated",
                         outlets=("Post",), article_ids=("a2",))
    story = Story(id="s1", title="Fire", article_ids=("a1", "a2"), claims=claims, changes=(change,))
    return Analysis(articles=articles, stories=(story,))


def test_matrix_csv_rows_columns_and_no_formulas():
    analysis = tiny()
    rows = list(csv.reader(io.StringIO(matrix_csv(analysis, analysis.stories[0]))))
    assert rows[0] == ["claim_id", "status", "origins", "claim", "reason", "Wire", "Post"]
    assert rows[1][:3] == ["c2", "corroborated", "2"] and rows[1][5:] == ["1", "1"]
    assert rows[2][0] == "c1" and rows[2][5:] == ["0", "1"]
    assert rows[2][3].startswith("'=")  # a spreadsheet shows it, never runs it


def test_briefing_markdown_has_the_changes():
    analysis = tiny()
    text = briefing_markdown(analysis, analysis.stories[0])
    assert text.startswith("## Fire") and "### What changed" in text
    assert "2025-10-15 09:00 Now corroborated \\*x\\*" in text


def test_atom_feed_is_valid_xml_with_escaped_text():
    analysis = tiny()
    story = analysis.stories[0]
    evil = StoryChange(version=3, at="2025-10-16T09:00:00+00:00", kind="new_claim", text="<script>x</script> & co")
    xml = changes_atom([FeedEntry("s1", story.title, evil), FeedEntry("s1", story.title, story.changes[0])],
                       "http://127.0.0.1:8750", "storyline: changes", "/feeds/changes.atom")
    root = ET.fromstring(xml)
    entries = root.findall(f"{{{ATOM}}}entry")
    assert root.tag == f"{{{ATOM}}}feed" and len(entries) == 2
    assert entries[0].findtext(f"{{{ATOM}}}title") == "Fire: <script>x</script> & co"
    assert "<script>" not in xml
    link = entries[1].find(f"{{{ATOM}}}link").get("href")
    assert link == "http://127.0.0.1:8750/stories/s1?since=2025-10-15T09%3A00%3A00%2B00%3A00"
    assert len({e.findtext(f"{{{ATOM}}}id") for e in entries}) == 2


@pytest.mark.slow
def test_matrix_matches_the_story_view(example_analysis):
    story = example_analysis.stories[0]
    rows = list(csv.reader(io.StringIO(matrix_csv(example_analysis, story))))
    view = story_view(example_analysis, story)
    assert rows[0][5:] == list(view.outlets) and len(rows) == len(story.claims) + 1
    assert {r[1] for r in rows[1:]} == {"corroborated", "single_source", "disputed"}
