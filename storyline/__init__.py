"""storyline: which claims in the news are corroborated by independent sources, which rest on one, which conflict."""

from __future__ import annotations

__version__ = "0.1.0"

from .api import analyze, ingest, ingest_documents, list_stories, render, show  # noqa: E402
from .errors import StorylineError  # noqa: E402
from .model import Analysis, Article, Claim, DateMention, Entity, Event, Quote, Skipped, Story, SummarySentence  # noqa: E402
from .settings import Options, load_options  # noqa: E402

__all__ = [
    "__version__", "analyze", "ingest", "ingest_documents", "list_stories", "render", "show", "StorylineError", "Analysis", "Article",
    "Claim", "DateMention", "Entity", "Event", "Quote", "Skipped", "Story", "SummarySentence", "Options",
    "load_options",
]
