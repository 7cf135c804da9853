"""Dates in every common written form: detection, and parsing for shifting and reduction.

One grammar serves both: each form is a regex with named parts (month, day, year), so the
surrogate policy can shift a date and write it back in the style it came in.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

from engine.phi.cues import at_numbers, finditer, fold, present
from engine.phi.lexicons import RESOURCES
from engine.phi.types import Detection, PhiType

_MONTHS = ("jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
           "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_MON = rf"(?P<mon>(?:{_MONTHS})\.?)"
_DAY = r"(?P<day>3[01]|[12]\d|0?[1-9])(?P<ord>st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d{2}|'\d{2})"
_YEAR2 = r"(?P<year>(?:19|20)\d{2}|'?\d{2})"
_NUM_M = r"(?P<m>1[0-2]|0?[1-9])"
_NUM_D = r"(?P<d>3[01]|[12]\d|0?[1-9])"
_UNITS = r"(?!\s*(?:mg|mcg|ml|g\b|kg|lb|%|units?|tabs?|caps?|puffs?|hours?|days?|weeks?|x\b))"
# A bare month/day ("LBM 11/5", "7/23 AT X") stands alone: no digit, slash, sign, decimal
# point, quote or comparison touches it ("80's/30's", "5-6/3-4", "psv5/5", "600x12/5"), and no
# range, decimal or unit follows it ("1/3-1/2", "5/2.7", "5/5%").
_ALONE_BEFORE = r"(?<![\w/.+'^#=<>~])(?<!\d[-–])"
_ALONE_AFTER = r"(?![\w/]|[.,]\d|[-–]\d(?!\d?/)|\s*%)"

FORMS: dict[str, re.Pattern[str]] = {
    "iso": re.compile(rf"\b(?P<Y>(?:19|20)\d{{2}})(?P<sep>[-/.]){_NUM_M}(?P=sep){_NUM_D}\b"),
    # (Behind a long word's hyphen or glued to "on" a full date is still one: "REPAIR-3/4/91",
    # "labs on10/12/84"; a setting hangs on a short mode, "psv-10/5/40".)
    "numeric": re.compile(
        rf"(?:(?<![\w/.\-])|(?<=[^\W\d]{{6}}-)|(?<=\bon)){_NUM_M}(?P<sep>[/\-.]){_NUM_D}(?P=sep)(?P<y>(?:19|20)\d{{2}}|\d{{2}})"
        r"(?![\d/]|\.\d|\s*%)"),
    "the_of": re.compile(rf"\b(?:the\s+)?{_DAY}\s+of\s+{_MON}(?:,?\s+{_YEAR})?\b", re.I),
    "month_day": re.compile(
        rf"\b{_MON}(?:\s+|-){_DAY}\b{_UNITS}(?:(?P<comma>,)?\s+{_YEAR})?(?!\d)", re.I),
    "day_month": re.compile(
        rf"\b{_DAY}(?P<dash>[\s\-]){_MON}(?:(?P=dash)?,?\s*{_YEAR2})?\b(?!\s*(?:mg|ml))", re.I),
    "month_year": re.compile(rf"\b{_MON}(?P<sep>\s+(?:of\s+)?|-|\s*,\s*){_YEAR}\b", re.I),
    "num_month_year": re.compile(r"(?<![\d/.])(?P<m>1[0-2]|0?[1-9])/(?P<Y>(?:19|20)\d{2})\b"),
    # "CAD s/p MI 7/81": a month and a two-digit year, which no day can be (32 and up).
    "month_short_year": re.compile(
        rf"{_ALONE_BEFORE}(?P<m>1[0-2]|0?[1-9])/(?P<y>3[2-9]|[4-9]\d){_ALONE_AFTER}{_UNITS}"),
    # A month and day with no year and no cue, where a date can stand; whether one does is
    # judged on its context (``DateRecognizer``), as ratios, scores and settings look alike.
    "bare_month_day": re.compile(
        rf"{_ALONE_BEFORE}{_NUM_M}/{_NUM_D}{_ALONE_AFTER}{_UNITS}"),
    # With a hyphen only right after a date cue ("returned to the OR on 7-8", "extubated
    # 3-12"): "4-6" is a range (judged in context, as the bare month/day is).
    "dash_month_day": re.compile(
        rf"{_ALONE_BEFORE}{_NUM_M}-{_NUM_D}(?![\w/\-]|[.,:]\d)"
        r"(?!\s*(?:%|am\b|pm\b|a\.m|p\.m|hrs?\b|hours?|days?|weeks?|months?|times|x\b|mg|"
        r"l\b|liters?|lpm|units?|mmhg|cm\b|mm\b))", re.I),
}
# Order matters for overlaps: longer, more specific forms first.
_ORDER = ("iso", "numeric", "the_of", "day_month", "month_day", "month_year",
          "num_month_year", "month_short_year", "bare_month_day", "dash_month_day")
# Forms whose every match starts at a number's first digit: tried only there.
_AT_NUMBERS = frozenset({"numeric", "day_month", "num_month_year", "month_short_year",
                         "bare_month_day", "dash_month_day"})
# Forms without a year or a month name: a date only where the context says so.
BARE = frozenset({"month_short_year", "bare_month_day", "dash_month_day"})
_MONTH_INDEX = {name[:3]: i for i, name in enumerate(calendar.month_name) if name}
# What every match of a form holds, sought once a text, so that a form is not tried at each
# number of a text without it: two numbers and a separator ("7/23", "3-12", "3.4.91"), or
# a month's name (its first three letters, in the text case-folded).
_SEPARATED = re.compile(r"\d[/\-.]\d")
_SEPARATED_FORMS = frozenset({"numeric", "num_month_year", "month_short_year",
                              "bare_month_day", "dash_month_day"})
_MONTH_STARTS = tuple(start.lower() for start in _MONTH_INDEX)
_ORDINAL = re.compile(r"\d(?:st|nd|rd|th)")  # in the text case-folded


@dataclass(frozen=True)
class ParsedDate:
    form: str
    match: re.Match[str]
    month: int
    day: int | None
    year: int | None


def _month_number(token: str) -> int:
    return _MONTH_INDEX[token.rstrip(".").lower()[:3].title()]


def _year(token: str | None) -> int | None:
    if not token:
        return None
    digits = token.lstrip("'")
    if len(digits) == 4:
        return int(digits)
    value = int(digits)
    return 2000 + value if value <= 40 else 1900 + value


def parse(form: str, match: re.Match[str]) -> ParsedDate | None:
    g = match.groupdict()
    if form in ("iso", "numeric", "num_month_year", "month_short_year", "bare_month_day",
                "dash_month_day"):
        month, day = int(g["m"]), int(g["d"]) if g.get("d") else None
        year = _year(g.get("Y") or g.get("y"))
    else:
        month, year = _month_number(g["mon"]), _year(g.get("year"))
        day = int(g["day"]) if g.get("day") else None
    if day is not None:
        try:
            dt.date(year or 2000, month, day)  # 2000 is a leap year: Feb 29 allowed
        except ValueError:
            return None
    return ParsedDate(form, match, month, day, year)


def find_dates(text: str, folded: str | None = None) -> Iterator[ParsedDate]:
    """Every date, longer forms first; ``folded`` is the text case-folded, if at hand."""
    taken: list[tuple[int, int]] = []
    folded = text.casefold() if folded is None else folded
    separated = _SEPARATED.search(text) is not None
    named = present(_MONTH_STARTS, folded)
    for form in _ORDER:
        if (form in _SEPARATED_FORMS and not separated) or (form == "day_month" and not named):
            continue  # no match of it can stand in this text
        regex = FORMS[form]
        for match in at_numbers(regex, text) if form in _AT_NUMBERS else finditer(
                regex, text, folded):
            span = match.span()
            if any(s < span[1] and span[0] < e for s, e in taken):
                continue
            parsed = parse(form, match)
            if parsed is None:
                continue
            taken.append(span)
            yield parsed


def date_span(parsed: ParsedDate) -> tuple[int, int]:
    return parsed.match.span()


# A month or weekday pinned to a moment ("last July", "next Friday") is a date element too.
_PINNED = r"(?:last|next|this|past|previous|early|late|mid-?)"
_RELATIVE = re.compile(
    rf"\b{_PINNED}\s+(?:{_MONTHS.replace('may|', '')}|"
    r"(?-i:May)|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday)\b", re.I)


# A month named alone after a preposition ("a fall in January", "since March") is still
# an element of a date. Capitalised only, so that the words "may" and "march" stay.
_CUED_MONTH = re.compile(
    r"\b(?:in|during|since|until|till|by|before|after|through|from|of)\s+"
    r"(?P<m>(?-i:January|February|March|April|May|June|July|August|September|October|"
    r"November|December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.|"
    # abbreviated with its point in one case ("in sept.", "since NOV."), but "mar", "dec"
    # (decrease) and "may" which are other words
    r"(?:jan|feb|apr|jun|jul|aug|sept?|oct|nov|JAN|FEB|APR|JUN|JUL|AUG|SEPT?|OCT|NOV)\.)|"
    # in capitals or lower case, the names that are no other word ("may", "march" are)
    r"(?-i:JANUARY|FEBRUARY|APRIL|JUNE|JULY|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER|january|"
    r"february|april|june|july|september|october|november|december))(?!\w)", re.I)


# A day named by its ordinal alone where a date is said ("on the 5th.", "it's the 11th,"):
# only before a pause, as "on the 5th floor", "the 2nd dose" are no dates.
_ORDINAL_DAY = re.compile(
    r"\b(?:on|since|until|till|by|before|after|is|was|it['’]s|today['’]s)[ \t]+the[ \t]+"
    r"(?P<d>(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th))(?=[ \t]*(?:[.,;!?)\"]|$))", re.I | re.M)


_CLAUSE_GOES_ON = re.compile(
    r"[ \t]*(?:[.,;:)\n]|$|-|(?:at|in|on|and|with|for|by|to|from|am|pm|a\.m|p\.m|\d)\b)",
    re.I)
# The end of a range after a date: "7/23-7/25", "8/2 - 8/10".
_RANGE_END = re.compile(rf"[ \t]*[-–][ \t]*{_NUM_M}/{_NUM_D}(?![\w/]|[.,]\d)")

# Two month/days written as one ("treatments 10/03/10/04"): both are dates.
_DAY_PAIR = re.compile(
    rf"{_ALONE_BEFORE}(?:1[0-2]|0?[1-9])/(?:3[01]|[12]\d|0?[1-9])/(?:1[0-2]|0?[1-9])/"
    rf"(?:3[01]|[12]\d|0?[1-9]){_ALONE_AFTER}")


# The weekday written before a date ("Sunday, January 20, 2019") goes with it: left behind,
# it would tell the true weekday beside the shifted date.
_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_WEEKDAY_BEFORE = re.compile(rf"\b{_WEEKDAY},?[ \t]+$", re.I)
LEADING_WEEKDAY = re.compile(rf"(?P<day>{_WEEKDAY})(?P<gap>,?[ \t]+)", re.I)


TIME_TAIL = re.compile(r"(?:[ T]|,? at )\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?"
                       r"(?:\s?[AaPp]\.?[Mm]\.?)?(?!\d)")


# What a bare month/day is not: the numbers of a ventilator setting ("PSV 10/5", "cpap/ps
# 12/5 peep"), a pressure ("PA 12/8", "CO/CI 5/3"), a lab pair ("BUN/Cr 12/1"), a strength
# or pulse grade ("5/5 strength"), an IV fluid ("D5 1/2 NS"), a mixed number ("1 1/2 hrs").
# Its label stands within three words before it on its line; what it measures, right after.
# (An ejection fraction after it is a study's finding, not an oxygen setting: "Echo 4/1 EF 35%".)
_SETTING_PERCENT = re.compile(r"[ \t,]+(?:(?!ef\b)[a-z]{1,2}[ \t]+)?\d+(?:\.\d+)?[ \t]*%", re.I)


def _context_words() -> dict[str, frozenset[str]]:
    """resources/phi/date_context.tsv: the words of each role (label, measure, pain, date_cue)."""
    roles: dict[str, set[str]] = {}
    for line in (RESOURCES / "date_context.tsv").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            word, role = line.split("\t")
            roles.setdefault(role, set()).add(word)
    return {role: frozenset(words) for role, words in roles.items()}


_ROLES = _context_words()
_LABELS, _MEASURES = _ROLES["label"], _ROLES["measure"]
_PAIN = _ROLES["pain"]  # near an x/10: a pain score, not October
# After these a fraction-shaped pair ("1/2", "3/4", "5/5") is a date: no fraction or score is
# written after them ("on" is one: settings after it are judged by their labels).
_DATE_CUES = _ROLES["date_cue"]
_TIMES_OF_DAY = frozenset({"am", "pm", "morning", "afternoon", "evening", "night", "day",
                           "noc", "eve"})
_AMOUNT_CUES = frozenset({"by", "to", "through", "thru"})  # "increase by 2-4"
_NOT_BEFORE_A_DATE = frozenset({"a", "an", "="})  # "placed a 10/12 trocar", "3 + 4 = 7/10"
_CONTEXT_WORD = re.compile(r"=|[a-z0-9][a-z0-9/+:\-]*")
_MIXED_NUMBER = re.compile(r"\b\d[ \t]+$")
_FOLLOWING = re.compile(r"[ \t,]*([^\W\d_]+|%)(?:[ \t]+([^\W\d_]+))?")


def _words(text: str) -> list[str]:
    """The words of ``text`` and the parts of the slashed ones ("cpap/ps" → also cpap, ps)."""
    out = []
    for word in _CONTEXT_WORD.findall(text.lower()):
        out.append(word.rstrip(":-"))
        if "/" in word:
            out.extend(part for part in word.split("/") if part)
    return out


def _later_date(text: str, parsed: ParsedDate) -> bool:
    """A range to a later day of that month or one of the next ("3/4-3/6", "3/30-4/2"):
    dates; a range of fractions or scores falls or jumps ("1/3-1/2", "3/5-5/5")."""
    until = _RANGE_END.match(text, parsed.match.end())
    if until is None or parsed.day is None:
        return False
    month, day = int(until.group("m")), int(until.group("d"))
    return (month == parsed.month and day > parsed.day) or (
        month == parsed.month % 12 + 1 and day < parsed.day)


# A pair that a change starts from, right before another: "5/5 to 8/5", "10/5 -> 12/5".
_CHANGED_FROM = re.compile(
    r"(?<![\w/.])(?P<m>\d{1,3})/(?P<d>\d{1,3})(?![\w/])[ \t]*(?:to|->|→)[ \t]*$", re.I)


class Verdict(str, Enum):
    DATE = "date"
    MEASURE = "measure"  # a setting, a pressure, a score, a dose: never a date
    FRACTION = "fraction"  # shaped like "1/2" or "5/5" with no cue: a date only beside others


def _judge(text: str, parsed: ParsedDate) -> Verdict:
    """Whether a month/day (or month/year) written bare stands where a date does."""
    start, end = parsed.match.span()
    line_start = text.rfind("\n", 0, start) + 1
    before_text = text[max(line_start, start - 60):start]
    # a pair a change ends at is what the pair it starts from is ("PEEP changed 5/5 to 8/5",
    # "PS 10/35 -> 12/5"): a setting's, however far back its label stands
    if (change := _CHANGED_FROM.search(text, max(line_start, start - 16), start)) is not None:
        earlier = parse("bare_month_day", change)
        if earlier is None or _judge(text, earlier) is Verdict.MEASURE:
            return Verdict.MEASURE
    after_text = text[end:end + 40].split("\n", 1)[0]
    before = _CONTEXT_WORD.findall(before_text.lower())[-3:]
    # what it measures, in the two words after it ("1/2 NS", "2/6 harsh systolic murmur")
    following = _FOLLOWING.match(after_text)
    labelled = any(w in _LABELS for w in _words(" ".join(before))) or (
        bool(before) and before[-1] in _NOT_BEFORE_A_DATE)
    measuring = following is not None and any(
        (word or "").lower() in _MEASURES for word in following.groups())
    # "on 3/4", or a time of day before "of" ("am of 3/4", "the night of 3/4")
    cued = bool(before) and (before[-1] in _DATE_CUES or (
        before[-1] == "of" and len(before) > 1 and before[-2] in _TIMES_OF_DAY))
    # a label three words back gives way to a date cue right before it ("K 3.5 on 7/23"),
    # though not before a score's shape ("abg fine on 5/5")
    scored = parsed.day is not None and parsed.month <= parsed.day <= 5
    if (labelled and (not cued or scored)) or measuring or _SETTING_PERCENT.match(after_text):
        return Verdict.MEASURE
    if parsed.form == "dash_month_day":  # "4-6" is a range but after a date cue
        return Verdict.DATE if cued and before[-1] not in _AMOUNT_CUES else Verdict.MEASURE
    if parsed.day is None:  # "7/81": a month and a year
        return Verdict.DATE
    if parsed.day == 10 and parsed.month <= 10 and any(
            w in _PAIN for w in _words(before_text[-40:] + " " + after_text[:25])):
        return Verdict.MEASURE  # a pain score
    if scored:  # fraction- or score-shaped: "1/2", "3/4", "5/5"
        if _MIXED_NUMBER.search(before_text):
            return Verdict.MEASURE  # "1 1/2"
        return Verdict.DATE if cued or _later_date(text, parsed) else Verdict.FRACTION
    return Verdict.DATE


class DateRecognizer:
    name = "dates"

    def analyze(self, text: str) -> Iterator[Detection]:
        folded = fold(text)
        for m in finditer(_RELATIVE, text, folded):
            yield Detection(PhiType.DATE, m.start(), m.end(), 0.75, self.name)
        cued = (*(finditer(_CUED_MONTH, text, folded) if present(_MONTH_STARTS, folded) else ()),
                *(finditer(_ORDINAL_DAY, text, folded) if _ORDINAL.search(folded) else ()))
        for m in cued:
            group = "m" if m.re is _CUED_MONTH else "d"
            yield Detection(PhiType.DATE, m.start(group), m.end(group), 0.75, self.name)
        for m in at_numbers(_DAY_PAIR, text) if text.count("/") > 2 else ():
            yield Detection(PhiType.DATE, m.start(), m.end(), 0.8, self.name)
        dates, fractions = [], []
        for parsed in find_dates(text, folded):
            verdict = _judge(text, parsed) if parsed.form in BARE else Verdict.DATE
            if verdict is Verdict.DATE:
                dates.append(parsed)
            elif verdict is Verdict.FRACTION:
                fractions.append(parsed)
        # "3/4 at rehab" is a date where the note's other dates fall in March and nothing
        # it counts follows it ("1/5 lymph nodes", "4/4 pupils")
        months = {p.month for p in dates if p.day is not None}
        for parsed in dates + [p for p in fractions if p.month in months
                               and _CLAUSE_GOES_ON.match(text, p.match.end())]:
            start, end = date_span(parsed)
            time = TIME_TAIL.match(text, end)
            end = time.end() if time else end  # the time of day goes with its date
            if parsed.day is not None and (
                    weekday := _WEEKDAY_BEFORE.search(text, max(0, start - 12), start)):
                start = weekday.start()
            # A bare month-year ("March 2019") is a little less certain than a full date.
            score = 0.85 if parsed.day is None else 0.95
            yield Detection(PhiType.DATE, start, end, score, self.name)
            if (until := _RANGE_END.match(text, end)) and parse("bare_month_day", until):
                yield Detection(PhiType.DATE, until.start("m"), until.end(), score, self.name)


# --- rewriting --------------------------------------------------------------------------

def _fmt_month(original: str, month: int) -> str:
    bare = original.rstrip(".")
    dot = "." if original.endswith(".") else ""
    # "May" is a whole name of three letters: its surrogate is written out too
    full = (len(bare) > 3 and bare.lower() != "sept") or (bare.lower() == "may" and not dot)
    name = calendar.month_name[month] if full else calendar.month_abbr[month]
    if bare.isupper():
        name = name.upper()
    elif bare.islower():
        name = name.lower()
    return name + (dot if len(name) == 3 else "")


def _fmt_year(original: str | None, year: int) -> str:
    if original is None:
        return ""
    if original.startswith("'"):
        return f"'{year % 100:02d}"
    return f"{year % 100:02d}" if len(original) == 2 else str(year)


def _ordinal(day: int) -> str:
    return "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _pad_numeric(original: str, value: int) -> str:
    return f"{value:02d}" if len(original) == 2 else str(value)


def _pad(original: str, value: int) -> str:
    return f"{value:02d}" if original.startswith("0") else str(value)


def shifted(parsed: ParsedDate, days: int) -> str:
    """The same date moved by ``days``, written the way the original was."""
    base_year = parsed.year or 2001  # no year written: any non-leap year keeps Feb 28 stable
    moved = dt.date(base_year, parsed.month, parsed.day or 15) + dt.timedelta(days=days)
    if parsed.day is None:
        moved = moved.replace(day=1)
    return _rewrite(parsed, moved)


_MONTH_ALONE = re.compile(rf"(?P<pre>{_PINNED}\s*)?"
                         rf"(?P<mon>(?:{_MONTHS})\.?)", re.I)


def shifted_month(original: str, days: int) -> str | None:
    """A month named alone ("January", "Oct.", "last March") moved by ``days`` from its
    middle, written the way the original was; None when ``original`` is not one."""
    found = _MONTH_ALONE.fullmatch(original)
    if found is None:
        return None
    moved = dt.date(2001, _month_number(found["mon"]), 15) + dt.timedelta(days=days)
    return (found["pre"] or "") + _fmt_month(found["mon"], moved.month)


_WEEKDAY_ALONE = re.compile(rf"(?P<pre>{_PINNED}\s*)?(?P<day>{_WEEKDAY})", re.I)


def shifted_weekday(original: str, days: int) -> str | None:
    """A weekday pinned to a moment ("next Friday") moved by ``days``: the weekday of the
    shifted day, so that it agrees with the record's other shifted dates, in the original's
    case; None when ``original`` is not one."""
    found = _WEEKDAY_ALONE.fullmatch(original)
    if found is None:
        return None
    word = found["day"]
    name = calendar.day_name[(list(calendar.day_name).index(word.title()) + days) % 7]
    if word.isupper():
        name = name.upper()
    elif word.islower():
        name = name.lower()
    return (found["pre"] or "") + name


def _rewrite(parsed: ParsedDate, when: dt.date) -> str:
    m, g, text = parsed.match, parsed.match.groupdict(), parsed.match.group(0)
    start = m.start()

    def put(name: str, value: str, acc: list[tuple[int, int, str]]) -> None:
        if g.get(name) is not None:
            acc.append((m.start(name) - start, m.end(name) - start, value))

    edits: list[tuple[int, int, str]] = []
    put("m", _pad_numeric(g.get("m") or "", when.month), edits)
    put("d", _pad_numeric(g.get("d") or "", when.day), edits)
    put("Y", str(when.year), edits)
    put("y", _fmt_year(g.get("y"), when.year), edits)
    put("mon", _fmt_month(g.get("mon") or "", when.month), edits)
    put("day", _pad(g.get("day") or "", when.day), edits)
    put("ord", _ordinal(when.day), edits)
    put("year", _fmt_year(g.get("year"), when.year), edits)
    for s, e, value in sorted(edits, reverse=True):
        text = text[:s] + value + text[e:]
    return text


def year_only(parsed: ParsedDate) -> str | None:
    return str(parsed.year) if parsed.year is not None else None
