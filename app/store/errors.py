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


# --- the engines' own errors, sorted for callers that decide whether to try again -----------------------
# Kept here, beside the drivers, so no other layer names sqlite3's or psycopg's classes.

# Any error either driver raises.
DRIVER_ERRORS: tuple[type[BaseException], ...] = (sqlite3.Error, psycopg.Error)

# Passing: the same statement may succeed a moment later. SQLite: locked, busy, disk full, I/O error.
# PostgreSQL's OperationalError covers a lost or refused connection, a serialization failure or deadlock
# (TransactionRollback), a lock or statement timeout (LockNotAvailable, QueryCanceled), the server
# shutting down, and the pool's PoolTimeout. A unique violation on PostgreSQL is two writers racing to
# insert one key (READ COMMITTED): a retry finds the row the other wrote. (On SQLite writers take turns,
# so there it is the value's fault.)
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    sqlite3.OperationalError,
    psycopg.OperationalError,
    psycopg.errors.UniqueViolation,
)

# The value's fault: the same value fails the same way on every attempt. sqlite3: a type it cannot bind
# (InterfaceError, ProgrammingError), a required field that is null (IntegrityError). psycopg: text with a
# NUL character or a number out of range (DataError), a null or a broken reference (IntegrityError), a type
# it cannot adapt (ProgrammingError).
VALUE_ERRORS: tuple[type[BaseException], ...] = (
    sqlite3.InterfaceError,
    sqlite3.ProgrammingError,
    sqlite3.IntegrityError,
    psycopg.DataError,
    psycopg.IntegrityError,
    psycopg.ProgrammingError,
)
