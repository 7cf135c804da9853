"""The engine's health and readiness, in desktop form (the seed's /health endpoints)."""

from __future__ import annotations

import functools
import os
import platform
import shutil
import subprocess
from importlib import metadata

import psutil

from engine import __version__
from engine.protocol import PROTOCOL_VERSION, EngineStatus, MemoryInfo, ModelStatus
from engine.secrets_env import child_env
from engine.store import Store, job_rows

_LIBRARIES = ("pymupdf", "sqlcipher3", "python-docx", "pytesseract", "psutil",
              "llama-cpp-python")


@functools.cache
def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in _LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "missing"
    versions["tesseract"] = _tesseract_version()
    return versions


def _tesseract_version() -> str:
    exe = shutil.which("tesseract")
    if exe is None:
        return "missing"
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=10,
                             env=child_env())
    except (OSError, subprocess.SubprocessError):
        return "unusable"
    first = (out.stdout or out.stderr).splitlines()
    return first[0].split()[-1] if first else "unknown"


def memory_snapshot() -> MemoryInfo:
    vm = psutil.virtual_memory()
    return MemoryInfo(total_bytes=vm.total, available_bytes=vm.available,
                      used_percent=vm.percent,
                      engine_rss_bytes=psutil.Process(os.getpid()).memory_info().rss)


def collect_status(store: Store | None, models: tuple[ModelStatus, ...] = (),
                   metrics: str = "") -> EngineStatus:
    store_ok: bool | None = None
    jobs: dict[str, int] = {}
    if store is not None:
        try:
            with store.db.locked() as conn:
                jobs = job_rows.counts(conn)
            store_ok = True
        except Exception:  # reported, not raised: status must answer even when sick
            store_ok = False
    versions = library_versions()
    return EngineStatus(
        engine_version=__version__, protocol_version=PROTOCOL_VERSION, pid=os.getpid(),
        unlocked=store is not None, user=store.session.username if store else None,
        role=store.session.role.value if store else None, store_ok=store_ok, jobs=jobs,
        memory=memory_snapshot(), versions=versions, models=models, metrics=metrics,
        ocr_available=versions["tesseract"] not in ("missing", "unusable"),
    )
