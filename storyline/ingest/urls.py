"""http(s) URLs: fetched with a timeout, a size cap, redirects and a User-Agent."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import urlparse

from ..errors import FetchFailed, HttpStatus, InputError
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


@dataclass(frozen=True)
class Fetched:
    """One HTTP answer to a (possibly conditional) GET, for callers that poll: the watch loop."""

    status: int  # 200, or 304 when the validators sent still match
    url: str  # after redirects
    body: bytes
    content_type: str
    etag: str | None
    last_modified: str | None
    retry_after: str | None = None  # from a 429/503, as sent


def fetch_conditional(url: str, options: Options, etag: str | None = None,
                      last_modified: str | None = None) -> Fetched:
    """GET with If-None-Match / If-Modified-Since, the same limits as fetch_url; 304 is an answer, not an error.

    Raises FetchFailed for other failures; a 429/503 carries its Retry-After on the error (retry_after).
    """
    headers = {"User-Agent": options.user_agent,
               "Accept": "application/rss+xml,application/atom+xml,text/html,application/xml,*/*"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=options.fetch_timeout) as response:
            body = response.read(options.fetch_max_bytes + 1)
            status, final_url, answer = response.status, response.geturl(), response.headers
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Fetched(304, exc.geturl() or url, b"", "", exc.headers.get("ETag") or etag,
                           exc.headers.get("Last-Modified") or last_modified)
        retry_after = exc.headers.get("Retry-After") if exc.headers else None
        raise HttpStatus(url, f"HTTP {exc.code} {exc.reason}", status=exc.code, retry_after=retry_after) from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchFailed(url, f"no answer ({reason})") from exc
    if len(body) > options.fetch_max_bytes:
        raise FetchFailed(url, f"response larger than {options.fetch_max_bytes:,} bytes (setting fetch_max_bytes)")
    return Fetched(status, final_url, body, answer.get("Content-Type", ""), answer.get("ETag"),
                   answer.get("Last-Modified"))


def read_fetched(path: str, fetched: Fetched, options: Options) -> Result:
    """The documents in a fetched body, read as fetch_url reads them."""
    from .files import read_bytes_input

    match = _CHARSET.search(fetched.content_type)
    return read_bytes_input(path, fetched.body, _suffix_for(fetched.content_type, fetched.url), options,
                            url=fetched.url, declared_charset=match.group(1) if match else None)
