"""Start, talk to, watch and restart the engine process. Used by the desktop, CLI and tests.

One reader thread takes everything the engine sends: replies complete the matching request's
future; other events go to ``events()`` and to the ``on_event`` callback (the desktop's Qt
adapter turns those into signals). When the engine dies, every open request fails with
``WORKER_CRASHED``, a new engine is started with fresh queues (a SIGKILLed writer can leave
the old ones locked), the last login is replayed so durable jobs resume, and an
``EngineRestarted`` event is sent.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import multiprocessing
import os
import queue
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from engine import protocol as p
from engine.cpu_share import yield_cpu
from engine.errors import JobTimeout, StoreBusy, VersionMismatch, WorkerCrashed
from engine.logs import setup_logging
from engine.secrets_env import take_secrets
from engine.store_lock import StoreLock

log = logging.getLogger("hntai.client")


# The request id of the start itself: a refused start is answered by a ``Reply`` with this
# id and the error instead of ``EngineReady`` (requests are numbered from 1).
START_REQUEST_ID = 0


def _engine_entry(requests: multiprocessing.Queue, events: multiprocessing.Queue,
                  data_dir: str, leave_a_core: bool = False) -> None:
    """Child-process target. The engine's heavy imports (models, PyMuPDF, the store) happen
    here, in the child only, so that the desktop process never loads them. Before them, and
    so before any thread or child process exists, the passwords a front end may have had in
    its environment are dropped and the engine yields the CPU to the front end.

    Then, still before the heavy imports (so that a refusal comes at once) and before the
    engine touches any file in the data folder, it takes the folder's lock, held for the rest
    of this process's life: a second engine on the same store is refused with STORE_BUSY."""
    take_secrets()
    yield_cpu()
    lock = StoreLock(Path(data_dir))
    try:
        lock.acquire()
    except StoreBusy as exc:
        _log_refusal(Path(data_dir), exc)
        events.put(p.Reply(START_REQUEST_ID, error=p.ErrorInfo.of(exc)))
        return
    from engine.service import engine_main

    try:
        engine_main(requests, events, data_dir, leave_a_core=leave_a_core)
    finally:
        lock.release()


def _log_refusal(data_dir: Path, exc: StoreBusy) -> None:
    """The refused engine's one line in the folder's log, beside the holder's own lines."""
    with contextlib.suppress(OSError):
        setup_logging(data_dir)
        log.warning("store_busy", extra={"holder_pid": exc.details.get("holder_pid")})


@dataclass
class _Incarnation:
    process: multiprocessing.process.BaseProcess
    requests: multiprocessing.Queue
    events: multiprocessing.Queue


