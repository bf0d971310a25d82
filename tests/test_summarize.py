"""Timeline: events sit on calendar dates with a precision; styles, decades, durations and odd values date nothing.
Briefing: disputes say what is in dispute and which outlets say what."""

from __future__ import annotations

from dataclasses import replace

from storyline.analyze.dates import find_dates
from storyline.model import Article, Claim, ClaimMention, DateMention
from storyline.summarize import _within, briefing, dispute_sentence, timeline


def article(i: str, text: str, dates: tuple[DateMention, ...] | None = None) -> Article:
    found = tuple(find_dates(text, "2025-02-17")) if dates is None else dates
    claims = (ClaimMention(text=text, start=0, end=len(text)),)
    return Article(id=i, path=i, outlet=i, title=None, author=None, published="2025-02-17", text=text, removed=(),
                   origin=i, content_hash=i, dates=found, claims=claims)


def claim(cid: str, *arts: Article) -> Claim:
    return Claim(id=cid, text=arts[0].text, status="corroborated", article_ids=tuple(a.id for a in arts),
                 conflicts_with=(), origins=tuple(a.id for a in arts), reason="", sources=tuple((a.id, a.text) for a in arts))


def test_an_event_has_a_calendar_date_its_precision_and_the_sentence_that_dates_it():
    a = article("a", "The ministers met on Monday in Paris.")
    events = timeline([a], [claim("c1", a)])
    assert [(e.date, e.precision, e.dated_by, e.text) for e in events] == [
        ("2025-02-17", "day", "Monday", "The ministers met on Monday in Paris.")]


def test_month_and_year_precision():
    a = article("a", "The plant opened in March 2019 and closed in 2021.")
    events = timeline([a], [claim("c1", a)])
    assert {(e.date, e.precision) for e in events} == {("2019-03", "month"), ("2021", "year")}


def test_decades_styles_durations_and_references_are_not_events():
    texts = ["The hall has 1950s-style lamps and was rebuilt nearly two decades ago.",
             "Talks have gone on for three years, and now the parties meet every Monday.",
             "A 2019-era law still applies to the 44-year-old plant.",
             "The post-1989 order and pre-2008 budgets are gone."]
    arts = [article(str(i), t) for i, t in enumerate(texts)]
    events = timeline(arts, [claim(f"c{i}", a) for i, a in enumerate(arts)])
    assert events == []


def test_a_week_merges_into_the_dated_event_and_never_stands_alone():
    a = article("a", "Trump called Putin on February 12.")
    b = article("b", "Trump called Putin last week.")
    both = timeline([a, b], [claim("c1", a, b)])
    assert [(e.date, set(e.article_ids)) for e in both] == [("2025-02-12", {"a", "b"})]
    assert timeline([b], [claim("c1", b)]) == []


def test_any_timex_value_is_safe():
    odd = ("2019-WI", "2019-W", "2019-W99", "2019-Q5", "2019-13", "2019-02-30", "19XX", "XXXX-WXX-1", "198", "P3D",
           "PRESENT_REF", "2019-02-17TMO", "2019-02-17T25:99", "", "2019-SU", "2019-H1")
    text = "Something happened then."
    dates = tuple(DateMention(text="then", value=v, type="DATE", start=20, end=24) for v in odd)
    a = article("a", text, dates)
    events = timeline([a], [claim("c1", a)])
    assert {e.date for e in events} == {"2019-02-17"}  # the only calendar date among them (the part of day dropped)
    for v in odd:
        for w in odd:
            _within(v, w)  # never raises


def test_a_pronoun_speaker_is_named_only_beside_a_speech_verb():
    from storyline.summarize import _with_name

    assert _with_name("The plant is safe, she said.", "Mayor Ilse Varga") == "The plant is safe, Mayor Ilse Varga said."
    assert _with_name("It is over, warns he.", "Tomas Brennan") == "It is over, warns Tomas Brennan."
    # the first pronoun walks, the second speaks: only the speaker is named
    assert (_with_name("She left and later he added that it was fine.", "Tomas Brennan")
            == "She left and later Tomas Brennan added that it was fine.")
    assert _with_name("He walked out of the meeting.", "Tomas Brennan") == "He walked out of the meeting."
    # another person named before the pronoun may be the one speaking: left as written
    text = "It followed Anna Kovac's call with Piet Smit, during which he announced talks."
    assert _with_name(text, "Mayor Tomas Brennan", others={"Anna Kovac", "Piet Smit"}) == text
    assert _with_name("It is over, he said.", "Tomas Brennan", others={"Anna Kovac"}) == "It is over, Tomas Brennan said."


