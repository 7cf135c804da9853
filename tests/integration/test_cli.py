"""The `hntai` command as IT and scripts use it: real subprocesses, real engine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import PASSWORD, hntai
from transcripts import normal

from engine.store import unlock


@pytest.fixture
def cli_store(tmp_path: Path) -> Path:
    data_dir = tmp_path / "data"
    out = hntai(data_dir, "init", "--admin", "admin", "--json")
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout)
    assert len(info["recovery_key"].replace("-", "")) >= 52
    return data_dir


def test_init_refuses_second_store(cli_store):
    out = hntai(cli_store, "init", "--admin", "admin")
    assert out.returncode == 2 and "ALREADY_EXISTS" in out.stderr


def test_process_json_lines_and_exit_code(cli_store, eval_dir, tmp_path):
    docs = eval_dir / "documents"
    out = hntai(cli_store, "process", "--json", str(docs / "note_1315.txt"),
                str(docs / "zero_bytes.pdf"), str(docs / "unknown_binary.dat"))
    assert out.returncode == 1, out.stderr
    rows = {Path(r["file"]).name: r for r in map(json.loads, out.stdout.splitlines())}
    assert set(rows) == {"note_1315.txt", "zero_bytes.pdf", "unknown_binary.dat"}
    assert rows["note_1315.txt"]["status"] == "succeeded"
    assert rows["note_1315.txt"]["document_id"].startswith("D-")
    assert rows["note_1315.txt"]["error"] is None
    assert rows["zero_bytes.pdf"]["error"]["code"] in ("EMPTY_DOCUMENT", "UNSUPPORTED_FORMAT")
    assert rows["unknown_binary.dat"]["error"]["code"] == "UNSUPPORTED_FORMAT"
    jobs = [json.loads(line) for line in hntai(cli_store, "jobs", "--json").stdout.splitlines()]
    assert sorted(j["state"] for j in jobs) == ["failed", "failed", "succeeded"]


def test_users_roles_and_wrong_password(cli_store):
    added = hntai(cli_store, "user", "add", "clerk1", "--role", "clerk",
                  HNTAI_NEW_PASSWORD="clerk password 1")
    assert added.returncode == 0, added.stderr
    denied = hntai(cli_store, "audit", "verify", user="clerk1", password="clerk password 1")
    assert denied.returncode == 2 and "PERMISSION_DENIED" in denied.stderr
    wrong = hntai(cli_store, "jobs", password="not the password")
    assert wrong.returncode == 2 and "AUTH_FAILED" in wrong.stderr
    assert "not the password" not in wrong.stderr + wrong.stdout
    assert hntai(cli_store, "user", "disable", "clerk1").returncode == 0
    disabled = hntai(cli_store, "jobs", user="clerk1", password="clerk password 1")
    assert disabled.returncode == 2 and "AUTH_FAILED" in disabled.stderr


def test_status_json(cli_store):
    out = hntai(cli_store, "status", "--json")
    status = json.loads(out.stdout)
    assert status["engine_alive"] and status["unlocked"] and status["store_ok"]
    assert {"sqlcipher3", "pymupdf", "tesseract"} <= status["versions"].keys()
    assert status["memory"]["total_bytes"] > 0
    anonymous = json.loads(hntai(cli_store, "status", "--json", user=None).stdout)
    assert anonymous["unlocked"] is False


def test_audit_verify_detects_tampering(cli_store, eval_dir):
    hntai(cli_store, "process", str(eval_dir / "documents" / "note_3914.txt"))
    ok = hntai(cli_store, "audit", "verify")
    assert ok.returncode == 0 and "intact" in ok.stdout
    store = unlock(cli_store, "admin", PASSWORD)
    conn = store.db.conn
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("UPDATE audit_log SET user_id = 'someone-else' WHERE id = 2")
    store.close()
    broken = hntai(cli_store, "audit", "verify", "--json")
    assert broken.returncode == 3
    assert json.loads(broken.stdout)["first_broken_id"] == 2


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_audit_export(cli_store, tmp_path, fmt):
    target = tmp_path / f"audit.{fmt}"
    out = hntai(cli_store, "audit", "export", "--format", fmt, "--output", str(target))
    assert out.returncode == 0, out.stderr
    text = target.read_text()
    assert "store.create" in text and "login" in text
    assert oct(target.stat().st_mode)[-3:] == "600"


def test_export_fhir_and_json(cli_store, samples_dir, tmp_path):
    from fhir.resources.R4B.bundle import Bundle

    out = hntai(cli_store, "process", "--json", str(samples_dir / "clinic_note.txt"))
    doc_id = json.loads(out.stdout)["document_id"]
    fhir = hntai(cli_store, "export", doc_id, "--format", "fhir")
    assert fhir.returncode == 0, fhir.stderr
    bundle = Bundle.model_validate(json.loads(fhir.stdout))
    assert any(e.resource.__resource_type__ == "MedicationStatement" for e in bundle.entry)
    assert "Thornbury" not in fhir.stdout  # built from scrubbed text only
    plain = json.loads(hntai(cli_store, "export", doc_id, "--format", "json").stdout)
    assert plain["documents"][0]["extraction"]["entities"]
    trail = hntai(cli_store, "audit", "export", "--format", "jsonl").stdout
    assert sum(json.loads(x)["action"] == "export" for x in trail.splitlines()) == 2


def test_dictate_from_wav_streams_partials_then_the_file_transcription(tmp_path, eval_dir):
    """`hntai dictate --from-wav` paced like a microphone: final text while the file plays,
    then the result, which keeps nothing. Whether partials come before the first final, and
    how close the streamed words are to the whole-file transcription, depend on the
    machine's speed: tests/integration/test_dictation.py checks accuracy frame by frame and
    bench/dictation.py keeps the figures."""
    wav = eval_dir / "audio" / "faster_whisper" / "jfk.flac"
    out = hntai(tmp_path / "data", "dictate", "--from-wav", str(wav), "--json", user=None)
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    kinds = ["partial" if "partial" in line else "final" if "final" in line else "result"
             for line in lines]
    assert "final" in kinds, kinds
    assert kinds[-1] == "result" and lines[-1]["document_id"] is None  # kept nothing
    said = normal(lines[-1]["text"])
    assert "fellow americans" in said and "country" in said, said


def scrub(data_dir: Path, text: str, *args: str, **env_extra: str) -> subprocess.CompletedProcess:
    """``hntai scrub`` with stdin, as a pipeline runs it: no login, no store."""
    env = {**os.environ, "HNTAI_DATA_DIR": str(data_dir)}
    for name in ("HNTAI_USER", "HNTAI_PASSWORD", "HNTAI_POLICY"):
        env.pop(name, None)
    env.update(env_extra)
    return subprocess.run([sys.executable, "-m", "engine.cli", "scrub", *args], input=text,
                          capture_output=True, text=True, env=env, timeout=600)


SITE_NOTE = "Pt back from ZGH to marrowby ward; Dr Tavistrom aware. BP 118/70.\n"


def test_scrub_with_a_site_lexicon_needs_no_store(tmp_path):
    lexicon = tmp_path / "site.tsv"
    lexicon.write_text("# site\nZGH\tORGANIZATION\nMarrowby Ward\tLOCATION\n"
                       "Tavistrom\tNAME\n", encoding="utf-8")
    data_dir = tmp_path / "never-initialised"
    out = scrub(data_dir, SITE_NOTE, "--policy", "redact", "--site-lexicon", str(lexicon))
    assert out.returncode == 0, out.stderr
    assert out.stdout == ("Pt back from [ORGANIZATION] to [LOCATION]; Dr [NAME] aware. "
                          "BP 118/70.\n")
    assert not data_dir.exists()  # nothing kept, no store made
    # the machine policy's lexicon applies too, beside the one named
    policy = tmp_path / "policy.toml"
    policy.write_text(f"[phi]\nsite_lexicon = '{lexicon}'\n")
    rows = scrub(data_dir, json.dumps({"id": 1, "text": SITE_NOTE}) + "\n", "--jsonl",
                 "--policy", "redact", HNTAI_POLICY=str(policy))
    assert rows.returncode == 0, rows.stderr
    assert "ZGH" not in rows.stdout and "Tavistrom" not in rows.stdout


def test_scrub_refuses_a_malformed_or_missing_site_lexicon(tmp_path):
    lexicon = tmp_path / "site.tsv"
    lexicon.write_text("ZGH\tORGANIZATION\n\nTavistrom NAME\n", encoding="utf-8")
    out = scrub(tmp_path / "data", SITE_NOTE, "--site-lexicon", str(lexicon))
    assert out.returncode == 2 and out.stdout == ""
    assert "INVALID_REQUEST" in out.stderr and "line 3" in out.stderr
    assert "Tavistrom" not in out.stderr  # the term may be a name: never echoed
    missing = scrub(tmp_path / "data", SITE_NOTE, "--json", "--site-lexicon",
                    str(tmp_path / "absent.tsv"))
    assert missing.returncode == 2
    assert json.loads(missing.stderr)["error"]["code"] == "FILE_NOT_FOUND"
