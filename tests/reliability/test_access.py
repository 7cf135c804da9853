"""Access control through a real engine, beyond what tests/integration and tests/unit/store
already prove (clerk refused document text and the audit check; throttling, recovery and
rewrapping on the store in process): every role-gated request, throttling with the shipped
policy, a password change that leaves the data bytes alone, and the idle lock."""

from __future__ import annotations

import json

import pytest
from harness import ADMIN, PASSWORD, Harness, repeated_pdf

from engine import protocol as p
from engine.errors import AuthFailed, PermissionDenied
from engine.store.database import DB_FILE
from engine.store.keyslots import KeySlotFile, unwrap_key, user_slot_name
from engine.store.login_guard import ThrottlePolicy

PAGE = 4096  # SQLCipher 4's default page size

# (request, the permission the engine must check): what a clerk may not do.
CLERK_DENIED = [
    (p.Summarize(record_id="R-x", use_model=False), "summary.create"),
    (p.GetSummary(summary_id="S-x"), "summary.create"),
    (p.GetDocument(document_id="D-x"), "document.read"),
    (p.Export(target_id="D-x"), "export"),
    (p.AuditVerify(), "audit.read"),
    (p.AuditExport(), "audit.read"),
    (p.AddUser(username="mallory", role="admin", password="mallory password"), "user.admin"),
    (p.DisableUser(username=ADMIN), "user.admin"),
    (p.SetPassword(username=ADMIN, password="taken over!"), "user.admin"),
    (p.ListUsers(), "user.admin"),
    (p.PutSetting(key="scrub.policy", value="redact"), "settings.write"),
    (p.LoadModel(name="extractive"), "models.admin"),
    (p.BackupStore(path="/tmp/x.tar"), "user.admin"),
]


def _trail(h: Harness) -> list[dict]:
    return [json.loads(line) for line in h.request(p.AuditExport()).splitlines()]


def test_every_gated_request_is_refused_and_audited(harness, tally):
    harness.request(p.AddUser(username="clerk1", role="clerk", password="clerk password"))
    harness.request(p.AddUser(username="doc1", role="clinician", password="doc password"))
    harness.login("clerk1", "clerk password")
    for request, _ in CLERK_DENIED:
        with pytest.raises(PermissionDenied):
            harness.request(request)
    harness.login("doc1", "doc password")
    admin_only = [(r, perm) for r, perm in CLERK_DENIED if perm not in
                  ("summary.create", "document.read", "export")]
    for request, _ in admin_only:
        with pytest.raises(PermissionDenied):
            harness.request(request)
    harness.login()
    denied = [(e["user_id"], e["action"]) for e in _trail(harness)
              if e["response_status"] == "denied"]
    expected = ([("clerk1", perm) for _, perm in CLERK_DENIED]
                + [("doc1", perm) for _, perm in admin_only])
    assert denied == expected
    assert [u.username for u in harness.request(p.ListUsers())] == [ADMIN, "clerk1", "doc1"]
    tally.record("access", denied_requests=len(expected), denied_audited=len(denied))


