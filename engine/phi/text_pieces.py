"""What every PHI module reads text with: one word normaliser, the letter counts that tell a
text's case, the regex pieces several rule modules share, and a search for a text's own words."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

# Lower-case letters as the name and place rules write them (Latin-1 included).
LOWER = "a-zà-öø-ÿ"

# The letters counted to tell a text's case: A-Z and À-Þ, a-z and ß-ÿ.
CAPITALS = "".join(map(chr, [*range(ord("A"), ord("Z") + 1), *range(0xC0, 0xDF)]))
SMALLS = "".join(map(chr, [*range(ord("a"), ord("z") + 1), *range(0xDF, 0x100)]))


def count(letters: str, text: str) -> int:
    """How many of the text's characters are among the letters (CAPITALS, SMALLS, digits):
    in ASCII text, the bytes deleting them removes (one C pass); else one count per letter."""
    if text.isascii():
        data = text.encode("ascii")
        return len(data) - len(data.translate(None, _ascii_bytes(letters)))
    return sum(map(text.count, letters))


_ASCII_BYTES: dict[str, bytes] = {}


def _ascii_bytes(letters: str) -> bytes:
    held = _ASCII_BYTES.get(letters)
    if held is None:
        held = _ASCII_BYTES[letters] = "".join(c for c in letters if c.isascii()).encode()
    return held


def folded_word(word: str) -> str:
    """A word in lower case with a straight apostrophe: what every lexicon look-up starts
    from (each caller then trims what it must: a full stop, a possessive)."""
    return word.lower().replace("’", "'")


def starts_sentence(text: str, index: int) -> bool:
    """Whether a sentence starts at ``index``, where a capital says nothing."""
    if _LINE_BREAK_COMMA.search(text, max(0, index - 5), index):
        return True  # "NECK: , Supple", "normal.,Extremities" (not "Inc., Bridgewater")
    before = text[max(0, index - 3):index].rstrip(" \t")
    return not before or before[-1] in ".!?:\n\f•-*#>"


# A run of characters between blanks: a word as notes write it, with its stops and marks.
NON_SPACE = re.compile(r"\S+")
# A line break some exports write as a comma: after a heading's colon, or glued to a stop.
_LINE_BREAK_COMMA = re.compile(r"(?::[ \t]*,[ \t]*|\.,)$")


def is_word_char(char: str) -> bool:
    """What ``\\w`` matches (a letter, digit or underscore); False for "" (an end)."""
    return char.isalnum() or char == "_"


def whole_word(text: str, start: int, end: int) -> bool:
    """The edges of ``\\b…\\b``: a word's start and end."""
    return (is_word_char(text[start - 1:start]) != is_word_char(text[start])
            and is_word_char(text[end - 1]) != is_word_char(text[end:end + 1]))


def apart(text: str, start: int, end: int) -> bool:
    """The edges of a name that may hold hyphens (``(?<![\\w-])…(?!\\w|-\\w)``): no word or
    hyphen before it, no word or hyphenated word after it."""
    before, after = text[start - 1:start], text[end:end + 2]
    return not (is_word_char(before) or before == "-") and not (
        is_word_char(after[:1]) or (after[:1] == "-" and is_word_char(after[1:])))


def find_phrases(text: str, phrases: Iterable[str],
                 fits: Callable[[str, int, int], bool]) -> list[tuple[int, int]]:
    """The spans ``re.finditer`` yields for a case-blind alternation of the phrases, longest
    first, a space in a phrase matching a run of spaces and tabs, and ``fits(text, start,
    end)`` standing for the regex's lookarounds: without compiling a regex of a text's own
    words for each text (the compiler runs in Python, and such a regex never repeats)."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a letter whose lower case is longer ("İ"): per letter
        lowered = "".join(char.lower()[:1] for char in text)
    best: dict[int, int] = {}  # where a match starts → where the first phrase to fit ends
    for phrase in sorted(phrases, key=len, reverse=True):
        words = phrase.lower().split()
        if not words:
            continue
        at = lowered.find(words[0])
        while at >= 0:
            if at not in best:
                end = _phrase_end(lowered, at, words)
                if end is not None and fits(text, at, end):
                    best[at] = end
            at = lowered.find(words[0], at + 1)
    spans, cursor = [], 0
    for start in sorted(best):
        if start >= cursor:
            spans.append((start, best[start]))
            cursor = best[start]
    return spans


def _phrase_end(lowered: str, at: int, words: list[str]) -> int | None:
    end = at + len(words[0])
    for word in words[1:]:
        gap = end
        while lowered[gap:gap + 1] in (" ", "\t"):
            gap += 1
        if gap == end or not lowered.startswith(word, gap):
            return None
        end = gap + len(word)
    return end
