"""The interface every backend's loaded model offers."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol


@dataclass(frozen=True)
class GenerationSettings:
    max_tokens: int = 512
    temperature: float = 0.3
    top_p: float = 0.9
    repeat_penalty: float = 1.1  # small models loop on their own phrases without it
    stop: tuple[str, ...] = ()
    # A JSON schema the answer must follow; backends that can constrain decoding to it
    # (llama.cpp's grammar) do, the others leave the caller to validate what comes back.
    json_schema: Mapping[str, Any] | None = None
    # Polled by backends that can stop inside one step (llama.cpp while it reads the
    # prompt, which may take a minute on a CPU): True ends the generation with no text.
    should_stop: Callable[[], bool] | None = None


@dataclass(frozen=True)
class LoadRequest:
    name: str
    path: Path | None
    context_window: int
    device: str  # "cuda" | "cpu"
    threads: int


class LoadedModel(Protocol):
    name: str
    device: str
    context_window: int

    def count_tokens(self, text: str) -> int: ...

    def generate(self, system: str, prompt: str, settings: GenerationSettings
                 ) -> Iterator[str]: ...

    def memory_bytes(self) -> int: ...

    def unload(self) -> None: ...


class Loader(Protocol):
    def __call__(self, request: LoadRequest) -> LoadedModel: ...
