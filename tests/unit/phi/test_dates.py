"""Dates in every common written form; shifting keeps style, order and intervals."""

from __future__ import annotations

import calendar
import datetime as dt
import re

import pytest

from engine.phi import Scrubber
from engine.phi.dates import find_dates, shifted, shifted_month, shifted_weekday
from engine.protocol import ScrubPolicy


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("admitted 03/04/2019 for", "03/04/2019"),
        ("admitted 3/4/19 for", "3/4/19"),
        ("on 2019-03-04 we", "2019-03-04"),
        ("seen March 4th for", "March 4th"),
        ("seen on March 4, 2019.", "March 4, 2019"),
        ("on 4 Mar 19 pt", "4 Mar 19"),
        ("on 4-Mar-2019 pt", "4-Mar-2019"),
        ("the 4th of March we", "the 4th of March"),
        ("since March 2019 she", "March 2019"),
        ("in Sept. 2020 he", "Sept. 2020"),
        ("since 04/2018 he", "04/2018"),
        ("discharged on 3/5 home", "3/5"),
        ("DOB: 12.01.1971", "12.01.1971"),
        ("seen last July and", "last July"),
    ],
)
def test_date_forms(text, value):
    scrubber = Scrubber(ScrubPolicy.REDACT)
    got = [text[d.start:d.end] for d in scrubber.detect(text) if d.type.value == "DATE"]
    assert value in got, got


def _dates(text: str) -> list[str]:
    return [text[d.start:d.end] for d in Scrubber(ScrubPolicy.REDACT).detect(text)
            if d.type.value == "DATE"]


@pytest.mark.parametrize(
    "text",
    ["BP 120/80", "pain 5/10", "took 2 tabs", "May cause drowsiness", "Take 1/2 tablet",
     "in 2019 she moved", "dose 5 mg May 5 mg"],
)
def test_not_dates(text):
    assert _dates(text) == []


# A month and day written bare, with no year and no cue word, where a date stands.
@pytest.mark.parametrize(
    ("text", "value"),
    [("Antibiotics finished 9/12, cultures pending.", "9/12"),
     ("CULTURE SENT 4/17 AT OUTSIDE LAB", "4/17"),
     ("last bowel movement 12/2", "12/2"),
     ("Stent to LAD 3/98, restenosis since.", "3/98"),
     ("heme: hct 31 (6am 11/21) stable", "11/21"),
     ("Drain pulled on 2/3 by the team.", "2/3"),
     ("she came back to the unit on 5-9 for a washout", "5-9"),
     ("EXTUBATED 3-12 WITHOUT DIFFICULTY", "3-12"),
     ("ceftriaxone 9/14-9/21 for the UTI", "9/21"), ("vanco 9/14 - 9/21", "9/14"),
     ("ECHO-11/4 SHOWED EF 30%", "11/4"), ("Echo 4/1 EF 35%, mild MR", "4/1"),
     ("Treatments 10/03/10/04 were given.", "10/03/10/04"),
     ("K 3.5, BUN/Cr 12/0.8 on 9/14", "9/14"), ("HAD A FALL IN JULY AT HOME", "JULY"),
     ("cabg in october, doing well", "october"),
     ("Asked what day it is, he said it is the 14th.", "14th"),
     # a range to a later day of the month, a time of day before "of"
     ("ZOSYN 3/4-3/6 THEN PO", "3/4"), ("zosyn 3/4-3/6 then po", "3/6"),
     ("lasix 40 iv given am of 2/3", "2/3"), ("FEBRILE THE NIGHT OF 1/2", "1/2"),
     ("afebrile since 12/2", "12/2"), ("CXR DATED 3/14 WITH RLL INFILTRATE", "3/14"),
     ("HCT 27 POST 2/2 TX OF PRBC", "2/2"), ("afib s/p 1/4 cardioversion", "1/4"),
     ("Cath planned 6/12 to 6/14 pending beds", "6/14"), ("abx 7/2 -> 7/9", "7/9")],
)
def test_bare_month_day(text, value):
    assert value in _dates(text)


