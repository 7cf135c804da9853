"""The ``dictation`` job: a finished dictation's text as a document, through the document
stages (``DictatedPipeline`` in engine/pipeline.py). The text waits in engine memory
(``EngineService.dictated_texts``), never in the job row."""

DICTATION = "dictation"
