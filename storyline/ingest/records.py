"""JSON and JSONL article records (input contract v1)."""

from __future__ import annotations

import json
import re
from typing import Any

from ..errors import BadRecord, InputError
from ..model import RawDocument
from .html import read_html

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")
_STRING_FIELDS = ("id", "url", "title", "outlet", "author", "published", "language", "text", "html")

Result = tuple[list[RawDocument], list[InputError]]


def read_json(path: str, text: str) -> Result:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadRecord(path, f"invalid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from exc
    items = data if isinstance(data, list) else [data]
    docs: list[RawDocument] = []
    errors: list[InputError] = []
    for number, item in enumerate(items, start=1):
        line = number if isinstance(data, list) else None
        try:
            docs.append(record(path, item, line))
        except InputError as error:
            errors.append(error)
    if not items:
        errors.append(BadRecord(path, "JSON list holds no article"))
    return docs, errors


def read_jsonl(path: str, text: str) -> Result:
    docs: list[RawDocument] = []
    errors: list[InputError] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(BadRecord(path, f"invalid JSON ({exc.msg} at column {exc.colno})", line=number))
            continue
        try:
            docs.append(record(path, item, number))
        except InputError as error:
            errors.append(error)
    return docs, errors


def record(path: str, item: Any, line: int | None) -> RawDocument:
    """One article object; given fields win over what extraction would find."""
    if not isinstance(item, dict):
        raise BadRecord(path, f"record is a JSON {type(item).__name__}, not an object", line=line)
    for name in _STRING_FIELDS:
        if item.get(name) is not None and not isinstance(item[name], str):
            raise BadRecord(path, f"field {name!r} must be a string", line=line)
    text, page = item.get("text"), item.get("html")
    if not (text and text.strip()) and not (page and page.strip()):
        raise BadRecord(path, "record has neither 'text' nor 'html'", line=line)
    published = item.get("published")
    if published is not None and not _ISO_DATE.match(published.strip()):
        raise BadRecord(path, f"'published' is not an ISO 8601 date: {published!r}", line=line)
    given = {k: item.get(k) for k in ("id", "title", "outlet", "author", "published")}
    given["id"] = str(item["id"]) if item.get("id") is not None else None
    if text and text.strip():
        return RawDocument(path=path, text=text, url=item.get("url"), language=item.get("language"),
                           line=line, **given)
    return read_html(path, page or "", url=item.get("url"), line=line, **given)
