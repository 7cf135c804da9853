"""The extractive fallback: no weights, no memory; the summary code builds its sections
straight from the extracted data when it is handed this model."""

from __future__ import annotations

from collections.abc import Iterator

from engine.models.backends.base import GenerationSettings, LoadRequest


class FallbackModel:
    device = "cpu"

    def __init__(self, request: LoadRequest) -> None:
        self.name = request.name
        self.context_window = request.context_window

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def generate(self, system: str, prompt: str, settings: GenerationSettings
                 ) -> Iterator[str]:
        return iter(())  # nothing is generated: callers use the extractive summary

    def memory_bytes(self) -> int:
        return 0

    def unload(self) -> None:
        return None


def load_fallback(request: LoadRequest) -> FallbackModel:
    return FallbackModel(request)
