"""The dictation panel: pick a microphone, record, watch the words arrive, edit, save.

Recognition runs in the engine. This panel opens a session (``StartDictation``), streams the
capture source's 200 ms frames (``DictationAudio``), shows partial text in grey and replaces
it with the engine's final text in the normal colour, and on Stop (``StopDictation``)
leaves the text editable until it is saved as a document (``SaveDictation``) or discarded.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from desktop.audio_capture import MicrophoneSource, input_devices
from desktop.engine_link import EngineLink
from desktop.messages import describe
from desktop.qt import Qt, QtGui, QtMultimedia, QtWidgets, Signal
from desktop.theme import icon
from desktop.widgets import MARGINS, StatusLine, button
from engine import protocol as p

SourceFactory = Callable[[Any], Any]  # device → an object with the audio_capture signals
_COMMANDS = ("Spoken commands: “period”, “comma”, “question mark”, “new line”, “new paragraph”; "
             "“scratch that” takes back the last sentence.")


def meter_value(rms: float) -> int:
    """RMS of full scale → 0..100 on a -60..0 dBFS scale, which is how loud speech looks
    (speech at a sensible distance sits around -30 dBFS, a tenth of the bar when linear)."""
    db = 20 * math.log10(max(rms, 1e-6))
    return max(0, min(100, round((db + 60) / 60 * 100)))


def _joined(first: str, second: str) -> str:
    if not first or not second:
        return first or second
    return first + ("" if first.endswith(("\n", " ")) else " ") + second


class TranscriptEditor(QtWidgets.QTextEdit):
    """Final text in the normal colour, the still-changing partial text in grey after it."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptRichText(False)
        self._committed: str | None = None  # None: whatever is shown must be rewritten
        self._tail_start = 0

    def _format(self, partial: bool) -> QtGui.QTextCharFormat:
        fmt = QtGui.QTextCharFormat()
        role = (QtGui.QPalette.ColorRole.PlaceholderText if partial
                else QtGui.QPalette.ColorRole.Text)
        fmt.setForeground(self.palette().color(role))
        fmt.setFontItalic(partial)  # not colour alone: readable for colour-blind users too
        return fmt

    def show_text(self, committed: str, partial: str = "") -> None:
        if committed != self._committed:  # a final (or "scratch that") may rewrite anything
            self.clear()
            cursor = self.textCursor()
            cursor.insertText(committed, self._format(partial=False))
            self._committed = committed
            self._tail_start = cursor.position()
        cursor = self.textCursor()
        cursor.setPosition(self._tail_start)
        cursor.movePosition(QtGui.QTextCursor.MoveOperation.End,
                            QtGui.QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(_joined(committed, partial)[len(committed):],
                          self._format(partial=True))
        self.setCurrentCharFormat(self._format(partial=False))
        self.ensureCursorVisible()

    def reset(self, text: str = "") -> None:
        """Show ``text`` as final, dropping the user's edits and the undo history."""
        self._committed = None
        self.show_text(text)


class DictationPanel(QtWidgets.QWidget):
    """``source_factory(device)`` makes the capture source (default: the real microphone).
    ``devices`` is the picker's list: by default the machine's inputs (``input_devices()``),
    or, when a factory is injected (tests, the screenshot mode), one entry for it, since
    its audio does not come from this machine's devices."""

    saved = Signal(object)  # p.JobInfo of the job storing the dictation as a document

    def __init__(self, link: EngineLink, parent: QtWidgets.QWidget | None = None,
                 source_factory: SourceFactory | None = None, *,
                 devices: list[tuple[str, Any]] | None = None) -> None:
        super().__init__(parent)
        self.link = link
        self.record_id: str | None = None  # None: the dictation becomes a new record
        self._factory = source_factory or (lambda device: MicrophoneSource(device))
        self._state = "idle"  # idle → starting → recording → stopping → idle; saving
        self._session: str | None = None
        self._source: Any = None
        self._base = ""  # text that was in the editor when this recording started
        self._final = ""  # the session's text so far (engine's, commands applied)
        self._problem: str | None = None  # why the recording ended early, if it did
        self._stop_when_started = False  # Stop (or the idle lock) came while starting
        self._has_devices = False

        self._build()
        if devices is None and source_factory is not None:
            devices = [("Test audio source", None)]
        self._fixed_devices = devices
        self._watcher = None
        if devices is None and QtMultimedia is not None:
            self._watcher = QtMultimedia.QMediaDevices(self)  # a microphone plugged in later
            self._watcher.audioInputsChanged.connect(self.refresh_devices)
        self.refresh_devices()
        link.dictation_partial.connect(self._on_partial)
        link.dictation_final.connect(self._on_final)

    # --- layout -----------------------------------------------------------------------

    def _build(self) -> None:
        self.device_box = QtWidgets.QComboBox()
        self.device_box.setMinimumWidth(260)
        self.device_box.setAccessibleName("Microphone")
        self.device_box.setToolTip("The microphone to record from")
        device_label = QtWidgets.QLabel("&Microphone:")
        device_label.setBuddy(self.device_box)

        self.record_button = QtWidgets.QPushButton()
        self.record_button.setProperty("primary", True)
        self.record_button.setAccessibleName("Record or stop")
        self.record_button.clicked.connect(self.toggle_recording)
        record_action = QtGui.QAction(self)
        record_action.setShortcut(QtGui.QKeySequence("Ctrl+R"))
        record_action.triggered.connect(self.toggle_recording)
        self.addAction(record_action)  # an action, as QPushButton.setText resets shortcuts

        self.meter = QtWidgets.QProgressBar()
        self.meter.setRange(0, 100)
        self.meter.setTextVisible(False)
        self.meter.setFixedWidth(160)
        self.meter.setAccessibleName("Input level")
        self.meter.setToolTip("How loud the microphone hears you")

        self.editor = TranscriptEditor()
        self.editor.setPlaceholderText("Press Record (Ctrl+R) and speak. The text stays "
                                       "editable until you save it.")
        self.editor.setAccessibleName("Dictated text")
        self.editor.setToolTip("Grey text is still being recognised; it turns black when final")
        self.editor.textChanged.connect(self._update_controls)

        commands = QtWidgets.QLabel(_COMMANDS)
        commands.setWordWrap(True)
        commands.setProperty("role", "subtitle")
        commands.setAccessibleName("Spoken commands")

        self.status = StatusLine("Dictation status", selectable=False)

        self.discard_button = button("&Discard", "Throw the dictated text away", self.discard,
                                     "cancel", name="Discard dictation")
        self.save_button = button("&Save as document", "Store the text as a scrubbed document "
                                  "(Ctrl+S)", self.save, "document")
        save_action = QtGui.QAction(self)
        save_action.setShortcut(QtGui.QKeySequence.StandardKey.Save)
        save_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save_action.triggered.connect(self.save)
        self.addAction(save_action)

        top = QtWidgets.QHBoxLayout()
        top.addWidget(device_label)
        top.addWidget(self.device_box, 1)
        top.addSpacing(12)
        top.addWidget(self.record_button)
        top.addSpacing(12)
        level_label = QtWidgets.QLabel("Level:")
        level_label.setBuddy(self.meter)
        top.addWidget(level_label)
        top.addWidget(self.meter)
        bottom = QtWidgets.QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.discard_button)
        bottom.addWidget(self.save_button)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(*MARGINS)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.editor, 1)
        layout.addWidget(commands)
        layout.addLayout(bottom)

    def refresh_devices(self) -> None:
        devices = self._fixed_devices if self._fixed_devices is not None else input_devices()
        self.device_box.clear()
        for name, device in devices:
            self.device_box.addItem(icon("mic"), name, device)
        if not devices:
            self.device_box.addItem("No microphone found")
        self._has_devices = bool(devices)
        if not devices and self._state == "idle":
            self._say("No microphone found. Connect one; it appears here when plugged in.")
        self._update_controls()

    def _update_controls(self) -> None:
        idle = self._state == "idle"
        recording = self._state == "recording"
        has_text = bool(self.editor.toPlainText().strip())
        self.device_box.setEnabled(idle and self._has_devices)
        self.record_button.setEnabled(recording or (idle and self._has_devices))
        self.record_button.setText("Stop" if recording else "Record")
        self.record_button.setIcon(icon("stop" if recording else "record"))
        self.record_button.setToolTip("Stop recording (Ctrl+R)" if recording
                                      else "Start recording from the microphone (Ctrl+R)")
        self.editor.setReadOnly(not idle)  # the engine rewrites the text while recording
        self.save_button.setEnabled(idle and has_text)
        self.discard_button.setEnabled(idle and has_text)

    def _set_state(self, state: str) -> None:
        self._state = state
        self._update_controls()

    def _say(self, text: str, error: bool = False) -> None:
        (self.status.warn if error else self.status.info)(text)

    # --- recording --------------------------------------------------------------------

    @property
    def is_recording(self) -> bool:
        return self._state in ("starting", "recording")

    def toggle_recording(self) -> None:
        if self._state == "recording":
            self.stop_recording()
        elif self._state == "idle" and self._has_devices:
            self.start_recording()

    def start_recording(self) -> None:
        if self._state != "idle":
            return
        self._base = self.editor.toPlainText().rstrip()
        self.editor.reset(self._base)  # edits made since become the final text to build on
        self._final = ""
        self._problem = None
        self._stop_when_started = False
        self._set_state("starting")
        self._say("Getting the speech recogniser ready…")
        self.link.call(p.StartDictation()).success(self._on_started) \
            .failure(self._on_start_failed).run()

    def _on_started(self, session_id: str) -> None:
        self._session = session_id
        if self._stop_when_started:  # nothing was recorded: just close the session
            self._end_session(None)
            return
        source = self._factory(self.device_box.currentData())
        source.setParent(self)
        source.frame.connect(self._on_frame)
        source.level.connect(lambda rms: self.meter.setValue(meter_value(rms)))
        source.error.connect(self._on_source_error)
        self._source = source
        self._set_state("recording")
        self._say("Listening… press Stop (Ctrl+R) when you have finished.")
        source.start()

    def _on_start_failed(self, error: p.ErrorInfo) -> None:
        self._set_state("idle")
        self._say(f"Dictation could not start. {describe(error)}", error=True)

    def _on_frame(self, frame: bytes) -> None:
        if self._session is not None:
            self.link.call(p.DictationAudio(session_id=self._session, pcm16=frame)) \
                .failure(self._on_audio_failed).run()

    def _on_audio_failed(self, error: p.ErrorInfo) -> None:
        if self._state == "recording":  # frames still in flight fail too: report once
            self._end_session(f"Recording stopped: {describe(error)}")

    def _on_source_error(self, message: str) -> None:
        if self._state == "recording":
            self._end_session(f"Recording stopped: {message}")
        else:
            self._say(message, error=True)

    def stop_recording(self) -> None:
        """Stop capture and collect the final text (also for the window's idle lock)."""
        if self._state == "recording":
            self._end_session(None)
        elif self._state == "starting":
            self._stop_when_started = True

    def _end_session(self, problem: str | None) -> None:
        self._release_source()
        self._set_state("stopping")
        self._problem = problem
        self._say(problem or "Finishing the last sentence…", error=problem is not None)
        self.link.call(p.StopDictation(session_id=self._session or "", save=False)) \
            .success(self._on_stopped).failure(self._on_stop_failed).run()

    def _release_source(self) -> None:
        source, self._source = self._source, None
        if source is not None:
            source.stop()  # sends the last, partly filled frame before StopDictation
            source.frame.disconnect()
            source.level.disconnect()
            source.error.disconnect()
            source.deleteLater()
        self.meter.setValue(0)

    def _on_stopped(self, result: p.DictationResult) -> None:
        self._session = None
        self._final = result.text
        self.editor.reset(_joined(self._base, self._final))
        self._set_state("idle")
        if self._problem is None:
            self._say("Review and correct the text, then save it as a document.")

    def _on_stop_failed(self, error: p.ErrorInfo) -> None:
        self._session = None
        self.editor.reset(_joined(self._base, self._final))  # keep what was recognised
        self._set_state("idle")
        if self._problem is None:  # the first problem is the one worth reading
            self._say(f"The dictation did not finish cleanly. {describe(error)}", error=True)

    # --- engine events ----------------------------------------------------------------

    def _on_partial(self, event: p.DictationPartial) -> None:
        if event.session_id == self._session and self._state == "recording":
            self.editor.show_text(_joined(self._base, self._final), event.text)

    def _on_final(self, event: p.DictationFinal) -> None:
        if event.session_id == self._session:
            self._final = event.text
            self.editor.show_text(_joined(self._base, self._final))

    # --- saving -----------------------------------------------------------------------

    def save(self) -> None:
        text = self.editor.toPlainText().strip()
        if self._state != "idle" or not text:
            return
        self._set_state("saving")
        self._say("Saving…")
        self.link.call(p.SaveDictation(text=text, record_id=self.record_id)) \
            .success(self._on_saved).failure(self._on_save_failed).run()

    def _on_saved(self, job: p.JobInfo) -> None:
        self.editor.reset()
        self._set_state("idle")
        self._say("Saved. The dictation is being processed as a document; it appears in the "
                  "record when done.")
        self.saved.emit(job)

    def _on_save_failed(self, error: p.ErrorInfo) -> None:
        self._set_state("idle")  # the text stays in the editor: nothing is lost
        self._say(f"Not saved. {describe(error)}", error=True)

    def discard(self) -> None:
        if self._state != "idle" or not self.editor.toPlainText().strip():
            return
        if self.confirm_discard():
            self.editor.reset()
            self._say("Discarded.")

    def confirm_discard(self) -> bool:
        answer = QtWidgets.QMessageBox.question(
            self, "Discard dictation", "Throw the dictated text away? This cannot be undone.",
            QtWidgets.QMessageBox.StandardButton.Discard
            | QtWidgets.QMessageBox.StandardButton.Cancel,
            QtWidgets.QMessageBox.StandardButton.Cancel)
        return answer == QtWidgets.QMessageBox.StandardButton.Discard
