"""The store (docstring completed below, once every concern has moved here)."""

from app.store.database import Database, open_database
from app.store.errors import ReadOnlyDatabase, SchemaOutdated, SchemaTooNew, StoreError, Unreachable

__all__ = [
    "Database",
    "ReadOnlyDatabase",
    "SchemaOutdated",
    "SchemaTooNew",
    "StoreError",
    "Unreachable",
    "open_database",
]
