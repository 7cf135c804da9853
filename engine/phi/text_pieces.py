"""What every PHI module reads text with: one word normaliser, the letter counts that tell a
text's case, and the regex pieces several rule modules share."""

from __future__ import annotations

# Lower-case letters as the name and place rules write them (Latin-1 included).
LOWER = "a-zà-öø-ÿ"

# The letters counted to tell a text's case: A-Z and À-Þ, a-z and ß-ÿ.
CAPITALS = "".join(map(chr, [*range(ord("A"), ord("Z") + 1), *range(0xC0, 0xDF)]))
SMALLS = "".join(map(chr, [*range(ord("a"), ord("z") + 1), *range(0xDF, 0x100)]))


def count(letters: str, text: str) -> int:
    """How many of the text's characters are among the letters (CAPITALS or SMALLS): one
    C-speed count per letter, the Latin-1 ones only for a text that has any."""
    if text.isascii():
        letters = letters[:26]
    return sum(map(text.count, letters))


def folded_word(word: str) -> str:
    """A word in lower case with a straight apostrophe: what every lexicon look-up starts
    from (each caller then trims what it must: a full stop, a possessive)."""
    return word.lower().replace("’", "'")