# The same shape where it measures something: a setting, a pressure, a score, a fluid.
@pytest.mark.parametrize(
    "text",
    ["weaned to PSV 10/5 this afternoon", "on cpap/ps 12/5 peep with good sats",
     "remains on 8/5, 40% fio2", "PA 11/6 after diuresis", "CO/CI 4/2 by thermodilution",
     "strength 5/5 throughout", "moves all extremities, 4/5 on the left",
     "IVF D5 1/2 NS at 100cc/hr", "switched to 1/2 NS", "rales 1/3 up bilaterally",
     "out of bed for 1 1/2 hrs", "rates her pain 7/10 today", "c/o 6/10 chest pressure",
     "Gleason 3 + 4 = 7/10 of cores", "placed a 10/12 trocar", "grade 2/6 murmur",
     "Lisinopril/HCTZ 10/25 daily", "vent 10/5/40%", "psv5/5/40% overnight",
     "PA 54/18-70/21 after blood", "co/ci 5.1/2.76", "on the 5th floor",
     "cxs up 1/3-1/2 bilaterally", "pressures 5-6/3-4 after the bolus", "HR ranged 4-6 pvc/min",
     "LBM 3/12. 4/4 pupils reactive", "adenocarcinoma in 1/5 lymph nodes, on 1/9 seen",
     "overbreathing the vent by 2-6 breaths", "abg acceptable on 5/5", "PT MAY GO HOME",
     "pupils 4/4-2/3 sluggish", "strength 3/5-5/5 on the right", "2 of 1/2 tabs taken",
     # the pair a change ends at is what the pair it starts from is
     "PEEP changed 5/5 to 8/5", "PS turned down 10/35 -> 12/5"],
)
def test_bare_pairs_that_measure_are_no_dates(text):
    assert not {"1/3", "1/2", "6/3", "4-6", "4/4", "1/5"} & set(_dates(text)), _dates(text)
    assert _dates(text) in ([], ["3/12"], ["1/9"])


# A fraction-shaped pair is a date beside the note's other dates of that month.
def test_a_fraction_shaped_date_beside_dates_of_its_month():
    text = "Admitted 3/2 from rehab. Developed SOB 3/4 at rehab, intubated 3/6."
    assert _dates(text) == ["3/2", "3/4", "3/6"]
    assert "1/2" not in _dates("Admitted 3/2. Developed SOB 1/2 at rehab.")


@pytest.mark.parametrize(
    ("original", "days", "expected"),
    [
        ("03/04/2019", 10, "03/14/2019"),
        ("3/4/19", 30, "4/3/19"),
        ("2019-12-25", 10, "2020-01-04"),
        ("March 4th", 1, "March 5th"),
        ("Mar. 4, 2019", 31, "Apr. 4, 2019"),
        ("the 1st of March", 1, "the 2nd of March"),
        ("March 2019", 40, "April 2019"),
    ],
)
def test_shift_keeps_style(original, days, expected):
    parsed = next(find_dates(original))
    assert shifted(parsed, days) == expected


def test_one_offset_per_record_keeps_intervals():
    text = "Admitted 01/10/2020, discharged 01/15/2020, follow-up 02/14/2020."
    out = Scrubber(ScrubPolicy.SURROGATE, record_secret=b"r" * 32).scrub(text).text
    dates = [dt.datetime.strptime(p.match.group(0), "%m/%d/%Y") for p in find_dates(out)]
    assert len(dates) == 3 and out != text
    assert (dates[1] - dates[0]).days == 5 and (dates[2] - dates[1]).days == 30
    other = Scrubber(ScrubPolicy.SURROGATE, record_secret=b"s" * 32).scrub(text).text
    assert other != out  # another record, another offset


def test_safe_harbor_keeps_only_the_year():
    result = Scrubber(ScrubPolicy.SAFE_HARBOR).scrub("Born 04/17/1948, seen March 4th.")
    assert result.text == "Born 1948, seen [DATE]."


@pytest.mark.parametrize(
    ("text", "expected"),
    [("She had a fall in January without injury.", "She had a fall in [DATE] without injury."),
     ("On dialysis since Oct. for ESRD.", "On dialysis since [DATE] for ESRD."),
     ("She may return in June.", "She may return in [DATE]."),
     ("He will march in may and may not.", "He will march in may and may not.")],
)
def test_a_month_named_alone_is_a_date_element(text, expected):
    assert Scrubber(ScrubPolicy.REDACT).scrub(text).text == expected


