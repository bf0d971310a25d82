"""Per-article analysis: entities, quotes, dates and claims, from one parse of the clean text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from ..model import Article
from .claims import extract_claims, headline_claims
from .dates import find_dates
from .entities import extract_mentions
from .quotes import extract_quotes

# Each component: (name, what it requires on the Article, what it assigns). The builder checks the chain.
COMPONENTS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("dates", ("text", "published"), ("dates",)),
    ("entities", ("text",), ("mentions",)),
    ("quotes", ("text", "mentions"), ("quotes",)),
    ("claims", ("text", "quotes"), ("claims",)),
)


def check_chain() -> None:
    available = {"text", "published"}
    for name, requires, assigns in COMPONENTS:
        missing = set(requires) - available
        if missing:
            raise RuntimeError(f"analysis component {name} requires {sorted(missing)}, assigned by nobody before it")
        available |= set(assigns)


def analyze_articles(articles: Sequence[Article], nlp: Any, batch_size: int = 16) -> list[Article]:
    """Parse each article once and run every component on the parse."""
    check_chain()
    out = []
    titles = nlp.pipe((a.title or "" for a in articles), batch_size=batch_size)
    for article, doc, title in zip(articles, nlp.pipe((a.text for a in articles), batch_size=batch_size), titles):
        mentions = extract_mentions(doc)
        quotes = extract_quotes(doc, mentions)
        out.append(replace(
            article,
            dates=tuple(find_dates(article.text, article.published)),
            mentions=tuple(mentions),
            quotes=tuple(quotes),
            claims=tuple(headline_claims(title, article.text) + extract_claims(doc, quotes)),
        ))
    return out
