"""The ordered steps from inputs to stories; each step is one function of one stage module."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import numpy as np

from . import align, dedup, embed, history, nlp, stories, summarize
from .analyze import analyze_articles
from .analyze.entities import entity_for, fold, resolve
from .clean import clean_documents
from .errors import DuplicateInput, NoText
from .ingest import read_inputs, skipped_from
from .model import Analysis, Article, CleanDocument, IngestReport, Quote, RawDocument, Skipped, Story
from .settings import Options
from .store import Store

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
# An article's vector for story clustering: its headline and first claims (clauses), where news puts the event.
LEAD_CLAIMS = 6  # ECB+ dev B-cubed F1: 5 -> 0.929, 6 -> 0.946, 8 -> 0.918, 12 -> 0.903


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


class Pipeline:
    """Runs the steps with one options object and one store; models load once, on first use."""

    def __init__(self, options: Options, store: Store, progress: Progress | None = None) -> None:
        self.options = options
        self.store = store
        self.progress = progress or (lambda step, done, total: None)

    @property
    def nlp(self) -> Any:
        return nlp.load(self.options.spacy_model)

    @property
    def embedder(self) -> embed.Embedder:
        return embed.load(self.options.embedding_model)

    # --- article steps --------------------------------------------------------------------

    def step_ingest(self, batch: Batch) -> None:
        raw, skipped = read_inputs(batch.inputs, self.options, batch.stdin) if batch.inputs else ([], [])
        batch.raw.extend(raw)  # after any documents the caller read itself (uploads, pasted text)
        batch.skipped.extend(skipped)

    def step_clean(self, batch: Batch) -> None:
        for doc in clean_documents(batch.raw):
            if not doc.text.strip():
                batch.skipped.append(skipped_from(NoText(doc.path, "no article text left after cleaning", doc.line)))
            else:
                batch.cleaned.append(doc)

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
        done: list[Article] = []
        chunk = 32
        for start in range(0, len(batch.articles), chunk):
            done.extend(analyze_articles(batch.articles[start:start + chunk], self.nlp))
            self.progress("analyze", len(done), len(batch.articles))
        batch.articles = done

    def step_embed(self, batch: Batch) -> None:
        texts: list[str] = []
        spans: list[tuple[str, int, int]] = []
        for article in batch.articles:
            sentences = [c.text for c in article.claims]
            spans.append((article.id, len(texts), len(sentences)))
            texts.extend(sentences)
            texts.append(article.title or article.text[:300])
        vectors = self.embedder.embed(texts) if texts else np.zeros((0, embed.DIMENSIONS), dtype=np.float32)
        for article_id, start, count in spans:
            claims = vectors[start:start + count]
            lead = np.vstack([vectors[start + count:start + count + 1], claims[:LEAD_CLAIMS]])
            batch.claim_vectors[article_id] = claims
            batch.vectors[article_id] = embed.normalise(lead.mean(axis=0))

    def step_store(self, batch: Batch) -> None:
        for done, article in enumerate(batch.articles, start=1):
            self.store.add_article(article, batch.shingles[article.id], batch.vectors[article.id],
                                   batch.claim_vectors[article.id])
            self.progress("store", done, len(batch.articles))

    def step_stories(self, batch: Batch) -> None:
        # the whole batch counts towards how rare a name is before any article is placed
        for article in batch.articles:
            self.store.count_keys(stories.story_keys(article))
        for article in batch.articles:
            placement = stories.place(article, batch.vectors[article.id], self.store, self.options)
            if placement.story_id not in batch.stories:
                batch.stories.append(placement.story_id)
        batch.stories = stories.consolidate(batch.stories, self.store, self.options)
        for article_id in batch.unchanged:
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
        for number, name in enumerate(self.ARTICLE_STEPS, start=1):
            log.debug("%s: start", name)
            self.progress(f"step {number}/{len(self.ARTICLE_STEPS)}: {name}", 0, 1)
            getattr(self, f"step_{name}")(batch)
            self.progress(f"step {number}/{len(self.ARTICLE_STEPS)}: {name}", 1, 1)
            log.info("%s: %d documents, %d skipped so far", name,
                     len(batch.articles) or len(batch.cleaned) or len(batch.raw), len(batch.skipped))
        self.store.record_skipped(batch.skipped)
        return IngestReport(added=tuple(a.id for a in batch.articles), unchanged=tuple(batch.unchanged),
                            skipped=tuple(batch.skipped), stories_touched=tuple(batch.stories))

    # --- story steps ----------------------------------------------------------------------

    STORY_STEPS: tuple[str, ...] = ("entities", "quotes", "claims", "events", "summary")

    def story(self, story_id: str) -> Story:
        row = self.store.story(story_id)
        ids = self.store.story_article_ids(story_id)
        articles = self.store.articles(ids)
        entities = resolve(articles)
        quotes = story_quotes(articles, entities)
        claims = align.align(articles, self.store.claim_vectors(ids), self.options)
        events = summarize.timeline(articles, claims)
        summary = summarize.briefing(claims, articles, self.options.summary_sentences)
        return Story(id=story_id, title=_story_title(articles, row.title, self.store), article_ids=tuple(ids),
                     entities=tuple(entities), quotes=tuple(quotes), events=tuple(events), claims=tuple(claims),
                     summary=tuple(summary), changes=tuple(self.store.story_changes(story_id)))

    def analysis(self, story_ids: Sequence[str] | None = None, skipped: Sequence[Skipped] = ()) -> Analysis:
        ids = list(story_ids) if story_ids is not None else [s.id for s in self.store.stories()]
        built = []
        for done, story_id in enumerate(ids, start=1):
            built.append(self.story(story_id))
            self.progress("stories", done, len(ids))
        built.sort(key=lambda s: -len(s.article_ids))  # the most covered story first
        article_ids = [a for s in built for a in s.article_ids]
        return Analysis(articles=tuple(self.store.articles(article_ids)), stories=tuple(built),
                        skipped=tuple(skipped))


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


def _story_title(articles: Sequence[Article], fallback: str, store: Store) -> str:
    """The headline of the article closest to the story's centre, so the label fits the whole story."""
    titled = [a for a in articles if a.title]
    if not titled:
        return fallback
    vectors = [(store.article_vector(a.id), a) for a in titled]
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
    try:
        pipeline = Pipeline(options, store, progress)
        report = pipeline.ingest(inputs, stdin=stdin)
        return pipeline.analysis(report.stories_touched, skipped=report.skipped)
    finally:
        store.close()

