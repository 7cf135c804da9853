"""The audit log tab: filters, the entries, the chain check and the export."""

from __future__ import annotations

from pathlib import Path

from desktop.engine_link import EngineLink
from desktop.qt import Qt, QtCore, QtGui, QtWidgets
from desktop.time_format import local_day_bounds
from desktop.views.admin.audit_model import AUDIT_COLUMNS, AuditModel, entry_text
from desktop.widgets import MARGINS, StatusLine, button, fixed_rows, rows_view
from engine import protocol as p


class OptionalDate(QtWidgets.QWidget):
    """A QDateEdit with a "no date" state, switched by a check box beside it.

    Unchecked, the edit is disabled and shows "no date" (its special value, the minimum
    date). The check box, not the minimum date alone, decides: a bare QDateEdit would let
    the arrow keys step out of "no date" into a real date without the user meaning to."""

    def __init__(self, label: str, tip: str) -> None:
        super().__init__()
        name = label.replace("&", "")
        self.check = QtWidgets.QCheckBox(label)
        self.check.setAccessibleName(f"{name} date filter")
        self.check.setToolTip(tip)
        self.edit = QtWidgets.QDateEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setMinimumDate(QtCore.QDate(2000, 1, 1))
        self.edit.setSpecialValueText("no date")
        self.edit.setAccessibleName(f"{name} date")
        self.edit.setToolTip(tip)
        self._chosen = QtCore.QDate.currentDate()  # shown when checked
        self.check.toggled.connect(self._toggled)
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.check)
        layout.addWidget(self.edit)
        self._show()

    def _toggled(self, on: bool) -> None:
        if not on:
            self._chosen = self.edit.date()  # back to it when checked again
        self._show()

    def _show(self) -> None:
        on = self.check.isChecked()
        self.edit.setEnabled(on)
        self.edit.setDate(self._chosen if on else self.edit.minimumDate())

    def bound(self, end: int) -> str | None:
        """The first (``end`` 0) or last (1) stored instant of the chosen local day."""
        if not self.check.isChecked():
            return None
        return local_day_bounds(self.edit.date().toPython())[end]

    def set_value(self, date: QtCore.QDate | None) -> None:
        if date is not None:
            self._chosen = date
        self.check.setChecked(date is not None)
        self._show()


