"""The replaced values a summary view marks: read from the stored spans, dates also in ISO."""

from __future__ import annotations

from engine.store import documents, records, stand_ins


def _doc(conn, record_id: str, text: str | None, spans: list[dict]) -> str:
    return documents.insert(conn, documents.NewDocument(
        record_id=record_id, job_id=None, source_name="note.txt", sha256="0" * 64, kind="text",
        mime="text/plain", size_bytes=1, page_count=1, ocr_pages=0,
        status="processed" if text else "text_withheld", scrubbed_text=text, phi_spans=spans,
        pages=[], extraction=None))


def test_each_replaced_value_once_and_moved_dates_in_iso_too(store):
    text = "Seen by Ida Crane on 08/22/2023 and Aug 3, 2023; Ida Crane to call [PHONE]."
    spans = [{"type": "NAME", "start": 8, "end": 17}, {"type": "DATE", "start": 21, "end": 31},
             {"type": "DATE", "start": 36, "end": 47}, {"type": "NAME", "start": 49, "end": 58},
             {"type": "PHONE", "start": 67, "end": 74}]
    with store.db.transaction() as conn:
        record = records.store(conn, records.pending(), "admin")
        first = _doc(conn, record.id, text, spans)
        withheld = _doc(conn, record.id, None, [])
        found = stand_ins.of_documents(conn, [first, withheld, "D-gone"])
    assert [(s.type, s.text) for s in found] == [
        ("NAME", "Ida Crane"), ("DATE", "08/22/2023"), ("DATE", "2023-08-22"),
        ("DATE", "Aug 3, 2023"), ("DATE", "2023-08-03"), ("PHONE", "[PHONE]")]
    assert "Seen" not in {s.text for s in found}  # nothing outside the spans
