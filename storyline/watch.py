"""Watching sources: feeds, pages and folders polled politely; what is new goes through the normal ingest.

Polite means: a conditional GET (ETag / Last-Modified) so an unchanged feed costs one small request,
a pause between two requests to the same host, a growing wait after errors and the server's own
Retry-After on 429/503, and the User-Agent and limits of every other fetch (settings fetch_*).
An item already seen (its id, link or text) costs nothing more: it is never analysed again.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlparse

from .errors import FetchFailed, HttpStatus, InputError, MissingPath, WatchSourceError
from .ingest import skipped_from
from .ingest.urls import fetch_conditional, is_url, read_fetched
from .model import RawDocument, Skipped
from .pipeline import Pipeline
from .settings import Options
from .store import SourceState, Store

log = logging.getLogger(__name__)

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.I)
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> float:
    """'90', '30s', '10m', '2h', '1d' -> seconds."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"not a duration: {text!r} (use e.g. 30s, 10m, 2h)")
    return float(match.group(1)) * _UNITS[match.group(2).lower()]


@dataclass(frozen=True)
class WatchSource:
    location: str  # an http(s) URL (feed or page) or a folder (or file) path
    kind: str  # "url" or "folder"


@dataclass(frozen=True)
class PollResult:
    """One poll of one source: what the answer held and what it added."""

    source: str
    outcome: str  # new, unchanged (200, all items known), not_modified (304), error, waiting (backing off)
    http_status: int | None = None
    items: int = 0  # items in the answer (feed entries, files)
    new: int = 0  # items not seen before
    added: tuple[str, ...] = ()  # article ids the ingest added
    stories: tuple[str, ...] = ()  # stories those articles joined or started
    fetch_seconds: float = 0.0  # the request alone
    seconds: float = 0.0  # the whole poll: request, reading, ingest and story history
    error: str | None = None
    retry_at: str | None = None

    def line(self) -> str:
        """The one stderr line per poll."""
        head = f"watch {self.source}: "
        if self.outcome == "waiting":
            return head + f"backing off until {self.retry_at}"
        if self.outcome == "error":
            return head + f"error {self.error}; next try after {self.retry_at}"
        status = f"HTTP {self.http_status}, " if self.http_status else ""
        if self.outcome == "not_modified":
            return head + f"{status}not modified ({self.fetch_seconds * 1000:.0f} ms)"
        body = f"{status}{self.items} items, {self.new} new"
        if self.new:
            body += f", {len(self.added)} added to {', '.join(self.stories) or 'no story'}"
        return head + f"{body} ({self.seconds:.2f} s)"


def read_sources(path: str) -> tuple[list[WatchSource], list[InputError]]:
    """A text file (one URL or folder per line, # comments) or an OPML file of feeds."""
    file = Path(path)
    if not file.is_file():
        raise MissingPath(path, "no such sources file")
    text = file.read_text(encoding="utf-8", errors="replace")
    sources: list[WatchSource] = []
    errors: list[InputError] = []
    if text.lstrip().startswith("<"):
        try:
            root = ET.fromstring(text.encode("utf-8"))
        except ET.ParseError as exc:
            raise WatchSourceError(path, f"not a well-formed OPML file ({exc})") from exc
        for number, outline in enumerate(root.iter("outline"), start=1):
            url = outline.get("xmlUrl") or outline.get("url")
            if url and is_url(url.strip()):
                sources.append(WatchSource(url.strip(), "url"))
            elif url:
                errors.append(WatchSourceError(path, f"not an http(s) URL: {url}", number))
        return _unique(sources), errors
    for number, raw in enumerate(text.splitlines(), start=1):
        line = re.split(r"\s#", raw, maxsplit=1)[0].strip()  # "# comment" lines and trailing " # comments"
        if not line or line.startswith("#"):
            continue
        if is_url(line):
            sources.append(WatchSource(line, "url"))
            continue
        local = Path(line) if Path(line).is_absolute() else file.parent / line
        if local.exists():
            sources.append(WatchSource(str(local), "folder"))
        else:
            errors.append(WatchSourceError(path, f"neither a URL nor an existing folder: {line}", number))
    return _unique(sources), errors


