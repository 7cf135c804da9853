"""Failed logins before the store is open: throttled, and kept for the audit trail.

A failed login cannot be written to the encrypted audit log (no key), so it is appended to
``auth_failures.jsonl`` (user name and time only, no secrets) and moved into the audit log at
the next successful unlock. The same file drives throttling, so an unlock by one user keeps
the other users' recent failures (marked as audited): one login must not lift another
account's lockout.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from engine.clock import utc_now_iso
from engine.errors import AuthFailed

FAILURES_FILE = "auth_failures.jsonl"


@dataclass(frozen=True)
class FailedLogin:
    username: str
    timestamp: str
    reason: str
    epoch: float
    audited: bool = False  # already written to the audit log; kept for throttling only


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures: int = 5
    window_s: float = 300.0
    lockout_s: float = 60.0


class LoginGuard:
    def __init__(
        self, data_dir: Path, policy: ThrottlePolicy | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = data_dir / FAILURES_FILE
        self.policy = policy or ThrottlePolicy()
        self.clock = clock

    def pending(self) -> list[FailedLogin]:
        """Failures not yet in the audit log."""
        return [f for f in self._all() if not f.audited]

    def _all(self) -> list[FailedLogin]:
        try:
            lines = self.path.read_text("utf-8").splitlines()
        except FileNotFoundError:
            return []
        out = []
        for line in lines:
            try:
                out.append(FailedLogin(**json.loads(line)))
            except (ValueError, TypeError):
                continue  # a torn last line after a crash is dropped, not fatal
        return out

    def check(self, username: str) -> None:
        """Refuse early (without running the KDF) when the user is locked out."""
        now = self.clock()
        recent = [
            f.epoch for f in self._all()
            if f.username == username and now - f.epoch < self.policy.window_s
        ]
        if len(recent) >= self.policy.max_failures:
            retry = max(0.0, max(recent) + self.policy.lockout_s - now)
            if retry > 0:
                raise AuthFailed(
                    "too many failed attempts; wait before trying again",
                    {"retry_after_s": round(retry, 1)},
                )

    def record(self, username: str, reason: str) -> None:
        entry = FailedLogin(username[:64], utc_now_iso(), reason, self.clock())
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry.__dict__) + "\n")

    def audited(self, username: str) -> None:
        """After a successful unlock by ``username`` has audited the pending failures: drop
        that user's failures and those out of the throttle window, keep the others'."""
        now = self.clock()
        keep = [{**f.__dict__, "audited": True} for f in self._all()
                if f.username != username and now - f.epoch < self.policy.window_s]
        if not keep:
            self.path.unlink(missing_ok=True)
            return
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(entry) + "\n" for entry in keep)
        os.replace(tmp, self.path)
