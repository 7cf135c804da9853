"""What replaces each detected identifier under each policy.

Surrogates are derived from an HMAC of the record's secret and the normalised original, so
the same person, number or place gets the same fake everywhere in a record, and a different
one in another record. Dates move by one offset per record, keeping intervals and order.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable

from engine.phi import dates
from engine.phi.lexicons import Lexicons, load
from engine.phi.names import NAME_PARTS
from engine.phi.places import POSTCODE, STREET_TYPES
from engine.phi.types import PhiType
from engine.protocol import ScrubPolicy

# HHS: three-digit ZIP prefixes of areas with 20,000 people or fewer become 000.
RESTRICTED_ZIP3 = frozenset({"036", "059", "063", "102", "203", "556", "692", "790", "821",
                             "823", "830", "831", "878", "879", "884", "890", "893"})
_INSTITUTION = re.compile(r"\b(?:Hospital|Medical Center|Clinic|Health|Infirmary|Associates|"
                          r"Laboratory|Pharmacy|Center|Institute|University|College|Memorial|"
                          r"Medicine|Practice|Group|Care|Ltd|PLC|Inc|LLC)\b", re.I)

_STREET_TYPE = re.compile(rf"\b(?:{STREET_TYPES})\b\.?")
_ZIP = re.compile(r"\d{5}(?:-\d{4})?")
_HOUSE_NUMBER = re.compile(r"\b\d+[A-Za-z]?\b")
_POSTCODE = re.compile(POSTCODE)
# A postcode closing a part of an address ("TROMSØ 9008", "Umeå 903 37", "BC V2C 1A3").
_TRAILING_POSTCODE = re.compile(rf"(?<=\s)(?:{POSTCODE})$")
_PART_SEPARATOR = re.compile(r"(\s*[\n,]\s*)")
# What of an address says only what kind of thing it is, and stays: "the corner of … and …",
# "Suite 845" (its number does not).
_CROSSING = re.compile(r"(?P<cue>(?:the\s+)?(?:corner|intersection)\s+of\s+)(?P<a>.+?)"
                       r"(?P<link>\s+(?:and|&)\s+)(?P<b>.+)", re.I | re.S)
_UNIT_PART = re.compile(r"(?P<kind>(?:apt|apartment|suite|ste|unit|flat|bldg|building|floor|"
                        r"room|rm)\.?\s*#?)(?P<number>\w+)", re.I)


class Replacer:
    def __init__(self, policy: ScrubPolicy, secret: bytes | None = None,
                 lexicons: Lexicons | None = None) -> None:
        self.policy = policy
        self.secret = secret if secret is not None else secrets.token_bytes(32)
        self.lex = lexicons or load()
        span = int.from_bytes(self._digest("date-offset")[:4], "big") % 700
        # A shift of 30–365 days either way: never zero, never more than a year.
        self.date_offset = (30 + span % 336) * (1 if span < 350 else -1)

    def _digest(self, key: str) -> bytes:
        return hmac.new(self.secret, key.encode("utf-8"), hashlib.sha256).digest()

    def _number(self, key: str) -> int:
        return int.from_bytes(self._digest(key)[:8], "big")

    def _pick(self, items: tuple[str, ...], key: str) -> str:
        return items[self._number(key) % len(items)]

    def replace(self, phi_type: PhiType, original: str) -> str:
        parts = NAME_PARTS.fullmatch(original) if phi_type is PhiType.NAME else None
        if parts and (parts.group("title") or parts.group("suffix")):
            # "Dr." and "Jr., MD" say nothing about who: they stay, the name goes.
            return (f"{parts.group('title') or ''}{self._replace(phi_type, parts.group('core'))}"
                    f"{parts.group('suffix') or ''}")
        return self._replace(phi_type, original)

    def _replace(self, phi_type: PhiType, original: str) -> str:
        if self.policy is ScrubPolicy.REDACT:
            return f"[{phi_type.value}]"
        if phi_type is PhiType.AGE:
            return "90+"
        if self.policy is ScrubPolicy.SAFE_HARBOR:
            return self._safe_harbor(phi_type, original)
        return self._surrogate(phi_type, original)

    # --- safe harbor ------------------------------------------------------------------

    def _safe_harbor(self, phi_type: PhiType, original: str) -> str:
        if phi_type is PhiType.DATE:
            weekday = dates.LEADING_WEEKDAY.match(original)
            parsed = _parse_date(original[weekday.end():] if weekday else original)
            year = dates.year_only(parsed[0]) if parsed else None
            return year or "[DATE]"  # the weekday goes: with the year it would narrow the day
        if phi_type is PhiType.LOCATION:
            return self._by_part(original, self._harbor_part)
        return f"[{phi_type.value}]"

    def _harbor_part(self, part: str) -> str:
        if _ZIP.fullmatch(part):
            return "000" if part[:3] in RESTRICTED_ZIP3 else part[:3]
        return "[LOCATION]"

    def _by_part(self, original: str, replace_part: Callable[[str], str]) -> str:
        """An address over several lines or comma-separated parts, part by part: states and
        countries stay (Safe Harbor allows them), a trailing postcode is its own part."""
        out = []
        for piece in _PART_SEPARATOR.split(original):
            if not piece or _PART_SEPARATOR.fullmatch(piece):
                out.append(piece)
                continue
            code = _TRAILING_POSTCODE.search(piece)
            head = piece[:code.start()].rstrip() if code else ""
            if code and head:
                town, postcode = self._keep_region(head, replace_part), replace_part(code[0])
                # "[LOCATION] [LOCATION]" says no more than one tag
                out.append(town if town == postcode else f"{town} {postcode}")
            else:
                out.append(self._keep_region(piece, replace_part))
        return "".join(out)

    def _keep_region(self, part: str, replace_part: Callable[[str], str]) -> str:
        plain = part.lower()
        if part in self.lex.state_codes or plain in self.lex.state_names or (
                plain in self.lex.countries):
            return part
        return replace_part(part)

    # --- surrogates -------------------------------------------------------------------

    def _surrogate(self, phi_type: PhiType, original: str) -> str:
        key = _key(phi_type, original)
        if phi_type is PhiType.NAME:
            return self._name(original)
        if phi_type is PhiType.DATE:
            weekday = dates.LEADING_WEEKDAY.match(original)
            if weekday and weekday.end() < len(original):  # "Sunday, January 20, 2019"
                return (str(dates.shifted_weekday(weekday["day"], self.date_offset))
                        + weekday["gap"] + self._surrogate(phi_type, original[weekday.end():]))
            parsed = _parse_date(original)
            if parsed is None:
                return (dates.shifted_month(original, self.date_offset)
                        or dates.shifted_weekday(original, self.date_offset) or "[DATE]")
            return dates.shifted(parsed[0], self.date_offset) + parsed[1]
        if phi_type is PhiType.EMAIL:
            user = self._pick(self.lex.given_list, key).lower()
            return f"{user}.{self._pick(self.lex.surname_list, key + 's').lower()}@example.org"
        if phi_type is PhiType.URL:
            return f"https://example.org/{self._digest(key).hex()[:10]}"
        if phi_type is PhiType.IP:
            return f"192.0.2.{self._number(key) % 254 + 1}"
        if phi_type is PhiType.LOCATION:
            return self._location(original, key)
        if phi_type is PhiType.ORGANIZATION:
            return self._organization(original, key)
        if phi_type is PhiType.SSN:
            # 9xx areas are never issued: the fake cannot be someone's real number.
            return "9" + self._shape(original, key)[1:]
        if phi_type in (PhiType.PHONE, PhiType.FAX):
            fake = self._shape(original, key)
            digits = [i for i, c in enumerate(fake) if c.isdigit()]
            if len(digits) >= 7:  # 555-01xx numbers are reserved for fiction
                chars = list(fake)
                for index, digit in zip(digits[-7:-4], "555", strict=True):
                    chars[index] = digit
                fake = "".join(chars)
            return fake
        if phi_type is PhiType.PHOTO:
            return f"photo_{self._digest(key).hex()[:8]}{original[original.rfind('.'):]}"
        return self._shape(original, key)

    def _shape(self, original: str, key: str) -> str:
        """Same length and character classes, different characters."""
        stream = self._digest(key) + self._digest(key + "+")
        out = []
        for i, ch in enumerate(original):
            b = stream[i % len(stream)] + i
            if ch.isdigit():
                out.append(str(b % 10))
            elif ch.isalpha():
                letter = chr(ord("A") + b % 26)
                out.append(letter if ch.isupper() else letter.lower())
            else:
                out.append(ch)
        return "".join(out)

    def _name(self, original: str) -> str:
        words = original.split()
        out = []
        for index, word in enumerate(words):
            core = word.rstrip(",")
            tail = word[len(core):]
            plain = core.lower()
            if re.fullmatch(r"[A-Za-z]\.?", core):
                fake = chr(ord("A") + self._number("initial:" + plain) % 26) + (
                    "." if core.endswith(".") else "")
            else:
                given = plain in self.lex.given_names and (index == 0 or len(words) == 1)
                pool = self.lex.given_list if given else self.lex.surname_list
                fake = self._pick(pool, ("given:" if given else "surname:") + plain)
                fake = fake.upper() if core.isupper() and len(core) > 1 else fake
            out.append(fake + tail)
        return " ".join(out)

    def _location(self, original: str, key: str) -> str:
        crossing = _CROSSING.fullmatch(original)
        if crossing:  # two streets, each its own fake
            # each street, and each part of an address, is faked as it would be alone: the
            # same town gets the same fake in every address of the record
            return (crossing["cue"]
                    + self._street(crossing["a"], _key(PhiType.LOCATION, crossing["a"]))
                    + crossing["link"]
                    + self._street(crossing["b"], _key(PhiType.LOCATION, crossing["b"])))
        if _PART_SEPARATOR.search(original) or _TRAILING_POSTCODE.search(original):
            return self._by_part(original, lambda part: self._location_part(
                part, _key(PhiType.LOCATION, part)))
        return self._location_part(original, key)

    def _location_part(self, original: str, key: str) -> str:
        if _POSTCODE.fullmatch(original):
            return self._shape(original, key)
        if _INSTITUTION.search(original) and not any(c.isdigit() for c in original):
            # "Riverside Family Practice, 1184 Willow Creek Road": the practice gets the fake
            # it gets when named alone, so the two agree
            return self._surrogate(PhiType.ORGANIZATION, original)
        unit = _UNIT_PART.fullmatch(original)
        if unit:
            return unit["kind"] + self._shape(unit["number"], key)
        if original.lower().startswith("p") and "box" in original.lower():
            return f"PO Box {self._number(key) % 9000 + 100}"
        if any(c.isdigit() for c in original):
            return self._street(original, key)
        place = self._pick(self.lex.place_list, key)
        return place + (" County" if original.endswith(("County", "Parish")) else "")

    def _street(self, original: str, key: str) -> str:
        """A fake street, its house number where the original has it ("82 Oak Road",
        "Puruntie 82" → "Lindqvist Street 415"): "Road" stays; names and numbers do not."""
        kinds = _STREET_TYPE.findall(original)
        street = f"{self._pick(self.lex.surname_list, key)} {kinds[-1] if kinds else 'Street'}"
        house = _HOUSE_NUMBER.search(original)  # "5th" of "5th Avenue" is the street's name
        if house is None:
            return street
        number = str(self._number(key) % 9000 + 100)
        return f"{number} {street}" if house.start() == 0 else f"{street} {number}"

    def _organization(self, original: str, key: str) -> str:
        # Only the kind of institution stays ("Clinic"), never a name or town after it.
        suffix = _INSTITUTION.search(original)
        name = self._pick(self.lex.surname_list, key)
        return f"{name} {suffix.group(0).title()}" if suffix else f"{name} Associates"


def _key(phi_type: PhiType, original: str) -> str:
    """What a surrogate is derived from: the type and the original, case and spacing aside."""
    return f"{phi_type.value}:{' '.join(original.lower().split())}"


def _parse_date(text: str) -> tuple[dates.ParsedDate, str] | None:
    """The date the span holds, and the time of day after it (kept as written)."""
    for parsed in dates.find_dates(text):
        start, end = dates.date_span(parsed)
        tail = dates.TIME_TAIL.fullmatch(text, end) if end < len(text) else None
        if start == 0 and (end == len(text) or tail):
            return parsed, text[end:]
    return None
