"""Dates: absolute, relative to the publication date, durations apart from points in time."""

from __future__ import annotations

import pytest

from storyline.analyze.dates import find_dates, parse_date


def values(text: str, published: str | None = "2025-02-17"):
    return [(m.text, m.value, m.type) for m in find_dates(text, published)]


@pytest.mark.parametrize("text, expected", [
    ("Leaders met on Monday in Paris.", ("Monday", "2025-02-17", "DATE")),
    ("The diplomats were Tuesday due to meet in Riyadh.", ("Tuesday", "2025-02-18", "DATE")),
    ("Scholz had said late Sunday that talks would fail.", ("late Sunday", "2025-02-16", "DATE")),
    ("Zelensky was to visit Saudi Arabia on Wednesday.", ("Wednesday", "2025-02-19", "DATE")),
    ("Trump called Putin last week.", ("last week", "2025-W07", "DATE")),
    ("The phone call on February 12 changed everything.", ("February 12", "2025-02-12", "DATE")),
    ("It was first floated in February 2024.", ("February 2024", "2024-02", "DATE")),
    ("Updated 18-Feb-2025.", ("18-Feb-2025", "2025-02-18", "DATE")),
    ("A plan is due next month.", ("next month", "2025-03", "DATE")),
    ("It happened a year ago.", ("a year ago", "2024", "DATE")),
    ("After three years of war.", ("three years", "P3Y", "DURATION")),
    ("It was organised in under 72 hours.", ("under 72 hours", "PT72H", "DURATION")),
    ("Production should reach 1.2 million annually by 2026.", ("annually", "P1Y", "SET")),
])
def test_expressions(text, expected):
    assert expected in values(text)


def test_range_gives_its_start():
    assert ("February 14–16", "2025-02-14", "DATE") in values("The conference (February 14–16) ended.")


def test_weekday_in_article_published_on_tuesday_is_the_day_before():
    assert values("Leaders met on Monday.", "2025-02-18")[0][1] == "2025-02-17"


def test_relative_expression_without_publication_date_is_listed_unresolved():
    assert values("Leaders met on Monday, February 17, 2025 and again on Tuesday.", None) == [
        ("Monday, February 17, 2025", "2025-02-17", "DATE"), ("Tuesday", None, "DATE")]


def test_offsets_point_into_text():
    text = "In Paris on Monday, leaders met."
    for m in find_dates(text, "2025-02-17"):
        assert text[m.start:m.end] == m.text


def test_may_as_a_verb_is_not_a_month():
    assert values("Leaders may meet again, officials said.") == []


@pytest.mark.parametrize("raw, iso", [("February 17, 2025", "2025-02-17"), ("Sun, Nov 16 2025 06:43:04 pm", "2025-11-16"),
                                      ("18-Feb-2025", "2025-02-18"), ("2025-02-17T09:30:00+01:00", "2025-02-17"),
                                      ("next Tuesday", None)])
def test_parse_date(raw, iso):
    day = parse_date(raw)
    assert (day.isoformat() if day else None) == iso


def test_without_publication_date_a_yearless_day_takes_the_year_the_text_gave():
    got = values("The summit met on February 17, 2025. The February 12 call came first, on a Wednesday.", None)
    assert ("February 12", "2025-02-12", "DATE") in got and ("Wednesday", None, "DATE") in got
