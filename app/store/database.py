"""Opening the database: WAL, foreign keys, a busy timeout, and the schema brought up to date."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from app.store.migrations import migrate


def open_database(path: str | Path, *, migrate_schema: bool = True) -> sqlite_utils.Database:
    """Open (creating if needed) the database file and apply pending migrations.

    WAL lets the dashboard and the CLI read while the service writes. `synchronous=FULL` makes every
    committed delivery survive a power loss as well as a crash, which is what "stored durably, then 202"
    promises.
    """
    conn = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=30000")
    db = sqlite_utils.Database(conn)
    if migrate_schema:
        migrate(db)
    return db
