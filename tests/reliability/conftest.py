"""The reliability suite: faults, hostile input, access control, leaks, backup and load.

Every test adds its figures to one tally; at the end of the run the tally is printed as a
table and, when every part of the suite ran, written to ``bench/results/``:
``reliability.{md,json}`` for the full version (``HNTAI_RELIABILITY_FULL=1`` or
``python bench/reliability.py``: 500 crash jobs, more kills, more fuzzing examples),
``reliability-ci.{md,json}`` for the reduced, seeded version CI runs by default.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # helper modules; spawned engines inherit sys.path

from harness import ADMIN, PASSWORD, SCALE, Harness, Scale  # noqa: E402

RESULTS = HERE.parents[1] / "bench" / "results"
SECTIONS = ("crash", "client_kill", "storage", "hostile", "fuzz", "access", "airgap", "phi",
            "backup", "load", "paths", "memory", "time")


@dataclass
class Tally:
    scale: Scale
    started: float = field(default_factory=time.monotonic)
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)

    def record(self, section: str, **figures: Any) -> None:
        self.sections.setdefault(section, {}).update(figures)

    def total(self, key: str) -> int:
        return sum(int(s.get(key, 0)) for s in self.sections.values())

    def headline(self) -> dict[str, Any]:
        return {
            "faults injected": self.total("faults_injected"),
            "jobs run": self.total("jobs"),
            "jobs lost": self.total("jobs_lost"),
            "duplicates": self.total("duplicates"),
            "hostile inputs tried": self.total("inputs_tried"),
            "engine deaths": self.total("engine_deaths"),
            "PHI markers found outside the store": self.total("markers_found"),
        }


_TALLY = Tally(SCALE)


@pytest.fixture(scope="session")
def scale() -> Scale:
    return _TALLY.scale


@pytest.fixture(scope="session")
def tally() -> Tally:
    return _TALLY


@pytest.fixture
def harness(tmp_path: Path):
    """A real engine process on a fresh store, logged in as the admin."""
    h = Harness(tmp_path / "data").start()
    h.init()
    yield h
    h.close()


@pytest.fixture
def credentials() -> tuple[str, str]:
    return ADMIN, PASSWORD


def _table(tally: Tally) -> list[str]:
    rows = [("figure", "value"), *((k, str(v)) for k, v in tally.headline().items())]
    for section, figures in tally.sections.items():
        for key, value in figures.items():
            if not isinstance(value, (dict, list)):
                rows.append((f"{section}.{key}", str(value)))
    width = max(len(r[0]) for r in rows)
    lines = [f"| {a:<{width}} | {b} |" for a, b in rows]
    lines.insert(1, f"|{'-' * (width + 2)}|-------|")
    return lines


def _rows_table(rows: list[dict[str, Any]]) -> list[str]:
    """Rows of like dicts (the memory table) as a Markdown table."""
    keys = list(rows[0])
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    return lines + ["| " + " | ".join(str(r[k]) for k in keys) + " |" for r in rows]


def pytest_terminal_summary(terminalreporter) -> None:
    if not _TALLY.sections:
        return
    terminalreporter.section(f"reliability ({_TALLY.scale.name} scale)")
    for line in _table(_TALLY):
        terminalreporter.write_line(line)
    for section, figures in _TALLY.sections.items():
        if figures.get("rows"):
            terminalreporter.write_line("")
            terminalreporter.write_line(f"{section}:")
            for line in _rows_table(figures["rows"]):
                terminalreporter.write_line(line)


def _write_memory_table(passed: bool) -> None:
    """The memory table has its own files, so the bench can run it alone at full scale."""
    memory = _TALLY.sections.get("memory")
    if not memory:
        return
    stem = "reliability-memory" + ("" if _TALLY.scale.name == "full"
                                   else f"-{_TALLY.scale.name}")
    report = {"scale": _TALLY.scale.name, "date": time.strftime("%Y-%m-%d", time.gmtime()),
              "machine": f"{platform.machine()}, {os.cpu_count()} cores", "passed": passed,
              **memory}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{stem}.json").write_text(json.dumps(report, indent=1, sort_keys=True) + "\n")
    md = [f"# Engine memory per input ({report['scale']} scale)", "",
          f"Run of {report['date']} on {report['machine']}; the engine idles at "
          f"{memory['idle_rss_mb']} MB; target: under 1,536 MB above idle at the default "
          f"budget (limits.job_memory_mb = 1024); "
          f"{'the test passed' if passed else 'THE TEST FAILED'}.", "",
          "Produced by `python -m pytest tests/reliability/test_memory.py` (full scale: "
          "`python bench/reliability.py -k memory`).", "",
          *_rows_table(memory["rows"]), ""]
    (RESULTS / f"{stem}.md").write_text("\n".join(md))


def pytest_sessionfinish(session, exitstatus) -> None:
    _write_memory_table(exitstatus == 0)
    missing = [s for s in SECTIONS if s not in _TALLY.sections]
    if missing:  # a partial run (one file, -k) must not overwrite the suite's figures
        return
    report = {
        "scale": _TALLY.scale.name, "seed": _TALLY.scale.seed,
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "passed": exitstatus == 0,
        "duration_s": round(time.monotonic() - _TALLY.started, 1),
        "headline": _TALLY.headline(), "sections": _TALLY.sections,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    # The full run's figures are the product's; CI's reduced run keeps its own files.
    stem = "reliability" if _TALLY.scale.name == "full" else f"reliability-{_TALLY.scale.name}"
    (RESULTS / f"{stem}.json").write_text(json.dumps(report, indent=1, sort_keys=True)
                                              + "\n")
    md = [f"# Reliability suite ({report['scale']} scale, seed {report['seed']})", "",
          f"Run of {report['date']} on {report['machine']}, pytest session of "
          f"{report['duration_s']} s, "
          f"{'all tests passed' if report['passed'] else 'SOME TESTS FAILED'}.", "",
          "Produced by `python -m pytest tests/reliability` (full scale: "
          "`python bench/reliability.py`).", "", *_table(_TALLY), ""]
    for section, figures in _TALLY.sections.items():
        nested = {k: v for k, v in figures.items() if isinstance(v, (dict, list))}
        if nested:
            md += [f"## {section}", "", "```json", json.dumps(nested, indent=1, sort_keys=True),
                   "```", ""]
    (RESULTS / f"{stem}.md").write_text("\n".join(md))
