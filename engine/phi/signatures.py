"""The organisation line of a signature, contact block or letter head: a short line under a
person's name (and perhaps a job title or the name again) in the block over an address
("Liisa Lepistö / Innography / 25 Dili Street"), or the head of a block that is followed by an
address ("Kyruus / (blank) / 9791 Markt 84")."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator

from engine.phi.lexicons import Lexicons, load
from engine.phi.names import INSTITUTION_WORDS, TITLE_BEFORE
from engine.phi.organizations import JOINERS
from engine.phi.text_pieces import NON_SPACE
from engine.phi.types import Detection, PhiType
from engine.phi.words import WordJudge, judge

_MARKERS = " \t>•*?-"  # quoting and bullets before a line
_WORDS = re.compile(r"[^\W\d_][\w'’.&\-]*(?:[ \t]+[^\W\d_][\w'’.&\-]*){0,4}")
MAX_ABOVE = 2  # the name may sit one line higher, over a job title
_BLOCK = 3  # lines of a block looked at over its address line
# The last word of a job title in Title Case ("Practice Manager", "Clinical Nurse Specialist").
_JOB_WORDS = frozenset({
    "manager", "director", "officer", "assistant", "coordinator", "secretary", "administrator",
    "consultant", "specialist", "nurse", "physician", "therapist", "clerk", "receptionist",
    "supervisor", "executive", "president", "chief", "lead", "registrar", "practitioner",
    "worker", "advisor", "adviser", "engineer", "analyst", "technician", "surgeon"})


class SignatureOrganizations:
    name = "organizations.signature"

    def __init__(self, lexicons: Lexicons | None = None, words: WordJudge | None = None
                 ) -> None:
        self.lex = lexicons or load()
        self.words = words or judge(self.lex)

    def analyze(self, text: str, found: Iterable[Detection]) -> Iterator[Detection]:
        found = list(found)
        lines, pos = [], 0
        for line in text.split("\n"):
            lines.append((pos, pos + len(line)))
            pos += len(line) + 1
        starts = [s + len(text[s:e]) - len(text[s:e].lstrip(_MARKERS)) for s, e in lines]
        ends = _content_ends(text, lines)
        # The detections on each line, so that a long text is not searched once per line.
        heads = [s for s, _ in lines]
        on_line: dict[int, list[Detection]] = {}
        for d in found:
            first = bisect_right(heads, d.start) - 1
            for i in range(first, bisect_right(heads, max(d.start, d.end - 1))):
                on_line.setdefault(i, []).append(d)

        def covered(i: int, kind: PhiType) -> bool:
            """Every word of the line but its initials is inside a detection of that kind
            ("Gyala" + "Antall", "Stephan" + "M" + "Urner")."""
            spans = [(d.start, d.end) for d in on_line.get(i, ()) if d.type is kind]
            words = [w for w in NON_SPACE.finditer(text[starts[i]:ends[i]])
                     if len(w.group(0).rstrip(".")) > 1]
            return bool(words) and all(any(
                s <= starts[i] + w.start() and starts[i] + w.end() <= e for s, e in spans)
                for w in words)

        def blank(i: int) -> bool:
            return starts[i] >= ends[i]

        def address(i: int) -> bool:
            """A place begins the line, or a street with its number begins in it ("the corner
            of 25 Dili Street")."""
            return any(d.type is PhiType.LOCATION and (d.start == starts[i] or (
                starts[i] < d.start < ends[i] and any(c.isdigit() for c in text[d.start:d.end])))
                for d in on_line.get(i, ()))

        emitted: set[int] = set()
        for i in range(1, len(lines)):
            if blank(i) or not address(i):
                continue
            above = i - 1
            if blank(above) and above > 0:
                above -= 1  # one blank line may part the head from its address
            block = []  # the lines of the block over the address, nearest first
            for j in range(above, max(-1, above - _BLOCK), -1):
                if blank(j) or address(j):
                    break
                block.append(j)
            for k, j in enumerate(block):
                if any(d.type is PhiType.ORGANIZATION and d.start < ends[j] and starts[j] < d.end
                       for d in on_line.get(j, ())):
                    break  # the block's organisation is known; what is over it is a job title
                if j in emitted or covered(j, PhiType.NAME):
                    continue
                line = self._organization(text, starts[j], ends[j], on_line.get(j, []))
                if line is None:
                    continue
                named = any(covered(h, PhiType.NAME) for h in block[k + 1:k + 1 + MAX_ABOVE])
                head = k == 0 and j == block[-1] and (j == 0 or blank(j - 1)) and (
                    self._letterhead(line.group(0)))
                if named or head:
                    emitted.add(j)
                    yield Detection(PhiType.ORGANIZATION, line.start(), line.end(), 0.7,
                                    self.name)
                    break

    def _organization(self, text: str, start: int, end: int,
                      on_line: list[Detection]) -> re.Match[str] | None:
        """A line of a few words, no unit of a hospital ("Cardiology", "Internal Medicine"),
        found as nothing else but perhaps part of a name ("Roadify" of "Roadify Transit")."""
        line = _WORDS.fullmatch(text, start, end)
        if line is None or any(d.start < end and start < d.end and (
                d.type is not PhiType.NAME or (d.start <= start and d.end >= end))
                for d in on_line):
            return None
        words = [w for w in line.group(0).split() if w.lower() not in JOINERS]
        if not words or TITLE_BEFORE.fullmatch(words[0] + " "):
            return None  # "Mr. Justin Cobb": a person, though a word of it went unfound
        if (any(w[0].islower() for w in words[1:]) and words[0][0].isupper()) or (
                words[-1].lower() in _JOB_WORDS):
            return None  # "Leasing consultant", "Practice Manager": a job title
        if all(w.lower().strip(".,") in self.lex.clinical_words
               or w.lower().strip(".,") in INSTITUTION_WORDS for w in words):
            return None
        return line

    def _letterhead(self, line: str) -> bool:
        """A head with no person above needs a word of a name: a name, a place, or a word no
        vocabulary knows ("Kyruus") — not "Home Address" or "Follow-up Appointment"."""
        parts = [p for w in line.split()
                 for p in w.lower().strip(".,").removesuffix("'s").split("-") if p]
        return any(not self.words.is_weak(p) and (
            self.lex.named(p) or self.lex.place(p) or not self.lex.known(p)) for p in parts)


def _content_ends(text: str, lines: list[tuple[int, int]]) -> list[int]:
    """Where the text before each line's end stops being blank: the line's own last word,
    or for a blank line the last one before it (what ``len(text[:end].rstrip())`` is, in
    one pass: that copied the text's whole head for every line of a long document)."""
    ends, last = [], 0
    for start, end in lines:
        content = text[start:end].rstrip()
        if content:
            last = start + len(content)
        ends.append(last)
    return ends
