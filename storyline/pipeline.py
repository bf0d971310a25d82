"""The ordered steps from inputs to stories; each step is one function of one stage module."""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from . import align, dedup, embed, engine, faults, history, nlp, stories, summarize, work
from .analyze.entities import entity_for, fold, resolve
from .clean import clean_documents
from .errors import AnalysisFailed, DuplicateInput, InputError, NoText, StoryFailed, StoryNotFound, TextTooLong
from .ingest import expand, read_inputs, skipped_from
from .model import Analysis, Article, CleanDocument, IngestReport, Quote, RawDocument, Skipped, Story
from .settings import Options
from .store import Store

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


@dataclass
class Batch:
    """What flows through the article steps of one ingest call."""

    inputs: Sequence[str]
    stdin: BinaryIO | None = None
    raw: list[RawDocument] = field(default_factory=list)
    cleaned: list[CleanDocument] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    shingles: dict[str, set[int]] = field(default_factory=dict)
    vectors: dict[str, np.ndarray] = field(default_factory=dict)
    claim_vectors: dict[str, np.ndarray] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    stories: list[str] = field(default_factory=list)
    # chunks of analysed articles already handed to the engine for embedding, with their results to come
    embedding: list[tuple[list[list[Article]], Any]] = field(default_factory=list)


@dataclass(frozen=True)
class StoryInput:
    """All a story build reads from the store, so that any process can build it."""

    story_id: str
    title: str  # the story row's title: the label when no article has a headline
    articles: tuple[Article, ...]
    claim_vectors: dict[str, np.ndarray]
    vectors: dict[str, np.ndarray]  # story vectors of the articles with a headline


