"""Boilerplate and metadata rules, kept as data so they can grow without touching the cleaner.

Each pattern is matched against one stripped line, case-insensitively, unless noted.
A line that is only junk matches from its start to its end (the patterns say so with ^ and $).
"""

from __future__ import annotations

import re

_I = re.IGNORECASE


def _compile(*patterns: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, _I) for p in patterns)


_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|" \
    r"nov(?:ember)?|dec(?:ember)?)\.?"
# A line that is only a date ("on Feb. 04, 2009", "MONDAY, MAY 23, 2005", "16 September 2013 03.31 BST"): a dateline
DATE_LINE = (r"^(?:on\s+)?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
             rf"(?P<date>{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}})"
             r"(?:,?\s+\d{1,2}\s?[:.]\s?\d\d(?:\s*(?:am|pm|a\.m\.|p\.m\.))?(?:\s+[a-z]{2,4})?)?$")

# A line that is only a web address, sometimes tokenised ("http: / / www. cnn. com / 2007 / ..."): at the top of a
# text it says where the page was, not what it says (lower down it may be a link the article lists).
ADDRESS_LINE = re.compile(r"^(https?\s*:\s*/\s*/|www\s*\.\s*\w)\S*(\s+\S+)*$", re.I)

# Whole lines that are never article body, whichever site they come from.
JUNK_LINES: dict[str, tuple[re.Pattern[str], ...]] = {
    "consent": _compile(
        r"^.{0,80}\bcookie (policy|settings|preferences|notice|statement)\b.{0,80}$",
        r"^.*\b(use of cookies|use cookies|uses cookies|accept (all )?cookies|cookie settings)\b.*$",
        r"^.*\bby continuing to (browse|use) (our|this) (site|website)\b.*$",
        r"^(i agree|i accept|accept|accept all|reject all|agree|got it|ok|okay|allow all|manage (preferences|options|cookies)|"
        r"customi[sz]e (settings|choices)|continue without accepting|privacy settings|do not sell my personal information)[.!]?$",
        r"^(our )?privacy (statement|policy|notice)( (&|and) (cookie policy|terms( of (use|service))?))?$",
        r"^(we (value|care about|respect) your privacy|your privacy (choices|matters)|privacy preferences)[.!]?$",
    ),
    "machine_translation": _compile(
        r"^translating\.*$",
        r"^.*\b(automatically (generated|translated) by|machine[- ]translated|translated by (google|microsoft|deepl))\b.*$",
        r"^.*\bis not responsible for (any of )?the translations?\b.*$",
        r"^(show|view) (original|translation)$",
    ),
    "player": _compile(
        r"^error loading (the )?(media|player|video).*$",
        r"^.*\bno playable sources found\b.*$",
        r"^(this video|the video) (is (not|no longer) available|cannot be played).*$",
        r"^(play|pause|mute|unmute|replay|watch|watch now|watch video|video|audio|listen|listen to (this )?article"
        r"|(play|watch) (the )?video|\d+ min(ute)?s? (read|listen))$",
        r"^\(?\d{1,2}:\d{2}(:\d{2})?\)?$",
        r"^(your browser does not support (the )?(video|audio)( tag| element)?).*$",
    ),
    "share": _compile(
        r"^(share|share this( article| story)?|share on (facebook|twitter|x|linkedin|whatsapp)|tweet|email|e-mail|print|"
        r"copy link|link copied|save|bookmark|comments?|\d+ comments?|follow us( on .*)?|"
        r"facebook|twitter|linkedin|whatsapp|reddit|telegram)$",
        r"^(show on website|view on website|open in (app|browser)|read in app)\s*:?.*$",
        r"^click here\b.*$",
        r"^.*\bclick here to (subscribe|read|sign up|download|listen|watch)\b.*$",
        r"^(advertisement|sponsored( content)?|ad|story continues below( advertisement)?|scroll to continue.*|"
        r"continue reading( below)?|skip (to content|advertisement))$",
    ),
    "subscription": _compile(
        r"^.*\b(subscribe (now|today|to (our|the) newsletter)|sign up for (our|the) .*newsletter|"
        r"already a subscriber|log in to continue|create a free account|unlock (this|unlimited) (article|access))\b.*$",
        r"^(remind me later|maybe later|not now|no,? thanks)\.?$",
    ),
    "metadata": _compile(
        r"^,?\s*(last )?updated\b.{0,60}$",
        r"^(document|crawl(ed)?|retrieved|accessed|fetched|scraped)( on)? date\s*:.*$",
        r"^(document date|crawl date|date crawled|retrieved on|accessed on)\b.*$",
        r"^(category|categories|section|tags?|topics?|keywords|filed under|source|language)\s*:.*$",
        r"^(published|posted|first published|publication date|date published)( on| at)?\s*:?\s*.{0,60}$",
        r"^(reading time|read time|word count)\s*:?.*$",
        r"^\d+ min(ute)?s? read$",
        DATE_LINE,
    ),
    "caption": _compile(
        # a credit at the end: "... /Abdul Saboor/Reuters", "(Photo: AFP)", "Photo by X/Getty Images"
        r"^.*\s/\s?[A-Z][\w.'’-]+( [A-Z][\w.'’-]+)*\s?/\s?[A-Z][\w&.'’ -]+$",
        r"^.*\((photo|image|picture|credit|file photo|video)s?( by)?\s*:?[^)]{2,80}\)\.?$",
        r"^(photo|image|picture|photograph|credit|file photo|caption)s?( by)?\s*:.*$",
        r"^.*\b(getty images|afp via getty|ap photo|reuters/[A-Z]\w+|photo credit|©\s*\w+)\S*\s*$",
    ),
}

