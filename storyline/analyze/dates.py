"""Time expressions: find them in text and normalise them to TIMEX3 values against an anchor date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ..model import DateMention
from .lexicon import (
    DECADE_WORDS,
    DURATION_UNITS,
    FIXED_HOLIDAYS,
    MONTHS,
    NUMBER_WORDS,
    ORDINALS,
    PARTS_OF_DAY,
    SEASONS,
    TENS,
    WEEKDAY_HOLIDAYS,
    WEEKDAYS,
)

_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|" \
         r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[6-9]\d\d|20\d\d|21\d\d)"
_TENS = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
_NUM = r"(?:\d+(?:\.\d+)?(?: 1/2)?|" + _TENS + r"-(?:one|two|three|four|five|six|seven|eight|nine)|" + \
    "|".join(sorted((w for w in NUMBER_WORDS if w not in ("a", "an")), key=len, reverse=True)) + r")"
_UNIT = r"(?:year|month|week|day|decade|century|centurie|hour|minute|second|quarter)s?"
_PART = r"(?:morning|afternoon|evening|night)"
_DASH = r"\s*[-–—]\s*"
_ORD = r"(?:first|second|third|fourth|1st|2nd|3rd|4th)"
# "early", "late", "earlier", "later", "mid-" narrow an expression and belong to it (TimeML keeps them in the span)
_MOD = r"(?:(?:earlier|later|early|late|mid|the end of|the beginning of|the start of|the middle of)[- ])"
_ZONE = r"(?:\s(?:EST|EDT|GMT|UTC|CST|CDT|PST|PDT|CET|BST|local time))"
_CLOCK = rf"(?:\d{{1,2}}(?::[0-5]\d)?\s?(?:a\.m\.|p\.m\.|am\b|pm\b)|(?<!high )(?<!High )(?:noon|midnight)|[0-2]?\d:[0-5]\d(?={_ZONE}))"
_DAYWORD = rf"(?:{_WEEKDAY}|today|yesterday|tomorrow|tonight)"
_ANAPHOR_UNIT = r"(?:day|morning|afternoon|evening|night|week|weekend|month|year)"
_HOLIDAY = r"(?:Christmas(?: Day| Eve)?|New Year's (?:Day|Eve)|Thanksgiving(?: Day)?|Independence Day|the Fourth of July|" \
           r"Halloween|Valentine's Day|Labor Day|Memorial Day)"
_QUARTER_ADJ = r"(?:comparable|corresponding|same|latest|current|flat|year-earlier|year-ago|year-before|recent|previous|" \
               r"fiscal|calendar|this|that|its|the|a)"
# words after which a capitalised month name is a month ("in May"), not a name or a verb
_MONTH_LEADS = ("in", "by", "since", "until", "from", "during", "through", "for", "before", "after", "early", "late")
_CASE_SENSITIVE = ("month_day_year", "day_month_year", "month_day", "day_month", "month_year", "month_range", "month",
                   "holiday")

# Each pattern: (kind, regex). Earlier patterns win where spans overlap.
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((k, re.compile(p, 0 if k in _CASE_SENSITIVE else re.I)) for k, p in (
    ("iso_datetime", rf"\b{_YEAR}-[01]\d-[0-3]\d[T ][0-2]\d:[0-5]\d\b"),
    ("iso", rf"\b{_YEAR}-[01]\d-[0-3]\d\b"),
    ("dmy_dash", rf"\b{_DAY}-{_MONTH}-{_YEAR}\b"),
    ("clock", rf"\b(?:(?:around|about|approximately|at about|at around|shortly before|shortly after|just before|"
              rf"just after|before|after)\s)?{_CLOCK}{_ZONE}?(?:,?\s(?:on\s)?(?:{_DAYWORD}|{_MONTH} {_DAY}\b))?"
              rf"|\b{_DAYWORD},?\s(?:at\s)?(?:noon|midnight)\b"),
    ("month_range", rf"\b{_MONTH} {_DAY}{_DASH}{_DAY}(?:,? {_YEAR})?\b"),
    ("day_range", rf"\b{_DAY}{_DASH}{_DAY} {_MONTH}(?:,? {_YEAR})?\b"),
    ("month_day_year", rf"\b(?:{_WEEKDAY},? )?{_MONTH} {_DAY},? {_YEAR}\b"),
    ("day_month_year", rf"\b(?:{_WEEKDAY},? )?{_DAY} (?:of )?{_MONTH},? {_YEAR}\b"),
    ("month_day", rf"\b(?:{_WEEKDAY},? )?{_MONTH} {_DAY}\b(?!,? \d)"),
    ("day_month", rf"\b(?:{_WEEKDAY},? )?{_DAY} (?:of )?{_MONTH}\b"),
    ("month_year", rf"\b(?:(?:early|mid|late)[- ])?{_MONTH},? {_YEAR}\b"),
    ("month_rel_year", rf"\b(?:(?:early|mid|late)[- ])?{_MONTH},? (?:of )?(?:this|last|next) year\b"),
    ("half", rf"\b(?:the\s)?(?:first|second)[- ]half(?:\sof)?\s(?:fiscal\s)?{_YEAR}\b|\b{_YEAR}\s(?:first|second)[- ]half\b"),
    ("quarter", rf"\b(?:(?:this|last|next) year's\s|{_YEAR}'s\s)?(?:{_QUARTER_ADJ}[- ]){{0,3}}(?:{_YEAR}[- ])?"
                rf"(?:fiscal[- ])?(?:{_ORD}[- ])?(?:fiscal[- ])?quarter\b(?!-|\s+(?:of\s+(?:a|an|the|its|his|her|their|all|"
                rf"those|these|every)\b|century|mile|inch|hour|point|final|note))"
                rf"(?:,?\s(?:of\s)?(?:(?:fiscal\s)?{_YEAR}|(?:this|next|last) year)\b)?"),
    ("period", rf"\bthe\s(?:(?:year-earlier|year-ago|year-before|latest|comparable|corresponding|{_YEAR})\s){{1,2}}period"
               rf"(?:\s(?:a year (?:ago|earlier)|last year|of {_YEAR}))?\b"),
    ("fiscal", rf"\b(?:fiscal(?:\syear)?|FY)\s?'?{_YEAR}\b"),
    ("the_year", r"(?<!rest of )\bthe\s(?:(?:current|latest|full|whole|entire)\s)?(?:fiscal\s|calendar\s)?year\b"
                 r"(?!-|\s+(?:ago|earlier|before|later|old|and a half|or so|since|after)\b)"),
    ("year_ago_adj", r"\b(?:the\s)?year-(?:ago|earlier)\b(?!\s(?:quarter|period))"),
    ("holiday", rf"\b{_HOLIDAY}(?:,? {_YEAR})?"),
    ("decade", r"\b(?:the\s)?(?:(?:early|late|mid)[- ])?(?:(?:1[6-9]|20)\d0s|'\d0s|(?:twenties|thirties|forties|fifties|"
               r"sixties|seventies|eighties|nineties)\b)"),
    ("century", r"\b(?:the|this|last|next)\s(?:(?:\d{1,2})(?:st|nd|rd|th)\s|past\s)?century\b|\b\d{1,2}(?:st|nd|rd|th)[- ]century\b"),
    # "said that Monday ...": "that" before a weekday is a conjunction far more often than a pointer back
    ("anaphor", rf"\b(?:{_MOD})?(?:that|that same|the same|the previous|the following|the prior|the preceding)\s"
                rf"{_ANAPHOR_UNIT}\b|\b(?:the previous|the following|the next)\s(?:day|morning|afternoon|evening|night|"
                rf"{_WEEKDAY})\b"
                r"|\bthe (?:day|week|month|year|night) (?:before|after)(?! (?:yesterday|tomorrow|last|next|the|a|an|his|her|"
                r"its|their|this|that)\b)|\bthe day (?:before yesterday|after tomorrow)\b"),
    ("ago", rf"\b(?:(?:nearly|almost|about|around|some|more than|less than|over|roughly|just|only|exactly)\s)?"
            rf"(?:{_NUM}|a|an|a few|several) {_UNIT}(?: or so)? (?:ago|earlier|later)\b"),
    ("rel_unit", rf"\b{_MOD}?(?:(?:last|next|this|past|coming|previous|following) (?:week|month|year|weekend|decade|quarter)|"
                 r"this past (?:week|month|year|weekend))\b|\bthe weekend\b"),
    ("this_part", rf"\b{_MOD}?(?:this|last|yesterday|tomorrow) {_PART}\b|\b(?:mid|late|early)[- ]?(?:morning|afternoon|evening)"
                  rf"(?:\s(?:yesterday|today|tomorrow|{_WEEKDAY}))?\b|\b(?:the|that)\s{_PART}\b(?!\s+of\b)|\bmidday\b|\bovernight\b"),
    ("rel_day", rf"\b{_MOD}?(?:yesterday|today|tomorrow|tonight)\b"),
    ("set_weekday", rf"\b(?:every|each) {_WEEKDAY}\b"),
    ("weekday_part", rf"\b(?:(?:last|next|this|on|late|early) )?{_WEEKDAY}(?:'s)? {_PART}\b"),
    ("weekday", rf"\b(?:(?:last|next|this|late|early) )?{_WEEKDAY}\b"),
    ("season", r"\b(?:(?:(?:last|next|this|this past|early|late|the) )?(?:spring|summer|autumn|winter)|"
               r"(?:last|next|this|this past|early|late|the) fall)(?: (?:of )?" + _YEAR + r")?\b"),
    ("vague_duration", r"\b(?:(?:the\s)?(?:past|last|next|coming)\s(?:few|several|couple of)\s|(?:the\s)?(?:recent|coming)\s"
                       r"|(?<=\bfor\s)|(?<=\bwithin\s)|(?<=\bin\s)|several\s|many\s)(?:years|months|weeks|days|decades|hours|minutes|quarters)\b"),
    ("duration", rf"\b(?:(?:more|less|fewer) than |under |over |nearly |almost |about |around |some |at least |up to |"
                 rf"the (?:past|last|next|coming|first|latest) |the )?(?:{_NUM}|a|an|several|a few|many)[- ](?:(?:and a half|consecutive|"
                 rf"straight|full|whole|long|more) )?{_UNIT}(?:(?: and a half)\b)?\b(?![- ]old\b)"
                 r"|\b(?:half an|a half[- ]?)(?:hour|day|year)\b"),
    ("set", r"\b(?:annually|every (?:year|month|week|day)|each (?:year|month|week|day)|daily|weekly|monthly|yearly)\b"),
    ("month", "(?:" + "|".join(rf"(?<=\b{w} )|(?<=\b{w.title()} )" for w in _MONTH_LEADS) + "|"
              rf"(?:\b(?:[Ll]ast|[Nn]ext|[Tt]his|[Ee]arly|[Ll]ate|[Mm]id|(?:[Tt]he )?(?:end|beginning|start|middle) of)[- ]))"
              rf"{_MONTH}(?! \d)\b|(?<=\b[Tt]he )(?!May\b){_MONTH}(?= [a-z]{{4,}})"),
    ("spoken_year", rf"\b(?:(?:the year )?two thousand(?: and (?:one|two|three|four|five|six|seven|eight|nine|ten))?|"
                    rf"nineteen (?:{_TENS}(?:-(?:one|two|three|four|five|six|seven|eight|nine))?|hundred|ten|eleven|twelve|"
                    r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen))\b"),
    ("year", rf"(?:\b(?:early|late|mid|(?:the )?(?:end|beginning|start|middle|spring|summer|autumn|fall|winter) of)[- ])?"
             rf"(?<![\d$€£.,/])(?<!\d-){_YEAR}(?!\d|,\d|%|\.\d)"),
    ("ref", r"\b(?:now|currently|nowadays|recently|lately|at present|presently|these days|at the moment|the (?:near |distant )?future|"
            r"the past)\b(?!\s+(?:few|several|couple|\d|one|two|three|four|five|six|seven|eight|nine|ten|year|month|week|day|"
            r"decade|quarter|century)\b)"),
))

_FUTURE = re.compile(r"\b(?:will|would|shall|'ll)\s+(?:not\s+)?(?:be\s+|have\s+)?[a-z]+\b|"
                     r"\b(as soon as|as early as|will|shall|'ll|due|set to|expected|scheduled|plans?|planned|upcoming|going to|would|to be held|next|ahead of|coming)\b|\b(?:is|are|was|were|am)\s+(?:(?:\w+day|also|still|now|then|not)\s+)?(?:due\s+|set\s+|scheduled\s+|expected\s+|planning\s+|going\s+|preparing\s+|hoping\s+)?to\b", re.I)
_PAST = re.compile(r"\b(had|has|did|was|were|met|held|spoke|called|announced|took|made|gave|went|came|began|won|lost|bought|sold|rose|fell|led|left|told)\b|\b[a-z]{3,}ed\b", re.I)
# The reporting verb ("..., a spokesperson said") dates the report, not the event: it counts only when nothing else does.
_REPORTING = re.compile(r"\b(said|says|told|added|stated|reported)\b", re.I)
_REPORTING_PENALTY = 40
_DEADLINE = re.compile(r"\b(?:until|till|as soon as|as early as|no later than)\s+(?:on\s+|at\s+)?$", re.I)


@dataclass(frozen=True)
class Anchor:
    """What relative expressions are resolved against: the publication date."""

    day: date | None


def parse_date(value: str | None) -> date | None:
    """A calendar date from a metadata string ("2025-02-17", "February 17, 2025", "18-Feb-2025")."""
    if not value:
        return None
    value = value.strip()
    m = re.match(rf"^({_YEAR})-([01]\d)-([0-3]\d)", value)
    if m:
        return _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    for kind in ("dmy_dash", "month_day_year", "day_month_year"):
        found = dict(PATTERNS)[kind].search(value)
        if found:
            parts = _parts(found.group(0))
            if parts.get("year") and parts.get("month") and parts.get("day"):
                return _safe_date(parts["year"], parts["month"], parts["day"])
    m = re.search(rf"\b{_MONTH} {_DAY} ({_YEAR})\b", value)  # "Nov 16 2025"
    if m:
        parts = _parts(m.group(0))
        return _safe_date(parts["year"], parts["month"], parts["day"])
    for fmt in ("%d/%m/%Y", "%Y/%m/%d"):
        try:
            return datetime.strptime(value[:10], fmt).date()
        except ValueError:
            continue
    titled = value.title()
    if value.isupper() and not titled.isupper():  # a dateline set in capitals ("MONDAY, MAY 23, 2005")
        return parse_date(titled)  # once: a title-cased value is not upper case
    return None


_CALENDAR = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T[0-9:]+|T(?:MO|AF|EV|NI|MI|DT))?")
_WEEK = re.compile(r"(\d{4})-W(\d{1,2})(?:-WE)?")


def calendar_point(value: str | None) -> tuple[str, str] | None:
    """The calendar date a TIMEX3 value names and its precision ("day", "month", "year"), or None for anything
    else (weeks, quarters, seasons, decades, durations, sets, PRESENT_REF, malformed values). Never raises."""
    if not value:
        return None
    m = _CALENDAR.fullmatch(value.strip())
    if not m:
        return None
    year, month, day = m.group(1), m.group(2), m.group(3)
    if day is not None:
        d = _safe_date(int(year), int(month), int(day))
        return (d.isoformat(), "day") if d else None
    if month is not None:
        return (f"{year}-{month}", "month") if 1 <= int(month) <= 12 else None
    return year, "year"


def week_of(value: str | None) -> tuple[int, int] | None:
    """ISO (year, week) of a week value ("2025-W07", "2025-W07-WE"), or None. Never raises."""
    m = _WEEK.fullmatch((value or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 53:
        return None
    return int(m.group(1)), int(m.group(2))


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except (ValueError, OverflowError):
        return None


def _parts(text: str) -> dict[str, int]:
    """Year, month and first day named in an absolute expression."""
    out: dict[str, int] = {}
    year = re.search(rf"(?<!\d){_YEAR}(?!\d)", text)
    if year:
        out["year"] = int(year.group(0))
    month = re.search(_MONTH, text, re.I)
    if month:
        out["month"] = MONTHS[month.group(0).rstrip(".").lower()]
    rest = text.replace(year.group(0), " ") if year else text
    day = re.search(r"(?<!\d)(\d{1,2})(?:st|nd|rd|th)?(?!\d)", rest)
    if day:
        out["day"] = int(day.group(1))
    return out


@dataclass
class _Context:
    """What an expression is read against: the publication date and the last date the text itself gave."""

    anchor: date | None
    text: str
    ref_day: date | None = None  # "the previous day" counts from here
    ref_year: int | None = None  # "that year", "later that year"
    ref_quarter: tuple[int, int, int] | None = None  # (year, quarter, offset): "a year ago" after "the third quarter"

    def day(self) -> date | None:
        return self.ref_day or self.anchor

    def year(self) -> int | None:
        return self.ref_year or (self.ref_day.year if self.ref_day else None) or (self.anchor.year if self.anchor else None)


def find_dates(text: str, published: str | date | None) -> list[DateMention]:
    """Every time expression in text, with its TIMEX3 value resolved against the publication date."""
    anchor = published if isinstance(published, date) else parse_date(published)
    spans: list[tuple[int, int, str]] = []
    taken = [False] * (len(text) + 1)
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if start == end or any(taken[start:end]):
                continue
            if kind == "year" and not _plausible_year(text, start, end):
                continue
            if kind == "quarter" and not _plausible_quarter(match.group(0)):
                continue
            # "a second group", "three-quarters of its food": an ordinal and a fraction, not durations
            if kind == "duration" and re.fullmatch(r"(?:a|an|one) second|.*\w-quarters?", match.group(0), re.I):
                continue
            for i in range(start, end):
                taken[i] = True
            spans.append((_trim(kind, match.group(0), start), end, kind))
    spans.sort()
    mentions = []
    context = _Context(anchor, text)
    year_in_text: int | None = None  # without a publication date, "February 12" takes the year the text last gave
    for start, end, kind in spans:
        surface = text[start:end]
        try:
            value, type_ = _normalise(kind, surface, context, start, end)
        except (ValueError, KeyError, AttributeError, OverflowError):  # a malformed expression stays unresolved
            value, type_ = None, "DATE"
        if value is None and anchor is None and year_in_text and kind in _YEARLESS:
            month_day = _parts(surface)
            day = _safe_date(year_in_text, month_day["month"], month_day.get("day", 1)) if "month" in month_day else None
            value = day.isoformat() if day else None
        elif value and kind in _FULL_DATES:
            year_in_text = int(value[:4])
        if value and kind not in _ANAPHORIC:
            _remember(context, value, type_)
        quarter = re.fullmatch(r"(\d{4})-Q([1-4])", value or "")
        if quarter and kind in ("quarter", "period"):
            context.ref_quarter = (int(quarter.group(1)), int(quarter.group(2)), end)
        mentions.append(DateMention(text=surface, value=value, type=type_, start=start, end=end))
    return mentions


_YEARLESS = {"month_range", "day_range", "month_day", "day_month"}
_FULL_DATES = {"iso", "iso_datetime", "dmy_dash", "month_day_year", "day_month_year"}
_ANAPHORIC = {"anaphor", "ago"}


def _remember(context: _Context, value: str, type_: str) -> None:
    """A date the text states becomes the reference for "the next day", "that year" that follow it."""
    if type_ not in ("DATE", "TIME"):
        return
    day = re.match(r"(\d{4})-(\d\d)-(\d\d)", value)
    if day:
        context.ref_day = _safe_date(int(day.group(1)), int(day.group(2)), int(day.group(3))) or context.ref_day
        context.ref_year = int(day.group(1))
    elif re.match(r"\d{4}(?:$|-)", value):
        context.ref_year = int(value[:4])


_ADJECTIVE_DETERMINER = re.compile(r"(?:the|that|this)\s+(?=(?:fiscal[- ])?\S+-quarter\b|year-(?:ago|earlier)$)|"
                                   r"(?:a|an|its|their|his|her)\s+", re.I)


def _trim(kind: str, surface: str, start: int) -> int:
    """TimeML leaves the determiner out of "a third-quarter loss", "its fourth quarter", "the year-ago results"."""
    if kind not in ("quarter", "year_ago_adj"):
        return start
    m = _ADJECTIVE_DETERMINER.match(surface)
    return start + m.end() if m else start


def _plausible_quarter(surface: str) -> bool:
    """ "the third quarter", "its latest quarter": yes; "a quarter" (a fraction) or a bare "quarter": no."""
    low = surface.lower()
    if re.search(_ORD, low) or re.search(_YEAR, low):
        return True
    return bool(re.search(r"\b(the|this|that|its|latest|current|year-ago|year-earlier|comparable|corresponding)\b", low)) \
        and not re.fullmatch(r"(a|an) quarter", low)


def _plausible_year(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 12):start].lower()
    after = text[end:end + 12].lower()
    if re.match(r"\s*(people|troops|soldiers|km|miles|tons|tonnes|euros|dollars|units|votes|metres|meters|kg)\b", after):
        return False
    if re.search(r"(no\.|number|#|page|route|flight|article|room)\s*$", before):
        return False
    return True


def _normalise(kind: str, surface: str, context: _Context, start: int, end: int) -> tuple[str | None, str]:
    anchor, text = context.anchor, context.text
    low = surface.lower()
    parts = _parts(surface)
    if kind == "iso_datetime":
        return surface[:10] + "T" + surface[11:16], "TIME"
    if kind in ("iso", "dmy_dash", "month_day_year", "day_month_year"):
        if kind == "iso":
            return surface, "DATE"
        d = _safe_date(parts["year"], parts["month"], parts["day"]) if len(parts) == 3 else None
        return (d.isoformat() if d else None), "DATE"
    if kind == "clock":
        return _clock(low, surface, context, start, end), "TIME"
    if kind in ("month_range", "day_range", "month_day", "day_month"):
        if "year" in parts:
            d = _safe_date(parts["year"], parts["month"], parts.get("day", 1))
            return (d.isoformat() if d else None), "DATE"
        if anchor is None:
            return None, "DATE"
        d = _year_for(parts["month"], parts.get("day", 1), anchor, _tense(text, start, end))
        return (d.isoformat() if d else None), "DATE"
    if kind == "month_year":
        return f"{parts['year']:04d}-{parts['month']:02d}", "DATE"
    if kind == "month_rel_year":
        if anchor is None:
            return None, "DATE"
        year = anchor.year + (-1 if "last year" in low else 1 if "next year" in low else 0)
        return f"{year:04d}-{parts['month']:02d}", "DATE"
    if kind == "half":
        return f"{parts['year']:04d}-H{1 if 'first' in low else 2}", "DATE"
    if kind in ("quarter", "period"):
        if re.fullmatch(r"that quarter", low) and context.ref_quarter:
            return f"{context.ref_quarter[0]:04d}-Q{context.ref_quarter[1]}", "DATE"
        return _quarter(low, anchor), "DATE"
    if kind == "fiscal":
        return f"{parts['year']:04d}", "DATE"
    if kind == "the_year":
        if re.match(r"\s+(ended|ending)\b", text[end:end + 12]):
            return "P1Y", "DURATION"
        if anchor is None:
            return None, "DATE"
        return f"{anchor.year - (1 if 'latest' in low else 0):04d}", "DATE"
    if kind == "year_ago_adj":
        return (f"{anchor.year - 1:04d}" if anchor else None), "DATE"
    if kind == "holiday":
        return _holiday(low, parts, anchor, _tense(text, start, end)), "DATE"
    if kind == "decade":
        return _decade(low), "DATE"
    if kind == "century":
        return _century(low, anchor), "DATE"
    if kind == "anaphor":
        return _anaphor(low, context)
    if kind == "spoken_year":
        return _spoken_year(low), "DATE"
    if kind == "year":
        return (f"{parts['year']:04d}" if "year" in parts else None), "DATE"
    if kind == "month":
        month = parts["month"]
        if anchor is None:
            return None, "DATE"
        if low.startswith("last"):
            year = anchor.year - 1 if month >= anchor.month else anchor.year
        elif low.startswith("next"):
            year = anchor.year + 1 if month <= anchor.month else anchor.year
        elif low.startswith("this"):
            year = anchor.year
        else:
            found = _year_for(month, 1, anchor, _tense(text, start, end), whole_month=True)
            year = found.year if found else anchor.year
        return f"{year:04d}-{month:02d}", "DATE"
    if kind in ("ago", "year_ago_adj", "rel_unit") and re.search(r"\b(a|one) year (ago|earlier)$|^(the )?year-(ago|earlier)$", low):
        # in results news "a year ago" after "the third quarter" is that quarter a year before
        ref = context.ref_quarter
        if ref and start - ref[2] < 600:
            return f"{ref[0] - 1:04d}-Q{ref[1]}", "DATE"
    if kind == "ago":
        return _ago(low, anchor if low.endswith("ago") else context.day()), "DATE"
    if kind == "rel_unit" and low.endswith("the weekend") and anchor is not None:
        return _weekend(anchor, _tense(text, start, end)), "DATE"
    if kind == "rel_unit":
        return _relative_unit(re.sub(rf"^{_MOD}|^this past ", lambda m: "last " if "past" in m.group(0) else "", low),
                              anchor), "DATE"
    if kind == "rel_day":
        low = re.sub(rf"^{_MOD}", "", low)
        if anchor is None:
            return None, "TIME" if low == "tonight" else "DATE"
        shift = {"yesterday": -1, "today": 0, "tomorrow": 1, "tonight": 0}[low]
        d = anchor + timedelta(days=shift)
        return (d.isoformat() + "TNI", "TIME") if low == "tonight" else (d.isoformat(), "DATE")
    if kind in ("weekday", "weekday_part"):
        day = _weekday(low, anchor, text, start, end)
        if day is None:
            return None, "DATE"
        part = re.search(_PART, low)
        if part:
            return f"{day.isoformat()}T{PARTS_OF_DAY[part.group(0)]}", "TIME"
        return day.isoformat(), "DATE"
    if kind == "this_part":
        return _part_of_day(low, context, start, end), "TIME"
    if kind == "season":
        season = SEASONS[re.search(r"spring|summer|autumn|fall|winter", low).group(0)]  # type: ignore[union-attr]
        if "year" in parts:
            return f"{parts['year']}-{season}", "DATE"
        if anchor is None:
            return None, "DATE"
        year = anchor.year + (1 if low.startswith("next") else -1 if low.startswith("last") else 0)
        if low.startswith("this past") and {"SP": 3, "SU": 6, "FA": 9, "WI": 12}[season] > anchor.month:
            year -= 1
        return f"{year}-{season}", "DATE"
    if kind == "vague_duration":
        unit = re.search(r"(year|month|week|day|decade|hour|minute|quarter)s\b", low).group(1)  # type: ignore[union-attr]
        letter, is_time = DURATION_UNITS[unit]
        return (f"PTX{letter}" if is_time else f"PX{letter}"), "DURATION"
    if kind == "duration":
        return _duration(low), "DURATION"
    if kind == "set_weekday":
        weekday = WEEKDAYS[re.search(_WEEKDAY, surface, re.I).group(0).lower()]  # type: ignore[union-attr]
        return f"XXXX-WXX-{weekday + 1}", "SET"
    if kind == "set":
        unit = "Y" if ("year" in low or "annual" in low) else "M" if "month" in low else "W" if "week" in low else "D"
        return f"P1{unit}", "SET"
    if kind == "ref":
        if low in ("recently", "lately", "the past"):
            return "PAST_REF", "DATE"
        if "future" in low:
            return "FUTURE_REF", "DATE"
        return "PRESENT_REF", "DATE"
    return None, "DATE"


def _spoken_year(low: str) -> str | None:
    if "two thousand" in low:
        rest = re.search(r"and (\w+)", low)
        return f"{2000 + (NUMBER_WORDS.get(rest.group(1), 0) if rest else 0):04d}"
    tail = low.split(" ", 1)[1]
    if tail == "hundred":
        return "1900"
    number = _count(tail)
    return f"{1900 + int(number):04d}" if number is not None else None


def _clock(low: str, surface: str, context: _Context, start: int, end: int) -> str | None:
    """ "9 a.m. Tuesday", "around 7:15 p.m.", "noon Saturday": the day (the publication day unless named) and the hour."""
    anchor = context.anchor
    day: date | None = context.day()  # a bare "10 p.m." is on the day the text is talking about
    named = re.search(rf"{_WEEKDAY}|yesterday|today|tomorrow|tonight", low, re.I)
    if named and named.group(0).lower() in ("today", "tonight"):
        day = anchor
    if named and named.group(0).lower() in ("yesterday", "tomorrow") and anchor:
        day = anchor + timedelta(days=-1 if named.group(0) == "yesterday" else 1)
    elif named and named.group(0).lower() not in ("today", "tonight"):
        day = _weekday(named.group(0), anchor, context.text, start, end)
    month_day = re.search(rf"{_MONTH} {_DAY}", surface)
    if month_day and anchor:
        parts = _parts(month_day.group(0))
        day = _year_for(parts["month"], parts["day"], anchor, None)
    if day is None:
        return None
    if "noon" in low:
        return f"{day.isoformat()}T12:00"
    if "midnight" in low:
        return f"{day.isoformat()}T24:00"
    m = re.search(r"(\d{1,2})(?::(\d\d))?\s?(a\.m\.|p\.m\.|am|pm)?", low)
    if not m:
        return None
    hour, minute = int(m.group(1)), int(m.group(2) or 0)
    if m.group(3) and m.group(3).startswith("p") and hour < 12:
        hour += 12
    elif m.group(3) and m.group(3).startswith("a") and hour == 12:
        hour = 0
    if hour > 24:
        return None
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}"


def _part_of_day(low: str, context: _Context, start: int, end: int) -> str | None:
    anchor = context.anchor
    if anchor is None:
        return None
    part = re.search(r"morning|afternoon|evening|night|midday|overnight", low).group(0)  # type: ignore[union-attr]
    day: date | None = anchor
    if re.search(r"\b(yesterday|last)\b", low):
        day = anchor - timedelta(days=1)
    elif "tomorrow" in low:
        day = anchor + timedelta(days=1)
    elif re.search(_WEEKDAY, low, re.I):
        day = _weekday(re.search(_WEEKDAY, low, re.I).group(0), anchor, context.text, start, end)  # type: ignore[union-attr]
    elif low.startswith(("the ", "that ")):
        day = context.day()
    if day is None:
        return None
    if part == "midday":
        return f"{day.isoformat()}T12:00"
    return f"{day.isoformat()}T{PARTS_OF_DAY[part]}"


def _weekend(anchor: date, tense: str | None) -> str:
    """ "over the weekend": the one before the publication day in the past tense, the next one in the future."""
    if anchor.weekday() >= 5:
        day = anchor
    elif tense == "future" or (tense is None and anchor.weekday() >= 3):
        day = anchor + timedelta(days=5 - anchor.weekday())
    else:
        day = anchor - timedelta(days=anchor.weekday() + 1)
    iso = day.isocalendar()
    return f"{iso[0]:04d}-W{iso[1]:02d}-WE"


def _quarter(low: str, anchor: date | None) -> str | None:
    """ "the third quarter" (of the publication year), "the year-ago quarter", "the latest quarter" (the last one closed)."""
    year_named = re.search(rf"(?<!\d){_YEAR}(?!\d)", low)
    ordinal = re.search(_ORD, low)
    if anchor is None and not year_named:
        return None
    current_q = (anchor.month - 1) // 3 + 1 if anchor else 1
    if ordinal:
        q, year = ORDINALS[ordinal.group(0)], anchor.year if anchor else 0
    elif re.search(r"\b(current|this)\b", low) and "this year's" not in low:
        q, year = current_q, anchor.year if anchor else 0
    elif re.search(r"\bnext\b", low) and "next year's" not in low:
        q, year = current_q + 1, anchor.year if anchor else 0
    else:  # "the quarter", "the latest quarter", "the year-ago period": the last quarter closed before publication
        q, year = current_q - 1, anchor.year if anchor else 0
    if q < 1:
        q, year = q + 4, year - 1
    elif q > 4:
        q, year = q - 4, year + 1
    if year_named:
        year = int(year_named.group(0))
    elif re.search(r"year-ago|year-earlier|year-before|last year|a year (ago|earlier)", low):
        year -= 1
    elif "next year" in low:
        year += 1
    return f"{year:04d}-Q{q}"


def _holiday(low: str, parts: dict[str, int], anchor: date | None, tense: str | None) -> str | None:
    name = re.sub(rf",? {_YEAR}$", "", low)
    def on(year: int) -> date | None:
        if name in FIXED_HOLIDAYS:
            month, day = FIXED_HOLIDAYS[name]
            return _safe_date(year, month, day)
        month, weekday, n = WEEKDAY_HOLIDAYS[name]
        if n > 0:
            first = date(year, month, 1)
            return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
        last = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    if "year" in parts:
        found = on(parts["year"])
        return found.isoformat() if found else None
    if anchor is None:
        return None
    candidates = [d for d in (on(anchor.year - 1), on(anchor.year), on(anchor.year + 1)) if d]
    if tense == "past":
        pool = [d for d in candidates if d <= anchor] or candidates
        return max(pool).isoformat()
    if tense == "future":
        pool = [d for d in candidates if d >= anchor] or candidates
        return min(pool).isoformat()
    return min(candidates, key=lambda d: abs((d - anchor).days)).isoformat()


def _decade(low: str) -> str | None:
    digits = re.search(r"(1[6-9]|20)(\d)0s", low)
    if digits:
        return digits.group(1) + digits.group(2)
    short = re.search(r"'(\d)0s", low)
    if short:
        return "19" + short.group(1)
    word = re.search("|".join(DECADE_WORDS), low)
    return f"19{DECADE_WORDS[word.group(0)]}" if word else None


def _century(low: str, anchor: date | None) -> str | None:
    numbered = re.search(r"(\d{1,2})(?:st|nd|rd|th)", low)
    if numbered:
        return f"{int(numbered.group(1)) - 1:02d}"
    if anchor is None:
        return None
    shift = -1 if re.search(r"\b(last|past)\b", low) else 1 if "next" in low else 0
    return f"{anchor.year // 100 + shift:02d}"


def _anaphor(low: str, context: _Context) -> tuple[str | None, str]:
    """ "the previous day", "that week", "the following year": counted from the last date the text gave."""
    low = re.sub(rf"^{_MOD}", "", low)
    base = context.day()
    if base is None:
        return None, "DATE"
    shift = -1 if re.search(r"\b(previous|prior|preceding|before)\b", low) else \
        1 if re.search(r"\b(following|next|after)\b", low) else 0
    if "before yesterday" in low and context.anchor:
        return (context.anchor - timedelta(days=2)).isoformat(), "DATE"
    if "after tomorrow" in low and context.anchor:
        return (context.anchor + timedelta(days=2)).isoformat(), "DATE"
    weekday = re.search(_WEEKDAY, low, re.I)
    if weekday:
        target = WEEKDAYS[weekday.group(0).lower()]
        if shift >= 0:
            return (base + timedelta(days=(target - base.weekday() - 1) % 7 + 1)).isoformat(), "DATE"
        return (base - timedelta(days=(base.weekday() - target - 1) % 7 + 1)).isoformat(), "DATE"
    unit = re.search(_ANAPHOR_UNIT, low).group(0)  # type: ignore[union-attr]
    if unit in PARTS_OF_DAY:
        return f"{(base + timedelta(days=shift)).isoformat()}T{PARTS_OF_DAY[unit]}", "TIME"
    if unit == "day":
        return (base + timedelta(days=shift)).isoformat(), "DATE"
    if unit in ("week", "weekend"):
        iso = (base + timedelta(weeks=shift)).isocalendar()
        return f"{iso[0]:04d}-W{iso[1]:02d}" + ("-WE" if unit == "weekend" else ""), "DATE"
    if unit == "month":
        y, m = divmod(base.year * 12 + base.month - 1 + shift, 12)
        return f"{y:04d}-{m + 1:02d}", "DATE"
    year = context.year()
    return (f"{year + shift:04d}" if year else None), "DATE"


def _year_for(month: int, day: int, anchor: date, tense: str | None = None, whole_month: bool = False) -> date | None:
    """A month (and day) with no year: the occurrence nearest the anchor, the sentence's tense weighing against
    the other side (news looks back more than ahead)."""
    candidates = [c for c in (_safe_date(y, month, day) for y in (anchor.year - 1, anchor.year, anchor.year + 1)) if c]
    if not candidates:
        return None
    if whole_month:
        # counted in months; the tense weighs six to one, so "began in February" in December is last February
        # but "gave them until mid-November" at the end of October is this November
        ahead_m = 6.0 if tense == "past" else 1.0 if tense == "future" else 1.5
        behind_m = 6.0 if tense == "future" else 1.0

        def months(candidate: date) -> float:
            delta = (candidate.year - anchor.year) * 12 + candidate.month - anchor.month
            return delta * ahead_m if delta > 0 else -delta * behind_m

        return min(candidates, key=months)
    ahead = 3.0 if tense == "past" else 1.0 if tense == "future" else 1.5
    behind = 3.0 if tense == "future" else 1.0

    def cost(candidate: date) -> float:
        delta = (candidate - anchor).days
        return delta * ahead if delta > 0 else -delta * behind

    return min(candidates, key=cost)


def _count(word: str) -> float | None:
    word = word.lower()
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(?: 1/2)?", word)
    if m:
        return float(m.group(1)) + (0.5 if word.endswith("1/2") else 0)
    tens = re.fullmatch(rf"({_TENS})-(\w+)", word)
    if tens:
        unit = NUMBER_WORDS.get(tens.group(2))
        return TENS[tens.group(1)] + unit if unit else None
    return NUMBER_WORDS.get(word)


def _ago(low: str, anchor: date | None) -> str | None:
    m = re.search(rf"(?:^|\s)({_NUM}|a|an|a few|several) (year|month|week|day|decade|hour|minute|quarter)s?(?: or so)? "
                  r"(ago|earlier|later)$", low)
    if not m or anchor is None:
        return None if anchor is None else "PAST_REF"
    n = _count(m.group(1)) if m.group(1) not in ("a few", "several") else None
    unit = m.group(2)
    if n is None:
        return "PAST_REF" if m.group(3) != "later" else "FUTURE_REF"
    n_int = int(n) * (1 if m.group(3) == "later" else -1)
    if unit == "year":
        return f"{anchor.year + n_int:04d}"
    if unit == "decade":
        return f"{(anchor.year + 10 * n_int) // 10:03d}"
    if unit == "month":
        y, mth = divmod(anchor.year * 12 + anchor.month - 1 + n_int, 12)
        return f"{y:04d}-{mth + 1:02d}"
    if unit == "quarter":
        q = anchor.year * 4 + (anchor.month - 1) // 3 + n_int
        return f"{q // 4:04d}-Q{q % 4 + 1}"
    if unit == "week":
        iso = (anchor + timedelta(weeks=n_int)).isocalendar()
        return f"{iso[0]:04d}-W{iso[1]:02d}"
    if unit == "day":
        return (anchor + timedelta(days=n_int)).isoformat()
    return anchor.isoformat()


def _relative_unit(low: str, anchor: date | None) -> str | None:
    if anchor is None:
        return None
    words = low.split()
    unit = words[-1]
    if words[0] == "the":
        words[0] = "this"
    shift = -1 if words[0] in ("last", "past", "previous") else 1 if words[0] in ("next", "coming", "following") else 0
    if unit == "week":
        iso = (anchor + timedelta(weeks=shift)).isocalendar()
        return f"{iso[0]:04d}-W{iso[1]:02d}"
    if unit == "weekend":
        iso = (anchor + timedelta(weeks=shift)).isocalendar()
        return f"{iso[0]:04d}-W{iso[1]:02d}-WE"
    if unit == "month":
        y, mth = divmod(anchor.year * 12 + anchor.month - 1 + shift, 12)
        return f"{y:04d}-{mth + 1:02d}"
    if unit == "year":
        return f"{anchor.year + shift:04d}"
    if unit == "quarter":
        q = (anchor.month - 1) // 3 + shift
        y = anchor.year + q // 4
        return f"{y:04d}-Q{q % 4 + 1}"
    if unit == "decade":
        return f"{(anchor.year // 10) + shift:03d}"
    return None


def _weekday(low: str, anchor: date | None, text: str, start: int, end: int) -> date | None:
    if anchor is None:
        return None
    name = re.search(_WEEKDAY, low, re.I).group(0).lower()  # type: ignore[union-attr]
    target = WEEKDAYS[name]
    back = (anchor.weekday() - target) % 7
    previous, following = anchor - timedelta(days=back), anchor + timedelta(days=(target - anchor.weekday()) % 7)
    if low.startswith("last"):
        return previous if back else anchor - timedelta(days=7)
    if low.startswith("next"):
        return following if following != anchor else anchor + timedelta(days=7)
    tense = _tense(text, start, end)
    if tense == "future":
        return following
    if tense == "past":
        return previous
    return previous if (anchor - previous) <= (following - anchor) else following


def _tense(text: str, start: int, end: int) -> str | None:
    """Past or future, from the cue word nearest the expression inside its sentence."""
    # "postponed until Tuesday", "as early as next week": a deadline or a target lies ahead whatever the verb's tense
    if _DEADLINE.search(text[max(0, start - 16):start]):
        return "future"
    left_edge = max(0, text.rfind(". ", 0, start), text.rfind("\n", 0, start), start - 80)
    right_edge = min(x for x in (text.find(". ", end), text.find("\n", end), end + 50) if x >= 0)
    before, after = text[left_edge:start], text[end:right_edge]
    best: tuple[int, str] | None = None
    for span, offset, direction in ((before, start, -1), (after, end, 1)):
        for pattern, tense in ((_FUTURE, "future"), (_PAST, "past"), (_REPORTING, "past")):
            for m in pattern.finditer(span):
                if pattern is _PAST and _REPORTING.fullmatch(m.group(0)):
                    continue
                position = left_edge + m.start() if direction < 0 else end + m.start()
                distance = offset - (left_edge + m.end()) if direction < 0 else position - offset
                # "said on Thursday": a reporting verb right before the expression does govern it
                adjacent = direction < 0 and distance <= 4
                penalty = _REPORTING_PENALTY if pattern is _REPORTING and not adjacent else 0
                candidate = (distance + penalty, tense)  # on a tie "future" sorts first: "were Tuesday due to meet"
                if best is None or candidate < best:
                    best = candidate
    if best is None or best[0] > 60 + _REPORTING_PENALTY:
        return None
    return best[1]


def _duration(low: str) -> str | None:
    if re.search(r"\bhalf an\b|\ba half[- ]?", low) and not re.search(r"and a half", low):
        unit = re.search(r"hour|day|year", low).group(0)  # type: ignore[union-attr]
        return {"hour": "PT30M", "day": "PT12H", "year": "P6M"}[unit]
    m = re.search(rf"({_NUM}|a|an|several|a few|many)[- ](?:(?:and a half|consecutive|straight|full|whole|long|more) )?({_UNIT})",
                  low)
    if not m:
        return None
    unit_word = re.sub(r"s$", "", m.group(2)).replace("centurie", "century")
    letter, is_time = DURATION_UNITS.get(unit_word, ("D", False))
    n = _count(m.group(1))
    if n is not None and "and a half" in low:
        n += 0.5
    if n is not None and not float(n).is_integer():
        # TIMEX3 has no fractions: half a unit is written in the next smaller one (5 1/2 hours -> PT5H30M)
        smaller = {"Y": ("M", 12), "D": ("H", 24), "H": ("M", 60), "W": ("D", 7), "M": ("D", 30)}
        if unit_word == "year" and int(n):
            return f"P{int(n)}Y{round((n - int(n)) * 12)}M"
        if unit_word == "hour":
            return f"PT{int(n)}H{round((n - int(n)) * 60)}M" if int(n) else f"PT{round(n * 60)}M"
        if letter in smaller and not is_time:
            small, factor = smaller[letter]
            return f"PT{round(n * factor)}{small}" if small == "H" else f"P{round(n * factor)}{small}"
    amount = "X" if n is None else (str(int(n)) if float(n).is_integer() else str(n))
    return f"PT{amount}{letter}" if is_time else f"P{amount}{letter}"
