"""Allergies: where they are written (an allergy section by its title, a table whose header
or cells say so, "allergic to …" in prose) and what each one names (the substance, with the
reaction, severity, status and code its row or phrase gives).

A table row gives its substance from the column its header names (Substance, Allergen,
Agent, Allergy, Name, Description; else the first cell); a row that continues the row above
(empty first cell) adds codes, not substances. Header words, status words, codes, dates and
times are never substances.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from engine.clinical.schema import Code, Section
from engine.clinical.sections import heading_end
from engine.clinical.tables import is_row, row_cells

ALLERGENS = Path(__file__).resolve().parents[2] / "resources" / "clinical" / "allergens.txt"
# "No known allergies" in its usual forms: NKA, NKDA, "ALLERGIES - NONE.", "Allergies: nil".
NKA = re.compile(
    r"\b(?:NKDA|NKA|NKFA|no\s+known\s+(?:drug\s+|food\s+|medication\s+)?allerg(?:y|ies)|"
    r"no\s+(?:drug\s+)?allergies|allerg(?:y|ies)\s*(?:[:\-–]|were|are)?\s*"
    r"(?:none|nil|nka|nkda|denied)(?:\s+known|\s+reported|\s+recorded)?)\b", re.I)
_CUE = re.compile(r"\b(?:allergic\s+to|allerg(?:y|ies)\s+to)\s+", re.I)
# Weaker cues name an allergy only when a drug or substance follows: "intolerance to heat",
# "fetal intolerance to labor" do not. "Sensitive to" is no cue at all: in notes it is far
# more often a culture's susceptibility ("sensitive to ceftazidime") or light sensitivity.
_WEAK_CUE = re.compile(r"\bintoleran(?:t|ce)\s+(?:of|to)\s+", re.I)
_WORD = re.compile(r"[A-Za-z][\w'-]*")
# A negation a few words before the cue ("not allergic to", "denies any allergy to", "is not
# known to be allergic to"); one further back negates something else ("not started d/t ?
# allergies to betablockers", "not on any medication, allergic to").
_DENIED = re.compile(r"\b(?:no|not|never|denies|denied|deny|without|negative\s+for)"
                     r"(?:\s+[\w'-]+){0,3}?\s+(?:allergic|allerg(?:y|ies)|intoleran(?:t|ce))"
                     r"\s+(?:to|of)\s+$", re.I)
_CUE_REACH = 160  # an "allergic to" list ends at its sentence, and within this many characters
_HEADER_WORD = re.compile(
    r"(?:substance|allergen|allerg(?:y|ies)|agent|reactions?|manifestations?|severity|"
    r"criticality|status|code(?:\s+system)?|code\s+description|description|date(?:s)?|onset|"
    r"type|name|notes?|comments?|details|susceptibility|source|verification|category|"
    r"group\s+description|recorded|time|date\s+and\s+time|noted|reaction\s+status|"
    r"severity\s+status)", re.I)
_ALLERGY_HEADER = re.compile(r"allerg|substance|allergen|reaction|susceptib|intoleran", re.I)
_OTHER_TABLE = re.compile(r"medication|directions|dos(?:e|age)|\bsig\b|instructions|frequency|"
                          r"route|indications?|results?|values?|problems?|diagnos", re.I)
_REACTION_WORD = re.compile(
    r"\b(?:hives|urticaria|rash|anaphyla\w*|angioedema|swelling|itching|pruritus|wheez\w*|"
    r"nausea|vomiting|diarrh\w+|shortness\s+of\s+breath|dyspnea|throat\s+closing|"
    r"gi\s+upset|upset\s+stomach|hypotension|lip\s+swelling|cough|headache|nasea)\b", re.I)
_SEVERITY = re.compile(r"\b(mild(?:\s+to\s+moderate)?|moderate(?:\s+to\s+severe)?|severe|"
                       r"fatal|life[-\s]threatening|very\s+mild|anaphyla\w+)\b", re.I)
_STATUS = re.compile(r"\b(active|inactive|resolved|entered\s+in\s+error|confirmed|refuted)\b",
                     re.I)
# Cells that never name a substance: status and header words, meridiem, codes, dates, times.
_NOT_SUBSTANCE = re.compile(
    r"(?:active|inactive|resolved|status|code|codes|rxnorm|rx\s*norm|snomed(?:[-\s]ct)?|unii|"
    r"ndf-rt|loinc|icd-?\d+(?:-cm)?|cpt|am|pm|none(?:\s+(?:known|reported|recorded))?|"
    r"unknown|n/a|na|no\s+data|not\s+indicated|"
    r"onset:.*|reaction:.*|severity:.*|status:.*|and|the|no|allergies|allergy|drug|drugs|"
    r"[\d\s/:.,-]+(?:\s*(?:am|pm))?|(?=[a-z]*\d)[a-z0-9]{6,})$", re.I)
_PREFIX = re.compile(r"^(?:allergy|allergic|allergies|intolerance|sensitivity)\s+(?:to\s+)?",
                     re.I)
_REACTION_AFTER = re.compile(
    r"\s*(?:\((?P<r1>[^)]{2,40})\)|[-–:,]\s*(?P<r2>" + _REACTION_WORD.pattern +
    r"(?:(?!\s+(?:and|or)\b)[^,.;\n|])*)|"
    # "methylprednisolone causes itching", "peanuts gave him hives"
    r"\s(?:causes?|caused|gives?|gave)\s+(?:(?:a|an|him|her|them|me)\s+)?"
    r"(?P<r3>[^,.;\n|()]{2,40}))",
    re.I)
_REACTION_LABEL = re.compile(r"\breaction\s*:\s*(?P<r>[^|\n;]*?)(?=\s+\w+:|\s*\||\s*$|;)",
                             re.I)
_STATUS_LABEL = re.compile(r"\bstatus\s*:\s*(?P<s>\w[\w ]*?)(?=\s+\w+:|\s*\||\s*$)", re.I)
_SUBSTANCE = re.compile(r"[A-Za-z][\w'-]*(?:\s+(?:[A-Za-z][\w'-]*|\d+(?:\.\d+)?))*")
SYSTEMS = {"rxnorm": "http://www.nlm.nih.gov/research/umls/rxnorm",
           "snomed-ct": "http://snomed.info/sct", "snomed": "http://snomed.info/sct",
           "unii": "http://fdasis.nlm.nih.gov"}


@dataclass(frozen=True)
class Allergy:
    start: int
    end: int
    attributes: dict[str, Any] = field(default_factory=dict)
    code: Code | None = None


def spans(view: str, sections: tuple[Section, ...], known: Callable[[str], bool]
          ) -> list[tuple[int, int]]:
    """Where allergies are written: allergy sections, tables that are allergy lists by their
    header or their cells, and the words after "allergic to" (or "intolerant of" a name
    ``known`` tells a drug or substance) up to the sentence end."""
    out = [(heading_end(view, s), s.end) for s in sections if s.name == "allergies"]
    for start, end in _table_blocks(view) if "|" in view else ():
        if not any(a <= start < b for a, b in out) and _is_allergy_table(view, start, end):
            out.append((start, end))
    read_whole = list(out)  # a cue inside an allergy section or table is read with it
    for m in _CUE.finditer(view):
        if any(a <= m.start() < b for a, b in read_whole):
            continue
        bound = min(len(view), m.end() + _CUE_REACH)
        stops = [i for i in (view.find(".", m.end(), bound), view.find("\n", m.end(), bound))
                 if i >= 0]
        out.append((m.end(), min(stops) if stops else bound))
    for m in _WEAK_CUE.finditer(view):  # the known name after it, nothing more
        if not any(a <= m.start() < b for a, b in read_whole) and \
                (name := _known_name(view, m.end(), known)):
            out.append((m.end(), m.end() + len(name)))
    return out


@functools.cache
def _allergens() -> frozenset[str]:
    lines = ALLERGENS.read_text("utf-8").splitlines()
    return frozenset(x.strip() for x in lines if x.strip() and not x.startswith("#"))


def is_allergen(name: str) -> bool:
    """Whether ``name`` is an allergen that is no medicine ("latex", "peanuts", "sulfa")."""
    return " ".join(name.lower().split()) in _allergens()


def opens_list(view: str, start: int) -> bool:
    """Whether "allergy to …" starts at ``start``: the word is the list's cue, no problem."""
    return _CUE.match(view, start) is not None


