"""``hntai archive``: the document pipeline's stateless stages over a backlog, on Ray.

The driver lists the inputs (paths and ids, never contents), Ray actors read, scrub and
extract each document, and the driver writes Parquet shards and ``manifest.json``. Only
``cluster`` and ``run`` import Ray or pyarrow's dataset parts, and only when a run starts:
nothing on the desktop path or in the engine's normal imports loads them.
"""
