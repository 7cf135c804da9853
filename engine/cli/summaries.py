"""A patient summary through the engine: ``summarize``."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from typing import Any

from engine import protocol as p
from engine.cli.output import print_json
from engine.cli.session import Session
from engine.cli.table import Command, View
from engine.errors import InvalidRequest, error_from_code


@dataclass(frozen=True)
class _Summary:
    summary: p.StoredSummary
    cached: Any


def _summarize(s: Session) -> _Summary:
    s.login()
    info: p.JobInfo = s.client.request(p.Summarize(
        record_id=s.args.record, document_ids=tuple(s.args.documents or ()),
        model=s.args.model, use_model=not s.args.extractive, use_cache=not s.args.no_cache))
    live = s.live

    def show(event: p.Event) -> None:
        if live and isinstance(event, p.JobText) and event.job_id == info.id:
            sys.stderr.write(event.text)
            sys.stderr.flush()

    done = s.client.wait_jobs([info.id], on_event=show)[info.id]
    if live:
        sys.stderr.write("\n")
    if done.state != "succeeded":
        err = done.error
        raise error_from_code(err.code, err.message) if err else InvalidRequest("failed")
    summary = s.client.request(p.GetSummary(summary_id=done.result["summary_id"]))
    return _Summary(summary, done.result.get("cached"))


def _summary_json(reply: _Summary) -> None:
    summary = reply.summary
    print_json({"summary_id": summary.id, "record_id": summary.record_id,
                "model": summary.model, "cached": reply.cached, **summary.content.to_plain()})


def _summarize_arguments(cmd: argparse.ArgumentParser) -> None:
    target = cmd.add_mutually_exclusive_group(required=True)
    target.add_argument("--record", default=None)
    target.add_argument("--documents", nargs="+", default=None, metavar="DOCUMENT_ID")
    cmd.add_argument("--model", default=None, help="a model from models_config.json")
    cmd.add_argument("--extractive", action="store_true",
                     help="sections from the extracted data only, no language model")
    cmd.add_argument("--no-cache", action="store_true", help="ignore a cached summary")


SUMMARIZE = Command("summarize", _summarize,
                    View(text=lambda reply: print(reply.summary.markdown), json=_summary_json),
                    help="write a patient summary (clinician)", arguments=_summarize_arguments)