class Pipeline:
    """Runs the steps with one options object and one store; models load once, on first use."""

    story_model: stories.Scorer | None = None  # the same-story decision; None: the shipped learned model
    keep_engine = False  # True: the engine stays up after ingest (analyze builds the stories on it), closed by the caller

    def __init__(self, options: Options, store: Store, progress: Progress | None = None) -> None:
        self.options = options
        self.store = store
        self.progress = progress or (lambda step, done, total: None)
        self._engine: engine.Engine | None = None

    @property
    def engine(self) -> engine.Engine:
        """Where per-article work runs (settings engine, workers); started on first use, closed after ingest."""
        if self._engine is None:
            self._engine = engine.create(self.options)
        return self._engine

    def close_engine(self) -> None:
        if self._engine is not None:
            self._engine.close()
            self._engine = None

    @property
    def nlp(self) -> Any:
        return nlp.load(self.options.spacy_model)

    @property
    def embedder(self) -> embed.Embedder:
        return embed.load(self.options.embedding_model)

    # --- article steps --------------------------------------------------------------------

    def step_ingest(self, batch: Batch) -> None:
        if self.engine.workers <= 1 or not batch.inputs:
            raw, skipped = read_inputs(batch.inputs, self.options, batch.stdin) if batch.inputs else ([], [])
            batch.raw.extend(raw)  # after any documents the caller read itself (uploads, pasted text)
            batch.skipped.extend(skipped)
            return
        # files and URLs are read (and HTML extracted) on the workers, in input order; standard input here
        items = list(expand(batch.inputs))
        remote = [i for i in items if isinstance(i, str) and i != "-"]
        results = dict(zip(remote, self.engine.map(work.read, remote)))
        for item in items:
            if isinstance(item, InputError):
                batch.skipped.append(skipped_from(item))
                continue
            raw, skipped = results[item] if item in results else read_inputs([item], self.options, batch.stdin)
            batch.raw.extend(raw)
            batch.skipped.extend(skipped)

    def step_clean(self, batch: Batch) -> None:
        limit = self.options.max_article_chars
        raw = []
        for given in batch.raw:  # a plain text too long to be an article is not even cleaned
            if given.text is not None and len(given.text) > limit:
                batch.skipped.append(skipped_from(TextTooLong(
                    given.path, f"text of {len(given.text):,} characters, more than the limit of {limit:,} "
                                "(setting max_article_chars)", given.line)))
            else:
                raw.append(given)
        for doc in self._clean_each(batch, raw):
            if not doc.text.strip():
                batch.skipped.append(skipped_from(NoText(doc.path, "no article text left after cleaning", doc.line)))
            elif len(doc.text) > limit:
                batch.skipped.append(skipped_from(TextTooLong(
                    doc.path, f"article text of {len(doc.text):,} characters, more than the limit of {limit:,} "
                              "(setting max_article_chars)", doc.line)))
            else:
                batch.cleaned.append(doc)

    def _clean_each(self, batch: Batch, raw: Sequence[RawDocument]) -> list[CleanDocument]:
        """The failure boundary of cleaning: one document that raises is skipped, the others are cleaned."""
        try:
            return clean_documents(raw)
        except Exception:
            log.warning("clean: the batch failed; cleaning its %d documents one by one", len(raw))
        out = []
        for doc in raw:
            try:
                out.extend(clean_documents([doc]))
            except Exception as exc:
                log.exception("clean: %s failed", doc.path)
                batch.skipped.append(skipped_from(AnalysisFailed(
                    doc.path, f"cleaning failed ({type(exc).__name__}: {exc})", doc.line)))
        return out

    def step_dedup(self, batch: Batch) -> None:
        """Known articles stay as they are; copies of earlier text get that text's origin."""
        # the earliest publication is the original; undated texts come after dated ones, in input order
        ordered = sorted(enumerate(batch.cleaned), key=lambda p: (p[1].published is None, p[1].published or "", p[0]))
        seen_hashes: dict[str, str] = {}
        taken: set[str] = set()
        recent = dedup.ShingleIndex()  # this batch's texts are not in the store's index yet
        for _, doc in ordered:
            digest = dedup.content_hash(doc.title, doc.outlet, doc.text)
            stored = self.store.article_id_for_hash(digest)
            if stored is not None:
                batch.unchanged.append(stored)
                continue
            if digest in seen_hashes:
                batch.skipped.append(skipped_from(DuplicateInput(
                    doc.path, f"same article as {seen_hashes[digest]} given twice", doc.line)))
                continue
            article_id = self._new_id(doc.id, digest, taken)
            seen_hashes[digest] = article_id
            taken.add(article_id)
            sample = dedup.shingles(doc.text)
            candidates = recent.candidates(sample) + self.store.shingle_candidates(sample)
            origin = dedup.find_origin(sample, candidates, self.options.near_duplicate_threshold) or article_id
            recent.add(article_id, origin, sample)
            batch.shingles[article_id] = sample
            batch.articles.append(Article(
                id=article_id, path=doc.path, outlet=doc.outlet, title=doc.title, author=doc.author,
                published=doc.published, text=doc.text, removed=doc.removed, origin=origin,
                content_hash=digest, url=doc.url,
            ))

    def _new_id(self, given: str | None, digest: str, taken: set[str]) -> str:
        if given:
            candidate, n = given, 1
            while self.store.has_article(candidate) or candidate in taken:
                n += 1
                candidate = f"{given}~{n}"
            return candidate
        return "a" + digest[:10]

    def step_analyze(self, batch: Batch) -> None:
        """Parse and analyse on the engine's workers; an article whose analysis raises is skipped with its code."""
        done: list[Article] = []
        parts = engine.chunks(batch.articles, engine.PARSE_CHUNK)
        for part, results in zip(parts, self.engine.map(work.analyse, parts)):
            for article, result in zip(part, results):
                if isinstance(result, Article):
                    done.append(result)
                    self._embed_ahead(batch, done)
                    continue
                log.error("analyze: article %s (%s) failed: %s", article.id, article.path, result)
                batch.skipped.append(skipped_from(AnalysisFailed(
                    article.path, f"analysis of article {article.id} failed ({result})")))
                batch.shingles.pop(article.id, None)
            self.progress("analyze", len(done), len(batch.articles))
        batch.articles = done

    def _embed_ahead(self, batch: Batch, done: list[Article]) -> None:
        """Each full embedding chunk of analysed articles goes to the engine at once, queued behind the parses
        still to come: workers never wait for the last parse before embedding. The chunks are those
        step_embed would cut (analysed articles in input order), so the vectors are the same."""
        start = len(batch.embedding) * engine.EMBED_CHUNK
        if len(done) - start >= engine.EMBED_CHUNK:
            chunk = [done[start:start + engine.EMBED_CHUNK]]
            batch.embedding.append((chunk, self.engine.map(work.vectors, chunk)))

    def step_embed(self, batch: Batch) -> None:
        ahead = len(batch.embedding) * engine.EMBED_CHUNK
        rest = engine.chunks(batch.articles[ahead:], engine.EMBED_CHUNK)
        pairs = ((part, embedded) for parts, results in [*batch.embedding, (rest, self.engine.map(work.vectors, rest))]
                 for part, embedded in zip(parts, results))
        for part, embedded in pairs:
            for article, (vector, claims) in zip(part, embedded):
                batch.vectors[article.id] = vector
                batch.claim_vectors[article.id] = claims
            self.progress("embed", len(batch.vectors), len(batch.articles))

    def step_store(self, batch: Batch) -> None:
        # each article with its shingles, names and story-key counts in one transaction: never half stored
        stored: list[Article] = []
        for done, article in enumerate(batch.articles, start=1):
            article_id = self.store.add_article(article, batch.shingles[article.id], batch.vectors[article.id],
                                                batch.claim_vectors[article.id], keys=stories.story_keys(article))
            if article_id is None:  # a concurrent run stored the same text first
                batch.unchanged.append(self.store.article_id_for_hash(article.content_hash) or article.id)
            elif article_id != article.id:  # a concurrent run took the id: stored as id~N
                stored.append(replace(article, id=article_id,
                                      origin=article_id if article.origin == article.id else article.origin))
            else:
                stored.append(article)
            self.progress("store", done, len(batch.articles))
            faults.point("store", done)
        batch.articles = stored

    def step_stories(self, batch: Batch) -> None:
        """Place every unplaced article (the batch's in placement order, then any left, oldest first), then
        consolidate the stories placed into.

        Each placement and each story's consolidation is one transaction holding the writer lock, and
        the work left is read from the store, not from this batch: articles a stopped run stored but did
        not place, or stories it did not consolidate, are finished here; concurrent runs share the work.
        """
        placed = 0
        # in an order of their content, not of the inputs: input order never decides stories; a stopped
        # run's leftovers join this batch's articles so that a resumed run places as an uninterrupted one
        mine = {a.id for a in batch.articles}
        waiting = [*batch.articles, *self.store.articles([i for i in self.store.unplaced_ids() if i not in mine])]
        preferred = [a.id for a in stories.placement_order(waiting)]
        while True:
            with self.store.transaction():
                while preferred and self.store.story_of(preferred[0]) is not None:
                    preferred.pop(0)  # placed already (by a concurrent run)
                article_id = preferred.pop(0) if preferred else self.store.next_unplaced()
                if article_id is None:
                    break
                article = self.store.articles([article_id])[0]
                placement = stories.place(article, self.store.article_vector(article_id), self.store, self.options,
                                          self.story_model)
                faults.point("placing", placed + 1)  # inside the transaction: a kill here must undo the placement
                self.store.mark_pending(placement.story_id)
            placed += 1
            self.progress("place", placed, max(placed, len(batch.articles)))
            faults.point("place", placed)
        consolidated = 0
        while True:
            with self.store.transaction():
                story_id = self.store.next_pending()
                if story_id is None:
                    break
                stories.consolidate_one(story_id, self.store, self.options, model=self.story_model)
                self.store.clear_pending(story_id)
            consolidated += 1
            faults.point("consolidate", consolidated)
        for article_id in [a.id for a in batch.articles] + batch.unchanged:
            story_id = self.store.story_of(article_id)
            if story_id and story_id not in batch.stories:
                batch.stories.append(story_id)

    def step_history(self, batch: Batch) -> None:
        """A new version, with what changed, for each story an article joined or left."""
        if self.options.story_history:
            history.record(batch.stories, self.story, self.store)

    ARTICLE_STEPS: tuple[str, ...] = ("ingest", "clean", "dedup", "analyze", "embed", "store", "stories", "history")

    def ingest(self, inputs: Sequence[str], stdin: BinaryIO | None = None,
               documents: Sequence[RawDocument] = (), skipped: Sequence[Skipped] = ()) -> IngestReport:
        """Run the article steps on the inputs, plus documents already read and inputs already skipped."""
        batch = Batch(inputs=inputs, stdin=stdin, raw=list(documents), skipped=list(skipped))
        try:
            for number, name in enumerate(self.ARTICLE_STEPS, start=1):
                log.debug("%s: start", name)
                faults.point("step", name)
                self.progress(f"step {number}/{len(self.ARTICLE_STEPS)}: {name}", 0, 1)
                getattr(self, f"step_{name}")(batch)
                self.progress(f"step {number}/{len(self.ARTICLE_STEPS)}: {name}", 1, 1)
                log.info("%s: %d documents, %d skipped so far", name,
                         len(batch.articles) or len(batch.cleaned) or len(batch.raw), len(batch.skipped))
        finally:
            if not self.keep_engine:
                self.close_engine()
        self.store.record_skipped(batch.skipped)
        return IngestReport(added=tuple(a.id for a in batch.articles), unchanged=tuple(batch.unchanged),
                            skipped=tuple(batch.skipped), stories_touched=tuple(batch.stories))

    # --- story steps ----------------------------------------------------------------------

    STORY_STEPS: tuple[str, ...] = ("entities", "quotes", "claims", "events", "summary")

    def story(self, story_id: str) -> Story:
        """A story fully built: the stored build when it was made from the story's current articles."""
        ids = self.store.story_article_ids(story_id)
        stamp = build_stamp(ids, self.options)
        built = self.store.story_build(story_id, stamp)
        if built is None:
            built = self.build_story(story_id, ids)
            self.store.save_story_build(built, stamp)
        return replace(built, changes=tuple(self.store.story_changes(story_id)))  # history grows on its own

    def build_story(self, story_id: str, ids: Sequence[str]) -> Story:
        return make_story(self.options, self.story_input(story_id, ids))

    def story_input(self, story_id: str, ids: Sequence[str]) -> StoryInput:
        articles = self.store.articles(ids)
        return StoryInput(story_id=story_id, title=self.store.story(story_id).title, articles=tuple(articles),
                          claim_vectors=self.store.claim_vectors(ids),
                          vectors={a.id: self.store.article_vector(a.id) for a in articles if a.title})

    build_window = 0  # stories handed to the engine at a time; 0: four per worker, at least 8

    def build_on_engine(self, story_ids: Sequence[str]) -> Iterator[tuple[str, Story]]:
        """The stories whose stored build is stale, built on the engine's workers and stored, yielded as they come
        back: one window of stories is read, built and held at a time, so memory stays that of a window however
        many stories there are (nothing is built before the first is asked for). Only when an engine of several
        workers is already up (analyze keeps the ingest's): starting one for this costs more than it saves. A
        build that fails there is left to story(), whose failure boundary reports it."""
        if self._engine is None or self._engine.workers <= 1 or len(story_ids) < 2:
            return
        todo = []  # (size, id): what is stale, not the stories' articles
        for story_id in story_ids:
            ids = self.store.story_article_ids(story_id)
            if ids and self.store.story_build(story_id, build_stamp(ids, self.options)) is None:
                todo.append((len(ids), story_id))
        todo.sort(key=lambda t: -t[0])  # the largest first: the workers finish close together
        window = self.build_window or max(8, 4 * self._engine.workers)
        for start in range(0, len(todo), window):
            part = []
            for _, story_id in todo[start:start + window]:  # read now: the articles as they are when built
                ids = self.store.story_article_ids(story_id)
                part.append((story_id, build_stamp(ids, self.options), self.story_input(story_id, ids)))
            results = self._engine.map(work.build, [given for _, _, given in part])
            for (story_id, stamp, _), result in zip(part, results):
                if isinstance(result, Story):
                    self.store.save_story_build(result, stamp)
                    yield story_id, replace(result, changes=tuple(self.store.story_changes(story_id)))

    def analysis(self, story_ids: Sequence[str] | None = None, skipped: Sequence[Skipped] = ()) -> Analysis:
        ids = list(story_ids) if story_ids is not None else [s.id for s in self.store.stories()]
        built = []
        failed: list[Skipped] = []
        ready = dict(self.build_on_engine(ids))  # every story is in the analysis: kept until it is returned
        for done, story_id in enumerate(ids, start=1):
            try:  # the failure boundary of one story's build: the others are still written
                built.append(ready[story_id] if story_id in ready else self.story(story_id))
            except StoryNotFound:
                raise
            except Exception as exc:
                log.exception("stories: building story %s failed", story_id)
                error = StoryFailed(f"building story {story_id} failed ({type(exc).__name__}: {exc})")
                failed.append(Skipped(path=f"story {story_id}", reason=error.message, code=error.code))
            self.progress("stories", done, len(ids))
        built.sort(key=lambda s: -len(s.article_ids))  # the most covered story first
        article_ids = [a for s in built for a in s.article_ids]
        return Analysis(articles=tuple(self.store.articles(article_ids)), stories=tuple(built),
                        skipped=(*skipped, *failed))


