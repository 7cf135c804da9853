"""Disk full and a read-only data directory: coded failures, nothing half-written, and the
service carries on when the disk is usable again.

The data directory sits on a small tmpfs mounted for the test. Where mounting is not allowed
(CI without root), the fallback caps the engine's file sizes with RLIMIT_FSIZE (a size-capped
fixture: every write past the cap fails as it would on a full disk); the read-only case then
needs a non-root user (chmod), else it is skipped. The figures say which ran.
"""

from __future__ import annotations

import contextlib
import os
import resource
import subprocess
from pathlib import Path

import pytest
from harness import Harness, check_store, new_store, note_files, text_pdf

from engine import protocol as p
from engine.errors import HntaiError

DISK_MB = 16
STORAGE_CODES = {"STORAGE_FULL", "STORAGE_UNAVAILABLE"}


def _mount(target: Path, *options: str) -> bool:
    run = subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join((f"size={DISK_MB}m",
                                                                    *options)),
                          "tmpfs", str(target)], capture_output=True)
    return run.returncode == 0


def _remount(target: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(target)], check=True)


@pytest.fixture
def small_disk(tmp_path: Path):
    """A mounted 16 MB tmpfs, or None where this machine does not allow mounting."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.environ.get("HNTAI_RELIABILITY_NO_MOUNT") == "1" or not _mount(mount):
        yield None
        return
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(disk: Path) -> Path:
    ballast = disk / "ballast"
    with ballast.open("wb") as fh, contextlib.suppress(OSError):
        while True:
            fh.write(b"\0" * (1 << 16))
            fh.flush()
    return ballast


def _submit_codes(h: Harness, files: list[Path]) -> tuple[list[str], list[str]]:
    """(job ids accepted, error codes of refused submissions)."""
    ids, codes = [], []
    for path in files:
        try:
            ids.append(h.submit([path])[0])
        except HntaiError as exc:
            codes.append(exc.code.value)
    return ids, codes


def _notes(tmp_path: Path, eval_dir: Path, count: int, tag: str) -> list[Path]:
    return note_files(tmp_path / "notes", tag, count,
                      (eval_dir / "documents" / "note_4141.txt").read_text())


def _assert_whole(data_dir: Path, succeeded: set[str]) -> None:
    leftovers = [f.name for f in data_dir.iterdir()
                 if f.name.startswith(".") or f.suffix in (".tmp", ".partial")]
    assert not leftovers  # no staging folder, key-slot temp or partial file stayed behind
    check = check_store(data_dir)
    assert check.integrity_ok and check.audit_ok
    assert set(check.documents_per_job) == succeeded  # no document of a failed job
    assert check.duplicates() == 0


def test_disk_full_fails_coded_and_resumes(small_disk, tmp_path, eval_dir, tally):
    if small_disk is None:
        _capped_fallback(tmp_path, eval_dir, tally)
        return
    h = Harness(small_disk / "data").start()
    try:
        h.init()
        ok_before = h.submit(_notes(tmp_path, eval_dir, 3, "before"))
        assert {i.state for i in h.wait(ok_before).values()} == {"succeeded"}
        # A long job in flight when the disk fills: its final write cannot land.
        long_pdf = text_pdf(tmp_path / "long.pdf", 80, (eval_dir / "documents" /
                                                         "note_1315.txt").read_text())
        in_flight = h.submit([long_pdf])[0]
        for event in h.client.events(timeout=60):
            if isinstance(event, p.JobProgress) and event.job_id == in_flight and \
                    event.stage == "extract" and event.value >= 1:
                break
        ballast = _fill(small_disk)
        announced = None
        for event in h.client.events(timeout=60):
            if isinstance(event, p.JobFailed) and event.job_id == in_flight:
                announced = event.error.code
                break
        _, refused = _submit_codes(h, _notes(tmp_path, eval_dir, 5, "full"))
        assert h.request(p.GetStatus()).unlocked  # reads still answer
        ballast.unlink()
        failed = h.wait([in_flight], timeout=120)[in_flight]
        retried = h.request(p.RetryJob(job_id=in_flight)).id
        ok_after = h.submit(_notes(tmp_path, eval_dir, 5, "after"))
        after = h.wait([retried, *ok_after], timeout=300)
        jobs = 3 + 1 + 5 + 5
    finally:
        h.close()
    _assert_whole(small_disk / "data", {*ok_before, *ok_after, in_flight})
    tally.record("storage", mode=f"tmpfs {DISK_MB} MB (mounted)", faults_injected=1,
                 jobs=jobs, in_flight_failure=failed.error.code, announced=announced,
                 refused_submissions=len(refused), refused_codes=sorted(set(refused)),
                 resumed=all(i.state == "succeeded" for i in after.values()),
                 jobs_lost=0, duplicates=0)
    assert announced == "STORAGE_FULL" and failed.error.code == "STORAGE_FULL"
    assert refused and set(refused) == {"STORAGE_FULL"}
    assert all(i.state == "succeeded" for i in after.values())


def _capped_fallback(tmp_path: Path, eval_dir: Path, tally) -> None:
    """No mount here: the engine runs under RLIMIT_FSIZE, so writes past the cap fail."""
    data_dir = tmp_path / "data"
    ok_before = new_store(data_dir, _notes(tmp_path, eval_dir, 3, "before"))
    cap = 64 * 1024  # below the store's size: every write to its later pages fails
    previous = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (cap, previous[1]))
    try:
        capped = Harness(data_dir).start()  # the engine inherits the cap
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, previous)
    accepted: list[str] = []
    try:
        capped.login()
        accepted, refused = _submit_codes(capped, _notes(tmp_path, eval_dir, 5, "full"))
    except HntaiError as exc:  # the login's own audit row may be what hits the cap
        refused = [exc.code.value]
    finally:
        capped.close()
    h = Harness(data_dir).start()
    h.login()
    ok_after = h.submit(_notes(tmp_path, eval_dir, 5, "after"))
    after = h.wait([*accepted, *ok_after])
    h.close()
    succeeded = {j for j, i in after.items() if i.state == "succeeded"}
    _assert_whole(data_dir, {*ok_before, *succeeded})
    tally.record("storage", mode="RLIMIT_FSIZE cap (fallback: mounting not allowed)",
                 faults_injected=1, jobs=3 + len(accepted) + 5,
                 refused_codes=sorted(set(refused)), resumed=set(ok_after) <= succeeded,
                 jobs_lost=0, duplicates=0)
    assert refused and set(refused) <= STORAGE_CODES
    assert set(ok_after) <= succeeded
    assert all(i.state == "succeeded" or i.error.code in STORAGE_CODES for i in after.values())


def test_read_only_data_dir_fails_coded_and_resumes(small_disk, tmp_path, eval_dir, tally):
    """The disk comes back read-only (a remount needs no open writer, so the engine is
    stopped first, as at a workstation's restart): the engine still starts and answers, the
    store refuses with STORAGE_UNAVAILABLE, and all is well once the disk is writable."""
    if small_disk is None:
        pytest.skip("no mount allowed here, and a read-only disk cannot be faked for root")
    data_dir = small_disk / "data"
    ok_before = new_store(data_dir, _notes(tmp_path, eval_dir, 2, "before"))
    _remount(small_disk, "ro")
    try:
        h = Harness(data_dir).start()
        with pytest.raises(HntaiError) as refused:
            h.login()
        alive = h.request(p.GetStatus()).pid == h.pid
        h.close()
    finally:
        _remount(small_disk, "rw")
    h = Harness(data_dir).start()
    try:
        h.login()
        ok_after = h.submit(_notes(tmp_path, eval_dir, 3, "after"))
        after = h.wait(ok_after)
    finally:
        h.close()
    _assert_whole(data_dir, {*ok_before, *ok_after})
    tally.record("storage_read_only", mode=f"tmpfs {DISK_MB} MB remounted ro",
                 faults_injected=1, jobs=2 + 3, refused_code=refused.value.code.value,
                 engine_answered=alive,
                 resumed=all(i.state == "succeeded" for i in after.values()))
    assert refused.value.code.value == "STORAGE_UNAVAILABLE" and alive
    assert all(i.state == "succeeded" for i in after.values())
