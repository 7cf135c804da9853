"""The command table: the parser it builds, its single sources of choices, and how a reply is
shown (engine/cli/table.py). No engine starts here: the commands run are the in-process ones."""

from __future__ import annotations

import io
import json

import pytest

from engine import cli
from engine.cli.commands import COMMANDS
from engine.cli.documents import PROCESS
from engine.cli.speech import TRANSCRIBE
from engine.cli.table import Group
from engine.protocol import Role, ScrubPolicy


def parse(*argv: str):
    return cli.build_parser().parse_args(argv)


def test_every_row_of_the_table_is_a_command_of_the_parser():
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert list(sub.choices) == [c.name for c in COMMANDS]
    for group in (c for c in COMMANDS if isinstance(c, Group)):
        for action in group.actions:
            args = parse(group.name, action.name, *_required(group.name, action.name))
            assert args.handler is action
            assert getattr(args, group.dest) == action.name


def _required(group: str, action: str) -> list[str]:
    """The fewest arguments each action parses with."""
    return {("user", "add"): ["ann", "--role", "clerk"], ("user", "disable"): ["ann"],
            ("user", "enable"): ["ann"], ("user", "passwd"): ["ann"],
            ("record", "link"): ["r1"], ("record", "label"): ["r1"],
            ("models", "load"): ["m"], ("models", "unload"): ["m"],
            ("models", "pack"): ["d", "-o", "b.tar"], ("models", "import"): ["b.tar"],
            }.get((group, action), [])


def test_json_may_come_before_or_after_an_action_name():
    assert parse("user", "list").json is False
    assert parse("user", "--json", "list").json is True
    assert parse("user", "list", "--json").json is True


def test_roles_and_scrub_policies_are_the_protocol_s():
    for role in Role:
        assert parse("user", "add", "ann", "--role", role.value).role == role
    for policy in ScrubPolicy:
        assert parse("scrub", "--policy", policy.value).policy == policy
        assert parse("archive", "in", "--out", "o", "--policy", policy.value).policy == policy
    with pytest.raises(SystemExit):
        parse("user", "add", "ann", "--role", "nurse")


def test_transcribe_with_save_becomes_process_into_new_records():
    args = parse("transcribe", "a.wav", "b.wav", "--save")
    assert TRANSCRIBE.instead(args) is PROCESS
    assert (args.paths, args.record, args.one_record, args.priority) == (
        ["a.wav", "b.wav"], None, False, 0)
    assert TRANSCRIBE.instead(parse("transcribe", "a.wav")) is None


def test_scrub_in_both_output_forms(monkeypatch, capsys):
    text = "Seen by Dr. Harold Whitcombe on 03/14/2021."
    for argv, check in ((["scrub", "--policy", "redact"], lambda out: "Whitcombe" not in out),
                        (["scrub", "--policy", "redact", "--json"],
                         lambda out: "Whitcombe" not in json.loads(out)["text"])):
        monkeypatch.setattr("sys.stdin", io.StringIO(text))
        assert cli.main(argv) == cli.EXIT_OK
        out = capsys.readouterr().out
        assert out.strip() and check(out)


def test_an_engine_error_is_shown_in_the_form_asked_for(monkeypatch, capsys, tmp_path):
    monkeypatch.delenv("HNTAI_USER", raising=False)
    # "jobs" needs a user: refused before any engine starts.
    assert cli.main(["--data-dir", str(tmp_path), "jobs", "--json"]) == cli.EXIT_ERROR
    assert json.loads(capsys.readouterr().err)["error"]["code"] == "AUTH_FAILED"
    assert cli.main(["--data-dir", str(tmp_path), "jobs"]) == cli.EXIT_ERROR
    assert capsys.readouterr().err.startswith("error: AUTH_FAILED: ")
