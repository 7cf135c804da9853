"""C-CDA entries' <reference value="#ID"/> resolved to the narrative rows they describe."""

from engine.clinical.ccda_import import read_sections

_OBS = (
    '<observation classCode="OBS" moodCode="EVN">'
    '<code code="{code}" codeSystem="2.16.840.1.113883.6.1" displayName="{name}"/>'
    "{text}"
    '<value xsi:type="PQ" value="{value}" unit="g/dL"/></observation>')


def _doc(tmp_path, narrative: str, *observations: str):
    entries = "".join(f"<entry><organizer>{''.join(f'<component>{o}</component>' for o in obs)}"
                      "</organizer></entry>" for obs in observations)
    path = tmp_path / "doc.xml"
    path.write_text(
        '<ClinicalDocument xmlns="urn:hl7-org:v3" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><component><structuredBody>'
        f'<component><section><code code="30954-2"/><text>{narrative}</text>{entries}'
        "</section></component></structuredBody></component></ClinicalDocument>")
    (section,) = read_sections(path)
    return section


def _obs(code: str, name: str, value: str, ref: str | None = None) -> str:
    text = f'<text><reference value="#{ref}"/></text>' if ref else ""
    return _OBS.format(code=code, name=name, value=value, text=text)


_TABLE = ("<table><thead><tr><th>Test</th><th>Result</th></tr></thead><tbody>"
          '<tr><td><content ID="r1">Hemoglobin</content></td><td>13.2 g/dL</td></tr>'
          "<tr><td>Albumin</td><td>3.2 g/dL</td></tr>"
          "</tbody></table>")


def test_referenced_span_covers_exactly_the_row(tmp_path):
    section = _doc(tmp_path, _TABLE, [_obs("718-7", "Hemoglobin", "13.2", "r1")])
    assert section.narrative == "Test | Result\nHemoglobin | 13.2 g/dL\nAlbumin | 3.2 g/dL"
    (span,) = section.referenced_spans
    assert section.narrative[span[0]:span[1]] == "Hemoglobin | 13.2 g/dL"
    (fact,) = section.facts
    assert fact.rows == (span,) and fact.value == 13.2


def test_row_cell_and_paragraph_ids(tmp_path):
    narrative = ("<paragraph>Intro</paragraph>"
                 '<table><tbody><tr ID="row1"><td>HGB</td><td>13.2</td></tr>'
                 '<tr><td ID="cell2">ALB</td><td>3.2</td></tr>'
                 "<tr><td>PLT</td><td>187</td></tr></tbody></table>"
                 '<paragraph ID="p3">Glucose <content>110</content> mg/dL</paragraph>')
    section = _doc(tmp_path, narrative,
                   [_obs("718-7", "HGB", "13.2", "row1"), _obs("1751-7", "ALB", "3.2", "cell2")],
                   [_obs("2345-7", "Glucose", "110", "p3")])
    rows = [section.narrative[a:b] for a, b in section.referenced_spans]
    assert rows == ["HGB | 13.2", "ALB | 3.2", "Glucose 110 mg/dL"]
    # an organizer's facts share the rows its entry references
    assert section.facts[0].rows == section.facts[1].rows == section.referenced_spans[:2]


def test_references_to_a_whole_table_or_nothing_give_no_rows(tmp_path):
    whole = _TABLE.replace("<table>", '<table ID="t1">')
    section = _doc(tmp_path, whole, [_obs("718-7", "Hemoglobin", "13.2", "t1")],
                   [_obs("1751-7", "Albumin", "3.2")], [_obs("777-3", "PLT", "187", "nowhere")])
    assert section.referenced_spans == ()
    assert all(f.rows == () for f in section.facts)


def test_value_and_original_text_references_count(tmp_path):
    obs = ('<observation><code code="718-7" codeSystem="2.16.840.1.113883.6.1" '
           'displayName="Hemoglobin"><originalText><reference value="#r1"/></originalText>'
           '</code><value xsi:type="PQ" value="13.2" unit="g/dL"/></observation>')
    section = _doc(tmp_path, _TABLE, [obs])
    assert [section.narrative[a:b] for a, b in section.referenced_spans] == [
        "Hemoglobin | 13.2 g/dL"]


def test_narrative_unchanged_without_text(tmp_path):
    path = tmp_path / "doc.xml"
    path.write_text(
        '<ClinicalDocument xmlns="urn:hl7-org:v3"><component><structuredBody><component>'
        '<section><code code="8716-3"/></section></component></structuredBody></component>'
        "</ClinicalDocument>")
    (section,) = read_sections(path)
    assert section.narrative == "" and section.referenced_spans == ()
