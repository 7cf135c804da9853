"""The site lexicon: a site's own facility, ward and town names and its clinician roster, which
no general rule can know ("GH", "Quartermain 2", "Dr Healey"). deid.pl shipped such lists;
every deployed de-identifier keeps one.

IT writes a UTF-8 file, one ``term<TAB>TYPE`` a line (TYPE: NAME, ORGANIZATION or LOCATION),
``#`` comment lines and blank lines allowed. A line that is not of that shape is refused with
its line number, never skipped: a term silently dropped is a name left in the notes. Errors
name the line and the problem only; the term itself may be a person's name.

Terms match case-insensitively as whole words (not inside a longer word; a ward number may
follow: "Quartermain2"); a written full stop is optional ("St. Mary's" also finds "St Mary's"),
words may be split by spaces or a hyphen. All terms are one compiled trie-shaped regex, so a
roster of thousands of names costs one pass over the text.

The store's own user names feed the roster (``roster``): every account is a member of staff.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from engine.errors import FileNotFound, InvalidRequest
from engine.phi.lexicons import Lexicons, load
from engine.phi.types import Detection, PhiType
from engine.policy import ROLES

TYPES = {"NAME": PhiType.NAME, "ORGANIZATION": PhiType.ORGANIZATION,
         "LOCATION": PhiType.LOCATION}
# Listed by the site: surer than any guess, and above the clinical-word filter's reach.
SCORE = 0.95
_SEPARATOR = re.compile(r"[\s\-]+")
_USERNAME_PART = re.compile(r"[^\W\d_]{2,}")
# Words of an account's name that are no person's: the roles, and generic accounts.
_ACCOUNT_WORDS = frozenset({*ROLES, "user", "staff", "test", "demo"})


@dataclass(frozen=True)
class SiteTerm:
    term: str
    type: PhiType


def key(term: str) -> str:
    """The form two spellings of one term share: lower case, no full stops, one space
    between words ("St. Mary's" and "ST MARY'S")."""
    plain = term.lower().replace("’", "'").replace(".", "")
    return " ".join(_SEPARATOR.split(plain)).strip()


def _atoms(term: str) -> tuple[str, ...]:
    """The term as regex pieces, one per character of its lower-case form."""
    atoms: list[str] = []
    for piece in re.split(r"([\s\-]+)", term.strip().lower()):
        if not piece:
            continue
        if _SEPARATOR.fullmatch(piece):
            atoms.append(r"[\s\-]+")
            continue
        for char in piece:
            atoms.append(r"\.?" if char == "." else "['’]" if char in "'’" else re.escape(char))
    return tuple(atoms)


def _trie_regex(sequences: Iterable[tuple[str, ...]]) -> str:
    """One alternation shaped as a trie: at each point only the branches that share the text
    so far are tried, so thousands of terms cost about what a few do."""
    root: dict = {}
    for atoms in sequences:
        node = root
        for atom in atoms:
            node = node.setdefault(atom, {})
        node[""] = {}  # a term ends here

    def render(node: dict) -> str:
        ends = "" in node
        branches = [atom + render(child) for atom, child in sorted(node.items()) if atom]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # where a term ends inside a longer one: the longer first, the shorter if it fails
        return f"(?:{body})?" if ends else body

    return render(root)


class SiteLexicon:
    """The site's terms as a recognizer."""

    name = "site_lexicon"

    def __init__(self, terms: Iterable[SiteTerm], listed: int | None = None) -> None:
        self.types: dict[str, PhiType] = {}
        atoms: dict[tuple[str, ...], None] = {}
        for term in terms:
            self.types.setdefault(key(term.term), term.type)
            atoms.setdefault(_atoms(term.term))
        self.counts = {kind.value: sum(t is kind for t in self.types.values())
                       for kind in TYPES.values()}
        # how many came from the site's files; the rest, from the store's user names
        self.listed = len(self.types) if listed is None else listed
        self.pattern = re.compile(
            r"(?<![^\W\d_])(?:" + _trie_regex(atoms) + r")(?![^\W\d_])", re.IGNORECASE
        ) if atoms else None

    def __len__(self) -> int:
        return len(self.types)

    def analyze(self, text: str) -> Iterator[Detection]:
        if self.pattern is None:
            return
        for match in self.pattern.finditer(text):
            kind = self.types.get(key(match.group()), PhiType.NAME)
            yield Detection(kind, match.start(), match.end(), SCORE, self.name)


