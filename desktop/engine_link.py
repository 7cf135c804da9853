"""The desktop's only way to the engine: ``EngineClient`` wrapped for Qt.

Every call is asynchronous. ``link.call(request).success(fn).failure(fn).run()`` submits the
request and returns at once; the reply comes back on the engine client's reader thread, is
handed to the GUI thread by a queued signal, and only there are the callbacks run. Engine
events (progress, streamed text, dictation, restarts) arrive the same way, as signals.

The link watches that this holds: a call that waits for the engine (``EngineClient.request``)
made on the GUI thread while the engine runs is logged and kept in ``blocking_calls``, and
the GUI thread's CPU time in each reply callback and event handler is kept, per kind, in
``handler_cpu_s`` (its longest). CPU time of that one thread, not wall time: a busy machine
makes the window late, but only work on the GUI thread makes it freeze.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from desktop.qt import QtCore, Signal
from engine import protocol as p
from engine.client import EngineClient
from engine.errors import HntaiError, InternalError, WorkerCrashed

log = logging.getLogger("hntai.desktop.link")

Success = Callable[[Any], None]
Failure = Callable[[p.ErrorInfo], None]


class Op:
    """One request in flight, configured by chaining before ``run``."""

    def __init__(self, link: EngineLink, request: p.Request) -> None:
        self._link = link
        self.request = request
        self._success: Success | None = None
        self._failure: Failure | None = None
        self._finally: Callable[[], None] | None = None

    def success(self, fn: Success) -> Op:
        self._success = fn
        return self

    def failure(self, fn: Failure) -> Op:
        self._failure = fn
        return self

    def always(self, fn: Callable[[], None]) -> Op:
        self._finally = fn
        return self

    def run(self) -> Op:
        self._link._run(self)
        return self

    def _complete(self, value: Any, error: p.ErrorInfo | None) -> None:
        try:
            if error is None:
                if self._success is not None:
                    self._success(value)
            elif self._failure is not None:
                self._failure(error)
            else:
                self._link.unhandled_error.emit(error)
        finally:
            if self._finally is not None:
                self._finally()


class EngineLink(QtCore.QObject):
    """Owns the engine client for the desktop; lives on the GUI thread."""

    started = Signal()  # the engine answered its handshake
    start_failed = Signal(object)  # ErrorInfo
    engine_restarted = Signal(object)  # p.EngineRestarted
    job_progress = Signal(object)  # p.JobProgress
    job_text = Signal(object)  # p.JobText
    job_finished = Signal(object)  # p.JobFinished
    job_failed = Signal(object)  # p.JobFailed
    dictation_partial = Signal(object)  # p.DictationPartial
    dictation_final = Signal(object)  # p.DictationFinal
    unhandled_error = Signal(object)  # ErrorInfo of a call that had no failure handler
    _completed = Signal(object, object, object)  # op, value, error (reader thread -> GUI)
    _event = Signal(object)

    def __init__(self, data_dir: Path, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.client = EngineClient(self.data_dir, on_event=self._event.emit, queue_events=False,
                                   on_blocking=self._blocking, leave_a_core=True)
        self._ops: set[Op] = set()  # keep in-flight ops alive until their reply
        self._running = False
        self._gui_thread = threading.current_thread()
        self.blocking_calls: list[str] = []  # request types waited for on the GUI thread
        self.handler_cpu_s: dict[str, float] = {}  # longest GUI-thread CPU time per kind
        # Which signal carries each kind of engine event (looked up for every streamed token).
        self._routes = {p.JobProgress: self.job_progress, p.JobText: self.job_text,
                        p.JobFinished: self.job_finished, p.JobFailed: self.job_failed,
                        p.DictationPartial: self.dictation_partial,
                        p.DictationFinal: self.dictation_final,
                        p.EngineRestarted: self.engine_restarted}
        self._completed.connect(self._on_completed, QtCore.Qt.ConnectionType.QueuedConnection)
        self._event.connect(self._on_event, QtCore.Qt.ConnectionType.QueuedConnection)

    # --- lifecycle --------------------------------------------------------------------

    def start(self) -> None:
        """Spawn the engine off the GUI thread (its imports take a few seconds)."""
        threading.Thread(target=self._start, name="engine-start", daemon=True).start()

    def _start(self) -> None:
        try:
            self.client.start()
        except HntaiError as exc:
            self._event.emit(p.ErrorInfo.of(exc))
            return
        except Exception as exc:  # the window must say why instead of hanging
            log.exception("engine_start_failed")
            self._event.emit(p.ErrorInfo.of(InternalError(
                "the engine could not be started", {"error": type(exc).__name__})))
            return
        self._event.emit(p.EngineReady(p.PROTOCOL_VERSION, "", self.client.pid or 0))

    @property
    def running(self) -> bool:
        return self._running and self.client.alive()

    def stop(self) -> None:
        if self._running:
            self._running = False
            self.client.close(timeout=15)

    def forget_credentials(self) -> None:
        """The idle lock: the client holds the last password for restarts; drop it."""
        self.client.forget_login()

    # --- calls ------------------------------------------------------------------------

    def call(self, request: p.Request) -> Op:
        return Op(self, request)

    def _run(self, op: Op) -> None:
        self._ops.add(op)
        try:
            future = self.client.submit(op.request)
        except HntaiError as exc:
            self._completed.emit(op, None, p.ErrorInfo.of(exc))
            return
        future.add_done_callback(lambda f, op=op: self._deliver(op, f))

    def _deliver(self, op: Op, future: Future) -> None:
        """Reader thread: hand the outcome to the GUI thread."""
        exc = future.exception()
        if exc is not None:
            error = exc if isinstance(exc, HntaiError) else WorkerCrashed(str(exc))
            self._completed.emit(op, None, p.ErrorInfo.of(error))
            return
        reply: p.Reply = future.result()
        self._completed.emit(op, reply.value, reply.error)

    def _on_completed(self, op: Op, value: Any, error: p.ErrorInfo | None) -> None:
        self._ops.discard(op)
        started = time.thread_time()
        try:
            op._complete(value, error)
        finally:
            self._note_cpu(type(op.request).__name__, started)

    def _blocking(self, request: p.Request) -> None:
        """Any thread, before a call that waits for the engine's answer."""
        if threading.current_thread() is self._gui_thread and self._running:
            self.blocking_calls.append(type(request).__name__)
            log.warning("blocking_engine_call_on_gui_thread",
                        extra={"request": type(request).__name__})

    def _note_cpu(self, kind: str, started: float) -> None:
        spent = time.thread_time() - started
        if spent > self.handler_cpu_s.get(kind, 0.0):
            self.handler_cpu_s[kind] = spent

    # --- events -----------------------------------------------------------------------

    def _on_event(self, event: Any) -> None:
        started = time.thread_time()
        try:
            self._route(event)
        finally:
            self._note_cpu(type(event).__name__, started)

    def _route(self, event: Any) -> None:
        if isinstance(event, p.EngineReady):
            self._running = True
            self.started.emit()
        elif isinstance(event, p.ErrorInfo):
            self.start_failed.emit(event)
        elif (signal := self._routes.get(type(event))) is not None:
            signal.emit(event)
