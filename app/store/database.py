"""Opening the database: WAL, foreign keys, a busy timeout, and the schema brought up to date."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from app.store.migrations import migrate


def open_database(path: str | Path, *, migrate_schema: bool = True, durable: bool = True) -> sqlite_utils.Database:
    """Open (creating if needed) the database file and apply pending migrations.

    WAL lets the dashboard and the CLI read while the service writes. A `durable` connection
    (`synchronous=FULL`) makes every commit survive a power loss as well as a crash: that is what
    "stored, then 202" promises. The worker's connection need not pay an fsync per commit: what it writes
    is derived from stored deliveries, and WAL loses at most a suffix of recent commits, so the delivery's
    `done` mark is never kept without the facts written before it — the delivery is simply processed again.
    """
    conn = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=30000")
    db = sqlite_utils.Database(conn)
    if migrate_schema:
        migrate(db)
    return db
