"""Dictation from the desktop side: the PCM converter, the fake (WAV) microphone, and the
dictation panel against a real engine process.

This machine has no audio input device. What needs real hardware — opening a device with
``QAudioSource``, its ``readyRead`` stream, the fallback to a device's preferred format —
is not run here; the converter it relies on is tested on numpy arrays, and the panel runs
its whole flow with ``WavFileSource`` standing in for the microphone.
"""

from __future__ import annotations

import json
import wave

import numpy as np
import pytest
from transcripts import normal

from desktop.audio_capture import (
    FRAME_BYTES,
    MicrophoneSource,
    PcmConverter,
    WavFileSource,
    frame_level,
    input_devices,
)
from desktop.qt import QtGui
from desktop.views.dictation import DictationPanel, meter_value
from engine import protocol as p

WAIT_MS = 120_000


def _sine(rate: int, seconds: float, amplitude: float, hz: float = 440.0) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return amplitude * np.sin(2 * np.pi * hz * t)


@pytest.fixture(scope="module")
def dictation_wav(eval_dir):
    wav = eval_dir / "audio" / "synthetic_dictation" / "dictation_1315.wav"
    with wave.open(str(wav)) as fh:  # the fake microphone's native layout, no conversion
        assert (fh.getframerate(), fh.getnchannels(), fh.getsampwidth()) == (16000, 1, 2)
    return wav


# --- the converter ----------------------------------------------------------------------

def test_48k_stereo_becomes_16k_mono():
    left, right = _sine(48000, 1.0, 0.5), _sine(48000, 1.0, 0.3)
    stereo = np.stack([left, right], axis=1)
    out = np.frombuffer(PcmConverter(48000, 2, "f32").convert_array(stereo), dtype="<i2")
    expected = _sine(16000, 1.0, 0.4) * 32768  # the mean of both channels
    assert len(out) == 16000
    assert np.max(np.abs(out - expected)) < 0.01 * 32767


