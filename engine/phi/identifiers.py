"""Numbers and codes: SSN, phone/fax, e-mail, URL, IP, record/plan/account/license numbers,
vehicle and device identifiers, biometric and photo references, other unique IDs."""

from __future__ import annotations

import ipaddress
import re

from engine.phi.recognizer import Pattern, PatternRecognizer
from engine.phi.types import PhiType

I = re.IGNORECASE  # noqa: E741  (the regex flag, as the re module spells it)

# An identifier: at least one digit, letters/digits/dashes, 4+ characters.
_ID = r"(?=[A-Za-z0-9\-]{0,40}\d)[A-Za-z0-9][A-Za-z0-9\-]{2,40}[A-Za-z0-9]"
# ("#" has no word's end after it: "MRN#: 2245781")
_SEP = r"(?:\s*(?:(?:number|num|no\.?|nbr|id)\b\.?|#))?\s*(?:is|[:=#-])?\s*"
# Words that are ordinary in notes ("visit", "order") name an identifier only when a
# number word or a colon follows them.
_STRICT_SEP = r"\s*(?:(?:(?:number|num|no\.?|nbr|id)\b\.?|#)\s*[:=#-]?|[:=#])\s*"


def _labelled(labels: str, strict: bool = False) -> re.Pattern[str]:
    sep = _STRICT_SEP if strict else _SEP
    return re.compile(rf"\b(?:{labels})\b{sep}#?(?P<id>{_ID})", I)


def valid_ssn(value: str) -> bool:
    digits = re.sub(r"\D", "", value)
    if len(digits) != 9:
        return False
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


def valid_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def luhn_ok(value: str) -> bool:
    digits = [int(c) for c in value if c.isdigit()]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return len(digits) >= 12 and total % 10 == 0


def _phone(value: str) -> bool:
    digits = re.sub(r"\D", "", re.split(r"x|ext", value, flags=re.I)[0])
    return len(digits) == 10 or (len(digits) in (11, 13) and digits.lstrip("0")[0] == "1")


def _intl_phone(value: str) -> bool:
    """7 to 15 digits (E.164), and not the shape of an (invalid) SSN."""
    return 7 <= sum(c.isdigit() for c in value) <= 15 and not re.fullmatch(
        r"\d{3}-\d{2}-\d{4}", value)


