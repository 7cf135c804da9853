"""Medication attributes read from the words after a drug name."""

from __future__ import annotations

import re
from typing import Any

_STRENGTH = re.compile(r"(?P<v>\d+(?:\.\d+)?(?:/\d+(?:\.\d+)?)?)\s*(?P<u>mg|mcg|g|units?|iu|"
                       r"ml|meq|%|mg/ml|mcg/hr)\b", re.I)
_ROUTE = re.compile(r"\b(by mouth|orally|oral|po|iv|intravenous(?:ly)?|subcutaneous(?:ly)?|"
                    r"sc|subq|im|intramuscular(?:ly)?|inhaled|inhalation|topical(?:ly)?|"
                    r"sublingual(?:ly)?|sl|transdermal|rectal(?:ly)?|pr|nasal|intranasal)\b",
                    re.I)
_FREQUENCY = re.compile(
    r"\b(once daily|twice daily|three times daily|four times daily|daily|nightly|weekly|"
    r"monthly|bid|tid|qid|qd|qhs|qam|qpm|q\d+h|q\s?\d+\s?hours?|every\s+\d+(?:-\d+)?\s+hours?|"
    r"every\s+(?:morning|evening|night|other day)|at bedtime|with meals|once|twice a day|"
    r"once a day)\b", re.I)
_FORM = re.compile(r"\b(tablets?|tabs?|capsules?|caps?|inhaler|injection|solution|suspension|"
                   r"patch|cream|ointment|drops|puffs?|spray|syrup|pen)\b", re.I)
_DURATION = re.compile(r"\bfor\s+(\d+\s+(?:days?|weeks?|months?))\b", re.I)
_PRN = re.compile(r"\b(prn|as needed|as required)\b", re.I)
# up to five words, a number among them ("for type 2 diabetes"); "for a while" is a time
_INDICATION = re.compile(
    r"\b(?:for|to treat)\s+(?!\d|(?:a\s+while|now|life|the\s+(?:next|last|past))\b)"
    r"([a-z][\w-]*(?:\s(?:[a-z][\w-]*|\d+\b)){0,4})", re.I)
_STATUS = re.compile(
    r"\b(?:(?P<stopped>stop(?:ped|ping)?|discontinue[ds]?|d/c|hold|held|off)|"
    r"(?P<started>start(?:ed)?|add(?:ed)?|begin|began|initiate[d]?|new)|"
    r"(?P<changed>increase[d]?|decrease[d]?|change[d]?|adjust(?:ed)?|titrate[d]?|"
    r"switch(?:ed)?|reduce[d]?)|"
    r"(?P<active>continue[ds]?|cont|resume[ds]?|remain(?:s|ed)?\s+on|keep|maintain)|"
    # given in the past, as during a stay ("was treated with ceftriaxone IV"): not a drug
    # the patient goes on taking, unless a list or a later sentence says so
    r"(?P<given>(?:was|were)\s+(?:treated|managed)\s+with|(?:was|were)\s+"
    r"(?:given|administered)))\b", re.I)
# A status verb governs its clause: a sentence end or a semicolon closes it.
_CLAUSE_END = re.compile(r"[.;](?:\s|$)")
# A change written as not done keeps the drug as it was ("Increase metformin is not possible",
# "unable to increase metformin", "do not stop aspirin").
_NOT_DONE_BEFORE = re.compile(r"\b(?:not|cannot|can't|unable\s+to|won't|don't|declined\s+to|"
                              r"refused\s+to|refuses\s+to|without)\s+(?:\w+\s+)?$", re.I)
_NOT_DONE_AFTER = re.compile(
    r"\b(?:is|was|are|were|would\s+be)\s+(?:not\s+(?:possible|feasible|an\s+option|indicated|"
    r"recommended|advised)|contraindicated)\b|^\W*not\s+(?:possible|feasible)\b", re.I)
# A stop still to come is planned, not done: "and then stop", "will stop", "if a rash
# develops, stop …", "stop aspirin 5 days before surgery" (a stop in the past tense with a
# time, "was stopped before surgery", is done; a time after a comma is a reason's: "stop
# metformin, as she has diarrhea when she takes it").
_FUTURE_BEFORE = re.compile(
    r"\b(?:then|will|would|shall|plan(?:s|ned|ning)?\s+to|going\s+to|to\s+be|may|can|could|"
    r"eventually|later|once|until|after)\s+(?:\w+\s+)?$|\b(?:if|should|in\s+case|unless)\b",
    re.I)
_FUTURE_AFTER = re.compile(r"\b(?:after|once|when|if|before|until|prior\s+to|"
                           r"in\s+\d+\s+(?:days?|weeks?|months?)|next\s+(?:week|month))\b",
                           re.I)
# What is given to take from now on, not given there and then.
_GIVEN_TO_TAKE = re.compile(r"\s+(?:an?\s+|some\s+)?(?:samples?|prescriptions?|trial|supply|"
                            r"script|refills?)\b", re.I)
