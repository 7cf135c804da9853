"""Whisper speech recognition through faster-whisper (CTranslate2): int8 on CPU, float16 on
CUDA. Always from a local folder — a model name would make faster-whisper ask the hub."""

from __future__ import annotations

import os
from collections.abc import Iterator

from engine.errors import InvalidRequest, ModelLoadFailed
from engine.models.backends.base import GenerationSettings, LoadRequest


class WhisperModel:
    def __init__(self, request: LoadRequest) -> None:
        try:
            import ctranslate2
            from faster_whisper import WhisperModel as FasterWhisper
        except ImportError:
            raise ModelLoadFailed("faster-whisper is not installed",
                                  {"model": request.name}) from None
        cuda = request.device == "cuda" and ctranslate2.get_cuda_device_count() > 0
        self.name = request.name
        self.device = "cuda" if cuda else "cpu"
        self.context_window = request.context_window
        # More CTranslate2 threads than OMP_THREAD_LIMIT allows yields garbage text (seen
        # here with 2 threads under a limit of 1): never ask for more than the limit.
        limit = os.environ.get("OMP_THREAD_LIMIT", "")
        threads = min(request.threads, int(limit)) if limit.isdigit() else request.threads
        try:
            self.whisper = FasterWhisper(str(request.path), device=self.device,
                                         compute_type="float16" if cuda else "int8",
                                         cpu_threads=threads, local_files_only=True)
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelLoadFailed("the speech model could not be loaded",
                                  {"model": request.name, "error": type(exc).__name__}) from None
        self._size = sum(f.stat().st_size for f in request.path.rglob("*") if f.is_file())

    def count_tokens(self, text: str) -> int:
        return len(self.whisper.hf_tokenizer.encode(text).ids)

    def generate(self, system: str, prompt: str, settings: GenerationSettings
                 ) -> Iterator[str]:
        raise InvalidRequest("a speech model does not generate text from a prompt")

    def memory_bytes(self) -> int:
        return self._size

    def unload(self) -> None:
        del self.whisper


def load_whisper(request: LoadRequest) -> WhisperModel:
    return WhisperModel(request)
