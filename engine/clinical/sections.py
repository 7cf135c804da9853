"""Section headers of clinical notes, mapped to canonical names to scope entities."""

from __future__ import annotations

import bisect
import re

from engine.clinical.schema import Section

# Titles as notes write them, and the C-CDA R2.1 section titles (with the LOINC section code
# each stands for: 48765-2 allergies, 10160-0 / 10183-2 / 42346-7 medications, 11450-4
# problems, 30954-2 results, 8716-3 vital signs, 47519-4 procedures, 29762-2 social
# history, 10157-6 family history, 11348-0 past illness, 10164-2 HPI, 10154-3 / 29299-5 /
# 46239-0 chief complaint and reason for visit, 10187-3 review of systems, 29545-1 physical
# exam, 51848-0 / 51847-2 assessment (and plan), 18776-5 plan of care, 11535-2 / 46241-6
# discharge and admission diagnoses, 8648-8 hospital course, 11369-6 immunizations).
CANONICAL: tuple[tuple[str, str], ...] = (
    ("family_history", r"family\s+(?:medical\s+)?history|fh|family\s+hx|"
                       r"history\s+of\s+family\s+member\s+diseases"),
    ("social_history", r"social\s+history|sh|social\s+hx"),
    ("pmh", r"past\s+(?:medical\s+)?history|pmh|medical\s+history|past\s+surgical\s+history|"
            r"psh|surgical\s+history|history\s+of\s+past\s+illness|past\s+illness"),
    ("problems", r"problems?(?:\s+list)?|active\s+problems"),
    ("procedures", r"history\s+of\s+procedures|procedures"),
    ("hpi", r"history\s+of\s+(?:the\s+)?present\s+illness|hpi|history|subjective|"
            r"chief\s+complaint(?:\s+and\s+reason\s+for\s+visit)?|cc|"
            r"reason\s+for\s+(?:visit|referral)|hospital\s+course"),
    ("medications", r"(?:current\s+|discharge\s+|home\s+|admission\s+|hospital\s+discharge\s+)?"
                    r"medications?|meds|current\s+outpatient\s+prescriptions|"
                    r"history\s+of\s+medication\s+use|medications?\s+administered"),
    ("allergies", r"(?:drug\s+|medication\s+)?allerg(?:y|ies)(?:(?:\s*[,/&]\s*|\s+and\s+|"
                  r"\s*,\s*and\s+)(?:adverse\s+(?:drug\s+)?(?:reactions?|events?)|alerts|"
                  r"(?:drug\s+)?intolerances?|sensitivities))*|"
                  r"adverse\s+(?:drug\s+)?reactions?|allergies\s+and\s+intolerances"),
    ("ros", r"review\s+of\s+systems|ros"),
    ("exam", r"physical\s+(?:exam(?:ination)?|findings)|exam(?:ination)?|pe|objective|"
             r"vital\s+signs|vitals|discharge\s+vitals|hospital\s+discharge\s+physical"),
    ("labs", r"lab(?:oratory)?(?:\s+(?:data|results|values))?|labs|results|studies|imaging|"
             r"relevant\s+diagnostic\s+tests\s+(?:and/or|and|or)\s+laboratory\s+data|"
             r"diagnostic\s+results|hospital\s+discharge\s+studies\s+summary"),
    ("assessment_plan", r"assessment(?:\s+and\s+plan)?|plan|a/p|impression(?:\s+and\s+plan)?|"
                        r"diagnos[ie]s|admission\s+diagnosis|discharge\s+diagnosis|"
                        r"hospital\s+(?:admission|discharge)\s+diagnosis|"
                        r"plan\s+of\s+(?:care|treatment)|follow[\s-]?up|recommendations?"),
)
# Each canonical name in plain words, for people reading where a fact was found.
LABELS: dict[str, str] = {
    "family_history": "Family history", "social_history": "Social history",
    "pmh": "Past medical history", "problems": "Problem list", "procedures": "Procedures",
    "hpi": "History of present illness", "medications": "Medications",
    "allergies": "Allergies", "ros": "Review of systems", "exam": "Examination",
    "labs": "Results", "assessment_plan": "Assessment and plan", "other": "Other section",
}
# A title ends with a colon ("ALLERGIES: NKDA") or stands alone on its line, as rendered
# C-CDA section titles do ("Allergies, Adverse Reactions, Alerts").
_HEADER = re.compile(
    r"^[ \t]*(?P<title>(?:" + "|".join(p for _, p in CANONICAL) + r"))[ \t]*(?:\([^)\n]*\))?"
    r"[ \t]*(?::|-(?=[ \t])|$)", re.IGNORECASE | re.MULTILINE)
# A letter's complimentary close or a signature line ends the section before it: "Sincerely,
# Dr. …" after "Allergies: sulfa (rash)." is the writer, not another allergy.
_CLOSE = re.compile(
    r"^[ \t]*(?:(?P<title>(?:yours\s+)?(?:sincerely|faithfully|truly|respectfully|cordially)"
    r"(?:\s+yours)?|(?:with\s+)?(?:kind|best|warm)(?:est)?\s+regards|regards|signed)"
    r"[ \t]*(?:[,:]|$)|(?P<signed>electronically\s+signed|(?:signed|dictated)\s+by)\b)",
    re.IGNORECASE | re.MULTILINE)


def canonical(title: str) -> str:
    for name, pattern in CANONICAL:
        if re.fullmatch(pattern, title.strip(), re.IGNORECASE):
            return name
    return "other"


def find_sections(text: str) -> tuple[Section, ...]:
    heads = sorted([*_HEADER.finditer(text), *_CLOSE.finditer(text)], key=lambda m: m.start())
    out = []
    for i, m in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        title = m.group("title") or m.group("signed")
        out.append(Section("other" if m.re is _CLOSE else canonical(title), title, m.start(),
                           end))
    return tuple(out)


def heading_end(text: str, section: Section) -> int:
    """Where a section's heading ends: after its colon, or at the end of a title line."""
    line_end = text.find("\n", section.start, section.end)
    line_end = section.end if line_end < 0 else line_end
    colon = text.find(":", section.start, line_end)
    if colon >= 0:
        return colon + 1
    dash = text.find(" - ", section.start, line_end)
    return dash + 2 if dash >= 0 else line_end


def section_at(sections: tuple[Section, ...], offset: int) -> Section | None:
    """The section holding ``offset`` (sections are sorted and do not overlap)."""
    index = bisect.bisect_right(sections, offset, key=lambda s: s.start) - 1
    if index >= 0 and sections[index].start <= offset < sections[index].end:
        return sections[index]
    return None
