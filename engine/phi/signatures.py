"""The organisation line of a signature or letter head: under a person's name (and perhaps a
job title), right above the address ("Liisa Lepistö / Innography / 25 Dili Street")."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from engine.phi.lexicons import Lexicons, load
from engine.phi.types import Detection, PhiType

_MARKERS = " \t>•*?-"  # quoting and bullets before a line
_WORDS = re.compile(r"[^\W\d_][\w'’.&\-]*(?:[ \t]+[^\W\d_][\w'’.&\-]*){0,4}")
MAX_ABOVE = 2  # the name may sit one line higher, over a job title


class SignatureOrganizations:
    name = "organizations.signature"

    def __init__(self, lexicons: Lexicons | None = None) -> None:
        self.lex = lexicons or load()

    def analyze(self, text: str, found: Iterable[Detection]) -> Iterator[Detection]:
        found = list(found)
        lines, pos = [], 0
        for line in text.split("\n"):
            lines.append((pos, pos + len(line)))
            pos += len(line) + 1
        starts = [s + len(text[s:e]) - len(text[s:e].lstrip(_MARKERS)) for s, e in lines]

        def covered(i: int, kind: PhiType) -> bool:
            start, end = starts[i], len(text[:lines[i][1]].rstrip())
            return start < end and any(d.type is kind and d.start <= start and d.end >= end
                                       for d in found)

        for i in range(1, len(lines)):
            if not any(d.type is PhiType.LOCATION and d.start == starts[i] for d in found):
                continue
            line = _WORDS.fullmatch(text, starts[i - 1], len(text[:lines[i - 1][1]].rstrip()))
            if line is None or any(d.start < line.end() and line.start() < d.end for d in found):
                continue
            words = [w.lower().strip(".") for w in line.group(0).split()]
            if any(w in self.lex.clinical_words for w in words):
                continue  # "Cardiology" under a doctor's name is a department
            if any(covered(j, PhiType.NAME) for j in range(max(0, i - 1 - MAX_ABOVE), i - 1)):
                yield Detection(PhiType.ORGANIZATION, line.start(), line.end(), 0.7, self.name)
