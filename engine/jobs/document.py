"""The ``process_document`` job: a file through the stages of engine/pipeline.py; an audio
file is first transcribed by a leased transcription model."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from engine.documents.audio import transcribe as transcribe_audio
from engine.documents.audio import transcript_document
from engine.models import ModelManager
from engine.pipeline import ClinicalFn, DocumentPipeline, ScrubFn
from engine.store import Store


def document_job(store: Store, scrub: ScrubFn, clinical: ClinicalFn,
                 models: ModelManager) -> DocumentPipeline:
    def transcribe(path: Path, checkpoint: Callable[[], None]):
        with models.lease("transcription") as whisper:
            transcript = transcribe_audio(whisper.whisper, path, checkpoint=checkpoint)
        return transcript_document(path, transcript)

    return DocumentPipeline(store, scrub=scrub, clinical=clinical, transcribe=transcribe)
