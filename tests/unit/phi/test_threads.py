"""Scrubbers in several threads at once — the engine judges a file's name on the request
thread while a job scrubs a document — while the cue index is still being built: the
first texts of a process meet patterns never seen before."""

from __future__ import annotations

import threading

from engine.phi import Scrubber, cues
from engine.phi.cues import _Index

TEXTS = [f"PT {i}: SON BILL CALLED 7/23, TRANSFERRED TO KERNAN HOSP. MRN 4418{i:03d}. "
         f"Seen by Dr. Okafor at Holy Cross; lives in Towson, MD 21204." for i in range(40)]
THREADS = 4


def _in_threads() -> tuple[dict[int, list[tuple[int, int]]], list[BaseException]]:
    results: dict[int, list[tuple[int, int]]] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def work(offset: int) -> None:
        scrubber = Scrubber()
        start.wait()
        try:
            for i in range(offset, len(TEXTS), THREADS):
                results[i] = [(d.start, d.end) for d in scrubber.detect(TEXTS[i])]
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def test_scrubbers_in_threads_agree_with_one_alone(monkeypatch):
    expected = [[(d.start, d.end) for d in Scrubber().detect(t)] for t in TEXTS]
    for _ in range(5):
        # as in a new process: no cue key seen yet, no index built
        monkeypatch.setattr(cues, "_SEEN", set())
        monkeypatch.setattr(cues, "_KNOWN", {})
        monkeypatch.setattr(_Index, "state", _Index.EMPTY)
        results, errors = _in_threads()
        assert not errors, errors
        assert [results[i] for i in range(len(TEXTS))] == expected
