"""The full reliability suite: 500 crash jobs with 25 SIGKILLs, 1,000 fuzz examples per
extractor and scrubber policy, the hostile corpus, storage faults, access control, air gap,
PHI leak search, backup/restore, the 1,000-document load, links and odd names, the
in-stage time limit and the memory table, at the same seed as CI's reduced run. Writes
bench/results/reliability.{json,md} and prints the table.

The memory table (tests/reliability/test_memory.py) runs the issue's full sizes here: a
WAV of 3 h 59 min, a DOCX whose document.xml is 496 MB, one of 11 M empty paragraphs, a PDF
line of 21 M characters, a 200 MB text file, PNG/JPEG/PDF pages just under 100 Mpx; each
row the engine's peak RSS above idle. It also has its own files,
bench/results/reliability-memory.{json,md}, so it can be run alone:

    .venv/bin/python bench/reliability.py [pytest options, e.g. -x]
    .venv/bin/python bench/reliability.py -k memory     # the memory table alone

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
