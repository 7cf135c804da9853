"""Audio capture for dictation: whatever the input gives → 16 kHz mono PCM16 in 200 ms frames.

The engine's dictation session takes exactly one layout (16 kHz, mono, signed 16-bit
little-endian), so everything is converted here, in the desktop process, before it crosses
the queue. Two sources share one set of signals:

* ``MicrophoneSource`` — a real input device through QtMultimedia. It asks the device for
  16 kHz mono Int16; when the device cannot do that it records the device's preferred format
  and converts. **Needs real hardware**: this build machine and CI have no audio input
  device, so its capture path (device open, readyRead, format fallback) is exercised only on
  a workstation with a microphone; offscreen tests cover the parts Qt runs without one
  (device listing, the no-device error) and the converter on its own.
* ``WavFileSource`` — a FAKE microphone that plays a WAV file in real-time-sized chunks, for
  tests and the screenshot mode.
"""

from __future__ import annotations

import math
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np

from desktop.qt import Qt, QtCore, QtMultimedia, Signal

SAMPLE_RATE = 16000
FRAME_MS = 200
FRAME_BYTES = SAMPLE_RATE * FRAME_MS // 1000 * 2  # 6400: 200 ms of 16 kHz mono PCM16

# sample format name → (numpy dtype, offset, scale) mapping raw samples to floats in [-1, 1]
_SAMPLE_FORMATS: dict[str, tuple[str, float, float]] = {
    "u8": ("u1", 128.0, 128.0),
    "s16": ("<i2", 0.0, 32768.0),
    "s32": ("<i4", 0.0, 2147483648.0),
    "f32": ("<f4", 0.0, 1.0),
}


