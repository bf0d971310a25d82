"""Web pages: main text and metadata through trafilatura, which is the reference extractor."""

from __future__ import annotations

import logging
import re
from typing import Any

from ..model import RawDocument

log = logging.getLogger(__name__)

_TAGS = re.compile(r"<[^>]+>")


def extract(page: str, url: str | None = None) -> dict[str, Any]:
    """Main text and metadata of one page: text, title, author, date, sitename, url."""
    import trafilatura  # imported here: loading it costs ~0.5 s and plain-text runs never need it

    doc = trafilatura.bare_extraction(
        page, url=url, with_metadata=True, include_comments=False, include_tables=True,
        favor_precision=True, as_dict=False,
    )
    if doc is None:
        return {"text": None}
    fields = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    return {
        "text": fields.get("text"),
        "title": fields.get("title"),
        "author": fields.get("author"),
        "date": fields.get("date"),
        "sitename": fields.get("sitename"),
        "url": fields.get("url"),
    }


def read_html(path: str, page: str, url: str | None = None, **given: Any) -> RawDocument:
    found = extract(page, url)
    text = found.get("text")
    if not text:
        # a page the extractor finds no body in still has words: keep them rather than lose the input
        text = _TAGS.sub(" ", page)
    return RawDocument(
        path=path,
        text=text,
        html=None,
        url=url or found.get("url"),
        title=given.get("title") or found.get("title"),
        outlet=given.get("outlet") or found.get("sitename"),
        author=given.get("author") or found.get("author"),
        published=given.get("published") or found.get("date"),
        id=given.get("id"),
        line=given.get("line"),
    )
