"""GGUF models through llama-cpp-python; layers go to CUDA when the build and a GPU allow."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator

from engine.errors import ModelLoadFailed
from engine.models.backends.base import GenerationSettings, LoadRequest
from engine.models.footprint import kv_cache_bytes


class GgufModel:
    def __init__(self, request: LoadRequest) -> None:
        import llama_cpp  # heavy: imported when a GGUF model is first loaded

        offload = request.device == "cuda" and llama_cpp.llama_supports_gpu_offload()
        self.name = request.name
        self.device = "cuda" if offload else "cpu"
        try:
            # llama.cpp prints load diagnostics to stderr; the engine logs its own events.
            with contextlib.redirect_stderr(io.StringIO()):
                self._llm = llama_cpp.Llama(
                    model_path=str(request.path), n_ctx=request.context_window,
                    n_threads=request.threads, n_gpu_layers=-1 if offload else 0,
                    verbose=False,
                )
        except (ValueError, RuntimeError, OSError) as exc:
            raise ModelLoadFailed("the model file could not be loaded",
                                  {"model": request.name, "error": type(exc).__name__}) from None
        self.context_window = self._llm.n_ctx()
        self._size = request.path.stat().st_size if request.path else 0

    def count_tokens(self, text: str) -> int:
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False))

    def generate(self, system: str, prompt: str, settings: GenerationSettings
                 ) -> Iterator[str]:
        stream = self._llm.create_chat_completion(
            messages=[{"role": "system", "content": system},
                      {"role": "user", "content": prompt}],
            max_tokens=settings.max_tokens, temperature=settings.temperature,
            top_p=settings.top_p, repeat_penalty=settings.repeat_penalty,
            stop=list(settings.stop) or None, stream=True,
        )
        # Closing the stream when the caller stops early (cancel, timeout) ends llama.cpp's
        # generation loop at once instead of whenever the generator is collected.
        with contextlib.closing(stream):
            for chunk in stream:
                piece = chunk["choices"][0]["delta"].get("content")
                if piece:
                    yield piece

    def memory_bytes(self) -> int:
        # Weights (mapped) plus the KV cache for the context actually allocated.
        return self._size + kv_cache_bytes(self._llm.metadata, self.context_window)

    def unload(self) -> None:
        self._llm.close()
        del self._llm


def load_gguf(request: LoadRequest) -> GgufModel:
    return GgufModel(request)
