"""Schema migrations: the numbered `NNNN_name.sql` files in this folder, applied in order.

`PRAGMA user_version` records how far a database file has come. Each migration runs once, inside one
transaction. A database written by an older Ladder opens and is upgraded on start; one written by a newer
Ladder is refused rather than damaged. Add a migration as the next numbered file — never edit one that has
shipped.
"""

from __future__ import annotations

import sqlite3
from importlib import resources

import sqlite_utils


class SchemaTooNew(Exception):
    pass


def _load() -> list[str]:
    files = sorted((f for f in resources.files(__package__).iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)
    for number, f in enumerate(files, start=1):
        if not f.name.startswith(f"{number:04d}_"):
            raise RuntimeError(f"migration {f.name} is out of sequence: expected number {number:04d}")
    return [f.read_text() for f in files]


MIGRATIONS: list[str] = _load()


def schema_version(db: sqlite_utils.Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: sqlite_utils.Database, migrations: list[str] | None = None) -> int:
    """Apply every migration the file has not seen; return the resulting version."""
    migrations = MIGRATIONS if migrations is None else migrations
    current = schema_version(db)
    if current > len(migrations):
        raise SchemaTooNew(
            f"the database is at schema version {current}, newer than this Ladder knows ({len(migrations)})"
        )
    conn = db.conn
    for version, script in enumerate(migrations[current:], start=current + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(script):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return schema_version(db)


def _statements(script: str) -> list[str]:
    """Split a migration into statements (executescript would commit on its own and break atomicity)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not all(l.strip().startswith("--") or not l.strip() for l in buffer.splitlines()):
        statements.append(buffer.strip())
    return statements
