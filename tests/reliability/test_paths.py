"""Submitted paths through a real engine: links into denied folders (an /etc-like root made
here and added through HNTAI_DENIED_PATHS) and into the data directory are refused with
FORBIDDEN_PATH, loops and dangling links get a coded error, and file names of any bytes are
stored escaped, or under a neutral name when they are not plainly harmless words."""

from __future__ import annotations

import os
from pathlib import Path

from harness import Harness

from engine import protocol as p
from engine.documents.source import stored_name

SECRET = "root:$6$Zq0TeStSaLt$notarealhashbutaMARKER:19000:0:99999:7:::"


def test_links_and_names_through_the_engine(tmp_path, monkeypatch, tally):
    etc = tmp_path / "etc"
    etc.mkdir()
    (etc / "shadow").write_text(SECRET + "\n")
    monkeypatch.setenv("HNTAI_DENIED_PATHS", str(etc))
    docs = tmp_path / "docs"
    docs.mkdir()
    note = docs / "note.txt"
    note.write_text("Metformin 500 mg twice daily. Follow up in two weeks.\n")

    data = tmp_path / "data"
    h = Harness(data).start()
    try:
        h.init()
        links = {"to shadow": etc / "shadow", "to key slots": data / "keyslots.json",
                 "to the database": data / "hntai.db", "to a note": note}
        submitted: dict[str, Path] = {}
        for name, target in links.items():
            link = docs / f"{name.replace(' ', '_')}.txt"
            link.symlink_to(target)
            submitted[name] = link
        folder = docs / "config"
        folder.symlink_to(etc, target_is_directory=True)
        submitted["through a linked folder"] = folder / "shadow"
        loop = docs / "loop.txt"
        loop.symlink_to(loop)
        submitted["loop"] = loop
        dangling = docs / "dangling.txt"
        dangling.symlink_to(docs / "deleted.txt")
        submitted["dangling"] = dangling
        odd = [os.fsdecode(b"r\xe9sultats latin-1.txt"), "two\nlines.txt",
               "scan \u202etxt.exe", "caf\u00e9 \u2013 ok.txt"]
        for raw in odd:
            path = docs / raw
            path.write_text(f"Lisinopril 10 mg daily ({len(raw)}).\n")
            submitted[f"name {raw!r}"] = path

        jobs = {name: h.submit([path])[0] for name, path in submitted.items()}
        done = h.wait(jobs.values(), timeout=300)
        outcomes = {name: done[job].state if done[job].state == "succeeded"
                    else done[job].error.code for name, job in jobs.items()}
        stored = {d.source_name for d in h.request(p.ListDocuments())}
        names = {done[jobs[f"name {raw!r}"]].source_name for raw in odd}
        audit_ok = h.request(p.AuditVerify()).ok
        restarts = h.client.restarts
    finally:
        h.close()

    tally.record("paths", inputs_tried=len(submitted), engine_deaths=restarts,
                 outcomes=dict(sorted(outcomes.items())))
    expected = {"to shadow": "FORBIDDEN_PATH", "to key slots": "FORBIDDEN_PATH",
                "to the database": "FORBIDDEN_PATH", "through a linked folder": "FORBIDDEN_PATH",
                "to a note": "succeeded", "loop": "FILE_NOT_FOUND",
                "dangling": "FILE_NOT_FOUND", **{f"name {raw!r}": "succeeded" for raw in odd}}
    assert outcomes == expected
    escaped = {stored_name(raw) for raw in odd}
    assert escaped == {"r\\xe9sultats latin-1.txt", "two\\u000alines.txt",
                       "scan \\u202etxt.exe", "caf\u00e9 \u2013 ok.txt"}
    # Bytes that were not UTF-8, a bidirectional mark, an accented word: doubtful names.
    kept = {"two\\u000alines.txt", "document 1 (text)"}
    assert names == kept  # in the job queue…
    assert stored == kept | {"to_a_note.txt"}  # …and on the stored documents
    assert audit_ok and restarts == 0
    for log in (data / "logs").glob("*"):  # the secret was never read, so never written
        assert "MARKER" not in log.read_text(errors="replace")
