"""From this checkout to an installed package: build the bundle and the .deb, install it
into a throwaway root and run it with no project Python on the PATH (packaging/smoke.sh)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.packaging
@pytest.mark.timeout(1800)
def test_the_deb_installs_and_runs_without_the_project_environment():
    # The lean bundle: the test environment has torch, which the product bundle need not.
    env = {**os.environ, "HNTAI_VENV": sys.prefix, "HNTAI_BUNDLE_HEAVY": "none"}
    build = subprocess.run(["bash", "packaging/build.sh"], cwd=ROOT, env=env,
                           capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    smoke = subprocess.run(["bash", "packaging/smoke.sh"], cwd=ROOT, env=env,
                           capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert smoke.returncode == 0, smoke.stdout + smoke.stderr[-3000:]
    for step in ("hntai --version", "hntai init", "hntai process", "hntai status",
                 "a bad machine policy is refused", "hntai models load",
                 "hntai models pack/import", "hntai-desktop --screenshots"):
        assert f"ok  {step}" in smoke.stdout
