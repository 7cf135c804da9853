"""Shared fixtures: paths to the public evaluation data beside the checkout."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EVAL_DIR = Path(os.environ.get("HNTAI_EVAL_DIR", ROOT.parent / "shared" / "eval"))


@pytest.fixture(scope="session")
def eval_dir() -> Path:
    if not EVAL_DIR.is_dir():
        pytest.fail(f"evaluation data missing at {EVAL_DIR} (../shared/eval must sit beside the repo)")
    return EVAL_DIR
