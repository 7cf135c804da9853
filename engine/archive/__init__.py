"""``hntai archive``: the document pipeline's stateless stages over a backlog, on Ray.

The driver lists the inputs (paths and ids, never contents), Ray actors read, scrub and
extract each document, and the driver writes Parquet shards and ``manifest.json``. Ray and
pyarrow load only with the modules of a run (cluster, run, worker, shards, manifest,
into_store), which ``command`` imports when a run starts: the CLI's parser, the desktop
path and the engine's normal imports never load them (tests/unit/archive/test_cluster.py).
"""
