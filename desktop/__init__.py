"""The HNTAI desktop front end (PySide6). It speaks to the engine only through
``engine.protocol`` messages via ``engine.client``; it never opens the store or loads models."""
