"""Backup and restore: an online, encrypted, verifiable copy; a restore that checks the copy
and its audit chain before it replaces anything, and keeps what it replaced."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from harness import ADMIN, PASSWORD, Harness, check_store, note_files

from engine import protocol as p
from engine.errors import AlreadyExists, AuthFailed, CorruptFile, PermissionDenied

CLEAR_MARKERS = ("emphysema", "Pulmonary Medicine Clinic")  # clinical words kept in the text


def _notes(tmp_path: Path, eval_dir: Path, count: int, tag: str) -> list[Path]:
    body = (eval_dir / "documents" / "note_1315.txt").read_text()
    return note_files(tmp_path / "notes", tag, count, f"emphysema follow-up.\n{body}")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _doc_ids(h: Harness) -> set[str]:
    return {d.id for d in h.request(p.ListDocuments())}


def test_online_backup_then_checked_restore(harness, tmp_path, eval_dir, tally):
    first = harness.submit(_notes(tmp_path, eval_dir, 5, "kept"))
    harness.wait(first)
    kept = _doc_ids(harness)
    busy = harness.submit(_notes(tmp_path, eval_dir, 20, "busy"))  # jobs run during the copy
    out = tmp_path / "store.hntai-backup"
    manifest = harness.request(p.BackupStore(path=str(out)))
    unfinished = sum(harness.request(p.GetJob(job_id=j)).state in ("queued", "running")
                     for j in busy)
    harness.wait(busy)
    raw = out.read_bytes()
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert not any(m.encode() in raw for m in CLEAR_MARKERS)  # encrypted, like the store
    with tarfile.open(out) as tar:
        assert sorted(tar.getnames()) == ["hntai.db", "keyslots.json", "manifest.json"]
    with pytest.raises(AlreadyExists):  # a backup never overwrites a file
        harness.request(p.BackupStore(path=str(out)))

    checked = harness.request(p.RestoreStore(path=str(out), username=ADMIN, password=PASSWORD,
                                             check_only=True))
    assert checked.backup.audit_entries == manifest.audit_entries and not checked.restored
    data_dir = harness.data_dir
    before_restore = _doc_ids(harness)
    assert kept < before_restore

    restored = harness.request(p.RestoreStore(path=str(out), username=ADMIN, password=PASSWORD))
    assert restored.restored and restored.replaced
    # The copy holds the jobs that were still open when it was taken: they are durable, so
    # the restored store runs them again (as new documents). Let them finish first.
    harness.wait(busy)
    after = _doc_ids(harness)
    assert kept <= after  # what was done before the copy is in it
    if unfinished:  # documents made after the copy are not: the replaced store kept them
        assert before_restore - after
    assert harness.request(p.AuditVerify()).ok
    trail = [json.loads(x) for x in harness.request(p.AuditExport()).splitlines()]
    # The chain is the copy's (taken before its own store.backup row) plus the restore; the
    # replaced store, with its store.backup and store.restore_check rows, is kept aside.
    assert [e["action"] for e in trail if e["action"].startswith("store.")] == [
        "store.create", "store.restore"]
    assert (data_dir / restored.replaced / "hntai.db").is_file()  # kept aside, not deleted
    # The key slots came with it: the recovery key printed at init opens the restored store.
    harness.request(p.Lock())
    harness.request(p.UnlockWithRecovery(username=ADMIN, recovery_key=harness.recovery_key))
    assert _doc_ids(harness) == after
    harness.close()
    check = check_store(data_dir)
    assert check.integrity_ok and check.audit_ok
    tally.record("backup", backup_bytes=out.stat().st_size, jobs=len(first) + len(busy),
                 documents_in_backup=len(after), audit_entries=manifest.audit_entries,
                 jobs_unfinished_at_backup=unfinished, restore_checked=True,
                 recovery_key_opens_restore=True)


def test_damaged_or_foreign_backups_replace_nothing(harness, tmp_path, eval_dir, tally):
    harness.wait(harness.submit(_notes(tmp_path, eval_dir, 2, "n")))
    out = tmp_path / "b.tar"
    harness.request(p.BackupStore(path=str(out)))
    harness.request(p.AddUser(username="clerk1", role="clerk", password="clerk password"))
    db = harness.data_dir / "hntai.db"
    live_docs = _doc_ids(harness)

    damaged = tmp_path / "damaged.tar"
    data = bytearray(out.read_bytes())
    with tarfile.open(out) as tar:
        offset = tar.getmember("hntai.db").offset_data
    data[offset + 5000] ^= 0x40
    damaged.write_bytes(bytes(data))
    not_a_backup = tmp_path / "junk.tar"
    not_a_backup.write_bytes(os.urandom(4096))
    refused = {}
    for name, path, user, password, error in (
            ("damaged copy", damaged, ADMIN, PASSWORD, CorruptFile),
            ("not a backup", not_a_backup, ADMIN, PASSWORD, CorruptFile),
            ("wrong password", out, ADMIN, "not the password", AuthFailed)):
        with pytest.raises(error) as exc:
            harness.request(p.RestoreStore(path=str(path), username=user, password=password))
        refused[name] = exc.value.code.value
    assert _doc_ids(harness) == live_docs and db.is_file()
    assert not [f for f in harness.data_dir.iterdir() if f.name.startswith(("pre-restore",
                                                                           "."))]
    harness.login("clerk1", "clerk password")
    for request in (p.BackupStore(path=str(tmp_path / "c.tar")),
                    p.RestoreStore(path=str(out), username=ADMIN, password=PASSWORD)):
        with pytest.raises(PermissionDenied):
            harness.request(request)
    harness.login()
    trail = [json.loads(x) for x in harness.request(p.AuditExport()).splitlines()]
    failures = [e for e in trail if e["action"] == "store.restore"]
    assert [e["error_message"] for e in failures] == list(refused.values())
    assert {e["user_id"] for e in trail if e["response_status"] == "denied"} == {"clerk1"}
    tally.record("backup", refused=refused, clerk_denied=True)


def _hntai(data_dir: Path, *args: str, user: str = ADMIN,
           password: str = PASSWORD) -> subprocess.CompletedProcess:
    env = {**os.environ, "HNTAI_DATA_DIR": str(data_dir), "HNTAI_USER": user,
           "HNTAI_PASSWORD": password}
    return subprocess.run([sys.executable, "-m", "engine.cli", *args], capture_output=True,
                          text=True, env=env, timeout=600, stdin=subprocess.DEVNULL)


def test_cli_backup_and_restore_to_a_new_machine(tmp_path, eval_dir, tally):
    """IT's disaster recovery: the backup restores into an empty data directory."""
    old, new = tmp_path / "old", tmp_path / "new"
    assert _hntai(old, "init", "--admin", ADMIN).returncode == 0
    assert _hntai(old, "process", *map(str, _notes(tmp_path, eval_dir, 3, "c"))).returncode == 0
    out = tmp_path / "nightly.tar"
    made = _hntai(old, "backup", str(out), "--json")
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout)["db_sha256"]
    checked = _hntai(new, "restore", str(out), "--check", "--json")
    assert checked.returncode == 0 and not (new / "hntai.db").exists(), checked.stderr
    done = _hntai(new, "restore", str(out), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["replaced"] is None
    verify = _hntai(new, "audit", "verify", "--json")
    assert verify.returncode == 0 and json.loads(verify.stdout)["ok"]
    listed = json.loads(_hntai(new, "status", "--json").stdout)
    assert listed["jobs"]["succeeded"] == 3
    assert _sha(old / "keyslots.json") == _sha(new / "keyslots.json")
    tally.record("backup", cli_restore_to_empty_dir=True)
