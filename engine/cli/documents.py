"""Documents through the engine: ``process``, ``jobs``, ``export``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from engine import protocol as p
from engine.cli.output import write_private
from engine.cli.session import Session
from engine.cli.table import EXIT_FAILED, EXIT_OK, Command, View
from engine.errors import HntaiError, InvalidRequest


def _file_result(path: Path, status: str, doc_id: str | None, error: p.ErrorInfo | None,
                 record_id: str | None = None, source_name: str | None = None) -> dict[str, Any]:
    # "file" echoes the argument as typed, to the user's own terminal; "source_name" is the
    # name HNTAI keeps (engine/documents/file_names.py).
    return {"file": str(path), "source_name": source_name, "status": status,
            "document_id": doc_id, "record_id": record_id,
            "error": {"code": error.code, "message": error.message} if error else None}


def _expand(paths: Sequence[str]) -> Iterator[Path]:
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


def _submit(s: Session, files: list[Path], results: list[dict[str, Any]]) -> dict[str, Path]:
    """One job per file; a file the engine refuses becomes a failed row at once."""
    jobs: dict[str, Path] = {}
    record = s.args.record
    for path in files:
        try:
            info: p.JobInfo = s.client.request(p.ProcessDocument(
                path=str(path), record_id=record, priority=s.args.priority))
            jobs[info.id] = path
            if s.args.one_record:
                record = info.record_id
        except HntaiError as exc:
            results.append(_file_result(path, "failed", None, p.ErrorInfo.of(exc)))
    return jobs


def _process(s: Session) -> list[dict[str, Any]]:
    s.login()
    files = list(_expand(s.args.paths))
    if not files:
        raise InvalidRequest("no files found to process")
    results: list[dict[str, Any]] = []
    jobs = _submit(s, files, results)
    progress = _Progress(jobs) if s.live else None
    done = s.client.wait_jobs(jobs, on_event=progress.update if progress else None)
    if progress:
        progress.finish()
    for job_id, path in jobs.items():
        info = done[job_id]
        doc_id = (info.result or {}).get("document_id")
        results.append(_file_result(path, info.state, doc_id, info.error, info.record_id,
                                    info.source_name))
    return results


def _process_text(row: dict[str, Any]) -> None:
    err = row["error"]
    detail = f"{err['code']}: {err['message']}" if err else row["document_id"]
    print(f"{row['status']:<10} {row['file']}  {detail}")


def _process_code(rows: list[dict[str, Any]]) -> int:
    return EXIT_FAILED if any(r["status"] != "succeeded" for r in rows) else EXIT_OK


def _process_arguments(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("paths", nargs="+", metavar="FILE_OR_DIR")
    cmd.add_argument("--record", default=None, help="add to this record (default: new)")
    cmd.add_argument("--one-record", action="store_true",
                     help="put all the files into one new record (one patient)")
    cmd.add_argument("--priority", type=int, default=0)


PROCESS = Command("process", _process, View(text=_process_text, code=_process_code, rows=True),
                  help="extract, scrub and store documents", arguments=_process_arguments)


def _job_text(job: p.JobInfo) -> None:
    err = f"{job.error.code}" if job.error else ""
    print(f"{job.id}  {job.state:<10} {job.stage or '':<9} {job.created_at}  {err}")


def _jobs_arguments(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--limit", type=int, default=50)


JOBS = Command("jobs", lambda s: s.ask(p.ListJobs(limit=s.args.limit)),
               View(text=_job_text, rows=True), help="list recent jobs", arguments=_jobs_arguments)


def _export(s: Session) -> int:
    s.login()
    result: p.ExportResult = s.client.request(p.Export(target_id=s.args.target,
                                                       fmt=s.args.format))
    text = json.dumps(result.content, indent=2)
    if s.args.output:
        write_private(s.args.output, text + "\n")
    else:
        print(text)
    return EXIT_OK


def _export_arguments(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("target", metavar="DOCUMENT_OR_RECORD")
    cmd.add_argument("--format", choices=("fhir", "json"), default="fhir")
    cmd.add_argument("--output", default=None, help="write to this file (mode 0600)")


EXPORT = Command("export", _export, None, help="a document's or record's data (audited)",
                 arguments=_export_arguments, json_flag=False)
