"""Dates: absolute, relative to the publication date, durations apart from points in time."""

from __future__ import annotations

import pytest

from storyline.analyze.dates import calendar_point, find_dates, parse_date


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
                                      ("next Tuesday", None), ("MONDAY, MAY 23, 2005", "2005-05-23"),
                                      ("FEB. 4, 2009", "2009-02-04"), ("BREAKING NEWS", None), ("A", None)])
def test_parse_date(raw, iso):
    day = parse_date(raw)
    assert (day.isoformat() if day else None) == iso


def test_without_publication_date_a_yearless_day_takes_the_year_the_text_gave():
    got = values("The summit met on February 17, 2025. The February 12 call came first, on a Wednesday.", None)
    assert ("February 12", "2025-02-12", "DATE") in got and ("Wednesday", None, "DATE") in got


# What the reference (HeidelTime) covers: quarters, fiscal years, times and parts of day, durations, references,
# dates relative to the last date the text gave, vague sets. Sentences invented; published 1998-02-13 (a Friday).
@pytest.mark.parametrize("text, expected", [
    ("Profit rose in the third quarter.", ("the third quarter", "1998-Q3", "DATE")),
    ("Third-quarter profit rose.", ("Third-quarter", "1998-Q3", "DATE")),
    ("Sales fell in the quarter, the company said.", ("the quarter", "1997-Q4", "DATE")),
    ("Sales fell from the year-ago quarter.", ("the year-ago quarter", "1996-Q4", "DATE")),
    ("It lost money in the first quarter of 1996.", ("the first quarter of 1996", "1996-Q1", "DATE")),
    ("Earnings for fiscal 1997 fell.", ("fiscal 1997", "1997", "DATE")),
    ("Sales in the first half of 1997 grew.", ("the first half of 1997", "1997-H1", "DATE")),
    ("The blast came at 10:35 a.m. Friday.", ("10:35 a.m. Friday", "1998-02-13T10:35", "TIME")),
    ("The deadline is noon Saturday.", ("noon Saturday", "1998-02-14T12:00", "TIME")),
    ("He spoke late this afternoon.", ("late this afternoon", "1998-02-13TAF", "TIME")),
    ("The talks lasted 5 1/2 hours.", ("5 1/2 hours", "PT5H30M", "DURATION")),
    ("Refugees lived in camps for 2 1/2 years.", ("2 1/2 years", "P2Y6M", "DURATION")),
    ("The sites have been used for years.", ("years", "PXY", "DURATION")),
    ("Prices rose in recent weeks.", ("recent weeks", "PXW", "DURATION")),
    ("Shares are now worth less.", ("now", "PRESENT_REF", "DATE")),
    ("Trade was recently resumed.", ("recently", "PAST_REF", "DATE")),
    ("We will see in the future.", ("the future", "FUTURE_REF", "DATE")),
    ("The vote was held on Feb. 2. The previous day, leaders met.", ("The previous day", "1998-02-01", "DATE")),
    ("The vote was held on Feb. 2. Riots broke out the same week.", ("the same week", "1998-W06", "DATE")),
    ("The vote was held on Feb. 2. The next morning, leaders met.", ("The next morning", "1998-02-03TMO", "TIME")),
    ("The plant opened in 1990. Later that year it closed.", ("Later that year", "1990", "DATE")),
    ("The paper is published weekly.", ("weekly", "P1W", "SET")),
    ("The market opens every Monday.", ("every Monday", "XXXX-WXX-1", "SET")),
    ("Unrest swept the country in the 1960s.", ("the 1960s", "196", "DATE")),
    ("Fighting began in January this year.", ("January this year", "1998-01", "DATE")),
    ("Lawmakers met over the weekend.", ("the weekend", "1998-W06-WE", "DATE")),
    ("The shop closes on Christmas Eve.", ("Christmas Eve", "1997-12-24", "DATE")),
    ("Atlanta, nineteen ninety-six.", ("nineteen ninety-six", "1996", "DATE")),
])
def test_reference_coverage(text, expected):
    assert expected in values(text, "1998-02-13")


def test_a_fraction_and_an_ordinal_are_not_durations():
    assert values("Iraq imports about three-quarters of its food. A second group formed.", "1998-02-13") == []


def test_month_without_year_follows_the_tense():
    assert ("February", "1998-02", "DATE") in values("The process began in February.", "1998-12-03")
    assert ("December", "1998-12", "DATE") in values("He will lead a mission in December.", "1998-03-04")


@pytest.mark.parametrize("value, point", [
    ("2025-02-17", ("2025-02-17", "day")), ("2025-02-17T09:30", ("2025-02-17", "day")),
    ("2025-02-17TMO", ("2025-02-17", "day")), ("2025-02", ("2025-02", "month")), ("2025", ("2025", "year")),
    ("2025-W07", None), ("2019-WI", None), ("2025-Q1", None), ("198", None), ("P3D", None), ("PRESENT_REF", None),
    ("2025-02-30", None), ("2025-13", None), (None, None), ("", None), ("XXXX-XX-XX", None)])
def test_calendar_point_is_total(value, point):
    assert calendar_point(value) == point
