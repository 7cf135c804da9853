"""C-CDA and FHIR files read as structure: rendered narrative, coded entries as entities,
hostile or broken markup refused, and the document's own vocabulary kept from the scrubber."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.clinical.schema import ClinicalEntity
from engine.documents import ExtractionLimits, detect_kind, extract_document
from engine.documents.structured import merge_coded
from engine.documents.vocabulary import keep_vocabulary
from engine.errors import CorruptFile, FileTooLarge
from engine.phi.types import PhiSpan, PhiType, ScrubResult
from engine.protocol import ScrubPolicy

SNOMED, LOINC = "2.16.840.1.113883.6.96", "2.16.840.1.113883.6.1"

CCDA = f"""<?xml version="1.0"?>
<?xml-stylesheet type="text/xsl" href="CDA.xsl"?>
<!-- a visit summary written for these tests -->
<ClinicalDocument xmlns="urn:hl7-org:v3"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <title>Clinic Visit Summary</title>
 <effectiveTime value="20230412101500-0500"/>
 <recordTarget><patientRole><patient>
  <name><given>Rosalind</given><family>Pemberton</family></name>
  <birthTime value="19610303"/>
 </patient></patientRole></recordTarget>
 <component><structuredBody>
  <component><section>
   <code code="48765-2" codeSystem="{LOINC}"/>
   <title>Allergies</title>
   <text><table><thead><tr><th>Substance</th><th>Reaction</th></tr></thead>
    <tbody><tr ID="al1"><td>Sulfa drugs</td><td>Hives</td></tr></tbody></table></text>
   <entry><act><entryRelationship typeCode="SUBJ"><observation>
    <text><reference value="#al1"/></text>
    <participant><participantRole><playingEntity>
     <code code="387406002" codeSystem="{SNOMED}" displayName="Sulfonamide"/>
    </playingEntity></participantRole></participant>
    <entryRelationship typeCode="MFST"><observation>
     <value xsi:type="CD" code="247472004" codeSystem="{SNOMED}" displayName="Hives"/>
    </observation></entryRelationship>
   </observation></entryRelationship></act></entry>
  </section></component>
  <component><section>
   <code code="11450-4" codeSystem="{LOINC}"/>
   <title>Problems</title>
   <text><list><item ID="pr1">Gout, resolved</item><item ID="pr2">No asthma</item></list></text>
   <entry><act><entryRelationship typeCode="SUBJ"><observation>
    <text><reference value="#pr1"/></text>
    <value xsi:type="CD" code="90560007" codeSystem="{SNOMED}" displayName="Gout"/>
    <entryRelationship typeCode="REFR"><observation>
     <code code="33999-4" codeSystem="{LOINC}"/>
     <value xsi:type="CD" code="413322009" codeSystem="{SNOMED}" displayName="Resolved"/>
    </observation></entryRelationship>
   </observation></entryRelationship></act></entry>
   <entry><act><entryRelationship typeCode="SUBJ"><observation negationInd="true">
    <text><reference value="#pr2"/></text>
    <value xsi:type="CD" code="195967001" codeSystem="{SNOMED}" displayName="Asthma"/>
   </observation></entryRelationship></act></entry>
  </section></component>
  <component><section>
   <title>Plan</title>
   <text><paragraph>Return in six weeks.</paragraph></text>
  </section></component>
 </structuredBody></component>
