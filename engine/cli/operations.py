"""Running the appliance: ``status``, ``audit``, ``models``."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from engine import protocol as p
from engine.cli.output import print_json, write_private
from engine.cli.session import Session
from engine.cli.table import EXIT_AUDIT_BROKEN, EXIT_OK, Command, Group, View


@dataclass(frozen=True)
class _Status:
    status: p.EngineStatus
    alive: bool


def _status(s: Session) -> _Status:
    if s.named_user():
        s.login()
    status: p.EngineStatus = s.client.request(p.GetStatus())
    if s.args.metrics:
        fd = os.open(s.args.metrics, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(status.metrics)
    return _Status(status, s.client.alive())


def _status_json(reply: _Status) -> None:
    print_json({"engine_alive": reply.alive,
                **{k: v for k, v in asdict(reply.status).items() if k != "metrics"}})


def _status_text(reply: _Status) -> None:
    status = reply.status
    mem = status.memory
    print(f"engine     alive (pid {status.pid}), version {status.engine_version}")
    print(f"store      {'unlocked as ' + str(status.user) if status.unlocked else 'locked'}"
          f"{'' if status.store_ok in (None, True) else ' - NOT OK'}")
    print(f"jobs       {dict(status.jobs) or '-'}")
    print(f"memory     {mem.available_bytes / 2**30:.1f} GiB free of "
          f"{mem.total_bytes / 2**30:.1f} GiB")
    print(f"ocr        {'available' if status.ocr_available else 'MISSING'}")
    print("versions   " + ", ".join(f"{k} {v}" for k, v in status.versions.items()))
    for model in status.models:
        print(f"model      {asdict(model)}")


def _status_arguments(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--metrics", default=None, metavar="FILE",
                     help="also write Prometheus-format model metrics to FILE")


STATUS = Command("status", _status, View(text=_status_text, json=_status_json),
                 help="engine, store, memory and model status", arguments=_status_arguments)


def _verify_text(result: p.AuditVerifyInfo) -> None:
    if result.ok:
        print(f"audit chain intact: {result.entries} entries")
    else:
        print(f"audit chain BROKEN at entry {result.first_broken_id}: {result.reason}")


def _audit_export(s: Session) -> int:
    s.login()
    text = s.client.request(p.AuditExport(fmt=s.args.format))
    if s.args.output:
        write_private(s.args.output, text)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _audit_export_arguments(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--format", choices=("csv", "jsonl"), default="jsonl")
    cmd.add_argument("--output", default=None, help="write to this file (mode 0600)")


AUDIT = Group("audit", "verify or export the audit trail (admin)", "audit_action", (
    Command("verify", lambda s: s.ask(p.AuditVerify()), View(
        text=_verify_text, code=lambda result: EXIT_OK if result.ok else EXIT_AUDIT_BROKEN)),
    Command("export", _audit_export, None, arguments=_audit_export_arguments),
))


# Offline provisioning, in this process with no engine and no login: import writes machine
# files, so it is the OS account that must be allowed to write them.
def _pack(s: Session) -> Any:
    from engine.models import bundle

    return bundle.pack_folder(Path(s.args.source), Path(s.args.output))


def _import(s: Session) -> Any:
    from engine.models import bundle

    return bundle.import_to_machine(Path(s.args.bundle))


def _model_name(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("name")


def _bundle(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("bundle", metavar="BUNDLE.tar")


def _pack_arguments(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("source", metavar="DIR", help="a folder of model files")
    cmd.add_argument("-o", "--output", required=True, metavar="BUNDLE.tar")


MODELS = Group("models", "list, load, unload, pack or import models", "models_action", (
    Command("list", lambda s: s.ask(p.ListModels())),
    Command("load", lambda s: s.ask(p.LoadModel(name=s.args.name)), arguments=_model_name),
    Command("unload", lambda s: {"unloaded": s.ask(p.UnloadModel(name=s.args.name))},
            arguments=_model_name),
    Command("pack", _pack, arguments=_pack_arguments),
    Command("import", _import, arguments=_bundle),
))