class EngineClient:
    def __init__(
        self, data_dir: Path, *, auto_restart: bool = True, max_restarts: int = 20,
        start_timeout: float = 120.0, on_event: Callable[[p.Event], None] | None = None,
        queue_events: bool = True, on_blocking: Callable[[p.Request], None] | None = None,
        leave_a_core: bool = False,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.auto_restart = auto_restart
        self.max_restarts = max_restarts
        self.start_timeout = start_timeout
        self.on_event = on_event
        # A front end that takes events only through ``on_event`` (the desktop) turns the
        # queue off, or it would grow for as long as the window is open.
        self.queue_events = queue_events
        # Told of every call that waits for the engine's answer (``request``): a front end
        # whose thread must never wait (the desktop's GUI thread) checks which thread it is.
        self.on_blocking = on_blocking
        # An interactive front end shares the CPU with its window: on a small machine the
        # engine then leaves it a core (see engine.cpu_share).
        self.leave_a_core = leave_a_core
        self.restarts = 0
        self._ctx = multiprocessing.get_context("spawn")
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._pending: dict[int, Future] = {}
        self._events: queue.Queue[p.Event] = queue.Queue()
        self._login: p.Request | None = None
        self._inc: _Incarnation | None = None
        self._closing = False
        self._restarting = False
        self._reader: threading.Thread | None = None

    # --- lifecycle --------------------------------------------------------------------

    def start(self) -> EngineClient:
        self._inc = self._spawn()
        self._reader = threading.Thread(target=self._read_loop, name="engine-reader",
                                        daemon=True)
        self._reader.start()
        return self

    def __enter__(self) -> EngineClient:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def pid(self) -> int | None:
        return self._inc.process.pid if self._inc else None

    def alive(self) -> bool:
        return self._inc is not None and self._inc.process.is_alive()

    def close(self, timeout: float = 30.0) -> None:
        """Ask the engine to stop (it finishes its current write), then reap or kill it."""
        self._closing = True
        inc = self._inc
        if inc is None:
            return
        if inc.process.is_alive():
            try:
                self.request(p.Shutdown(), timeout=timeout)
            except Exception:  # already dying: fall through to the reaper
                log.info("shutdown_request_failed")
        inc.process.join(timeout)
        if inc.process.is_alive():
            inc.process.kill()
            inc.process.join(5)
        self._fail_pending("the engine was shut down")
        if self._reader is not None:
            self._reader.join(5)

    def kill(self) -> None:
        """SIGKILL the engine (tests of crash recovery)."""
        if self._inc is not None and self._inc.process.pid:
            os.kill(self._inc.process.pid, signal.SIGKILL)

    # --- requests ---------------------------------------------------------------------

    def submit(self, request: p.Request) -> Future:
        with self._lock:
            # Under the lock so that a death noticed meanwhile fails this future too.
            if self._inc is None or self._restarting:
                raise WorkerCrashed("the engine is not running (restarting)")
            request = replace(request, request_id=next(self._ids))
            future: Future = Future()
            self._pending[request.request_id] = future
            if isinstance(request, p.Shutdown):
                self._closing = True  # the engine exiting now is no crash: do not restart it
            self._inc.requests.put(request)
        if isinstance(request, (p.Unlock, p.UnlockWithRecovery)):
            future.add_done_callback(lambda f, r=request: self._remember_login(f, r))
        return future

    def request(self, request: p.Request, timeout: float | None = 300.0) -> Any:
        """Send one request and return its value, raising the engine's error as ours."""
        if self.on_blocking is not None:
            self.on_blocking(request)
        future = self.submit(request)
        try:
            reply: p.Reply = future.result(timeout)
        except FutureTimeout:
            raise JobTimeout("the engine did not answer in time") from None
        if reply.error is not None:
            raise reply.error.to_exception()
        if isinstance(request, p.InitStore):
            self._login = p.Unlock(username=request.admin, password=request.password)
        return reply.value

    def _remember_login(self, future: Future, request: p.Request) -> None:
        if future.exception() is None and future.result().error is None:
            self._login = request

    def forget_login(self) -> None:
        """Drop the remembered credentials (the desktop's idle lock)."""
        self._login = None

    # --- events -----------------------------------------------------------------------

    def events(self, timeout: float | None = None) -> Iterator[p.Event]:
        """Yield events until ``timeout`` seconds pass with none."""
        while True:
            try:
                yield self._events.get(timeout=timeout)
            except queue.Empty:
                return

    def wait_jobs(
        self, job_ids: Iterable[str], *, on_event: Callable[[p.Event], None] | None = None,
        poll_s: float = 5.0, timeout: float | None = None,
    ) -> dict[str, p.JobInfo]:
        """Block until every job is terminal; survive engine restarts by re-querying."""
        open_ids = set(job_ids)
        done: dict[str, p.JobInfo] = {}
        deadline = None if timeout is None else time.monotonic() + timeout
        last_poll = 0.0
        while open_ids:
            if deadline is not None and time.monotonic() > deadline:
                raise JobTimeout("jobs did not finish in time", {"open": len(open_ids)})
            now = time.monotonic()
            if now - last_poll >= poll_s:
                last_poll = now
                for job_id in list(open_ids):
                    try:
                        info = self.request(p.GetJob(job_id=job_id), timeout=60)
                    except WorkerCrashed:
                        break  # the restart brings a fresh engine; poll again then
                    if info.state.terminal:
                        done[job_id] = info
                        open_ids.discard(job_id)
                if not open_ids:
                    break
            try:
                event = self._events.get(timeout=min(poll_s, 0.5))
            except queue.Empty:
                continue
            if on_event is not None:
                on_event(event)
            job_id = getattr(event, "job_id", None)
            if isinstance(event, (p.JobFinished, p.JobFailed)) and job_id in open_ids:
                last_poll = 0.0  # fetch the final row (state, result) right away
            elif isinstance(event, p.EngineRestarted):
                last_poll = 0.0
        return done

    # --- engine process ---------------------------------------------------------------

    def _spawn(self) -> _Incarnation:
        requests = self._ctx.Queue()
        events = self._ctx.Queue()
        process = self._ctx.Process(
            target=_engine_entry, args=(requests, events, str(self.data_dir)),
            kwargs={"leave_a_core": True} if self.leave_a_core else {},
            name="hntai-engine", daemon=True,
        )
        process.start()
        deadline = time.monotonic() + self.start_timeout
        while True:
            try:
                first = events.get(timeout=0.5)
            except queue.Empty:
                if not process.is_alive() or time.monotonic() > deadline:
                    process.kill()
                    raise WorkerCrashed("the engine process failed to start") from None
                continue
            break
        if isinstance(first, p.Reply) and first.error is not None:
            process.join(10)  # refused (STORE_BUSY): it has already let go of everything
            raise first.error.to_exception()
        if not isinstance(first, p.EngineReady) or first.protocol_version != p.PROTOCOL_VERSION:
            process.kill()
            raise VersionMismatch("engine and client speak different protocol versions")
        log.info("engine_ready", extra={"engine_pid": first.pid})
        return _Incarnation(process, requests, events)

    def _read_loop(self) -> None:
        while True:
            inc = self._inc
            if inc is None:
                return
            try:
                event = inc.events.get(timeout=0.2)
            except queue.Empty:
                if inc.process.is_alive():
                    continue
                if self._closing or not self._handle_death():
                    return
                continue
            except (EOFError, OSError):
                if self._closing or not self._handle_death():
                    return
                continue
            self._dispatch(event)

    def _dispatch(self, event: p.Event) -> None:
        if isinstance(event, p.Reply):
            with self._lock:
                future = self._pending.pop(event.request_id, None)
            if future is not None:
                future.set_result(event)
            return
        if self.queue_events:
            self._events.put(event)
        if self.on_event is not None:
            self.on_event(event)

    def _fail_pending(self, message: str, *, restarting: bool = False) -> None:
        with self._lock:
            self._restarting = restarting
            pending, self._pending = self._pending, {}
        for future in pending.values():
            if not future.done():
                future.set_exception(WorkerCrashed(message))

    def _handle_death(self) -> bool:
        """Fail open requests, then (if allowed) start a new engine; False ends the reader."""
        code = self._inc.process.exitcode if self._inc else None
        log.warning("engine_died", extra={"exitcode": code})
        self._fail_pending("the engine stopped unexpectedly", restarting=True)
        if not self.auto_restart or self.restarts >= self.max_restarts:
            return self._give_up("engine died; not restarted")
        self.restarts += 1
        try:
            self._inc = self._spawn()
            if self._login is not None:
                self._replay_login(self._login)
        except StoreBusy:
            # Another window or command took the folder after this engine died: trying
            # again cannot help, and the user must be told that this window has no engine.
            log.warning("engine_restart_refused_store_busy")
            return self._give_up("engine died; not restarted: HNTAI is already open on this "
                                 "data folder")
        except Exception:
            log.exception("engine_restart_failed")
            if self.restarts < self.max_restarts:
                return True  # the reader finds this engine dead too and tries again
            return self._give_up("engine died; not restarted: the new engine did not start")
        with self._lock:
            self._restarting = False
        self._dispatch(p.EngineRestarted(reason=f"engine exited with code {code}",
                                         restarts=self.restarts))
        return True

    def _give_up(self, reason: str) -> bool:
        """Tell the front end that this client has no engine any more; False ends the
        reader."""
        self._dispatch(p.EngineRestarted(reason=reason, restarts=self.restarts, gave_up=True))
        return False

    def _replay_login(self, login: p.Request) -> None:
        """Log the new engine in so that it resumes the durable jobs (reader thread)."""
        assert self._inc is not None
        request = replace(login, request_id=next(self._ids))
        self._inc.requests.put(request)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            try:
                event = self._inc.events.get(timeout=0.5)
            except queue.Empty:
                if not self._inc.process.is_alive():
                    raise WorkerCrashed("the engine died during restart") from None
                continue
            if isinstance(event, p.Reply) and event.request_id == request.request_id:
                return
            self._dispatch(event)
        raise WorkerCrashed("the restarted engine did not accept the login")
