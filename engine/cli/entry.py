"""``hntai``: the parser built from the command table, and the run of one command."""

from __future__ import annotations

import argparse
import multiprocessing
import sys
from collections.abc import Sequence

from engine import __version__
from engine.cli.commands import COMMANDS
from engine.cli.output import print_json
from engine.cli.prompts import ENV_PASSWORDS
from engine.cli.session import Session
from engine.cli.table import EXIT_ERROR, Command, Group, execute
from engine.errors import HntaiError
from engine.policy import machine_policy
from engine.secrets_env import take_secrets

_JSON_HELP = "machine-readable output"


def _add_command(sub: argparse._SubParsersAction, command: Command | Group) -> None:
    parser = sub.add_parser(command.name, help=command.help)
    if isinstance(command, Command):
        parser.set_defaults(handler=command)
        if command.json_flag:
            parser.add_argument("--json", action="store_true", help=_JSON_HELP)
        command.arguments(parser)
        return
    parser.add_argument("--json", action="store_true", help=_JSON_HELP)
    actions = parser.add_subparsers(dest=command.dest, required=True)
    for action in command.actions:
        # An action's own --json (after its name) must not reset the group's to False.
        cmd = actions.add_parser(action.name)
        cmd.set_defaults(handler=action)
        cmd.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                         help=_JSON_HELP)
        action.arguments(cmd)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hntai", description="HNTAI offline clinical engine")
    parser.add_argument("--version", action="version", version=f"hntai {__version__}")
    parser.add_argument("--data-dir", default=None, help="data directory (HNTAI_DATA_DIR)")
    parser.add_argument("--user", default=None, help="user name (HNTAI_USER)")
    sub = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        _add_command(sub, command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    multiprocessing.freeze_support()  # the engine child of a frozen (PyInstaller) build
    ENV_PASSWORDS.update(take_secrets())
    args = build_parser().parse_args(argv)
    session: Session | None = None
    try:
        machine_policy()  # validated at start: a bad policy file stops here, naming its key
        session = Session(args)
        return execute(args.handler, session)
    except HntaiError as exc:
        if getattr(args, "json", False):
            print_json({"error": {"code": exc.code.value, "message": exc.message}}, sys.stderr)
        else:
            print(f"error: {exc.code.value}: {exc.message}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    finally:
        if session is not None:
            session.close()