def test_throttling_disabled_users_and_recovery_key(harness, tally):
    harness.request(p.AddUser(username="clerk1", role="clerk", password="clerk password"))
    harness.request(p.AddUser(username="clerk2", role="clerk", password="clerk2 password"))
    policy = ThrottlePolicy()
    for _ in range(policy.max_failures):
        with pytest.raises(AuthFailed):
            harness.login("clerk1", "guessing wrong")
    with pytest.raises(AuthFailed) as locked:  # the right password, too soon
        harness.login("clerk1", "clerk password")
    assert 0 < locked.value.details["retry_after_s"] <= policy.lockout_s
    harness.login()  # an admin's login moves the failures into the audit trail ...
    with pytest.raises(AuthFailed) as still:  # ... and does not lift clerk1's lockout
        harness.login("clerk1", "clerk password")
    assert still.value.details["retry_after_s"] > 0
    harness.login()
    harness.request(p.DisableUser(username="clerk2"))
    with pytest.raises(AuthFailed):
        harness.request(p.UnlockWithRecovery(username="clerk2",
                                             recovery_key=harness.recovery_key))
    with pytest.raises(AuthFailed):  # a disabled account, with its right password
        harness.login("clerk2", "clerk2 password")
    harness.request(p.UnlockWithRecovery(username=ADMIN, recovery_key=harness.recovery_key))
    trail = _trail(harness)
    failed = [e for e in trail if e["action"].startswith("login")
              and e["response_status"] == "failure"]
    reasons = [e["error_message"] for e in failed if e["user_id"] == "clerk1"]
    assert reasons.count("wrong user name or password") == policy.max_failures  # once each
    # disabling dropped clerk2's password (its key slot): the right one is wrong now
    assert "wrong user name or password" in [e["error_message"] for e in failed
                                             if e["user_id"] == "clerk2"]
    assert any(e["action"] == "login.recovery" and e["response_status"] == "success"
               for e in trail)
    assert not any("guessing wrong" in json.dumps(e) for e in trail)  # no secret in the trail
    tally.record("access", throttled_after=policy.max_failures, disabled_refused=True,
                 recovery_key_unlocks=True, lockout_survives_other_logins=True)


def test_password_change_rewraps_without_reencrypting(tmp_path, tally):
    data_dir = tmp_path / "data"
    h = Harness(data_dir).start()
    h.init()
    for i in range(40):  # enough pages that a rewrite of the file would show
        h.request(p.PutSetting(key="ocr.dpi", value=200 + i % 2))
    h.close()  # checkpoints the WAL into the file
    db = data_dir / DB_FILE
    before = db.read_bytes()
    slots_before = KeySlotFile(data_dir).load()
    key = unwrap_key(slots_before[user_slot_name(ADMIN)], PASSWORD.encode())

    h = Harness(data_dir).start()
    h.login()
    h.request(p.SetPassword(username=ADMIN, password="a new passphrase"))
    with pytest.raises(AuthFailed):
        h.login(ADMIN, PASSWORD)
    h.login(ADMIN, "a new passphrase")
    h.close()
    after = db.read_bytes()
    slots_after = KeySlotFile(data_dir).load()
    assert unwrap_key(slots_after[user_slot_name(ADMIN)], b"a new passphrase") == key
    assert slots_after["recovery"] == slots_before["recovery"]
    pages = len(before) // PAGE
    changed = sum(before[i * PAGE:(i + 1) * PAGE] != after[i * PAGE:(i + 1) * PAGE]
                  for i in range(pages))
    # Only the pages the audit rows and the user's row touched are written; a re-encryption
    # (a new key or salt) would change every page of the file.
    assert before[:16] == after[:16]  # the file's salt
    assert changed <= pages // 2, (changed, pages)
    tally.record("access", password_change_pages_changed=f"{changed}/{pages}",
                 database_key_unchanged=True)


def test_idle_lock_drops_key_and_credentials(harness, tmp_path, eval_dir, tally):
    scan = repeated_pdf(tmp_path / "scan.pdf", eval_dir / "documents" / "note_1315_scanned.pdf",
                        3)
    job = harness.submit([scan])[0]
    for event in harness.client.events(timeout=120):
        if isinstance(event, p.JobProgress) and event.job_id == job and event.value >= 1 \
                and event.maximum > 1:
            break  # the idle lock strikes in the middle of the scan
    harness.request(p.Lock())
    harness.client.forget_login()  # what the desktop's idle lock does
    assert not harness.request(p.GetStatus()).unlocked
    with pytest.raises(AuthFailed):
        harness.request(p.ListJobs())
    harness.client.kill()  # a restarted engine has nothing to log in with
    for event in harness.client.events(timeout=120):
        if isinstance(event, p.EngineRestarted):
            break
    assert not harness.request(p.GetStatus()).unlocked
    harness.login()
    info = harness.wait([job], timeout=300)[job]
    # The lock paused the job (it is not the user's cancel): it ran again after the login.
    assert info.state == "succeeded" and info.attempts == 2, info
    tally.record("access", idle_lock_keeps_no_login=True, idle_lock_job_resumed=True)