def test_conversion_does_not_depend_on_how_the_input_was_cut():
    """Devices deliver odd-sized reads, even half a sample frame; the result is the same."""
    rng = np.random.default_rng(7)
    stereo = (np.stack([_sine(44100, 0.5, 0.6), _sine(44100, 0.5, 0.2, 300)], axis=1)
              * 32767).astype("<i2").tobytes()
    whole = PcmConverter(44100, 2, "s16").convert(stereo)
    converter, pieces, at = PcmConverter(44100, 2, "s16"), [], 0
    while at < len(stereo):
        size = int(rng.integers(1, 3000))
        pieces.append(converter.convert(stereo[at:at + size]))
        at += size
    assert b"".join(pieces) == whole
    assert abs(len(whole) // 2 - 8000) <= 1  # 0.5 s at 16 kHz


@pytest.mark.parametrize(("fmt", "dtype", "scale", "offset"),
                         [("u8", "u1", 127, 128), ("s32", "<i4", 2**31 - 1, 0),
                          ("f32", "<f4", 1.0, 0)])
def test_other_sample_formats_are_read(fmt, dtype, scale, offset):
    wave_in = _sine(16000, 0.1, 0.5)
    raw = (wave_in * scale + offset).astype(dtype).tobytes()
    out = np.frombuffer(PcmConverter(16000, 1, fmt).convert(raw), dtype="<i2")
    assert np.max(np.abs(out - wave_in * 32767)) < 0.02 * 32767


def test_level_and_meter():
    assert frame_level(bytes(FRAME_BYTES)) == 0.0
    loud = (np.ones(3200) * 32767).astype("<i2").tobytes()
    assert frame_level(loud) == pytest.approx(1.0, abs=1e-3)
    assert meter_value(0.0) == 0 and meter_value(1.0) == 100
    assert 40 < meter_value(0.03) < 60  # speech at about -30 dBFS sits mid-scale


# --- the fake microphone ----------------------------------------------------------------

def _play(qtbot, source) -> list[bytes]:
    frames: list[bytes] = []
    source.frame.connect(frames.append)
    with qtbot.waitSignal(source.finished, timeout=WAIT_MS):
        source.start()
    source.stop()
    return frames


def test_wav_source_sends_the_file_as_200ms_frames(qtbot, dictation_wav):
    frames = _play(qtbot, WavFileSource(dictation_wav, speed=50))
    with wave.open(str(dictation_wav)) as fh:
        pcm = fh.readframes(fh.getnframes())
    assert {len(f) for f in frames} == {FRAME_BYTES}
    sent = b"".join(frames)
    assert sent[:len(pcm)] == pcm and not any(sent[len(pcm):])  # padded with silence


def test_wav_source_converts_48k_stereo(qtbot, tmp_path):
    path = tmp_path / "stereo.wav"
    samples = (np.stack([_sine(48000, 1.0, 0.5)] * 2, axis=1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as fh:
        fh.setnchannels(2)
        fh.setsampwidth(2)
        fh.setframerate(48000)
        fh.writeframes(samples.tobytes())
    frames = _play(qtbot, WavFileSource(path, speed=50))
    out = np.frombuffer(b"".join(frames), dtype="<i2")[:16000]
    assert len(frames) == 5  # one second
    assert np.max(np.abs(out - _sine(16000, 1.0, 0.5) * 32767)) < 0.01 * 32767


def test_wav_source_reports_a_file_it_cannot_read(qtbot, tmp_path):
    bad = tmp_path / "not.wav"
    bad.write_bytes(b"this is no RIFF file")
    source = WavFileSource(bad)
    with qtbot.waitSignal(source.error, timeout=5_000) as error:
        source.start()
    assert "cannot be read" in error.args[0]


# --- no microphone here -----------------------------------------------------------------

def test_without_a_microphone_record_is_disabled(link, qtbot):
    devices = input_devices()
    assert isinstance(devices, list)
    if devices:
        pytest.skip("this machine has a microphone; the no-device state cannot be seen")
    panel = DictationPanel(link)
    qtbot.addWidget(panel)
    assert not panel.record_button.isEnabled() and not panel.device_box.isEnabled()
    assert panel.device_box.currentText() == "No microphone found"
    assert "No microphone found" in panel.status.text()
    panel.toggle_recording()  # Ctrl+R does nothing either
    assert not panel.is_recording
    source = MicrophoneSource()
    with qtbot.waitSignal(source.error, timeout=5_000) as error:
        source.start()
    assert error.args[0] == "No microphone found."


# --- the panel with a real engine -------------------------------------------------------

def _grey_text(editor) -> str:
    """Text shown in the partial (grey, italic) format."""
    block, grey = editor.document().begin(), []
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.charFormat().fontItalic():
                grey.append(fragment.text())
            it += 1
        block = block.next()
    return "".join(grey)


class FakeMicrophones:
    """A source factory handing out WavFileSources and remembering them."""

    def __init__(self, path, speed: float) -> None:
        self.path, self.speed, self.made = path, speed, []

    def __call__(self, _device) -> WavFileSource:
        self.made.append(WavFileSource(self.path, speed=self.speed))
        return self.made[-1]


def test_dictation_streams_edits_and_saves_as_a_document(link, call, qtbot, dictation_wav):
    """Played at 3x real time: how much partial text the engine sends then depends on the
    machine's speed, so this asserts what does not — the panel shows each partial in grey,
    the finals in plain text, and ends with exactly the engine's text. How well streaming
    recognises is tests/integration/test_dictation.py's."""
    mics = FakeMicrophones(dictation_wav, speed=3)
    panel = DictationPanel(link, source_factory=mics)
    qtbot.addWidget(panel)
    panel.show()
    assert panel.record_button.isEnabled()
    seen = {"partials": 0, "grey": 0, "finished": False, "loudest": 0}
    finals: list[p.DictationFinal] = []
    panel.meter.valueChanged.connect(lambda v: seen.update(loudest=max(seen["loudest"], v)))

    def on_partial(event) -> None:  # runs after the panel's own slot
        if event.session_id == panel._session and panel._state == "recording":
            seen["partials"] += 1
            seen["grey"] += event.text.strip() in _grey_text(panel.editor).strip()

    link.dictation_partial.connect(on_partial)
    link.dictation_final.connect(finals.append)
    panel.record_button.click()
    qtbot.waitUntil(lambda: panel._state == "recording" and bool(mics.made), timeout=WAIT_MS)
    assert panel.record_button.text() == "Stop" and panel.editor.isReadOnly()
    mics.made[0].finished.connect(lambda: seen.update(finished=True))
    qtbot.waitUntil(lambda: seen["finished"], timeout=WAIT_MS)
    assert seen["loudest"] > 30  # the level meter moved with the speech
    # the fake microphone now hears silence, so the last utterance ends and turns final
    qtbot.waitUntil(lambda: not _grey_text(panel.editor).strip(), timeout=WAIT_MS)

    panel.record_button.click()  # Stop
    qtbot.waitUntil(lambda: not panel.is_recording and panel._state == "idle",
                    timeout=WAIT_MS)
    text = panel.editor.toPlainText()
    assert not _grey_text(panel.editor) and not panel.editor.isReadOnly()
    assert seen["grey"] == seen["partials"]  # every partial that came was shown in grey
    assert len(finals) >= 2 and text.strip() == finals[-1].text.strip()
    reference = json.loads((dictation_wav.parent / "references.json").read_text())
    assert normal(text) and set(normal(text).split()) & set(
        normal(reference[dictation_wav.stem]).split())  # the speech, not silence or noise

    panel.editor.moveCursor(QtGui.QTextCursor.MoveOperation.End)
    panel.editor.insertPlainText(" Reviewed by the clinician.")
    assert panel.save_button.isEnabled()
    finished: list[p.JobFinished] = []
    link.job_finished.connect(finished.append)
    with qtbot.waitSignal(panel.saved, timeout=WAIT_MS) as saved:
        panel.save_button.click()
    job: p.JobInfo = saved.args[0]
    assert panel.editor.toPlainText() == "" and "Saved" in panel.status.text()
    qtbot.waitUntil(lambda: any(f.job_id == job.id for f in finished), timeout=WAIT_MS)
    assert call(p.GetJob(job_id=job.id)).state == "succeeded"
    documents = call(p.ListDocuments(record_id=job.record_id))
    assert [d.source_name for d in documents] == ["dictation"]


def test_partial_text_is_grey_until_its_final_replaces_it(link, qtbot, tmp_path):
    """The panel's part, with the engine's events delivered in a fixed order (the recording
    itself is silence, which the engine answers with no event of its own)."""
    silence = tmp_path / "silence.wav"
    with wave.open(str(silence), "wb") as fh:
        fh.setnchannels(1)
        fh.setsampwidth(2)
        fh.setframerate(16000)
        fh.writeframes(bytes(16000 * 2 * 2))
    panel = DictationPanel(link, source_factory=FakeMicrophones(silence, speed=1))
    qtbot.addWidget(panel)
    panel.start_recording()
    qtbot.waitUntil(lambda: panel._state == "recording", timeout=WAIT_MS)
    session = panel._session
    link.dictation_partial.emit(p.DictationPartial(session, "blood pressure is"))
    assert _grey_text(panel.editor) == "blood pressure is"
    link.dictation_final.emit(p.DictationFinal(session, "blood pressure is stable.",
                                               "blood pressure is stable."))
    link.dictation_partial.emit(p.DictationPartial(session, "continue"))
    assert panel.editor.toPlainText() == "blood pressure is stable. continue"
    assert _grey_text(panel.editor).strip() == "continue"
    link.dictation_partial.emit(p.DictationPartial("S-another", "not this session"))
    assert "not this session" not in panel.editor.toPlainText()
    panel.stop_recording()
    qtbot.waitUntil(lambda: panel._state == "idle", timeout=WAIT_MS)


def test_a_failed_audio_frame_stops_the_recording_and_says_why(link, call, qtbot,
                                                              dictation_wav, monkeypatch):
    panel = DictationPanel(link, source_factory=FakeMicrophones(dictation_wav, speed=2))
    qtbot.addWidget(panel)
    panel.start_recording()
    qtbot.waitUntil(lambda: panel._state == "recording", timeout=WAIT_MS)
    call(p.StopDictation(session_id=panel._session))  # the session ends under the panel
    qtbot.waitUntil(lambda: panel._state == "idle", timeout=WAIT_MS)
    assert "Recording stopped" in panel.status.text()
    assert "INVALID_REQUEST" in panel.status.text()
    assert panel.status.property("role") == "error"
    assert panel.record_button.isEnabled() and panel.record_button.text() == "Record"

    panel.editor.setPlainText("a note that will be thrown away")
    monkeypatch.setattr(panel, "confirm_discard", lambda: True)
    panel.discard_button.click()
    assert panel.editor.toPlainText() == "" and not panel.save_button.isEnabled()


def test_stop_while_the_recogniser_starts_records_nothing(link, qtbot, dictation_wav):
    """The window's idle lock may stop a dictation that has not started yet."""
    mics = FakeMicrophones(dictation_wav, speed=2)
    panel = DictationPanel(link, source_factory=mics)
    qtbot.addWidget(panel)
    panel.start_recording()
    assert panel.is_recording  # starting
    panel.stop_recording()
    qtbot.waitUntil(lambda: panel._state == "idle", timeout=WAIT_MS)
    assert mics.made == [] and panel.editor.toPlainText() == ""