def denied(view: str, start: int) -> bool:
    """Whether the cue leading into the allergy list at ``start`` is denied: "not allergic
    to", "denies allergy to"; a heading never is."""
    return bool(_DENIED.search(view, max(0, start - 80), start))


def _known_name(view: str, start: int, known: Callable[[str], bool]) -> str | None:
    words: list[re.Match[str]] = []
    for w in _WORD.finditer(view, start, start + 80):
        if len(words) == 3 or view[words[-1].end() if words else start:w.start()].strip():
            break
        words.append(w)
    n = _longest_known([w.group(0) for w in words], known)
    return view[start:words[n - 1].end()] if n else None


def _longest_known(words: list[str], known: Callable[[str], bool]) -> int:
    """How many of ``words``, from the first, make the longest name ``known`` tells."""
    return next((n for n in range(len(words), 0, -1) if known(" ".join(words[:n]))), 0)


def _table_blocks(view: str) -> Iterator[tuple[int, int]]:
    start = offset = 0
    inside = False
    for line in view.split("\n"):
        if is_row(line):
            if not inside:
                start, inside = offset, True
        elif inside:
            yield start, offset - 1
            inside = False
        offset += len(line) + 1
    if inside:
        yield start, len(view)


def _is_allergy_table(view: str, start: int, end: int) -> bool:
    lines = view[start:end].split("\n")
    header = [c[0] for c in row_cells(lines[0], 0)]
    if any(_ALLERGY_HEADER.search(h) for h in header) and \
            sum(bool(_HEADER_WORD.fullmatch(h)) for h in header if h) >= 2:
        return True
    if any(_OTHER_TABLE.search(h) for h in header):
        return False  # a medication list's "PRN wheezing" is an indication, not a reaction
    rows = [line for line in lines[1:] if not line.startswith("|")]
    with_reaction = sum(bool(_REACTION_WORD.search(r) or "reaction:" in r.lower()
                             or _PREFIX.match(r.lstrip())) for r in rows)
    return bool(rows) and with_reaction * 2 > len(rows) and \
        sum(bool(_HEADER_WORD.fullmatch(h)) for h in header if h) >= 2


