"""JSON and JSONL article records (input contract v1)."""

from __future__ import annotations

import json
import re
from typing import Any

from ..errors import BadRecord, InputError, TooDeep
from ..model import RawDocument
from .html import read_html

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")
# A bracket outside a string, or a whole string (skipped in one step, brackets inside it included).
_JSON_TOKEN = re.compile(r'[\[\]{}]|"[^"\\]*(?:\\.[^"\\]*)*"')
_STRING_FIELDS = ("id", "url", "title", "outlet", "author", "published", "language", "text", "html")

Result = tuple[list[RawDocument], list[InputError]]


def json_depth(text: str) -> int:
    """How deeply the JSON text nests, found without parsing it (so without recursion)."""
    depth = deepest = 0
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "]}":
            depth -= 1
    return deepest


def loads(path: str, text: str, max_depth: int, line: int | None = None) -> Any:
    """json.loads with a nesting limit: a deep document is a skipped input, never a RecursionError."""
    deepest = json_depth(text) if text.count("[") + text.count("{") > max_depth else 0
    if deepest > max_depth:
        raise TooDeep(path, f"JSON nested {deepest:,} deep, more than the limit of {max_depth} "
                            "(setting max_json_depth)", line=line)
    try:
        return json.loads(text)
    except RecursionError as exc:  # the limit is set above what the parser handles
        raise TooDeep(path, "JSON nested too deeply to read (setting max_json_depth)", line=line) from exc


def read_json(path: str, text: str, max_depth: int = 64) -> Result:
    try:
        data = loads(path, text, max_depth)
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


def read_jsonl(path: str, text: str, max_depth: int = 64) -> Result:
    docs: list[RawDocument] = []
    errors: list[InputError] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = loads(path, line, max_depth, line=number)
        except json.JSONDecodeError as exc:
            errors.append(BadRecord(path, f"invalid JSON ({exc.msg} at column {exc.colno})", line=number))
            continue
        except TooDeep as error:
            errors.append(error)
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
