"""Section headers of clinical notes, mapped to canonical names to scope entities."""

from __future__ import annotations

import re

from engine.clinical.schema import Section

CANONICAL: tuple[tuple[str, str], ...] = (
    ("family_history", r"family\s+(?:medical\s+)?history|fh|family\s+hx"),
    ("social_history", r"social\s+history|sh|social\s+hx"),
    ("pmh", r"past\s+(?:medical\s+)?history|pmh|medical\s+history|past\s+surgical\s+history|"
            r"psh|surgical\s+history"),
    ("hpi", r"history\s+of\s+(?:the\s+)?present\s+illness|hpi|history|subjective|"
            r"chief\s+complaint|cc|reason\s+for\s+(?:visit|referral)|hospital\s+course"),
    ("medications", r"(?:current\s+|discharge\s+|home\s+|admission\s+)?medications?|meds|"
                    r"current\s+outpatient\s+prescriptions"),
    ("allergies", r"allerg(?:y|ies)(?:\s+and\s+adverse\s+reactions)?|drug\s+allergies"),
    ("ros", r"review\s+of\s+systems|ros"),
    ("exam", r"physical\s+exam(?:ination)?|exam(?:ination)?|pe|objective|vital\s+signs|"
             r"vitals|discharge\s+vitals"),
    ("labs", r"lab(?:oratory)?(?:\s+(?:data|results|values))?|labs|results|studies|imaging"),
    ("assessment_plan", r"assessment(?:\s+and\s+plan)?|plan|a/p|impression(?:\s+and\s+plan)?|"
                        r"diagnos[ie]s|admission\s+diagnosis|discharge\s+diagnosis|"
                        r"follow[\s-]?up|recommendations?"),
)
_HEADER = re.compile(
    r"^[ \t]*(?P<title>(?:" + "|".join(p for _, p in CANONICAL) + r"))[ \t]*(?:\([^)\n]*\))?"
    r"[ \t]*:", re.IGNORECASE | re.MULTILINE)


def canonical(title: str) -> str:
    for name, pattern in CANONICAL:
        if re.fullmatch(pattern, title.strip(), re.IGNORECASE):
            return name
    return "other"


def find_sections(text: str) -> tuple[Section, ...]:
    heads = list(_HEADER.finditer(text))
    out = []
    for i, m in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        out.append(Section(canonical(m.group("title")), m.group("title"), m.start(), end))
    return tuple(out)


def section_at(sections: tuple[Section, ...], offset: int) -> Section | None:
    for section in sections:
        if section.start <= offset < section.end:
            return section
    return None
