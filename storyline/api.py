"""The documented Python API: everything the CLI does is one call here."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, BinaryIO

from . import report
from .errors import StoryNotFound
from .model import Analysis, CheckReport, IngestReport, RawDocument, Skipped
from .pipeline import Pipeline, Progress
from .pipeline import analyze as _analyze
from .settings import Options, load_options
from .store import Store, StoryRow

if TYPE_CHECKING:
    from .watch import PollResult


def analyze(inputs: Sequence[str], *, options: Options | None = None, db: str = ":memory:",
            stdin: BinaryIO | None = None, progress: Progress | None = None) -> Analysis:
    """Analyse inputs (paths, folders, URLs, "-") and return the stories they form, fully built.

    >>> result = storyline.analyze(["examples/"])          # doctest: +SKIP
    >>> [c.status for c in result.stories[0].claims][:3]    # doctest: +SKIP
    """
    return _analyze(inputs, options=options, db=db, stdin=stdin, progress=progress)


def ingest(inputs: Sequence[str], *, db: str, options: Options | None = None, stdin: BinaryIO | None = None,
           progress: Progress | None = None) -> IngestReport:
    """Add inputs to a persistent store; an article already stored (same content) changes nothing."""
    store = Store.open(db)
    try:
        return Pipeline(options or load_options(), store, progress).ingest(inputs, stdin=stdin)
    finally:
        store.close()


def ingest_documents(documents: Sequence[RawDocument], *, db: str, inputs: Sequence[str] = (),
                     skipped: Sequence[Skipped] = (), options: Options | None = None,
                     progress: Progress | None = None) -> IngestReport:
    """Like ingest, for documents the caller has read itself (uploads, pasted text) beside inputs to read."""
    store = Store.open(db)
    try:
        return Pipeline(options or load_options(), store, progress).ingest(inputs, documents=documents,
                                                                          skipped=skipped)
    finally:
        store.close()


def list_stories(db: str) -> list[StoryRow]:
    """The stories in a store, oldest first."""
    store = Store.open(db)
    try:
        return store.stories()
    finally:
        store.close()


def show(story_id: str, *, db: str, options: Options | None = None) -> Analysis:
    """One stored story, built from its articles as they are now (raises StoryNotFound)."""
    store = Store.open(db)
    try:
        pipeline = Pipeline(options or load_options(), store)
        return pipeline.analysis([story_id], skipped=())
    finally:
        store.close()


def drop_builds(*, db: str, story_ids: Sequence[str] | None = None) -> int:
    """Forget stored story builds (all, or the stories given); each is built again when next read. Builds made by
    other code or settings are found stale without this: it is for forcing a rebuild or freeing space."""
    store = Store.open(db)
    try:
        return store.drop_story_builds(story_ids)
    finally:
        store.close()


def check(*, db: str, repair: bool = True, options: Options | None = None) -> CheckReport:
    """Verify a store (database integrity, every article placed, counts consistent) and repair what it can.

    Repairs by default: places articles a stopped run left unplaced, consolidates, rebuilds stories
    whose size is wrong, recounts story keys, rebuilds the search index. repair=False only reports.
    """
    from .check import check as _check

    store = Store.open(db)
    try:
        return _check(store, options or load_options(), repair=repair)
    finally:
        store.close()


def watch(sources: str, *, db: str, every: float | None = None, once: bool = False, options: Options | None = None,
          on_poll: Callable[[PollResult], None] | None = None, stop: threading.Event | None = None,
          on_round: Callable[[list[PollResult]], None] | None = None) -> tuple[list[PollResult], list[Skipped]]:
    """Poll the feeds, pages and folders a sources file lists (text or OPML), ingesting new items as they come.

    Runs rounds every `every` seconds (setting watch_every) until `stop` is set, or one round with once=True.
    Returns the last round's poll results and the lines of the sources file that name nothing watchable.
    """
    from .ingest import skipped_from
    from .watch import Watcher, read_sources

    found, errors = read_sources(sources)
    store = Store.open(db)
    try:
        watcher = Watcher(found, store, options or load_options(), every=every, on_poll=on_poll, stop=stop)
        return watcher.run(once=once, on_round=on_round), [skipped_from(e) for e in errors]
    finally:
        store.close()


def changed_stories(db: str, since: str) -> list[tuple[StoryRow, str]]:
    """Stories with a change recorded at or after an ISO time, with the time of their latest change."""
    store = Store.open(db)
    try:
        rows = []
        for story_id, at in store.stories_changed_since(since):
            try:
                rows.append((store.story(story_id), at))
            except StoryNotFound:
                continue  # merged into another story since
        return rows
    finally:
        store.close()


def render(analysis: Analysis, fmt: str = "json") -> str:
    """The analysis as JSON (the public contract), Markdown ("md") or self-contained HTML ("html")."""
    return report.render(analysis, fmt)
