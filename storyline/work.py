"""The per-article tasks an engine runs: top-level functions of (options, item), so any process can run them."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from . import embed, engine, nlp
from .analyze import analyze_articles
from .ingest import read_item
from .model import Article, RawDocument, Skipped
from .settings import Options

log = logging.getLogger(__name__)


def read(options: Options, item: str) -> tuple[list[RawDocument], list[Skipped]]:
    """Read one file or URL (HTML extraction included)."""
    return read_item(item, options)


def analyse(options: Options, articles: list[Article]) -> list[Article | str]:
    """Each article analysed, or why its analysis raised: the failure boundary of one article.

    A chunk that raises is redone one article at a time, so one bad article costs only itself.
    """
    model = nlp.load(options.spacy_model)
    part_chars = min(options.nlp_part_chars, model.max_length)
    if len(articles) > 1:
        try:
            return list(analyze_articles(articles, model, part_chars=part_chars))
        except Exception:
            log.warning("analyze: a chunk of %d articles failed; analysing them one by one", len(articles))
    out: list[Article | str] = []
    for article in articles:
        try:
            out.extend(analyze_articles([article], model, part_chars=part_chars))
        except Exception as exc:
            log.exception("analyze: article %s (%s) failed", article.id, article.path)
            out.append(f"{type(exc).__name__}: {exc}")
    return out


def vectors(options: Options, articles: list[Article]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each article's (story vector, claim vectors), its claims and headline embedded in one batch run."""
    from . import stories

    texts: list[str] = []
    spans: list[tuple[int, int, bool]] = []
    for article in articles:
        sentences = [c.text for c in article.claims]
        # a headline leads the story vector; with neither headline nor claim the opening stands in
        # (always embedded with the claims: int8 vectors depend a little on what shares their batch)
        has_lead = stories.is_headline(article.title) or not sentences
        spans.append((len(texts), len(sentences), has_lead))
        texts.extend(sentences)
        texts.append(article.title or article.text[:300])
    # a sentence repeated across the chunk (wire copies, boilerplate claims) is embedded once
    unique = list(dict.fromkeys(texts))
    model = embed.load(options.embedding_model, engine.THREADS)
    vectors_of = model.embed(unique) if unique else np.zeros((0, embed.DIMENSIONS), dtype=np.float32)
    row = {text: i for i, text in enumerate(unique)}
    embedded = vectors_of[[row[t] for t in texts]] if texts else vectors_of
    lead_claims = stories.load_model().lead_claims  # as many first claims as the story model was fitted with
    out = []
    for start, count, has_lead in spans:
        claims = embedded[start:start + count]
        out.append((stories.article_vector(embedded[start + count] if has_lead else None, claims, lead_claims),
                    claims))
    return out


def build(options: Options, given: Any) -> Any:
    """A story built from its articles (a pipeline.StoryInput), or why the build raised."""
    from .pipeline import make_story

    try:
        return make_story(options, given)
    except Exception as exc:  # the caller rebuilds it where the failure boundary reports it
        log.warning("build: story %s failed on a worker (%s: %s)", given.story_id, type(exc).__name__, exc)
        return f"{type(exc).__name__}: {exc}"
