"""Domain objects that flow between the pipeline stages (frozen dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RawDocument:
    """One input unit as a reader found it, before cleaning.

    Readers fill what the input gives; cleaning fills the rest from the text.
    """

    path: str  # the input as the user gave it (file, file inside a folder, URL, "-")
    text: str | None = None  # plain body, when the input had one
    html: str | None = None  # web page, when the input had one
    id: str | None = None  # caller-given id (JSON "id"), kept as the article id
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: str | None = None
    language: str | None = None
    line: int | None = None  # line or record number inside the input, for errors


@dataclass(frozen=True)
class Skipped:
    """An input that could not be analysed, with the reason (never silently dropped)."""

    path: str
    reason: str
    code: str
    line: int | None = None


@dataclass(frozen=True)
class DateMention:
    """A time expression in an article's clean text, normalised to TIMEX3."""

    text: str
    value: str | None  # TIMEX3 value; None when relative and no anchor is known
    type: str  # DATE, TIME, DURATION or SET
    start: int  # character offsets into Article.text
    end: int


@dataclass(frozen=True)
class Mention:
    """A named-entity mention inside one article's text."""

    text: str
    label: str  # spaCy-style label (PERSON, ORG, GPE, ...)
    start: int
    end: int
    role: str | None = None  # title attached to this mention ("German Chancellor")


@dataclass(frozen=True)
class QuoteMention:
    """A quotation in one article, with the speaker as written there."""

    text: str
    speaker: str | None  # surface form of the speaker in this article
    direct: bool
    start: int
    end: int
    cue: str | None = None  # the verb or phrase that introduced it ("told", "according to")


@dataclass(frozen=True)
class ClaimMention:
    """A checkable assertion in one article: a sentence or clause, with its numbers."""

    text: str
    start: int  # offsets into Article.text; -1 for a headline that the text does not repeat
    end: int
    numbers: tuple[str, ...] = ()  # numeric expressions with units, as written
    negated: bool = False
    attribution: str | None = None  # who the article says asserted it, if reported speech
    stance: str = "asserted"  # asserted; reported (rumour, "reports say", a question); denied (negated or refuted)
    predicate: str | None = None  # lemma of the main verb: "sign", "kill"
    negated_word: str | None = None  # what a plain negation denies: "play" in "won't play", "dead" in "is not dead"
    outcome: str | None = None  # what it says came of something: "accord - @group | deploy troop" (analyze/outcomes.py)
    act: str | None = None  # an exclusive act, its named doer and thing: "acquire|ORG|oracle|=sun" (analyze/outcomes.py)


@dataclass(frozen=True)
class Article:
    """One clean article with its per-article analysis."""

    id: str
    path: str
    outlet: str | None
    title: str | None
    author: str | None
    published: str | None  # ISO date or date-time of publication
    text: str
    removed: tuple[str, ...]
    origin: str  # id of the article whose text this one repeats, or its own id
    content_hash: str
    url: str | None = None
    dates: tuple[DateMention, ...] = ()
    mentions: tuple[Mention, ...] = ()
    quotes: tuple[QuoteMention, ...] = ()
    claims: tuple[ClaimMention, ...] = ()

    @property
    def source(self) -> str:
        """The outlet, or the input's file name when the outlet is unknown: how reports name this article."""
        return self.outlet or self.path.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Entity:
    """A person, organisation or place resolved across a story's articles."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...]
    roles: tuple[str, ...]
    article_ids: tuple[str, ...]
    mention_count: int = 0


@dataclass(frozen=True)
class Quote:
    """A quotation attributed to a speaker, one entry per article it appears in."""

    text: str
    speaker: str | None
    entity_id: str | None
    article_id: str
    direct: bool
    group: str  # the same quote across articles shares a group id


@dataclass(frozen=True)
class Event:
    """A dated happening on the story's timeline, merged across articles."""

    date: str  # a calendar date: YYYY-MM-DD, YYYY-MM or YYYY
    text: str  # the sentence that dates it
    article_ids: tuple[str, ...]
    precision: str = "day"  # day, month or year: how much of `date` the sources give
    dated_by: str = ""  # the time expression in `text` that gives the date ("Monday", "last February")


