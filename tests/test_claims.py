"""Claims: what a number in a claim counts, and what is no count at all."""

from __future__ import annotations

import pytest

from storyline.analyze.claims import numbers_in


@pytest.mark.parametrize(("text", "expected"), [
    ("Twelve workers were taken to hospital.", ("12 workers",)),
    ("The navy captured 23 pirates off the coast of Somalia.", ("23 pirates",)),
    ("Leaders backed a 3% benchmark and 1.2 million shells.", ("3% benchmark", "1.2 million shells")),
    ("The Philadelphia 76ers fired their 20th coach.", ()),  # a name and an ordinal count nothing
    ("Police arrived at 4: 31 AM and again at 2:30 a.m.", ()),  # times of day
    ("The team finished with a record of 43 - 39.", ()),  # a score
    ("He lasted 52 games before being replaced two years ago.", ("52 games",)),
])
def test_numbers_count_things(text, expected):
    found = numbers_in(text)
    assert tuple(n for n in found if " " in n) == expected
