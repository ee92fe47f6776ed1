"""The SQLite store: one file in WAL mode, upgraded by `migrations` when it opens."""

from app.store.database import open_database

__all__ = ["open_database"]
