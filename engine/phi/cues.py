"""The words a pattern cannot match without ("MRN", "medical record", "phone" …), read from
the regex itself, so that a text holding none of them is not scanned with it at all.

Most identifier patterns start with a cue word; scanning a note with each of them costs more
than asking whether any of their words is in the note. A pattern whose start is not a set of
literal words (a digit class, a lookbehind) has no cues and is always run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

try:  # the regex parser of the standard library: public as sre_parse until 3.11
    from re import _constants as sre  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as sre  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

_Items = list[tuple[object, object]]


def cues(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Lower-case words one of which every match of ``pattern`` holds, or None."""
    try:
        tree = sre_parse.parse(pattern.pattern, pattern.flags)
    except (re.error, RecursionError):  # pragma: no cover - compiled already, so it parses
        return None
    found = _leading(list(tree))
    return tuple(sorted({c.casefold() for c in found})) if found else None


_last: tuple[str, str] = ("", "")  # the text folded last, and its folding


def fold(text: str) -> str:
    """The text case-folded, once per text: every recognizer asks for it in turn, and a long
    document is not copied again for each."""
    global _last
    last = _last  # one read: another thread may fold another text meanwhile
    if last[0] is text:
        return last[1]
    folded = text.casefold()
    _last = (text, folded)
    return folded


def forget() -> None:
    """Drop the text folded last: it is the original, PHI and all, and outlives its scrub."""
    global _last
    _last = ("", "")


def present(words: tuple[str, ...], folded: str) -> bool:
    """Whether any cue occurs in the case-folded text."""
    return any(map(folded.__contains__, words))


_KNOWN: dict[re.Pattern[str], tuple[str, ...] | None] = {}


def finditer(regex: re.Pattern[str], text: str, folded: str) -> Iterator[re.Match[str]]:
    """``regex.finditer(text)``, or nothing at once when ``folded`` (the text case-folded)
    holds none of the regex's cues."""
    if regex not in _KNOWN:
        _KNOWN[regex] = cues(regex)
    words = _KNOWN[regex]
    if words is not None and not present(words, folded):
        return iter(())
    return regex.finditer(text)


def _leading(items: _Items) -> list[str] | None:
    while items and items[0][0] is sre.AT:  # \b, ^: they hold no characters
        items = items[1:]
    if not items:
        return None
    op, av = items[0]
    if op is sre.LITERAL:
        prefix = _literal_prefix(items)
        return [prefix] if prefix else None
    if op is sre.SUBPATTERN:  # a group, or a flag group such as (?i:…)
        inner = _leading(list(av[-1]))  # type: ignore[index]
        return inner
    if op is sre.BRANCH:
        out: list[str] = []
        for branch in av[1]:  # type: ignore[index]
            words = _leading(list(branch))
            if not words:
                return None  # one way in without a literal word: no cue
            out += words
        return out
    return None


def _literal_prefix(items: _Items) -> str:
    chars = []
    for op, av in items:
        if op is not sre.LITERAL:
            break
        chars.append(chr(av))  # type: ignore[arg-type]
    return "".join(chars)
