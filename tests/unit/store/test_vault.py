"""Creating, unlocking and recovering the encrypted store on a real SQLCipher file."""

from __future__ import annotations

import stat

import pytest
import sqlcipher3

from engine.errors import AlreadyExists, AuthFailed, InvalidRequest, StoreNotInitialized
from engine.protocol import Role
from engine.store import audit, create, unlock, unlock_with_recovery, users
from engine.store.database import DB_FILE
from engine.store.keyslots import KeySlotFile, ScryptParams, unwrap_key, user_slot_name
from engine.store.login_guard import LoginGuard, ThrottlePolicy


def test_store_file_is_owner_only_and_sqlcipher_4(store, data_dir):
    mode = stat.S_IMODE((data_dir / DB_FILE).stat().st_mode)
    assert mode == 0o600
    version = store.db.conn.execute("PRAGMA cipher_version").fetchone()[0]
    assert version.startswith("4.")


def test_file_is_not_readable_without_key(store, data_dir):
    store.close()
    conn = sqlcipher3.connect(str(data_dir / DB_FILE))
    with pytest.raises(sqlcipher3.DatabaseError):
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    conn.close()
    assert not (data_dir / DB_FILE).read_bytes().startswith(b"SQLite format 3")


def test_wrong_password_is_auth_failed_and_audited_at_next_unlock(store, data_dir, admin_password):
    store.close()
    with pytest.raises(AuthFailed):
        unlock(data_dir, "admin", "not the password")
    with pytest.raises(AuthFailed):
        unlock(data_dir, "nobody", "whatever-pass")
    reopened = unlock(data_dir, "admin", admin_password)
    rows = list(audit.entries(reopened.db.conn))
    failures = [r for r in rows if r.action == "login" and r.response_status == "failure"]
    assert [r.user_id for r in failures] == ["admin", "nobody"]
    assert all("password" not in (r.request_data or "") for r in rows)
    assert audit.verify(reopened.db.conn).ok
    reopened.close()


def _clocked_guard(data_dir, now: list[float]) -> LoginGuard:
    """Three failures in a minute lock an account for 30 s, on a clock the test moves."""
    return LoginGuard(data_dir, ThrottlePolicy(max_failures=3, window_s=60, lockout_s=30),
                      clock=lambda: now[0])


def test_throttle_after_repeated_failures(store, data_dir, admin_password):
    store.close()
    now = [1000.0]
    guard = _clocked_guard(data_dir, now)
    for _ in range(3):
        with pytest.raises(AuthFailed):
            unlock(data_dir, "admin", "bad-password", guard=guard)
    with pytest.raises(AuthFailed) as locked:
        unlock(data_dir, "admin", admin_password, guard=guard)
    assert locked.value.details["retry_after_s"] > 0
    now[0] += 31
    unlock(data_dir, "admin", admin_password, guard=guard).close()


def test_one_users_login_keeps_another_users_lockout_and_audits_each_failure_once(
        store, data_dir, admin_password):
    with store.db.transaction() as conn:
        users.insert(conn, "bob", Role.CLINICIAN)
    store.set_password("bob", "bob password 1")
    store.close()
    now = [1000.0]
    guard = _clocked_guard(data_dir, now)
    for _ in range(3):
        with pytest.raises(AuthFailed):
            unlock(data_dir, "bob", "guessing", guard=guard)
    with pytest.raises(AuthFailed):
        unlock(data_dir, "admin", "a typo here", guard=guard)
    unlock(data_dir, "admin", admin_password, guard=guard).close()  # admin's own slate clears
    with pytest.raises(AuthFailed) as locked:  # ... but bob stays locked out
        unlock(data_dir, "bob", "bob password 1", guard=guard)
    assert locked.value.details["retry_after_s"] > 0
    now[0] += 31
    reopened = unlock(data_dir, "bob", "bob password 1", guard=guard)
    failures = [(r.user_id, r.response_status) for r in audit.entries(reopened.db.conn)
                if r.action == "login" and r.response_status == "failure"]
    assert failures == [("bob", "failure")] * 3 + [("admin", "failure")]  # once each
    reopened.close()
    assert not (data_dir / "auth_failures.jsonl").exists()  # nothing left to keep


def test_recovery_key_unlocks_and_password_change_rewraps(data_dir, admin_password, fast_kdf):
    store, recovery = create(data_dir, "admin", admin_password, kdf=fast_kdf)
    marker = store.db.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    store.set_password("admin", "a brand new secret")
    store.close()
    with pytest.raises(AuthFailed):
        unlock(data_dir, "admin", admin_password)
    again = unlock_with_recovery(data_dir, recovery.lower(), "admin")
    assert again.db.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] > marker
    again.close()
    unlock(data_dir, "admin", "a brand new secret").close()
    with pytest.raises(AuthFailed):
        unlock_with_recovery(data_dir, "AAAA-BBBB", "admin")


def test_disabled_user_cannot_unlock(store, data_dir):
    with store.db.transaction() as conn:
        users.insert(conn, "clerk1", Role.CLERK)
    store.set_password("clerk1", "clerk password")
    unlock(data_dir, "clerk1", "clerk password").close()
    with store.db.transaction() as conn:
        users.set_disabled(conn, "clerk1", True)
    with pytest.raises(AuthFailed):
        unlock(data_dir, "clerk1", "clerk password")
    # That open also dropped the disabled account's key slot (a store disabled it before the
    # slot went with the account): the password opens nothing now, even outside HNTAI.
    with pytest.raises(AuthFailed):
        KeySlotFile(data_dir).get(user_slot_name("clerk1"))


def test_a_removed_password_unwraps_nothing_until_a_new_one_is_set(store, data_dir):
    with store.db.transaction() as conn:
        users.insert(conn, "clerk2", Role.CLERK)
    store.set_password("clerk2", "clerk2 password")
    slot = KeySlotFile(data_dir).get(user_slot_name("clerk2"))
    assert unwrap_key(slot, b"clerk2 password")  # the slot opened the store ...
    store.remove_password("clerk2")
    with pytest.raises(AuthFailed):  # ... and is gone from the file
        KeySlotFile(data_dir).get(user_slot_name("clerk2"))
    with pytest.raises(AuthFailed):
        unlock(data_dir, "clerk2", "clerk2 password")
    store.set_password("clerk2", "a new clerk2 password")
    unlock(data_dir, "clerk2", "a new clerk2 password").close()


@pytest.mark.parametrize(
    ("name", "password", "error"),
    [("", "long enough pw", InvalidRequest), ("bad name!", "long enough pw", InvalidRequest),
     ("fine", "short", InvalidRequest)],
)
def test_create_validates_input(data_dir, name, password, error, fast_kdf):
    with pytest.raises(error):
        create(data_dir, name, password, kdf=fast_kdf)


def test_create_twice_and_unlock_missing(store, data_dir, tmp_path, admin_password, fast_kdf):
    with pytest.raises(AlreadyExists):
        create(data_dir, "admin", admin_password, kdf=fast_kdf)
    with pytest.raises(StoreNotInitialized):
        unlock(tmp_path / "elsewhere", "admin", admin_password)


def test_production_kdf_is_strong():
    params = ScryptParams()
    assert params.n >= 2**15 and params.r >= 8
