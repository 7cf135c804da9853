"""The job queue panel: a row per job with its stage and a progress bar, cancel and retry,
errors in plain language with their code. A job that failed or was cancelled loses its bar
(its last percentage would read as progress) and says so instead; only a failure is red, a
cancel is the user's own choice."""

from __future__ import annotations

from collections.abc import Callable

from desktop.messages import describe, detail
from desktop.qt import Qt, QtGui, QtWidgets, Signal
from desktop.theme import icon
from engine import protocol as p
from engine.protocol import JobKind, JobState

_KINDS = {JobKind.PROCESS_DOCUMENT: "Document", JobKind.SUMMARIZE: "Summary",
          JobKind.DICTATION: "Dictation"}
_STATE_TEXT = {JobState.QUEUED: "Waiting", JobState.RUNNING: "Working",
               JobState.SUCCEEDED: "Done", JobState.FAILED: "Failed",
               JobState.CANCELLED: "Cancelled"}
COLUMNS = ("Item", "Kind", "State", "Progress", "Detail")
_FAILED_RED = "#c0392b"
_STOPPED = frozenset({JobState.FAILED, JobState.CANCELLED})  # over, and not by succeeding


def _over(state: JobState | None) -> bool:
    return state is not None and state.terminal


def stage_text(stage: str, label: str) -> str:
    """"Step 2 of 4 · Removing protected health information" for document stages."""
    if stage in p.DOCUMENT_STAGES:
        n = p.DOCUMENT_STAGES.index(stage) + 1
        return f"Step {n} of {len(p.DOCUMENT_STAGES)} · {label}"
    return label


def overall_percent(stage: str, value: int, maximum: int) -> int:
    """Progress over the whole job: each document stage is an equal share."""
    fraction = value / maximum if maximum > 0 else 0.0
    if stage not in p.DOCUMENT_STAGES:
        return int(100 * fraction)
    n = len(p.DOCUMENT_STAGES)
    return int(100 * (p.DOCUMENT_STAGES.index(stage) + fraction) / n)