_PAST = re.compile(r"(?:ed|held|off|d/c)$", re.I)
# a stop in the past tense is still to come only after "will be", "to be", "needs to be" …
_FUTURE_PASSIVE = re.compile(r"\b(?:will|to|would|shall|should|must|may|can|could)\s+be\s+"
                             r"(?:\w+\s+)?$|\b(?:if|in\s+case|unless)\b", re.I)


def _status(before: str, after: str) -> tuple[str, bool]:
    """(status, whether a stop is only planned): the status verb nearest before the name in
    its clause, else one just after it; a change written as not done leaves it "active"."""
    clause = before[max((m.end() for m in _CLAUSE_END.finditer(before)), default=0):]
    rest = after[:_CLAUSE_END.search(after).start()] if _CLAUSE_END.search(after) else after
    cues = list(_STATUS.finditer(clause))
    if cues:
        cue, lead, tail = cues[-1], clause[:cues[-1].start()], rest
    elif cue := _STATUS.search(rest[:_AFTER_STATUS]):
        lead, tail = rest[:cue.start()], rest[cue.end():]
    else:
        return "active", False
    kind = cue.lastgroup or "active"
    if kind == "given" and cues and _GIVEN_TO_TAKE.match(clause, cue.end()):
        return "started", False  # "was given a prescription for lisinopril"
    if kind == "active" or _NOT_DONE_BEFORE.search(lead) or _NOT_DONE_AFTER.search(tail[:60]):
        return "active", False
    if kind == "stopped":
        future = _FUTURE_PASSIVE.search(lead) if _PAST.search(cue.group(0)) else \
            _FUTURE_BEFORE.search(lead) or _FUTURE_AFTER.search(tail.split(",", 1)[0])
        if future:
            return "active", True
    return kind, False


_AFTER_STATUS = 40  # a status verb written after the name stands this close to it


# A medication's details run to the end of its sentence or list item, across line wraps.
_ITEM_END = re.compile(r"\.(?:\s|$)|\n\s*\n|\n\s*(?:\d+[.)]|[-•*])\s")


# Dose, route, frequency and status stand within a few words of the drug name: reading no
# further than this keeps a text with no sentence end (a one-line dump of megabytes) from
# costing, for every mention, time in proportion to its length.
MAX_ATTRIBUTE_DISTANCE = 200
_MAX_BEFORE = 80  # a status verb before the name ("stop", "increase") is close to it


def attribute_window(text: str, start: int, end: int, limit: int | None = None
                     ) -> tuple[int, int]:
    """(line start, item end) around a mention: the words before it on its line and after
    it to the end of its item, each bounded whatever the text's length."""
    bound = min(len(text), end + MAX_ATTRIBUTE_DISTANCE, limit if limit is not None
                else len(text))
    stop = _ITEM_END.search(text, end, bound)
    low = max(0, start - _MAX_BEFORE)
    return text.rfind("\n", low, start) + 1 or low, stop.start() if stop else bound


def _indication(after: str) -> tuple[str, int, int] | None:
    """The reason written after a drug ("for knee pain"), with its span in ``after``."""
    m = _INDICATION.search(after)
    if m is None:
        return None
    indication = m.group(1).strip().lower()
    if _DURATION.match("for " + indication):
        return None
    return indication, m.start(1), m.start(1) + len(m.group(1).rstrip())


def indication_span(text: str, start: int, end: int, limit: int | None = None
                    ) -> tuple[int, int] | None:
    """Where a drug's indication is written: a problem there is the reason for the drug."""
    _line_start, item_end = attribute_window(text, start, end, limit)
    found = _indication(text[end:item_end])
    return (end + found[1], end + found[2]) if found else None


def attributes(text: str, start: int, end: int, limit: int | None = None) -> dict[str, Any]:
    line_start, item_end = attribute_window(text, start, end, limit)
    after = text[end:item_end]
    before = text[line_start:start]
    attrs: dict[str, Any] = {}
    if m := _STRENGTH.search(after):
        attrs["strength"] = f"{m.group('v')} {m.group('u')}"
        attrs["dose"] = {"value": m.group("v"), "unit": m.group("u").lower()}
    if m := _ROUTE.search(after):
        attrs["route"] = m.group(1).lower()
    if m := _FREQUENCY.search(after):
        attrs["frequency"] = m.group(1).lower()
    if m := _FORM.search(after):
        attrs["form"] = m.group(1).lower()
    if m := _DURATION.search(after):
        attrs["duration"] = m.group(1).lower()
    attrs["prn"] = bool(_PRN.search(after))
    if found := _indication(after):
        attrs["indication"] = found[0]
    attrs["status"], planned_stop = _status(before, after)
    if planned_stop:
        attrs["planned"] = "stop"
    return attrs
