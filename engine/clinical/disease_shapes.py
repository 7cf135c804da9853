"""Words no list knows that are shaped like disease names: "-itis", "-emia", "-opathy",
"-toxicity", "-algia", "-plegia", "-paresis", "-uria", "-penia", "-rrhea", "-ectasia",
"-megaly" ("aminoaciduria", "myeloencephalopathy", "cardiotoxicity").

Guarded against ordinary words: lower case (a capitalised word is a name or place, as
"Manchuria" or "Politis", except at the start of a line, sentence or table cell), seven
letters at least, and a few English words with these endings excluded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_SHAPE = re.compile(
    r"(?<![\w-])(?P<w>(?:[a-z]|(?<=^)[A-Z]|(?<=[.|\n] )[A-Z])[a-z]{2,}(?:itis|a?emia|opathy|"
    r"toxicity|algia|plegia|paresis|uria|penia|rr?h(?:o|oe)?ea|ectasia|megaly))(?![\w-])",
    re.MULTILINE)
_ENGLISH = frozenset({"nostalgia", "academia", "homeopathy", "homoeopathy", "osteopathy",
                      "naturopathy", "allopathy", "hydropathy", "allelopathy", "senioritis",
                      "capitis"})  # Latin "of the head": "longus capitis"


def find(text: str) -> Iterator[tuple[int, int]]:
    for m in _SHAPE.finditer(text):
        word = m.group("w")
        if len(word) >= 7 and word.lower() not in _ENGLISH:
            yield m.start("w"), m.end("w")
