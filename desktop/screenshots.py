"""``hntai-desktop --screenshots DIR``: drive the real window offscreen against a throwaway
store, as a new user would, and write a PNG of each main view.

It uses the same engine process, requests and widgets as a person at the workstation; only
the microphone is replaced by a WAV file played in real time (``WavFileSource``).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ADMIN, PASSWORD = "admin", "screenshot-pass-1"
_EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
# A note in three forms (text PDF, Word, scanned PDF) plus the bundled samples.
_EVAL_SAMPLES = ("documents/note_1315_text.pdf", "documents/note_3914.docx",
                 "documents/note_4141_scanned.pdf")
_DICTATION = "audio/synthetic_dictation/dictation_1315.wav"
VIEWS = ("login", "first_run", "main_jobs", "document_phi", "clinical_data", "summary",
         "dictation", "audit", "models")


def sample_files(samples: Path | None) -> tuple[list[Path], list[Path]]:
    """(one patient's documents, other documents): the first become one record whose
    summary is shown; the rest fill the list and the job queue."""
    from desktop.theme import resources_dir

    if samples is not None:
        files = sorted(p for p in samples.iterdir() if p.is_file())
        return files[:2], files[2:]
    bundled = sorted(p for p in (resources_dir() / "samples").iterdir() if p.is_file())
    patient = [p for p in bundled if p.name in ("clinic_note.txt", "referral_letter.docx")]
    shared = [_EVAL / name for name in _EVAL_SAMPLES if (_EVAL / name).exists()]
    return patient, shared + [p for p in bundled if p not in patient]


def dictation_wav() -> Path | None:
    path = _EVAL / _DICTATION
    return path if path.exists() else None


class Driver:
    """Spins the event loop until a condition holds: the window stays live meanwhile."""

    def __init__(self, app) -> None:
        self.app = app

    def until(self, condition: Callable[[], bool], timeout: float, what: str) -> None:
        from desktop.qt import QtCore

        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError(f"screenshots: timed out waiting for {what}")
            self.app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 50)
            time.sleep(0.01)

    def settle(self, seconds: float = 0.3) -> None:
        end = time.monotonic() + seconds
        self.until(lambda: time.monotonic() >= end, seconds + 5, "the window to settle")


class _Tour:
    """The steps of the screenshot tour, each leaving the window where the next begins."""

    def __init__(self, drive: Driver, out_dir: Path, link) -> None:
        self.drive, self.out_dir, self.link = drive, out_dir, link
        self.window = None  # the main window, made after the first-run wizard's picture
        self.written: list[str] = []

    def shot(self, widget, name: str) -> None:
        self.drive.settle()
        widget.grab().save(str(self.out_dir / f"{name}.png"))
        self.written.append(name)

    def sign_in(self) -> None:
        from engine import protocol as p

        drive, window, link = self.drive, self.window, self.link
        link.start()
        drive.until(lambda: link.running, 120, "the engine to start")
        created: list[object] = []
        link.call(p.InitStore(admin=ADMIN, password=PASSWORD)).success(created.append).run()
        drive.until(lambda: bool(created), 60, "the store to be created")
        link.forget_credentials()
        window.login.set_engine_ready(True)
        window.login.username.setText(ADMIN)
        self.shot(window, "login")
        window.login.password.setText(PASSWORD)
        window.login.submit()
        drive.until(lambda: window.user is not None, 60, "sign-in")

    def process(self, samples: Path | None) -> None:
        drive, window = self.drive, self.window
        patient, others = sample_files(samples)
        window.home.one_record.setChecked(True)
        window.home.drop_zone.take(patient)
        drive.until(lambda: len(window.jobs.job_ids()) >= len(patient), 60, "the jobs to queue")
        window.home.one_record.setChecked(False)
        window.home.drop_zone.take(others)
        total = len(patient) + len(others)
        drive.until(lambda: len(window.jobs.job_ids()) >= total, 60, "the jobs to queue")
        self.shot(window, "main_jobs")
        drive.until(lambda: not window.jobs.open_job_ids(), 600, "the jobs to finish")
        window.refresh()  # the list as it stands after the last job, not a moment before
        drive.settle(1)
        drive.until(lambda: window.records.tree.topLevelItemCount() > 0, 30, "the records")

    def patient_record(self) -> None:
        drive, window = self.drive, self.window
        tree = window.records.tree
        record = max((tree.topLevelItem(i) for i in range(tree.topLevelItemCount())),
                     key=lambda item: item.childCount())  # the patient's record
        record.setExpanded(True)
        note = next((record.child(i) for i in range(record.childCount())
                     if record.child(i).text(0).endswith("clinic_note.txt")), record.child(0))
        tree.setCurrentItem(note)
        drive.until(lambda: window.document.legend.layout().count() > 1, 60, "the document")
        self.shot(window, "document_phi")
        window.document.tabs.setCurrentIndex(1)  # the extraction is read with its tab
        drive.until(lambda: window.document.clinical.tables["problem"].rowCount() > 0, 60,
                    "the clinical data")
        self.shot(window, "clinical_data")
        window.document.tabs.setCurrentIndex(3)
        summary = window.document.summary
        summary.start()
        drive.until(lambda: summary.job_id is not None, 60, "the summary job")
        drive.until(lambda: summary.job_id is None, 600, "the summary")
        drive.until(lambda: bool(summary.result.toPlainText()), 60,
                    "the summary text: " + summary.state.text())
        self.shot(window, "summary")

    def dictation(self) -> None:
        from desktop.qt import Qt

        drive, window = self.drive, self.window
        window.resize(1800, 860)
        window.dictation_dock.show()
        window.resizeDocks([window.dictation_dock], [620], Qt.Orientation.Horizontal)
        window.splitter.setSizes([330, 850])
        panel = window.dictation
        panel.start_recording()
        drive.until(lambda: len(panel.editor.toPlainText().split()) > 40, 180, "dictated text")
        self.shot(window, "dictation")
        panel.stop_recording()
        drive.until(lambda: not panel.is_recording, 60, "dictation to stop")
        window.dictation_dock.hide()

    def administration(self) -> None:
        drive = self.drive
        self.window.open_admin()
        admin = self.window.admin
        admin.resize(1100, 680)
        admin.tabs.setCurrentWidget(admin.audit_tab)
        admin.audit_tab.verify()
        drive.until(lambda: admin.audit_tab.model.rowCount() > 0, 60, "audit entries")
        drive.settle(1)
        self.shot(admin, "audit")
        admin.tabs.setCurrentWidget(admin.models_tab)
        drive.until(lambda: admin.models_tab.table.rowCount() > 0, 60, "the model list")
        self.shot(admin, "models")
        admin.tabs.setCurrentWidget(admin.settings_tab)
        drive.until(lambda: admin.settings_tab.fields != {}, 60, "the settings")
        self.shot(admin, "settings")
        admin.close()


def render_all(out_dir: Path, samples: Path | None = None) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from desktop import theme
    from desktop.audio_capture import WavFileSource
    from desktop.engine_link import EngineLink
    from desktop.first_run import FirstRunWizard
    from desktop.main_window import MainWindow
    from desktop.qt import QtCore, QtWidgets

    out_dir.mkdir(parents=True, exist_ok=True)
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    theme.apply(app)
    drive = Driver(app)
    work = Path(tempfile.mkdtemp(prefix="hntai-screens-"))
    settings = QtCore.QSettings(str(work / "desktop.ini"), QtCore.QSettings.Format.IniFormat)
    wav = dictation_wav()
    link = EngineLink(work / "data")
    try:
        tour = _Tour(drive, out_dir, link)
        wizard = FirstRunWizard(work / "data", lambda _d: link)
        wizard.resize(720, 480)
        wizard.show()
        wizard.next()
        wizard.admin.name.setText(ADMIN)
        tour.shot(wizard, "first_run")
        wizard.close()
        tour.window = window = MainWindow(link, settings, dictation_source=(
            (lambda _device: WavFileSource(wav, speed=1.0)) if wav else None))
        window.resize(1366, 860)
        window.show()
        tour.sign_in()
        tour.process(samples)
        tour.patient_record()
        if wav is not None:
            tour.dictation()
        tour.administration()
        window.close_quietly()
    finally:
        link.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(f"wrote {len(tour.written)} screenshots to {out_dir}: {', '.join(tour.written)}",
          file=sys.stderr)
    return 0