class AuditTab(QtWidgets.QWidget):
    ACTIONS = ("", "login", "user.", "document.", "job.", "summary.", "export", "settings.",
               "model.", "audit.", "network.")

    def __init__(self, link: EngineLink) -> None:
        super().__init__()
        self.link = link
        self.user = QtWidgets.QLineEdit(placeholderText="Any user")
        self.user.setAccessibleName("Filter by user")
        self.user.setToolTip("Only entries by this user name (exact)")
        self.user.setClearButtonEnabled(True)
        self.action = QtWidgets.QComboBox()
        self.action.setEditable(True)
        self.action.addItems(self.ACTIONS)
        self.action.lineEdit().setPlaceholderText("Any action")
        self.action.setAccessibleName("Filter by action")
        self.action.setToolTip("Actions starting with this text, e.g. 'document.' or 'login'")
        self.action.setMinimumWidth(150)
        self.since = OptionalDate("&From", "Only entries on or after this day (local time)")
        self.until = OptionalDate("T&o", "Only entries on or before this day (local time)")
        self.limit = QtWidgets.QSpinBox()
        self.limit.setRange(100, 10_000)
        self.limit.setSingleStep(500)
        self.limit.setValue(1000)
        self.limit.setGroupSeparatorShown(True)
        self.limit.setFixedWidth(96)
        self.limit.setAccessibleName("Most entries")
        self.limit.setToolTip("Show at most this many of the newest matching entries")
        self.refresh_button = button("&Refresh", "Search with these filters", self.refresh,
                                     "search", "F5")
        self.verify_button = button("&Verify chain", "Check that no entry was altered or "
                                    "removed", self.verify)
        self.export_button = button("E&xport…", "Save the whole audit log as CSV or JSON "
                                    "Lines", self.export, "export")
        for edit in (self.user, self.action.lineEdit()):
            edit.returnPressed.connect(self.refresh)
        split = self._entries()
        self.count = StatusLine("Audit entry count")
        self.verify_result = StatusLine("Audit chain check result")
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(*MARGINS)
        layout.addLayout(self._filters_row())
        layout.addWidget(split, 1)
        layout.addWidget(self.count)
        actions = QtWidgets.QHBoxLayout()
        actions.addWidget(self.verify_button)
        actions.addWidget(self.export_button)
        actions.addWidget(self.verify_result, 1)
        layout.addLayout(actions)

    def _entries(self) -> QtWidgets.QSplitter:
        """The entries table above the selected entry's fields."""
        self.model = AuditModel(self)
        self.view = QtWidgets.QTableView()
        self.view.setModel(self.model)
        rows_view(self.view, "Audit entries")
        fixed_rows(self.view)
        self.view.setToolTip("Click a column title to sort by it")
        self.view.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        self.view.setSortingEnabled(True)
        self.view.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        for column, spec in enumerate(AUDIT_COLUMNS):
            self.view.setColumnWidth(column, spec.width)
        self.view.selectionModel().currentRowChanged.connect(self._show_detail)
        self.detail = QtWidgets.QPlainTextEdit(readOnly=True)
        self.detail.setPlaceholderText("Select an entry to see all of its fields")
        self.detail.setAccessibleName("Audit entry details")
        self.detail.setToolTip("Every field of the selected entry, including its hashes")
        self.detail.setFont(QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont))
        split = QtWidgets.QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.view)
        split.addWidget(self.detail)
        split.setSizes([400, 140])
        return split

    def _filters_row(self) -> QtWidgets.QHBoxLayout:
        filters = QtWidgets.QHBoxLayout()
        for label, widget in (("U&ser:", self.user), ("&Action:", self.action)):
            caption = QtWidgets.QLabel(label)
            caption.setBuddy(widget)
            filters.addWidget(caption)
            filters.addWidget(widget)
        for widget in (self.since, self.until):
            filters.addWidget(widget)
        limit_label = QtWidgets.QLabel("Ro&ws:")
        limit_label.setBuddy(self.limit)
        filters.addWidget(limit_label)
        filters.addWidget(self.limit)
        filters.addWidget(self.refresh_button)
        filters.addStretch(1)
        return filters

    def query(self) -> p.ListAudit:
        return p.ListAudit(user_id=self.user.text().strip() or None,
                           action=self.action.currentText().strip() or None,
                           since=self.since.bound(0), until=self.until.bound(1),
                           limit=self.limit.value())

    def refresh(self) -> None:
        self.count.info("Searching…")
        self.link.call(self.query()).success(self._show) \
            .failure(lambda e: self.count.failed("Searching the audit log", e)).run()

    def _show(self, entries: list[p.AuditEntry]) -> None:
        self.model.set_entries(entries)
        self.detail.clear()
        full = " (the limit: narrow the filters to see older ones)" \
            if len(entries) >= self.limit.value() else ""
        self.count.info(f"{len(entries):,} entries, newest first{full}.")

    def _show_detail(self, current: QtCore.QModelIndex, _previous=None) -> None:
        if current.isValid():
            self.detail.setPlainText(entry_text(self.model.entries[current.row()]))

    def verify(self) -> None:
        self.verify_button.setEnabled(False)
        self.verify_result.info("Checking the audit chain…")
        self.link.call(p.AuditVerify()).success(self._verified) \
            .failure(lambda e: self.verify_result.failed("Checking the audit chain", e)) \
            .always(lambda: self.verify_button.setEnabled(True)).run()

    def _verified(self, info: p.AuditVerifyInfo) -> None:
        if info.ok:
            self.verify_result.ok(f"✔ The audit chain is intact: {info.entries:,} entries "
                                  "verified, none altered or removed.")
        else:
            where = f" at entry #{info.first_broken_id}" if info.first_broken_id else ""
            self.verify_result.bad(f"✘ The audit chain is BROKEN{where}: {info.reason}. "
                                   "Entries from there on may have been altered or removed.")

    def export(self) -> None:
        stamp = QtCore.QDate.currentDate().toString("yyyyMMdd")
        path, chosen = QtWidgets.QFileDialog.getSaveFileName(
            self, "Export audit log", str(Path.home() / f"hntai-audit-{stamp}.csv"),
            "CSV (*.csv);;JSON Lines (*.jsonl)")
        if path:
            fmt = "jsonl" if "jsonl" in chosen or path.endswith(".jsonl") else "csv"
            self.export_to(Path(path if Path(path).suffix else f"{path}.{fmt}"), fmt)

    def export_to(self, path: Path, fmt: str) -> None:
        self.export_button.setEnabled(False)
        self.verify_result.info("Exporting…")
        self.link.call(p.AuditExport(fmt=fmt)).success(lambda text: self._write(path, fmt, text)) \
            .failure(lambda e: self.verify_result.failed("Exporting the audit log", e)) \
            .always(lambda: self.export_button.setEnabled(True)).run()

    def _write(self, path: Path, fmt: str, text: str) -> None:
        try:
            with open(path, "w", encoding="utf-8", newline="") as fh:  # CSV keeps its \r\n
                fh.write(text)
        except OSError as exc:
            self.verify_result.bad(f"The file could not be written: {exc.strerror}.")
            return
        rows = len(text.splitlines()) - (1 if fmt == "csv" else 0)  # CSV: minus its header
        self.verify_result.ok(f"Exported {rows:,} entries to {path.name}.")
