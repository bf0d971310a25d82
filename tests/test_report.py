"""Reports escape untrusted article text; HTML is one self-contained file."""

from __future__ import annotations

import json
import re

import pytest

import storyline

pytestmark = pytest.mark.slow

EVIL = '<script>alert(1)</script><img src=x onerror="alert(2)">'


@pytest.fixture(scope="module")
def evil_analysis(tmp_path_factory):
    folder = tmp_path_factory.mktemp("evil")
    for i in range(2):
        (folder / f"{i}.json").write_text(json.dumps({
            "id": f"e{i}", "outlet": f"Evil {EVIL} Outlet {i}", "title": f"Title {EVIL}",
            "url": "javascript:alert(3)", "published": "2025-02-17",
            "text": f"The council approved the harbour plan on Monday {EVIL}, officials said. "
                    "Ships will return to the harbour next week, the port authority said.",
        }))
    return storyline.analyze([str(folder)])


def test_html_escapes_everything_and_loads_nothing(evil_analysis):
    page = storyline.render(evil_analysis, "html")
    assert "<script" not in page.lower()
    assert not re.search(r"<img[^>]*onerror", page)
    assert "&lt;script&gt;" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # no network: nothing fetched
    assert "Content-Security-Policy" in page


def test_markdown_neutralises_html(evil_analysis):
    text = storyline.render(evil_analysis, "md")
    assert "<script>" not in text and "&lt;script&gt;" in text


def test_html_report_sections(example_analysis):
    page = storyline.render(example_analysis, "html")
    for heading in ("Briefing", "Coverage: claims by outlet", "Disputed claims", "Single-source claims", "Timeline",
                    "People and what they said", "Sources"):
        assert heading in page
    assert "Northgate Wire" in page and "wire copy of" in page
