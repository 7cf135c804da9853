"""The ``hntai`` command: every stateful command goes through a real engine process.

Global options: ``--data-dir`` (or HNTAI_DATA_DIR), ``--user`` (or HNTAI_USER); the password
comes from HNTAI_PASSWORD (automation) or a prompt. Exit codes: 0 success, 1 some input
failed, 2 usage/authentication/engine error, 3 audit chain broken.
"""

from __future__ import annotations

import argparse
import getpass
import json
import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any, TextIO

from engine import __version__
from engine import protocol as p
from engine.archive.command import add_arguments as add_archive_arguments
from engine.client import EngineClient
from engine.errors import AuthFailed, HntaiError, InvalidRequest, error_from_code
from engine.paths import default_data_dir
from engine.policy import machine_policy
from engine.secrets_env import take_secrets

EXIT_OK, EXIT_FAILED, EXIT_ERROR, EXIT_AUDIT_BROKEN = 0, 1, 2, 3


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _print_json(obj: Any, out: TextIO | None = None) -> None:
    out = out or sys.stdout  # looked up now, so that redirection (tests, demo) is honoured
    out.write(json.dumps(_plain(obj), sort_keys=True, default=str) + "\n")
    out.flush()


# The environment's passwords, taken out of it at start (main) so that the engine process
# and its children never inherit them; kept for every command run in this process.
_ENV_PASSWORDS: dict[str, str] = {}


def _password(prompt: str, env: str = "HNTAI_PASSWORD", confirm: bool = False) -> str:
    if value := _ENV_PASSWORDS.get(env):
        return value
    if not sys.stdin.isatty():
        raise InvalidRequest(f"no terminal to ask for a password: set {env}")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("Repeat: ") != first:
        raise InvalidRequest("the two passwords differ")
    return first


def _private_line(prompt: str, hidden: bool) -> str:
    """One line from the terminal (``hidden``: without echo), else the first line of stdin.
    An MRN or a label never goes on the command line, where ``ps`` and the shell history
    would keep it."""
    if sys.stdin.isatty():
        return getpass.getpass(prompt) if hidden else input(prompt)
    return sys.stdin.readline().rstrip("\r\n")


