"""Where HNTAI keeps its data on each platform (overridable by flag or environment)."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def default_data_dir() -> Path:
    if env := os.environ.get("HNTAI_DATA_DIR"):
        return Path(env).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
        return base / "HNTAI"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "HNTAI"
    base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return base / "hntai"
