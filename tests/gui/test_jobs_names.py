"""File names in the window, against a real engine: a refusal notice names the files whose
names identify nobody and hides the others; the job list shows the name the engine keeps; a
refused or failed file leaves no empty record."""

from __future__ import annotations

from pathlib import Path

from desktop.views.drop_zone import Refused, summary_of
from engine import protocol as p

NOTE = "Assessment: knee pain after a fall, no fracture on imaging.\nPlan: ibuprofen 400 mg.\n"


def test_a_drop_names_only_what_identifies_nobody(make_window, qtbot, tmp_path, sign_in, call):
    window = make_window()
    sign_in(window)
    folder = tmp_path / "drop"
    folder.mkdir()
    kept = folder / "Ravensworth_Oriel_DOB_1952-06-30.txt"  # read and kept as "document 1"
    kept.write_text(NOTE)
    damaged = folder / "Abernathy Solveig.pdf"  # read, refused by the engine
    damaged.write_bytes(b"%PDF-1.5\n" + b"\x00torn" * 100)
    wrong = [folder / "discharge_letter.exe", folder / "Kettleborough_Imre.exe"]
    for path in wrong:  # refused by the window before submitting
        path.write_bytes(b"MZ\x90\x00")

    window.home.drop_zone.take([folder])  # what a drop or Choose files… hands over
    qtbot.waitUntil(lambda: "not added" in window.home.notice.text(), timeout=30_000)
    notice = window.home.notice.text()
    assert notice.startswith("2 files not added — ")
    assert "discharge_letter.exe (.exe: not a type HNTAI reads)" in notice
    assert "a file whose name may identify a patient (.exe" in notice
    assert "Kettleborough" not in notice and "Imre" not in notice

    qtbot.waitUntil(lambda: len(window.jobs.job_ids()) == 2, timeout=30_000)
    qtbot.waitUntil(lambda: not window.jobs.open_job_ids(), timeout=180_000)
    rows = {window.jobs.tree.topLevelItem(i).text(0): window.jobs.tree.topLevelItem(i)
            for i in range(window.jobs.tree.topLevelItemCount())}
    assert set(rows) == {"document 1 (text)", "document 1"}
    failed = rows["document 1"]
    assert failed.text(2) == "Failed" and "(CORRUPT_FILE)" in failed.text(4)
    shown = " ".join(rows[n].text(c) + rows[n].toolTip(c) for n in rows for c in range(5))
    for part in ("Ravensworth", "Oriel", "1952", "Abernathy", "Solveig"):
        assert part not in shown
    # The damaged file left no record behind; the stored document has its own, and the
    # record tree shows it under its kept name.
    records = call(p.ListRecords())
    assert [r.document_count for r in records] == [1]
    tree = window.records.tree
    qtbot.waitUntil(lambda: tree.topLevelItemCount() == 1
                    and tree.topLevelItem(0).childCount() == 1, timeout=30_000)
    assert tree.topLevelItem(0).child(0).text(0) == "document 1 (text)"


def test_a_notice_counts_beyond_the_first_few():
    refused = [Refused(Path(f"f{i}.exe"), ".exe: not a type HNTAI reads")
               for i in range(5)]
    text = summary_of(refused, [f"f{i}.exe" for i in range(5)])
    assert text.startswith("5 files not added — f0.exe (") and text.endswith("; and 2 more.")
    assert "f3.exe" not in text
    assert "f0.exe" not in summary_of(refused)  # without the engine's answer, no name
