"""A password given in the environment reaches no other process: the ``hntai`` command takes
it out of its own environment before it starts the engine, and the engine runs its tools
(Tesseract here) with a minimal environment of their own. Read where an attacker on the
machine would read it: ``/proc/<pid>/environ`` of each running descendant."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import fitz
import psutil
import pytest

from engine.secrets_env import SECRET_NAMES, child_env, take_secrets

PASSWORD = "env secret pass 7"
NEW_PASSWORD = "env secret pass 8"
pytestmark = pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")


def scanned_pdf(path: Path, pages: int) -> Path:
    """Pages that are pictures of text: each one is a Tesseract run."""
    text = fitz.open()
    page = text.new_page()
    for line in range(12):
        page.insert_text((72, 72 + line * 17), f"Line {line}: patient reviewed, lisinopril "
                                               "10 mg daily, blood pressure 138/86.")
    picture = page.get_pixmap(dpi=200, colorspace=fitz.csGRAY)
    doc = fitz.open()
    for _ in range(pages):
        doc.new_page().insert_image(fitz.Rect(0, 0, 612, 792), pixmap=picture)
    doc.save(path)
    return path


def _cli(data_dir: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "HNTAI_DATA_DIR": str(data_dir), "HNTAI_USER": "admin",
           "HNTAI_PASSWORD": PASSWORD, "HNTAI_NEW_PASSWORD": NEW_PASSWORD}
    return subprocess.Popen([sys.executable, "-m", "engine.cli", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL)


def _environ(process: psutil.Process) -> bytes | None:
    try:
        return Path(f"/proc/{process.pid}/environ").read_bytes()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None  # it ended between listing and reading


def test_no_descendant_of_the_command_holds_the_password(tmp_path):
    data_dir = tmp_path / "data"
    init = _cli(data_dir, "init", "--admin", "admin", "--json")
    assert init.wait(600) == 0, init.stderr.read()
    run = _cli(data_dir, "process", "--json", str(scanned_pdf(tmp_path / "scan.pdf", 2)))
    seen: dict[str, bytes] = {}  # process name -> its environment block
    try:
        # Polls for as long as the command runs: each page is a Tesseract process of its own.
        command = psutil.Process(run.pid).cmdline()
        while run.poll() is None and not any("tesseract" in n for n in seen):
            for child in psutil.Process(run.pid).children(recursive=True):
                with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                    # A child caught between fork and exec is still a copy of the command
                    # (its start-up environment included): only what it becomes counts, so
                    # its command line is read before its environment.
                    if child.cmdline() == command:
                        continue
                    name = child.name()
                    if (block := _environ(child)) is not None:
                        seen.setdefault(name, block)
            time.sleep(0.01)
        out, err = run.communicate(timeout=900)
    finally:
        run.kill()
    assert run.returncode == 0, err[-2000:]
    assert json.loads(out.splitlines()[0])["status"] == "succeeded"
    assert any("tesseract" in n for n in seen), sorted(seen)
    assert any(n.startswith("python") for n in seen), sorted(seen)  # the engine
    for name, block in seen.items():
        for secret in (PASSWORD, NEW_PASSWORD, *SECRET_NAMES):
            assert secret.encode() not in block, name


def test_secrets_are_taken_once_and_children_get_only_what_they_need(monkeypatch):
    monkeypatch.setenv("HNTAI_PASSWORD", PASSWORD)
    monkeypatch.setenv("HNTAI_NEW_PASSWORD", "")
    monkeypatch.setenv("HNTAI_DATA_DIR", "/somewhere")
    assert take_secrets() == {"HNTAI_PASSWORD": PASSWORD}  # an empty one is no password
    assert not set(SECRET_NAMES) & set(os.environ)
    assert take_secrets() == {}
    env = child_env(OMP_THREAD_LIMIT="1")
    assert env["PATH"] == os.environ["PATH"] and env["OMP_THREAD_LIMIT"] == "1"
    assert "HNTAI_DATA_DIR" not in env
