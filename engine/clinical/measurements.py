"""Vital signs and laboratory values with units normalised (UCUM) and abnormal flags."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from engine.clinical.tables import headed_cells

LOINC = "http://loinc.org"

_SEP = r"(?:\s*\([^()\n]{1,12}\))?[\s:=|-]*(?:(?:of|was|is|at)\s+)?"
_RANGE_BRACKET = r"(?:\[[^\]\n]{0,30}\][\s|]*)?"


def _to_kg(v: float, u: str) -> float:
    return v if u.startswith("k") else v * 0.45359237


def _to_cm(v: float, u: str) -> float:
    return v * 100 if u == "m" else v if u == "cm" else v * 2.54


def _to_cel(v: float, u: str) -> float:
    fahrenheit = "f" in u or (not u and v > 45)
    return (v - 32) * 5 / 9 if fahrenheit else v


# (name, LOINC, UCUM unit, names regex, units regex, unit required, to-canonical, valid range)
_VITALS: tuple[tuple[str, str, str, str, str, bool, Any, tuple[float, float]], ...] = (
    ("systolic blood pressure", "8480-6", "mm[Hg]",
     r"systolic(?:\s*(?:blood\s*pressure|BP))?|BP[\s-]*sys(?:tolic)?|SBP",
     r"mm\s*\[?hg\]?", False, None, (50, 300)),
    ("diastolic blood pressure", "8462-4", "mm[Hg]",
     r"diastolic(?:\s*(?:blood\s*pressure|BP))?|BP[\s-]*dia(?:stolic)?|DBP",
     r"mm\s*\[?hg\]?", False, None, (20, 200)),
    ("heart rate", "8867-4", "/min", r"heart\s*rate|HR|pulse(?:\s*rate)?|(?-i:P)",
     r"bpm|/min|beats\s*(?:per|/)\s*min(?:ute)?", False, None, (20, 250)),
    ("respiratory rate", "9279-1", "/min",
     r"resp(?:iratory)?\s*rate|respirations?|resps?|RR|(?-i:R)",
     r"/min|breaths\s*(?:per|/)\s*min(?:ute)?|rpm", False, None, (4, 80)),
    ("oxygen saturation", "59408-5", "%",
     r"SpO2|SaO2(?:\s*%\s*BldA?\s*PulseOx)?|O2\s*sat(?:uration)?s?(?:\s*\(%\))?|"
     r"oxygen\s*saturation(?:\s+in\s+arterial\s+blood(?:\s+by\s+pulse\s+oximetry)?)?|"
     r"sat(?:uration)?s?|pulse\s*ox(?:imetry)?",
     r"%", True, None, (50, 100)),
    ("body mass index", "39156-5", "kg/m2", r"BMI|body\s*mass\s*index(?:\s*calculated)?",
     r"kg/m2|kg/m²", False, None, (10, 90)),
    ("body temperature", "8310-5", "Cel", r"temp(?:erature)?|body\s*temperature|tmax|(?-i:T)",
     r"°?\s*(?:F|C)\\b|\[degF\]|\[degC\]|Cel|degrees?\s*(?:F|C)\\b|fahrenheit|celsius",
     False, _to_cel, (30, 45)),
    ("body weight", "29463-7", "kg", r"(?:body\s*)?weight|wt",
     r"kgs?|kilograms?|lbs?|pounds|\[lb_av\]", True, _to_kg, (0.3, 400)),
    ("body height", "8302-2", "cm", r"(?:body\s*)?height(?:/length)?|ht",
     r"cm|m|in(?:ches)?|\[in_us\]|\"", True, _to_cm, (25, 250)),
    ("body surface area", "8277-6", "m2", r"BSA|body\s*surface\s*area",
     r"m2|m²|mm2|sq\.?\s*m", False, None, (0.1, 3.5)),
    ("inhaled oxygen concentration", "3150-0", "%",
     r"FiO2|inhaled\s*(?:oxygen|O2)\s*concentration|O2\s*concentration",
     r"%", False, None, (21, 100)),
)
_VITAL_RX = tuple(
    (name, code, unit, re.compile(
        rf"(?<![\w/])(?:{names})(?![\w/]){_SEP}{_RANGE_BRACKET}(?P<v>\d{{1,3}}(?:\.\d+)?)"
        rf"(?:\s*(?P<u>{units}))?(?![\d/])", re.IGNORECASE),
     re.compile(rf"[ \t]*\|[ \t]*(?P<v>\d{{1,3}}(?:\.\d+)?)(?:\s*(?P<u>{units}))?(?![\d/])",
                re.IGNORECASE), needs_unit, convert, bounds)
    for name, code, unit, names, units, needs_unit, convert, bounds in _VITALS)
# The same names and units for tables whose header names the cell ("HR(bpm)" over "84",
# "Weight Measured | 82 kg"): the name starts the header, the value starts the cell.
_HEADED_RX = tuple(
    (name, code, unit, re.compile(rf"(?:{names})(?![a-z])", re.IGNORECASE),
     re.compile(rf"(?P<v>\d{{1,3}}(?:\.\d+)?)(?:\s*(?P<u>{units}))?(?![\d/.])", re.IGNORECASE),
     needs_unit, convert, bounds)
    for name, code, unit, names, units, needs_unit, convert, bounds in _VITALS)
_HEADER_UNIT = re.compile(r"\s*\((?P<p>[^()]*)\)?$|\s+(?P<b>[^\s()]*[\[/%][^\s()]*)$")
_CELL_REST = re.compile(r"$|[\s(*]")  # what may follow a cell's value: not "-2010", ":00"
_BP = re.compile(r"(?<![\w/])(?:BP|blood\s*pressure)(?![\w/])"
                 r"(?:\s+(?:systolic\s*(?:and|/)\s*diastolic|sys(?:tolic)?\s*/\s*dia(?:stolic)?))?"
                 r"(?:\s*\([^()\n]{1,12}\))?[\s:=|-]*(?:(?:of|was|is)\s+)?"
                 r"(?P<s>\d{2,3})\s*/\s*(?P<d>\d{2,3})(?:\s*mm\s*\[?hg\]?)?", re.I)
_PAIN = re.compile(r"\bpain(?:\s*(?:score|scale|level))?[\s:=|]*(?:(?:is|of)\s+)?"
                   r"(?P<v>\d{1,2})\s*/\s*10\b", re.I)


# Adult reference ranges for common tests (used when the note gives none).
ADULT_RANGES: dict[str, tuple[float, float]] = {
    "4548-4": (4.0, 5.6), "2339-0": (70, 99), "1558-6": (70, 99), "2947-0": (136, 145),
    "6298-4": (3.5, 5.1), "38483-4": (0.6, 1.3), "718-7": (12.0, 17.5), "6690-2": (4.5, 11.0),
    "777-3": (150, 400), "18262-6": (0, 100), "2085-9": (40, 200), "2093-3": (0, 200),
    "2571-8": (0, 150), "3016-3": (0.4, 4.0), "6301-6": (0.8, 1.2), "6299-2": (7, 20),
    "1742-6": (7, 56), "1920-8": (10, 40), "1988-5": (0, 10), "2951-2": (136, 145),
    "2823-3": (3.5, 5.1), "2075-0": (98, 107), "2069-3": (98, 107), "2345-7": (70, 99),
    "3094-0": (7, 20), "2160-0": (0.6, 1.3), "17861-6": (8.6, 10.3), "49765-1": (8.6, 10.3),
}
_RANGE = re.compile(r"\s*\(?\s*(?:ref(?:erence)?(?:\s+range)?\s*:?\s*|normal\s*:?\s*)?"
                    r"(?P<lo>\d+(?:\.\d+)?)\s*[-–]\s*(?P<hi>\d+(?:\.\d+)?)\s*\)?", re.I)
# Specimen, property and method parts of LOINC short names ("Hct Fr Bld Auto 51.2 %").
_LOINC_PARTS = (r"(?:[\s-]+(?:Bld[ACV]?|Ser|Plas|SerPl|Ur|CSF|#|M?Fr|[MmSsNn]Cnc|Auto|Calc|"
                r"Manual|Cnt)(?![\w/]))*")
# A LOINC code written in the name's row ("Sodium | 2951-2 | 135", "Hemoglobin (718-7) 13.2")
# names the test; it is never the value.
_CODE_CELL = r"(?:\(?(?P<loinc{}>\d{{1,5}}-\d)\)?(?![\d.])[\s|]*)?"
_VALUE = re.compile(
    r"^(?:\s+(?:level|count|total|result))?[\s|]*"
    r"(?:,\s*[A-Za-z]+)?" + _LOINC_PARTS +  # "Glucose, Random", "Hgb Bld-mCnc"
    r"[\s|]*" + _CODE_CELL.format(1) +
    r"(?:(?:\((?P<r1>[^)\n]*)\)|\[(?P<r2>[^\]\n]*)\])[\s|]*)?(?:of|was|is|at|=|:|-|–)?"
    r"[\s|]*" + _CODE_CELL.format(2) + r"(?P<v>[<>]?(?:\d+(?:\.\d+)?|\.\d+))(?![\d/.]|-\d)[\s|]*"
    r"(?P<u>%|mg/dl|g/dl|mmol/l|meq/l|k/ul|10\*3/ul|10\+3/ul|x10\^?e?3/ul|/ul|u/l|iu/l|"
    r"ng/ml|ng/dl|pg/ml|mg/l|miu/l|m?iu/ml|ml/min(?:/1\.73\s?m2)?|ratio|sec(?:onds)?)?", re.I)
# Lower-cased units as written -> UCUM.
_UCUM = {"mg/dl": "mg/dL", "g/dl": "g/dL", "mmol/l": "mmol/L", "meq/l": "meq/L",
         "k/ul": "10*3/uL", "10*3/ul": "10*3/uL", "10+3/ul": "10*3/uL", "x10^3/ul": "10*3/uL",
         "x103/ul": "10*3/uL", "x10e3/ul": "10*3/uL", "x10^e3/ul": "10*3/uL", "/ul": "/uL",
         "u/l": "U/L", "iu/l": "[IU]/L", "ng/ml": "ng/mL", "ng/dl": "ng/dL", "pg/ml": "pg/mL",
         "mg/l": "mg/L", "miu/l": "m[IU]/L", "miu/ml": "m[IU]/mL", "iu/ml": "[IU]/mL",
         "ml/min": "mL/min", "ml/min/1.73m2": "mL/min/{1.73_m2}",
         "ml/min/1.73 m2": "mL/min/{1.73_m2}", "sec": "s", "seconds": "s", "ratio": "{ratio}",
         "%": "%"}
# A flag after the value, in parentheses or not; N / normal says the range was met.
_FLAG = re.compile(r"^\s*(?:\((?P<p>H|L|N|HH|LL|HIGH|LOW|NORMAL)\)|(?:\([^)]*\))?\s*"
                   r"(?P<f>H|L|HIGH|LOW|\*))(?![\w])", re.I)


def _vital(name: str, code: str, unit: str, start: int, end: int, text: str,
           **values: Any) -> dict[str, Any]:
    return {"type": "vital", "name": name, "start": start, "end": end, "text": text,
            "code": (LOINC, code, name), "attributes": {"unit": unit, **values}}


def _with_row_cells(first: re.Match[str], cell: re.Pattern[str]) -> Iterator[re.Match[str]]:
    """A match and the further " | value" cells of its table row (one column per visit)."""
    m: re.Match[str] | None = first
    while m is not None:
        yield m
        m = cell.match(m.string, m.end())


_BP_CELL = re.compile(r"[ \t]*\|[ \t]*(?P<s>\d{2,3})\s*/\s*(?P<d>\d{2,3})(?:\s*mm\s*\[?hg\]?)?",
                      re.I)


def _checked(name: str, code: str, unit: str, m: re.Match[str], needs_unit: bool, convert: Any,
             bounds: tuple[float, float], start: int, end: int, text: str
             ) -> dict[str, Any] | None:
    raw_unit = (m.group("u") or "").lower().strip("[]° ")
    if needs_unit and not raw_unit:
        return None
    value = float(m.group("v"))
    value = round(convert(value, raw_unit), 1) if convert else value
    if not bounds[0] <= value <= bounds[1]:
        return None
    return _vital(name, code, unit, start, end, text, value=value)


def find_table_vitals(text: str) -> Iterator[dict[str, Any]]:
    """Vital signs in table cells named by their column or row header; a unit the header
    gives ("Weight [lb_av]") applies to a bare number in the cell."""
    for cell in headed_cells(text):
        unit_in_header = _HEADER_UNIT.search(cell.header)
        header_unit = (unit_in_header.group("p") or unit_in_header.group("b") or "") \
            if unit_in_header else ""
        header_name = cell.header[:unit_in_header.start()] if unit_in_header else cell.header
        bare = not re.search(r"[^\d.\s]", cell.text)
        probe = f"{cell.text} {header_unit}" if bare and header_unit else cell.text
        for name, code, unit, name_rx, value_rx, needs_unit, convert, bounds in _HEADED_RX:
            if not name_rx.match(header_name.strip()) or not (m := value_rx.match(probe)) \
                    or not _CELL_REST.match(probe, m.end()):
                continue
            end = cell.start + min(m.end(), len(cell.text))
            found = _checked(name, code, unit, m, needs_unit, convert, bounds, cell.start, end,
                             text[cell.start:end])
            if found:
                yield found
                break


def find_vitals(text: str) -> Iterator[dict[str, Any]]:
    for first in _BP.finditer(text):
        for m in _with_row_cells(first, _BP_CELL):
            yield _vital("blood pressure", "85354-9", "mm[Hg]", m.start(), m.end(), m.group(0),
                         systolic=int(m.group("s")), diastolic=int(m.group("d")))
    for m in _PAIN.finditer(text):
        if int(m.group("v")) <= 10:
            yield _vital("pain severity", "72514-3", "{score}", m.start(), m.end(), m.group(0),
                         value=float(m.group("v")))
    for name, code, unit, regex, cell, needs_unit, convert, bounds in _VITAL_RX:
        for m in (c for first in regex.finditer(text) for c in _with_row_cells(first, cell)):
            found = _checked(name, code, unit, m, needs_unit, convert, bounds, m.start(),
                             m.end(), m.group(0))
            if found:
                yield found
    if "|" in text:
        yield from find_table_vitals(text)


def lab_attributes(text: str, end: int, code: str | None, unit: str) -> dict[str, Any] | None:
    """Value, unit, reference range and flag after a lab name; None when no value follows."""
    window = text[end:end + 80].split("\n", 1)[0]
    m = _VALUE.match(window)
    if m is None:
        return None
    value = float(m.group("v").lstrip("<>"))
    written = (m.group("u") or "").lower()
    attrs: dict[str, Any] = {"value": value, "unit": _UCUM.get(written, written or unit or None),
                             "reference_range": None}
    rest = window[m.end():]
    stated = _RANGE.search(m.group("r1") or m.group("r2") or "") or _RANGE.match(rest)
    if stated:
        low, high = float(stated.group("lo")), float(stated.group("hi"))
        attrs["reference_range"] = f"{stated.group('lo')}-{stated.group('hi')}"
        if stated.string is rest:
            rest = rest[stated.end():]
    else:
        low, high = ADULT_RANGES.get(code or "", (None, None))
    flag = _FLAG.match(rest)
    if flag:
        written = (flag.group("p") or flag.group("f")).upper()
        attrs["abnormal"] = None if written.startswith("N") else \
            "L" if written.startswith("L") else "H"
    elif low is not None and high is not None:
        attrs["abnormal"] = "H" if value > high else "L" if value < low else None
    else:
        attrs["abnormal"] = None
    attrs["value_end"] = end + m.end()
    attrs["written_code"] = m.group("loinc1") or m.group("loinc2")
    return attrs
