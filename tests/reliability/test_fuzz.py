"""Property-based fuzzing (hypothesis) of every extractor and of the scrubber, in process.

Extractors get mutated copies of good seeds (so that most mutants still reach the reader of
their kind) and raw bytes; each must end in a result within the limits or a coded input
error — a native crash would take this process down and fail the run. The scrubber gets
arbitrary text and notes with identifiers spliced in; its spans must tile the text exactly
(the text between spans is the original, untouched).
"""

from __future__ import annotations

import collections
import tempfile
from pathlib import Path

import pytest
from harness import INPUT_CODES, SCALE
from hostile_corpus import make_seeds
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.documents import ExtractionLimits, extract_document
from engine.documents.audio import transcribe
from engine.errors import HntaiError
from engine.phi import Scrubber
from engine.protocol import ScrubPolicy

LIMITS = ExtractionLimits(max_file_bytes=8 << 20, max_pages=50, max_image_pixels=4_000_000,
                          max_docx_uncompressed_bytes=16 << 20, ocr_timeout_s=30)
FUZZ = settings(max_examples=SCALE.fuzz_examples, deadline=None, derandomize=True,
                database=None, suppress_health_check=list(HealthCheck))
OUTCOMES: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)


@pytest.fixture(scope="module")
def seeds(tmp_path_factory, eval_dir, samples_dir):
    return make_seeds(tmp_path_factory.mktemp("seeds"), eval_dir, samples_dir)


@pytest.fixture(scope="module", autouse=True)
def report(tally):
    yield
    tally.record("fuzz", inputs_tried=sum(sum(c.values()) for c in OUTCOMES.values()),
                 engine_deaths=0, examples_per_target=SCALE.fuzz_examples,
                 outcomes={k: dict(v) for k, v in OUTCOMES.items()})


@st.composite
def mutations(draw, data: bytes) -> bytes:
    """A seed with a few flips, cuts, insertions or overwrites."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(("flip", "cut", "insert", "overwrite")))
        at = draw(st.integers(0, max(len(out) - 1, 0)))
        if op == "flip" and out:
            out[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "cut":
            del out[at:at + draw(st.integers(1, max(len(out) // 4, 1)))]
        elif op == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=64))
        else:
            chunk = draw(st.binary(min_size=1, max_size=256))
            out[at:at + len(chunk)] = chunk
    return bytes(out)


def _run(target: str, suffix: str, data: bytes, call) -> None:
    with tempfile.NamedTemporaryFile(suffix=suffix) as fh:
        fh.write(data)
        fh.flush()
        try:
            result = call(Path(fh.name))
        except HntaiError as exc:
            OUTCOMES[target][exc.code.value] += 1
            assert exc.code.value in INPUT_CODES, (target, exc.code, exc.message)
            return
    OUTCOMES[target]["succeeded"] += 1
    if hasattr(result, "pages"):
        assert 1 <= result.page_count <= LIMITS.max_pages
        assert all(0 <= pg.start <= pg.end <= len(result.text) for pg in result.pages)


def _extract(path: Path):
    return extract_document(path, LIMITS)


@pytest.mark.parametrize("kind", ["pdf", "docx", "png", "jpg"])
def test_extractors_survive_mutated_seeds(seeds, kind):
    seed = getattr(seeds, kind).read_bytes()

    @FUZZ
    @given(mutations(seed))
    def check(data: bytes) -> None:
        _run(kind, f".{kind}", data, _extract)

    check()


def test_text_extractor_survives_any_bytes(seeds):
    note = seeds.text.encode()

    @FUZZ
    @given(st.one_of(st.binary(max_size=4096), mutations(note),
                     st.text(max_size=2000).map(lambda t: t.encode("utf-8", "surrogatepass"))))
    def check(data: bytes) -> None:
        _run("text/sniff", ".txt", data, _extract)

    check()


def test_audio_survives_mutated_wav(seeds, manager):
    seed = seeds.wav.read_bytes()
    with manager.lease("transcription") as whisper:
        @settings(FUZZ, max_examples=max(10, SCALE.fuzz_examples // 10))  # ~3 s each
        @given(mutations(seed))
        def check(data: bytes) -> None:
            _run("audio", ".wav", data, lambda path: transcribe(whisper.whisper, path))

        check()


IDENTIFIERS = st.sampled_from(["Dr. Quentin Marlowe", "john.doe@example.org", "555-867-5309",
                               "MRN 00482913", "03/14/1961", "1184 Willow Creek Rd",
                               "SSN 219-09-9999", "http://203.0.113.7/chart"])


@st.composite
def notes(draw) -> str:
    parts = draw(st.lists(st.one_of(st.text(max_size=80), IDENTIFIERS), max_size=12))
    return " ".join(parts)


@pytest.mark.parametrize("policy", list(ScrubPolicy))
def test_scrubber_spans_tile_the_text(policy):
    scrubber = Scrubber(policy, record_secret=b"\x01" * 32)

    @FUZZ
    @given(st.one_of(st.text(max_size=3000), notes()))
    def check(text: str) -> None:
        result = scrubber.scrub(text)
        OUTCOMES[f"scrub/{policy.value}"]["spans" if result.spans else "no spans"] += 1
        cursor = orig = 0
        for span in result.spans:
            assert cursor <= span.start <= span.end <= len(result.text)
            assert orig <= span.orig_start < span.orig_end <= len(text)
            assert result.text[cursor:span.start] == text[orig:span.orig_start]
            cursor, orig = span.end, span.orig_end
        assert result.text[cursor:] == text[orig:]
        if policy is ScrubPolicy.REDACT and "john.doe@example.org" in text:
            assert "john.doe@example.org" not in result.text

    check()
