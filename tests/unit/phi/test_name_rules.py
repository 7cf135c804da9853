"""The cue rules of engine.phi.name_rules, one table per rule, each written for the three word
shapes a note uses: Capitalised, UPPER (all-caps notes) and lower case. Sentences written for
these tests; every name in them is made up."""

from __future__ import annotations

import re

import pytest
from redaction import redacted

from engine.phi.lexicons import load
from engine.phi.name_rules import RULES, SHAPES, CuedNames, _last_lines, compile_rules
from engine.phi.words import judge

CUED = CuedNames(load(), judge(load()))


def found(text: str) -> dict[str, str]:
    """Each name the cue rules find, with the first rule that found it."""
    names: dict[str, str] = {}
    for d in CUED.analyze(text):
        names.setdefault(text[d.start:d.end], d.source.removeprefix("names."))
    return names


def test_every_rule_is_compiled_for_every_shape():
    compiled = compile_rules()
    assert [c.rule for c in compiled] == list(RULES)
    assert all(set(c.names) == set(SHAPES) for c in compiled)


@pytest.mark.parametrize(
    ("text", "name", "rule"),
    [
        # titles: the title stays out of the name the rule finds
        ("Hypotensive overnight. Dr Quarrington aware and at bedside.", "Quarrington", "title"),
        ("HYPOTENSIVE OVERNIGHT. DR QUARRINGTON IN TO SEE PT.", "QUARRINGTON", "title"),
        ("hypotensive overnight. dr. quarrington in to see pt.", "quarrington", "title"),
        ("PLAN DISCUSSED WITH DR. L. TREMBATH THIS AM.", "L. TREMBATH", "title"),
        # after a title even a surname that is an everyday word
        ("rectal tube placed per dr. brown's order.", "brown", "title"),
        ("MRS HALVERSTROM FAIR UNDERSTANDING OF PLAN.", "HALVERSTROM", "title"),
        ("MR SMITH RESTING COMFORTABLY.", "SMITH", "title"),  # "MR" as a title
        # a name across "and" after a title
        ("DR OKONKWO AND KEVORKIAN AT BEDSIDE.", "KEVORKIAN", "title"),
        # kinship and roles
        ("social: son bill called twice for an update.", "bill", "kin"),
        ("SOCIAL: DAUGHTER MARGARET LINDQVIST IN TO VISIT.", "MARGARET LINDQVIST", "kin"),
        ("social: pt's son, dave, visited this evening.", "dave", "kin"),
        # a note in lower case is one though acronyms stand in it in capitals
        ("pt's daughter marisol called x2, HCP is son dwayne. CCU team aware.", "marisol", "kin"),
        # capitalised after kinship where shorthand is in capitals, a word rare in English
        ("MVC in CA, medflighted to BI. Brother Ignatius flying in.", "Ignatius", "kin"),
        ("PT'S SISTER-IN-LAW CARMELA VISITING.", "CARMELA", "kin"),
        # kin of more than one: the second name after "and"
        ("FAMILY MEETING WITH PT'S SONS GORDON AND PHIL.", "PHIL", "kin"),
        ("her daughters sue and kathy called.", "kathy", "kin"),
        ("PT VERY ANXIOUS. NP ROSALIND AWARE OF K 3.1.", "ROSALIND", "role"),
        ("met w/ caseworker ingrid hallorann re: placement.", "ingrid hallorann", "role"),
        # per, spoke with, seen by
        ("LASIX HELD PER DOUGLASS UNTIL AM LABS.", "DOUGLASS", "per"),
        ("milrinone off as per w. marotti.", "w. marotti", "per"),
        ("will consult with patricia hoegaard re skin care.", "patricia hoegaard", "spoken"),
        ("PT SEEN BY MARISOL BEFORE DISCHARGE.", "MARISOL", "spoken"),
        # who called or visited
        ("social: bob visited during the evening.", "bob", "visitor"),
        ("SOCIAL: WALTER PRZYBYSZ VISITED THIS AM.", "WALTER PRZYBYSZ", "visitor"),
        ("SOCIAL: WALTER JOHN PRZYBYSZ VISITED THIS AM.", "WALTER JOHN PRZYBYSZ", "visitor"),
        # who came from a service
        ("KAREN FROM SOCIAL WORK IN TO SEE FAMILY.", "KAREN", "from_service"),
        ("pt alert. ellen marie kowalski from speech in to eval.", "ellen marie kowalski",
         "from_service"),
        ("PT'S WIFE (MARGARET) AT BEDSIDE.", "MARGARET", "kin"),
        ("ETT RETAPED. RT GWENDOLYN AWARE OF ABG.", "GWENDOLYN", "role"),
        ("sats stable.\n-- r. pellegrino\n", "r. pellegrino", "signature"),
        ("plan d/w winthrop at 1400, will recheck lytes.", "winthrop", "spoken"),
        ("REPORT GIVEN TO ROSALIND FOR NIGHT SHIFT.", "ROSALIND", "spoken"),
        ("Phone call from Gwendolyn asking for an update.", "Gwendolyn", "spoken"),
        ("hcp: marisol (daughter) aware of plan.", "marisol", "kin"),
        # shorthand that is also a given name, after kinship ("quinton" is a catheter too)
        ("SOCIAL: SON QUINTON CALLED FOR UPDATE.", "QUINTON", "kin"),
        # a given name of another country after kinship, though English has the word
        ("SOCIAL: BROTHER HORATIO CALLED FOR UPDATE.", "HORATIO", "kin"),
        ("Son Bolivar to bring glasses tomorrow.", "Bolivar", "kin"),
        # after a role, a word no vocabulary knows though shaped like a clinical one
        ("BP DROPPED TO 80S. NP PAVLIC MADE AWARE, BOLUS GIVEN.", "PAVLIC", "role"),
        ("CARE HANDED OVER TO ROSALEEN RN AT 1900.", "ROSALEEN", "credential"),
        ("DRS OKONKWO, KEVORKIAN AND HALVERSTROM AT BEDSIDE.", "HALVERSTROM", "title"),
        # a name or an initial before "aware", "notified"
        ("FREQUENT PVCS. W. MAROTTI AWARE. MG GIVEN.", "W. MAROTTI", "aware"),
        ("bp 80s. jennifer hollis notified.", "jennifer hollis", "aware"),
        # signatures that end a note
        ("K REPLETED. WILL RECHECK AT 2200.\n ROSALEEN WINTERBOTTOM RN\n", "ROSALEEN WINTERBOTTOM",
         "signature"),
        ("Sats stable on 2L.\nQ. Lanterman RRT\n", "Q. Lanterman", "credential"),
        ("HEPARIN AT 850 UNITS/HR, NOT 1400. SUSAN\n", "SUSAN", "signature"),
        ("nursing progress note 0700-1900: see carevue for details. ---lisa", "lisa",
         "signature"),
        ("continue to monitor.\nw.\n", "w", "signature"),
        # a role then "is" or a bracket; who was told, in brackets after it
        ("ATTENDING IS PELLEGRINO, AWARE OF PLAN.", "PELLEGRINO", "role"),
        ("resident (fenwick) notified of k 3.1", "fenwick", "role"),
        ("MD AWARE (TRASK), NO NEW ORDERS.", "TRASK", "aware_who"),
        ("ho paged (b. oyelaran) re low uo", "b. oyelaran", "aware_who"),
    ],
)
def test_names_after_cues(text, name, rule):
    assert found(text).get(name) == rule, found(text)