# Settings that only shape ingest (reading, fetching, placing, serving): a change to them keeps story builds.
_INGEST_ONLY = ("spacy_model", "embedding_model", "max_", "fetch_", "user_agent", "near_duplicate_threshold",
                "story_threshold", "story_window_days", "progress", "nlp_part_chars", "allowed_hosts", "token",
                "workers", "engine", "story_history", "watch_")


def build_stamp(article_ids: Sequence[str], options: Options) -> str:
    """What a story build is made from: its articles (stored articles never change), the settings that
    shape a build (any setting not known to shape only ingest), storyline's version."""
    from . import __version__

    shaping = {k: v for k, v in sorted(vars(options).items()) if not k.startswith(_INGEST_ONLY)}
    digest = hashlib.sha256(f"{__version__}\n{code_fingerprint()}\n{shaping!r}\n".encode())
    digest.update("\n".join(article_ids).encode())
    return digest.hexdigest()


@functools.cache
def code_fingerprint() -> str:
    """A hash of the code and learned models that shape a build: a build made by other code is stale even when
    the version number is the same. Computed once per process (~10 ms)."""
    return fingerprint(Path(__file__).resolve().parent)


def fingerprint(package: Path) -> str:
    """storyline's modules and data/ files under `package`, except the web, report and store layers (they show
    or keep a build, they do not shape it)."""
    digest = hashlib.sha256()
    for path in sorted([*package.rglob("*.py"), *(package / "data").glob("*")]):
        relative = path.relative_to(package)
        if relative.parts[0] in ("web", "report", "store") or not path.is_file():
            continue
        digest.update(f"{relative}\n".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def story_quotes(articles: Sequence[Article], entities: Sequence[Any]) -> list[Quote]:
    """Quotes with canonical speakers; the same words in several articles share a group id."""
    groups: dict[str, str] = {}
    out = []
    for article in articles:
        for q in article.quotes:
            entity = entity_for(q.speaker, entities)
            key = " ".join(fold(q.text).split()[:12])
            group = groups.setdefault(key, f"q{len(groups) + 1}")
            out.append(Quote(text=q.text, speaker=entity.name if entity else q.speaker,
                             entity_id=entity.id if entity else None, article_id=article.id,
                             direct=q.direct, group=group))
    return out


def make_story(options: Options, given: StoryInput) -> Story:
    """A story's build from its articles alone (no store): entities, quotes, aligned claims, timeline, briefing."""
    articles = list(given.articles)
    entities = resolve(articles)
    quotes = story_quotes(articles, entities)
    claims, happenings = align.align_story(articles, given.claim_vectors, options)
    events = summarize.timeline(articles, claims)
    summary = summarize.briefing(claims, articles, options.summary_sentences)
    return Story(id=given.story_id, title=_story_title(articles, given.title, given.vectors),
                 article_ids=tuple(a.id for a in articles), entities=tuple(entities), quotes=tuple(quotes),
                 events=tuple(events), claims=tuple(claims), summary=tuple(summary), happenings=tuple(happenings))


def _story_title(articles: Sequence[Article], fallback: str, article_vectors: dict[str, np.ndarray]) -> str:
    """The headline of the article closest to the story's centre, so the label fits the whole story."""
    titled = [a for a in articles if a.title]
    if not titled:
        return fallback
    vectors = [(article_vectors[a.id], a) for a in titled]
    centre = np.mean([v for v, _ in vectors if v.size], axis=0) if any(v.size for v, _ in vectors) else None
    if centre is None:
        return titled[0].title or fallback
    return max(vectors, key=lambda p: float(p[0] @ centre) if p[0].size else -1.0)[1].title or fallback


def analyze(inputs: Sequence[str], options: Options | None = None, db: str = ":memory:",
            stdin: BinaryIO | None = None, progress: Progress | None = None) -> Analysis:
    """Read, clean, deduplicate, analyse and group the inputs; the stories they belong to, fully built."""
    from .settings import load_options

    options = options or load_options()
    if db == ":memory:":
        options = options.with_(story_history=False)  # a one-off run has no earlier version to compare with
    store = Store.open(db)
    pipeline = Pipeline(options, store, progress)
    pipeline.keep_engine = True  # the ingest's workers build the stories too
    try:
        report = pipeline.ingest(inputs, stdin=stdin)
        return pipeline.analysis(report.stories_touched, skipped=report.skipped)
    finally:
        pipeline.close_engine()
        store.close()