def parse(lines: Iterable[str]) -> list[SiteTerm]:
    """The terms of a lexicon file's lines; a malformed line raises INVALID_REQUEST naming its
    number and what is wrong with it (never its text)."""
    terms: list[SiteTerm] = []
    first_seen: dict[str, tuple[int, PhiType]] = {}
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if "\t" not in line:
            raise _bad_line(number, "has no tab between the term and its type")
        term, _, kind = line.partition("\t")
        if "\t" in kind:
            raise _bad_line(number, "has more than one tab")
        if not key(term):
            raise _bad_line(number, "has an empty term")
        phi_type = TYPES.get(kind.strip().upper())
        if phi_type is None:
            raise _bad_line(number, f"has a type that is not one of {', '.join(TYPES)}")
        earlier = first_seen.setdefault(key(term), (number, phi_type))
        if earlier[1] is not phi_type:
            raise _bad_line(number, f"lists a term already listed on line {earlier[0]} with "
                                    "another type")
        terms.append(SiteTerm(term.strip(), phi_type))
    return terms


def _bad_line(number: int, problem: str) -> InvalidRequest:
    return InvalidRequest(f"site lexicon line {number} {problem}", {"line": number})


def read(path: Path) -> list[SiteTerm]:
    """The terms of a lexicon file (FILE_NOT_FOUND when missing, INVALID_REQUEST when it is no
    UTF-8 text or a line is malformed)."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # a BOM, as Windows editors write it
    except FileNotFoundError:
        raise _missing(path) from None
    except IsADirectoryError:
        raise InvalidRequest("the site lexicon is a folder, not a file",
                             {"path": str(path)}) from None
    except UnicodeDecodeError as exc:
        line = _line_of(path.read_bytes(), exc.start)
        raise InvalidRequest(f"site lexicon line {line} is not UTF-8 text",
                             {"path": str(path), "line": line}) from None
    except OSError as exc:
        raise InvalidRequest("the site lexicon file cannot be read",
                             {"path": str(path), "error": type(exc).__name__}) from None
    try:
        return parse(text.splitlines())
    except InvalidRequest as exc:
        exc.details["path"] = str(path)
        raise


def _missing(path: Path) -> FileNotFound:
    return FileNotFound(f"the site lexicon file {path} does not exist", {"path": str(path)})


def _line_of(data: bytes, offset: int) -> int:
    """The 1-based line number of a byte offset."""
    return data.count(b"\n", 0, offset) + 1


def roster(usernames: Iterable[str], lex: Lexicons) -> list[SiteTerm]:
    """Staff names from account names ("j.okonkwo", "maria_vasquez2"): a part on a name list
    or on no word list at all is a name; the parts together are one term. A part that is an
    everyday English or clinical word ("bill.ward") counts only inside the whole name, and a
    word of an account, not a person ("admin", "nurse3"), not at all."""
    terms: list[SiteTerm] = []
    for username in usernames:
        parts = [p for p in (p.lower() for p in _USERNAME_PART.findall(username))
                 if p not in _ACCOUNT_WORDS and (lex.named(p) or not lex.known(p))]
        if len(parts) > 1:
            terms.append(SiteTerm(" ".join(parts), PhiType.NAME))
        terms += [SiteTerm(p, PhiType.NAME) for p in parts
                  if p not in lex.common_words and p not in lex.clinical_words]
    return terms


def build(paths: Iterable[str], usernames: Iterable[str] = ()) -> SiteLexicon | None:
    """The lexicon of the files named (a machine policy's, a command's) and of the store's
    user names, compiled again only when a file or the users change; None when all are empty.
    A file's type wins over the roster's for a term in both."""
    versions = tuple(_version(Path(path)) for path in dict.fromkeys(paths) if path)
    return _build(versions, tuple(sorted(set(usernames))))


def _version(path: Path) -> tuple[str, int, int]:
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise _missing(path) from None
    return str(path), stat.st_size, stat.st_mtime_ns


@functools.lru_cache(maxsize=4)
def _build(versions: tuple[tuple[str, int, int], ...], usernames: tuple[str, ...]
           ) -> SiteLexicon | None:
    listed = [term for path, _, _ in versions for term in read(Path(path))]
    terms = [*listed, *roster(usernames, load())]
    return SiteLexicon(terms, listed=len({key(t.term) for t in listed})) if terms else None