class JobPanel(QtWidgets.QWidget):
    job_succeeded = Signal(object)  # p.JobInfo of a job that just finished well
    cancel_requested = Signal(str)
    retry_requested = Signal(str)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree = QtWidgets.QTreeWidget()
        self.tree.setHeaderLabels(COLUMNS)
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setAccessibleName("Job queue")
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        for column, width in enumerate((260, 90, 90, 160)):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        self._rows: dict[str, QtWidgets.QTreeWidgetItem] = {}
        self._bars: dict[str, QtWidgets.QProgressBar] = {}
        self._names: dict[str, str] = {}

        bar = QtWidgets.QToolBar()
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.cancel_action = self._action(bar, "cancel", "Cancel", "Cancel the selected jobs",
                                          "Del", self._cancel_selected)
        self.retry_action = self._action(bar, "retry", "Retry", "Retry the selected failed jobs",
                                         "Ctrl+Shift+R", self._retry_selected)
        self.clear_action = self._action(bar, "document", "Clear finished",
                                         "Remove finished jobs from this list", None,
                                         self.clear_finished)
        self.counts = QtWidgets.QLabel("")
        self.counts.setAccessibleName("Job counts")
        spacer = QtWidgets.QWidget()
        spacer.setSizePolicy(QtWidgets.QSizePolicy.Policy.Expanding,
                             QtWidgets.QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
        bar.addWidget(self.counts)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(bar)
        layout.addWidget(self.tree)
        self.tree.itemSelectionChanged.connect(self._update_actions)
        self._update_actions()

    def _action(self, bar: QtWidgets.QToolBar, icon_name: str, text: str, tip: str,
                shortcut: str | None, slot: Callable[[], None]) -> QtGui.QAction:
        action = QtGui.QAction(icon(icon_name), text, self)
        action.setToolTip(tip + (f" ({shortcut})" if shortcut else ""))
        if shortcut:
            action.setShortcut(QtGui.QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        bar.addAction(action)
        bar.widgetForAction(action).setAccessibleName(text)
        return action

    # --- rows -------------------------------------------------------------------------

    def show_job(self, job: p.JobInfo, name: str | None = None) -> None:
        """Add or refresh a job's row from its stored state."""
        if name:
            self._names[job.id] = name
        item = self._rows.get(job.id)
        if item is None:
            item = QtWidgets.QTreeWidgetItem(self.tree)
            item.setData(0, Qt.ItemDataRole.UserRole, job.id)
            self._rows[job.id] = item
        label = self._names.get(job.id) or job.source_name or job.id
        item.setText(0, label)
        item.setToolTip(0, f"{label} — job {job.id}")
        item.setText(1, _KINDS.get(job.kind, job.kind))
        item.setData(1, Qt.ItemDataRole.UserRole, job.kind.value)
        self._set_state(job.id, job.state)
        if job.state in _STOPPED:
            self._drop_bar(job.id, _STATE_TEXT[job.state])
        else:
            bar = self._bar(job.id)
        if job.state is JobState.SUCCEEDED:
            bar.setValue(100)
            item.setText(4, "")
            item.setToolTip(4, "")
        elif job.error is not None:
            item.setText(4, describe(job.error))
            item.setToolTip(4, detail(job.error))
        else:  # waiting or working (again, after a retry): no old error stays
            item.setText(4, stage_text(job.stage, job.stage) if job.stage else "")
            item.setToolTip(4, "")
        self._update_actions()

    def _bar(self, job_id: str) -> QtWidgets.QProgressBar:
        """The row's progress bar, made when the job is (again) waiting or working."""
        bar = self._bars.get(job_id)
        if bar is None:
            item = self._rows[job_id]
            item.setText(3, "")
            bar = QtWidgets.QProgressBar()
            bar.setRange(0, 100)
            bar.setValue(0)
            bar.setAccessibleName("Job progress")
            self.tree.setItemWidget(item, 3, bar)
            self._bars[job_id] = bar
        return bar

    def _drop_bar(self, job_id: str, text: str) -> None:
        item = self._rows[job_id]
        if self._bars.pop(job_id, None) is not None:
            self.tree.removeItemWidget(item, 3)
        item.setText(3, text)

    def progress_text(self, job_id: str) -> str:
        """What the Progress column shows: the bar's percentage, or the text in its place."""
        bar = self._bars.get(job_id)
        return bar.text() if bar is not None else self._rows[job_id].text(3)

    def progress(self, event: p.JobProgress) -> None:
        item = self._rows.get(event.job_id)
        if item is None or _over(self.state_of(event.job_id)):
            return  # another session's job (the next refresh lists it), or one already over
        self._set_state(event.job_id, JobState.RUNNING)
        self._bar(event.job_id).setValue(overall_percent(event.stage, event.value,
                                                         event.maximum))
        detail = stage_text(event.stage, event.label)
        if event.maximum > 1:
            detail += f" ({event.value}/{event.maximum})"
        item.setText(4, detail)

    def finished(self, job: p.JobInfo) -> None:
        self.show_job(job)
        if job.state is JobState.SUCCEEDED:
            self.job_succeeded.emit(job)

    def _set_state(self, job_id: str, state: JobState) -> None:
        item = self._rows[job_id]
        item.setText(2, _STATE_TEXT[state])
        item.setData(2, Qt.ItemDataRole.UserRole, state.value)
        red = QtGui.QBrush(QtGui.QColor(_FAILED_RED)) if state is JobState.FAILED \
            else QtGui.QBrush()
        for column in (2, 3, 4):
            item.setForeground(column, red)
        self._update_counts()

    def state_of(self, job_id: str) -> JobState | None:
        item = self._rows.get(job_id)
        state = item.data(2, Qt.ItemDataRole.UserRole) if item else None
        return JobState(state) if state else None

    def job_ids(self) -> list[str]:
        return list(self._rows)

    def open_job_ids(self) -> list[str]:
        return [j for j in self._rows if not _over(self.state_of(j))]

    def clear_finished(self) -> None:
        for job_id in [j for j in self._rows if _over(self.state_of(j))]:
            item = self._rows.pop(job_id)
            self._bars.pop(job_id, None)
            self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(item))
        self._update_counts()

    # --- actions ----------------------------------------------------------------------

    def _selected(self) -> list[str]:
        return [i.data(0, Qt.ItemDataRole.UserRole) for i in self.tree.selectedItems()]

    def _cancel_selected(self) -> None:
        for job_id in self._selected():
            if not _over(self.state_of(job_id)):
                self.cancel_requested.emit(job_id)

    def _retry_selected(self) -> None:
        for job_id in self._selected():
            if self.state_of(job_id) in _STOPPED:
                self.retry_requested.emit(job_id)

    def _update_actions(self) -> None:
        states = {self.state_of(j) for j in self._selected()}
        self.cancel_action.setEnabled(any(not _over(s) for s in states))
        self.retry_action.setEnabled(bool(states & _STOPPED))

    def _update_counts(self) -> None:
        states = [self.state_of(j) for j in self._rows]
        open_ = sum(not _over(s) for s in states)
        failed = states.count(JobState.FAILED)
        text = f"{open_} in progress" if open_ else "Queue idle"
        self.counts.setText(text + (f" · {failed} failed" if failed else ""))
