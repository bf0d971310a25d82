"""The web app in a real browser: Debian's Chromium driven by Playwright against `storyline serve`."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT
from .test_web import server  # noqa: F401  (the same real server process)

pytestmark = pytest.mark.slow
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = ROOT / "docs" / "screenshots"


@contextmanager
def chromium_tab(**context_options: Any) -> Iterator[Any]:
    """A tab of Debian's Chromium (Playwright's own browser cannot be downloaded here)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make test installs it with apt)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"])
        context = browser.new_context(viewport={"width": 1200, "height": 900}, **context_options)
        try:
            yield context.new_page()
        finally:
            browser.close()


@pytest.fixture(scope="module")
def page():
    with chromium_tab() as tab:
        dialogs: list[str] = []
        tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        tab.dialogs = dialogs
        console: list[str] = []  # a CSP violation shows here: every script and style must come from /static
        tab.on("console", lambda m: console.append(m.text))
        tab.console = console
        yield tab


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def test_list_filter_story_article_and_add(page, server):  # noqa: F811
    page.goto(server + "/")
    rows = page.locator("#stories .storyrow")
    assert rows.count() >= 2
    shot(page, "stories")

    page.fill("input[name=person]", "Tomas Brennan")
    page.click("#filters button[type=submit]")
    page.wait_for_url("**/?*person=*")
    titles = page.locator("#stories .storyrow a").all_inner_texts()
    # the fire story names him, the library story does not (its label is whichever headline is most central)
    assert titles and any("fire" in t.lower() for t in titles) and not any("library" in t.lower() for t in titles)

    page.click("#stories .storyrow a >> nth=0")
    page.wait_for_selector("h2:has-text('Briefing')")
    assert page.locator("table.matrix tbody tr").count() > 5
    assert page.locator(".pill.disputed").count() > 0
    shot(page, "story")

    page.click("a:has-text('Valley Post —')")
    page.wait_for_selector("#text .claim")
    assert page.locator("#text .claim.disputed").count() >= 1
    assert page.locator("#text .ent").count() > 3
    page.click("#removed summary")
    assert page.locator("#removed li").count() >= 1
    shot(page, "article")

    page.goto(server + "/add")
    page.fill("textarea[name=text]", "Divers recovered a historic bell from Lake Orwen on Saturday, the museum said. "
                                     "The bell, cast in 1810, will go on display next month in Orwen town hall.")
    page.fill("input[name=title]", "Historic bell lifted from Lake Orwen")
    page.fill("input[name=outlet]", "Orwen Echo")
    shot(page, "add")
    page.click("#add-form button[type=submit]")
    page.wait_for_selector("#state:has-text('done')", timeout=120_000)
    page.click("#result a")
    page.wait_for_selector("h1:has-text('Historic bell lifted from Lake Orwen')")
    page.goto(server + "/?q=bell")
    assert "Historic bell" in page.locator("#stories").inner_text()
    assert page.dialogs == []  # no script from article text ever ran
    assert not [m for m in page.console if "Content Security Policy" in m], page.console
