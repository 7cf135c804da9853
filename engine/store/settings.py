"""Settings kept in the store, with typed defaults in code; the machine policy fixes some."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from engine.errors import InvalidRequest, PermissionDenied
from engine.phi import site_lexicon
from engine.policy import machine_policy

DEFAULTS: Mapping[str, Any] = {
    "scrub.policy": "surrogate",
    "phi.site_lexicon": "",  # the site lexicon file (an absolute path); "" = none
    "limits.max_file_mb": 200,
    "limits.max_pages": 2000,
    "limits.max_image_megapixels": 100,
    "limits.max_docx_uncompressed_mb": 500,
    "limits.max_text_million_chars": 20,
    "limits.job_memory_mb": 1024,  # what one job may use; readers size their work by it
    "ocr.dpi": 200,
    "ocr.lang": "eng",
    "jobs.timeout_s": 1800,
    "jobs.max_attempts": 3,
    "security.idle_lock_minutes": 10,
    "retention.days": 0,  # 0 = keep; how long documents are kept (IT policy)
    # how the review shows replaced values (display only: the stored text is unchanged)
    "display.replaced_values": "tags",
}


CHOICES: Mapping[str, tuple[str, ...]] = {
    "scrub.policy": ("surrogate", "redact", "safe_harbor"),
    "display.replaced_values": ("tags", "stand-ins"),
}


def get(conn, key: str) -> Any:
    if key not in DEFAULTS:
        raise InvalidRequest("unknown setting", {"key": key})
    fixed = machine_policy().fixed_settings()
    if key in fixed:  # the machine policy wins over whatever a user stored
        return fixed[key]
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return json.loads(row[0]) if row else DEFAULTS[key]


def all_settings(conn) -> dict[str, Any]:
    return {key: get(conn, key) for key in DEFAULTS}


def _check_site_lexicon(path: str) -> None:
    """A lexicon is read when it is set, so that a missing file or a malformed line is
    refused now (naming the line), not at the next document."""
    if not Path(path).is_absolute():
        raise InvalidRequest("the site lexicon must be an absolute path",
                             {"key": "phi.site_lexicon"})
    site_lexicon.read(Path(path))


def put(conn, key: str, value: Any) -> None:
    default = DEFAULTS.get(key)
    if default is None:
        raise InvalidRequest("unknown setting", {"key": key})
    policy = machine_policy()
    if key in policy.fixed_settings():
        raise PermissionDenied("this setting is fixed by the machine policy",
                               {"key": key, "policy": str(policy.source)})
    if not isinstance(value, type(default)) or isinstance(value, bool) != isinstance(default, bool):
        raise InvalidRequest("setting has the wrong type", {"key": key})
    if key in CHOICES and value not in CHOICES[key]:
        raise InvalidRequest("setting value is not one of the choices",
                             {"key": key, "choices": list(CHOICES[key])})
    if key == "phi.site_lexicon" and value:
        _check_site_lexicon(value)
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, json.dumps(value)),
    )
