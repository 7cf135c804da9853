"""Street addresses written the international way, and address blocks over several lines.

``NumberedStreetRecognizer`` finds a street name followed by its house number ("Puruntie 82",
"Rua do Arenque 1634", "Μεγάλη Άμμος 184", "hegyalja út 98."), which the US street-suffix
pattern misses. ``AddressBlocks`` grows a found street line over the lines that complete the
address (town, region code, postcode, country), as in a letter head or a billing address,
and a flat or suite back over the street written before it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator

from engine.phi.cues import at_numbers, at_starts
from engine.phi.lexicons import COMMON_RANK, RARE_RANK, Lexicons, load
from engine.phi.names import FUNCTION_RANK, NameRecognizer
from engine.phi.places import NOT_AMOUNT, POSTCODE_RE, STREET_TYPE, line_tail
from engine.phi.text_pieces import NON_SPACE
from engine.phi.types import Detection, PhiType

# Upper-case letters of the Latin, Greek and Cyrillic scripts (and their accented forms).
_UP = r"[A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĒĘĚĞĪŁŃŇŐŒŘŚŞŠŤŪŮŰŹŻŽΆΈΉΊΌΎΏΑ-ΩА-ЯЁ]"
_CAPWORD = rf"{_UP}[^\W_]*(?:['’.\-][^\W\d_]+){{0,3}}\.?"
PARTICLES = frozenset({"de", "do", "da", "dos", "das", "del", "della", "delle", "dei", "di",
                       "du", "des", "la", "le", "van", "von", "der", "den", "ten", "y", "e"})
_PARTICLE = "|".join(sorted(PARTICLES, key=len, reverse=True))
# Street words written before the name ("Rua", "Via", "ul.") or, in lower case, after it
# ("Erzsébet tér", "Király u.").
_PREFIX = (r"C/|Rua|Rue|Via|Viale|Vicolo|Piazza|Piazzale|Corso|Largo|Calle|Avda|Avenida|Av|Ul|ul|"
           r"Ulica|Aleja|Al|Strada|Rambla|Plaza|Praça|Travessa|Camino|Carrer|Chemin|Allée|"
           r"Impasse|Quai|Cours|Λεωφόρος|Λ|Οδός|Οδ")
LOCAL_TYPES = frozenset({"u.", "utca", "tér", "út", "útja", "kapu", "köz", "körút", "rkp.",
                         "krt.", "str", "str.", "ul.", "st", "st.", "gate", "gata", "vei", "vej",
                         "tee", "põik", "terrasse"})
_LOCAL = "|".join(re.escape(t) for t in sorted(LOCAL_TYPES, key=len, reverse=True))
# Street-type endings of one-word street names in European languages.
_STREET_ENDINGS = (
    "strasse", "straße", "str", "gasse", "weg", "vej", "vegen", "veien", "gata", "gatan", "gade",
    "katu", "tie", "kuja", "polku", "laan", "straat", "steeg", "plein", "gracht", "allee", "ring",
    "platz", "utca", "ulica", "vägen", "väg", "stræde", "vænget", "gränd", "torget", "plads")


def _numbered(word: str, lead_required: bool) -> re.Pattern[str]:
    """A street name of ``word``s with its house number after it, and perhaps before it."""
    return re.compile(
        rf"(?<![\w.,/\-])(?P<lead>(?:\d{{1,6}}[ \t]+){{1,2}}){'' if lead_required else '?'}"
        rf"(?:(?P<prefix>{_PREFIX})\.?[ \t]+(?:(?:{_PARTICLE})[ \t]+)?)?"
        rf"(?P<words>{word}(?:[ \t]+(?:(?:{_PARTICLE})[ \t]+)?{word}){{0,3}})"
        rf"(?:[ \t]+(?:{_LOCAL}))?[ \t]+\d{{1,5}}[A-Za-z]?\b\.?{NOT_AMOUNT}")


_NUMBERED = _numbered(_CAPWORD, lead_required=False)
# Where such a street can start: its house number, its street word ("Rua", "ul.") or its
# name's capital, with no word or number before it.
_NUMBERED_START = re.compile(rf"(?:\d|{_UP}|u)(?<![\w.,/\-].)")
# The same in lower case ("74678 midtvollen 130"), only with a number on both sides.
_LOWER_NUMBERED = _numbered(r"[^\W\d_A-ZÀ-ÞΑ-ΩА-Я][^\W_]*", lead_required=True)
# Hungarian and Estonian street words, none an English word, and the house number after
# them: the name before may be in lower case ("hegyalja út 98.", "Árpád fejedelem útja 62.").
_NATIVE = "|".join(re.escape(t) for t in ("útja", "utca", "körút", "út", "tér", "köz", "kapu",
                                          "põik", "rkp.", "krt.", "u."))
_NATIVE_TYPE = re.compile(rf"[ \t](?:{_NATIVE})[ \t]+\d{{1,5}}[A-Za-z]?\b\.?{NOT_AMOUNT}")
_LEAD = re.compile(r"\d{1,6}")
_PLAIN_WORD = re.compile(r"[^\W\d_]+(?:['’.\-][^\W\d_]*)*")
_LONG_WORD = 6  # a lower-case street has a word this long ("38 segs 3" is a dose)
# The French, Iberian, Italian and Slavic order: the house number, then the street word,
# then the name ("31 Rue Al Imam Al Bakri", "36 rue de pologne", "2613 avenida praia 1").
_FIRST_PREFIX = (r"rue|avenue|avda|avenida|boulevard|bd|blvd|viale|calle|rua|rúa|"
                 r"piazza|strada|chemin|allée|quai|praça|travessa|carrer|camino|ul|ulica|trg")
# ("Via" and "Av" only so written: "3L via NC", "HR 70 AV paced" say how, not where.)
_NUMBER_FIRST = re.compile(
    rf"(?<![\w.,/\-])(?:\d{{1,6}}[A-Za-z]?[ \t]+){{1,2}}(?:(?i:{_FIRST_PREFIX})|Via|Av)\.?"
    r"(?=[ \t])")
_NAME_TOKEN = re.compile(r"[ \t]+([^\W\d_][^\s,;:?!()\"]*|\d{1,5}[A-Za-z]?\b)")
MAX_NAME_WORDS = 5
# Words before a street named without its number: "lives on Grössgstötten 50".
_CUE_BEFORE = re.compile(r"\b(?:at|on|to|of|in|is|address:?|and)[ \t]+$", re.I)
_ANCHORS = frozenset({"addresses", "places.street_number"})
_RUN_TOKEN = re.compile(r"[^\s?!:;\"|>]+")
_COLUMN_GAP = re.compile(r"\t| {3,}")
# A token closing a sentence: a number or a long word before a full stop (not "St.", "Apt.").
_SENTENCE_END = re.compile(r"(?:\d+|[^\W\d_]{5,})\.")
# A flat or suite, whose street may stand before it; a house number, not a dose.
_UNIT = re.compile(r"(?i:apt|apartment|suite|ste)\b")
_HOUSE = re.compile(rf"\d{{1,6}}[A-Za-z]?{NOT_AMOUNT}")


class NumberedStreetRecognizer:
    """A capitalised street name with its house number, the name unknown to every
    vocabulary or built like a street ("Pfarrgasse 91") — never a drug and its dose."""

    name = "places.street_number"

    def __init__(self, lexicons: Lexicons | None = None) -> None:
        self.lex = lexicons or load()
        self.names = NameRecognizer(self.lex)

    def _street_like(self, words: list[str], prefixed: bool, evidence: bool) -> bool:
        """No clinical word, and named a street ("Rua …", "Pfarrgasse") or, with other
        evidence (a house number on either side, "lives on"), unknown to every vocabulary —
        lab values ("Hgb 13", "GCS 15") are neither."""
        # Street words ("Str.", "Dam") and initials ("C. Beerninckstraat") name no one.
        words = [w for w in words if not (w.lower() in LOCAL_TYPES or STREET_TYPE.fullmatch(w)
                                          or re.fullmatch(r"[^\W\d_]\.", w))]
        plains = [w.lower().strip(".") for w in words if w.lower() not in PARTICLES]
        # With evidence, a street may bear a person's full name ("the side of Joaquin Suarez
        # 2906", "on Peter Vanhove 18" though "peter" is in a vocabulary), but one word on a
        # name list is no street ("on August 22").
        people = len(plains) >= 2 and all(w[:1].isupper() for w in words)
        if any(p in self.lex.clinical_words or (p in self.lex.vocabulary and not (
                people and evidence and self.lex.named(p))) for p in plains):
            return False
        # an acronym ("PEEP.") or a sentence's end inside ("5 PEEP. Suctioned 2") is no street
        if any(len(w.rstrip(".")) <= 4 and w.isupper() for w in words) or any(
                _SENTENCE_END.fullmatch(w) for w in words[:-1]):
            return False
        # (a street word's ending in an English word is none: "Wearing 3L NC", "Bring 2")
        return prefixed or any((p.endswith(_STREET_ENDINGS) and p not in self.lex.english_rank)
                               or (evidence and len(p) > 3 and all(
            self.names.unfamiliar(part) or (people and self.lex.named(part))
            for part in re.split(r"['’.\-]", p) if part))
            for p in plains)

    def _name_word(self, word: str) -> bool:
        """A word of a street's name: capitalised or a particle, or in lower case neither
        clinical nor everyday English ("pologne", but not "street", "in", "mg")."""
        plain = word.lower().strip(".")
        if plain in PARTICLES or word[0].isupper():
            return plain not in self.lex.clinical_words and plain not in self.lex.shorthand
        return not self.lex.known(plain) or (
            self.lex.english_rank.get(plain, COMMON_RANK) >= COMMON_RANK
            and plain not in self.lex.vocabulary and plain not in self.lex.clinical_words)

    def _number_first(self, text: str) -> Iterator[Detection]:
        for m in at_numbers(_NUMBER_FIRST, text):  # its house number first
            end, words, named = m.end(), 0, False
            for token in _NAME_TOKEN.finditer(text, m.end()):
                word = token.group(1)
                if token.start() != end or words == MAX_NAME_WORDS:
                    break
                if word[0].isdigit():  # a house number after the name ends it
                    end = token.end() if named else end
                    break
                if not self._name_word(word) or "/" in word:
                    break
                end, words = token.end(), words + 1
                named = named or self._naming(word)
                if word.endswith(".") and len(word) > 4:
                    break  # "… paced. u/o 30": the name ends with its sentence
            if named:
                yield Detection(PhiType.LOCATION, m.start(), end, 0.8, self.name)

    def _naming(self, word: str) -> bool:
        """A word that can name a street after "av", "via", "rue": one no vocabulary holds,
        or a rarer name or town ("Bakri", "pologne") — not "70 AV paced", "3L via NC"."""
        plain = word.lower().strip(".-")  # no "SaO2", no "VEA"
        if not re.sub(r"['’\-]", "", plain).isalpha() or (word.isupper() and len(plain) <= 4):
            return False
        return plain not in PARTICLES and (not self.lex.known(plain) or (
            (self.lex.named(plain) or self.lex.place(plain))
            and self.lex.english_rank.get(plain, COMMON_RANK) >= COMMON_RANK))

    def _native(self, text: str) -> Iterator[Detection]:
        """A street with a Hungarian or Estonian street word: its name is the words before
        it that are capitalised or, in lower case, no English or clinical word; perhaps a
        house number before them too ("518 Árpád fejedelem útja 62.")."""
        for m in _NATIVE_TYPE.finditer(text):
            line = line_tail(text, m.start())
            tokens = list(NON_SPACE.finditer(text[line:m.start()]))
            keep = len(tokens)
            while keep and len(tokens) - keep < MAX_NAME_WORDS and self._native_word(
                    tokens[keep - 1].group(0)):
                keep -= 1
            named = [t.group(0) for t in tokens[keep:] if t.group(0).lower() not in PARTICLES]
            if not named or not self._street_like(named, prefixed=True, evidence=True):
                continue
            while keep and len(tokens) - keep <= MAX_NAME_WORDS and _LEAD.fullmatch(
                    tokens[keep - 1].group(0)):
                keep -= 1
            yield Detection(PhiType.LOCATION, line + tokens[keep].start(), m.end(), 0.75,
                            self.name)

    def _native_word(self, word: str) -> bool:
        """A word of the name (not "Address:", "in", "enter")."""
        plain = word.lower()
        return _PLAIN_WORD.fullmatch(word) is not None and (
            plain in PARTICLES or word[0].isupper() or not self.lex.known(plain))

    def analyze(self, text: str) -> Iterator[Detection]:
        yield from self._number_first(text)
        yield from self._native(text)
        for m in at_starts(_NUMBERED, text, _NUMBERED_START):
            evidence = m.group("lead") is not None or _CUE_BEFORE.search(
                text, max(0, m.start() - 12), m.start()) is not None
            if self._street_like(m.group("words").split(), m.group("prefix") is not None,
                                 evidence):
                yield Detection(PhiType.LOCATION, m.start(), m.end(), 0.75, self.name)
        for m in at_numbers(_LOWER_NUMBERED, text):  # its house number first
            words = m.group("words").split()
            if any(len(w) >= _LONG_WORD for w in words) and self._street_like(
                    words, m.group("prefix") is not None, evidence=True):
                yield Detection(PhiType.LOCATION, m.start(), m.end(), 0.75, self.name)


class AddressBlocks:
    """The lines that complete an address found on an earlier line."""

    MAX_LINES = 5
    MAX_TOKENS = 6

    def __init__(self, lexicons: Lexicons | None = None) -> None:
        self.lex = lexicons or load()

    def _good(self, token: str, lower: bool) -> bool:
        if token.startswith("(") and not token.rstrip(".,").endswith(")"):
            return False  # "(Phone" opens an aside; "(Greek)" is part of the address
        t = token.strip(".,()#")
        if not t:
            return True
        if t[0].isdigit():
            return re.fullmatch(r"\d{1,6}[A-Za-z]?(?:-\d{1,4})?", t) is not None
        plain = t.lower()
        if plain in PARTICLES or plain in LOCAL_TYPES or t[0].isupper():
            return True
        # Short lower-case words join place names ("Velká Bukovina u Decína"), and in an
        # address typed in lower case any word does — but no sentence word ("for", "on") and
        # no clinical word.
        return (len(plain) <= 3 or lower) and plain not in self.lex.clinical_words and (
            self.lex.english_rank.get(plain, FUNCTION_RANK) >= FUNCTION_RANK)

    def _informative(self, token: str) -> bool:
        t = token.strip(".,()#")
        return t[:1].isdigit() or t.isupper() or self.lex.place(t.lower()) or (
            self.lex.english_rank.get(t.lower(), RARE_RANK) >= RARE_RANK)

    def _closing(self, tokens: list[str], own_line: bool = False) -> int:
        """How many tokens end an address line that the sentence goes on after: all up to a
        postcode ("Belgium 92060 for this card"), a town ("… Apt. 3 Voormezele"), or the town
        and region in capitals, as a postal address writes them ("Suite 019 CHARLEROI"). A
        line of the block may start with the postcode alone ("…\n, SV\n 77233 for this")."""
        plain = [t.strip(".,()#") for t in tokens]
        if own_line:
            for count in range(min(2, len(plain)), 0, -1):  # "840 24", "B0J 2H0", "77233"
                # … but not a number before another one: a phone
                if POSTCODE_RE.fullmatch(" ".join(plain[:count])) and not (
                        plain[count:count + 1] and plain[count][:1].isdigit()):
                    return count
        if re.fullmatch(r"\d{3,6}", plain[-1]):  # after a word: "Portugal 30971", no phone
            return len(tokens) if any(t[:1].isalpha() for t in plain) else 0
        if self.lex.place(" ".join(plain).lower()):
            return len(tokens)
        count = 0
        while count < len(plain) and (
                len(plain[count]) >= 2 and plain[count].isupper() and plain[count].isalpha()):
            count += 1
        return count

    def _street_before(self, text: str, unit: int) -> int:
        """Where the street of a flat or suite starts: earlier on its line ("5670 r josé a
        madeira 1 suite 696") or, when the unit starts its line, on the line before ("Meet
        me at 5100 Quadra 104\n Suite 845"). The street is the run of address words that
        ends there, from a house number or from the start of its line ("Fuglie 41 Popović
        Dam"); a street's name can be anything, but not a clinical word."""
        line = text.rfind("\n", 0, unit) + 1
        end = unit
        if not re.search(r"\w", text[line:unit]):  # the unit starts its line
            if line == 0:
                return unit
            end, line = line - 1, text.rfind("\n", 0, line - 1) + 1
        tokens = list(_RUN_TOKEN.finditer(text, line, end))
        lower = text[line:end].lower() == text[line:end]
        first, after, labelled = len(tokens), end, False
        while first:
            gap = text[tokens[first - 1].end():after]
            if gap.strip(" \t,") or _COLUMN_GAP.search(gap):
                labelled = gap.strip(" \t") == ":"  # "Address: …" starts the street too
                break
            if not self._street_token(tokens[first - 1].group(0), lower):
                break
            first -= 1
            after = tokens[first].start()
        run = tokens[first:]
        if first and not labelled:  # the run does not start its line: a house number does
            run = run[next((i for i, t in enumerate(run) if t.group(0)[0].isdigit()),
                           len(run)):]
        words = [t.group(0).strip(".,") for t in run if len(t.group(0).strip(".,")) > 1]
        if not any(_house(text, t) for t in run) or not any(w.isalpha() for w in words) or any(
                w.isalpha() and (w.lower() in self.lex.clinical_words or (
                    len(w) <= 4 and w.isupper())) for w in words):
            return unit
        return run[0].start()

    def _street_token(self, token: str, lower: bool) -> bool:
        """A word of a street line, a single letter ("Jiřího z Poděbrad"), or a house number
        (not a phone number)."""
        plain = token.strip(".,")
        if plain[:1].isdigit():
            return re.fullmatch(r"\d{1,6}[A-Za-z]?", plain) is not None
        return (len(plain) == 1 and plain.isalpha()) or self._good(token, lower)

    def _token_end(self, text: str, pos: int, count: int) -> int:
        """The end of the ``count``-th address token from ``pos``."""
        for i, m in enumerate(_RUN_TOKEN.finditer(text, pos)):
            if i == count - 1:
                return m.end()
        return pos

    def _run(self, text: str, pos: int, end: int,
             lower: bool) -> tuple[int, bool, list[str]]:
        """The end of the address-like tokens from ``pos``; whether they reach ``end``."""
        cursor, tokens = pos, []
        for m in _RUN_TOKEN.finditer(text, pos, end):
            token, gap = m.group(0), text[cursor:m.start()]
            if gap.strip() or _COLUMN_GAP.search(gap) or not self._good(token, lower):
                break  # punctuation, the next column of a form, or no address word
            if text.startswith(":", m.end()):
                break  # "Phone:" labels what follows
            tokens.append(token)
            cursor = m.end()
            if _SENTENCE_END.fullmatch(token):
                break  # "…, OH 45419. Call me" — the address ends with its sentence
        reached = not text[cursor:end].strip()
        return (end if reached else cursor), reached, tokens

    def analyze(self, text: str, found: Iterable[Detection]) -> Iterator[Detection]:
        locations = sorted((d for d in found if d.type is PhiType.LOCATION), key=lambda d: d.start)
        located = [d.start for d in locations]  # bisected: a long text has many places
        done = -1
        for anchor in sorted((d for d in locations if d.source in _ANCHORS),
                             key=lambda d: d.start):
            if anchor.start < done:
                continue
            line_end = _line_end(text, anchor.end)
            lower = text[anchor.start:anchor.end].lower() == text[anchor.start:anchor.end]
            end, whole, tokens = self._run(text, anchor.end, line_end, lower)
            if not whole and not text[anchor.end:end].lstrip().startswith(","):
                closing = self._closing(tokens) if tokens else 0
                end = self._token_end(text, anchor.end, closing) if closing else anchor.end
            for _ in range(self.MAX_LINES if whole else 0):
                start = line_end + 1
                while start < len(text) and text[start] in " \t>•*-":
                    start += 1
                line_end = _line_end(text, start)
                run_end, whole, tokens = self._run(text, start, line_end, lower)
                if not tokens:
                    break
                on_line = locations[bisect_left(located, start):bisect_left(located, run_end)]
                if whole and len(tokens) <= self.MAX_TOKENS and any(
                        self._informative(t) for t in tokens):
                    end = run_end
                    continue
                if on_line:
                    end = max(d.end for d in on_line)
                elif closing := self._closing(tokens, own_line=True):
                    end = self._token_end(text, start, closing)
                break
            while end > 0 and text[end - 1] in " \t,.":  # (not a copy of the text's head)
                end -= 1
            first = self._street_before(text, anchor.start) if _UNIT.match(
                text, anchor.start) else anchor.start
            if end > anchor.end or first < anchor.start:
                yield Detection(PhiType.LOCATION, first, end, 0.97, "places.block")
            done = max(end, anchor.end)


def _house(text: str, token: re.Match[str]) -> bool:
    """A house number, not a dose ("2 tabs")."""
    m = _HOUSE.match(text, token.start())
    return m is not None and m.end() == token.end()


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end