@dataclass(frozen=True)
class Claim:
    """An assertion aligned across articles, labelled by independent origins."""

    id: str
    text: str
    status: str  # corroborated, single_source or disputed
    article_ids: tuple[str, ...]
    conflicts_with: tuple[str, ...]
    origins: tuple[str, ...]  # distinct origin ids that assert it
    reason: str  # short human-readable explanation of the status
    sources: tuple[tuple[str, str], ...] = ()  # (article id, sentence as written there)
    stance: str = "asserted"  # asserted when some member asserts it; reported when its articles only report it
    reported_by: tuple[str, ...] = ()  # articles that only report it (rumour, "X claims"): never a corroboration
    happening: str | None = None  # the id of the happening (real-world event) it reports, in Story.happenings


@dataclass(frozen=True)
class Happening:
    """A real-world event several of a story's claims report (another fact about it is another claim)."""

    id: str
    text: str  # the claim that best represents it: the one most independent origins assert
    claim_ids: tuple[str, ...]
    article_ids: tuple[str, ...]
    origins: int  # independent origins that assert some claim about it (statuses stay per claim)
    outlets: tuple[str, ...] = ()


@dataclass(frozen=True)
class SummarySentence:
    text: str
    article_ids: tuple[str, ...]


@dataclass(frozen=True)
class StoryChange:
    """One thing that changed in a story between two of its versions (an ingest that touched it)."""

    version: int  # the story version that brought the change (1: the story started)
    at: str  # ISO time the change was recorded
    kind: str  # story_started, article_joined, new_claim, corroborated, new_origin, disputed, status_changed, dropped
    text: str  # one human-readable sentence saying what changed
    claim_id: str | None = None  # the claim's id in that version (ids are per build; claim text is stable)
    claim: str | None = None  # the claim's text
    before: str | None = None  # status before, for status changes
    after: str | None = None  # status after
    outlets: tuple[str, ...] = ()  # the outlets that brought the change (joined, confirmed, contradicted)
    article_ids: tuple[str, ...] = ()
    earlier_outlets: tuple[str, ...] = ()  # for a status change: the outlets that asserted the claim before it


@dataclass(frozen=True)
class Story:
    id: str
    title: str
    article_ids: tuple[str, ...]
    entities: tuple[Entity, ...] = ()
    quotes: tuple[Quote, ...] = ()
    events: tuple[Event, ...] = ()
    claims: tuple[Claim, ...] = ()
    summary: tuple[SummarySentence, ...] = ()
    changes: tuple[StoryChange, ...] = ()  # the story's history, oldest first (empty without a persistent store)
    happenings: tuple[Happening, ...] = ()  # its claims grouped by the real-world event they report


@dataclass(frozen=True)
class Analysis:
    """The result of a run: what the JSON contract serialises."""

    articles: tuple[Article, ...]
    stories: tuple[Story, ...]
    skipped: tuple[Skipped, ...] = ()
    schema_version: int = 1


@dataclass(frozen=True)
class IngestReport:
    """What one ingest call did to the store."""

    added: tuple[str, ...] = ()  # new article ids
    unchanged: tuple[str, ...] = ()  # already stored, same content hash
    skipped: tuple[Skipped, ...] = ()
    stories_touched: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class CheckReport:
    """What `storyline check` found in a store and what it repaired."""

    articles: int = 0
    stories: int = 0
    problems: tuple[str, ...] = ()  # each a one-line finding, e.g. "3 articles in no story"
    repaired: tuple[str, ...] = ()  # what was done about them (empty when run without repair)

    @property
    def ok(self) -> bool:
        return not self.problems or len(self.repaired) >= len(self.problems)


@dataclass(frozen=True)
class CleanDocument:
    """A document after cleaning: body text, what was removed, and metadata found."""

    path: str
    text: str
    removed: tuple[str, ...]
    title: str | None
    outlet: str | None
    author: str | None
    published: str | None
    id: str | None = None
    url: str | None = None
    line: int | None = None
