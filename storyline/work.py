"""The per-article tasks an engine runs: top-level functions of (options, item), so any process can run them."""

from __future__ import annotations

import logging

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
    from .pipeline import LEAD_CLAIMS

    texts: list[str] = []
    spans: list[tuple[int, int]] = []
    for article in articles:
        sentences = [c.text for c in article.claims]
        spans.append((len(texts), len(sentences)))
        texts.extend(sentences)
        texts.append(article.title or article.text[:300])
    model = embed.load(options.embedding_model, engine.THREADS)
    embedded = model.embed(texts) if texts else np.zeros((0, embed.DIMENSIONS), dtype=np.float32)
    out = []
    for start, count in spans:
        claims = embedded[start:start + count]
        lead = np.vstack([embedded[start + count:start + count + 1], claims[:LEAD_CLAIMS]])
        out.append((embed.normalise(lead.mean(axis=0)), claims))
    return out
