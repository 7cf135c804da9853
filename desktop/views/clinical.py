"""The extracted clinical data as tables, one tab per entity type, one row per fact however
often the document mentions it. Double-clicking a row shows where in the scrubbed text the
fact was found (again: the next place)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from desktop.qt import Qt, QtGui, QtWidgets, Signal
from desktop.theme import hint_colour
from engine.clinical.sections import LABELS

# (entity type, tab title, attribute columns) in the order a clinician reads a chart.
_TABLES: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("problem", "Problems", (("onset", "Onset"),)),
    ("medication", "Medications", (("strength", "Strength"), ("dose", "Dose"),
                                   ("route", "Route"), ("frequency", "Frequency"),
                                   ("status", "Status"))),
    ("allergy", "Allergies", (("reaction", "Reaction"), ("severity", "Severity"))),
    ("lab", "Labs", (("value", "Value"), ("unit", "Unit"), ("reference_range", "Range"),
                     ("abnormal", "Flag"), ("date", "Date"))),
    ("vital", "Vitals", (("value", "Value"), ("unit", "Unit"), ("abnormal", "Flag"))),
    ("procedure", "Procedures", (("date", "Date"),)),
    ("finding", "Findings", ()),
    ("social_history", "Social history", ()),
    ("substance", "Substances", ()),
)
NEXT_MENTION = Qt.ItemDataRole.UserRole + 1  # which mention a double-click shows next
_ASSERTION_TEXT = {"present": "", "negated": "denied / absent", "possible": "possible",
                   "historical": "history", "family": "family history",
                   "hypothetical": "if / conditional", "resolved": "resolved"}


def attribute_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {v}" for k, v in value.items() if v not in (None, ""))
    if isinstance(value, (list, tuple)):
        return ", ".join(attribute_text(v) for v in value)
    return str(value)


def attribute(attributes: Mapping[str, Any], key: str) -> str:
    """One cell; a blood pressure has its value in two parts."""
    if key == "value" and "systolic" in attributes:
        return f"{attributes['systolic']}/{attributes.get('diastolic', '?')}"
    return attribute_text(attributes.get(key))


def section_label(name: str | None) -> str:
    return LABELS.get(name, name.replace("_", " ").capitalize()) if name else "Before any heading"


def _name_key(entity: Mapping[str, Any]) -> tuple[str, ...]:
    """One fact's identity: its code, else its words (case, spacing and end punctuation
    aside)."""
    code = entity.get("code")
    if code:
        return (str(code.get("system", "")), str(code.get("code", "")))
    return (re.sub(r"\s+", " ", str(entity.get("text", ""))).strip(" .,;:").lower(),)


@dataclass(frozen=True)
class FactRow:
    """Mentions of one fact: the same name (or code), the same assertion, the same values."""

    cells: tuple[str, ...]  # the attribute cells shown
    mentions: tuple[Mapping[str, Any], ...]  # in text order; the first names the row

    @property
    def entity(self) -> Mapping[str, Any]:
        return self.mentions[0]

    def sources(self) -> str:
        """The sections it was found in, each with how often."""
        counts: dict[str, int] = {}
        for mention in self.mentions:
            label = section_label(mention.get("section"))
            counts[label] = counts.get(label, 0) + 1
        return "; ".join(f"{label} ×{n}" if n > 1 else label for label, n in counts.items())

    def spellings(self) -> list[str]:
        return list(dict.fromkeys(str(m.get("text", "")) for m in self.mentions))


def merge_mentions(entities: Sequence[Mapping[str, Any]],
                   columns: tuple[tuple[str, str], ...]) -> list[FactRow]:
    """One row per fact. Mentions merge only when their assertion agrees (a denied problem
    never joins a present one) and their values agree (two doses are two rows); a mention
    without values joins the one set of values its fact has, and stands alone when there
    are several (which one it meant cannot be told)."""
    groups: dict[tuple, list[Mapping[str, Any]]] = {}
    for entity in sorted(entities, key=lambda e: e.get("start", 0)):
        key = (entity.get("assertion", "present"), _name_key(entity))
        groups.setdefault(key, []).append(entity)
    rows: list[FactRow] = []
    for mentions in groups.values():
        by_cells: dict[tuple[str, ...], list[Mapping[str, Any]]] = {}
        for entity in mentions:
            attributes = entity.get("attributes") or {}
            by_cells.setdefault(tuple(attribute(attributes, k) for k, _ in columns),
                                []).append(entity)
        bare = tuple("" for _ in columns)
        valued = [cells for cells in by_cells if cells != bare]
        if len(valued) == 1 and bare in by_cells:
            by_cells[valued[0]] = sorted(by_cells.pop(bare) + by_cells[valued[0]],
                                         key=lambda e: e.get("start", 0))
        rows += [FactRow(cells, tuple(found)) for cells, found in by_cells.items()]
    return sorted(rows, key=lambda r: r.entity.get("start", 0))


def code_text(code: Mapping[str, Any] | None) -> str:
    if not code:
        return "unmapped"
    system = str(code.get("system", "")).rstrip("/").rsplit("/", 1)[-1]
    names = {"rxnorm": "RxNorm", "icd-10-cm": "ICD-10-CM", "loinc.org": "LOINC",
             "sct": "SNOMED CT"}
    return f"{names.get(system.lower(), system)} {code.get('code', '')}"


class ClinicalTables(QtWidgets.QTabWidget):
    span_activated = Signal(int, int)  # start, end in the scrubbed text

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Extracted clinical data")
        self.tables: dict[str, QtWidgets.QTableWidget] = {}
        for entity_type, title, columns in _TABLES:
            table = QtWidgets.QTableWidget(0, 4 + len(columns))
            table.setHorizontalHeaderLabels(
                ["Found as", "Assertion", *[c[1] for c in columns], "Code", "Sources"])
            table.setAccessibleName(f"{title} table")
            table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
            table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
            table.setAlternatingRowColors(True)
            table.verticalHeader().setVisible(False)
            table.horizontalHeader().setStretchLastSection(True)
            table.cellDoubleClicked.connect(lambda row, _col, t=table: self._activate(t, row))
            self.tables[entity_type] = table
            self.addTab(table, title)

    def show_extraction(self, extraction: Mapping[str, Any] | None) -> None:
        entities: Sequence[Mapping[str, Any]] = (extraction or {}).get("entities", ())
        nkda = bool((extraction or {}).get("no_known_allergies"))
        for index, (entity_type, title, columns) in enumerate(_TABLES):
            rows = merge_mentions([e for e in entities if e.get("type") == entity_type],
                                  columns)
            table = self.tables[entity_type]
            table.setRowCount(0)
            for fact in rows:
                self._add_row(table, fact)
            if entity_type == "allergy" and nkda and not rows:
                table.setRowCount(1)
                table.setItem(0, 0, QtWidgets.QTableWidgetItem("No known allergies"))
            table.resizeColumnsToContents()
            self.setTabText(index, f"{title} ({len(rows)})")
            mentions = sum(len(r.mentions) for r in rows)
            self.setTabToolTip(index, f"{len(rows)} distinct, from {mentions} mention(s)")

    def _add_row(self, table: QtWidgets.QTableWidget, fact: FactRow) -> None:
        row = table.rowCount()
        table.insertRow(row)
        entity = fact.entity
        assertion = entity.get("assertion", "present")
        cells = [entity.get("text", ""), _ASSERTION_TEXT.get(assertion, assertion),
                 *fact.cells, code_text(entity.get("code")), fact.sources()]
        for column, text in enumerate(cells):
            item = QtWidgets.QTableWidgetItem(text)
            if column == 0:
                item.setData(Qt.ItemDataRole.UserRole,
                             [(m["start"], m["end"]) for m in fact.mentions])
                item.setData(NEXT_MENTION, 0)
                if len(fact.spellings()) > 1:
                    item.setToolTip("Written as: " + "; ".join(fact.spellings()))
            if assertion in ("negated", "family", "hypothetical", "resolved"):
                item.setForeground(QtGui.QBrush(hint_colour(table)))  # set aside, legible
            table.setItem(row, column, item)

    def _activate(self, table: QtWidgets.QTableWidget, row: int) -> None:
        """Each double-click shows the next place the fact is mentioned."""
        item = table.item(row, 0)
        spans = item.data(Qt.ItemDataRole.UserRole) if item else None
        if spans:
            index = item.data(NEXT_MENTION) or 0
            item.setData(NEXT_MENTION, (index + 1) % len(spans))
            self.span_activated.emit(*spans[index])
