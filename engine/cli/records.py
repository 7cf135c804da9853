"""Records by label, found by MRN: ``record``. The engine keeps only a keyed hash of the MRN,
and the MRN and the label are read from the terminal or stdin, never from argv."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from typing import Any

from engine import protocol as p
from engine.cli.prompts import private_line
from engine.cli.session import Session
from engine.cli.table import EXIT_FAILED, EXIT_OK, FIELDS, Command, Group


def _find(s: Session) -> Any:
    s.login()
    value = s.client.request(p.FindRecord(mrn=private_line("MRN: ", True)))
    if value is None:
        print("no record is linked to this MRN", file=sys.stderr)
    return value


def _link(s: Session) -> Any:
    s.login()
    return s.client.request(p.SetRecordMrn(
        record_id=s.args.record_id, mrn=private_line("MRN (empty to unlink): ", True)))


def _label(s: Session) -> Any:
    s.login()
    return s.client.request(p.SetRecordLabel(record_id=s.args.record_id, label=private_line(
        "Label (no names, dates or numbers of the patient; empty to remove): ", False)))


def _record_id(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("record_id", metavar="RECORD")


_FOUND = replace(FIELDS, code=lambda value: EXIT_FAILED if value is None else EXIT_OK)
RECORD = Group("record", "list records, find one by MRN, link an MRN or set a label (MRN and "
               "label are read from the terminal or stdin, never argv)", "record_action", (
    Command("list", lambda s: s.ask(p.ListRecords())),
    Command("find", _find, _FOUND),
    Command("link", _link, arguments=_record_id),
    Command("label", _label, arguments=_record_id),
))
