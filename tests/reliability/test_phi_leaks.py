"""No PHI outside the encrypted file: documents seeded with marker PHI go through the CLI and
the engine (text, Word, PDF, a scan read by OCR, a crash in the middle of one); then the data
directory, its logs, the temp folders, crash output, library caches and the audit exports are
searched for the markers. None may be found: inside hntai.db they are encrypted too."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import docx
import pymupdf
from harness import ADMIN, PASSWORD, Harness, files_below, find_markers

from engine import protocol as p
from engine.tempfiles import TMP_DIR

MARKERS = ("Quillon Vasterbrook", "Vasterbrook", "219-09-9931", "MRN 7734-0091",
           "q.vasterbrook@mailbox.example", "(555) 014-7782", "4471 Larkspur Hollow Lane",
           "02/29/1952")
NOTE = ("Patient: Mr. Quillon Vasterbrook  DOB: 02/29/1952  MRN 7734-0091\n"
        "SSN 219-09-9931. Lives at 4471 Larkspur Hollow Lane. Phone (555) 014-7782, "
        "email q.vasterbrook@mailbox.example.\n"
        "Assessment: Vasterbrook has type 2 diabetes; continue metformin 500 mg twice daily.")
LARGEST_SCANNED = 64 << 20  # temp and cache files above this are not page images or notes


def _inputs(folder: Path) -> list[Path]:
    folder.mkdir()
    text = folder / "note.txt"
    text.write_text(NOTE)
    word = docx.Document()
    word.sections[0].header.paragraphs[0].text = "Quillon Vasterbrook, MRN 7734-0091"
    table = word.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Patient", "Quillon Vasterbrook"
    for line in NOTE.splitlines():
        word.add_paragraph(line)
    word.save(folder / "letter.docx")
    with pymupdf.open() as pdf:
        pdf.new_page().insert_textbox(pymupdf.Rect(50, 50, 545, 800), NOTE, fontsize=12)
        pdf.save(folder / "report.pdf")
        pixmap = pdf[0].get_pixmap(dpi=150)
    pixmap.save(folder / "scan.png")  # no text layer: read by OCR
    return [text, folder / "letter.docx", folder / "report.pdf", folder / "scan.png"]


def _cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "HNTAI_DATA_DIR": str(data_dir), "HNTAI_USER": ADMIN,
           "HNTAI_PASSWORD": PASSWORD}
    return subprocess.run([sys.executable, "-m", "engine.cli", *args], capture_output=True,
                          text=True, env=env, timeout=600, stdin=subprocess.DEVNULL)


def _new_files(root: Path, since: float, skip: tuple[Path, ...]) -> list[Path]:
    out = []
    for path in files_below(root):
        try:
            info = path.stat()
        except OSError:
            continue
        if (info.st_mtime >= since and info.st_size <= LARGEST_SCANNED
                and not any(path.is_relative_to(s) for s in skip)):
            out.append(path)
    return out


def test_marker_phi_is_nowhere_outside_the_store(tmp_path, tally):
    since = time.time() - 1
    inputs = _inputs(tmp_path / "inputs")
    data_dir = tmp_path / "data"
    outputs = tmp_path / "outputs"
    outputs.mkdir()
    assert _cli(data_dir, "init", "--admin", ADMIN).returncode == 0
    run = _cli(data_dir, "process", "--json", *map(str, inputs[:3]))
    (outputs / "process.out").write_text(run.stdout + run.stderr)
    assert run.returncode == 0, run.stderr

    h = Harness(data_dir).start()  # the scan, killed during its OCR, then retried
    try:
        h.login()
        job = h.submit([inputs[3]])[0]
        for event in h.client.events(timeout=120):
            if isinstance(event, p.JobProgress) and event.job_id == job:
                h.client.kill()
                break
        info = h.wait([job], timeout=300)[job]
    finally:
        h.close()
    assert info.state == "succeeded" and info.attempts == 2, info
    for fmt in ("csv", "jsonl"):
        out = _cli(data_dir, "audit", "export", "--format", fmt, "--output",
                   str(outputs / f"audit.{fmt}"))
        assert out.returncode == 0, out.stderr
    status = _cli(data_dir, "status", "--json")
    (outputs / "status.out").write_text(status.stdout + status.stderr)

    searched = [*files_below(data_dir, outputs)]
    temp_roots = {Path(tempfile.gettempdir()), Path.home() / ".cache", Path("/var/crash")}
    for root in temp_roots:  # what anything wrote to shared temp, caches or crash folders
        searched += _new_files(root, since, skip=(tmp_path / "inputs",))
    found = find_markers(searched, MARKERS)
    assert find_markers([inputs[0]], MARKERS)  # the search does find what is there
    private_tmp = data_dir / TMP_DIR
    tally.record("phi", markers_seeded=len(MARKERS), documents=len(inputs),
                 files_searched=len(searched), markers_found=len(found),
                 found=[f"{Path(f).name}: {m}" for f, m in found],
                 private_tmp_mode=oct(private_tmp.stat().st_mode & 0o777),
                 private_tmp_left=len(list(private_tmp.iterdir())), faults_injected=1,
                 jobs=len(inputs))
    assert (data_dir / "hntai.db") in searched and not found
    assert private_tmp.stat().st_mode & 0o777 == 0o700 and not list(private_tmp.iterdir())


LEFTOVER = r"""
import os, sys, tempfile
from pathlib import Path
os.umask(0o077)  # as the engine sets it
from engine.tempfiles import use_private_tmp
folder, removed = use_private_tmp(Path(sys.argv[1]))
fd, name = tempfile.mkstemp(suffix=".ppm")
os.close(fd)
child = __import__("subprocess").run([sys.executable, "-c",
    "import tempfile; print(tempfile.gettempdir())"], capture_output=True, text=True).stdout
print(removed, oct(os.stat(name).st_mode & 0o777), Path(name).parent == folder,
      child.strip() == str(folder))
"""


def test_private_tmp_is_owner_only_and_emptied_at_start(harness, tmp_path):
    """Leftovers of a crash are removed when the engine starts; what the engine and the
    programs it starts (Tesseract) write goes, 0600, into that private folder."""
    data_dir = harness.data_dir
    harness.close()
    leftover = data_dir / TMP_DIR / "tess_page.ppm"
    leftover.write_text(NOTE)  # as a crash in the middle of a page would leave it
    h = Harness(data_dir).start()
    h.close()
    assert not leftover.exists()
    events = [json.loads(x) for x in (data_dir / "logs" / "engine.log").read_text().splitlines()]
    assert [e["temp_leftovers_removed"] for e in events
            if e["event"] == "engine_started"][-1] == 1
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    (scratch / TMP_DIR).mkdir()
    (scratch / TMP_DIR / "old").write_text("x")
    out = subprocess.run([sys.executable, "-c", LEFTOVER, str(scratch)], capture_output=True,
                         text=True, timeout=60)
    assert out.stdout.split() == ["1", "0o600", "True", "True"], out.stderr
