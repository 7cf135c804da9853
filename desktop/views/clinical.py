"""The extracted clinical data as tables, one tab per entity type, one row per fact however
often the document (or, for a record, its documents) mentions it. Double-clicking a row shows
where in the scrubbed text the fact was found (again: the next place). Replaced values in a
cell (a moved date) are marked as in the document view."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from desktop.qt import Qt, QtCore, QtGui, QtWidgets, Signal
from desktop.theme import hint_colour, is_dark, phi_colour
from desktop.views.phi_text import STAND_INS, TAGS, type_name
from desktop.views.summary import StandInMarker
from desktop.widgets import fixed_rows, rows_view
from engine import protocol as p
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


def _name_key(entity: p.ClinicalEntity) -> tuple[str, ...]:
    """One fact's identity: its code, else its words (case, spacing and end punctuation
    aside)."""
    if entity.code:
        return (entity.code.system, entity.code.code)
    return (re.sub(r"\s+", " ", entity.text).strip(" .,;:").lower(),)


@dataclass(frozen=True)
class FactRow:
    """Mentions of one fact: the same name (or code), the same assertion, the same values."""

    cells: tuple[str, ...]  # the attribute cells shown
    mentions: tuple[p.ClinicalEntity, ...]  # in reading order; the first names the row

    @property
    def entity(self) -> p.ClinicalEntity:
        return self.mentions[0]

    def sources(self, documents: Mapping[str, str] | None = None) -> str:
        """The sections it was found in, each with how often; in a record's tables also the
        document of each (``documents``: id → name):
        "document 2 (PDF): Medications ×2, Assessment and plan; document 3: Assessment"."""
        by_document: dict[str | None, dict[str, int]] = {}
        for mention in self.mentions:
            counts = by_document.setdefault(mention.document_id, {})
            label = section_label(mention.section)
            counts[label] = counts.get(label, 0) + 1
        within = ", " if documents else "; "
        parts = []
        for document_id, counts in by_document.items():
            sections = within.join(f"{label} ×{n}" if n > 1 else label
                                   for label, n in counts.items())
            named = (documents or {}).get(document_id or "")
            parts.append(f"{named}: {sections}" if named else sections)
        return "; ".join(parts)

    def spellings(self) -> list[str]:
        return list(dict.fromkeys(m.text for m in self.mentions))

    def places(self) -> list[tuple[str | None, int, int]]:
        """Where each mention is: its document (None: the one shown), start, end."""
        return [(m.document_id, m.start, m.end) for m in self.mentions]


class FactMerger:
    """Merges mentions into rows a slice at a time (a long document has tens of thousands):
    ``add`` takes them in reading order, ``rows`` gives the table.

    Mentions merge only when their assertion agrees (a denied problem never joins a present
    one) and their values agree (two doses are two rows); a mention without values joins the
    one set of values its fact has, and stands alone when there are several (which one it
    meant cannot be told). A record's mentions carry their ``document_id``; ``documents``
    orders them (oldest document first)."""

    def __init__(self, columns: tuple[tuple[str, str], ...],
                 documents: Sequence[str] = ()) -> None:
        self.columns = columns
        self._rank = {document_id: i for i, document_id in enumerate(documents)}
        # (assertion, name) → the values shown → the mentions, in reading order
        self._groups: dict[tuple, dict[tuple[str, ...], list[p.ClinicalEntity]]] = {}
        self.mentions = 0

    def place(self, entity: p.ClinicalEntity) -> tuple[int, int]:
        return self._rank.get(entity.document_id, 0), entity.start

    def add(self, entities: Sequence[p.ClinicalEntity]) -> FactMerger:
        for entity in entities:
            cells = tuple(attribute(entity.attributes, k) for k, _ in self.columns)
            self._groups.setdefault((entity.assertion, _name_key(entity)),
                                    {}).setdefault(cells, []).append(entity)
        self.mentions += len(entities)
        return self

    def rows(self) -> list[FactRow]:
        bare = tuple("" for _ in self.columns)
        rows: list[FactRow] = []
        for found in self._groups.values():
            by_cells = dict(found)
            valued = [cells for cells in by_cells if cells != bare]
            if len(valued) == 1 and bare in by_cells:
                by_cells[valued[0]] = sorted(by_cells.pop(bare) + by_cells[valued[0]],
                                             key=self.place)
            rows += [FactRow(cells, tuple(mentions)) for cells, mentions in by_cells.items()]
        return sorted(rows, key=lambda r: self.place(r.entity))


def merge_mentions(entities: Sequence[p.ClinicalEntity],
                   columns: tuple[tuple[str, str], ...],
                   documents: Sequence[str] = ()) -> list[FactRow]:
    """One row per fact (FactMerger's rules), all at once."""
    merger = FactMerger(columns, documents)
    return merger.add(sorted(entities, key=merger.place)).rows()


def code_text(code: p.Code | None) -> str:
    if not code:
        return "unmapped"
    system = code.system.rstrip("/").rsplit("/", 1)[-1]
    names = {"rxnorm": "RxNorm", "icd-10-cm": "ICD-10-CM", "loinc.org": "LOINC",
             "sct": "SNOMED CT"}
    return f"{names.get(system.lower(), system)} {code.code}"


# Mentions merged per turn of the event loop (about 30 ms of a slow machine's time).
FILL_SLICE = 1000
_SET_ASIDE = frozenset({"negated", "family", "hypothetical", "resolved"})
# Column widths are measured on this many rows, not on all of a long document's.
_SIZE_SAMPLE_ROWS = 100


class FactModel(QtCore.QAbstractTableModel):
    """One table's rows. A view asks only for the cells it draws, so showing thousands of
    facts costs what showing a screenful does (a QTableWidget makes an item per cell)."""

    def __init__(self, columns: tuple[tuple[str, str], ...],
                 parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.headers = ["Found as", "Assertion", *[c[1] for c in columns], "Code", "Sources"]
        self.attribute_columns = range(2, 2 + len(columns))
        self.rows: list[FactRow] = []
        self.documents: Mapping[str, str] = {}
        self.marker: StandInMarker | None = None
        self.note = ""  # a row-less table's one line ("No known allergies")
        self.next_mention: dict[int, int] = {}  # row → the mention a double-click shows next
        self._shown: dict[int, list[tuple[str, tuple[str, ...]]]] = {}  # cells formatted

    def set_rows(self, rows: list[FactRow], documents: Mapping[str, str],
                 marker: StandInMarker | None, note: str = "") -> None:
        self.beginResetModel()
        self.rows, self.documents, self.marker, self.note = rows, documents, marker, note
        self.next_mention = {}
        self._shown = {}
        self.endResetModel()

    def set_marker(self, marker: StandInMarker | None) -> None:
        self.marker = marker
        self._shown = {}
        if self.rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self.rows) - 1, len(self.headers) - 1))

    @property
    def formatted_rows(self) -> int:
        """How many rows have been formatted for a view so far."""
        return len(self._shown)

    def rowCount(self, parent: QtCore.QModelIndex = QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows) or int(bool(self.note))

    def columnCount(self, parent: QtCore.QModelIndex = QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def cells(self, row: int) -> list[tuple[str, tuple[str, ...]]]:
        """The row's shown cells, each with the PHI types of the replaced values in it."""
        if row not in self._shown:
            fact = self.rows[row]
            entity = fact.entity
            texts = [entity.text, _ASSERTION_TEXT.get(entity.assertion, entity.assertion),
                     *fact.cells, code_text(entity.code), fact.sources(self.documents)]
            self._shown[row] = [
                self.marker.plain(text) if self.marker and column in self.attribute_columns
                else (text, ()) for column, text in enumerate(texts)]
        return self._shown[row]

    def data(self, index: QtCore.QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if not self.rows:
            return self.note if role == Qt.ItemDataRole.DisplayRole and column == 0 else None
        text, replaced = self.cells(row)[column]
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        fact = self.rows[row]
        if role == Qt.ItemDataRole.ToolTipRole:
            if replaced:
                return "; ".join(f"{type_name(t)} (replaced)" for t in dict.fromkeys(replaced))
            if column == 0 and len(fact.spellings()) > 1:
                return "Written as: " + "; ".join(fact.spellings())
        if role == Qt.ItemDataRole.FontRole and replaced and self.marker is not None \
                and self.marker.mode == STAND_INS:
            font = QtGui.QFont()  # a stand-in never reads as ordinary text
            font.setBold(True)
            font.setUnderline(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and replaced and self.marker is not None:
            return QtGui.QBrush(phi_colour(replaced[0], self.marker.dark))
        if role == Qt.ItemDataRole.ForegroundRole and \
                fact.entity.assertion in _SET_ASIDE:
            parent = QtCore.QObject.parent(self)
            if isinstance(parent, QtWidgets.QWidget):
                return QtGui.QBrush(hint_colour(parent))  # set aside, legible
        return None

    def next_place(self, row: int) -> tuple[str | None, int, int] | None:
        """Each call the next place the row's fact is mentioned (round and round)."""
        if not 0 <= row < len(self.rows):
            return None
        places = self.rows[row].places()
        index = self.next_mention.get(row, 0)
        self.next_mention[row] = (index + 1) % len(places)
        return places[index]


class FactTable(QtWidgets.QTableView):
    """A table of facts over its FactModel."""

    def fact_model(self) -> FactModel:
        return self.model()  # type: ignore[return-value]

    def rowCount(self) -> int:
        return self.fact_model().rowCount()

    def text(self, row: int, column: int) -> str:
        return self.fact_model().data(self.fact_model().index(row, column)) or ""


class ClinicalTables(QtWidgets.QTabWidget):
    span_activated = Signal(int, int)  # start, end in the scrubbed text of the document shown
    mention_activated = Signal(str, int, int)  # a record's tables: document, start, end

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Extracted clinical data")
        self.tables: dict[str, FactTable] = {}
        self.models: dict[str, FactModel] = {}
        self.mode = TAGS
        self._stand_ins: Sequence[p.StandIn] = ()
        self._shown_marker: StandInMarker | None = None
        self._work: Iterator[None] = iter(())
        self.slices = 0  # turns of the event loop the last long fill took
        self._filling = QtCore.QTimer(self, interval=0)
        self._filling.timeout.connect(self._fill_step)
        for entity_type, title, columns in _TABLES:
            table = FactTable()
            model = FactModel(columns, table)
            table.setModel(model)
            rows_view(table, f"{title} table")
            fixed_rows(table)
            table.horizontalHeader().setResizeContentsPrecision(_SIZE_SAMPLE_ROWS)
            table.doubleClicked.connect(lambda index, t=entity_type: self.activate(t, index.row()))
            self.tables[entity_type] = table
            self.models[entity_type] = model
            self.addTab(table, title)

    def show_extraction(self, extraction: p.Extraction | None,
                        stand_ins: Sequence[p.StandIn] = ()) -> None:
        """One document's facts (``stand_ins``: its replaced values, to mark them)."""
        extraction = extraction or p.Extraction()
        self._fill(extraction.entities, extraction.no_known_allergies, stand_ins, (), {})

    def show_record_facts(self, facts: p.RecordFacts) -> None:
        """A record's facts: one row per fact across its documents, its sources naming each
        document."""
        self._fill(facts.entities, facts.no_known_allergies, facts.stand_ins,
                   [d.id for d in facts.documents], {d.id: d.source_name for d in facts.documents})

    def _fill(self, entities: p.EntityChunks, nkda: bool, stand_ins: Sequence[p.StandIn],
              order: Sequence[str], names: Mapping[str, str]) -> None:
        """Merged and shown at once when short; a long extraction a slice of mentions per
        turn of the event loop, so that the window never stalls on it. The entities come
        from the engine as JSON text in chunks, each decoded in a turn of its own."""
        self._filling.stop()
        self._stand_ins = stand_ins
        self._shown_marker = self._marker()
        work = self._merge(entities.decoded(), nkda, order, names)
        if entities.count <= FILL_SLICE:
            for _ in work:
                pass
            return
        self._work = work
        self.slices = 0
        for index, (_type, title, _columns) in enumerate(_TABLES):
            self.models[_type].set_rows([], {}, None)
            self.setTabText(index, f"{title} (…)")
        self._filling.start()

    def _merge(self, chunks: Iterable[Sequence[p.ClinicalEntity]], nkda: bool,
               order: Sequence[str], names: Mapping[str, str]) -> Iterator[None]:
        """The fill as steps: each decodes one chunk, merges at most FILL_SLICE mentions or
        fills one table."""
        by_type: dict[str, list[p.ClinicalEntity]] = {}
        for chunk in chunks:
            for entity in chunk:
                by_type.setdefault(entity.type, []).append(entity)
            yield
        for index, (entity_type, title, columns) in enumerate(_TABLES):
            merger = FactMerger(columns, order)
            mentions = sorted(by_type.get(entity_type, ()), key=merger.place)
            for at in range(0, len(mentions), FILL_SLICE):
                merger.add(mentions[at:at + FILL_SLICE])
                yield
            rows = merger.rows()
            note = "No known allergies" if entity_type == "allergy" and nkda and not rows else ""
            self.models[entity_type].set_rows(rows, names, self._shown_marker, note)
            self.tables[entity_type].resizeColumnsToContents()
            self.setTabText(index, f"{title} ({len(rows)})")
            self.setTabToolTip(index, f"{len(rows)} distinct, from {merger.mentions} "
                                      "mention(s)")
            yield

    def _fill_step(self) -> None:
        try:
            next(self._work)
            self.slices += 1
        except StopIteration:
            self._filling.stop()

    @property
    def filling(self) -> bool:
        return self._filling.isActive()

    def _marker(self) -> StandInMarker | None:
        if not self._stand_ins:
            return None
        return StandInMarker.of(self._stand_ins, self.mode,
                                is_dark(QtWidgets.QApplication.instance()))

    def set_display(self, mode: str) -> None:
        """TAGS or STAND_INS (setting display.replaced_values), as in the document view."""
        self.mode = mode
        self._shown_marker = self._marker()
        for model in self.models.values():
            model.set_marker(self._shown_marker)

    def activate(self, entity_type: str, row: int) -> None:
        """Each double-click shows the next place the fact is mentioned."""
        place = self.models[entity_type].next_place(row)
        if place is None:
            return
        document_id, start, end = place
        if document_id is None:
            self.span_activated.emit(start, end)
        else:
            self.mention_activated.emit(document_id, start, end)