def test_a_kin_name_stands_for_the_same_word_elsewhere():
    text = "social: son bill called at noon.\n plan: bill to visit tomorrow."
    echoes = [d.start for d in CUED.analyze(text) if d.source == "names.echo"]
    assert echoes == [text.index("bill"), text.rindex("bill")]


@pytest.mark.parametrize(
    "text",
    [
        "MS CHANGES NOTED OVERNIGHT. MS STILL SEEMS FAR FROM BASELINE.",  # mental status
        "pt.awake, ms given for back pain x1.",  # morphine
        "Severe MR on echo. MR 2+.",  # mitral regurgitation
        "Continue per protocol. Titrate per NSG judgement. Bm per rectal tube.",
        "social: husband and daughter in to visit; son who lives nearby phoned.",
        "PA line resited. PA NUMBERS 58/30. Discussed with attending at rounds.",
        "Insulin per ADA guidelines; follow up with ENT.",  # acronyms in a mixed text
        "seen by team. reported to resident. spoke with family re plan.",
        "TEAM AWARE. FAMILY AWARE. HO NOTIFIED. MICU RESIDENT PAGED.",
        "DAUGHTER CALLED-UPDATE GIVEN. DAUGHTER PHONED-FAMILY AT BEDSIDE.",
        "Plan: continue current regimen.\nFull code\n",
        "Report given to oncoming RN. Call from pharmacy re: dosing. Charge RN aware.",
        "Discharged home with her family.\nSpain\n",
        "resident (paged) re low uo. MD AWARE (SEE FLOWSHEET). md notified (k 3.1).",
        "ATTENDING IS AWARE. resident was in to see pt. nurse (agency) here.",
        "SHEATH PULLED BY RN. RN FEM SITE CHECKED. MD EPI GIVEN X1.",  # clipped words
        "DNR ORDER NEEDS ATTENDING CO-SIGNATURE. SON CALLED-UPDATE GIVEN.",
        "orders from pharmacy reviewed. transferred from EMS. relief from pt positioning.",
        "Son Visited today. Wife Aware of plan. Daughter Updated by RN. Husband Concerned.",
        "SONS AND DAUGHTERS AT BEDSIDE. sons aware and supportive.",
    ],
)
def test_clinical_words_after_cues_are_no_names(text):
    assert found(text) == {}


def test_titles_in_capitals_before_clinical_words_are_abbreviations():
    assert found("Started MS Contin 15 mg. MR Angiogram pending.") == {}


@pytest.mark.parametrize(
    ("text", "leak", "kept"),
    [
        ("DR QUARRINGTON AWARE.", "QUARRINGTON", "AWARE"),
        ("Heparin checked with Patricia Nolberg, RN", "Nolberg", ", RN"),  # no credential
        ("social: son bill called twice.", "bill", "son"),
    ],
)
def test_the_scrubber_removes_the_name_and_keeps_the_cue(text, leak, kept):
    out = redacted(text)
    assert leak not in out and kept in out, out


@pytest.mark.parametrize("text", ["", "\n\n", "one line", "a\nb\n\n | \nc\n", "x\r\ny |\n\t\n",
                                  "NOTE\n\nplan as above.\nSUSAN RN\n"])
def test_the_last_lines_are_those_a_split_into_lines_ends_with(text):
    lines = [(m.start(), m.group(0)) for m in re.finditer(r"[^\n]+", text)
             if m.group(0).strip(" \t|")]
    assert _last_lines(text, 2) == lines[-2:][::-1]
