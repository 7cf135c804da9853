"""Replacement policies, offsets, consistency within a record, and the batch stream."""

from __future__ import annotations

import io
import json
import re

import pytest

from engine.phi import PhiType, Scrubber
from engine.phi.batch import run_scrub_stream
from engine.phi.site_lexicon import SiteLexicon, parse
from engine.protocol import ScrubPolicy

NOTE = ("Patient: Margaret Thornbury  DOB: 04/17/1948  MRN: 00482913\n"
        "Mrs. Thornbury lives at 1184 Willow Creek Road, Dayton, OH 45419. "
        "Call 937-555-0148. She is a 93-year-old widow.")
ORIGINALS = ["Margaret", "Thornbury", "04/17/1948", "00482913", "1184 Willow Creek Road",
             "Dayton", "45419", "937-555-0148", "93"]


@pytest.mark.parametrize("policy", list(ScrubPolicy))
def test_no_original_survives(policy):
    out = Scrubber(policy, record_secret=b"a" * 32).scrub(NOTE).text
    for value in ORIGINALS:
        assert value not in out, (policy, value)


@pytest.mark.parametrize("policy", list(ScrubPolicy))
def test_spans_point_at_original_and_replacement(policy):
    result = Scrubber(policy, record_secret=b"a" * 32).scrub(NOTE)
    assert result.spans
    for span in result.spans:
        assert NOTE[span.orig_start:span.orig_end].strip()
        replaced = result.text[span.start:span.end]
        assert replaced and replaced != NOTE[span.orig_start:span.orig_end]
    # text outside spans is unchanged
    rebuilt, cursor = [], 0
    for span in result.spans:
        rebuilt.append(NOTE[cursor:span.orig_start] + result.text[span.start:span.end])
        cursor = span.orig_end
    assert "".join(rebuilt) + NOTE[cursor:] == result.text


def test_surrogates_consistent_within_record_and_differ_between():
    a1 = Scrubber(ScrubPolicy.SURROGATE, record_secret=b"a" * 32).scrub(NOTE)
    a2 = Scrubber(ScrubPolicy.SURROGATE, record_secret=b"a" * 32).scrub(NOTE)
    b = Scrubber(ScrubPolicy.SURROGATE, record_secret=b"b" * 32).scrub(NOTE)
    assert a1.text == a2.text and a1.text != b.text
    names = [a1.text[s.start:s.end] for s in a1.spans if s.type is PhiType.NAME]
    surnames = [n.split()[-1] for n in names]
    assert len(set(surnames)) == 1  # "Margaret Thornbury" and "Mrs. Thornbury": one fake


def test_redact_tags_and_safe_harbor():
    redact = Scrubber(ScrubPolicy.REDACT).scrub(NOTE).text
    assert "[NAME]" in redact and "[DATE]" in redact and "[MRN]" in redact
    harbor = Scrubber(ScrubPolicy.SAFE_HARBOR).scrub(NOTE).text
    assert "1948" in harbor and "454" in harbor and "90+" in harbor
    assert "[NAME]" in harbor


def test_restricted_zip3_becomes_000():
    out = Scrubber(ScrubPolicy.SAFE_HARBOR).scrub("Lives in Jackson, WY 83001.").text
    assert "830" not in out and "000" in out


def test_counts_have_types_not_values():
    counts = Scrubber().scrub(NOTE).counts()
    assert counts["NAME"] >= 2 and counts["DATE"] == 1
    assert not any(v in json.dumps(counts) for v in ORIGINALS)


def test_jsonl_stream_and_bad_lines():
    lines = [json.dumps({"id": 1, "text": NOTE}), "not json", json.dumps({"id": 2, "text": ""})]
    out = io.StringIO()
    code = run_scrub_stream(io.StringIO("\n".join(lines) + "\n"), out, ScrubPolicy.REDACT,
                            "jsonl")
    rows = [json.loads(x) for x in out.getvalue().splitlines()]
    assert code == 1 and len(rows) == 3
    assert rows[0]["id"] == 1 and "Thornbury" not in rows[0]["text"]
    span = rows[0]["spans"][0]
    assert {"start", "end", "type", "orig_start", "orig_end"} <= span.keys()
    assert rows[1]["error"]["code"] == "INVALID_REQUEST"
    assert rows[2] == {"id": 2, "text": "", "spans": []}


@pytest.mark.parametrize("mode", ["text", "json"])
def test_plain_modes(mode):
    out = io.StringIO()
    assert run_scrub_stream(io.StringIO(NOTE), out, ScrubPolicy.REDACT, mode) == 0
    body = json.loads(out.getvalue())["text"] if mode == "json" else out.getvalue()
    assert "Thornbury" not in body


@pytest.mark.parametrize("policy", list(ScrubPolicy))
def test_titles_and_suffixes_stay_the_name_goes(policy):
    text = "Dr. Okafor saw Mr. Brandauer Jr. today."
    out = Scrubber(policy, record_secret=b"a" * 32).scrub(text).text
    assert "Okafor" not in out and "Brandauer" not in out
    assert out.startswith("Dr. ") and " Mr. " in out and " Jr. today." in out, out


