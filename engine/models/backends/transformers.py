"""Hugging Face Transformers causal LMs (the ``transformers`` extra); torch is imported
lazily, fp16 with ``device_map="auto"`` on CUDA, fp32 on CPU. Local files only."""

from __future__ import annotations

import threading
from collections.abc import Iterator

from engine.errors import ModelLoadFailed
from engine.models.backends.base import GenerationSettings, LoadRequest


class TransformersModel:
    def __init__(self, request: LoadRequest) -> None:
        try:
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer
        except ImportError:
            raise ModelLoadFailed("the transformers backend is not installed",
                                  {"model": request.name, "extra": "transformers"}) from None
        self.name = request.name
        self.device = "cuda" if request.device == "cuda" and torch.cuda.is_available() else "cpu"
        try:
            self._tok = AutoTokenizer.from_pretrained(request.path, local_files_only=True)
            self._model = self._load_model(request, AutoModelForCausalLM, torch)
        except (OSError, ValueError, RuntimeError) as exc:
            raise ModelLoadFailed("the model files could not be loaded",
                                  {"model": request.name, "error": type(exc).__name__}) from None
        torch.set_num_threads(request.threads)
        self.context_window = min(request.context_window,
                                  getattr(self._model.config, "max_position_embeddings",
                                          request.context_window))

    def _load_model(self, request: LoadRequest, auto_class, torch):
        kwargs = ({"torch_dtype": torch.float16, "device_map": "auto"}
                  if self.device == "cuda" else {"torch_dtype": torch.float32})
        return auto_class.from_pretrained(request.path, local_files_only=True, **kwargs)

    def count_tokens(self, text: str) -> int:
        return len(self._tok(text, add_special_tokens=False)["input_ids"])

    def _prompt(self, system: str, prompt: str) -> str:
        if getattr(self._tok, "chat_template", None):
            return self._tok.apply_chat_template(
                [{"role": "system", "content": system}, {"role": "user", "content": prompt}],
                tokenize=False, add_generation_prompt=True)
        return f"{system}\n\n{prompt}\n\n"

    def generate(self, system: str, prompt: str, settings: GenerationSettings
                 ) -> Iterator[str]:
        from transformers import TextIteratorStreamer

        inputs = self._tok(self._prompt(system, prompt), return_tensors="pt").to(
            self._model.device)
        streamer = TextIteratorStreamer(self._tok, skip_prompt=True, skip_special_tokens=True)
        kwargs = {**inputs, "max_new_tokens": settings.max_tokens, "streamer": streamer,
                  "do_sample": settings.temperature > 0, "pad_token_id": self._tok.eos_token_id,
                  "repetition_penalty": settings.repeat_penalty}
        if settings.temperature > 0:
            kwargs.update(temperature=settings.temperature, top_p=settings.top_p)
        worker = threading.Thread(target=self._model.generate, kwargs=kwargs, daemon=True)
        worker.start()
        yield from (piece for piece in streamer if piece)
        worker.join()

    def memory_bytes(self) -> int:
        footprint = getattr(self._model, "get_memory_footprint", None)
        return int(footprint()) if footprint else 0

    def unload(self) -> None:
        del self._model
        del self._tok


def load_transformers(request: LoadRequest) -> TransformersModel:
    return TransformersModel(request)
