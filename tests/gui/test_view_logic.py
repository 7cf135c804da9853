"""What the views compute from engine data, table-driven (no engine needed)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from desktop.views.clinical import attribute, code_text
from desktop.views.jobs import overall_percent, stage_text
from desktop.views.status import device_text, models_text
from desktop.views.summary import parse_citation, summary_html
from engine import protocol as p


@pytest.mark.parametrize(("stage", "value", "maximum", "percent", "text"), [
    ("extract", 0, 1, 0, "Step 1 of 4 · L"),
    ("extract", 5, 10, 12, "Step 1 of 4 · L"),
    ("scrub", 1, 1, 50, "Step 2 of 4 · L"),
    ("store", 1, 1, 100, "Step 4 of 4 · L"),
    ("summarize", 0, 1, 0, "L"),
    ("summarize", 3, 0, 0, "L"),  # no maximum: no division by zero
])
def test_job_progress_over_the_whole_job(stage, value, maximum, percent, text):
    assert overall_percent(stage, value, maximum) == percent
    assert stage_text(stage, "L") == text


@pytest.mark.parametrize(("attributes", "key", "cell"), [
    ({"systolic": 142, "diastolic": 88, "unit": "mm[Hg]"}, "value", "142/88"),
    ({"value": 7.8}, "value", "7.8"),
    ({"dose": {"value": 1, "unit": "tablet"}}, "dose", "value 1, unit tablet"),
    ({}, "route", ""),
])
def test_clinical_cells(attributes, key, cell):
    assert attribute(attributes, key) == cell


@pytest.mark.parametrize(("code", "text"), [
    (p.Code("http://www.nlm.nih.gov/research/umls/rxnorm", "6809"), "RxNorm 6809"),
    (p.Code("http://loinc.org", "4548-4"), "LOINC 4548-4"),
    (p.Code("http://hl7.org/fhir/sid/icd-10-cm", "E11.9"), "ICD-10-CM E11.9"),
    (None, "unmapped"),
])
def test_codes_are_named_by_their_system(code, text):
    assert code_text(code) == text


@pytest.mark.parametrize(("href", "target"), [
    ("cite:D-ab12:10:20", ("D-ab12", 10, 20)),
    ("cite:D-ab12:x:20", None),
    ("https://example.org", None),
])
def test_citation_links(href, target):
    assert parse_citation(href) == target


def test_summary_lists_sections_in_order_with_escaped_numbered_citations():
    content = p.SummaryContent(grounding=p.Grounding(dropped=2), sections={
        "medications": (p.SummaryItem("metformin <500 mg>", (
            p.Citation("D-1", 3, 12), p.Citation("D-2", 0, 9))),),
        "overview": (p.SummaryItem("A patient."),)})
    html = summary_html(p.StoredSummary("S-1", None, ("D-1", "D-2"), "smollm2", "", content,
                                        ""))
    assert html.index("Overview") < html.index("Medications") < html.index("Plan and follow-up")
    assert "metformin &lt;500 mg&gt;" in html
    assert "href='cite:D-1:3:12'" in html and ">[2]</a>" in html
    assert "2 unsupported statement(s) left out" in html
    # two sections filled, the three that say nothing when empty left out
    assert html.count("None recorded.") == len(p.SUMMARY_SECTIONS) - 2 - 3
    assert "Checks" not in html and "Possible problems" not in html


def test_status_texts():
    memory = p.MemoryInfo(total_bytes=2 ** 34, available_bytes=2 ** 33, used_percent=50.0,
                          engine_rss_bytes=2 ** 28)
    assert device_text(replace(memory, device="cuda", vram_total_bytes=16 * 1024 ** 3)) == \
        "GPU (CUDA, 16 GiB)"
    assert device_text(memory) == "CPU"
    assert models_text(()) == "no model loaded"
    assert models_text((p.ModelStatus("a", "summary", "gguf", "cpu", 2 ** 20, 0, 1.0, 2.0),)
                       ) == "a (cpu)"
