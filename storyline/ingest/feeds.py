"""RSS 2.0 and Atom feeds: one article per item, full content where the feed has it."""

from __future__ import annotations

import html as htmlmod
import re
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

from ..errors import BadFeed, InputError
from ..model import RawDocument

_ATOM = "{http://www.w3.org/2005/Atom}"
_CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
_DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
_DC_DATE = "{http://purl.org/dc/elements/1.1/}date"
_DOCTYPE = re.compile(r"<!DOCTYPE|<!ENTITY", re.I)
_TAGS = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</(p|div|h[1-6]|li|blockquote)>|<br\s*/?>", re.I)

Result = tuple[list[RawDocument], list[InputError]]


def read_feed(path: str, text: str) -> Result:
    if _DOCTYPE.search(text[:4096]):
        # entity declarations are how XML bombs work; real feeds do not need them
        raise BadFeed(path, "feed declares a DOCTYPE or entities, refused")
    try:
        root = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as exc:
        raise BadFeed(path, f"not a well-formed XML feed ({exc})") from exc
    if root.tag == "rss" or root.find("channel") is not None:
        return _rss(path, root)
    if root.tag == f"{_ATOM}feed":
        return _atom(path, root)
    raise BadFeed(path, f"XML root <{root.tag}> is neither RSS nor Atom")


def html_to_text(fragment: str) -> str:
    fragment = _BLOCK_END.sub("\n\n", fragment)
    return htmlmod.unescape(_TAGS.sub("", fragment)).strip()


def _date(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    try:
        return parsedate_to_datetime(value).isoformat()
    except (TypeError, ValueError):
        return value if re.match(r"^\d{4}-\d{2}-\d{2}", value) else None


def _rss(path: str, root: ET.Element) -> Result:
    channel = root.find("channel")
    outlet = (channel.findtext("title") if channel is not None else None) or None
    docs: list[RawDocument] = []
    errors: list[InputError] = []
    for number, item in enumerate(root.iter("item"), start=1):
        body = item.findtext(_CONTENT) or item.findtext("description") or ""
        text = html_to_text(body)
        if not text:
            errors.append(BadFeed(path, "feed item has no content or description", line=number))
            continue
        docs.append(RawDocument(
            path=path, text=text, url=(item.findtext("link") or "").strip() or None,
            title=(item.findtext("title") or "").strip() or None, outlet=outlet,
            author=(item.findtext(_DC_CREATOR) or item.findtext("author") or "").strip() or None,
            published=_date(item.findtext("pubDate") or item.findtext(_DC_DATE)), line=number,
            id=(item.findtext("guid") or "").strip() or None,
        ))
    if not docs and not errors:
        errors.append(BadFeed(path, "feed has no items"))
    return docs, errors


def _atom(path: str, root: ET.Element) -> Result:
    outlet = (root.findtext(f"{_ATOM}title") or "").strip() or None
    docs: list[RawDocument] = []
    errors: list[InputError] = []
    for number, entry in enumerate(root.iter(f"{_ATOM}entry"), start=1):
        body = entry.findtext(f"{_ATOM}content") or entry.findtext(f"{_ATOM}summary") or ""
        text = html_to_text(body)
        if not text:
            errors.append(BadFeed(path, "feed entry has no content or summary", line=number))
            continue
        link = entry.find(f"{_ATOM}link")
        author = entry.find(f"{_ATOM}author")
        docs.append(RawDocument(
            path=path, text=text, url=link.get("href") if link is not None else None,
            title=(entry.findtext(f"{_ATOM}title") or "").strip() or None, outlet=outlet,
            author=(author.findtext(f"{_ATOM}name") or "").strip() or None if author is not None else None,
            published=_date(entry.findtext(f"{_ATOM}published") or entry.findtext(f"{_ATOM}updated")),
            line=number, id=(entry.findtext(f"{_ATOM}id") or "").strip() or None,
        ))
    if not docs and not errors:
        errors.append(BadFeed(path, "feed has no entries"))
    return docs, errors
