"""The engine process: request loop, store session and job runner.

``engine_main`` is the child-process entry point (multiprocessing, spawn). Requests are
answered on the main thread one at a time, by the handlers of engine/handlers/; documents are
processed on the job runner's thread, so status and job queries answer while a long job runs.
Nothing here imports Qt.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import logging
import multiprocessing
import os
import queue
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from engine import __version__, airgap, tempfiles
from engine import protocol as p
from engine.cpu_share import model_threads
from engine.dictation import DictationWorker
from engine.errors import AuthFailed, HntaiError, InternalError, InvalidRequest
from engine.handlers import HANDLERS
from engine.handlers.scrubbing import clinical_data, scrub_with_site
from engine.handlers.session import Session
from engine.jobs.document import document_job
from engine.jobs.runner import JobRunner
from engine.jobs.summary import SummaryJob
from engine.logs import setup_logging
from engine.models import ModelManager
from engine.paths import model_dirs, models_config_path
from engine.pipeline import DictatedPipeline
from engine.store import Store, audit, retention
from engine.store import settings as store_settings

log = logging.getLogger("hntai.service")

RETENTION_EVERY_S = 3600.0


class EngineService:
    """The request loop: the open store, the job runner, the models, and the dispatch of
    each request to its handler."""

    def __init__(self, data_dir: Path, emit: Callable[[p.Event], None],
                 model_threads: int | None = None) -> None:
        self.data_dir = data_dir
        self.emit = emit
        self.store: Store | None = None
        self.runner: JobRunner | None = None
        self.running = True
        self._next_sweep = 0.0  # monotonic time of the next retention sweep
        self._blocked: collections.deque[str] = collections.deque(maxlen=1000)
        self.models = ModelManager.from_config(models_config_path(), model_dirs(data_dir),
                                               on_event=self._model_event,
                                               threads=model_threads)
        self.models.start_monitor()
        self.dictations: dict[str, tuple[DictationWorker, contextlib.ExitStack]] = {}
        self.dictated_texts: dict[str, str] = {}  # job id → text, in memory only

    # --- dispatch ---------------------------------------------------------------------

    def note_blocked(self, event: str) -> None:
        """Airgap reporter: may run on any thread; audited at the next request."""
        self._blocked.append(event)

    def _flush_blocked(self) -> None:
        if self.store is None or not self._blocked:
            return
        with self.store.db.transaction() as conn:
            while self._blocked:
                audit.append(conn, audit.AuditEvent(
                    "network.blocked", resource_type="network", response_status="denied",
                    request_data={"event": self._blocked.popleft()},
                ))

    def handle(self, request: p.Request) -> p.Reply:
        handler = HANDLERS.get(type(request))
        try:
            self._flush_blocked()
            if handler is None:
                raise InvalidRequest("unknown request", {"type": type(request).__name__})
            return p.Reply(request.request_id, value=handler(self, request))
        except HntaiError as exc:
            return p.Reply(request.request_id, error=p.ErrorInfo.of(exc))
        except Exception as exc:  # a bug in one request must not end the engine
            log.exception("request_crashed", extra={"request": type(request).__name__})
            err = InternalError("unexpected engine failure", {"error": type(exc).__name__})
            return p.Reply(request.request_id, error=p.ErrorInfo.of(err))

    def serve(self, requests: multiprocessing.Queue) -> None:
        parent = multiprocessing.parent_process()
        while self.running:
            self._sweep_retention()
            try:
                request = requests.get(timeout=0.5)
            except queue.Empty:
                if parent is not None and not parent.is_alive():
                    log.info("parent_gone")  # the client died: finish cleanly, jobs stay queued
                    self.shutdown()
                continue
            self.emit(self.handle(request))

    # --- session ----------------------------------------------------------------------

    def session(self) -> Session:
        """The acting user's session; AUTH_FAILED while the store is locked."""
        if self.store is None:
            raise AuthFailed("the store is locked: log in first")
        return Session(self.store)

    def require(self, permission: p.Permission, resource_type: str | None = None,
                resource_id: str | None = None) -> Session:
        return self.session().require(permission, resource_type, resource_id)

    def open(self, store: Store) -> None:
        self.store = store
        self._next_sweep = 0.0  # soon after a store opens, then hourly
        scrub = functools.partial(scrub_with_site, store)
        pipeline = document_job(store, scrub, clinical_data, self.models)
        dictated = DictatedPipeline(store, scrub=scrub, clinical=clinical_data,
                                    texts=self.dictated_texts)
        self.runner = JobRunner(store, {p.JobKind.PROCESS_DOCUMENT: pipeline,
                                        p.JobKind.DICTATION: dictated,
                                        p.JobKind.SUMMARIZE: SummaryJob(store, self.models)},
                                self.emit)
        self.runner.start()

    def lock(self) -> None:
        if self.runner is not None:
            self.runner.stop()
            self.runner = None
        if self.store is not None:
            self.store.close()
            self.store = None

    def shutdown(self) -> None:
        self.lock()
        self.models.close()
        self.running = False

    def sweep_soon(self) -> None:
        self._next_sweep = 0.0

    def _sweep_retention(self) -> None:
        """Delete what the retention setting no longer keeps; a failure waits for the next."""
        store = self.store
        if store is None or time.monotonic() < self._next_sweep:
            return
        self._next_sweep = time.monotonic() + RETENTION_EVERY_S
        try:
            with store.db.transaction() as conn:
                days = int(store_settings.all_settings(conn)["retention.days"])
                result = retention.sweep(conn, days)
        except HntaiError as exc:
            log.warning("retention_failed", extra={"code": exc.code.value})
            return
        if result.documents:
            log.info("retention_deleted", extra={"documents": len(result.documents),
                                                 "summaries": result.summaries})

    # --- models -----------------------------------------------------------------------

    def _model_event(self, event: Mapping[str, Any]) -> None:
        """Loads, unloads and evictions go into the audit trail (no PHI in them)."""
        store = self.store  # read once: a monitor thread may call while the store locks
        if store is None:
            return
        session = Session(store)
        with session.write() as conn:
            session.audit(conn, f"model.{event['action']}", "model", str(event["model"]),
                          request_data={k: v for k, v in event.items()
                                        if k not in ("action", "model")})


def engine_main(requests: multiprocessing.Queue, events: multiprocessing.Queue,
                data_dir: str, leave_a_core: bool = False) -> None:
    """Child-process entry point. ``leave_a_core``: a window shares this machine."""
    os.umask(0o077)  # every file the engine creates (db, wal, logs) is owner-only
    path = Path(data_dir)
    tmp, leftovers = None, 0
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        setup_logging(path)
        tmp, leftovers = tempfiles.use_private_tmp(path)
    except OSError:  # a read-only or full data disk must not keep the engine from starting:
        log.warning("data_dir_unwritable")  # store requests then fail with STORAGE_* codes
    service = EngineService(path, events.put, model_threads(leave_a_core))
    airgap.install(service.note_blocked)
    log.info("engine_started", extra={"pid": os.getpid(), "version": __version__,
                                      "temp_leftovers_removed": leftovers})
    events.put(p.EngineReady(p.PROTOCOL_VERSION, __version__, os.getpid()))
    service.serve(requests)
    if tmp is not None:
        with contextlib.suppress(OSError):
            tempfiles.clear(tmp)
    log.info("engine_stopped")
