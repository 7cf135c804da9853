"""The speech tools: ``transcribe`` (in this process unless ``--save``) and ``dictate``
(the engine's live dictation path, fed from a WAV)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from engine import protocol as p
from engine.cli.documents import PROCESS
from engine.cli.output import print_json
from engine.cli.session import Session
from engine.cli.table import EXIT_FAILED, EXIT_OK, Command, View
from engine.errors import HntaiError


def _transcripts(s: Session) -> Iterator[dict[str, Any]]:
    """Transcribe here, keep nothing, no login: one row per file as it is done."""
    from engine.documents.audio import transcribe
    from engine.models import ModelManager
    from engine.paths import model_dirs, models_config_path

    manager = ModelManager.from_config(models_config_path(), model_dirs(s.data_dir))
    with manager.lease("transcription") as whisper:
        for name in s.args.files:
            try:
                t = transcribe(whisper.whisper, Path(name))
                yield {"file": name, "text": t.text, "language": t.language,
                       "duration_s": t.duration_s, "segments": [asdict(x) for x in t.segments]}
            except HntaiError as exc:
                yield {"file": name, "error": {"code": exc.code.value, "message": exc.message}}
    manager.close()


def _transcript_text(row: dict[str, Any]) -> None:
    if "error" in row:
        print(f"{row['file']}: {row['error']['code']}: {row['error']['message']}")
        return
    print(f"{row['file']} ({row['language']}, {row['duration_s']} s)")
    for seg in row["segments"]:
        print(f"  [{seg['start']:7.2f} - {seg['end']:7.2f}] {seg['text']}")


def _saved(args: argparse.Namespace) -> Command | None:
    """With --save each file becomes a stored (scrubbed, extracted, audited) document: the
    files are processed through the engine, as ``process`` does, into new records."""
    if not args.save:
        return None
    args.record, args.one_record, args.priority = None, False, 0
    args.paths = args.files
    return PROCESS


def _transcribe_arguments(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("files", nargs="+", metavar="FILE")
    cmd.add_argument("--save", action="store_true",
                     help="store each transcript as a document (needs a login)")


TRANSCRIBE = Command(
    "transcribe", _transcripts,
    View(text=_transcript_text, rows=True,
         code=lambda rows: EXIT_FAILED if any("error" in r for r in rows) else EXIT_OK),
    help="speech to text (keeps nothing unless --save)", arguments=_transcribe_arguments,
    instead=_saved)


_FRAME = 3200 * 2  # 200 ms of 16-bit samples at 16 kHz


def _dictation(s: Session) -> Iterator[dict[str, Any]]:
    """Stream a WAV through the live dictation path in 200 ms frames, as a microphone
    would: rows {"partial"} and {"final"} as they arrive, then {"text", "document_id"}."""
    import time

    import numpy as np
    from faster_whisper.audio import decode_audio

    if s.args.save:
        s.login()
    audio = decode_audio(str(s.args.from_wav), sampling_rate=16000)
    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()
    session = s.client.request(p.StartDictation())

    def rows(events) -> Iterator[dict[str, Any]]:
        for event in events:
            if isinstance(event, p.DictationPartial) and event.session_id == session:
                yield {"partial": event.text}
            elif isinstance(event, p.DictationFinal) and event.session_id == session:
                yield {"final": event.utterance}

    start = time.monotonic()
    for i in range(0, len(pcm), _FRAME):
        s.client.request(p.DictationAudio(session_id=session, pcm16=pcm[i:i + _FRAME]))
        yield from rows(s.client.events(timeout=0))
        if not s.args.fast:  # pace like a live microphone
            time.sleep(max(0.0, start + (i + _FRAME) / 32000 - time.monotonic()))
    result = s.client.request(p.StopDictation(session_id=session, save=s.args.save))
    yield from rows(s.client.events(timeout=0.2))
    saved = None
    if result.job is not None:
        done = s.client.wait_jobs([result.job.id])[result.job.id]
        saved = (done.result or {}).get("document_id")
    yield {"text": result.text, "document_id": saved}


def _dictation_text(row: dict[str, Any]) -> None:
    if "partial" in row:  # one line redrawn on stderr; only finals go to stdout
        sys.stderr.write(f"\r… {row['partial'][-90:]:<92}")
        sys.stderr.flush()
    elif "final" in row:
        sys.stderr.write(f"\r{' ' * 95}\r")
        print(row["final"], flush=True)
    else:
        print("\n" + row["text"])
        if row["document_id"]:
            print(f"saved as {row['document_id']}")


def _dictate_arguments(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--from-wav", required=True, type=Path, metavar="FILE")
    cmd.add_argument("--save", action="store_true",
                     help="store the dictation as a document (needs a login)")
    cmd.add_argument("--fast", action="store_true",
                     help="send audio as fast as possible instead of in real time")


DICTATE = Command("dictate", _dictation, View(text=_dictation_text, json=print_json, rows=True),
                  help="stream a WAV through live dictation", arguments=_dictate_arguments)
