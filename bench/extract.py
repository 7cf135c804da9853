"""Extraction throughput: the full ``hntai process`` path against a bare PyMuPDF loop.

Builds a 200-page PDF of clinical text (MTSamples notes from ../shared/eval), then measures
on the same file and machine:
  * peer:   ``for page in doc: page.get_text()`` (bare PyMuPDF), best of 3;
  * extract: engine.documents.extract_document (sniffing, limits, offsets, checkpoints);
  * full:   submit through a real engine process and wait for the job (extract → scrub →
            clinical → encrypted store), timed from submit to the finished event, best of 3;
plus OCR pages per second on image-only pages. Writes bench/results/extract.{json,md}.

    .venv/bin/python bench/extract.py [--pages 200]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import tempfile
import time
from pathlib import Path

import pymupdf

from engine import protocol as p
from engine.client import EngineClient
from engine.documents import extract_document

ROOT = Path(__file__).resolve().parents[1]
EVAL = Path(os.environ.get("HNTAI_EVAL_DIR", ROOT.parent / "shared" / "eval"))
RESULTS = ROOT / "bench" / "results"


def _notes() -> list[str]:
    with open(EVAL / "notes" / "mtsamples_subset_200.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    column = next(c for c in rows[0] if "transcription" in c.lower())
    return [r[column] for r in rows if r[column].strip()]


def build_pdf(path: Path, pages: int, image_only: bool = False) -> None:
    notes = _notes()
    doc = pymupdf.open()
    for i in range(pages):
        text = notes[i % len(notes)][:2600]
        page = doc.new_page()
        page.insert_textbox(pymupdf.Rect(50, 50, 545, 800), text, fontsize=9)
        if image_only:  # replace the page by a 200 dpi picture of itself
            pix = page.get_pixmap(dpi=200)
            doc.delete_page(-1)
            doc.new_page().insert_image(pymupdf.Rect(0, 0, 595, 842), pixmap=pix)
    doc.save(path)


def bare_loop(path: Path) -> float:
    start = time.perf_counter()
    with pymupdf.open(path) as doc:
        for page in doc:
            page.get_text()
    return time.perf_counter() - start


def extract_only(path: Path) -> float:
    start = time.perf_counter()
    extract_document(path)
    return time.perf_counter() - start


def full_path(client: EngineClient, path: Path) -> tuple[float, dict]:
    start = time.perf_counter()
    job = client.request(p.ProcessDocument(path=str(path)))
    info = client.wait_jobs([job.id], poll_s=0.05)[job.id]
    elapsed = time.perf_counter() - start
    if info.state != "succeeded":
        raise SystemExit(f"bench job failed: {info.error}")
    return elapsed, dict(info.result)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--ocr-pages", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_dir = Path(tmp)
        pdf = tmp_dir / "bench.pdf"
        scan = tmp_dir / "scan.pdf"
        build_pdf(pdf, args.pages)
        build_pdf(scan, args.ocr_pages, image_only=True)
        bare = min(bare_loop(pdf) for _ in range(args.repeats))
        extract = min(extract_only(pdf) for _ in range(args.repeats))
        with EngineClient(tmp_dir / "data") as client:
            client.request(p.InitStore(admin="bench", password="bench password"))
            full_runs = [full_path(client, pdf) for _ in range(args.repeats)]
            full, full_result = min(full_runs, key=lambda r: r[0])
            ocr, ocr_result = full_path(client, scan)
    results = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "pymupdf": pymupdf.VersionBind},
        "pages": args.pages,
        "bare_pymupdf_pages_per_s": round(args.pages / bare, 1),
        "extract_stage_pages_per_s": round(args.pages / extract, 1),
        "full_process_pages_per_s": round(args.pages / full, 1),
        "ratio_extract_vs_bare": round(bare / extract, 3),
        "ratio_full_vs_bare": round(bare / full, 3),
        "full_path_stage_seconds": full_result.get("stage_seconds"),
        "ocr_pages": args.ocr_pages,
        "ocr_pages_per_s": round(args.ocr_pages / ocr, 3),
        "ocr_stage_seconds": ocr_result.get("stage_seconds"),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "extract.json").write_text(json.dumps(results, indent=2) + "\n")
    lines = [
        "# Extraction throughput (bench/extract.py)", "",
        f"{args.pages}-page generated clinical PDF; best of {args.repeats}; "
        f"{os.cpu_count()} CPUs.", "",
        "| path | pages/s | ratio to bare PyMuPDF |", "|---|---|---|",
        f"| bare `page.get_text()` loop | {results['bare_pymupdf_pages_per_s']} | 1.000 |",
        f"| extract stage only | {results['extract_stage_pages_per_s']} | "
        f"{results['ratio_extract_vs_bare']} |",
        f"| full `process` path (engine, all stages, store) | "
        f"{results['full_process_pages_per_s']} | {results['ratio_full_vs_bare']} |",
        "", f"Stage seconds (full path): {results['full_path_stage_seconds']}",
        "", f"OCR: {results['ocr_pages_per_s']} pages/s on {args.ocr_pages} image-only pages "
        f"(stages {results['ocr_stage_seconds']}).",
    ]
    (RESULTS / "extract.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
