"""Jobs: the runner (engine/jobs/runner.py) and the kinds it runs, one module each —
``process_document`` (document.py), ``dictation`` (dictation.py), ``summarize``
(summary.py). Their rows live in engine/store/job_rows.py."""
