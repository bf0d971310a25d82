"""What the story pages are made from, kept per server process while the stored build it came from is current.

The store keeps each story's build (store/builds.py); reading and decoding it still costs tens of ms for a
large story, and rendering its page or JSON as much again. A reader checks with one indexed read whether the
stored build (its stamp, the story's history) is the one it holds, and if so reuses the
decoded story, its view and the pages already rendered from it. The same marker is the pages' ETag.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ..model import Analysis
from ..pipeline import build_stamp, code_fingerprint
from ..report.views import StoryView, story_view
from ..settings import Options
from ..store import Store, database_error
from .connections import Connections

# What a process keeps, counted in articles (a kept story holds its articles, its page and JSON, ~15 KB an
# article for ECB+): bounded whatever the size of the stories; the most recently read story is always kept.
KEPT_ARTICLES = 5000
KEPT_PAGES = 100  # rendered pages per story (its page, JSON, gzipped copies, its articles' pages)
KEPT_LISTS = 64  # story lists (a page or JSON per set of filters), for the store's current generation only
BUILD_LOCKS = 16
T = TypeVar("T")


@dataclass
class Built:
    """One story as pages need it, with what was rendered from it (by page name)."""

    marker: tuple[str, ...]
    analysis: Analysis
    _view: StoryView | None = None
    rendered: dict[str, bytes] = field(default_factory=dict)
    claim_status: dict[str, dict[str, tuple[str, str]]] | None = None

    @property
    def view(self) -> StoryView:
        if self._view is None:
            self._view = story_view(self.analysis, self.analysis.stories[0])
        return self._view

    def statuses(self, article_id: str) -> dict[str, tuple[str, str]]:
        """Sentence -> (status, reason) of the story's claims in one article, for the article page."""
        if self.claim_status is None:
            by_article: dict[str, dict[str, tuple[str, str]]] = {}
            for claim in self.analysis.stories[0].claims:
                for source_id, sentence in claim.sources:
                    by_article.setdefault(source_id, {})[sentence] = (claim.status, claim.reason)
            self.claim_status = by_article
        return self.claim_status.get(article_id, {})

    def page(self, name: str, render: Callable[[], bytes]) -> bytes:
        body = self.rendered.get(name)
        if body is None:
            body = render()
            if len(self.rendered) < KEPT_PAGES:  # a story of thousands of articles does not keep them all
                self.rendered[name] = body
        return body


class Stories:
    """The per-process cache of built stories, least recently used first out."""

    def __init__(self, db: str, options: Options, build: Callable[[str], Analysis], kept: int = KEPT_ARTICLES,
                 connections: Connections | None = None) -> None:
        self.db, self.options, self.build, self.kept = db, options, build, kept
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, Built] = OrderedDict()
        # readers of a story whose build is missing wait for one of them to make it, instead of all building it
        self._building = [threading.Lock() for _ in range(BUILD_LOCKS)]
        # one connection per server thread for the check: opening one costs more
        self.connections = connections or Connections(db)

    def marker(self, store: Store, story_id: str) -> tuple[str, ...] | None:
        """What a current build of the story is: None when the stored build is missing or stale."""
        stored = store.story_build_marker(story_id)
        if stored is None or stored[0] != build_stamp(store.story_article_ids(story_id), self.options):
            return None
        return tuple(str(part) for part in stored)

    def get(self, story_id: str) -> Built:
        store = self.connections.get()
        try:
            entry = self._current(store, story_id)
            if entry is not None:
                return entry
            with self._building[zlib.crc32(story_id.encode()) % BUILD_LOCKS]:
                entry = self._current(store, story_id)  # another reader may have made it while this one waited
                if entry is not None:
                    return entry
                analysis = self.build(story_id)  # reads the stored build, or builds and stores it when stale
                story = analysis.stories[0]
                marker = self.marker(store, story_id)
                if marker is None or marker[0] != build_stamp(story.article_ids, self.options) \
                        or marker[1] != str(len(story.changes)):
                    marker = ("unstored",)  # it changed meanwhile: serves this request, never matched by the next
                entry = Built(marker=marker, analysis=analysis)
                with self._lock:
                    self._entries[story_id] = entry
                    self._entries.move_to_end(story_id)
                    while len(self._entries) > 1 and sum(len(e.analysis.articles) + 1
                                                         for e in self._entries.values()) > self.kept:
                        self._entries.popitem(last=False)
                return entry
        except Exception as exc:
            if database_error(exc):  # a broken connection (a restarted database) is opened afresh next request
                self.connections.drop()
            raise

    def read(self, function: Callable[[Store], T]) -> T:
        """A read on this thread's kept connection (the per-request lookups around the kept builds)."""
        return self.connections.read(function)

    def _current(self, store: Store, story_id: str) -> Built | None:
        marker = self.marker(store, story_id)
        with self._lock:
            entry = self._entries.get(story_id)
            if entry is not None and marker is not None and entry.marker == marker:
                self._entries.move_to_end(story_id)
                return entry
        return None


class Lists:
    """Story lists (the list page, its searches, /api/stories) rendered once per store generation: any write
    transaction counts the generation up, so one indexed read tells whether a kept list is still what the store
    says. Only the current generation's lists are kept, at most KEPT_LISTS of them."""

    def __init__(self, kept: int = KEPT_LISTS) -> None:
        self.kept = kept
        self._lock = threading.Lock()
        self._generation: int | None = None
        self._bodies: OrderedDict[tuple[str, ...], bytes] = OrderedDict()

    def get(self, generation: int, key: tuple[str, ...], render: Callable[[], bytes]) -> bytes:
        """The body for `key` at `generation` (read before the data `render` reads: a list rendered from newer
        data than its generation is only ever served until that newer generation is seen)."""
        with self._lock:
            if self._generation == generation and key in self._bodies:
                self._bodies.move_to_end(key)
                return self._bodies[key]
        body = render()
        with self._lock:
            if self._generation is None or generation > self._generation:
                self._generation, self._bodies = generation, OrderedDict()
            if generation == self._generation:
                self._bodies[key] = body
                while len(self._bodies) > self.kept:
                    self._bodies.popitem(last=False)
        return body


def etag(marker: tuple[str, ...], *more: Any) -> str:
    """A page's validator: the build it shows, the page, and the code and templates that render it."""
    if marker == ("unstored",):
        return '"' + secrets.token_hex(16) + '"'
    parts = (pages_fingerprint(), *marker, *more)
    return '"' + hashlib.sha256("\n".join(map(str, parts)).encode()).hexdigest()[:32] + '"'


@functools.cache
def pages_fingerprint() -> str:
    """The web and report layers' code and templates: a new release must not be answered 304 with old pages."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(code_fingerprint().encode())
    for path in sorted([*(package / "web").rglob("*"), *(package / "report").rglob("*")]):
        if path.is_file() and path.suffix != ".pyc":
            digest.update(path.read_bytes())
    return digest.hexdigest()
