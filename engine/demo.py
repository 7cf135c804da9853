"""Headless demo on the embedded defaults: a throwaway store, the bundled samples processed
through a real engine process, then status and an audit check.

Run by ``bash packaging/setup.sh run`` (or ``python -m engine.demo [--keep DIR]``).
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
from pathlib import Path

from engine.cli import main as cli_main

SAMPLES = Path(__file__).resolve().parents[1] / "resources" / "samples"


def run(data_dir: Path) -> int:
    os.environ["HNTAI_PASSWORD"] = secrets.token_urlsafe(16)
    os.environ["HNTAI_USER"] = "demo-admin"
    base = ["--data-dir", str(data_dir)]
    steps = [
        ("Creating an encrypted store", ["init", "--admin", "demo-admin"]),
        ("Processing the bundled samples", ["process", "--json", str(SAMPLES)]),
        ("Engine status", ["status"]),
        ("Verifying the audit trail", ["audit", "verify"]),
    ]
    worst = 0
    for title, args in steps:
        print(f"\n== {title}: hntai {' '.join(args)}", flush=True)
        worst = max(worst, cli_main(base + args))
    print(f"\nData kept in {data_dir} (encrypted store, key slots, logs).")
    return worst


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine.demo")
    parser.add_argument("--keep", type=Path, default=None,
                        help="use this (new) data directory instead of a temporary one")
    args = parser.parse_args(argv)
    if args.keep is not None:
        return run(args.keep)
    with tempfile.TemporaryDirectory(prefix="hntai-demo-") as tmp:
        return run(Path(tmp) / "data")


if __name__ == "__main__":
    sys.exit(main())