def read(view: str, span: tuple[int, int], known: Callable[[str], bool]
         ) -> Iterator[Allergy]:
    """The allergies written in ``span``; ``known`` tells a drug or substance name."""
    start, end = span
    table: list[tuple[int, str]] = []
    offset = start
    written = table_seen = beside_heading = False
    for index, line in enumerate(view[start:end].split("\n")):
        if written and not line.strip():
            break  # a list ends at a blank line: what follows is not the allergy list
        written = written or bool(line.strip())
        if is_row(line):
            table.append((offset, line))
            table_seen = True
        else:
            if table:
                yield from _table(table)
                table = []
            if table_seen:
                break  # prose after an allergy table is the next part of the note
            said = list(_prose(view, offset, offset + len(line), known))
            if beside_heading and not _one_sure_item(said, line, known):
                break
            yield from said
            if index == 0 and NKA.search(line) and not said:
                break
            # "Allergies: latex allergy" beside its heading is the whole list unless the
            # line runs on ("penicillin, sulfa,"): below it, only a line that is one drug
            # or one allergen with its reaction ("Codeine", "Latex - hives") goes on with
            # it; "No FH of note", "Sincerely, Dr. …" are the note's next part
            beside_heading = beside_heading or (
                index == 0 and bool(said) and not _RUNS_ON.search(line))
        offset += len(line) + 1
    if table:
        yield from _table(table)


def _one_sure_item(said: list[Allergy], line: str, known: Callable[[str], bool]) -> bool:
    if len(said) != 1 or len(line.split()) > _ITEM_WORDS + 2:
        return False
    attributes = said[0].attributes
    return known(attributes["substance"]) or bool(attributes["reaction"])


def _column(header: list[str], *patterns: str) -> int | None:
    for pattern in patterns:
        for i, name in enumerate(header):
            if re.fullmatch(pattern, name, re.I):
                return i
    return None