@pytest.mark.parametrize(
    ("shift", "original", "days", "expected"),
    [(shifted_month, "January", 100, "April"), (shifted_month, "Oct.", 80, "Jan."),
     (shifted_month, "May", -20, "April"), (shifted_month, "june", 0, "june"),
     (shifted_month, "last March", 31, "last April"),
     (shifted_month, "early Dec.", 31, "early Jan."), (shifted_month, "Monday", 5, None),
     (shifted_month, "2019", 5, None), (shifted_month, "last week", 5, None),
     (shifted_weekday, "next Friday", 1, "next Saturday"),
     (shifted_weekday, "last monday", -1, "last sunday"),
     (shifted_weekday, "this SATURDAY", 2, "this MONDAY"), (shifted_weekday, "Friday", 7, "Friday"),
     (shifted_weekday, "last week", 3, None), (shifted_weekday, "January", 3, None)])
def test_a_month_or_weekday_alone_moves_with_the_record_offset(shift, original, days, expected):
    assert shift(original, days) == expected


def test_a_month_alone_gets_a_surrogate_month():
    text = "Seen on January 20, 2019. She had a fall in January."
    out = Scrubber(ScrubPolicy.SURROGATE, record_secret=b"r" * 32).scrub(text).text
    moved = dt.datetime.strptime(next(find_dates(out)).match.group(0), "%B %d, %Y")
    offset = (moved - dt.datetime(2019, 1, 20)).days  # the record's one offset
    assert out.endswith(f"a fall in {shifted_month('January', offset)}.")


def test_a_pinned_weekday_agrees_with_the_shifted_dates():
    text = "Seen on Sunday, January 20, 2019. Follow up next Friday."
    out = Scrubber(ScrubPolicy.SURROGATE, record_secret=b"w" * 32).scrub(text).text
    moved = dt.datetime.strptime(next(find_dates(out)).match.group(0), "%B %d, %Y")
    offset = (moved - dt.datetime(2019, 1, 20)).days
    assert "[DATE]" not in out
    assert out.endswith(f"next {calendar.day_name[(4 + offset) % 7]}.")


def test_the_weekday_of_a_date_moves_with_it():
    text = "Seen on Sunday, January 20, 2019 and Monday 03/04/2019."
    out = Scrubber(ScrubPolicy.SURROGATE, record_secret=b"w" * 32).scrub(text).text
    found = re.findall(r"(\w+day),? ([A-Z]\w+ \d+, \d{4}|\d\d/\d\d/\d{4})", out)
    assert len(found) == 2, out
    for weekday, date in found:  # each written weekday is that of its shifted date
        form = "%B %d, %Y" if "/" not in date else "%m/%d/%Y"
        assert dt.datetime.strptime(date, form).strftime("%A") == weekday, out
    assert Scrubber(ScrubPolicy.SAFE_HARBOR).scrub(text).text == "Seen on 2019 and 2019."
    assert Scrubber(ScrubPolicy.REDACT).scrub(text).text == "Seen on [DATE] and [DATE]."


def test_every_match_holds_what_its_form_is_gated_on(eval_dir):
    """A text without two numbers around a separator, a month's name or an ordinal is not
    tried with the forms that need them: on clinical notes and the PHI queries, every match
    of those forms holds what its gate seeks."""
    import csv

    from engine.phi.cues import present
    from engine.phi.dates import (
        _CUED_MONTH,
        _MONTH_STARTS,
        _ORDINAL,
        _ORDINAL_DAY,
        _SEPARATED,
        _SEPARATED_FORMS,
        FORMS,
    )

    with open(eval_dir / "notes" / "mtsamples_subset_200.csv", encoding="utf-8") as fh:
        texts = [row["transcription"] for row in csv.DictReader(fh)]
    texts.append((eval_dir / "phi" / "asq_phi" / "synthetic_clinical_queries.txt").read_text())
    texts.append("seen 4th of Jan, on the 2nd. since NOV. 3-12 7/81 in sept. 1/2019 12.3.91")
    checked = 0
    for text in texts:
        for form in _SEPARATED_FORMS:
            for m in FORMS[form].finditer(text):
                assert _SEPARATED.search(m.group(0)), (form, m.group(0))
                checked += 1
        for regex in (FORMS["day_month"], _CUED_MONTH):
            for m in regex.finditer(text):
                assert present(_MONTH_STARTS, m.group(0).casefold()), m.group(0)
                checked += 1
        for m in _ORDINAL_DAY.finditer(text):
            assert _ORDINAL.search(m.group(0).casefold()), m.group(0)
            checked += 1
    assert checked > 300
