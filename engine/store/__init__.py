"""The encrypted store: SQLCipher file, key slots, audit chain and repositories.

Only this package opens the database. Every change is written together with its audit row
in one transaction (``store.db.transaction()`` + ``audit.append``).
"""

from engine.store.vault import Session, Store, create, store_exists, unlock, unlock_with_recovery

__all__ = ["Session", "Store", "create", "store_exists", "unlock", "unlock_with_recovery"]
