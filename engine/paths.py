"""Where HNTAI keeps its data on each platform (overridable by flag or environment)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from engine.policy import machine_policy

STORE_FILE = "hntai.db"  # the SQLCipher database inside the data directory


def default_data_dir() -> Path:
    """HNTAI_DATA_DIR, else the machine policy's ``storage.data_dir``, else per user."""
    if env := os.environ.get("HNTAI_DATA_DIR"):
        return Path(env).expanduser()
    if (fixed := machine_policy().data_dir) is not None:
        return fixed
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


def models_overlay_path() -> Path:
    """The models IT imported on this machine (``hntai models import``), merged over the
    shipped list; it lives beside the models it describes."""
    return machine_model_dir() / "models_config.json"


def _env_model_dirs() -> list[Path]:
    """HNTAI_MODEL_DIR: os.pathsep-separated folders where IT provisions models."""
    return [Path(p) for p in os.environ.get("HNTAI_MODEL_DIR", "").split(os.pathsep) if p]


def machine_model_dir() -> Path:
    """Where ``hntai models import`` provisions models: the first model directory."""
    if dirs := machine_policy().model_dirs:
        return dirs[0]
    if env := _env_model_dirs():
        return env[0]
    if sys.platform == "win32":
        return Path(os.environ.get("PROGRAMDATA", r"C:\ProgramData")) / "HNTAI" / "models"
    if sys.platform == "darwin":
        return Path("/Library/Application Support/HNTAI/models")
    return Path("/var/lib/hntai/models")


def bundled_model_dir() -> Path:
    """The embedded default models installed with HNTAI: inside a frozen (PyInstaller)
    bundle, its ``models`` folder; otherwise ``<prefix>/share/hntai/models``."""
    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / "models"
    return Path(sys.prefix) / "share" / "hntai" / "models"


def model_dirs(data_dir: Path) -> list[Path]:
    """Where model files are looked for. A machine policy's ``models.dirs`` replace the
    provisioned ones; otherwise HNTAI_MODEL_DIR (os.pathsep-separated, where IT provisions
    them), the machine model directory and the data directory's ``models``. The embedded
    defaults installed with HNTAI come last in either case."""
    if policy_dirs := machine_policy().model_dirs:
        return [*policy_dirs, bundled_model_dir()]
    dirs = _env_model_dirs()
    return list(dict.fromkeys([*dirs, machine_model_dir(), data_dir / "models",
                               bundled_model_dir()]))


# System folders no submitted document may come from, even through a link: a clinic
# document never lives there, and what does (password hashes, keys, devices) must not end
# up in the store. The data directory is refused beside them (its key slots, its database).
_DENIED_POSIX = ("/etc", "/proc", "/sys", "/dev", "/boot", "/root", "/var/lib")


def denied_roots() -> tuple[Path, ...]:
    """Folders submitted files are refused from: the system folders above (and on Windows
    the system root), plus HNTAI_DENIED_PATHS (os.pathsep-separated), which
    adds to the list and never removes from it."""
    roots = [Path(p) for p in _DENIED_POSIX]
    if sys.platform == "win32":
        system = os.environ.get("SYSTEMROOT") or os.environ.get("WINDIR") or r"C:\Windows"
        roots.append(Path(system))
    extra = os.environ.get("HNTAI_DENIED_PATHS", "")
    roots += [Path(p) for p in extra.split(os.pathsep) if p]
    return tuple(roots)
