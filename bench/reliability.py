"""The full reliability suite: 500 crash jobs with 25 SIGKILLs, 1,000 fuzz examples per
extractor and scrubber policy, the hostile corpus, storage faults, access control, air gap,
PHI leak search, backup/restore and the 1,000-document load, at the same seed as CI's
reduced run. Writes bench/results/reliability.{json,md} and prints the table.

    .venv/bin/python bench/reliability.py [pytest options, e.g. -x]

(CI runs the reduced version as part of the test suite: ``python -m pytest tests/reliability``.)
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    env = {**os.environ, "HNTAI_RELIABILITY_FULL": "1"}
    command = [sys.executable, "-m", "pytest", "tests/reliability", "-q", "-p",
               "no:cacheprovider", *sys.argv[1:]]
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