IDENTIFIERS = PatternRecognizer("identifiers", (
    Pattern(PhiType.EMAIL, re.compile(
        r"\b[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9.\-]{1,253}\.[A-Za-z]{2,}\b"), 0.95,
            needs=("@",)),
    Pattern(PhiType.URL, re.compile(
        r"\b(?:https?://|ftp://|www\.)[^\s<>\"')\]]+[^\s<>\"')\].,;:]", I), 0.9),
    # not a run of lab values ("80/48/7.45.34.7")
    Pattern(PhiType.IP, re.compile(r"(?<![\w./])(?:\d{1,3}\.){3}\d{1,3}(?!\.?\d)"), 0.85,
            validate=valid_ip, digits=4, leads="", gate=re.compile(r"\d\.\d{1,3}\.\d{1,3}\.\d")),
    Pattern(PhiType.IP, re.compile(
        r"\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\b|\b(?:[0-9a-f]{1,4}:){1,6}:[0-9a-f]{1,4}\b",
        I), 0.8, validate=valid_ip, needs=(":",), gate=re.compile(r"[0-9A-Fa-f]::?[0-9A-Fa-f]")),
    Pattern(PhiType.SSN, re.compile(r"\b\d{3}-\d{2}-\d{4}\b"), 0.9, validate=valid_ssn,
            digits=9, leads=""),
    Pattern(PhiType.SSN, re.compile(
        r"\b(?:SSN|social security(?: number| no\.?)?|SS#)\s*[:#]?\s*"
        r"(?P<id>\d{3}[- ]?\d{2}[- ]?\d{4})\b", I), 0.95, group="id"),
    Pattern(PhiType.FAX, re.compile(
        r"\bfax(?:\s*(?:number|no\.?|#))?\s*[:#]?\s*(?P<id>(?:\+?1[\s.\-]?)?\(?\d{3}\)?[\s.\-]?\d{3}[\s.\-]?\d{4})\b",
        I), 0.95, group="id"),
    # (A run of dashes after a word is a pause, not a minus: "SON-JO---301 555-0142"; the
    # area code may stand before a slash: "410/555-0142".)
    Pattern(PhiType.PHONE, re.compile(
        r"(?:(?<![\w/.\-])|(?<=--)(?<![\d/.]--))(?:(?:\+|00)?1[\s.\-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.\-/])"
        r"\d{3}[\s.\-]\d{4}"
        r"(?:\s*(?:x|ext\.?)\s*\d{1,5})?\b|(?<![\w/.\-])\d{10}\b(?=\s*(?:\(|$|[,.;]|\s))"),
        0.7, validate=_phone, digits=10, leads="+("),
    # International shapes: "+46 (0)8 928 571 38", "0490 75 40 81", "03.93.92.16.85",
    # "(37) 788-063", "60-56-85-91", "0961-7596216" — a plus, parentheses, a leading zero
    # (an area code, then groups or one hyphenated subscriber number) or three dashed/dotted
    # groups; bare space-separated groups need a cue word (vital signs are such groups too).
    Pattern(PhiType.PHONE, re.compile(
        r"(?<![\w.+\-/])(?:\+\d{1,3}[\s.\-]?(?:\(0\)\s?)?(?:\(\d{1,4}\)\s?)?\d{1,5}(?:[\s.\-]\d{2,5}){1,4}"
        r"|\(\d{1,4}\)\s?\d{2,5}(?:[\s.\-]\d{2,5}){1,3}|0\d{1,4}(?:[\s.\-]\d{2,5}){2,4}"
        r"|0\d{2,4}-\d{6,8}|\d{2,4}(?:([.\-])\d{2,4})(?:\1\d{2,4}){2,3})(?![\w/]|[\-.]\d)"),
        0.6, validate=_intl_phone, digits=7, leads="+("),
    # After a cue, perhaps through whose and what kind of line: "on my registered 668 5702",
    # "reach her cell 0412 555 019".
    Pattern(PhiType.PHONE, re.compile(
        r"\b(?:phone|tel|telephone|cell|mobile|call|desk|office|contact|reach|text|dial|"
        r"number|at|on|to)\b\W{1,3}(?<!\.)(?:(?:my|his|her|their|our|your)[ \t]+(?:registered|"
        r"cell|mobile|home|work|office|landline|personal|private|new|usual[ \t]+number)[ \t]+)?"
        r"(?P<id>\d{2,8}(?:[ \-]\d{2,8}){1,4})(?![\w/]|[\-.]\d)", I),
        0.8, group="id", validate=_intl_phone),
    # A number labelled after it: "416 60 039 office", "3660170548-Fax".
    Pattern(PhiType.PHONE, re.compile(
        r"(?<![\w.+\-/])(?P<id>\+?\d[\d \-.()]{5,18}\d)(?=[ \t]*-?[ \t]*(?:office|fax|mobile|"
        r"cell|home|work|desk|phone)\b)", I), 0.65, group="id", validate=_intl_phone,
            digits=7, leads="+"),
    # A pager or an extension: "Pager #54321", "PG 33445", "beeper number 55037", "x4417".
    Pattern(PhiType.PHONE, re.compile(
        r"\b(?:pager|beeper|pgr|pg|page|paged|ext(?:ension)?)\b\.?[ \t]*(?:number|no\.?|#)?"
        r"[ \t]*[:#]?[ \t]*#?[ \t]*(?P<id>\d{1,2}-\d{4}|\d{4,6})"
        r"(?![\w/%]|\.\d|[ \t]*(?:mg|mcg|ml|cc|units?|mmhg|%))", I),
        0.85, group="id"),
    # A hospital's own short number (a pager or an extension) after a call: "call 5-1234".
    Pattern(PhiType.PHONE, re.compile(
        r"\b(?:call(?:ed|s|ing)?|reach(?:ed)?|contact(?:ed)?)\b[ \t]*(?:at|@)?[ \t]*#?[ \t]*"
        r"(?P<id>\d{1,2}-\d{4})(?![\w/%\-]|\.\d|[ \t]*(?:mg|mcg|ml|cc|units?|mmhg|%))", I),
        0.8, group="id"),
    # A pager number a few words after the page, behind its sign or, in the pager's shape
    # or of five digits, after "at" ("paged dr green #4-4410", "PAGE DR X AT 4-1189", "paged
    # at 54321"; "paged at 1400" is a time).
    Pattern(PhiType.PHONE, re.compile(
        r"\b(?:pager|beeper|pgr|page|paged)\b(?:[ \t]+(?!\d)[\w.'’]{1,15}){0,3}?[ \t]*"
        r"(?:#[ \t]*|(?:at|@)[ \t]*(?=\d{1,2}-\d{4}|\d{5}(?!\d)))"
        r"(?P<id>\d{1,2}-\d{4}|\d{4,6})(?![\w/%]|\.\d)", I), 0.8, group="id"),
    # A local number a few words after a calling cue, whose line it is or whose number:
    # "pls call dtr 555 9087", "son can be reached # 555-8810", "WIFE (H) 555-1234",
    # "sister- 555-6767", "dtr # is 555-3344" (seven digits: no clinical value).
    Pattern(PhiType.PHONE, re.compile(
        r"(?:\b(?:call(?:ed|s|ing)?|ph|phone|tel|contact(?:ed)?|reach(?:ed)?|number|num|"
        r"sons?|daughters?|dtrs?|wife|husband|spouse|brother|sister|mother|father|mom|dad|"
        r"niece|nephew|friend|family|hcp|proxy|aunt|uncle|cousin|grandson|granddaughter)\b|#"
        r"|\((?:h|w|c|hm|wk|cell|home|work)\))"
        r"(?:[ \t]*[:#@(\-]|[ \t]+(?!\d)[\w'’.]{1,15}){0,5}?[ \t]*"
        r"(?<![\d.\-])(?P<id>\d{3}[ \t.\-]?\d{4})(?![\w/%]|[.\-]\d)", I), 0.8, group="id"),
    # An extension: "x4417", "x5-6789", and in capitals only in the dashed shape ("X5-6789";
    # "X 2", "X1000" count times).
    Pattern(PhiType.PHONE, re.compile(
        r"(?<![\w.])(?:x|X(?=\d-\d{4}\b))(?P<id>\d{4,5}|\d-\d{4})\b"), 0.7, group="id",
            digits=4),
    # A local number after whose line it is: "home# 555-0142", "wk 555 0198", "cell#5550142".
    Pattern(PhiType.PHONE, re.compile(
        r"\b(?:(?:home|hm|work|wk|cell|cel|mobile|ph|phone|tel)[ \t]*(?:#|no\.?|number|:)?|"
        r"(?:h|w|c)[ \t]*(?:#|:))[ \t]*(?P<id>\d{3}[ \t.\-]?\d{4})(?![\w/]|[.\-]\d)", I),
        0.8, group="id", digits=7, gate=re.compile(r"\d{3}[ \t.\-]?\d{4}")),
    # An area code before a seven-digit run: "410-5550142".
    Pattern(PhiType.PHONE, re.compile(r"(?<![\w/.\-])\(?\d{3}\)?[ \t.\-]\d{7}(?![\w/]|[.\-]\d)"),
            0.7, digits=10, leads="("),
    # Ten or eleven digits in brackets, however grouped: "(301 273 4516", "(240444-1243)".
    Pattern(PhiType.PHONE, re.compile(
        r"\((?P<id>\d{3,6}(?:[ \-]\d{2,5}){1,2})(?=\)|[ \t]|$)(?![ \t]*(?:mg|mcg|ml|cc|%))"),
        0.75, group="id", validate=lambda v: 10 <= sum(c.isdigit() for c in v) <= 11,
        digits=10),
    Pattern(PhiType.PHONE, re.compile(
        r"\b(?:phone|tel|telephone|cell|mobile|pager|call)\b\.?\s*(?:number|no\.?|#)?\s*[:#]?\s*"
        r"(?P<id>\d{3}[\s.\-]\d{4}|\(?\d{3}\)?[\s.\-]?\d{3}[\s.\-]?\d{4})\b", I),
        0.9, group="id"),
    Pattern(PhiType.MRN, _labelled(
        r"MRN|medical record|med(?:ical)? rec(?:ord)?|patient id|pt id|hospital number|"
        r"unit number"), 0.95, group="id"),
    Pattern(PhiType.MRN, _labelled(r"MR|chart|record|unit", strict=True), 0.9, group="id"),
    Pattern(PhiType.HEALTH_PLAN, _labelled(
        r"member(?: id)?|subscriber|policy|insurance(?: id)?|health plan(?: id)?|plan id|"
        r"beneficiary|medicare|medicaid|HICN|MBI"), 0.9, group="id"),
    Pattern(PhiType.HEALTH_PLAN, _labelled(r"group", strict=True), 0.85, group="id"),
    Pattern(PhiType.ACCOUNT, _labelled(r"account|acct|billing|invoice|FIN|CSN|HAR"), 0.9,
            group="id"),
    Pattern(PhiType.ACCOUNT, _labelled(r"claim|encounter|visit", strict=True), 0.85,
            group="id"),
    Pattern(PhiType.ACCOUNT, re.compile(r"\b\d(?:[ -]?\d){12,18}\b"), 0.8, validate=luhn_ok,
            digits=13, leads=""),
    Pattern(PhiType.LICENSE, _labelled(
        r"licen[cs]e|DEA|NPI|certificate|cert|driver'?s licen[cs]e"), 0.9, group="id"),
    Pattern(PhiType.LICENSE, _labelled(r"DL|registration", strict=True), 0.85, group="id"),
    Pattern(PhiType.LICENSE, re.compile(r"\b[A-Z]{2}\d{7}\b"), 0.6, digits=7,  # DEA shape
            gate=re.compile(r"[A-Z]\d{7}")),
    # Plates and licences written in groups: "license number is 6GQ H02", "plate ABC 1234".
    Pattern(PhiType.LICENSE, re.compile(
        r"\b(?:licen[cs]e|plate|DL)\b(?:\s+(?:number|no\.?|#))?\s*(?:is|[:#])?\s*"
        r"(?P<id>(?-i:(?=[A-Z\d \-]*\d)[A-Z\d]{1,4}[ \-][A-Z\d]{2,4}(?:[ \-][A-Z\d]{1,4})?))\b",
        I),
        0.85, group="id"),
    Pattern(PhiType.VEHICLE, re.compile(r"\b(?=[A-HJ-NPR-Z0-9]*\d)(?=[A-HJ-NPR-Z0-9]*[A-Z])"
                                        r"[A-HJ-NPR-Z0-9]{17}\b"), 0.85, digits=1,
            gate=re.compile(r"[A-HJ-NPR-Z0-9]{17}")),
    Pattern(PhiType.VEHICLE, re.compile(
        r"\b(?:VIN|license plate|plate(?: number| no\.?)?|tag|registration plate)\b\s*[:#]?\s*"
        r"(?P<id>(?=[A-Z0-9\- ]{0,8}\d)[A-Z0-9][A-Z0-9\- ]{2,8}[A-Z0-9])\b", I), 0.9, group="id"),
    Pattern(PhiType.DEVICE, _labelled(r"serial|S/N|device id|UDI|IMEI"), 0.85, group="id"),
    Pattern(PhiType.DEVICE, _labelled(r"SN|device|model|lot|implant|pacemaker|MAC",
                                      strict=True), 0.8, group="id"),
    Pattern(PhiType.BIOMETRIC, re.compile(
        r"\b(?:fingerprint|finger print|retina(?:l)? scan|iris scan|voice ?print|palm ?print|"
        r"face ?print|biometric)(?:\s+(?:id|template|record|scan|sample))?\s*[:#]?\s*"
        r"(?P<id>" + _ID + ")", I), 0.9, group="id"),
    Pattern(PhiType.PHOTO, re.compile(
        r"\b(?:photo(?:graph)?|picture|image|headshot|portrait)\s*(?:id|file|on file)?\s*[:#]?"
        r"\s*(?P<id>[\w\-]+\.(?:jpe?g|png|gif|bmp|tiff?|heic))\b", I), 0.9, group="id"),
    Pattern(PhiType.PHOTO, re.compile(r"\b[\w\-]{1,100}\.(?:jpe?g|png|heic)\b", I), 0.7,
            needs=(".jp", ".png", ".heic")),
    Pattern(PhiType.ID, _labelled(r"ID|identifier|accession|requisition"), 0.8, group="id"),
    Pattern(PhiType.ID, _labelled(r"case|ref(?:erence)?|specimen|order|sample", strict=True),
            0.75, group="id"),
    # Code-shaped tokens: letters, a dash, four or more digits ("HMO-234567", "SH-456789").
    # (FDA application and drug codes — NDA020800, NDC — name products, not people.)
    # (A model before the device it names is no one's: "via PB7200 vent".)
    Pattern(PhiType.ID, re.compile(
        r"\b(?!NDA|ANDA|BLA|NDC)[A-Z]{1,5}-?\d{4,}[A-Z]{0,3}\b(?![ \t]+(?i:vent|ventilator|"
        r"pump|monitor|bed|mattress)\b)"), 0.7, digits=4, gate=re.compile(r"[A-Z]-?\d{4}")),
    Pattern(PhiType.ID, re.compile(r"(?<![\w-])\d{3}-\d{3,4}-\d{3,4}(?![\w-])"), 0.65,
            digits=9, leads=""),
    # Long bare digit runs are identifiers; clinical values do not run to seven digits.
    Pattern(PhiType.ID, re.compile(r"(?<![\d.,])\d{7,}(?![\d.,]\d)"), 0.75, digits=7, leads=""),
))
