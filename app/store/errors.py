"""The store's own failures: each message is one line a person can act on, with no password in it."""

from __future__ import annotations

import sqlite3

import psycopg


class StoreError(Exception):
    """A database that cannot be used as asked (the CLI prints the message and exits with status 2)."""


class SchemaTooNew(StoreError):
    """Written by a newer Ladder: refused rather than damaged."""


class SchemaOutdated(StoreError):
    """Needs migrating, and this open must not do it (a read-only open for reports)."""


class ReadOnlyDatabase(StoreError):
    """A write through a read-only open."""


class Unreachable(StoreError):
    """The database cannot be opened or connected to."""


# --- the engines' own errors ----------------------------------------------------------------------------
# Kept here, beside the drivers, so no other layer names sqlite3's or psycopg's classes.

# Any error either driver raises.
DRIVER_ERRORS: tuple[type[BaseException], ...] = (sqlite3.Error, psycopg.Error)
