"""The main window: records on the left, the drop zone or a document under review in the
middle, the job queue below, dictation in a side panel, engine state in the status bar.

Everything here reacts to engine replies and events; nothing waits for the engine.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from desktop.engine_link import EngineLink
from desktop.idle import IdleWatcher
from desktop.login import LoginPanel
from desktop.messages import describe
from desktop.qt import Qt, QtCore, QtGui, QtWidgets
from desktop.theme import icon
from desktop.views.admin.dialog import AdminDialog
from desktop.views.dictation import DictationPanel
from desktop.views.document import DocumentView
from desktop.views.drop_zone import DropZone, Refused, dropped_paths, summary_of
from desktop.views.jobs import JobPanel
from desktop.views.records import RecordsPanel, mrn_field
from desktop.views.status import EngineStatusBar
from engine import protocol as p

STATUS_POLL_MS = 3000
# The administration dialog's tabs: users, audit log, settings, models.
ADMINISTRATION = frozenset({p.Permission.USER_ADMIN, p.Permission.AUDIT_READ,
                            p.Permission.SETTINGS_WRITE, p.Permission.MODELS_ADMIN})
HOME, DOCUMENT = 0, 1
LOGIN_PAGE, WORKSPACE_PAGE = 0, 1


class HomePage(QtWidgets.QWidget):
    """The drop zone, with the option to file a drop under one patient record."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.drop_zone = DropZone()
        self.one_record = QtWidgets.QCheckBox("Files added together belong to one patient")
        self.one_record.setAccessibleName("Put files added together in one record")
        self.one_record.setToolTip("Checked: the files of one drop become one record, so they "
                                   "are summarized together")
        self.patient = mrn_field("Patient's MRN (optional)", "Patient's MRN for added files",
                                 "Files added with an MRN go to that patient's record (a new "
                                 "one the first time).")
        self.notice = QtWidgets.QLabel("")
        self.notice.setProperty("role", "error")
        self.notice.setWordWrap(True)
        self.notice.setAccessibleName("Files not added")
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addWidget(self.drop_zone, 1)
        layout.addWidget(self.one_record)
        layout.addWidget(self.patient)
        layout.addWidget(self.notice)


