"""Time expressions: find them in text and normalise them to TIMEX3 values against an anchor date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ..model import DateMention
from .lexicon import DURATION_UNITS, MONTHS, NUMBER_WORDS, PARTS_OF_DAY, SEASONS, WEEKDAYS

_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|" \
         r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[6-9]\d\d|20\d\d|21\d\d)"
_NUM = r"(?:\d+(?:\.\d+)?|" + "|".join(sorted((w for w in NUMBER_WORDS if w not in ("a", "an")), key=len, reverse=True)) + r")"
_UNIT = r"(?:year|month|week|day|decade|century|centurie|hour|minute|second|quarter)s?"
_PART = r"(?:morning|afternoon|evening|night)"
_DASH = r"\s*[-–—]\s*"

# Each pattern: (kind, regex). Earlier patterns win where spans overlap; longer spans win ties.
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((k, re.compile(p, re.I if k not in ("month_day_year", "day_month_year", "month_day", "day_month", "month_year", "month_range", "month") else 0)) for k, p in (
    ("iso_datetime", rf"\b{_YEAR}-[01]\d-[0-3]\d[T ][0-2]\d:[0-5]\d\b"),
    ("iso", rf"\b{_YEAR}-[01]\d-[0-3]\d\b"),
    ("dmy_dash", rf"\b{_DAY}-{_MONTH}-{_YEAR}\b"),
    ("month_range", rf"\b{_MONTH} {_DAY}{_DASH}{_DAY}(?:,? {_YEAR})?\b"),
    ("day_range", rf"\b{_DAY}{_DASH}{_DAY} {_MONTH}(?:,? {_YEAR})?\b"),
    ("month_day_year", rf"\b(?:{_WEEKDAY},? )?{_MONTH} {_DAY},? {_YEAR}\b"),
    ("day_month_year", rf"\b(?:{_WEEKDAY},? )?{_DAY} (?:of )?{_MONTH},? {_YEAR}\b"),
    ("month_day", rf"\b(?:{_WEEKDAY},? )?{_MONTH} {_DAY}\b(?!,? \d)"),
    ("day_month", rf"\b(?:{_WEEKDAY},? )?{_DAY} (?:of )?{_MONTH}\b"),
    ("month_year", rf"\b(?:(?:early|mid|late)[- ])?{_MONTH},? {_YEAR}\b"),
    ("decade", r"\b(?:the )?(?:1[6-9]|20)\d0s\b"),
    ("ago", rf"\b(?:{_NUM}|a|an|a few|several) {_UNIT} ago\b"),
    ("rel_unit", r"\b(?:last|next|this|past|coming|previous|following) (?:week|month|year|weekend|decade|quarter)\b|\bthe weekend\b"),
    ("rel_unit_adv", r"\b(?:earlier|later) this (?:week|month|year)\b"),
    ("this_part", rf"\b(?:this|last|yesterday|tomorrow) {_PART}\b"),
    ("rel_day", r"\b(?:yesterday|today|tomorrow|tonight)\b"),
    ("set_weekday", rf"\b(?:every|each) {_WEEKDAY}\b"),
    ("weekday_part", rf"\b(?:(?:last|next|this|on|late|early) )?{_WEEKDAY}(?:'s)? {_PART}\b"),
    ("weekday", rf"\b(?:(?:last|next|this|late|early) )?{_WEEKDAY}\b"),
    ("season", r"\b(?:(?:(?:last|next|this|early|late|in the|the) )?(?:spring|summer|autumn|winter)|(?:last|next|this|early|late|in the|the) fall)(?: (?:of )?" + _YEAR + r")?\b"),
    ("duration", rf"\b(?:(?:more|less|fewer) than |under |over |nearly |almost |about |around |some |at least |the (?:past|last|next|coming|first) )?(?:{_NUM}|a|an|several|a few|many)[- ](?:(?:consecutive|straight|full|whole|long|more) )?{_UNIT}\b"),
    ("set", r"\b(?:annually|every (?:year|month|week|day)|each (?:year|month|week|day)|daily|weekly|monthly|yearly)\b"),
    ("month", rf"\b(?:(?:in|since|until|by|from|during|through|last|next|this|early|late|mid|(?:the )?(?:end|beginning|start|middle) of)[- ]){_MONTH}\b"),
    ("year", rf"(?<![\d$€£.,/])(?<!\d-){_YEAR}(?!\d|,\d|%|\.\d)"),
    ("ref", r"\b(?:now|currently|nowadays|recently|in the past|in (?:the )?future|the coming (?:days|weeks|months|years)|these days|at the moment|soon)\b"),
))

_FUTURE = re.compile(r"\b(will|shall|'ll|due|set to|expected|scheduled|plans?|planned|upcoming|going to|would|to be held|next|ahead of|coming)\b|\b(?:is|are|was|were|am)\s+(?:(?:\w+day|also|still|now|then|not)\s+)?(?:due\s+|set\s+|scheduled\s+|expected\s+)?to\b", re.I)
_PAST = re.compile(r"\b(had|has|did|was|were|met|held|spoke|called|announced|took|made|gave|went|came|began|won|lost|last)\b|\b[a-z]{3,}ed\b", re.I)
# The reporting verb ("..., a spokesperson said") dates the report, not the event: it counts only when nothing else does.
_REPORTING = re.compile(r"\b(said|says|told|added|stated|reported)\b", re.I)
_REPORTING_PENALTY = 40


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
    return None


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
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


def find_dates(text: str, published: str | date | None) -> list[DateMention]:
    """Every time expression in text, with its TIMEX3 value resolved against the publication date."""
    anchor = published if isinstance(published, date) else parse_date(published)
    spans: list[tuple[int, int, str]] = []
    taken = [False] * (len(text) + 1)
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(taken[start:end]):
                continue
            if kind == "year" and not _plausible_year(text, start, end):
                continue
            for i in range(start, end):
                taken[i] = True
            spans.append((start, end, kind))
    spans.sort()
    mentions = []
    year_in_text: int | None = None  # without a publication date, "February 12" takes the year the text last gave
    for start, end, kind in spans:
        surface = text[start:end]
        value, type_ = _normalise(kind, surface, anchor, text, start, end)
        if value is None and anchor is None and year_in_text and kind in _YEARLESS:
            month_day = _parts(surface)
            day = _safe_date(year_in_text, month_day["month"], month_day.get("day", 1))
            value = day.isoformat() if day else None
        elif value and kind in _FULL_DATES:
            year_in_text = int(value[:4])
        mentions.append(DateMention(text=surface, value=value, type=type_, start=start, end=end))
    return mentions


_YEARLESS = {"month_range", "day_range", "month_day", "day_month"}
_FULL_DATES = {"iso", "iso_datetime", "dmy_dash", "month_day_year", "day_month_year"}


def _plausible_year(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 12):start].lower()
    after = text[end:end + 12].lower()
    if re.match(r"\s*(people|troops|soldiers|km|miles|tons|tonnes|euros|dollars|units|votes|metres|meters|kg)\b", after):
        return False
    if re.search(r"(no\.|number|#|page|route|flight|article|room)\s*$", before):
        return False
    return True


def _normalise(kind: str, surface: str, anchor: date | None, text: str, start: int, end: int) -> tuple[str | None, str]:
    low = surface.lower()
    parts = _parts(surface)
    if kind == "iso_datetime":
        return surface[:10] + "T" + surface[11:16], "TIME"
    if kind in ("iso", "dmy_dash", "month_day_year", "day_month_year"):
        if kind == "iso":
            return surface, "DATE"
        d = _safe_date(parts["year"], parts["month"], parts["day"]) if len(parts) == 3 else None
        return (d.isoformat() if d else None), "DATE"
    if kind in ("month_range", "day_range", "month_day", "day_month"):
        if "year" in parts:
            d = _safe_date(parts["year"], parts["month"], parts.get("day", 1))
            return (d.isoformat() if d else None), "DATE"
        if anchor is None:
            return None, "DATE"
        d = _year_for(parts["month"], parts.get("day", 1), anchor)
        return (d.isoformat() if d else None), "DATE"
    if kind == "month_year":
        return f"{parts['year']:04d}-{parts['month']:02d}", "DATE"
    if kind == "decade":
        digits = re.search(r"\d{3}", surface)
        return (digits.group(0) if digits else None), "DATE"
    if kind == "year":
        return surface, "DATE"
    if kind == "month":
        month = parts["month"]
        if anchor is None:
            return None, "DATE"
        if low.startswith("last"):
            year = anchor.year - 1 if month >= anchor.month else anchor.year
        elif low.startswith("next"):
            year = anchor.year + 1 if month <= anchor.month else anchor.year
        else:
            year = _year_for(month, 1, anchor).year  # type: ignore[union-attr]
        return f"{year:04d}-{month:02d}", "DATE"
    if kind == "ago":
        return _ago(low, anchor), "DATE"
    if kind in ("rel_unit", "rel_unit_adv"):
        return _relative_unit(low, anchor), "DATE"
    if kind == "rel_day":
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
        if anchor is None:
            return None, "TIME"
        shift = -1 if low.startswith(("yesterday", "last")) else 1 if low.startswith("tomorrow") else 0
        part_name = re.search(_PART, low).group(0)  # type: ignore[union-attr]
        return f"{(anchor + timedelta(days=shift)).isoformat()}T{PARTS_OF_DAY[part_name]}", "TIME"
    if kind == "season":
        season = SEASONS[re.search(r"spring|summer|autumn|fall|winter", low).group(0)]  # type: ignore[union-attr]
        if "year" in parts:
            return f"{parts['year']}-{season}", "DATE"
        if anchor is None:
            return None, "DATE"
        year = anchor.year + (1 if low.startswith("next") else -1 if low.startswith("last") else 0)
        return f"{year}-{season}", "DATE"
    if kind == "duration":
        return _duration(low), "DURATION"
    if kind == "set_weekday":
        weekday = WEEKDAYS[re.search(_WEEKDAY, surface).group(0).lower()]  # type: ignore[union-attr]
        return f"XXXX-WXX-{weekday + 1}", "SET"
    if kind == "set":
        unit = "Y" if ("year" in low or "annual" in low) else "M" if "month" in low else "W" if "week" in low else "D"
        return f"P1{unit}", "SET"
    if kind == "ref":
        if low in ("now", "currently", "nowadays", "these days", "at the moment"):
            return "PRESENT_REF", "DATE"
        if low in ("recently", "in the past"):
            return "PAST_REF", "DATE"
        return "FUTURE_REF", "DATE"
    return None, "DATE"


def _year_for(month: int, day: int, anchor: date) -> date | None:
    """A month and day with no year: the occurrence nearest the anchor (news looks back more than ahead)."""
    best: date | None = None
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        candidate = _safe_date(year, month, day)
        if candidate is None:
            continue
        delta = (candidate - anchor).days
        score = abs(delta) if delta <= 0 else abs(delta) * 1.5
        if best is None or score < abs((best - anchor).days) * (1.5 if best > anchor else 1):
            best = candidate
    return best


def _count(word: str) -> float | None:
    word = word.lower()
    if re.fullmatch(r"\d+(\.\d+)?", word):
        return float(word)
    return NUMBER_WORDS.get(word)


def _ago(low: str, anchor: date | None) -> str | None:
    m = re.match(r"(.+?) (year|month|week|day|decade|hour|minute)s? ago", low)
    if not m or anchor is None:
        return None if anchor is None else "PAST_REF"
    n = _count(m.group(1).split()[-1]) if m.group(1) not in ("a few", "several") else None
    unit = m.group(2)
    if n is None:
        return "PAST_REF"
    n_int = int(n)
    if unit == "year":
        return f"{anchor.year - n_int:04d}"
    if unit == "decade":
        return f"{(anchor.year - 10 * n_int) // 10:03d}"
    if unit == "month":
        y, mth = divmod(anchor.year * 12 + anchor.month - 1 - n_int, 12)
        return f"{y:04d}-{mth + 1:02d}"
    if unit == "week":
        iso = (anchor - timedelta(weeks=n_int)).isocalendar()
        return f"{iso[0]:04d}-W{iso[1]:02d}"
    if unit == "day":
        return (anchor - timedelta(days=n_int)).isoformat()
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
    m = re.search(rf"({_NUM}|a|an|several|a few|many)[- ](?:(?:consecutive|straight|full|whole|long|more) )?({_UNIT})", low)
    if not m:
        return None
    unit_word = re.sub(r"s$", "", m.group(2)).replace("centurie", "century")
    letter, is_time = DURATION_UNITS.get(unit_word, ("D", False))
    n = _count(m.group(1))
    amount = "X" if n is None else (str(int(n)) if float(n).is_integer() else str(n))
    return f"PT{amount}{letter}" if is_time else f"P{amount}{letter}"
