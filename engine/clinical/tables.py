"""Tables, one row a line: the header that names each cell, read both ways.

Cells may be joined by " | " (as C-CDA narratives are rendered here), by tabs, or by runs of
two or more spaces aligned in columns over consecutive lines. ``pipe_view`` rewrites the
other separators as "|" in a copy of the same length, so every offset found in the view is
an offset into the text and one reader serves every layout.

* Column headers: the first row of a run of table lines names the cells below it
  ("Date | BP-Sys(mm[Hg] | HR(bpm)" over "1/21/2013 | 130 mmHg | 84").
* Row headers: a row's first cell names the cells after it ("Weight Measured | 82 kg").
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

_GAP = re.compile(r"(?<=\S)(?: {2,}|\t+)(?=\S)")  # a column gap between two cells
_LEAD = re.compile(r"[ \t]+")


def _gap_ends(line: str) -> set[int]:
    return {m.end() for m in _GAP.finditer(line) if line[m.start() - 1] not in ".;"}


def pipe_view(text: str) -> str:
    """``text`` with column gaps written as "|" (same length, same offsets): tabs between
    cells, and runs of 2+ spaces where two or more consecutive lines share a column start
    (prose with a double space after a word is left alone). A row that continues the row
    above with an empty first cell (a leading tab, or indentation to a column) starts with
    "|", as the pipe rendering writes it."""
    if "\t" not in text and "  " not in text:
        return text
    lines = text.split("\n")
    gaps = [_gap_ends(line) for line in lines]
    out = []
    for i, line in enumerate(lines):
        near = (gaps[i - 1] if i else set()) | (gaps[i + 1] if i + 1 < len(lines) else set())
        tabbed = "\t" in line.strip()
        aligned = bool(gaps[i] & near) or (tabbed and bool(gaps[i]))
        if not aligned:
            out.append(line.replace("\t", " "))
            continue
        chars = list(line)
        for m in _GAP.finditer(line):
            gap = m.group(0)
            if "\t" in gap:  # every tab is a separator: two in a row hold an empty cell
                for k, ch in enumerate(gap, m.start()):
                    chars[k] = "|" if ch == "\t" else " "
            elif line[m.start() - 1] not in ".;":
                chars[m.start() + 1] = "|"
        lead = _LEAD.match(line)
        if lead and lead.end() < len(line) and i and (gaps[i - 1] or "|" in out[-1]):
            chars[lead.end() - 1] = "|"  # an indented row under a table: empty first cell
        out.append("".join(chars).replace("\t", " "))
    return "\n".join(out)


def is_row(line: str) -> bool:
    return " | " in line or line.startswith("| ") or "|" in line.strip("|")


@dataclass(frozen=True)
class Cell:
    header: str
    text: str
    start: int
    end: int


def _cells(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    """Every cell between pipes, empty ones included ("a||b": a tab table's empty cell;
    "| x": a row continuing the one above), each stripped, with its offsets."""
    line = text[start:end]
    parts = line.split("|")
    if len(parts) > 1 and line.rstrip().endswith("|"):
        parts.pop()  # nothing after a closing pipe
    out, offset = [], start
    for raw in parts:
        lead = len(raw) - len(raw.lstrip())
        cell = raw.strip()
        out.append((cell, offset + lead if cell else offset, offset + lead + len(cell)))
        offset += len(raw) + 1
    return out


def row_cells(line: str, offset: int) -> list[tuple[str, int, int]]:
    """One table line's cells: (text, start, end), offsets shifted by ``offset``."""
    return [(t, s + offset, e + offset) for t, s, e in _cells(line, 0, len(line))]


def _rows(text: str) -> Iterator[list[list[tuple[str, int, int]]]]:
    """Runs of consecutive table lines, each line as its cells."""
    block: list[list[tuple[str, int, int]]] = []
    offset = 0
    for line in text.split("\n"):
        if is_row(line):
            block.append(_cells(text, offset, offset + len(line)))
        elif block:
            yield block
            block = []
        offset += len(line) + 1
    if block:
        yield block


def headed_cells(text: str) -> Iterator[Cell]:
    for block in _rows(text):
        header = block[0]
        if not any(cell[0][:1].isdigit() for cell in header):  # names, not values
            for row in block[1:]:
                for (name, _s, _e), (value, start, end) in zip(header, row, strict=False):
                    if value:
                        yield Cell(name, value, start, end)
        for row in block:
            first = 1 if len(row) > 2 and _CODE_CELL.match(row[0][0]) else 0  # code-first
            for value, start, end in row[first + 1:]:
                yield Cell(row[first][0], value, start, end)


@dataclass(frozen=True)
class RowValue:
    """A result row's value cell, with the unit and LOINC code its other cells give."""
    text: str
    start: int
    end: int
    unit: str
    loinc: str | None


_NUMBER = re.compile(r"[<>]?(?:\d+(?:\.\d+)?|\.\d+)$")
_CODE_CELL = re.compile(r"\d{1,5}-\d$|-$")  # a LOINC code, or a dash for none
_LOINC_CODE = re.compile(r"\d{1,7}-\d$")


def row_values(text: str) -> dict[int, RowValue]:
    """Line start -> value of each row under a "Value" or "Result" column header."""
    out: dict[int, RowValue] = {}
    for block in _rows(text):
        names = [cell[0].lower() for cell in block[0]]
        column = next((i for i, n in enumerate(names) if n in ("value", "result")), None)
        if column is None:
            continue
        unit_column = names.index("unit") if "unit" in names else None
        for row in block[1:]:
            if len(row) <= column or not _NUMBER.match(row[column][0]):
                continue
            cells = [c[0] for c in row]
            unit = cells[unit_column] if unit_column is not None and unit_column < len(row) \
                else ""
            loinc = next((b for a, b in itertools.pairwise(cells)
                          if a.upper() == "LOINC" and _LOINC_CODE.match(b)), None)
            value, start, end = row[column]
            out[text.rfind("\n", 0, start) + 1] = RowValue(value, start, end, unit, loinc)
    return out
