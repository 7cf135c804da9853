"""The engine process: request loop, store session and job runner.

``engine_main`` is the child-process entry point (multiprocessing, spawn). Requests are
answered on the main thread one at a time; documents are processed on the job runner's thread,
so status and job queries answer while a long job runs. Nothing here imports Qt.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import json
import logging
import multiprocessing
import os
import queue
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

from engine import __version__, airgap, tempfiles
from engine import protocol as p
from engine.clinical import ClinicalExtraction, extract_clinical, to_fhir_bundle
from engine.cpu_share import model_threads
from engine.dictation import DictationSession, DictationWorker
from engine.documents.audio import hotwords, language, transcript_document
from engine.documents.audio import transcribe as transcribe_audio
from engine.documents.file_names import NameJudge
from engine.errors import (
    AlreadyExists,
    AuthFailed,
    EmptyDocument,
    HntaiError,
    InternalError,
    InvalidRequest,
    PermissionDenied,
)
from engine.jobs import JobRunner
from engine.logs import setup_logging
from engine.models import ModelManager
from engine.models import bundle as model_bundle
from engine.models.config import load_config
from engine.models.registry import is_installed
from engine.paths import model_dirs, models_config_path
from engine.permissions import require
from engine.phi import Scrubber, ScrubPolicy, ScrubResult, site_lexicon
from engine.phi.site_lexicon import SiteLexicon
from engine.pipeline import DICTATION, DictatedPipeline, DocumentPipeline
from engine.status import collect_status
from engine.store import (
    Store,
    audit,
    backup,
    documents,
    records,
    retention,
    stand_ins,
    store_exists,
    summaries,
    users,
)
from engine.store import create as create_store
from engine.store import jobs as job_rows
from engine.store import settings as store_settings
from engine.store import unlock as unlock_store
from engine.store import unlock_with_recovery as recover_store
from engine.summary_job import SUMMARIZE, SummaryJob
from engine.utterance_asr import UtteranceRecognizer

log = logging.getLogger("hntai.service")


def shallow_dict(value: Any) -> dict[str, Any]:
    """A stored item as a reply: nested dataclasses become dicts, the lists and dicts just
    read from the store are passed as they are (``asdict`` copies them deeply, which for a
    long document's 15,000 PHI spans took longer than the read itself)."""
    return {f.name: shallow_dict(v) if is_dataclass(v := getattr(value, f.name)) else v
            for f in fields(value)}


PROCESS_DOCUMENT = "process_document"


def scrub_text(text: str, policy: str, record_secret: bytes,
               site: SiteLexicon | None = None) -> ScrubResult:
    return Scrubber(ScrubPolicy(policy), record_secret=record_secret, site=site).scrub(text)


def scrub_with_site(store: Store, text: str, policy: str, record_secret: bytes) -> ScrubResult:
    return scrub_text(text, policy, record_secret, site_lexicon_of(store))


def site_lexicon_of(store: Store) -> SiteLexicon | None:
    """The site lexicon file's terms, and the store's user names as staff names (compiled
    again only when either changes)."""
    with store.db.lock:
        path = store_settings.get(store.db.conn, "phi.site_lexicon")
        names = [u.username for u in users.list_all(store.db.conn)]
    return site_lexicon.build([path], names)


def clinical_data(scrubbed_text: str) -> dict[str, Any]:
    return extract_clinical(scrubbed_text).to_dict()


ENTITY_CHUNK = 1000


def entity_chunks(entities: list[dict[str, Any]]) -> dict[str, Any]:
    """Entities as JSON text, ENTITY_CHUNK to a string: a window decodes one string per
    turn of its event loop. Tens of thousands of them as objects would be decoded at once by
    the client's reader thread, holding the window's interpreter for as long (0.4 s)."""
    return {"entity_count": len(entities),
            "entity_chunks": [json.dumps(entities[at:at + ENTITY_CHUNK])
                              for at in range(0, len(entities), ENTITY_CHUNK)]}


def job_info(job: job_rows.JobRow) -> p.JobInfo:
    error = p.ErrorInfo(job.error_code, job.error_message or "") if job.error_code else None
    return p.JobInfo(
        id=job.id, kind=job.kind, state=job.state, priority=job.priority, attempts=job.attempts,
        stage=job.stage, source_name=job.payload.get("source_name"), created_at=job.created_at,
        finished_at=job.finished_at, result=job.result, error=error,
        record_id=job.payload.get("record_id"),
    )


RETENTION_EVERY_S = 3600.0


class EngineService:
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
        self._dictations: dict[str, tuple[DictationWorker, contextlib.ExitStack]] = {}
        self._dictated_texts: dict[str, str] = {}  # job id → text, in memory only
        self._handlers: dict[type, Callable[[Any], Any]] = {
            p.InitStore: self._init, p.Unlock: self._unlock,
            p.UnlockWithRecovery: self._unlock_recovery, p.Lock: self._lock,
            p.AddUser: self._add_user, p.DisableUser: self._disable_user,
            p.SetPassword: self._set_password, p.ListUsers: self._list_users,
            p.ProcessDocument: self._process, p.ShowableNames: self._showable_names,
            p.CancelJob: self._cancel, p.RetryJob: self._retry,
            p.GetJob: self._get_job, p.ListJobs: self._list_jobs,
            p.ListRecords: self._list_records, p.ListDocuments: self._list_documents,
            p.FindRecord: self._find_record, p.SetRecordMrn: self._set_record_mrn,
            p.SetRecordLabel: self._set_record_label,
            p.GetDocument: self._get_document, p.GetRecordFacts: self._get_record_facts,
            p.GetStatus: self._status,
            p.GetSettings: self._get_settings, p.PutSetting: self._put_setting,
            p.GetSiteLexicon: self._get_site_lexicon,
            p.AuditVerify: self._audit_verify, p.AuditExport: self._audit_export,
            p.Export: self._export, p.Summarize: self._summarize,
            p.GetSummary: self._get_summary, p.ListModels: self._list_models,
            p.ImportModels: self._import_models,
            p.LoadModel: self._load_model, p.UnloadModel: self._unload_model,
            p.StartDictation: self._start_dictation, p.DictationAudio: self._dictation_audio,
            p.StopDictation: self._stop_dictation, p.SaveDictation: self._save_dictation,
            p.ListAudit: self._list_audit,
            p.Shutdown: self._shutdown,
            p.BackupStore: self._backup, p.RestoreStore: self._restore,
        }

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
        handler = self._handlers.get(type(request))
        try:
            self._flush_blocked()
            if handler is None:
                raise InvalidRequest("unknown request", {"type": type(request).__name__})
            return p.Reply(request.request_id, value=handler(request))
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
                    self._shutdown(None)
                continue
            self.emit(self.handle(request))

    # --- session ----------------------------------------------------------------------

    def _open(self, store: Store) -> None:
        self.store = store
        self._next_sweep = 0.0  # soon after a store opens, then hourly
        scrub = functools.partial(scrub_with_site, store)
        pipeline = DocumentPipeline(store, scrub=scrub, clinical=clinical_data,
                                    transcribe=self._transcribe)
        dictated = DictatedPipeline(store, scrub=scrub, clinical=clinical_data,
                                    texts=self._dictated_texts)
        self.runner = JobRunner(store, {PROCESS_DOCUMENT: pipeline, DICTATION: dictated,
                                        SUMMARIZE: SummaryJob(store, self.models)}, self.emit)
        self.runner.start()

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

    def _session_store(self) -> Store:
        if self.store is None:
            raise AuthFailed("the store is locked: log in first")
        return self.store

    def _require(self, permission: str, resource_type: str | None = None,
                 resource_id: str | None = None) -> Store:
        store = self._session_store()
        try:
            require(store.session.role, permission)
        except PermissionDenied as exc:
            self._audit_denied(store, permission, resource_type, resource_id, exc)
            raise
        return store

    @staticmethod
    def _audit_denied(store: Store, action: str, resource_type: str | None,
                      resource_id: str | None, exc: PermissionDenied) -> None:
        """A refusal goes on record in its own transaction: the refused one is rolled back."""
        with store.db.transaction() as conn:
            audit.append(conn, audit.AuditEvent(
                action, user_id=store.session.username, resource_type=resource_type,
                resource_id=resource_id, response_status="denied",
                error_message=exc.code.value,
            ))

    def _init(self, req: p.InitStore) -> p.InitResult:
        if self.store is not None:
            raise InvalidRequest("a store is already open")
        store, recovery = create_store(self.data_dir, req.admin, req.password)
        self._open(store)
        return p.InitResult(req.admin, recovery)

    def _unlock(self, req: p.Unlock) -> p.UserInfo:
        return self._adopt(unlock_store(self.data_dir, req.username, req.password))

    def _unlock_recovery(self, req: p.UnlockWithRecovery) -> p.UserInfo:
        return self._adopt(recover_store(self.data_dir, req.recovery_key, req.username))

    def _adopt(self, store: Store) -> p.UserInfo:
        """First login opens the store; a later one (unlock after idle lock, user switch)
        only changes who is acting, so running jobs carry on."""
        if self.store is None:
            self._open(store)
        else:
            self.store.session = store.session
            store.close()
        return p.UserInfo(self.store.session.username, self.store.session.role.value, False)

    def _lock(self, _req: Any) -> None:
        if self.runner is not None:
            self.runner.stop()
            self.runner = None
        if self.store is not None:
            self.store.close()
            self.store = None

    def _shutdown(self, _req: Any) -> None:
        self._lock(None)
        self.models.close()
        self.running = False

    # --- models and summaries ---------------------------------------------------------

    def _transcribe(self, path: Path, checkpoint: Callable[[], None]):
        with self.models.lease("transcription") as whisper:
            transcript = transcribe_audio(whisper.whisper, path, checkpoint=checkpoint)
        return transcript_document(path, transcript)

    # --- dictation --------------------------------------------------------------------

    def _start_dictation(self, _req: p.StartDictation) -> str:
        """Audio stays in engine memory only; nothing is kept unless the text is saved."""
        session_id = "S-" + secrets.token_hex(6)
        stack = contextlib.ExitStack()
        whisper = stack.enter_context(self.models.lease("transcription"))

        recognize = UtteranceRecognizer(whisper.whisper, hotwords(), language(whisper.whisper))
        session = DictationSession(
            recognize, lambda text: self.emit(p.DictationPartial(session_id, text)),
            lambda utterance, text: self.emit(p.DictationFinal(session_id, utterance, text)))
        self._dictations[session_id] = (DictationWorker(session), stack)
        return session_id

    def _dictation(self, session_id: str) -> tuple[DictationWorker, contextlib.ExitStack]:
        found = self._dictations.get(session_id)
        if found is None:
            raise InvalidRequest("no such dictation session")
        return found

    def _dictation_audio(self, req: p.DictationAudio) -> None:
        self._dictation(req.session_id)[0].feed(req.pcm16)

    def _stop_dictation(self, req: p.StopDictation) -> dict[str, Any]:
        worker, stack = self._dictation(req.session_id)
        try:
            text = worker.stop()
        finally:
            del self._dictations[req.session_id]
            stack.close()
        if not req.save:
            return {"text": text, "job": None}
        return {"text": text, "job": self._store_dictation(text, req.record_id)}

    def _save_dictation(self, req: p.SaveDictation) -> p.JobInfo:
        return self._store_dictation(req.text, req.record_id)

    def _store_dictation(self, text: str, record_id: str | None) -> p.JobInfo:
        if not text.strip():
            raise EmptyDocument("nothing was dictated")
        store = self._require("document.submit")
        with store.db.transaction() as conn:
            if record_id:
                records.require(conn, record_id)
            record_id = record_id or records.new_id()  # written with the document
            job = self._submit_job(store, conn, DICTATION,
                                   {"record_id": record_id, "source_name": "dictation"},
                                   0, {"record_id": record_id})
        self._dictated_texts[job.id] = text
        return self._acknowledge(job)

    def _model_event(self, event: Mapping[str, Any]) -> None:
        """Loads, unloads and evictions go into the audit trail (no PHI in them)."""
        store = self.store
        if store is None:
            return
        with store.db.transaction() as conn:
            audit.append(conn, audit.AuditEvent(
                f"model.{event['action']}", user_id=store.session.username,
                resource_type="model", resource_id=str(event["model"]),
                request_data={k: v for k, v in event.items() if k not in ("action", "model")},
            ))

    def _summarize(self, req: p.Summarize) -> p.JobInfo:
        store = self._require("summary.create", "record", req.record_id)
        if not req.record_id and not req.document_ids:
            raise InvalidRequest("name a record or documents to summarize")
        with store.db.transaction() as conn:
            job = self._submit_job(
                store, conn, SUMMARIZE,
                {"record_id": req.record_id, "document_ids": list(req.document_ids),
                 "model": req.model, "use_model": req.use_model, "use_cache": req.use_cache},
                req.priority, {"record_id": req.record_id, "documents": len(req.document_ids)})
        return self._acknowledge(job)

    def _get_summary(self, req: p.GetSummary) -> dict[str, Any]:
        value = self._audited_read("summary.create", "summary", req.summary_id, summaries.get)
        store = self._session_store()
        with store.db.lock:  # so that the view can tag stand-ins in the summary's text too
            value["stand_ins"] = [asdict(s) for s in stand_ins.of_documents(
                store.db.conn, value["document_ids"])]
        return value

    def _list_models(self, _req: p.ListModels) -> list[dict[str, Any]]:
        loaded = {s.name: asdict(s) for s in self.models.status()}
        config, dirs = self.models.config, self.models.model_dirs
        return [{"name": m.name, "task": m.task, "backend": m.backend,
                 "is_default": m.is_default, "loaded": m.name in loaded,
                 "installed": is_installed(m, dirs),
                 # its place in its task's fallback chain; None when the chain skips it
                 "chain": {n: i for i, n in enumerate(config.chain(m.task))}.get(m.name),
                 **loaded.get(m.name, {})} for m in config.models.values()]

    def _load_model(self, req: p.LoadModel) -> dict[str, Any]:
        self._require("models.admin", "model", req.name)
        if req.name not in self.models.config.models:
            raise InvalidRequest("no such model in models_config.json", {"model": req.name})
        return asdict(self.models.load(req.name))

    def _import_models(self, req: p.ImportModels) -> dict[str, Any]:
        """The same verified import as ``hntai models import``, audited, and the new models
        usable at once (no restart, no file edited by hand)."""
        store = self._require("models.admin", "model_bundle")
        try:
            result = model_bundle.import_to_machine(Path(req.path))
        except HntaiError as exc:
            self._audit_outcome(store, "models.import", exc, resource_type="model_bundle")
            raise
        self.models.reload_config(load_config(models_config_path()))
        summary = {"models": list(result.models), "files": result.files, "bytes": result.bytes}
        self._audit_outcome(store, "models.import", None, summary, resource_type="model_bundle",
                            resource_id=result.bundle_sha256[:16])
        return summary

    def _unload_model(self, req: p.UnloadModel) -> bool:
        self._require("models.admin", "model", req.name)
        return self.models.unload(req.name)

    # --- users ------------------------------------------------------------------------

    def _add_user(self, req: p.AddUser) -> p.UserInfo:
        store = self._require("user.admin", "user", req.username)
        users.check_username(req.username)
        users.check_password(req.password)
        try:
            role = users.Role(req.role)
        except ValueError:
            raise InvalidRequest("role must be admin, clinician or clerk") from None
        with store.db.transaction() as conn:
            users.insert(conn, req.username, role)
            audit.append(conn, audit.AuditEvent(
                "user.add", user_id=store.session.username, resource_type="user",
                resource_id=req.username, request_data={"role": role.value},
            ))
        store.set_password(req.username, req.password)
        return p.UserInfo(req.username, role.value, False)

    def _disable_user(self, req: p.DisableUser) -> p.UserInfo:
        store = self._require("user.admin", "user", req.username)
        if req.username == store.session.username and req.disabled:
            raise InvalidRequest("you cannot disable your own account")
        with store.db.transaction() as conn:
            users.set_disabled(conn, req.username, req.disabled)
            audit.append(conn, audit.AuditEvent(
                "user.disable" if req.disabled else "user.enable",
                user_id=store.session.username, resource_type="user", resource_id=req.username,
            ))
            user = users.get(conn, req.username)
        return p.UserInfo(user.username, user.role.value, user.disabled)

    def _set_password(self, req: p.SetPassword) -> None:
        store = self._session_store()
        if req.username != store.session.username:
            self._require("user.admin", "user", req.username)
        users.check_password(req.password)
        with store.db.transaction() as conn:
            users.get(conn, req.username)
            users.touch_password(conn, req.username)
            audit.append(conn, audit.AuditEvent(
                "user.passwd", user_id=store.session.username, resource_type="user",
                resource_id=req.username,
            ))
        store.set_password(req.username, req.password)

    def _list_users(self, _req: p.ListUsers) -> list[p.UserInfo]:
        store = self._require("user.admin")
        with store.db.lock:
            return [p.UserInfo(u.username, u.role.value, u.disabled)
                    for u in users.list_all(store.db.conn)]

    # --- jobs -------------------------------------------------------------------------

    def _submit_job(self, store: Store, conn, kind: str, payload: dict[str, Any],
                    priority: int, audit_data: dict[str, Any]) -> job_rows.JobRow:
        """Insert a job and its audit row in the caller's transaction."""
        job = job_rows.insert(
            conn, kind, payload, priority=priority,
            max_attempts=int(store_settings.get(conn, "jobs.max_attempts")),
            timeout_s=float(store_settings.get(conn, "jobs.timeout_s")),
            submitted_by=store.session.username,
        )
        audit.append(conn, audit.AuditEvent(
            "job.submit", user_id=store.session.username, resource_type="job",
            resource_id=job.id, request_data={"kind": kind, "priority": priority, **audit_data},
        ))
        return job

    def _acknowledge(self, job: job_rows.JobRow) -> p.JobInfo:
        # Called after the transaction: a job is acknowledged only once its row is committed.
        assert self.runner is not None
        self.runner.wake()
        return job_info(job)

    def _process(self, req: p.ProcessDocument) -> p.JobInfo:
        store = self._require("document.submit")
        # Links are resolved, checked and opened when the job runs (engine/documents/source):
        # the submitted path is kept as it was given, made absolute.
        path = Path(os.path.abspath(Path(req.path).expanduser()))
        # The file name is judged like text: only a plainly harmless one is kept.
        judge = NameJudge.build(site_lexicon_of(store))
        with store.db.transaction() as conn:
            # A new record is written with its first document (engine/store/records.py).
            record_id = req.record_id or records.new_id()
            if req.record_id:
                records.require(conn, record_id)
            name = judge.source_name(path.name, documents.next_number(conn, record_id))
            job = self._submit_job(
                store, conn, PROCESS_DOCUMENT,
                {"path": str(path), "record_id": record_id, "source_name": name},
                req.priority, {"record_id": record_id})
        return self._acknowledge(job)

    def _showable_names(self, req: p.ShowableNames) -> list[str | None]:
        store = self._require("document.submit")
        judge = NameJudge.build(site_lexicon_of(store))
        return [judge.shown(name) for name in req.names]

    def _cancel(self, req: p.CancelJob) -> p.JobInfo:
        store = self._require("job.control", "job", req.job_id)
        assert self.runner is not None
        return job_info(self.runner.cancel(req.job_id, store.session.username))

    def _retry(self, req: p.RetryJob) -> p.JobInfo:
        store = self._require("job.control", "job", req.job_id)
        with store.db.transaction() as conn:
            job = job_rows.get(conn, req.job_id)
            if job.state not in ("failed", "cancelled"):
                raise InvalidRequest("only failed or cancelled jobs can be retried")
            if job.kind == PROCESS_DOCUMENT and "path" not in job.payload:
                # Dropped when the file itself was refused (engine/jobs.py): it may name
                # the patient.
                raise InvalidRequest("HNTAI does not keep where a refused file was: add the "
                                     "file again")
            job_rows.retry_failed(conn, job.id)
            audit.append(conn, audit.AuditEvent(
                "job.retry", user_id=store.session.username, resource_type="job",
                resource_id=job.id, request_data={"reason": "user"},
            ))
            job = job_rows.get(conn, job.id)
        return self._acknowledge(job)

    def _get_job(self, req: p.GetJob) -> p.JobInfo:
        store = self._require("job.view")
        with store.db.lock:
            return job_info(job_rows.get(store.db.conn, req.job_id))

    def _list_jobs(self, req: p.ListJobs) -> list[p.JobInfo]:
        store = self._require("job.view")
        with store.db.lock:
            return [job_info(j) for j in job_rows.list_recent(store.db.conn, req.limit,
                                                             tuple(req.states))]

    # --- records and documents --------------------------------------------------------

    def _list_records(self, _req: p.ListRecords) -> list[dict[str, Any]]:
        store = self._require("record.list")
        with store.db.lock:
            return [asdict(r) for r in records.list_all(store.db.conn)]

    # Record identity: the MRN and the label are audited by what happened, never by value
    # (the label is typed by a person and may hold PHI despite the warning).

    def _find_record(self, req: p.FindRecord) -> dict[str, Any] | None:
        store = self._require("record.find", "record")
        with store.db.transaction() as conn:
            found = records.find_by_mrn(conn, req.mrn)
            audit.append(conn, audit.AuditEvent(
                "record.find", user_id=store.session.username, resource_type="record",
                resource_id=found.id if found else None,
                request_data={"by": "mrn", "found": found is not None},
            ))
        return asdict(found) if found else None

    def _set_record_mrn(self, req: p.SetRecordMrn) -> dict[str, Any]:
        store = self._require("record.mrn", "record", req.record_id)
        with store.db.lock:
            linked = records.info(store.db.conn, req.record_id).mrn_linked
        if linked:
            self._require("record.mrn_change", "record", req.record_id)
        try:
            with store.db.transaction() as conn:
                info = records.set_mrn(conn, req.record_id, req.mrn)
                audit.append(conn, audit.AuditEvent(
                    "record.mrn", user_id=store.session.username, resource_type="record",
                    resource_id=req.record_id,
                    request_data={"linked": info.mrn_linked, "replaced": linked},
                ))
        except AlreadyExists as exc:  # the refusal names the other record: on record too
            self._audit_outcome(store, "record.mrn", exc, resource_type="record",
                                resource_id=req.record_id)
            raise
        return asdict(info)

    def _set_record_label(self, req: p.SetRecordLabel) -> dict[str, Any]:
        store = self._require("record.label", "record", req.record_id)
        label = records.clean_label(req.label)
        found = Scrubber(site=site_lexicon_of(store)).detect(label) if label else []
        if found:  # only the kinds found go back and into the audit, never the text
            kinds = sorted({str(getattr(d.type, "value", d.type)) for d in found})
            error = InvalidRequest("the label looks like it holds an identifier",
                                   {"types": kinds})
            self._audit_outcome(store, "record.label", error, {"types": kinds},
                                resource_type="record", resource_id=req.record_id)
            raise error
        with store.db.transaction() as conn:
            info = records.set_label(conn, req.record_id, label or "")
            audit.append(conn, audit.AuditEvent(
                "record.label", user_id=store.session.username, resource_type="record",
                resource_id=req.record_id, request_data={"labelled": info.label is not None},
            ))
        return asdict(info)

    def _list_documents(self, req: p.ListDocuments) -> list[dict[str, Any]]:
        store = self._require("document.list")
        with store.db.lock:
            return [asdict(m) for m in documents.list_meta(store.db.conn, req.record_id)]

    def _get_document(self, req: p.GetDocument) -> dict[str, Any]:
        facts = req.part == "facts"
        if req.part not in documents.CONTENT_PARTS and not facts:
            raise InvalidRequest("part must be all, text, extraction or facts")
        part = "extraction" if facts else req.part
        value = self._audited_read("document.read", "document", req.document_id,
                                   lambda conn, doc_id: documents.get_content(conn, doc_id,
                                                                              part))
        if facts:  # for tables that mark replaced values (a moved date)
            extraction = dict(value["extraction"] or {})
            value["extraction"] = {**extraction,
                                   **entity_chunks(extraction.pop("entities", ()))}
            store = self._session_store()
            with store.db.lock:
                value["stand_ins"] = [asdict(s) for s in stand_ins.of_documents(
                    store.db.conn, [req.document_id])]
        return value

    def _get_record_facts(self, req: p.GetRecordFacts) -> dict[str, Any]:
        """Every document's facts in one reply and one audit entry (counts only): the
        record's clinical tables merge them."""
        store = self._require("document.read", "record", req.record_id)
        with store.db.transaction() as conn:
            records.get(conn, req.record_id)  # NOT_FOUND for no such record
            metas = sorted(documents.list_meta(conn, req.record_id), key=lambda m: m.created_at)
            entities: list[dict[str, Any]] = []
            no_known_allergies = False
            for meta in metas if req.entities else ():
                extraction = documents.get_content(conn, meta.id, "extraction").extraction or {}
                no_known_allergies |= bool(extraction.get("no_known_allergies"))
                entities += [{**e, "document_id": meta.id}
                             for e in extraction.get("entities", ())]
            replaced = stand_ins.of_documents(conn, [m.id for m in metas])
            audit.append(conn, audit.AuditEvent(
                "record.facts", user_id=store.session.username, resource_type="record",
                resource_id=req.record_id, phi_accessed=True,
                request_data={"documents": len(metas), "entities": len(entities)},
            ))
        return {"record_id": req.record_id, **entity_chunks(entities),
                "no_known_allergies": no_known_allergies,
                "documents": [{"id": m.id, "source_name": m.source_name, "kind": m.kind,
                               "created_at": m.created_at} for m in metas],
                "stand_ins": [asdict(s) for s in replaced]}

    def _audited_read(self, permission: str, resource_type: str, resource_id: str,
                      fetch: Callable[[Any, str], Any]) -> dict[str, Any]:
        """Read PHI-bearing content and record the read in the same transaction."""
        store = self._require(permission, resource_type, resource_id)
        with store.db.transaction() as conn:
            value = fetch(conn, resource_id)
            audit.append(conn, audit.AuditEvent(
                f"{resource_type}.read", user_id=store.session.username,
                resource_type=resource_type, resource_id=resource_id, phi_accessed=True,
            ))
        return shallow_dict(value)

    def _export(self, req: p.Export) -> dict[str, Any]:
        """A document's or record's extracted data as FHIR R4 or JSON (audited, PHI-free:
        everything in it comes from scrubbed text)."""
        if req.fmt not in ("fhir", "json"):
            raise InvalidRequest("export format must be fhir or json")
        store = self._require("export", "export", req.target_id)
        with store.db.transaction() as conn:
            if req.target_id.startswith("R-"):
                record = records.get(conn, req.target_id)
                doc_ids = [m.id for m in documents.list_meta(conn, record.id)]
            else:
                doc_ids = [documents.get_meta(conn, req.target_id).id]
            contents = [documents.get_content(conn, d) for d in doc_ids]
            audit.append(conn, audit.AuditEvent(
                "export", user_id=store.session.username, resource_type="export",
                resource_id=req.target_id, phi_accessed=True,
                request_data={"format": req.fmt, "documents": len(doc_ids)},
            ))
        if req.fmt == "json":
            return {"documents": [{"document_id": c.meta.id, "record_id": c.meta.record_id,
                                   "extraction": c.extraction} for c in contents]}
        entries: list[dict[str, Any]] = []
        for content in contents:
            extraction = ClinicalExtraction.from_dict(content.extraction or {})
            bundle = to_fhir_bundle(extraction, patient_id=content.meta.record_id,
                                    document_id=content.meta.id)
            entries += bundle["entry"] if not entries else bundle["entry"][1:]
        return {"resourceType": "Bundle", "type": "collection", "entry": entries}

    # --- status, settings, audit ------------------------------------------------------

    def _status(self, _req: p.GetStatus) -> p.EngineStatus:
        status = collect_status(self.store, tuple(asdict(m) for m in self.models.status()),
                                self.models.metrics_text())
        probe = self.models.probe()  # the device the manager would place models on
        memory = {**status.memory, "device": "cuda" if probe.vram_total else "cpu",
                  "vram_total_bytes": probe.vram_total, "vram_free_bytes": probe.vram_free}
        return replace(status, memory=memory, initialized=store_exists(self.data_dir))

    def _get_settings(self, _req: p.GetSettings) -> dict[str, Any]:
        store = self._session_store()
        with store.db.lock:
            return store_settings.all_settings(store.db.conn)

    def _get_site_lexicon(self, _req: p.GetSiteLexicon) -> p.SiteLexiconInfo:
        site = site_lexicon_of(self._session_store())
        if site is None:
            return p.SiteLexiconInfo(0, 0, 0)
        return p.SiteLexiconInfo(len(site), site.listed, len(site) - site.listed)

    def _put_setting(self, req: p.PutSetting) -> None:
        store = self._require("settings.write", "setting", req.key)
        try:
            with store.db.transaction() as conn:
                store_settings.put(conn, req.key, req.value)
                audit.append(conn, audit.AuditEvent(
                    "settings.change", user_id=store.session.username, resource_type="setting",
                    resource_id=req.key, request_data={"value": req.value},
                ))
        except PermissionDenied as exc:  # fixed by the machine policy
            self._audit_denied(store, "settings.change", "setting", req.key, exc)
            raise
        if req.key == "retention.days":
            self._next_sweep = 0.0  # a shorter retention applies now, not in an hour

    def _audit_verify(self, _req: p.AuditVerify) -> p.AuditVerifyInfo:
        store = self._require("audit.read", "audit_log")
        with store.db.lock:
            result = audit.verify(store.db.conn)
        return p.AuditVerifyInfo(result.ok, result.entries, result.first_broken_id, result.reason)

    def _list_audit(self, req: p.ListAudit) -> list[dict[str, Any]]:
        store = self._require("audit.read", "audit_log")
        query = audit.AuditQuery(req.user_id, req.action, req.since, req.until, req.limit)
        with store.db.lock:
            return [asdict(e) for e in audit.search(store.db.conn, query)]

    def _audit_export(self, req: p.AuditExport) -> str:
        store = self._require("audit.read", "audit_log")
        if req.fmt not in ("csv", "jsonl"):
            raise InvalidRequest("export format must be csv or jsonl")
        with store.db.transaction() as conn:
            text = "".join(audit.export(conn, req.fmt))
            audit.append(conn, audit.AuditEvent(
                "audit.export", user_id=store.session.username, resource_type="audit_log",
                request_data={"format": req.fmt},
            ))
        return text

    # --- backup and restore -----------------------------------------------------------

    def _audit_outcome(self, store: Store, action: str, error: HntaiError | None,
                       data: Mapping[str, Any] | None = None, *, resource_type: str = "store",
                       resource_id: str | None = None) -> None:
        """One audit row for an admin operation that succeeded or failed (with its code)."""
        with store.db.transaction() as conn:
            audit.append(conn, audit.AuditEvent(
                action, user_id=store.session.username, resource_type=resource_type,
                resource_id=resource_id, request_data=data,
                response_status="failure" if error else "success",
                error_message=error.code.value if error else None,
            ))

    def _backup(self, req: p.BackupStore) -> dict[str, Any]:
        store = self._require("user.admin", "store")
        try:
            manifest = backup.write_backup(store.db, store.data_dir, Path(req.path))
        except HntaiError as exc:
            with contextlib.suppress(HntaiError):  # a full disk refuses the audit row too
                self._audit_outcome(store, "store.backup", exc)
            raise
        self._audit_outcome(store, "store.backup", None, {
            "audit_entries": manifest.audit_entries, "db_bytes": manifest.db_bytes})
        return asdict(manifest)

    def _restore(self, req: p.RestoreStore) -> dict[str, Any]:
        """Only a backup that passed every check replaces the store (admin of the backup,
        and of the open store if one is open); the replaced files are kept aside."""
        live = self._require("user.admin", "store") if self.store is not None else None
        replaced = None
        try:
            with backup.checked_backup(self.data_dir, Path(req.path), req.username,
                                       req.password) as checked:
                if not req.check_only:
                    self._lock(None)
                    replaced = backup.swap_in(checked, self.data_dir)
        except HntaiError as exc:
            if live is not None and self.store is live:
                with contextlib.suppress(HntaiError):
                    self._audit_outcome(live, "store.restore", exc)
            raise
        info = {**asdict(checked.manifest), "restored": not req.check_only,
                "replaced": replaced}
        if req.check_only:
            if live is not None:
                self._audit_outcome(live, "store.restore_check", None,
                                  {"audit_entries": checked.manifest.audit_entries})
            return info
        store = unlock_store(self.data_dir, req.username, req.password)
        self._audit_outcome(store, "store.restore", None, {
            "backup_created_at": checked.manifest.created_at,
            "audit_entries": checked.manifest.audit_entries, "replaced": replaced})
        self._open(store)
        return info


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