</ClinicalDocument>
"""


def _write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def test_ccda_is_its_rendered_narrative_with_coded_entities(tmp_path):
    doc = extract_document(_write(tmp_path, "visit.xml", CCDA))
    assert (doc.kind, doc.mime) == ("ccda", "application/hl7-cda+xml")
    assert doc.text.splitlines() == [
        "Clinic Visit Summary", "Date of birth: 1961-03-03",
        "Date: 2023-04-12", "", "Allergies", "Substance | Reaction", "Sulfa drugs | Hives",
        "", "Problems", "Gout, resolved", "No asthma", "", "Plan", "Return in six weeks."]
    by_text = {e.text: e for e in doc.coded}
    allergy = by_text["Sulfonamide"]
    assert doc.text[allergy.start:allergy.end] == "Sulfa drugs | Hives"
    assert allergy.attributes == {"source": "coded", "substance": "Sulfonamide",
                                  "reaction": "Hives"}
    assert allergy.code.code == "387406002" and allergy.assertion == "present"
    gout, asthma = by_text["Gout"], by_text["Asthma"]
    assert (doc.text[gout.start:gout.end], gout.assertion) == ("Gout, resolved", "resolved")
    assert (doc.text[asthma.start:asthma.end], asthma.assertion) == ("No asthma", "negated")
    assert {"Hives", "Reaction", "Allergies", "Sulfonamide"} <= doc.vocabulary


def test_coded_entry_without_a_reference_spans_its_section(tmp_path):
    unreferenced = CCDA.replace('<reference value="#al1"/>', "")
    doc = extract_document(_write(tmp_path, "visit.xml", unreferenced))
    allergy = next(e for e in doc.coded if e.type == "allergy")
    assert doc.text[allergy.start:allergy.end] == \
        "Allergies\nSubstance | Reaction\nSulfa drugs | Hives"
    assert allergy.attributes["span"] == "section"


def test_xml_that_is_not_ccda_stays_text(tmp_path):
    plain = _write(tmp_path, "note.xml", "<note><p>Seen for cough.</p></note>\n")
    assert extract_document(plain).text == plain.read_text()
    other_ns = _write(tmp_path, "cda.xml", CCDA.replace("urn:hl7-org:v3", "urn:example:x"))
    assert detect_kind(other_ns) == "text"


@pytest.mark.parametrize("content", [
    CCDA[:CCDA.index("<component><section>", 600)],  # cut short
    CCDA.replace("<title>Plan</title>", "<title>Plan</titel>"),
])
def test_malformed_ccda_is_corrupt(tmp_path, content):
    with pytest.raises(CorruptFile):
        extract_document(_write(tmp_path, "visit.xml", content))


def test_ccda_entities_are_refused(tmp_path):
    bomb = CCDA.replace('<?xml version="1.0"?>\n', '<?xml version="1.0"?>\n<!DOCTYPE x ['
                        '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>\n')
    bomb = bomb.replace("Return in six weeks.", "&b;")
    external = CCDA.replace('<?xml version="1.0"?>\n', '<?xml version="1.0"?>\n<!DOCTYPE x ['
                            '<!ENTITY e SYSTEM "file:///etc/passwd">]>\n')
    for content in (bomb, external.replace("Return in six weeks.", "&e;")):
        with pytest.raises(CorruptFile):
            extract_document(_write(tmp_path, "visit.xml", content))


def test_ccda_over_the_element_budget_is_too_large(tmp_path):
    many = CCDA.replace("<paragraph>Return in six weeks.</paragraph>",
                        "<paragraph>x</paragraph>" * 3000)
    with pytest.raises(FileTooLarge):
        extract_document(_write(tmp_path, "visit.xml", many),
                         ExtractionLimits(memory_bytes=256 * 2000))


FHIR_ALLERGY = {
    "resourceType": "AllergyIntolerance",
    "code": {"coding": [{"system": "http://snomed.info/sct", "code": "91936005",
                         "display": "Allergy to penicillin"}]},
    "reaction": [{"manifestation": [{"coding": [{"system": "http://snomed.info/sct",
                                                 "code": "271807003", "display": "Rash"}]}]}],
}


def test_fhir_resource_is_rendered_with_coded_entities(tmp_path):
    doc = extract_document(_write(tmp_path, "allergy.json", json.dumps(FHIR_ALLERGY)))
    assert doc.kind == "fhir"
    assert doc.text == "Allergy: Allergy to penicillin (reaction: Rash)"
    (allergy,) = doc.coded
    assert doc.text[allergy.start:allergy.end] == "Allergy to penicillin"
    assert allergy.attributes["source"] == "coded" and allergy.attributes["reaction"] == "Rash"
    assert allergy.code.code == "91936005"


def test_malformed_fhir_is_corrupt_and_other_json_is_text(tmp_path):
    broken = _write(tmp_path, "b.json", '{"resourceType": "Bundle", "entry": [')
    with pytest.raises(CorruptFile):
        extract_document(broken)
    other = _write(tmp_path, "o.json", '{"name": "settings", "value": 3}')
    assert detect_kind(other) == "text"


def test_the_documents_vocabulary_is_put_back_and_the_rest_moved():
    original = "Reaction: Hives. Seen by Dr Adams on 2023-04-12."
    hives, adams, date = (original.index(w) for w in ("Hives", "Adams", "2023"))
    scrubbed = ScrubResult(
        "Reaction: Watterson. Seen by Dr Brown on 2023-09-01.",
        (PhiSpan(PhiType.NAME, 10, 19, hives, hives + 5),
         PhiSpan(PhiType.NAME, 32, 37, adams, adams + 5),
         PhiSpan(PhiType.DATE, 41, 51, date, date + 10)), ScrubPolicy.SURROGATE)
    kept = keep_vocabulary(original, scrubbed, {"hives", "2023-04-12"})
    assert kept.text == "Reaction: Hives. Seen by Dr Brown on 2023-09-01."
    assert [kept.text[s.start:s.end] for s in kept.spans] == ["Brown", "2023-09-01"]
    assert kept.counts() == {"NAME": 1, "DATE": 1}
    assert keep_vocabulary(original, scrubbed, {"Hivesx"}) is scrubbed


def test_coded_entities_move_with_the_scrub_and_replace_the_same_fact_read_again():
    coded = [ClinicalEntity("allergy", "Sulfonamide", 10, 30, attributes={"source": "coded"}),
             ClinicalEntity("problem", "Gout", 0, 60,
                            attributes={"source": "coded", "span": "section"})]
    text_found = {"entities": [
        {"type": "allergy", "text": "Sulfa", "start": 14, "end": 19},  # inside: dropped
        {"type": "problem", "text": "hives", "start": 22, "end": 27},  # not in a row: kept
    ], "sections": [], "no_known_allergies": False}
    merged = merge_coded(text_found, coded, lambda offset: offset + 4)
    assert [(e["type"], e["start"], e["end"]) for e in merged["entities"]] == \
        [("problem", 4, 64), ("allergy", 14, 34), ("problem", 22, 27)]
    assert merged["entities"][1]["attributes"] == {"source": "coded"}
