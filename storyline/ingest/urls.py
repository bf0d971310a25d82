"""http(s) URLs: fetched with a timeout, a size cap, redirects and a User-Agent."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from pathlib import PurePosixPath
from urllib.parse import urlparse

from ..errors import FetchFailed, InputError
from ..model import RawDocument
from ..settings import Options

_CHARSET = re.compile(r"charset=([\w.:-]+)", re.I)

Result = tuple[list[RawDocument], list[InputError]]


def is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def fetch_url(url: str, options: Options) -> Result:
    from .files import read_bytes_input  # files imports this module's siblings

    request = urllib.request.Request(url, headers={
        "User-Agent": options.user_agent, "Accept": "text/html,application/xml,application/json,text/plain,*/*",
    })
    try:
        with urllib.request.urlopen(request, timeout=options.fetch_timeout) as response:
            body = response.read(options.fetch_max_bytes + 1)
            content_type = response.headers.get("Content-Type", "")
            final_url = response.geturl()
    except urllib.error.HTTPError as exc:
        raise FetchFailed(url, f"HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchFailed(url, f"no answer ({reason})") from exc
    if len(body) > options.fetch_max_bytes:
        raise FetchFailed(url, f"response larger than {options.fetch_max_bytes:,} bytes (setting fetch_max_bytes)")
    match = _CHARSET.search(content_type)
    suffix = _suffix_for(content_type, final_url)
    return read_bytes_input(url, body, suffix, options, url=final_url,
                            declared_charset=match.group(1) if match else None)


def _suffix_for(content_type: str, url: str) -> str | None:
    kind = content_type.split(";")[0].strip().lower()
    if kind in ("text/html", "application/xhtml+xml"):
        return ".html"
    if kind in ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml"):
        return ".xml"
    if kind == "application/json":
        return ".json"
    if kind in ("application/x-ndjson", "application/jsonl"):
        return ".jsonl"
    if kind == "text/plain":
        return ".txt"
    suffix = PurePosixPath(urlparse(url).path).suffix.lower()
    return suffix or None