class PcmConverter:
    """Interleaved PCM of any rate, channel count and sample format → 16 kHz mono PCM16.

    Fed chunk by chunk as the device delivers them: a partial sample frame and the
    resampler's position carry over to the next chunk, so that chunk boundaries leave no
    clicks or drift (the output is the same however the input was cut).
    """

    def __init__(self, rate: int, channels: int = 1, sample_format: str = "s16") -> None:
        if sample_format not in _SAMPLE_FORMATS:
            raise ValueError(f"unsupported sample format {sample_format!r}")
        if rate <= 0 or channels <= 0:
            raise ValueError("rate and channels must be positive")
        self.rate = rate
        self.channels = channels
        self._dtype, self._offset, self._scale = _SAMPLE_FORMATS[sample_format]
        self._frame_size = np.dtype(self._dtype).itemsize * channels
        self._pending = b""  # bytes of an incomplete sample frame
        # Resampler state in whole samples, so that positions are exact however the input
        # was cut (a float position carried from chunk to chunk drifts by rounding).
        self._produced = 0  # output samples made so far
        self._dropped = 0  # input samples no longer held (before _tail[0])
        self._tail = np.zeros(0, dtype=np.float64)  # input not yet interpolated past

    def convert(self, raw: bytes) -> bytes:
        data = self._pending + raw
        usable = len(data) - len(data) % self._frame_size
        self._pending = data[usable:]
        samples = np.frombuffer(data[:usable], dtype=self._dtype).astype(np.float64)
        samples = (samples - self._offset) / self._scale
        return self.convert_array(samples.reshape(-1, self.channels))

    def convert_array(self, samples: np.ndarray) -> bytes:
        """``samples``: floats in [-1, 1], shape (frames,) or (frames, channels)."""
        mono = samples.mean(axis=1) if samples.ndim == 2 else samples
        out = mono if self.rate == SAMPLE_RATE else self._resample(mono)
        # x 32768 mirrors the reading side, so that 16-bit input comes back bit-exact
        return np.clip(np.round(out * 32768.0), -32768, 32767).astype("<i2").tobytes()

    def _resample(self, mono: np.ndarray) -> np.ndarray:
        """Linear interpolation; output sample k sits at input position k * rate / 16000."""
        x = np.concatenate([self._tail, mono])
        last = self._dropped + len(x) - 1  # absolute index of the newest input sample
        end = last * SAMPLE_RATE // self.rate + 1  # outputs up to there can be made now
        if last < 0 or end <= self._produced:
            self._tail = x
            return np.zeros(0)
        # index and fraction from integers: the same bits however the input was cut
        at = np.arange(self._produced, end, dtype=np.int64) * self.rate \
            - self._dropped * SAMPLE_RATE
        left = at // SAMPLE_RATE
        frac = (at % SAMPLE_RATE) / SAMPLE_RATE
        padded = np.append(x, x[-1])  # the last output may sit exactly on the newest sample
        out = padded[left] + frac * (padded[left + 1] - padded[left])
        self._produced = end
        # keep from the next output's left neighbour; when downsampling, that may not
        # have arrived yet, and nothing that has may be skipped
        first_needed = min(end * self.rate // SAMPLE_RATE, last + 1)
        self._tail = x[first_needed - self._dropped:]
        self._dropped = first_needed
        return out


class _Framer:
    """Cuts converted PCM into exact 200 ms frames."""

    def __init__(self, emit: Callable[[bytes], None]) -> None:
        self._emit = emit
        self._buffer = bytearray()

    def push(self, pcm: bytes) -> None:
        self._buffer += pcm
        while len(self._buffer) >= FRAME_BYTES:
            frame = bytes(self._buffer[:FRAME_BYTES])
            del self._buffer[:FRAME_BYTES]
            self._emit(frame)

    def flush(self) -> None:
        """The last words must not be lost: pad the open frame with silence and send it."""
        if self._buffer:
            self._buffer += bytes(FRAME_BYTES - len(self._buffer))
            self.push(b"")


def frame_level(frame: bytes) -> float:
    """RMS of a PCM16 frame relative to full scale, 0..1."""
    samples = np.frombuffer(frame, dtype="<i2").astype(np.float64)
    if not len(samples):
        return 0.0
    return min(1.0, math.sqrt(float(np.mean(samples * samples))) / 32768.0)


class _Source(QtCore.QObject):
    """The signals and framing both sources share; subclasses give ``start()``/``stop()``."""

    frame = Signal(bytes)  # FRAME_BYTES of 16 kHz mono PCM16, every 200 ms
    level = Signal(float)  # RMS of that frame, 0..1 of full scale
    error = Signal(str)  # a calm, user-facing sentence; capture has stopped

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._framer = _Framer(self._send)

    def _send(self, frame: bytes) -> None:
        self.frame.emit(frame)
        self.level.emit(frame_level(frame))

    def _fail(self, message: str) -> None:
        self.stop()
        self.error.emit(message)


def input_devices() -> list[tuple[str, object]]:
    """(description, QAudioDevice) per audio input, default first; empty without
    QtMultimedia (pyside6-addons) or without any input device (as on this machine)."""
    if QtMultimedia is None:
        return []
    devices = QtMultimedia.QMediaDevices.audioInputs()
    default = QtMultimedia.QMediaDevices.defaultAudioInput()
    devices.sort(key=lambda d: d != default)
    return [(d.description(), d) for d in devices]


def _device_format(device) -> tuple[object, PcmConverter]:
    """16 kHz mono Int16 when the device does it, else its preferred format + a converter."""
    fmt = QtMultimedia.QAudioFormat()
    fmt.setSampleRate(SAMPLE_RATE)
    fmt.setChannelCount(1)
    fmt.setSampleFormat(QtMultimedia.QAudioFormat.SampleFormat.Int16)
    if not device.isFormatSupported(fmt):
        fmt = device.preferredFormat()
    names = {QtMultimedia.QAudioFormat.SampleFormat.UInt8: "u8",
             QtMultimedia.QAudioFormat.SampleFormat.Int16: "s16",
             QtMultimedia.QAudioFormat.SampleFormat.Int32: "s32",
             QtMultimedia.QAudioFormat.SampleFormat.Float: "f32"}
    name = names.get(fmt.sampleFormat())
    if name is None:
        raise ValueError("the microphone reports an unknown sample format")
    return fmt, PcmConverter(fmt.sampleRate(), fmt.channelCount(), name)


class MicrophoneSource(_Source):
    """A real microphone (``device``: a QAudioDevice from ``input_devices()``, or None for
    the system default). Needs real hardware; see the module docstring."""

    def __init__(self, device=None, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._device = device
        self._audio = None
        self._io = None
        self._converter: PcmConverter | None = None

    def start(self) -> None:
        if QtMultimedia is None:
            self.error.emit("Audio capture is not installed (QtMultimedia is missing).")
            return
        device = (self._device if self._device is not None
                  else QtMultimedia.QMediaDevices.defaultAudioInput())
        if device.isNull():
            self.error.emit("No microphone found.")
            return
        try:
            fmt, self._converter = _device_format(device)
        except ValueError as exc:
            self.error.emit(f"The microphone cannot be used: {exc}.")
            return
        self._framer = _Framer(self._send)
        self._audio = QtMultimedia.QAudioSource(device, fmt, self)
        self._audio.stateChanged.connect(self._on_state)
        self._io = self._audio.start()  # pull mode: we read what the device has buffered
        if self._io is None:
            self._fail("The microphone could not be opened.")
            return
        self._io.readyRead.connect(self._read)

    def _read(self) -> None:
        if self._io is not None and self._converter is not None:
            self._framer.push(self._converter.convert(bytes(self._io.readAll().data())))

    def _on_state(self, state) -> None:
        audio = self._audio
        if audio is None or state != QtMultimedia.QAudio.State.StoppedState:
            return
        if audio.error() not in (QtMultimedia.QAudio.Error.NoError,
                                 QtMultimedia.QAudio.Error.UnderrunError):
            self._fail("The microphone stopped delivering audio (it may have been unplugged).")

    def stop(self) -> None:
        audio, self._audio = self._audio, None
        if audio is None:
            return
        self._read()  # what the device still holds belongs to the dictation
        self._io = None
        audio.stop()
        audio.deleteLater()
        self._framer.flush()


class WavFileSource(_Source):
    """A FAKE microphone: plays a WAV file as 200 ms frames on a timer, as the microphone
    would deliver them, for tests and the screenshot mode (no microphone on CI).

    16 kHz mono 16-bit is expected; other rates, channel counts and widths go through the
    same converter as real devices. ``speed`` > 1 plays faster than real time. After the
    end of the file it keeps "hearing" silence, like a microphone in a quiet room, until
    ``stop()``; ``finished`` says the file has been played.
    """

    finished = Signal()

    def __init__(self, path: str | Path, speed: float = 1.0,
                 parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.path = Path(path)
        self.speed = speed
        self._wav: wave.Wave_read | None = None
        self._converter: PcmConverter | None = None
        self._chunk = 0  # input frames per tick
        self._timer = QtCore.QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(max(1, round(FRAME_MS / speed)))
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        widths = {1: "u8", 2: "s16", 4: "s32"}
        try:
            wav = wave.open(str(self.path), "rb")  # noqa: SIM115 - read per tick, closed on stop
        except (OSError, EOFError, wave.Error) as exc:
            self.error.emit(f"The audio file cannot be read: {exc}.")
            return
        if wav.getsampwidth() not in widths:
            wav.close()
            self.error.emit("The audio file uses an unsupported sample width.")
            return
        self._wav = wav
        self._converter = PcmConverter(wav.getframerate(), wav.getnchannels(),
                                       widths[wav.getsampwidth()])
        self._chunk = wav.getframerate() * FRAME_MS // 1000
        self._framer = _Framer(self._send)
        self._timer.start()

    def _tick(self) -> None:
        if self._wav is None:
            self._send(bytes(FRAME_BYTES))  # the quiet room after the file
            return
        raw = self._wav.readframes(self._chunk)
        assert self._converter is not None
        self._framer.push(self._converter.convert(raw))
        if len(raw) < self._chunk * self._wav.getsampwidth() * self._wav.getnchannels():
            self._close_file()
            self._framer.flush()
            self.finished.emit()

    def _close_file(self) -> None:
        if self._wav is not None:
            self._wav.close()
            self._wav = None

    def stop(self) -> None:
        self._timer.stop()
        if self._wav is not None:
            self._close_file()
            self._framer.flush()
