"""The follow pages in a real browser (Debian's Chromium via Playwright): watch status, the change timeline,
an entity page and an export download, over `storyline serve --watch`."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from .test_browser import chromium_tab, shot
from .test_web_follow import followed, wait_for_watch  # noqa: F401  (the same real server process)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def page():
    with chromium_tab(accept_downloads=True) as tab:
        errors: list[str] = []
        tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        tab.console_errors = errors
        missing: list[str] = []
        tab.on("response", lambda r: missing.append(r.url) if r.status >= 400 and "favicon" not in r.url else None)
        tab.missing = missing
        yield tab


def test_watch_timeline_entity_and_export(page, followed):  # noqa: F811
    base, fire = followed["base"], followed["fire"]
    wait_for_watch(base)
    page.goto(base + "/")
    page.click("header >> text=Watch")
    page.wait_for_selector("#sources tbody tr")
    rows = page.locator("#sources tbody tr")
    assert rows.count() == 2
    assert page.locator("#sources tr.failing").count() == 1 and "HTTP 500" in page.locator("#sources").inner_text()
    assert "Watching the sources in feeds.txt" in page.locator("#watch-state").inner_text()
    cells = page.locator("#sources tr.healthy td").all_inner_texts()
    assert cells[3:6] == ["1", "1", "1"]  # one poll, one new item, one article added
    shot(page, "watch")

    # a reader who last looked before anything happened: every version is marked new
    page.goto(f"{base}/stories/{fire}?since=2000-01-01T00:00:00%2B00:00")
    page.wait_for_selector("#since-banner")
    assert "changes" in page.locator("#since-banner").inner_text()
    versions = page.locator("#changes li.version")
    assert versions.count() >= 2 and page.locator("#changes li.version.new").count() == versions.count()
    assert page.locator("#changes .pill.corroborated").count() >= 1
    page.goto(f"{base}/stories/{fire}?since=2000-01-01T00:00:00%2B00:00#changes")
    page.wait_for_selector("#changes")
    shot(page, "changes")
    # the link carries the latest version's time: following it, nothing is new
    page.click("#since-link")
    page.wait_for_selector("#since-banner")
    assert "Nothing changed since" in page.locator("#since-banner").inner_text()
    assert page.locator("#changes li.version.new").count() == 0

    with page.expect_download() as info:
        page.click("#export-csv")
    download = info.value
    assert download.suggested_filename == f"{fire}-claims.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert rows[0][:2] == ["claim_id", "status"] and len(rows) > 5

    page.click("#exports a:has-text('Tomas Brennan')")
    page.wait_for_selector("h2:has-text('Roles over time')")
    assert "Tomas Brennan" in page.locator("h1").inner_text()
    assert page.locator("blockquote").count() >= 2
    shot(page, "entity")
    page.click("text=Follow: stories naming")
    page.wait_for_selector("#stories .storyrow")
    assert page.locator(f"#stories a[href^='/stories/{fire}']").count() == 1
    # from the story list filtered by a person, one click follows them
    page.goto(base + "/?person=Varga-Kovacs")
    page.click("#follow-filter a")
    page.wait_for_selector("#stories .storyrow")
    assert page.url.endswith("/following?name=Varga-Kovacs")
    assert page.locator(f"#stories a[href^='/stories/{fire}']").count() == 1
    # no script or style refused by the Content-Security-Policy, no broken link or stylesheet
    assert not [e for e in page.console_errors if "Refused" in e] and page.missing == []
