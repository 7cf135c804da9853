"""`hntai record`: the MRN and the label come from stdin (or a terminal prompt), never argv."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PASSWORD = "cli records password"


def hntai(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "HNTAI_DATA_DIR": str(data_dir), "HNTAI_PASSWORD": PASSWORD,
           "HNTAI_USER": "admin"}
    return subprocess.run([sys.executable, "-m", "engine.cli", *args], capture_output=True,
                          text=True, env=env, timeout=600, input=stdin)


def test_link_find_and_label_a_record_from_stdin(tmp_path):
    data_dir = tmp_path / "data"
    assert hntai(data_dir, "init", "--admin", "admin", "--json").returncode == 0
    note = tmp_path / "note.txt"
    note.write_text("Review visit. Asthma well controlled on salbutamol as needed.\n",
                    encoding="utf-8")
    out = hntai(data_dir, "process", str(note), "--json")
    assert out.returncode == 0, out.stderr
    record_id = json.loads(out.stdout.splitlines()[-1])["record_id"]

    out = hntai(data_dir, "record", "link", record_id, "--json", stdin="KT-40 118\n")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["mrn_linked"] is True
    out = hntai(data_dir, "record", "find", "--json", stdin="kt40118\n")
    assert out.returncode == 0 and json.loads(out.stdout)["id"] == record_id
    out = hntai(data_dir, "record", "find", stdin="KT40119\n")
    assert out.returncode == 1 and "no record is linked" in out.stderr
    assert "KT40119" not in out.stderr + out.stdout

    out = hntai(data_dir, "record", "label", record_id, "--json", stdin="Asthma review\n")
    assert out.returncode == 0 and json.loads(out.stdout)["label"] == "Asthma review"
    listed = json.loads(hntai(data_dir, "record", "list", "--json").stdout)
    assert [(r["id"], r["label"], r["mrn_linked"]) for r in listed] == [
        (record_id, "Asthma review", True)]
