"""Jobs: the runner (engine/jobs/runner.py) and the kinds it runs (``protocol.JobKind``) —
``process_document`` (document.py), ``summarize`` (summary.py) and ``dictation``: a finished
dictation's text as a document, through the document stages (``DictatedPipeline`` in
engine/pipeline.py); the text waits in engine memory (``EngineService.dictated_texts``),
never in the job row. Their rows live in engine/store/job_rows.py."""