def _unique(sources: list[WatchSource]) -> list[WatchSource]:
    return list(dict.fromkeys(sources))


def item_key(doc: RawDocument, answer_url: str) -> str:
    """What identifies a feed item across polls: its id, else its link, else its text (a page: its text)."""
    if doc.id:
        return "id:" + doc.id
    if doc.url and doc.url != answer_url:
        return "url:" + doc.url
    return "text:" + hashlib.sha1(((doc.title or "") + "\n" + (doc.text or doc.html or "")).encode()).hexdigest()


def retry_delay(retry_after: str | None, now: datetime) -> float | None:
    """Seconds a Retry-After header asks for (a number or an HTTP date), None when absent or unreadable."""
    if not retry_after:
        return None
    value = retry_after.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


class Watcher:
    """Polls a list of sources into one store; one round at a time, stoppable between sources."""

    def __init__(self, sources: Sequence[WatchSource], store: Store, options: Options, every: float | None = None,
                 on_poll: Callable[[PollResult], None] | None = None, stop: threading.Event | None = None,
                 lock: threading.Lock | None = None) -> None:
        self.sources = list(sources)
        self.store = store
        self.options = options
        self.every = every if every is not None else options.watch_every
        self.on_poll = on_poll or (lambda result: None)
        self.stop = stop or threading.Event()
        self.lock = lock or threading.Lock()  # the store has one writer: a server shares its ingest lock
        self.pipeline = Pipeline(options, store)
        self.last_request: dict[str, float] = {}

    def run(self, once: bool = False, on_round: Callable[[list[PollResult]], None] | None = None) -> list[PollResult]:
        """Rounds until stopped (or one round); returns the last round's results."""
        while True:
            results = self.round()
            if on_round is not None and not once:
                on_round(results)
            if once or self.stop.wait(self.every):
                return results

    def round(self) -> list[PollResult]:
        results = []
        for source in self.sources:
            if self.stop.is_set():
                break  # a safe point: the previous source's ingest is complete and stored
            try:
                result = self.poll_folder(source) if source.kind == "folder" else self.poll_url(source.location)
            except Exception as exc:  # one source failing never stops the others
                log.exception("watch: %s failed", source.location)
                result = PollResult(source.location, "error", error=f"[SL000] {exc}")
            results.append(result)
            self.on_poll(result)
        return results

    # --- URLs -------------------------------------------------------------------------------

    def poll_url(self, url: str) -> PollResult:
        state = self.store.watch_state(url)
        now = datetime.now(UTC)
        if state.retry_at and state.retry_at > _iso(now):
            return PollResult(url, "waiting", retry_at=state.retry_at)
        self._space(urlparse(url).hostname or "")
        started = time.perf_counter()
        try:
            fetched = fetch_conditional(url, self.options, state.etag, state.last_modified)
        except FetchFailed as error:
            return self._failed(state, error, started)
        fetch_seconds = time.perf_counter() - started
        state = replace(state, etag=fetched.etag, last_modified=fetched.last_modified, final_url=fetched.url,
                        last_poll=_iso(now), last_status=str(fetched.status), last_error=None, failures=0,
                        retry_at=None, polls=state.polls + 1)
        if fetched.status == 304:
            self.store.save_watch_state(replace(state, last_seconds=fetch_seconds))
            return PollResult(url, "not_modified", 304, fetch_seconds=fetch_seconds, seconds=fetch_seconds)
        try:
            docs, errors = read_fetched(url, fetched, self.options)
        except InputError as error:
            return self._failed(state, error, started)
        keyed = {item_key(d, fetched.url): d for d in docs}
        known = self.store.seen_items(url, keyed)
        fresh = {k: d for k, d in keyed.items() if k not in known}
        # item-level problems (an entry without text) are reported once, on the first poll, not every time
        skipped = [skipped_from(e) for e in errors] if state.polls == 1 else []
        added: tuple[str, ...] = ()
        stories: tuple[str, ...] = ()
        if fresh or skipped:
            added, stories = self._ingest([], list(fresh.values()), skipped)
            self.store.mark_items_seen(url, ((k, None) for k in fresh))
        seconds = time.perf_counter() - started
        self.store.save_watch_state(replace(state, items=state.items + len(fresh), added=state.added + len(added),
                                      last_seconds=seconds))
        return PollResult(url, "new" if fresh else "unchanged", fetched.status, items=len(docs), new=len(fresh),
                          added=added, stories=stories, fetch_seconds=fetch_seconds, seconds=seconds)

    def _space(self, host: str) -> None:
        """Wait until the least spacing between two requests to this host has passed."""
        last = self.last_request.get(host)
        if last is not None:
            wait = self.options.watch_host_spacing - (time.monotonic() - last)
            if wait > 0:
                self.stop.wait(wait)
        self.last_request[host] = time.monotonic()

    def _failed(self, state: SourceState, error: InputError, started: float) -> PollResult:
        now = datetime.now(UTC)
        failures = state.failures + 1
        asked = retry_delay(error.retry_after, now) if isinstance(error, HttpStatus) else None
        # doubling from one polling interval; a server's Retry-After wins (bounded by watch_max_backoff)
        delay = asked if asked is not None else self.every * 2 ** (failures - 1)
        delay = min(delay, self.options.watch_max_backoff)
        retry_at = _iso(now + timedelta(seconds=delay))
        status = str(error.status) if isinstance(error, HttpStatus) else "error"
        seconds = time.perf_counter() - started
        self.store.save_watch_state(replace(state, last_poll=_iso(now), last_status=status, last_error=str(error),
                                      failures=failures, retry_at=retry_at, polls=state.polls + 1,
                                      errors=state.errors + 1, last_seconds=seconds))
        log.info("watch: %s failed (%s); retry after %s", state.source, error, retry_at)
        return PollResult(state.source, "error", error.status if isinstance(error, HttpStatus) else None,
                          error=str(error), retry_at=retry_at, fetch_seconds=seconds, seconds=seconds)

    # --- folders ----------------------------------------------------------------------------

    def poll_folder(self, source: WatchSource) -> PollResult:
        started = time.perf_counter()
        root = Path(source.location)
        state = self.store.watch_state(source.location)
        now = _iso(datetime.now(UTC))
        if not root.exists():
            error = MissingPath(source.location, "watched folder is gone")
            return self._failed(state, error, started)
        files = [root] if root.is_file() else [
            p for p in sorted(root.rglob("*"))
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)]
        keyed = {}
        for file in files:
            info = file.stat()
            # a file rewritten in place is a new item: its size or modification time changed
            keyed[f"file:{file}:{info.st_size}:{info.st_mtime_ns}"] = str(file)
        known = self.store.seen_items(source.location, keyed)
        fresh = {k: p for k, p in keyed.items() if k not in known}
        added: tuple[str, ...] = ()
        stories: tuple[str, ...] = ()
        if fresh:
            added, stories = self._ingest(list(fresh.values()), [], [])
            self.store.mark_items_seen(source.location, ((k, None) for k in fresh))
        seconds = time.perf_counter() - started
        self.store.save_watch_state(replace(state, last_poll=now, last_status="ok", last_error=None, failures=0,
                                      retry_at=None, polls=state.polls + 1, items=state.items + len(fresh),
                                      added=state.added + len(added), last_seconds=seconds))
        return PollResult(source.location, "new" if fresh else "unchanged", items=len(files), new=len(fresh),
                          added=added, stories=stories, seconds=seconds)

    def _ingest(self, paths: list[str], documents: list[RawDocument],
                skipped: list[Skipped]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        with self.lock:
            report = self.pipeline.ingest(paths, documents=documents, skipped=skipped)
        for s in report.skipped:
            log.warning("watch: skipped [%s] %s: %s", s.code, s.path, s.reason)
        touched = {self.store.story_of(a) for a in report.added}
        return report.added, tuple(s for s in report.stories_touched if s in touched)
