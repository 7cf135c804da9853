"""Headless demo on the embedded defaults: a throwaway store, the bundled samples processed
through a real engine process, then status and an audit check.

Run by ``bash packaging/setup.sh run`` (or ``python -m engine.demo [--keep DIR]``).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import secrets
import sys
import tempfile
from pathlib import Path

from engine.cli import main as cli_main

SAMPLES = Path(__file__).resolve().parents[1] / "resources" / "samples"


def _step(base: list[str], title: str, args: list[str]) -> tuple[int, str]:
    print(f"\n== {title}: hntai {' '.join(args)}", flush=True)
    captured = io.StringIO()
    with contextlib.redirect_stdout(captured):
        code = cli_main(base + args)
    print(captured.getvalue(), end="", flush=True)
    return code, captured.getvalue()


def run(data_dir: Path) -> int:
    os.environ["HNTAI_PASSWORD"] = secrets.token_urlsafe(16)
    os.environ["HNTAI_USER"] = "demo-admin"
    base = ["--data-dir", str(data_dir)]
    codes = [_step(base, "Creating an encrypted store", ["init", "--admin", "demo-admin"])[0]]
    code, out = _step(base, "Processing the bundled samples",
                      ["process", "--json", str(SAMPLES)])
    codes.append(code)
    rows = [json.loads(line) for line in out.splitlines()]
    note = next((r["document_id"] for r in rows
                 if r["file"].endswith("clinic_note.txt") and r["document_id"]), None)
    if note:
        codes.append(_step(base, "Summarizing the clinic note (best installed model, else facts)",
                           ["summarize", "--documents", note])[0])
    codes.append(_step(base, "Engine status", ["status"])[0])
    codes.append(_step(base, "Verifying the audit trail", ["audit", "verify"])[0])
    print(f"\nData kept in {data_dir} (encrypted store, key slots, logs).")
    return max(codes)


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