class MainWindow(QtWidgets.QMainWindow):
    def __init__(self, link: EngineLink, settings: QtCore.QSettings,
                 dictation_source: Callable | None = None) -> None:
        super().__init__()
        self.link = link
        self.settings = settings
        self.user: p.UserInfo | None = None
        self._status_busy = False
        self._closing = False
        # MRNs typed for a new record, linked once its first document is stored (a record is
        # written only with a document); held in memory only, dropped on lock.
        self._mrn_to_link: dict[str, str] = {}
        self.setWindowTitle("HNTAI")
        self.setWindowIcon(icon("hntai"))
        self.setAcceptDrops(True)
        self.resize(1280, 820)

        self.login = LoginPanel(link)
        self.records = RecordsPanel(link)
        self.home = HomePage()
        self.document = DocumentView(link)
        self.content = QtWidgets.QStackedWidget()
        self.content.addWidget(self.home)
        self.content.addWidget(self.document)
        self.splitter = QtWidgets.QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.records)
        self.splitter.addWidget(self.content)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([340, 940])
        self.pages = QtWidgets.QStackedWidget()
        self.pages.addWidget(self.login)
        self.pages.addWidget(self.splitter)
        self.setCentralWidget(self.pages)

        self.jobs = JobPanel()
        self.jobs_dock = self._dock("Jobs", self.jobs, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.dictation = DictationPanel(link, source_factory=dictation_source)
        self.dictation_dock = self._dock("Dictation", self.dictation,
                                         Qt.DockWidgetArea.RightDockWidgetArea)
        self.dictation_dock.hide()
        self.status = EngineStatusBar()
        self.setStatusBar(self.status)
        self.admin: AdminDialog | None = None
        self._build_toolbar()

        self.idle = IdleWatcher(10, self)
        QtWidgets.QApplication.instance().installEventFilter(self.idle)
        self.idle.idle.connect(self.lock)
        self._poll = QtCore.QTimer(self, interval=STATUS_POLL_MS)
        self._poll.timeout.connect(self.poll_status)
        self._refresh_soon = QtCore.QTimer(self, singleShot=True, interval=400)
        self._refresh_soon.timeout.connect(self.refresh)

        self._connect()
        self._restore_state()
        self._set_signed_in(False)

    # --- construction -----------------------------------------------------------------

    def _dock(self, title: str, widget: QtWidgets.QWidget,
              area: Qt.DockWidgetArea) -> QtWidgets.QDockWidget:
        dock = QtWidgets.QDockWidget(title, self)
        dock.setObjectName(f"{title}Dock")
        dock.setWidget(widget)
        dock.setAccessibleName(f"{title} panel")
        self.addDockWidget(area, dock)
        return dock

    def _build_toolbar(self) -> None:
        bar = self.addToolBar("Main")
        bar.setObjectName("MainToolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        bar.setIconSize(QtCore.QSize(20, 20))

        def action(icon_name: str, text: str, shortcut: str, tip: str,
                   slot: Callable[[], None]) -> QtGui.QAction:
            act = QtGui.QAction(icon(icon_name), text, self)
            act.setShortcut(QtGui.QKeySequence(shortcut))
            act.setToolTip(f"{tip} ({shortcut})")
            act.triggered.connect(slot)
            bar.addAction(act)
            bar.widgetForAction(act).setAccessibleName(text)
            return act

        self.add_action = action("add", "Add documents", "Ctrl+O", "Add documents from a folder",
                                 self.home.drop_zone.choose_files)
        self.home_action = action("drop", "Drop zone", "Ctrl+H", "Show the drop zone",
                                  self.show_home)
        self.dictate_action = action("mic", "Dictate", "Ctrl+D", "Show the dictation panel",
                                     self.toggle_dictation)
        self.refresh_action = action("retry", "Refresh", "F5", "Reload records and jobs",
                                     self.refresh)
        bar.addSeparator()
        self.admin_action = action("admin", "Administration", "Ctrl+Shift+A",
                                   "Users, audit log, models and settings", self.open_admin)
        self.lock_action = action("lock", "Lock", "Ctrl+L", "Lock the window; jobs keep running",
                                  self.lock)
        find = QtGui.QAction(self)
        find.setShortcut(QtGui.QKeySequence.StandardKey.Find)
        find.triggered.connect(self.records.focus_search)
        self.addAction(find)

    def _connect(self) -> None:
        link = self.link
        link.started.connect(self._engine_started)
        link.start_failed.connect(self._engine_failed)
        link.engine_restarted.connect(self._engine_restarted)
        link.job_progress.connect(self.jobs.progress)
        link.job_finished.connect(lambda e: self._job_ended(e.job_id))
        link.job_failed.connect(lambda e: self._job_ended(e.job_id))
        link.unhandled_error.connect(lambda e: self.notify(describe(e)))
        self.login.logged_in.connect(self.enter_workspace)
        self.home.drop_zone.files_chosen.connect(self.submit_files)
        self.home.drop_zone.refused.connect(self._refused)
        self.records.document_selected.connect(self.open_document)
        self.records.record_selected.connect(self.open_record)
        self.records.changed.connect(self.refresh)
        self.document.open_document.connect(self._open_cited)
        self.document.summary_started.connect(lambda job: self.jobs.show_job(job, "Summary"))
        self.document.generating.connect(self.status.show_generating)
        self.dictation.saved.connect(lambda job: self.jobs.show_job(job, "Dictation"))
        self.jobs.cancel_requested.connect(self.cancel_job)
        self.jobs.retry_requested.connect(self.retry_job)
        self.jobs.job_succeeded.connect(self._job_succeeded)

    # --- engine state -----------------------------------------------------------------

    def _engine_started(self) -> None:
        self.status.set_engine("Engine ready", True)
        self.login.set_engine_ready(True)
        self._poll.start()
        self.poll_status()

    def _engine_failed(self, error: p.ErrorInfo) -> None:
        self.status.set_engine(f"Engine did not start: {describe(error)}", False)
        self.login.say(describe(error))

    def _engine_restarted(self, event: p.EngineRestarted) -> None:
        if event.gave_up:
            self.status.set_engine("Engine stopped — restart HNTAI", False)
            self._poll.stop()
            return
        self.status.set_engine(f"Engine restarted after a failure ({event.restarts})", True)
        self.notify("The engine stopped unexpectedly and was restarted; queued jobs resume.")
        if self.user is not None and self.pages.currentIndex() == WORKSPACE_PAGE:
            self.refresh()

    def poll_status(self) -> None:
        if self._status_busy or not self.link.running:
            return
        self._status_busy = True
        self.link.call(p.GetStatus()).success(self.status.show_status) \
            .failure(lambda e: self.status.set_engine(describe(e), False)) \
            .always(self._status_done).run()

    def _status_done(self) -> None:
        self._status_busy = False

    # --- session ----------------------------------------------------------------------

    def enter_workspace(self, user: p.UserInfo) -> None:
        self.user = user
        self._set_signed_in(True)
        self.pages.setCurrentIndex(WORKSPACE_PAGE)
        self.refresh()
        self.link.call(p.ListModels()).success(self.document.set_models) \
            .failure(lambda _e: None).run()
        self.link.call(p.GetSettings()).success(self.apply_settings).run()
        self.idle.arm()
        self.poll_status()

    def apply_settings(self, settings: p.SettingsInfo) -> None:
        self.idle.set_minutes(float(settings.values["security.idle_lock_minutes"]))
        self.document.set_display(settings.values["display.replaced_values"])
        if self.pages.currentIndex() == WORKSPACE_PAGE:
            self.idle.arm()

    def may(self, *permissions: p.Permission) -> bool:
        """Whether the signed-in user may do all of these (the engine refuses otherwise)."""
        return self.user is not None and set(permissions) <= self.user.permissions

    def _set_signed_in(self, signed_in: bool) -> None:
        for act in (self.add_action, self.home_action, self.dictate_action,
                    self.refresh_action, self.lock_action):
            act.setEnabled(signed_in)
        administer = signed_in and self.may(*ADMINISTRATION)
        self.admin_action.setVisible(administer)
        self.admin_action.setEnabled(administer)
        self.jobs_dock.setVisible(signed_in)
        if not signed_in:
            self.dictation_dock.hide()
        readable = signed_in and self.may(p.Permission.DOCUMENT_READ)
        self.document.set_readable(readable, "" if readable or not signed_in else
                                   "Your role can add documents but not read them.")

    def lock(self) -> None:
        """Hide everything, drop what the desktop holds of the session; jobs keep running."""
        if self.user is None or self.pages.currentIndex() == LOGIN_PAGE:
            return
        self.idle.disarm()
        self.link.forget_credentials()
        self._mrn_to_link.clear()
        self.dictation.stop_recording()
        if self.admin is not None:
            self.admin.close()
        self.document.clear()
        self.content.setCurrentIndex(HOME)
        self._set_signed_in(False)
        self.login.show_locked(self.user.username)
        self.pages.setCurrentIndex(LOGIN_PAGE)

    # --- records and documents --------------------------------------------------------

    def refresh(self) -> None:
        if self.user is None:
            return
        self.link.call(p.ListRecords()).success(self._got_records).run()
        self.link.call(p.ListJobs(limit=200)).success(self._got_jobs).run()

    def _got_records(self, records: list) -> None:
        self.link.call(p.ListDocuments()).success(
            lambda docs: self._populate_records(records, docs)).run()

    def _populate_records(self, records: list, docs: list) -> None:
        # Refreshing lists (after every finished job) re-selects the open document: that must
        # not re-open it — an unrequested read in the audit log, the scroll lost.
        with QtCore.QSignalBlocker(self.records):
            self.records.populate(records, docs)

    def _got_jobs(self, jobs: list[p.JobInfo]) -> None:
        for job in reversed(jobs):  # oldest first, as they were added
            self.jobs.show_job(job)

    def open_document(self, document_id: str) -> None:
        if self.user is None:
            return
        self.content.setCurrentIndex(DOCUMENT)
        if not self.may(p.Permission.DOCUMENT_READ):
            self.document.show_notice("Documents are read by clinicians", f"Your role "
                                      f"({self.user.role}) can add documents and follow their "
                                      "jobs, but not read their content.")
            return
        self.document.load(document_id)

    def open_record(self, record_id: str) -> None:
        if not self.may(p.Permission.DOCUMENT_READ):
            return
        self.content.setCurrentIndex(DOCUMENT)
        self.document.show_record(record_id)

    def _open_cited(self, document_id: str) -> None:
        if not self.records.select(document_id):
            self.open_document(document_id)

    def show_home(self) -> None:
        self.content.setCurrentIndex(HOME)

    # --- submitting and following jobs ------------------------------------------------

    def submit_files(self, paths: list[Path]) -> None:
        self.home.notice.setText("")
        mrn = self.home.patient.text()
        if mrn.strip():  # one patient: every file goes to the record of that MRN
            self.home.patient.clear()
            self.link.call(p.FindRecord(mrn=mrn)) \
                .success(lambda found: self._submit_for_patient(list(paths), found, mrn)) \
                .failure(lambda e: self.notify(describe(e))).run()
            return
        if self.home.one_record.isChecked():
            self._submit_chain(list(paths), None)
            return
        for path in paths:
            self._submit(path, None, None)

    def _submit(self, path: Path, record_id: str | None,
                then: Callable[[p.JobInfo], None] | None) -> None:
        def accepted(job: p.JobInfo) -> None:
            self.jobs.show_job(job)  # under the name the engine keeps, never the file's own
            if then is not None:
                then(job)

        self.link.call(p.ProcessDocument(path=str(path), record_id=record_id)) \
            .success(accepted) \
            .failure(lambda e: self.notify(f"A file was not added. {describe(e)}")).run()

    def _submit_chain(self, paths: list[Path], record_id: str | None) -> None:
        """One record: the first file creates it, the others are filed under it."""
        if paths:
            self._submit(paths[0], record_id,
                         lambda job: self._submit_chain(paths[1:], job.record_id))

    def _submit_for_patient(self, paths: list[Path], found: p.RecordInfo | None,
                            mrn: str) -> None:
        """Into the record linked to the MRN, else into a new one the first file makes,
        which is linked to it when its first document is stored (_job_succeeded)."""
        if found is not None:
            self._submit_chain(paths, found.id)
        elif paths:
            def link_then_rest(job: p.JobInfo) -> None:
                self._mrn_to_link[job.record_id] = mrn
                self._submit_chain(paths[1:], job.record_id)
            self._submit(paths[0], None, link_then_rest)

    def _refused(self, refused: list[Refused]) -> None:
        def show(names: list[str | None] | None) -> None:
            text = summary_of(refused, names)
            self.home.notice.setText(text)
            self.notify(text)

        # The engine judges which file names may be shown.
        self.link.call(p.ShowableNames(names=tuple(r.path.name for r in refused))) \
            .success(show).failure(lambda _error: show(None)).run()

    def cancel_job(self, job_id: str) -> None:
        self.link.call(p.CancelJob(job_id=job_id)).success(self.jobs.show_job) \
            .failure(lambda e: self.notify(describe(e))).run()

    def retry_job(self, job_id: str) -> None:
        self.link.call(p.RetryJob(job_id=job_id)).success(self.jobs.show_job) \
            .failure(lambda e: self.notify(describe(e))).run()

    def _job_ended(self, job_id: str) -> None:
        self.link.call(p.GetJob(job_id=job_id)).success(self.jobs.finished).run()

    def _job_succeeded(self, job: p.JobInfo) -> None:
        mrn = self._mrn_to_link.pop(job.record_id, None) if job.record_id else None
        if mrn is not None:
            self.records.link_mrn(job.record_id, mrn)
        if job.kind != p.JobKind.SUMMARIZE:
            self._refresh_soon.start()  # a burst of finished jobs refreshes once

    # --- panels -----------------------------------------------------------------------

    def toggle_dictation(self) -> None:
        self.dictation_dock.setVisible(not self.dictation_dock.isVisible())

    def open_admin(self) -> None:
        if not self.may(*ADMINISTRATION):
            return
        if self.admin is None:
            self.admin = AdminDialog(self.link, self)
            self.admin.settings_changed.connect(self.apply_settings)
        self.admin.refresh()
        self.admin.show()
        self.admin.raise_()

    def notify(self, text: str) -> None:
        self.statusBar().showMessage(text, 12_000)

    # --- drag and drop anywhere on the window -----------------------------------------

    def dragEnterEvent(self, event: QtGui.QDragEnterEvent) -> None:
        if self.user is not None and self.pages.currentIndex() == WORKSPACE_PAGE \
                and event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QtGui.QDropEvent) -> None:
        paths = dropped_paths(event.mimeData())
        if paths and self.user is not None:
            event.acceptProposedAction()
            self.home.drop_zone.take(paths)

    # --- window state -----------------------------------------------------------------

    def _restore_state(self) -> None:
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        open_jobs = self.jobs.open_job_ids()
        if open_jobs and not self._closing:
            answer = QtWidgets.QMessageBox.question(
                self, "Quit HNTAI?",
                f"{len(open_jobs)} job(s) are still in progress. They are kept and resume the "
                "next time HNTAI starts. Quit now?")
            if answer != QtWidgets.QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self._poll.stop()
        self.idle.disarm()
        QtWidgets.QApplication.instance().removeEventFilter(self.idle)
        event.accept()

    def close_quietly(self) -> None:
        """Close without asking (tests, screenshot mode)."""
        self._closing = True
        self.close()
