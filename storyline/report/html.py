"""Self-contained HTML report: one file, inline CSS, no network; every piece of article text escaped."""

from __future__ import annotations

import functools

from jinja2 import Environment, PackageLoader, select_autoescape

from ..model import Analysis
from .views import story_view


@functools.lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=PackageLoader("storyline.report", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    return env


def render(analysis: Analysis) -> str:
    views = [story_view(analysis, s) for s in analysis.stories]
    return environment().get_template("report.html.j2").render(analysis=analysis, views=views)
