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


def models_config_path() -> Path:
    """The machine's model list: HNTAI_MODELS_CONFIG, else the one shipped with HNTAI."""
    if env := os.environ.get("HNTAI_MODELS_CONFIG"):
        return Path(env)
    return Path(__file__).resolve().parents[1] / "models_config.json"


def model_dirs(data_dir: Path) -> list[Path]:
    """Where model files are looked for: HNTAI_MODEL_DIR (os.pathsep-separated, where IT
    provisions them), the data directory's ``models``, then the models installed with HNTAI
    (``<prefix>/share/hntai/models``)."""
    dirs = [Path(p) for p in os.environ.get("HNTAI_MODEL_DIR", "").split(os.pathsep) if p]
    return [*dirs, data_dir / "models", Path(sys.prefix) / "share" / "hntai" / "models"]
