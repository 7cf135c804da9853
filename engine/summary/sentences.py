"""Sentence spans in clinical prose: a period after a title or a common abbreviation
("Dr.", "b.i.d.", "approx.") does not end a sentence; a line break does, unless the line
was wrapped: the next line goes on in lower case ("... or\\npolyuria.") or is indented under
a numbered item ("1. Diabetes ... add\\n   empagliflozin 10 mg")."""

from __future__ import annotations

import re

_ABBREVIATIONS = frozenset({"dr", "mr", "mrs", "ms", "st", "vs", "approx", "etc", "e.g", "i.e",
                            "b.i.d", "t.i.d", "q.i.d", "p.r.n", "q.d", "p.o", "no", "fig"})
_END = re.compile(r"[.!?]+(?=\s|$)|\n")
_ITEM = re.compile(r"[ \t]*(?:\d+[.)]|[-•*])[ \t]+")  # a numbered or bulleted list item
_HEADING = re.compile(r"[ \t]*[A-Za-z][A-Za-z /&-]{1,40}:")


def wrapped(text: str, newline: int) -> bool:
    """Whether the line break at ``newline`` only wraps a sentence onto the next line."""
    line_start = text.rfind("\n", 0, newline) + 1
    line = text[line_start:newline]
    nxt_end = text.find("\n", newline + 1)
    nxt = text[newline + 1:len(text) if nxt_end < 0 else nxt_end]
    if not line.strip() or not nxt.strip() or _ITEM.match(nxt) or _HEADING.match(nxt):
        return False
    if nxt.lstrip()[0].islower():
        return True
    indent = len(nxt) - len(nxt.lstrip())
    item = _ITEM.match(line)
    return bool(item) and indent >= len(item.group(0)) - 1


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) offsets into ``text`` of each non-blank sentence in ``text[start:end]``."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    begin = start
    for m in _END.finditer(text, start, end):
        if m.group(0) == "\n":
            if wrapped(text, m.start()):
                continue
        else:
            word = text[begin:m.start()].rsplit(None, 1)[-1:] or [""]
            if word[0].lower().rstrip(".") in _ABBREVIATIONS or len(word[0]) == 1:
                continue  # "Dr. X", "p.o. daily", an initial
        if text[begin:m.end()].strip():
            spans.append(_trim(text, begin, m.end()))
        begin = m.end()
    if text[begin:end].strip():
        spans.append(_trim(text, begin, end))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