def outlet(i: str, name: str, *claims: ClaimMention) -> Article:
    return Article(id=i, path=i, outlet=name, title=None, author=None, published="2025-02-17", text="x", removed=(),
                   origin=i, content_hash=i, claims=claims)


def test_a_figure_dispute_says_what_is_counted_and_who_gives_which_figure():
    articles = {a.id: a for a in (outlet("1", "Ledger"), outlet("2", "Courier"), outlet("3", "Herald"))}
    nine, twelve = "Nine workers were taken to hospital after the blast.", "Twelve workers were taken to hospital."
    sides = [Claim("c1", nine, "disputed", ("1", "2"), ("c2",), ("1", "2"), "", sources=(("1", nine), ("2", nine))),
             Claim("c2", twelve, "disputed", ("3",), ("c1",), ("3",), "", sources=(("3", twelve),))]
    assert dispute_sentence(sides, articles) == \
        "Sources disagree on how many workers were taken to hospital: nine (Courier, Ledger); twelve (Herald)."
    # the figure may sit in another member of the group than the one shown
    shown = Claim("c3", "The blast shook the plant.", "disputed", ("1",), ("c2",), ("1",), "",
                  sources=(("1", "The blast shook the plant."), ("2", nine)))
    assert dispute_sentence([shown, sides[1]], articles) == \
        "Sources disagree on how many workers were taken to hospital: nine (Courier); twelve (Herald)."


def test_an_outcome_dispute_and_a_denial_say_who_says_what():
    agreed = ClaimMention(text="Leaders agreed to a new target.", start=0, end=31, outcome="accord + @group | target")
    none = ClaimMention(text="The meeting produced no agreement.", start=0, end=34, stance="denied",
                        outcome="accord - @group | ")
    # "leaders" is written in lower case in a text: a common word, lower-cased inside the sentence
    articles = {a.id: replace(a, text="Talks ended as the leaders left.") for a in (
        outlet("1", "Ledger", agreed), outlet("2", "Courier", none), outlet("3", "Herald"))}
    sides = [Claim("c1", agreed.text, "disputed", ("1",), ("c2",), ("1",), "", sources=(("1", agreed.text),)),
             Claim("c2", none.text, "disputed", ("2", "3"), ("c1",), ("2", "3"), "", sources=(("2", none.text),),
                   stance="denied")]
    assert dispute_sentence(sides, articles) == ("Sources disagree on whether an agreement was reached: Ledger says "
                                                 "leaders agreed to a new target; Courier, Herald say the meeting "
                                                 "produced no agreement.")
    plain = [sides[0], Claim("c2", "Leaders did not agree to a new target.", "disputed", ("2",), ("c1",), ("2",), "",
                             stance="denied")]
    assert dispute_sentence(plain, articles) == \
        "Sources disagree on whether leaders agreed to a new target: Ledger reports it; Courier denies it."


def test_the_briefing_puts_a_dispute_before_claims_fewer_outlets_agree_on():
    articles = [outlet(i, name) for i, name in (("1", "Ledger"), ("2", "Courier"), ("3", "Herald"))]
    claims = [Claim("c1", "The plant opened in 1990.", "corroborated", ("1", "2"), (), ("1", "2"), ""),
              Claim("c2", "Nine workers were hurt.", "disputed", ("1",), ("c3",), ("1",), ""),
              Claim("c3", "Twelve workers were hurt.", "disputed", ("3",), ("c2",), ("3",), "")]
    summary = briefing(claims, articles, 2)
    assert summary[0].text.startswith("Sources disagree on how many workers were hurt")
    assert set(summary[0].article_ids) == {"1", "3"}
