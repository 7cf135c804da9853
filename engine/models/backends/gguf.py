"""GGUF models through llama-cpp-python; layers go to CUDA when the build and a GPU allow."""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator
from typing import Any

from engine.errors import ModelLoadFailed
from engine.models.backends.base import GenerationSettings, LoadRequest
from engine.models.footprint import kv_cache_bytes

# Idle OpenMP threads spin by default: on a loaded machine they take the cores the working
# threads need (2 tok/s measured with 2 threads under load, 15.6 with PASSIVE). Read by
# the OpenMP runtime when it starts, so set before llama.cpp is first imported.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def generation_threads(physical: int) -> int:
    """One thread per physical core, one fewer while other work keeps the machine busy
    (a 1-minute load average of at least half the cores): llama.cpp's threads wait for
    each other, so one thread short of a core slows every token."""
    busy = os.getloadavg()[0] >= physical / 2
    return max(1, physical - 1) if busy and physical > 1 else physical


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
        self.threads = request.threads
        self.context_window = self._llm.n_ctx()
        self._size = request.path.stat().st_size if request.path else 0

    def count_tokens(self, text: str) -> int:
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False))

    def generate(self, system: str, prompt: str, settings: GenerationSettings
                 ) -> Iterator[str]:
        import llama_cpp  # loaded already by __init__

        threads = generation_threads(self.threads)
        self._llm._ctx.set_n_threads(threads, self.threads)  # the prompt batch uses all
        schema = settings.json_schema
        stream = self._llm.create_chat_completion(
            messages=[{"role": "system", "content": system},
                      {"role": "user", "content": prompt}],
            max_tokens=settings.max_tokens, temperature=settings.temperature,
            top_p=settings.top_p, repeat_penalty=settings.repeat_penalty,
            stop=list(settings.stop) or None, stream=True,
            response_format={"type": "json_object", "schema": dict(schema)} if schema else None,
        )
        # The prompt is read before the first token: llama.cpp polls ``should_stop`` between
        # the steps of that read (its abort callback), so a Cancel stops it there. Once
        # tokens flow, the caller checks between them and the callback is taken off.
        stop = settings.should_stop
        stopped: list[bool] = []  # the callback said stop: llama_decode's failure is ours

        def poll(_data: Any) -> bool:
            if stop is not None and stop():
                stopped.append(True)
                return True
            return False

        abort = llama_cpp.ggml_abort_callback(poll) if stop else None
        self._set_abort(abort)
        try:
            # Closing the stream when the caller stops early (cancel, timeout) ends
            # llama.cpp's generation loop at once instead of whenever it is collected.
            with contextlib.closing(stream):
                for chunk in stream:
                    if abort is not None:
                        self._set_abort(None)
                        abort = None
                    piece = chunk["choices"][0]["delta"].get("content")
                    if piece:
                        yield piece
        except RuntimeError:  # "llama_decode returned 2": aborted inside the prompt
            if not stopped:
                raise
        finally:
            if abort is not None:
                self._set_abort(None)

    def _set_abort(self, callback: Any) -> None:
        """Install (or with None remove) llama.cpp's abort callback; the caller keeps the
        ctypes object alive while it is installed."""
        import llama_cpp

        llama_cpp.llama_set_abort_callback(
            self._llm._ctx.ctx, callback or llama_cpp.ggml_abort_callback(0), None)

    def memory_bytes(self) -> int:
        # Weights (mapped) plus the KV cache for the context actually allocated.
        return self._size + kv_cache_bytes(self._llm.metadata, self.context_window)

    def unload(self) -> None:
        self._llm.close()
        del self._llm


def load_gguf(request: LoadRequest) -> GgufModel:
    return GgufModel(request)