# A line that opens a block of appeal or promotion; the block runs to its closing line or the end.
BLOCK_OPENERS = _compile(
    r"^a (message|note) from (the )?.{2,60}:?$",
    r"^dear (readers?|friends?|subscribers?)[,!:]?$",
    r"^(support|fund|help) (independent|our|quality) (journalism|reporting|news).*$",
    r"^(before you go|one more thing|we need your help)[.,:!]?.*$",
)
BLOCK_SIGNALS = _compile(
    r"\b(support|donat\w*|contribut\w*|subscri\w*|your help|monthly|membership|paywall|sign up|readers)\b",
)
BLOCK_CLOSERS = _compile(
    r"^(remind me later|maybe later|not now|no,? thanks|donate now|support us|subscribe)\.?$",
    r"^thank you( for .{0,80})?[.!]?$",
)

# Headings after which the rest of a page is link lists, not body.
TAIL_HEADINGS = _compile(
    r"^(search trends|trending( now| topics)?|related( articles| stories| content| news| coverage)?|"
    r"read more|read also|see also|more from .{1,40}|more stories|most (read|popular|viewed)|recommended( for you)?|"
    r"you (may|might) also like|editor'?s picks|latest news|top stories|what to read next|popular now)\s*:?$",
)

# Outlets often name themselves inside their own boilerplate.
OUTLET_SELF_REFERENCES = (
    # wire dateline: "BRACKMOOR, Oct 14 (Northgate Wire) -"
    re.compile(r"^[A-Z][A-Z .'-]+, [A-Z][a-z]{2,8}\.? \d{1,2} \((?P<outlet>[A-Z][\w&.' -]{1,40})\) ?[-–—]"),
    re.compile(r"^(?P<outlet>[A-Z][\w&'’-]*(?: [A-Z][\w&'’-]*){0,4}) (?:staff|newsroom|news desk|reporters)$"),
    re.compile(r"^a (?:message|note) from (?P<outlet>(?:the )?[A-Z][\w&.'’-]*(?: [A-Z][\w&.'’-]*){0,5}):?$", _I),
    re.compile(r"(?:^|[.!?]\s+)(?P<outlet>[A-Z][\w&'’-]*(?: [A-Z][\w&'’-]*){0,4}) is not responsible for\b"),
    re.compile(r"^(?:©|\(c\)|copyright)\s*(?:\d{4}\s*)?(?P<outlet>[A-Z][\w&.'’-]*(?: [A-Z][\w&.'’-]*){0,5})", _I),
    re.compile(r"\bthe journalists of (?P<outlet>(?:The )?[A-Z][\w&.'’-]*(?: [A-Z][\w&.'’-]*){0,4})"),
)

# Words that mark a short stand-alone line at the top of a text as an outlet's name.
OUTLET_WORDS = frozenset("""
network news times post press agency media tv radio journal herald tribune daily gazette wire
chronicle standard express mirror observer bulletin review monitor report reporter dispatch courier
""".split())

# Publication date given in a metadata line (group "date"); a later update or crawl never is.
PUBLISHED_LINES = (
    re.compile(r"^(?:published|posted|first published|publication date|date published)(?: on| at)?\s*:?\s*(?P<date>.+)$", _I),
    re.compile(r"^date\s*:?\s*(?P<date>\d{4}-\d{2}-\d{2})$", _I),
    re.compile(DATE_LINE, _I),
)
# The same, glued in front of the first sentence by a scraper ("date 2025-02-17 European leaders met ...").
PUBLISHED_PREFIX = re.compile(r"^\s*(?:date|published|posted)\s*:?\s*(?P<date>\d{4}-\d{2}-\d{2})(?:[T ][\d:]+)?\s+", _I)
NOT_PUBLISHED = re.compile(r"\b(updated|document date|crawl|retrieved|accessed|modified)\b", _I)

# Bylines: "By Jane Doe", "By Jane Doe and John Roe", "Sarah Coates in Paris", "Jane Doe, Reuters".
_NAME = r"[A-Z][a-zA-Z'’.-]+(?: (?:[A-Z][a-zA-Z'’.-]+|de|da|van|von|der|le|la|di|bin|al))*"
BYLINES = (
    re.compile(rf"^(?:By|BY|by)\s+(?P<author>{_NAME}(?:(?:,| and| &) {_NAME})*)(?:\s*(?:,|\||-|–|—|\bin\b).*)?$"),
    re.compile(r"^(?P<author>[A-Z][a-zA-Z'’.-]+(?: [A-Z][a-zA-Z'’.-]+){1,2}) in (?P<place>[A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+){0,2})$"),
    re.compile(r"^(?P<author>[A-Z][a-zA-Z'’.-]+(?: [A-Z][a-zA-Z'’.-]+){1,2}),? (?:[Ss]taff [Ww]riter|[Cc]orrespondent|[Rr]eporter|[Ee]ditor|[Cc]ontributor)\b.*$"),
)

# Words a sentence ends with; a paragraph ending otherwise may be broken across lines.
TERMINAL = tuple('.!?:;"”’)…]')
