"""What the engine says unasked (ready, progress, streamed text, job ends) and each request's
one reply."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.protocol.vocabulary import ErrorInfo


@dataclass(frozen=True)
class Event:
    pass


@dataclass(frozen=True)
class EngineReady(Event):
    protocol_version: int
    engine_version: str
    pid: int


@dataclass(frozen=True)
class Reply(Event):
    request_id: int
    value: Any = None
    error: ErrorInfo | None = None


@dataclass(frozen=True)
class JobProgress(Event):
    job_id: str
    stage: str
    label: str
    value: int
    maximum: int
    # Facts a front end may show beside the label, e.g. {"model": …} once a summary's
    # model is chosen.
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class JobText(Event):
    """A piece of streamed output (summary tokens) for a running job."""

    job_id: str
    text: str


@dataclass(frozen=True)
class DictationPartial(Event):
    session_id: str
    text: str


@dataclass(frozen=True)
class DictationFinal(Event):
    session_id: str
    utterance: str
    text: str  # the whole dictation so far, spoken commands applied


@dataclass(frozen=True)
class JobFinished(Event):
    job_id: str
    result: Mapping[str, Any]


@dataclass(frozen=True)
class JobFailed(Event):
    job_id: str
    error: ErrorInfo


@dataclass(frozen=True)
class EngineRestarted(Event):
    """Made by the client when it found the engine dead and started a new one, or, with
    ``gave_up``, when it stopped trying (restart limit reached, or the store taken by another
    engine): this client has no engine any more."""

    reason: str
    restarts: int
    gave_up: bool = False