def _table(rows: list[tuple[int, str]]) -> Iterator[Allergy]:
    cells = [row_cells(line, offset) for offset, line in rows]
    names = [c[0] for c in cells[0]]
    headed = sum(bool(_HEADER_WORD.fullmatch(n)) for n in names if n) >= 2
    header = names if headed else []
    substance_col = _column(header, r"substance|allergen|agent|allergen\s+name",
                            r"allerg(?:y|ies)|allergy\s+name|name", r"(?:group\s+)?description",
                            r"code\s+description") if headed else None
    reaction_col = _column(header, r"reactions?|manifestations?|reaction\s+status")
    severity_col = _column(header, r"severity|criticality|severity\s+status")
    status_col = _column(header, r"status|clinical\s+status")
    system_col = _column(header, r"code\s+system")
    code_col = _column(header, r"code")
    described_col = _column(header, r"code\s+description")
    for row in cells[1:] if headed else cells:
        if not row or not row[0][0]:  # an empty first cell continues the row above
            continue
        col = substance_col if substance_col is not None and substance_col < len(row) \
            else next((i for i, c in enumerate(row) if not _NOT_SUBSTANCE.fullmatch(c[0])),
                      None)
        if col is None:
            continue
        text, s, _e = row[col]
        found = _substance(text, s)
        if found is None:
            continue
        s, e, substance = found
        line = " | ".join(c[0] for c in row)

        def cell(index: int | None, row=row) -> str | None:
            return row[index][0] or None if index is not None and index < len(row) else None

        reaction = cell(reaction_col) or _label(_REACTION_LABEL, line, "r") or \
            _first(_REACTION_WORD, line, exclude=text)
        severity = cell(severity_col) or _first(_SEVERITY, line, exclude=text)
        status = cell(status_col) or _label(_STATUS_LABEL, line, "s") or \
            _first(_STATUS, line, exclude=text)
        code = None
        system = SYSTEMS.get((cell(system_col) or "").lower())
        if system and (value := cell(code_col)):
            code = Code(system, value, cell(described_col) or substance)
        yield Allergy(s, e, {"substance": substance, "reaction": reaction,
                             "severity": severity.lower() if severity else None,
                             "status": status.lower() if status else None}, code)


def _substance(text: str, start: int) -> tuple[int, int, str] | None:
    prefix = _PREFIX.match(text)
    skip = prefix.end() if prefix else 0
    body = text[skip:]
    m = _SUBSTANCE.search(body)
    if m is None or _NOT_SUBSTANCE.fullmatch(m.group(0).strip()):
        return None
    name = m.group(0).strip()
    return start + skip + m.start(), start + skip + m.start() + len(name), name


def _label(rx: re.Pattern[str], line: str, group: str) -> str | None:
    m = rx.search(line)
    return m.group(group).strip() or None if m else None


def _first(rx: re.Pattern[str], line: str, exclude: str) -> str | None:
    m = rx.search(line.replace(exclude, " " * len(exclude), 1))
    return m.group(0) if m else None


_RUNS_ON = re.compile(r"(?:[,;:&/]|\b(?:and|or|including))\s*$", re.I)
_ITEM_WORDS = 4  # a list item names a substance in a few words; a longer one is a sentence


_ITEM = re.compile(r"\.(?=\s|$)|[^,;\n]+?(?=\s*(?:[,;\n]|\.(?:\s|$)|\band\b|\bor\b|$))|"
                   r"(?:\band\b|\bor\b)", re.I)
_LABEL = re.compile(r"\s*[A-Za-z][\w ]{0,30}:\s*")  # "Drug allergies: ", "Code: "
# the name of a list item: words up to its reaction ("(hives)", "- rash", ": nausea")
_NAME = re.compile(r"\s*(?:(?:and|or)\s+)?(?P<w>[A-Za-z][\w'-]*(?:\s+[A-Za-z0-9][\w'-]*)*)",
                   re.I)
_NAME_WORD = re.compile(r"\S+")
# An unknown item opening with one of these is a statement, not a substance: negated ("no FH
# of note", "denies seasonal allergies"), unnamed ("any medications", "multiple drugs") or
# about the list ("reviewed", "see below").
_NOT_A_NAME = re.compile(
    r"(?:no|not|non|none|nor|neither|never|denies|denied|deny|negative|without|any|all|some|"
    r"several|multiple|various|different|other|many|few|unknown|possible|questionable|"
    r"reviewed|verified|updated|confirmed|unchanged|see|as|listed|following|patient|pt)$",
    re.I)
# A substance's name ends before these: "peanuts cause a", "light may increase".
_FUNCTION_WORD = re.compile(
    r"(?:a|an|the|is|are|was|were|be|been|being|does|do|did|has|have|had|may|might|can|could|"
    r"will|would|should|now|of|with|to|from|in|on|at|for|by|as|like|when|after|before|"
    r"because|but|if|then|than|since|per|causes?|caused|causing|gives?|gave|makes?|made|"
    r"leads?|led|results?|resulted)$", re.I)
_ALLERGY_WORD = re.compile(r"allerg(?:y|ies|ic)|intoleran(?:ce|t)|sensitivity", re.I)
# Words that say what kind an allergy is, never which substance: "seasonal environmental".
_QUALIFIER = re.compile(
    r"(?:seasonal|environmental|food|foods|drugs?|medications?|medicines?|meds|known|"
    r"contact|skin|nasal|mild|moderate|severe|reported|documented)$", re.I)
