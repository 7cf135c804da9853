"""File names that name the patient, through a real engine (the service and `hntai
process`): none of their parts is in the decrypted store, the logs or the audit trail, and a
refused file leaves no record behind."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pymupdf
from cli_runner import PASSWORD as CLI_PASSWORD
from cli_runner import hntai

from engine import protocol as p
from engine.store import unlock

NOTE = ("Assessment: stable angina, chest pain on exertion resolved with rest.\n"
        "Plan: continue aspirin 81 mg daily and atorvastatin 40 mg nightly.\n")


def _parts(names: list[str]) -> set[str]:
    """Every word of letters and every run of digits long enough to be told apart."""
    parts = set()
    for name in names:
        stem = name.rsplit(".", 1)[0]
        parts |= {w for w in re.findall(r"[^\W\d_]+", stem) if len(w) >= 4}
        parts |= set(re.findall(r"\d{4,}", stem))
    return parts - {"scan", "referral", "notes", "letter", "labs", "family", "report"}


def _everything_kept(data_dir: Path, user: str, password: str) -> str:
    store = unlock(data_dir, user, password)
    try:
        conn = store.db.conn
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        rows = [repr(row) for t in tables for row in conn.execute(f"SELECT * FROM {t}")]
    finally:
        store.close()
    logs = [f.read_text(errors="replace") for f in (data_dir / "logs").glob("*")]
    return "\n".join(rows + logs)


def _assert_absent(parts: set[str], kept: str) -> None:
    # A run of digits counts standing alone ("2023-11-02"), not inside a hex hash or an id,
    # which hold any four digits by chance.
    found = sorted(part for part in parts
                   if re.search(rf"(?<![0-9a-z]){re.escape(part.lower())}(?![0-9a-z])"
                                if part.isdigit() else re.escape(part.lower()), kept.lower()))
    assert not found, found


def _pdf(path: Path) -> Path:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), NOTE.replace("\n", " "))
    doc.save(path)
    return path


def test_identifying_file_names_are_kept_nowhere_by_the_service(engine, tmp_path,
                                                                credentials):
    folder = tmp_path / "Okonkwo Chidera"  # the folder names the patient too
    folder.mkdir()
    good = [folder / "Delacroix_Evangeline_DOB_2023-11-02.txt",
            folder / "scan ph 617-555-0199.txt",
            folder / "HALVERSEN PETRA mrn 7730915.txt"]
    for path in good:
        path.write_text(NOTE)
    good.append(_pdf(folder / "BrannaghTobias.pdf"))
    bad = [folder / "Fitzgibbon_Marisol_labs.pdf", folder / "Quintanilla-Rhys.dat"]
    bad[0].write_bytes(b"%PDF-1.7\n" + b"\x00garbled" * 64)  # damaged
    bad[1].write_bytes(bytes(range(256)) * 8)  # no document at all
    plain = folder / "operative_note.txt"
    plain.write_text(NOTE)

    jobs = {engine.request(p.ProcessDocument(path=str(path))).id: path
            for path in [*good, *bad, plain]}
    done = engine.wait_jobs(jobs, timeout=600)
    by_name = {jobs[j].name: info for j, info in done.items()}
    assert all(by_name[f.name].state == "succeeded" for f in [*good, plain])
    assert {by_name[f.name].error.code for f in bad} <= {"CORRUPT_FILE", "UNSUPPORTED_FORMAT"}
    assert all(by_name[f.name].state == "failed" for f in bad)
    assert by_name[good[3].name].source_name == "document 1 (PDF)"
    assert by_name[good[0].name].source_name == "document 1 (text)"
    assert by_name[bad[0].name].source_name == "document 1"  # never read: no kind
    assert by_name["operative_note.txt"].source_name == "operative_note.txt"
    shown = {d.source_name for d in engine.request(p.ListDocuments())}
    assert shown == {"document 1 (text)", "document 1 (PDF)", "operative_note.txt"}
    # A refused file leaves no empty record: one record per stored document.
    listed = engine.request(p.ListRecords())
    assert len(listed) == len(good) + 1 and all(r.document_count == 1 for r in listed)
    audit_text = engine.request(p.AuditExport(fmt="jsonl"))
    data_dir = engine.data_dir
    engine.close()

    kept = _everything_kept(data_dir, *credentials) + audit_text
    _assert_absent(_parts([folder.name] + [f.name for f in [*good, *bad]]), kept)
    assert "operative_note.txt" in kept  # the check finds a name that is there


def test_identifying_file_names_are_kept_nowhere_by_the_cli(tmp_path):
    data_dir = tmp_path / "data"
    assert hntai(data_dir, "init", "--admin", "admin", "--json").returncode == 0
    folder = tmp_path / "in"
    folder.mkdir()
    files = [folder / "Wojcik, Anneliese - referral.txt",
             folder / "Brannigan_Tobias_MRN_4418207.txt"]
    for path in files:
        path.write_text(NOTE)
    damaged = folder / "Esterhazy Lionel 1957-03-09.pdf"
    damaged.write_bytes(b"%PDF-1.4\n" + b"\x00broken" * 64)
    out = hntai(data_dir, "process", "--one-record", "--json", str(folder))
    assert out.returncode == 1, out.stderr  # the damaged file failed
    rows = {Path(r["file"]).name: r for r in map(json.loads, out.stdout.splitlines())}
    # "file" echoes the argument as typed to the user's own terminal; the kept name is neutral.
    assert {r["source_name"] for r in rows.values()} == {
        "document 1 (text)", "document 2", "document 3 (text)"}  # in the order of the folder
    assert rows[damaged.name]["status"] == "failed"
    assert len({r["record_id"] for r in rows.values()}) == 1
    jobs = hntai(data_dir, "jobs", "--json").stdout
    audit = hntai(data_dir, "audit", "export").stdout
    kept = _everything_kept(data_dir, "admin", CLI_PASSWORD) + jobs + audit
    _assert_absent(_parts([f.name for f in [*files, damaged]]), kept)
