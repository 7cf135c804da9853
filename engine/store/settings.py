"""Settings kept in the store, declared with their defaults and bounds in
``engine.protocol.SETTINGS_SCHEMA``; the machine policy fixes some."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from engine.errors import InvalidRequest, PermissionDenied
from engine.phi import site_lexicon
from engine.policy import machine_policy
from engine.protocol import SETTINGS_SCHEMA, SettingsInfo, setting_spec


def get(conn, key: str) -> Any:
    spec = setting_spec(key)
    fixed = machine_policy().fixed_settings()
    if key in fixed:  # the machine policy wins over whatever a user stored
        return fixed[key]
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return json.loads(row[0]) if row else spec.default


def all_settings(conn) -> dict[str, Any]:
    return {key: get(conn, key) for key in SETTINGS_SCHEMA}


def info(conn) -> SettingsInfo:
    return SettingsInfo(all_settings(conn), frozenset(machine_policy().fixed_settings()))


def _check_site_lexicon(path: str) -> None:
    """A lexicon is read when it is set, so that a missing file or a malformed line is
    refused now (naming the line), not at the next document."""
    if not Path(path).is_absolute():
        raise InvalidRequest("the site lexicon must be an absolute path",
                             {"key": "phi.site_lexicon"})
    site_lexicon.read(Path(path))


def put(conn, key: str, value: Any) -> None:
    spec = setting_spec(key)
    policy = machine_policy()
    if key in policy.fixed_settings():
        raise PermissionDenied("this setting is fixed by the machine policy",
                               {"key": key, "policy": str(policy.source)})
    spec.check(value)
    if key == "phi.site_lexicon" and value:
        _check_site_lexicon(value)
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, json.dumps(value)),
    )
