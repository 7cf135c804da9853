"""The words a pattern cannot match without ("MRN", "medical record", "phone" …), read from
the regex itself, so that a text holding none of them is not scanned with it at all, and a
text holding some is tried only where they stand.

Most identifier and name patterns start with a cue word; scanning a note with each of them
costs more than finding their words in the note and trying the pattern there (a match starts
with one of its cues). A pattern whose start is not a set of literal words (a digit class, a
lookbehind) has no cues and is always run over the whole text.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, KeysView, Sequence
from typing import ClassVar

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
# Where each cue stands in the folded text last asked about (the same text many times over).
_found: tuple[str, _Index | None] = ("", None)


def fold(text: str) -> str:
    """The text case-folded, once per text: every recognizer asks for it in turn, and a long
    document is not copied again for each."""
    global _last
    last = _last  # one read: another thread may fold another text meanwhile
    if last[0] is text:
        return last[1]
    folded = text.casefold()
    if not folded.isascii() and ("ı" in folded or "i\u0307" in folded):
        # a case-blind regex reads the Turkish "ı" and "İ" (folded "i" and a dot) as "i":
        # so must the cues and gates sought in the folded text
        folded = folded.replace("ı", "i").replace("i\u0307", "i")
    _last = (text, folded)
    return folded


def forget() -> None:
    """Drop the text folded last: it is the original, PHI and all, and outlives its scrub."""
    global _last, _found, _memo
    _last = ("", "")
    _found = ("", None)
    _memo = ("", {})


# What the recognizers work out once per text (the case of the lines around a place …).
_memo: tuple[str, dict[object, object]] = ("", {})


def memo(text: str) -> dict[object, object]:
    """A dict for what is worked out about this text, kept while the text is the one asked
    about (a new text starts an empty one; forget() drops it with the text)."""
    global _memo
    held = _memo  # one read, as in fold()
    if held[0] is not text:
        held = _memo = (text, {})
    return held[1]


def present(words: tuple[str, ...], folded: str) -> bool:
    """Whether any cue occurs in the case-folded text."""
    return any(map(folded.__contains__, words))


# Each pattern's cues, by the pattern's id: hashing a compiled pattern hashes its whole code.
_KNOWN: dict[int, tuple[re.Pattern[str], tuple[str, ...] | None]] = {}


# A cue is sought by its first letters at most: "medical record" where "med" is (the regex
# then tells them apart), so that patterns share their searches.
_KEY = 4


def cues_of(regex: re.Pattern[str]) -> tuple[str, ...] | None:
    """The starts of cues(regex), none the start of another, read once per pattern."""
    held = _KNOWN.get(id(regex))
    if held is None or held[0] is not regex:
        words = cues(regex)
        held = _KNOWN[id(regex)] = (regex, None if words is None else _indexed(words))
    return held[1]


def _indexed(words: Sequence[str]) -> tuple[str, ...]:
    """The starts of the (case-folded) words, none the start of another, added to the keys
    every text is indexed for."""
    keys = sorted({w[:_KEY] for w in words})
    starts = tuple(k for k in keys if not any(k.startswith(other) for other in keys if other != k))
    with _LOCK:  # another thread may be copying the set
        _SEEN.update(starts)
    return starts


def needed(regex: re.Pattern[str]) -> tuple[str, ...] | None:
    """cues_of(regex); for a pattern led by a blank before its words ("[ \\t]\\b(?:called|…)",
    which has no cues: a match starts at the blank), the keys of those words, one of which
    every match holds, so that a text holding none of them is skipped (and one holding some
    scanned whole)."""
    words = cues_of(regex)
    if words is not None:
        return words
    try:
        items = list(sre_parse.parse(regex.pattern, regex.flags))
    except (re.error, RecursionError):  # pragma: no cover - compiled already, so it parses
        return None
    if not items or items[0][0] is not sre.IN or not all(
            op is sre.LITERAL and chr(av) in " \t" for op, av in items[0][1]):  # type: ignore[union-attr]
        return None
    after = _leading(items[1:])
    return _indexed([w.casefold() for w in after]) if after else None


# Above one candidate start in this many characters, one scan of the text is cheaper.
_DENSE = 3


def finditer(regex: re.Pattern[str], text: str, folded: str) -> Iterator[re.Match[str]]:
    """The matches of ``regex.finditer(text)``: none at once when ``folded`` (the text
    case-folded) holds none of the regex's cues, else those found by trying the regex only
    where a cue starts."""
    held = _KNOWN.get(id(regex))  # cues_of(), inlined: asked a hundred times a text
    words = held[1] if held is not None and held[0] is regex else cues_of(regex)
    if words is None:
        return regex.finditer(text)
    found = _found
    if found[0] is folded and found[1] is not None and found[1].covered.issuperset(
            words) and found[1].at.keys().isdisjoint(words):
        return iter(())  # most patterns, once the text is indexed: none of their cues
    if len(folded) != len(text):  # a letter folds to two ("ß"): no position maps back
        return regex.finditer(text) if present(words, folded) else iter(())
    starts = positions(words, folded)
    return _tried_at(regex, text, starts) if starts else iter(())


def _tried_at(regex: re.Pattern[str], text: str, starts: Sequence[int]
              ) -> Iterator[re.Match[str]]:
    """The matches of ``regex.finditer(text)``, every one starting at one of ``starts``:
    tried there, or the whole text scanned where starts are too many to be worth it."""
    if len(starts) * _DENSE > len(text):
        return regex.finditer(text)
    return _matches_at(regex, text, starts)


# Where a number starts: a digit with none before it (the lookbehind after the digit, so
# that the scan skips to digits at C speed: one in front makes it stop at every character).
_NUMBER = re.compile(r"\d(?<!\d\d)")


def at_numbers(regex: re.Pattern[str], text: str, leads: str = "") -> Iterator[re.Match[str]]:
    """The matches of ``regex.finditer(text)`` for a regex whose every match starts at a
    number's first digit or at one of the characters ``leads`` ("+", "(" of a phone): tried
    only there (a long note is not scanned with it at every character)."""
    known = memo(text)
    starts = known.get((_NUMBER, leads))
    if starts is None:
        found = list(_starts(text, _NUMBER))
        for char in leads:
            found += _indices(char, text)
        starts = known[(_NUMBER, leads)] = sorted(found)
    return _tried_at(regex, text, starts)  # type: ignore[arg-type]


def at_starts(regex: re.Pattern[str], text: str, starts: re.Pattern[str]
              ) -> Iterator[re.Match[str]]:
    """The matches of ``regex.finditer(text)`` for a regex whose every match starts where
    ``starts`` (a regex led by a character class, which a scan skips to at C speed) matches:
    tried only there, the places found once a text."""
    return _tried_at(regex, text, _starts(text, starts))


def _starts(text: str, starts: re.Pattern[str]) -> list[int]:
    """Where ``starts`` matches in the text, found once a text (memo())."""
    known = memo(text)
    found = known.get(starts)
    if found is None:
        found = known[starts] = [m.start() for m in starts.finditer(text)]
    return found  # type: ignore[return-value]


def held_cues(folded: str) -> KeysView[str] | None:
    """The cue keys, of every pattern read so far, that the folded text holds: asked once a
    text, so that a recognizer skips the patterns none of whose cues stand in it without a
    finditer() call each (most of them, most texts). None where no index of the text
    serves (a text fold() does not hold; a pattern read since the text was indexed)."""
    index = _index_of(folded)
    return index.at.keys() if index is not None and len(index.covered) == len(_SEEN) else None


def _index_of(folded: str) -> _Index | None:
    """The cue index of the text fold() holds, built on first asking; None for another text
    (an index is kept only for that one, and forgotten with it)."""
    global _found
    found = _found  # one read, as in fold()
    if found[0] is not folded or found[1] is None:
        if _last[1] is not folded:
            return None
        found = _found = (folded, _Index.of(folded))
    return found[1]


def positions(words: tuple[str, ...], folded: str) -> Sequence[int]:
    """Every index of ``folded`` where one of the words starts, in order (an index twice
    where two words start there)."""
    index = _index_of(folded)
    if index is None:
        return _sought(words, folded)
    at = index.at
    if not index.covered.issuperset(words):  # a pattern new since the scan: its own search
        for word in words:
            if word not in index.covered and word not in at:
                at[word] = _indices(word, folded)
    elif at.keys().isdisjoint(words):  # most patterns: none of their cues in the text
        return []
    present = at.keys() & words  # the cues present, at C speed
    if len(present) == 1:
        return at[present.pop()]  # in order already (read, never changed, by the caller)
    starts: list[int] = []
    for word in present:
        starts += at[word]
    starts.sort()
    return starts


def _sought(words: tuple[str, ...], folded: str) -> list[int]:
    starts: list[int] = []
    for word in filter(folded.__contains__, words):  # most are absent: asked at C speed
        starts += _indices(word, folded)
    starts.sort()
    return starts


class _Index:
    """Where every cue key of the patterns seen so far starts in one text, found in one scan
    (a trie of the keys, tried at every index) rather than one search per key."""

    # (the keys sought, their trie, each key → the keys it starts with): one tuple, replaced
    # whole under _LOCK, so that a thread never reads a trie with another one's keys (the
    # engine scrubs a document on a job thread while it judges a file name on another)
    EMPTY: ClassVar[tuple[frozenset[str], re.Pattern[str] | None, dict[str, tuple[str, ...]]]] = (
        frozenset(), None, {})
    state: ClassVar[tuple[frozenset[str], re.Pattern[str] | None,
                          dict[str, tuple[str, ...]]]] = EMPTY

    def __init__(self, folded: str) -> None:
        keys, regex, within = _Index.state  # one read
        self.covered = keys  # the keys the scan sought
        self.at: dict[str, list[int] | tuple[int, ...]] = {}
        if regex is None:
            return
        at = self.at
        for m in regex.finditer(folded):
            for key in within[m.group(1)]:
                at.setdefault(key, []).append(m.start())  # type: ignore[union-attr]

    @staticmethod
    def of(folded: str) -> _Index:
        """The index of this text, the trie first rebuilt if patterns brought new keys."""
        if len(_Index.state[0]) != len(_SEEN):
            with _LOCK:
                keys = frozenset(_SEEN)
                if keys != _Index.state[0]:
                    _Index.state = (keys, re.compile(f"(?=({_trie(sorted(keys))}))"),
                                    {k: tuple(p for p in keys if k.startswith(p)) for k in keys})
        return _Index(folded)


_SEEN: set[str] = set()  # every cue key of the patterns read so far
_LOCK = threading.Lock()  # guards _SEEN and the rebuild of _Index.state


def _trie(keys: list[str]) -> str:
    """An alternation of the keys sharing their starts, that matches the longest one."""
    branches: dict[str, list[str]] = {}
    for key in keys:
        branches.setdefault(key[0], []).append(key[1:])
    out = []
    for first, rests in branches.items():
        longer = [r for r in rests if r]
        if not longer:
            out.append(re.escape(first))
            continue
        optional = "?" if len(longer) < len(rests) else ""
        out.append(f"{re.escape(first)}(?:{_trie(longer)}){optional}")
    return "|".join(out)


def _indices(word: str, folded: str) -> tuple[int, ...]:
    out = []
    i = folded.find(word)
    while i >= 0:
        out.append(i)
        i = folded.find(word, i + 1)
    return tuple(out)


def _matches_at(regex: re.Pattern[str], text: str, starts: Sequence[int]
                ) -> Iterator[re.Match[str]]:
    """What ``regex.finditer(text)`` yields when every match must start at one of
    ``starts``: the first start from the last match's end where the regex matches. (A cue
    is a word, so no match is empty; a lookbehind or \\b still sees the text before.)"""
    cursor = 0
    for start in starts:
        if start < cursor:
            continue
        m = regex.match(text, start)
        if m is not None:
            cursor = m.end()
            yield m


def _leading(items: _Items) -> list[str] | None:
    # \b, ^ and a lookbehind hold no characters (a lookbehind still reads the text before
    # a cue: a match tried at a cue's start sees it)
    while items and (items[0][0] is sre.AT or (
            items[0][0] in (sre.ASSERT, sre.ASSERT_NOT) and items[0][1][0] < 0)):  # type: ignore[index]
        items = items[1:]
    if not items:
        return None
    op, av = items[0]
    if op is sre.LITERAL:
        prefix = _literal_prefix(items)
        rest = items[len(prefix):]
        if len(prefix) < _KEY and rest and rest[0][0] in (sre.BRANCH, sre.SUBPATTERN):
            # a start the parser factored out of an alternation ("d" of "d/c|dc"): the
            # words go on into the group's ways in
            more = _leading(rest)
            if more:
                return [prefix + word for word in more]
        return [prefix] if prefix else None
    if op is sre.SUBPATTERN:  # a group, or a flag group such as (?i:…)
        inner = _leading(list(av[-1]))  # type: ignore[index]
        return inner
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):  # a group repeated, or optional
        low, _high, body = av  # type: ignore[misc]
        inner = _leading(list(body))
        if low or not inner:
            return inner if low else None
        after = _leading(items[1:])  # optional ("(?:the )?patient"): its words or the next
        return inner + after if after else None
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
