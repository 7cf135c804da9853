"""The extracted clinical data as tables, one tab per entity type. Double-clicking a row shows
where in the scrubbed text the fact was found."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from desktop.qt import Qt, QtGui, QtWidgets, Signal

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
                ["Found as", "Assertion", *[c[1] for c in columns], "Code", "Section"])
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
            rows = [e for e in entities if e.get("type") == entity_type]
            table = self.tables[entity_type]
            table.setRowCount(0)
            for entity in rows:
                self._add_row(table, entity, columns)
            if entity_type == "allergy" and nkda and not rows:
                table.setRowCount(1)
                table.setItem(0, 0, QtWidgets.QTableWidgetItem("No known allergies"))
            table.resizeColumnsToContents()
            self.setTabText(index, f"{title} ({len(rows)})")

    def _add_row(self, table: QtWidgets.QTableWidget, entity: Mapping[str, Any],
                 columns: tuple[tuple[str, str], ...]) -> None:
        row = table.rowCount()
        table.insertRow(row)
        attributes = entity.get("attributes") or {}
        assertion = entity.get("assertion", "present")
        cells = [entity.get("text", ""), _ASSERTION_TEXT.get(assertion, assertion),
                 *[attribute(attributes, key) for key, _ in columns],
                 code_text(entity.get("code")), str(entity.get("section") or "")]
        for column, text in enumerate(cells):
            item = QtWidgets.QTableWidgetItem(text)
            if column == 0:
                item.setData(Qt.ItemDataRole.UserRole, (entity["start"], entity["end"]))
            if assertion in ("negated", "family", "hypothetical", "resolved"):
                item.setForeground(QtGui.QBrush(QtGui.QColor("#808080")))
            table.setItem(row, column, item)

    def _activate(self, table: QtWidgets.QTableWidget, row: int) -> None:
        item = table.item(row, 0)
        span = item.data(Qt.ItemDataRole.UserRole) if item else None
        if span:
            self.span_activated.emit(*span)
