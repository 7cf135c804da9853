"""Person names: titles, labels, verbs of care, credentials, and the Census name lists.

Names are the hard part. Context rules ("Dr.", "Patient:", "seen by", ", MD") catch unknown
names; the lexicon rules catch known given names with what follows them. A capitalised word
that is also a common English word or a clinical term needs a strong context.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from engine.phi.lexicons import Lexicons, load
from engine.phi.types import Detection, PhiType

_LOWER = "a-zà-öø-ÿ"
WORD = rf"(?:(?:Mc|Mac|O['’]|D['’])?[A-Z][{_LOWER}]+(?:[-'’][A-Z]?[{_LOWER}]+)*|[A-Z]\.)"
CAPS = r"(?:[A-Z]{2,}(?:[-'][A-Z]+)*|[A-Z]\.)"
_TITLE = r"(?:Dr|Mr|Mrs|Ms|Miss|Mx|Prof|Doctor|Sister|Rev|Professor)"
_LABELS = (
    r"patient(?:\s+name)?|pt(?:\s+name)?|name|provider|attending(?:\s+physician)?|physician|"
    r"surgeon|anesthesiologist|referring(?:\s+(?:physician|provider|doctor))?|pcp|"
    r"primary\s+care(?:\s+(?:physician|provider))?|nurse|rn|np|resident|fellow|"
    r"electronically\s+signed\s+by|signed\s+by|signed|dictated\s+by|transcribed\s+by|"
    r"reviewed\s+by|cc|contact|emergency\s+contact|mother|father|spouse|wife|husband|son|"
    r"daughter|guardian|sister|brother|next\s+of\s+kin|caregiver|witness|interpreter|author|"
    r"patient's\s+name|legal\s+name|alias|aka"
)
_VERBS = (
    r"seen|referred|examined|evaluated|treated|followed|signed|dictated|reviewed|discussed|"
    r"accompanied|attended|managed|consulted|operated|visited|called|spoke|spoken|cared\s+for|"
    r"transcribed|prescribed|performed|read|interpreted|supervised|assisted"
)
_CREDENTIALS = r"(?:M\.?D|D\.?O|RN|NP|PA(?:-C)?|PhD|DDS|DMD|MBBS|FACP|FACS|CNM|LPN|APRN|DPM|MSN)"
_CREDENTIAL_WORD = re.compile(rf"{_CREDENTIALS}\.?,?")
# Words of institutions, not people: "Brendan Regional Hospital" is no person's name.
INSTITUTION_WORDS = frozenset({
    "hospital", "clinic", "center", "centre", "medical", "regional", "memorial", "health",
    "healthcare", "university", "college", "institute", "associates", "cardiology",
    "oncology", "pediatrics", "radiology", "laboratory", "lab", "pharmacy", "infirmary",
    "hospice", "rehabilitation", "nursing", "home", "family", "practice", "group", "county",
    "general", "community", "children's", "women's", "veterans", "surgical", "care",
})

_GAP = r"[ \t]{1,2}"  # words of one name sit close together on one line
_TITLED = re.compile(rf"\b{_TITLE}\.?{_GAP}(?P<n>{WORD}(?:{_GAP}{WORD}){{0,2}})")
_LABELLED = re.compile(
    rf"\b(?i:{_LABELS})[ \t]*[:\-–][ \t]*(?:{_TITLE}\.?{_GAP})?"
    rf"(?P<n>{WORD}(?:,?{_GAP}{WORD}){{0,3}}|{CAPS}(?:,?{_GAP}{CAPS}){{0,3}})")
_CARE = re.compile(rf"\b(?:{_VERBS})\s+(?:by|with|to|for)\s+(?:{_TITLE}\.?{_GAP})?"
                   rf"(?P<n>{WORD}(?:{_GAP}{WORD}){{0,2}})")
_CREDENTIALED = re.compile(rf"(?P<n>{WORD}(?:{_GAP}{WORD}){{1,3}}),?[ \t]+{_CREDENTIALS}\b")
_SEQUENCE = re.compile(rf"(?<![\w'’\-]){WORD}(?:{_GAP}{WORD})*")
_INVERTED = re.compile(rf"\b(?P<s>[A-Z][{_LOWER}]+),\s+(?P<g>[A-Z][{_LOWER}]+)\b")


class NameRecognizer:
    name = "names"

    def __init__(self, lexicons: Lexicons | None = None) -> None:
        self.lex = lexicons or load()

    def _plain(self, word: str) -> str:
        return word.lower().replace("’", "'")

    def is_weak(self, word: str) -> bool:
        """A word that may be ordinary English, clinical or institutional vocabulary."""
        w = self._plain(word).rstrip(".,")
        if w.endswith("'s"):
            w = w[:-2]
        # Eponyms ("Parkinson", "Smith") stay name-like here: the scrubber's clinical filter
        # looks at what follows them ("Parkinson disease") instead.
        clinical = w in self.lex.clinical_words and w not in self.lex.surnames and (
            w not in self.lex.given_names)
        return w in self.lex.common_words or clinical or w in INSTITUTION_WORDS

    def _not_name(self, word: str) -> bool:
        """Trailing words a context match must not keep: credentials, institutions."""
        w = self._plain(word).rstrip(".,")
        return bool(_CREDENTIAL_WORD.fullmatch(word)) or w in INSTITUTION_WORDS

    def _trim(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        """Drop trailing non-name words ("Dr. Okafor, MD" → "Okafor")."""
        words = list(re.finditer(r"\S+", text[start:end]))
        while len(words) > 1 and self._not_name(words[-1].group(0)):
            words.pop()
        if not words:
            return None
        last = words[-1]
        return start, start + last.end() - (1 if last.group(0).endswith(",") else 0)

    def analyze(self, text: str) -> Iterator[Detection]:
        for regex, score, source in ((_TITLED, 0.95, "title"), (_LABELLED, 0.95, "label"),
                                     (_CARE, 0.85, "care"), (_CREDENTIALED, 0.95, "credential")):
            for m in regex.finditer(text):
                span = self._trim(text, *m.span("n"))
                if span is None:
                    continue
                words = text[span[0]:span[1]].split()
                if source in ("care", "label") and all(self.is_weak(w) for w in words):
                    continue  # "Patient: Alert and oriented", "seen by Cardiology"
                yield Detection(PhiType.NAME, span[0], span[1], score, f"names.{source}")
        yield from self._lexicon(text)

    def _namelike(self, word: str) -> bool:
        plain = self._plain(word).rstrip(".")
        return (len(plain) == 1 or plain in self.lex.surnames or plain in self.lex.given_names
                or not self.is_weak(word))

    def _lexicon(self, text: str) -> Iterator[Detection]:
        lex = self.lex
        for m in _SEQUENCE.finditer(text):
            words = [(w.start() + m.start(), w.group(0)) for w in re.finditer(r"\S+", m.group(0))]
            i = 0
            while i < len(words):
                start, word = words[i]
                plain = self._plain(word).rstrip(".")
                j = i + 1
                nxt = words[i + 1][1] if i + 1 < len(words) else ""
                initial_next = bool(re.fullmatch(r"[A-Z]\.", nxt))
                if plain in lex.given_names and (not self.is_weak(word) or initial_next or (
                        nxt and self._plain(nxt) in lex.surnames and not self.is_weak(nxt))):
                    while j < len(words) and self._namelike(words[j][1]):
                        j += 1
                elif plain in lex.surnames and initial_next:  # "Smith J."
                    j = i + 2
                if j - i >= 2:  # a given name and what follows it: "Mary Poppins", "Anna S."
                    end = words[j - 1][0] + len(words[j - 1][1])
                    yield Detection(PhiType.NAME, start, end, 0.85, "names.lexicon")
                elif (not _starts_sentence(text, start) and not self.is_weak(word)
                      and plain in lex.given_names):
                    # A lone surname is too often an ordinary word ("Body Weight", "Day
                    # Pack"); a lone given name mid-sentence is a name far more often.
                    yield Detection(PhiType.NAME, start, start + len(word), 0.6, "names.given")
                i = j
        for m in _INVERTED.finditer(text):
            if (m.group("s").lower() in lex.surnames and m.group("g").lower() in lex.given_names
                    and not self.is_weak(m.group("s")) and not self.is_weak(m.group("g"))):
                yield Detection(PhiType.NAME, m.start(), m.end(), 0.8, "names.inverted")


def _starts_sentence(text: str, index: int) -> bool:
    before = text[max(0, index - 3):index].rstrip(" \t")
    return not before or before[-1] in ".!?:\n\f•-*#>"
