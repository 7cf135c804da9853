"""A submitted file's name as it may be stored and shown.

A file name is PHI as often as not (``Thornbury_Margaret_DOB_1948-04-17.txt``), so it is
judged like text before anything keeps it: its stem is cut into words at ``_``, ``.``, a
hyphen not between digits, a change of case or between letters and digits, and the words go
through the same scrubber as a document's text, as written and with each word capitalised
(``THORNBURY``, ``thornbury``). A name is kept only when nothing doubtful is left: the
scrubber finds nothing, every word is an English or clinical word, and the name holds few
digits (a date, phone number or MRN run together escapes the patterns). Otherwise the
document is called by a neutral name, ``document 3 (PDF)``: its number in its record and its
kind as read from its bytes (the kind is known once the file has been read; until then the
name is ``document 3``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

from engine.documents.source import stored_name
from engine.phi import Scrubber
from engine.phi.lexicons import COMMON_RANK, Lexicons, load
from engine.phi.site_lexicon import SiteLexicon
from engine.protocol import DOCUMENT_SUFFIXES

# More digits than this in a name are an identifier, a ZIP code or a date, whatever their
# separators ("555_201_4477", "19480417"); a year or a page number stays within it.
MAX_DIGITS = 4

KIND_LABELS = {"pdf": "PDF", "docx": "Word", "image": "image", "text": "text",
               "audio": "audio", "ccda": "C-CDA", "fhir": "FHIR"}

_NEUTRAL = re.compile(r"document (\d+)(?: \([^)]*\))?")
_CUTS = re.compile(
    r"[\s_.,;:+&'()\[\]{}\u2010-\u2015]+"  # separators, dashes among them
    r"|(?<!\d)-|-(?!\d)"             # a hyphen not between digits ("Okafor-Chinwe")
    r"|(?<=[a-z])(?=[A-Z])"          # camel case ("ThornburyMargaret")
    r"|(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])"  # letters against digits ("DOB19480417")
)
_LETTERS = re.compile(r"[^\W\d_]+")
_NUMBER = re.compile(r"\d+(?:[-/]\d+)*")  # "2024", "1948-04-17"


def neutral_name(number: int, kind: str | None = None) -> str:
    """``document 3 (PDF)``; ``document 3`` while the kind is not known."""
    label = KIND_LABELS.get(kind or "", kind)
    return f"document {number}" + (f" ({label})" if label else "")


def with_kind(name: str, kind: str) -> str:
    """A neutral name completed with the kind read from the file; any other name as it is."""
    match = _NEUTRAL.fullmatch(name)
    return neutral_name(int(match.group(1)), kind) if match else name


def name_words(stem: str) -> list[str]:
    """The words of a file's stem: ``Thornbury_Margaret_DOB_1948-04-17`` →
    ``Thornbury``, ``Margaret``, ``DOB``, ``1948-04-17``."""
    return [w for w in _CUTS.split(stem) if w]


def _capitalised(word: str) -> str:
    return word[:1].upper() + word[1:].lower() if _LETTERS.fullmatch(word) else word


@dataclass(frozen=True)
class NameJudge:
    """Decides whether a file name may be kept (see the module text)."""

    scrubber: Scrubber
    lex: Lexicons

    @classmethod
    def build(cls, site: SiteLexicon | None = None) -> NameJudge:
        lex = load()
        return cls(Scrubber(lexicons=lex, site=site), lex)

    def doubtful(self, file_name: str) -> bool:
        suffix = PurePath(file_name).suffix
        stem = file_name[:-len(suffix)] if suffix.lower() in DOCUMENT_SUFFIXES else file_name
        words = name_words(stem)
        if not words or sum(c.isdigit() for c in file_name) > MAX_DIGITS:
            return True
        for text in (" ".join(words), " ".join(map(_capitalised, words))):
            if self.scrubber.detect(text):
                return True
        return any(self._unknown(w.lower()) for w in words if not _NUMBER.fullmatch(w))

    def _unknown(self, word: str) -> bool:
        """A word that is no everyday English or clinical word, or a name rarer than the
        everyday words ("thornbury", "jsmith", "nguyen"; not "record", "page"), or no word
        of letters alone."""
        if not _LETTERS.fullmatch(word):  # letters and digits mixed, marks, controls
            return True
        lex = self.lex
        clinical = word in lex.clinical_words or word in lex.vocabulary
        rank = lex.english_rank.get(word)
        if rank is None:
            return not clinical and len(word) > 1
        is_name = word in lex.given_names or word in lex.surnames
        return is_name and rank >= COMMON_RANK and not clinical

    def shown(self, file_name: str) -> str | None:
        """The file's own name (escaped, see ``source.stored_name``) when it is plainly no
        identifier, else None."""
        return None if self.doubtful(file_name) else stored_name(file_name)

    def source_name(self, file_name: str, number: int) -> str:
        """The name to store for a submitted file: its own, or ``document N``."""
        return self.shown(file_name) or neutral_name(number)
