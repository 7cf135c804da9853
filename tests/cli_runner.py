"""The `hntai` command run as IT and scripts run it: a real subprocess on a data directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PASSWORD = "cli admin password"


def hntai(data_dir: Path, *args: str, user: str | None = "admin", password: str = PASSWORD,
          **env_extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "HNTAI_DATA_DIR": str(data_dir), "HNTAI_PASSWORD": password,
           **env_extra}
    env.pop("HNTAI_USER", None)
    if user:
        env["HNTAI_USER"] = user
    return subprocess.run([sys.executable, "-m", "engine.cli", *args], capture_output=True,
                          text=True, env=env, timeout=600, stdin=subprocess.DEVNULL)