class Cli:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.data_dir = Path(args.data_dir).expanduser() if args.data_dir else default_data_dir()
        self._client: EngineClient | None = None

    @property
    def client(self) -> EngineClient:
        if self._client is None:
            self._client = EngineClient(self.data_dir).start()
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def login(self) -> None:
        user = self.args.user or os.environ.get("HNTAI_USER")
        if not user:
            raise AuthFailed("name a user with --user or HNTAI_USER")
        self.client.request(p.Unlock(username=user, password=_password(f"Password for {user}: ")))

    # --- commands ---------------------------------------------------------------------

    def init(self) -> int:
        password = _password(f"New password for {self.args.admin}: ", confirm=True)
        result: p.InitResult = self.client.request(
            p.InitStore(admin=self.args.admin, password=password))
        out = {"data_dir": str(self.data_dir), "admin": result.admin,
               "recovery_key": result.recovery_key}
        if self.args.json:
            _print_json(out)
        else:
            print(f"Created the HNTAI store in {self.data_dir} with admin '{result.admin}'.")
            print("Recovery key (shown once; store it offline, e.g. printed in a safe):")
            print(f"    {result.recovery_key}")
        return EXIT_OK

    def user(self) -> int:
        self.login()
        action = self.args.user_action
        if action == "add":
            password = _password(f"Password for new user {self.args.name}: ",
                                 env="HNTAI_NEW_PASSWORD", confirm=True)
            value = self.client.request(p.AddUser(username=self.args.name, role=self.args.role,
                                                  password=password))
        elif action in ("disable", "enable"):
            value = self.client.request(p.DisableUser(username=self.args.name,
                                                      disabled=action == "disable"))
        elif action == "passwd":
            password = _password(f"New password for {self.args.name}: ",
                                 env="HNTAI_NEW_PASSWORD", confirm=True)
            value = self.client.request(p.SetPassword(username=self.args.name, password=password))
        else:
            value = self.client.request(p.ListUsers())
        self._emit(value)
        return EXIT_OK

    def process(self) -> int:
        self.login()
        files = list(_expand(self.args.paths))
        if not files:
            raise InvalidRequest("no files found to process")
        jobs: dict[str, Path] = {}
        results: list[dict[str, Any]] = []
        record = self.args.record
        for path in files:
            try:
                info: p.JobInfo = self.client.request(p.ProcessDocument(
                    path=str(path), record_id=record, priority=self.args.priority))
                jobs[info.id] = path
                if self.args.one_record:
                    record = info.record_id
            except HntaiError as exc:
                results.append(_file_result(path, "failed", None, p.ErrorInfo.of(exc)))
        progress = _Progress(jobs) if sys.stderr.isatty() and not self.args.json else None
        done = self.client.wait_jobs(jobs, on_event=progress.update if progress else None)
        if progress:
            progress.finish()
        for job_id, path in jobs.items():
            info = done[job_id]
            doc_id = (info.result or {}).get("document_id")
            results.append(_file_result(path, info.state, doc_id, info.error, info.record_id,
                                        info.source_name))
        for row in results:
            if self.args.json:
                _print_json(row)
            else:
                err = row["error"]
                detail = f"{err['code']}: {err['message']}" if err else row["document_id"]
                print(f"{row['status']:<10} {row['file']}  {detail}")
        return EXIT_FAILED if any(r["status"] != "succeeded" for r in results) else EXIT_OK

    def jobs(self) -> int:
        self.login()
        jobs = self.client.request(p.ListJobs(limit=self.args.limit))
        if self.args.json:
            for job in jobs:
                _print_json(job)
        else:
            for job in jobs:
                err = f"{job.error.code}" if job.error else ""
                print(f"{job.id}  {job.state:<10} {job.stage or '':<9} {job.created_at}  {err}")
        return EXIT_OK

    def record(self) -> int:
        """Records by label, found by MRN: the engine keeps only a keyed hash of the MRN."""
        self.login()
        action, record_id = self.args.record_action, getattr(self.args, "record_id", "")
        if action == "list":
            value = self.client.request(p.ListRecords())
        elif action == "find":
            value = self.client.request(p.FindRecord(mrn=_private_line("MRN: ", True)))
            if value is None:
                print("no record is linked to this MRN", file=sys.stderr)
                return EXIT_FAILED
        elif action == "link":
            value = self.client.request(p.SetRecordMrn(
                record_id=record_id, mrn=_private_line("MRN (empty to unlink): ", True)))
        else:
            value = self.client.request(p.SetRecordLabel(record_id=record_id, label=_private_line(
                "Label (no names, dates or numbers of the patient; empty to remove): ", False)))
        self._emit(value)
        return EXIT_OK

    def status(self) -> int:
        if self.args.user or os.environ.get("HNTAI_USER"):
            self.login()
        status: p.EngineStatus = self.client.request(p.GetStatus())
        if self.args.metrics:
            fd = os.open(self.args.metrics, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(status.metrics)
        out = {"engine_alive": self.client.alive(),
               **{k: v for k, v in asdict(status).items() if k != "metrics"}}
        if self.args.json:
            _print_json(out)
        else:
            mem = status.memory
            print(f"engine     alive (pid {status.pid}), version {status.engine_version}")
            print(f"store      {'unlocked as ' + str(status.user) if status.unlocked else 'locked'}"
                  f"{'' if status.store_ok in (None, True) else ' - NOT OK'}")
            print(f"jobs       {dict(status.jobs) or '-'}")
            print(f"memory     {mem['available_bytes'] / 2**30:.1f} GiB free of "
                  f"{mem['total_bytes'] / 2**30:.1f} GiB")
            print(f"ocr        {'available' if status.ocr_available else 'MISSING'}")
            print("versions   " + ", ".join(f"{k} {v}" for k, v in status.versions.items()))
            for model in status.models:
                print(f"model      {model}")
        return EXIT_OK

    def audit(self) -> int:
        self.login()
        if self.args.audit_action == "verify":
            result: p.AuditVerifyInfo = self.client.request(p.AuditVerify())
            if self.args.json:
                _print_json(result)
            elif result.ok:
                print(f"audit chain intact: {result.entries} entries")
            else:
                print(f"audit chain BROKEN at entry {result.first_broken_id}: {result.reason}")
            return EXIT_OK if result.ok else EXIT_AUDIT_BROKEN
        text = self.client.request(p.AuditExport(fmt=self.args.format))
        if self.args.output:
            fd = os.open(self.args.output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
        else:
            sys.stdout.write(text)
        return EXIT_OK

    def scrub(self) -> int:
        """Stateless: scrubs stdin in this process, keeps nothing, needs no login. The site
        lexicon is the machine policy's and the one named, both when both are set."""
        from engine.phi import ScrubPolicy, site_lexicon
        from engine.phi.batch import run_scrub_stream

        policy_lexicon = machine_policy().site_lexicon
        site = site_lexicon.build([str(p) for p in (policy_lexicon, self.args.site_lexicon)
                                   if p])
        mode = "jsonl" if self.args.jsonl else "json" if self.args.json else "text"
        return run_scrub_stream(sys.stdin, sys.stdout, ScrubPolicy(self.args.policy), mode,
                                site)

    def extract(self) -> int:
        """Stateless: clinical extraction of stdin in this process, keeps nothing."""
        from engine.clinical.batch import run_extract_stream

        return run_extract_stream(sys.stdin, sys.stdout, "jsonl" if self.args.jsonl else "json")

    def summarize(self) -> int:
        self.login()
        info: p.JobInfo = self.client.request(p.Summarize(
            record_id=self.args.record, document_ids=tuple(self.args.documents or ()),
            model=self.args.model, use_model=not self.args.extractive,
            use_cache=not self.args.no_cache))
        live = sys.stderr.isatty() and not self.args.json

        def show(event: p.Event) -> None:
            if live and isinstance(event, p.JobText) and event.job_id == info.id:
                sys.stderr.write(event.text)
                sys.stderr.flush()

        done = self.client.wait_jobs([info.id], on_event=show)[info.id]
        if live:
            sys.stderr.write("\n")
        if done.state != "succeeded":
            err = done.error
            raise error_from_code(err.code, err.message) if err else InvalidRequest("failed")
        summary = self.client.request(p.GetSummary(summary_id=done.result["summary_id"]))
        if self.args.json:
            _print_json({"summary_id": summary["id"], "record_id": summary["record_id"],
                         "model": summary["model"], "cached": done.result.get("cached"),
                         **summary["content"]})
        else:
            print(summary["markdown"])
        return EXIT_OK

    def models(self) -> int:
        action = self.args.models_action
        if action in ("pack", "import"):
            return self.models_bundle()
        self.login()
        if action == "list":
            value = self.client.request(p.ListModels())
        elif action == "load":
            value = self.client.request(p.LoadModel(name=self.args.name))
        else:
            value = {"unloaded": self.client.request(p.UnloadModel(name=self.args.name))}
        self._emit(value)
        return EXIT_OK

    def models_bundle(self) -> int:
        """Offline provisioning, in this process with no engine and no login: import writes
        machine files, so it is the OS account that must be allowed to write them."""
        from engine.models import bundle

        if self.args.models_action == "pack":
            self._emit(bundle.pack_folder(Path(self.args.source), Path(self.args.output)))
        else:
            self._emit(bundle.import_to_machine(Path(self.args.bundle)))
        return EXIT_OK

    def transcribe(self) -> int:
        """Without --save: transcribe here, keep nothing, no login. With --save: each file
        becomes a stored (scrubbed, extracted, audited) document through the engine."""
        if self.args.save:
            self.args.record, self.args.one_record, self.args.priority = None, False, 0
            self.args.paths = self.args.files
            return self.process()
        from engine.documents.audio import transcribe
        from engine.models import ModelManager
        from engine.paths import model_dirs, models_config_path

        manager = ModelManager.from_config(models_config_path(), model_dirs(self.data_dir))
        failed = False
        with manager.lease("transcription") as whisper:
            for name in self.args.files:
                try:
                    t = transcribe(whisper.whisper, Path(name))
                    row = {"file": name, "text": t.text, "language": t.language,
                           "duration_s": t.duration_s,
                           "segments": [asdict(s) for s in t.segments]}
                except HntaiError as exc:
                    failed = True
                    row = {"file": name, "error": {"code": exc.code.value,
                                                   "message": exc.message}}
                if self.args.json:
                    _print_json(row)
                elif "error" in row:
                    print(f"{name}: {row['error']['code']}: {row['error']['message']}")
                else:
                    print(f"{name} ({row['language']}, {row['duration_s']} s)")
                    for seg in row["segments"]:
                        print(f"  [{seg['start']:7.2f} - {seg['end']:7.2f}] {seg['text']}")
        manager.close()
        return EXIT_FAILED if failed else EXIT_OK

    def dictate(self) -> int:
        """Stream a WAV through the live dictation path in 200 ms frames, as a microphone
        would, printing partial and final text as they arrive."""
        import time as _time

        import numpy as np
        from faster_whisper.audio import decode_audio

        if self.args.save:
            self.login()
        audio = decode_audio(str(self.args.from_wav), sampling_rate=16000)
        pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()
        frame = 3200 * 2  # 200 ms of 16-bit samples
        session = self.client.request(p.StartDictation())

        def show(event: p.Event) -> None:
            if isinstance(event, p.DictationPartial) and event.session_id == session:
                if self.args.json:
                    _print_json({"partial": event.text})
                else:
                    sys.stderr.write(f"\r… {event.text[-90:]:<92}")
                    sys.stderr.flush()
            elif isinstance(event, p.DictationFinal) and event.session_id == session:
                if self.args.json:
                    _print_json({"final": event.utterance})
                else:
                    sys.stderr.write(f"\r{' ' * 95}\r")
                    print(event.utterance, flush=True)

        start = _time.monotonic()
        for i in range(0, len(pcm), frame):
            self.client.request(p.DictationAudio(session_id=session, pcm16=pcm[i:i + frame]))
            for event in self.client.events(timeout=0):
                show(event)
            if not self.args.fast:  # pace like a live microphone
                _time.sleep(max(0.0, start + (i + frame) / 32000 - _time.monotonic()))
        result = self.client.request(p.StopDictation(session_id=session, save=self.args.save))
        for event in self.client.events(timeout=0.2):
            show(event)
        saved = None
        if result["job"] is not None:
            done = self.client.wait_jobs([result["job"].id])[result["job"].id]
            saved = (done.result or {}).get("document_id")
        if self.args.json:
            _print_json({"text": result["text"], "document_id": saved})
        else:
            print("\n" + result["text"])
            if saved:
                print(f"saved as {saved}")
        return EXIT_OK

    def export(self) -> int:
        self.login()
        data = self.client.request(p.Export(target_id=self.args.target, fmt=self.args.format))
        text = json.dumps(data, indent=2)
        if self.args.output:
            fd = os.open(self.args.output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
        else:
            print(text)
        return EXIT_OK

    def backup(self) -> int:
        """An encrypted copy of the store, made by the engine while it goes on serving."""
        self.login()
        self._emit(self.client.request(p.BackupStore(path=str(Path(self.args.output).resolve()))))
        return EXIT_OK

    def restore(self) -> int:
        """The backup is checked, as one of its own admins, before anything is replaced."""
        user = self.args.user or os.environ.get("HNTAI_USER")
        if not user:
            raise AuthFailed("name an admin of the backup with --user or HNTAI_USER")
        self._emit(self.client.request(p.RestoreStore(
            path=str(Path(self.args.backup).resolve()), username=user,
            password=_password(f"Password for {user} in the backup: "),
            check_only=self.args.check)))
        return EXIT_OK

    def archive(self) -> int:
        from engine.archive.command import run as run_archive

        return run_archive(self.args, self.data_dir, _password)

    def _emit(self, value: Any) -> None:
        if value is None:
            return
        if self.args.json:
            _print_json(value)
        else:
            for item in value if isinstance(value, list) else [value]:
                print(" ".join(f"{k}={v}" for k, v in _plain(item).items()))


def _file_result(path: Path, status: str, doc_id: str | None, error: p.ErrorInfo | None,
                 record_id: str | None = None, source_name: str | None = None) -> dict[str, Any]:
    # "file" echoes the argument as typed, to the user's own terminal; "source_name" is the
    # name HNTAI keeps (engine/documents/file_names.py).
    return {"file": str(path), "source_name": source_name, "status": status,
            "document_id": doc_id, "record_id": record_id,
            "error": {"code": error.code, "message": error.message} if error else None}


def _expand(paths: Sequence[str]):
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            yield from sorted(f for f in path.rglob("*") if f.is_file()
                              and not f.name.startswith("."))
        else:
            yield path


class _Progress:
    """One live line on stderr per running file: name, stage and a bar."""

    def __init__(self, jobs: dict[str, Path]) -> None:
        self.jobs = jobs
        self.done = 0

    def update(self, event: p.Event) -> None:
        if isinstance(event, p.JobProgress) and event.job_id in self.jobs:
            width = 24
            filled = width * event.value // max(event.maximum, 1)
            name = self.jobs[event.job_id].name[:32]
            sys.stderr.write(f"\r[{self.done}/{len(self.jobs)}] {name:<32} {event.stage:<8} "
                             f"[{'#' * filled}{'.' * (width - filled)}] "
                             f"{event.value}/{event.maximum}   ")
            sys.stderr.flush()
        elif isinstance(event, (p.JobFinished, p.JobFailed)) and event.job_id in self.jobs:
            self.done += 1

    def finish(self) -> None:
        sys.stderr.write("\r" + " " * 100 + "\r")
        sys.stderr.flush()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hntai", description="HNTAI offline clinical engine")
    parser.add_argument("--version", action="version", version=f"hntai {__version__}")
    parser.add_argument("--data-dir", default=None, help="data directory (HNTAI_DATA_DIR)")
    parser.add_argument("--user", default=None, help="user name (HNTAI_USER)")
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, handler: Callable[[Cli], int], help_text: str,
                json_flag: bool = True) -> argparse.ArgumentParser:
        cmd = sub.add_parser(name, help=help_text)
        cmd.set_defaults(handler=handler)
        if json_flag:
            cmd.add_argument("--json", action="store_true", help="machine-readable output")
        return cmd

    def action(parent: argparse._SubParsersAction, name: str) -> argparse.ArgumentParser:
        """A second-level command that also takes ``--json`` after its own name."""
        cmd = parent.add_parser(name)
        cmd.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                         help="machine-readable output")
        return cmd

    init = command("init", Cli.init, "create the encrypted store and its first admin")
    init.add_argument("--admin", required=True)

    user = command("user", Cli.user, "manage staff accounts (admin)")
    user_sub = user.add_subparsers(dest="user_action", required=True)
    add = action(user_sub, "add")
    add.add_argument("name")
    add.add_argument("--role", choices=("admin", "clinician", "clerk"), required=True)
    for name in ("disable", "enable", "passwd"):
        action(user_sub, name).add_argument("name")
    action(user_sub, "list")

    process = command("process", Cli.process, "extract, scrub and store documents")
    process.add_argument("paths", nargs="+", metavar="FILE_OR_DIR")
    process.add_argument("--record", default=None, help="add to this record (default: new)")
    process.add_argument("--one-record", action="store_true",
                         help="put all the files into one new record (one patient)")
    process.add_argument("--priority", type=int, default=0)

    record = command("record", Cli.record, "list records, find one by MRN, link an MRN or set "
                     "a label (MRN and label are read from the terminal or stdin, never argv)")
    record_sub = record.add_subparsers(dest="record_action", required=True)
    for name in ("list", "find"):
        action(record_sub, name)
    for name in ("link", "label"):
        action(record_sub, name).add_argument("record_id", metavar="RECORD")

    jobs = command("jobs", Cli.jobs, "list recent jobs")
    jobs.add_argument("--limit", type=int, default=50)

    status = command("status", Cli.status, "engine, store, memory and model status")
    status.add_argument("--metrics", default=None, metavar="FILE",
                        help="also write Prometheus-format model metrics to FILE")

    summarize = command("summarize", Cli.summarize, "write a patient summary (clinician)")
    target = summarize.add_mutually_exclusive_group(required=True)
    target.add_argument("--record", default=None)
    target.add_argument("--documents", nargs="+", default=None, metavar="DOCUMENT_ID")
    summarize.add_argument("--model", default=None, help="a model from models_config.json")
    summarize.add_argument("--extractive", action="store_true",
                           help="sections from the extracted data only, no language model")
    summarize.add_argument("--no-cache", action="store_true", help="ignore a cached summary")

    models = command("models", Cli.models, "list, load, unload, pack or import models")
    models_sub = models.add_subparsers(dest="models_action", required=True)
    action(models_sub, "list")
    for name in ("load", "unload"):
        action(models_sub, name).add_argument("name")
    pack = action(models_sub, "pack")
    pack.add_argument("source", metavar="DIR", help="a folder of model files")
    pack.add_argument("-o", "--output", required=True, metavar="BUNDLE.tar")
    action(models_sub, "import").add_argument("bundle", metavar="BUNDLE.tar")

    audit = command("audit", Cli.audit, "verify or export the audit trail (admin)")
    audit_sub = audit.add_subparsers(dest="audit_action", required=True)
    action(audit_sub, "verify")
    export = action(audit_sub, "export")
    export.add_argument("--format", choices=("csv", "jsonl"), default="jsonl")
    export.add_argument("--output", default=None, help="write to this file (mode 0600)")
    transcribe = command("transcribe", Cli.transcribe, "speech to text (keeps nothing "
                         "unless --save)")
    transcribe.add_argument("files", nargs="+", metavar="FILE")
    transcribe.add_argument("--save", action="store_true",
                            help="store each transcript as a document (needs a login)")

    dictate = command("dictate", Cli.dictate, "stream a WAV through live dictation")
    dictate.add_argument("--from-wav", required=True, type=Path, metavar="FILE")
    dictate.add_argument("--save", action="store_true",
                         help="store the dictation as a document (needs a login)")
    dictate.add_argument("--fast", action="store_true",
                         help="send audio as fast as possible instead of in real time")

    export_data = command("export", Cli.export, "a document's or record's data (audited)",
                          json_flag=False)
    export_data.add_argument("target", metavar="DOCUMENT_OR_RECORD")
    export_data.add_argument("--format", choices=("fhir", "json"), default="fhir")
    export_data.add_argument("--output", default=None, help="write to this file (mode 0600)")

    backup = command("backup", Cli.backup, "write an encrypted, checked copy of the store "
                     "with its key slots (admin)")
    backup.add_argument("output", metavar="OUT", help="the backup file to create")
    restore = command("restore", Cli.restore, "check a backup, then make it the store (admin "
                      "of the backup)")
    restore.add_argument("backup", metavar="IN")
    restore.add_argument("--check", action="store_true",
                         help="only check the backup (hashes, key, integrity, audit chain)")

    add_archive_arguments(command("archive", Cli.archive, "de-identify and extract a document "
                                  "backlog on Ray (the [cluster] extra)"))

    scrub = command("scrub", Cli.scrub, "de-identify text from stdin (keeps nothing)")
    scrub.add_argument("--policy", choices=("surrogate", "redact", "safe_harbor"),
                       default="surrogate")
    scrub.add_argument("--jsonl", action="store_true",
                       help='stream lines {"id", "text"} to lines {"id", "text", "spans"}')
    scrub.add_argument("--site-lexicon", metavar="FILE",
                       help="the site's own names to remove as well: UTF-8, one "
                            "term<TAB>NAME|ORGANIZATION|LOCATION a line, # comments")

    extract = command("extract", Cli.extract, "clinical entities from stdin text (keeps nothing)",
                      json_flag=False)
    extract.add_argument("--jsonl", action="store_true",
                         help='stream lines {"id", "text"} to lines {"id", "entities"}')
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    multiprocessing.freeze_support()  # the engine child of a frozen (PyInstaller) build
    _ENV_PASSWORDS.update(take_secrets())
    args = build_parser().parse_args(argv)
    cli: Cli | None = None
    try:
        machine_policy()  # validated at start: a bad policy file stops here, naming its key
        cli = Cli(args)
        return args.handler(cli)
    except HntaiError as exc:
        if getattr(args, "json", False):
            _print_json({"error": {"code": exc.code.value, "message": exc.message}}, sys.stderr)
        else:
            print(f"error: {exc.code.value}: {exc.message}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    finally:
        if cli is not None:
            cli.close()


if __name__ == "__main__":
    sys.exit(main())
