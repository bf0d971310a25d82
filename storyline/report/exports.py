"""Exports for other tools: a story's claim x outlet matrix as CSV, its briefing as Markdown, story changes as Atom."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

from ..model import Analysis, Story, StoryChange
from . import markdown
from .views import story_view

ATOM = "http://www.w3.org/2005/Atom"
# A spreadsheet runs a cell that starts with one of these as a formula; article text is untrusted.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def matrix_csv(analysis: Analysis, story: Story) -> str:
    """One row per claim (most origins first): id, status, origins, text, reason, then 1/0 per outlet."""
    view = story_view(analysis, story)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["claim_id", "status", "origins", "claim", "reason", *(_cell(o) for o in view.outlets)])
    for claim, row in view.matrix:
        writer.writerow([claim.id, claim.status, len(claim.origins), _cell(claim.text), _cell(claim.reason),
                         *(1 if hit else 0 for hit in row)])
    return out.getvalue()


def briefing_markdown(analysis: Analysis, story: Story) -> str:
    """The story's Markdown briefing (coverage, disputes, timeline, people, sources) as one document."""
    lines = markdown.render_story(story_view(analysis, story))
    if story.changes:
        lines += ["### What changed", ""]
        lines += [f"- {c.at[:16].replace('T', ' ')} {markdown.escape(c.text)}" for c in story.changes]
        lines.append("")
    return "\n".join(lines)


@dataclass(frozen=True)
class FeedEntry:
    story_id: str
    story_title: str
    change: StoryChange


def changes_atom(entries: Sequence[FeedEntry], base_url: str, title: str, self_path: str) -> str:
    """An Atom feed with one entry per story change, newest first, linking to the story page."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")

    def add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    add(feed, "title", title)
    add(feed, "id", base_url + self_path)
    add(feed, "link", rel="self", href=base_url + self_path)
    add(feed, "updated", entries[0].change.at if entries else "1970-01-01T00:00:00+00:00")
    author = add(feed, "author")
    add(author, "name", "storyline")
    for entry in entries:
        change = entry.change
        item = add(feed, "entry")
        add(item, "title", f"{entry.story_title}: {change.text}")
        add(item, "id", f"{base_url}/stories/{entry.story_id}#v{change.version}-{change.kind}-{change.claim_id or ''}"
                        f"-{'-'.join(change.article_ids)}")
        add(item, "link", href=f"{base_url}/stories/{quote(entry.story_id)}?since={quote(change.at)}")
        add(item, "updated", change.at)
        add(item, "category", term=change.kind)
        add(item, "summary", change.text)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"
