"""Reports: the JSON contract, Markdown and a self-contained HTML page, from one Analysis."""

from __future__ import annotations

from collections.abc import Callable

from ..model import Analysis
from . import html, json, markdown

RENDERERS: dict[str, Callable[[Analysis], str]] = {
    "json": json.render,
    "md": markdown.render,
    "html": html.render,
}


def render(analysis: Analysis, fmt: str) -> str:
    return RENDERERS[fmt](analysis)
