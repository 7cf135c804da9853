"""Text in, text out, in this process: ``scrub`` and ``extract`` keep nothing and need no
login."""

from __future__ import annotations

import argparse
import sys

from engine.cli.session import Session
from engine.cli.table import Command
from engine.policy import SCRUB_POLICIES, machine_policy
from engine.protocol import ScrubPolicy


def _scrub(s: Session) -> int:
    """The site lexicon is the machine policy's and the one named, both when both are set."""
    from engine.phi import site_lexicon
    from engine.phi.batch import run_scrub_stream

    policy_lexicon = machine_policy().site_lexicon
    site = site_lexicon.build([str(f) for f in (policy_lexicon, s.args.site_lexicon) if f])
    mode = "jsonl" if s.args.jsonl else "json" if s.args.json else "text"
    return run_scrub_stream(sys.stdin, sys.stdout, ScrubPolicy(s.args.policy), mode, site)


def _scrub_arguments(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--policy", choices=SCRUB_POLICIES, default=ScrubPolicy.SURROGATE.value)
    cmd.add_argument("--jsonl", action="store_true",
                     help='stream lines {"id", "text"} to lines {"id", "text", "spans"}')
    cmd.add_argument("--site-lexicon", metavar="FILE",
                     help="the site's own names to remove as well: UTF-8, one "
                          "term<TAB>NAME|ORGANIZATION|LOCATION a line, # comments")


def _extract(s: Session) -> int:
    from engine.clinical.batch import run_extract_stream

    return run_extract_stream(sys.stdin, sys.stdout, "jsonl" if s.args.jsonl else "json")


def _extract_arguments(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--jsonl", action="store_true",
                     help='stream lines {"id", "text"} to lines {"id", "entities"}')


SCRUB = Command("scrub", _scrub, None, help="de-identify text from stdin (keeps nothing)",
                arguments=_scrub_arguments)
EXTRACT = Command("extract", _extract, None,
                  help="clinical entities from stdin text (keeps nothing)",
                  arguments=_extract_arguments, json_flag=False)
