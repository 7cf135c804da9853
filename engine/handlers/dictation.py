"""Live dictation: start a session, feed it audio, stop it, save the text as a document.

Audio stays in engine memory only; nothing is kept unless the text is saved.
"""

from __future__ import annotations

import contextlib
import secrets
from typing import TYPE_CHECKING

from engine import protocol as p
from engine.dictation import DictationSession, DictationWorker
from engine.documents.audio import hotwords, language
from engine.errors import EmptyDocument, InvalidRequest
from engine.handlers.jobs import acknowledge, submit_job
from engine.store import records
from engine.utterance_asr import UtteranceRecognizer

if TYPE_CHECKING:
    from engine.service import EngineService


def start_dictation(engine: EngineService, _req: p.StartDictation) -> str:
    session_id = "S-" + secrets.token_hex(6)
    stack = contextlib.ExitStack()
    whisper = stack.enter_context(engine.models.lease("transcription"))

    recognize = UtteranceRecognizer(whisper.whisper, hotwords(), language(whisper.whisper))
    session = DictationSession(
        recognize, lambda text: engine.emit(p.DictationPartial(session_id, text)),
        lambda utterance, text: engine.emit(p.DictationFinal(session_id, utterance, text)))
    engine.dictations[session_id] = (DictationWorker(session), stack)
    return session_id


def _dictation(engine: EngineService,
               session_id: str) -> tuple[DictationWorker, contextlib.ExitStack]:
    found = engine.dictations.get(session_id)
    if found is None:
        raise InvalidRequest("no such dictation session")
    return found


def dictation_audio(engine: EngineService, req: p.DictationAudio) -> None:
    _dictation(engine, req.session_id)[0].feed(req.pcm16)


def stop_dictation(engine: EngineService, req: p.StopDictation) -> p.DictationResult:
    worker, stack = _dictation(engine, req.session_id)
    try:
        text = worker.stop()
    finally:
        del engine.dictations[req.session_id]
        stack.close()
    return p.DictationResult(
        text, _store_dictation(engine, text, req.record_id) if req.save else None)


def save_dictation(engine: EngineService, req: p.SaveDictation) -> p.JobInfo:
    return _store_dictation(engine, req.text, req.record_id)


def _store_dictation(engine: EngineService, text: str, record_id: str | None) -> p.JobInfo:
    if not text.strip():
        raise EmptyDocument("nothing was dictated")
    session = engine.require(p.Permission.DOCUMENT_SUBMIT)
    with session.write() as conn:
        if record_id:
            records.require(conn, record_id)
        record_id = record_id or records.new_id()  # written with the document
        job = submit_job(session, conn, p.JobKind.DICTATION,
                         {"record_id": record_id, "source_name": "dictation"},
                         0, {"record_id": record_id})
    engine.dictated_texts[job.id] = text
    return acknowledge(engine, job)


HANDLERS = {p.StartDictation: start_dictation, p.DictationAudio: dictation_audio,
            p.StopDictation: stop_dictation, p.SaveDictation: save_dictation}