# An item opening with one of these words is a clause about the item before it ("penicillin,
# which causes hives"), never a substance: its reaction word belongs to that allergy.
_CLAUSE_WORD = re.compile(
    r"(?:which|that|who|whom|whose|it|this|these|those|she|he|they|her|his|its|their|"
    r"when|where|while|with|causing|causes|caused|cause|gives|giving|gave|resulting|results|"
    r"leading|leads|led|producing|produces|produced)$", re.I)


def _prose(view: str, start: int, end: int, known: Callable[[str], bool]
           ) -> Iterator[Allergy]:
    """"Penicillin (hives), sulfa drugs (rash) and latex": one substance a list item, a
    name the vocabulary knows or an item of a few words; a labelled item ("Code: 1234") is
    no substance, nor is a clause opening with a function word, nor a statement ("denies
    seasonal allergies"); an item that is a reaction ("anaphylactic reaction") is the last
    allergy's."""
    last: Allergy | None = None
    for found in _prose_items(view, start, end, known):
        if isinstance(found, str):  # a clause's reaction, for the allergy before it
            if last is not None and not last.attributes["reaction"]:
                last = replace(last, attributes={**last.attributes, "reaction": found})
            continue
        if last is not None:
            yield last
        last = found
    if last is not None:
        yield last


def _prose_items(view: str, start: int, end: int, known: Callable[[str], bool]
                 ) -> Iterator[Allergy | str]:
    # "Penicillin. No known food allergies.": the statement is no item, the others are
    none_known = [m.span() for m in NKA.finditer(view, start, end)]
    for part in _ITEM.finditer(view, start, end):
        chunk = part.group(0)
        if chunk.lower() in ("and", "or", ".") or (_LABEL.match(chunk) and ":" in chunk) or any(
                a < part.end() and part.start() < b for a, b in none_known):
            continue
        prefix = _PREFIX.match(chunk.lstrip())
        lead = len(chunk) - len(chunk.lstrip()) + (prefix.end() if prefix else 0)
        name = _NAME.match(chunk, lead)
        if name is None:
            continue
        placed = list(_NAME_WORD.finditer(chunk, name.start("w"), name.end("w")))
        words = [w.group(0) for w in placed]
        if _CLAUSE_WORD.fullmatch(words[0]) and not known(words[0]):
            reaction = _REACTION_WORD.search(chunk)
            if reaction:  # "which causes hives"
                yield reaction.group(0)
            continue
        # the longest name the vocabulary knows ("penicillin" of "penicillin causes hives"),
        # else, in a short item, the words that can name a substance ("iodinated contrast")
        count = _longest_known(words, known)
        if not count:
            if len(chunk.split()) > _ITEM_WORDS:
                continue
            if _REACTION_WORD.fullmatch(words[0]) or _SEVERITY.fullmatch(words[0]):
                # "Peanuts cause a severe, anaphylactic reaction": the reaction of the last
                yield " ".join(words[:_plain_words(words)])
                continue
            count = _unknown_name(words)
        substance = " ".join(words[:count])
        if not count or _NOT_SUBSTANCE.fullmatch(substance):
            continue
        s, e = part.start() + placed[0].start(), part.start() + placed[count - 1].end()
        reaction = _REACTION_AFTER.match(view, e, min(len(view), e + 60))
        said = next((g for g in reaction.groups() if g), "").strip() if reaction else ""
        if reaction and reaction.group("r3") and _SEVERITY.fullmatch(said):
            said = ""  # "cause a severe, anaphylactic reaction": the next item says which
        severity = _SEVERITY.search(chunk)
        yield Allergy(s, e, {
            "substance": substance,
            "reaction": said or None,
            "severity": severity.group(1).lower() if severity else None,
        })


def _plain_words(words: list[str]) -> int:
    """How many of ``words`` come before the first function word or verb."""
    return next((i for i, w in enumerate(words) if _FUNCTION_WORD.fullmatch(w)), len(words))


def _unknown_name(words: list[str]) -> int:
    """How many of a short item's words name a substance no vocabulary knows: "latex" of
    "latex allergy", "peanuts" of "peanuts cause a"; none of a statement ("no FH of note",
    "any medications", "seasonal allergies", "denies ...")."""
    if _NOT_A_NAME.fullmatch(words[0]):
        return 0
    count = _plain_words(words)
    while count and _ALLERGY_WORD.fullmatch(words[count - 1]):
        count -= 1
    if all(_QUALIFIER.fullmatch(w) for w in words[:count]):
        return 0
    return min(count, _ITEM_WORDS - 1)