def test_safe_harbor_keeps_state_and_zip3_of_an_address_line():
    text = "Lives at 1184 Willow Creek Road, Dayton, OH 45419."
    out = Scrubber(ScrubPolicy.SAFE_HARBOR).scrub(text).text
    assert "Dayton" not in out and "Willow" not in out and "45419" not in out
    assert "OH 454" in out, out


@pytest.mark.parametrize(
    ("text", "originals"),
    [
        ("Seen at Marlowe Clinic in Rochester, MN today.", ["Marlowe", "Rochester"]),
        ("Billing address:\n28245 Puruntie 82 Apt. 595\nLAPPEENRANTA\n53650",
         ["Puruntie", "595", "LAPPEENRANTA", "53650"]),
    ],
)
def test_surrogates_keep_no_part_of_a_joined_span(text, originals):
    out = Scrubber(ScrubPolicy.SURROGATE, record_secret=b"a" * 32).scrub(text).text
    for value in originals:
        assert value not in out, (value, out)


@pytest.mark.parametrize(
    ("text", "originals", "shape"),
    [
        # a crossing stays a crossing of two fake streets
        ("We met at the corner of Kowalski Street and Brandt Avenue.",
         ["Kowalski", "Brandt"], r"We met at the corner of \w+ Street and \w+ Avenue\."),
        # "5th" names the street: no house number appears
        ("She lives near the corner of Kowalski Street and 5th Avenue. She works.",
         ["Kowalski", "5th"],
         r"She lives near the corner of \w+ Street and \w+ Avenue\. She works\."),
        # a town's postcode keeps its country's shape; the country stays
        ("Referred from TROMSØ 9008 today", ["TROMSØ", "9008"],
         r"Referred from [\w ]+ \d{4} today"),
        ("Her GP is in Umeå 903 37 near", ["Umeå", "903 37"],
         r"Her GP is in [\w ]+ \d{3} \d{2} near"),
        ("Return address: PO Box 77, Kamloops BC V2C 1A3", ["77,", "Kamloops", "V2C 1A3"],
         r"Return address: PO Box \d+, [\w ]+ [A-Z]\d[A-Z] \d[A-Z]\d"),
        # a suite stays a suite, a number-last street keeps its number last
        ("Lives at 5100 Quadra 104\n Suite 845\n Evionnaz\n Switzerland 05377",
         ["Quadra", "845", "Evionnaz", "05377"],
         r"Lives at \d+ \w+ Street\n Suite \d{3}\n [\w ]+\n Switzerland \d{5}"),
        ("Walk up hegyalja út 98. to the door", ["hegyalja", "98"],
         r"Walk up \w+ Street \d+ to the door"),
    ],
)
def test_location_surrogates_keep_the_form_of_the_original(text, originals, shape):
    out = Scrubber(ScrubPolicy.SURROGATE, record_secret=b"a" * 32).scrub(text).text
    assert re.fullmatch(shape, out), out
    for value in originals:
        assert value not in out, (value, out)


def test_safe_harbor_writes_one_tag_for_a_town_and_its_foreign_postcode():
    out = Scrubber(ScrubPolicy.SAFE_HARBOR).scrub("Referred from TROMSØ 9008 today").text
    assert out == "Referred from [LOCATION] today"


def test_a_town_and_a_practice_get_one_fake_wherever_they_are_written():
    text = ("Seen at Riverside Family Practice, 1184 Willow Creek Road, Dayton, OH 45419.\n"
            "She lives in Dayton.\nRiverside Family Practice\n22 Elm St., Dayton, OH 45402")
    out = Scrubber(ScrubPolicy.SURROGATE, record_secret=b"t" * 32).scrub(text).text
    assert "Dayton" not in out and "Riverside" not in out, out
    town = re.search(r"She lives in ([\w ]+)\.", out).group(1)
    assert out.count(f", {town}, OH") == 2, out
    practice = re.search(r"Seen at ([\w ]+),", out).group(1)
    assert f"\n{practice}\n" in out, out


def test_the_stream_uses_one_site_lexicon_for_every_line():
    site = SiteLexicon(parse(["Marrowby Ward\tLOCATION", "ZGH\tORGANIZATION"]))
    lines = [json.dumps({"id": i, "text": text}) for i, text in
             enumerate(["Back to marrowby ward.", "Transferred from ZGH today."])]
    out = io.StringIO()
    assert run_scrub_stream(io.StringIO("\n".join(lines) + "\n"), out, ScrubPolicy.REDACT,
                            "jsonl", site) == 0
    texts = [json.loads(x)["text"] for x in out.getvalue().splitlines()]
    assert texts == ["Back to [LOCATION].", "Transferred from [ORGANIZATION] today."]
    plain = io.StringIO()
    run_scrub_stream(io.StringIO("Back to marrowby ward."), plain, ScrubPolicy.REDACT, "text",
                     site)
    assert plain.getvalue() == "Back to [LOCATION]."
