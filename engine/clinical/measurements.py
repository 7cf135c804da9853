"""Vital signs and laboratory values with units normalised (UCUM) and abnormal flags."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

LOINC = "http://loinc.org"

# (name, LOINC code, UCUM unit, regex with a "v" group)
_VITALS: tuple[tuple[str, str, str, re.Pattern[str]], ...] = (
    ("heart rate", "8867-4", "/min", re.compile(
        r"\b(?:HR|heart rate|pulse|P)\s*[:=]?\s*(?P<v>\d{2,3})\b(?:\s*(?:bpm|/min))?", re.I)),
    ("respiratory rate", "9279-1", "/min", re.compile(
        r"\b(?:RR|resp(?:iratory)? rate|respirations?|R)\s*[:=]?\s*(?P<v>\d{1,2})\b", re.I)),
    ("oxygen saturation", "59408-5", "%", re.compile(
        r"\b(?:SpO2|O2 sat(?:uration)?|sat(?:uration)?|pulse ox)\s*[:=]?\s*(?P<v>\d{2,3})\s*%",
        re.I)),
    ("body mass index", "39156-5", "kg/m2", re.compile(
        r"\bBMI\s*[:=]?\s*(?P<v>\d{2}(?:\.\d+)?)", re.I)),
    ("pain severity", "72514-3", "{score}", re.compile(
        r"\bpain(?: score| scale)?\s*[:=]?\s*(?:is\s+)?(?P<v>\d{1,2})\s*/\s*10\b", re.I)),
)
_BP = re.compile(r"\b(?:BP|blood pressure)\s*[:=]?\s*(?:of\s+)?(?P<s>\d{2,3})\s*/\s*(?P<d>\d{2,3})"
                 r"(?:\s*mm\s?Hg)?", re.I)
_TEMP = re.compile(r"\b(?:T|temp(?:erature)?|Tmax)\s*[:=]?\s*(?P<v>\d{2,3}(?:\.\d+)?)\s*°?\s*"
                   r"(?P<u>F|C|fahrenheit|celsius)?\b", re.I)
_WEIGHT = re.compile(r"\b(?:weight|wt)\s*[:=]?\s*(?P<v>\d{2,3}(?:\.\d+)?)\s*(?P<u>kg|lbs?|pounds)",
                     re.I)
_HEIGHT = re.compile(r"\b(?:height|ht)\s*[:=]?\s*(?P<v>\d{2,3}(?:\.\d+)?)\s*(?P<u>cm|in|inches)",
                     re.I)

# Adult reference ranges for common tests (used when the note gives none).
ADULT_RANGES: dict[str, tuple[float, float]] = {
    "4548-4": (4.0, 5.6), "2339-0": (70, 99), "1558-6": (70, 99), "2947-0": (136, 145),
    "6298-4": (3.5, 5.1), "38483-4": (0.6, 1.3), "718-7": (12.0, 17.5), "6690-2": (4.5, 11.0),
    "777-3": (150, 400), "18262-6": (0, 100), "2085-9": (40, 200), "2093-3": (0, 200),
    "2571-8": (0, 150), "3016-3": (0.4, 4.0), "6301-6": (0.8, 1.2), "6299-2": (7, 20),
    "1742-6": (7, 56), "1920-8": (10, 40), "1988-5": (0, 10),
}
_RANGE = re.compile(r"\(?\s*(?:ref(?:erence)?(?:\s+range)?\s*:?\s*|normal\s*:?\s*)?"
                    r"(?P<lo>\d+(?:\.\d+)?)\s*[-–]\s*(?P<hi>\d+(?:\.\d+)?)\s*\)?", re.I)
_VALUE = re.compile(r"^\s*(?:\(\s*[^)]*\)\s*)?(?:of|was|is|at|=|:)?\s*(?P<v>[<>]?\d+(?:\.\d+)?)\s*"
                    r"(?P<u>%|mg/dl|g/dl|mmol/l|meq/l|k/ul|10\*3/ul|x10\^?3/ul|/ul|u/l|iu/l|"
                    r"ng/ml|pg/ml|mg/l|miu/l|m?iu/ml|ml/min(?:/1\.73\s?m2)?|ratio)?", re.I)
_FLAG = re.compile(r"^\s*(?:\([^)]*\))?\s*(?P<f>H|L|HIGH|LOW|\*)\b")


def _vital(name: str, code: str, unit: str, start: int, end: int, text: str,
           **values: Any) -> dict[str, Any]:
    return {"type": "vital", "name": name, "start": start, "end": end, "text": text,
            "code": (LOINC, code, name), "attributes": {"unit": unit, **values}}


def find_vitals(text: str) -> Iterator[dict[str, Any]]:
    for m in _BP.finditer(text):
        yield _vital("blood pressure", "85354-9", "mm[Hg]", m.start(), m.end(), m.group(0),
                     systolic=int(m.group("s")), diastolic=int(m.group("d")))
    for name, code, unit, regex in _VITALS:
        for m in regex.finditer(text):
            yield _vital(name, code, unit, m.start(), m.end(), m.group(0),
                         value=float(m.group("v")))
    for m in _TEMP.finditer(text):
        value = float(m.group("v"))
        fahrenheit = (m.group("u") or "").lower().startswith("f") or value > 45
        celsius = round((value - 32) * 5 / 9, 1) if fahrenheit else value
        if 30 <= celsius <= 45:
            yield _vital("body temperature", "8310-5", "Cel", m.start(), m.end(), m.group(0),
                         value=celsius)
    for m in _WEIGHT.finditer(text):
        kg = float(m.group("v")) * (0.4536 if m.group("u").lower() != "kg" else 1)
        yield _vital("body weight", "29463-7", "kg", m.start(), m.end(), m.group(0),
                     value=round(kg, 1))
    for m in _HEIGHT.finditer(text):
        cm = float(m.group("v")) * (2.54 if m.group("u").lower() != "cm" else 1)
        yield _vital("body height", "8302-2", "cm", m.start(), m.end(), m.group(0),
                     value=round(cm, 1))


def lab_attributes(text: str, end: int, code: str | None, unit: str) -> dict[str, Any] | None:
    """Value, unit, reference range and flag after a lab name; None when no value follows."""
    window = text[end:end + 80].split("\n", 1)[0]
    m = _VALUE.match(window)
    if m is None:
        return None
    raw = m.group("v")
    value = float(raw.lstrip("<>"))
    attrs: dict[str, Any] = {"value": value, "unit": (m.group("u") or unit or "").strip()}
    rest = window[m.end():]
    low = high = None
    if r := _RANGE.match(rest):
        low, high = float(r.group("lo")), float(r.group("hi"))
        attrs["reference_range"] = f"{r.group('lo')}-{r.group('hi')}"
        rest = rest[r.end():]
    elif code in ADULT_RANGES:
        low, high = ADULT_RANGES[code]
    flag = _FLAG.match(rest)
    if flag:
        attrs["abnormal"] = "L" if flag.group("f").upper().startswith("L") else "H"
    elif low is not None and high is not None:
        attrs["abnormal"] = "H" if value > high else "L" if value < low else None
    else:
        attrs["abnormal"] = None
    attrs["value_end"] = end + m.end()
    return attrs
