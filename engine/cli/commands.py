"""The command table, in the order ``hntai --help`` lists it."""

from __future__ import annotations

from engine.archive.command import add_arguments as add_archive_arguments
from engine.cli.accounts import BACKUP, INIT, RESTORE, USER
from engine.cli.documents import EXPORT, JOBS, PROCESS
from engine.cli.operations import AUDIT, MODELS, STATUS
from engine.cli.prompts import password
from engine.cli.records import RECORD
from engine.cli.session import Session
from engine.cli.speech import DICTATE, TRANSCRIBE
from engine.cli.stateless import EXTRACT, SCRUB
from engine.cli.summaries import SUMMARIZE
from engine.cli.table import Command, Group


def _archive(s: Session) -> int:
    from engine.archive.command import run

    return run(s.args, s.data_dir, password)


ARCHIVE = Command("archive", _archive, None, help="de-identify and extract a document backlog "
                  "on Ray (the [cluster] extra)", arguments=add_archive_arguments)

COMMANDS: tuple[Command | Group, ...] = (
    INIT, USER, PROCESS, RECORD, JOBS, STATUS, SUMMARIZE, MODELS, AUDIT, TRANSCRIBE, DICTATE,
    EXPORT, BACKUP, RESTORE, ARCHIVE, SCRUB, EXTRACT)
