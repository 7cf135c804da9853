"""Assertions in the style of ConText (Harkema et al., 2009): trigger phrases open a scope
that runs to the end of the sentence or to a terminator ("but", "however").

We implement the rule set directly rather than depend on medspaCy: it would pull spaCy and a
language model into the engine for what is, here, a few dozen regular expressions run over
scrubbed text; the rules below are data and are tested as a table.
"""

from __future__ import annotations

import re

# (assertion, trigger regex, direction): "forward" scopes the words after the trigger,
# "backward" the words before it ("pneumonia was ruled out").
TRIGGERS: tuple[tuple[str, str, str], ...] = (
    ("negated", r"no|not|denies|denied|deny|negative\s+for|without|free\s+of|absence\s+of|"
                r"no\s+evidence\s+of|no\s+signs?\s+of|never\s+had|rules\s+out", "forward"),
    ("negated", r"ruled\s+out|was\s+negative|is\s+negative|were\s+negative|not\s+seen|"
                r"unlikely|resolved", "backward"),
    ("possible", r"possible|possibly|probable|probably|likely|suspected|suspect|suspicious\s+for|"
                 r"concern\s+for|concerning\s+for|cannot\s+rule\s+out|can't\s+rule\s+out|"
                 r"questionable|query|rule\s+out|r/o|may\s+have|might\s+have|differential",
     "forward"),
    ("historical", r"history\s+of|h/o|hx\s+of|previous|previously|prior|past|status\s+post|"
                   r"s/p|in\s+the\s+past|remote", "forward"),
    ("family", r"mother|father|sister|brother|aunt|uncle|grandmother|grandfather|"
               r"family\s+history\s+of|fh\s+of|maternal|paternal|sibling|daughter|son",
     "forward"),
    ("hypothetical", r"if|should|in\s+case\s+of|return\s+for|call\s+for|watch\s+for|"
                     r"monitor\s+for|risk\s+of|prevent|prevention\s+of|prophylaxis",
     "forward"),
)
_TERMINATORS = re.compile(r"\b(?:but|however|although|though|except|aside\s+from|which|who|"
                          r"apart\s+from|yet|presents?|presented)\b|[;:.\n]", re.IGNORECASE)
_COMPILED = [(a, re.compile(rf"(?<![\w/-])(?:{t})(?![\w/-])", re.IGNORECASE), d)
             for a, t, d in TRIGGERS]
# Family words name relatives; when the sentence is the patient's own, they do not apply.
_SECTION_DEFAULT = {"family_history": "family", "pmh": "historical"}


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = max(text.rfind(ch, 0, start) for ch in ".\n;") + 1
    rights = [i for i in (text.find(ch, end) for ch in ".\n;") if i >= 0]
    return left, min(rights) if rights else len(text)


def assertion_for(text: str, start: int, end: int, section: str | None) -> str:
    s_start, s_end = _sentence_bounds(text, start, end)
    before, after = text[s_start:start], text[end:s_end]
    for assertion, regex, direction in _COMPILED:
        if direction == "forward":
            for m in regex.finditer(before):
                # no terminator between trigger and entity, and within 8 words
                gap = before[m.end():]
                if not _TERMINATORS.search(gap) and len(gap.split()) <= 8:
                    return assertion
        else:
            m = regex.search(after)
            if m and not _TERMINATORS.search(after[:m.start()]) and \
                    len(after[:m.start()].split()) <= 5:
                return assertion
    return _SECTION_DEFAULT.get(section or "", "present")
