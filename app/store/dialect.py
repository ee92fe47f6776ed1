"""Every difference between SQLite and PostgreSQL that Ladder's SQL meets, and nothing else.

Statements are written once, in SQLite's spelling of a portable subset: `?` placeholders, upserts with
`ON CONFLICT`, existing-row columns qualified with the table name inside `DO UPDATE`, `lower(x) = lower(?)`
for case-insensitive lookups, explicit `NULLS FIRST/LAST` where an order over a nullable column matters.
What cannot be spelled the same way on both is asked of the dialect here, SQLite → PostgreSQL:

- placeholders `?` → `%s`, a literal `%` doubled (`Dialect.sql`);
- `INSERT OR IGNORE INTO t …` → `INSERT INTO t … ON CONFLICT DO NOTHING` (`Dialect.sql`);
- scalar `max(a, b)` / `min(a, b)` → `GREATEST(a, b)` / `LEAST(a, b)` (`greatest`, `least`);
- `cursor.lastrowid` → `… RETURNING id` (`returning_id`);
- `BEGIN IMMEDIATE` (one writer at a time) → `BEGIN` plus row locks where they matter: `FOR UPDATE`, and
  `FOR UPDATE SKIP LOCKED` for the queues (`begin`, `for_update`, `skip_locked`; "" on SQLite);
- in migrations (`migration_statements`): `TEXT COLLATE NOCASE` → `CITEXT COLLATE "C"` (ASCII case folding,
  as NOCASE); `TEXT` → `TEXT COLLATE "C"` (binary order, as SQLite, whatever the database's locale); an
  index on `(x COLLATE NOCASE)` → on `(lower(x))`; `INTEGER` → `BIGINT` (GitHub ids outgrow 32 bits),
  `INTEGER PRIMARY KEY` → an identity; `REAL` → `DOUBLE PRECISION`; `BLOB` → `BYTEA`;
- electing the one active worker (`session_locks`): SQLite renews a lease row; PostgreSQL holds a
  session-level advisory lock on a dedicated connection (app/store/workers.py);
- the schema version: `PRAGMA user_version` → a `schema_version` table (`schema_version`,
  `set_schema_version`, `prepare_schema`); one migrator at a time: SQLite's write lock →
  `pg_advisory_xact_lock` (`lock_migrations`);
- values (`configure_connection`): `sum()`/`avg()` come back from PostgreSQL as `numeric` and comparisons
  as `boolean`; they are loaded as int/float and 1/0, as sqlite3 returns them, and Python booleans are
  stored as 1/0.
"""

from __future__ import annotations

import re
import sqlite3
from functools import lru_cache

MIGRATION_LOCK = 0x6C61646465720001  # "ladder" + 1: the advisory lock key for migrations


class Dialect:
    name: str
    begin: str
    for_update: str  # appended to a SELECT whose rows the transaction will update
    skip_locked: str  # appended to a queue's SELECT: rows another transaction holds are skipped
    session_locks: bool  # advisory locks that live as long as a connection (PostgreSQL)

    def sql(self, text: str) -> str:
        return text

    def greatest(self, *terms: str) -> str:
        raise NotImplementedError

    def least(self, *terms: str) -> str:
        raise NotImplementedError

    def returning_id(self, text: str) -> str:
        return text

    def migration_statements(self, script: str) -> list[str]:
        raise NotImplementedError


class SQLiteDialect(Dialect):
    name = "sqlite"
    begin = "BEGIN IMMEDIATE"  # take the write lock now: a read-then-write never meets a busy upgrade
    for_update = ""
    skip_locked = ""
    session_locks = False

    def greatest(self, *terms: str) -> str:
        return f"max({', '.join(terms)})"

    def least(self, *terms: str) -> str:
        return f"min({', '.join(terms)})"

    def migration_statements(self, script: str) -> list[str]:
        """Split a migration into statements (executescript would commit on its own and break atomicity)."""
        statements, buffer = [], ""
        for line in script.splitlines(keepends=True):
            buffer += line
            if sqlite3.complete_statement(buffer):
                statements.append(buffer.strip())
                buffer = ""
        if _strip_comments(buffer).strip():
            statements.append(buffer.strip())
        return statements

    # The schema version lives in the file's header.
    def schema_version(self, db) -> int:
        return db.scalar("PRAGMA user_version")

    def set_schema_version(self, db, version: int) -> None:
        db.execute(f"PRAGMA user_version = {int(version)}")

    def prepare_schema(self, db) -> None:
        pass

    def lock_migrations(self, db) -> None:
        pass  # BEGIN IMMEDIATE already holds the only write lock


class PostgresDialect(Dialect):
    name = "postgresql"
    begin = "BEGIN"
    for_update = " FOR UPDATE"
    skip_locked = " FOR UPDATE SKIP LOCKED"
    session_locks = True

    def sql(self, text: str) -> str:
        return _postgres_sql(text)

    def greatest(self, *terms: str) -> str:
        return f"GREATEST({', '.join(terms)})"

    def least(self, *terms: str) -> str:
        return f"LEAST({', '.join(terms)})"

    def returning_id(self, text: str) -> str:
        return text.rstrip().rstrip(";") + " RETURNING id"

    def migration_statements(self, script: str) -> list[str]:
        return [_postgres_ddl(s) for s in SQLiteDialect().migration_statements(_strip_comments(script)) if s.strip()]

    def schema_version(self, db) -> int:
        if db.scalar("SELECT to_regclass('schema_version') IS NOT NULL") in (0, None, False):
            return 0
        return db.scalar("SELECT coalesce(max(version), 0) FROM schema_version")

    def set_schema_version(self, db, version: int) -> None:
        db.execute("INSERT INTO schema_version (version, applied_at) VALUES (?, now())", [version])

    def prepare_schema(self, db) -> None:
        """What the translated migrations need before the first one runs (inside the migrating transaction)."""
        db.execute("CREATE EXTENSION IF NOT EXISTS citext")
        db.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)"
        )

    def lock_migrations(self, db) -> None:
        # Held until the migrating transaction ends: a second replica waits, then finds nothing to do.
        db.execute("SELECT pg_advisory_xact_lock(?)", [MIGRATION_LOCK])


SQLITE = SQLiteDialect()
POSTGRES = PostgresDialect()

# --- translation -----------------------------------------------------------------------------------------

# A token at a time: quoted strings and identifiers, comments, or one other character.
_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|/\*.*?\*/|.", re.S)
_INSERT_OR_IGNORE = re.compile(r"^\s*INSERT\s+OR\s+IGNORE\s+INTO\b", re.I)


def _strip_comments(text: str) -> str:
    return "".join(t for t in _TOKEN.findall(text) if not (t.startswith("--") or t.startswith("/*")))


@lru_cache(maxsize=4096)
def _postgres_sql(text: str) -> str:
    """`?` → `%s` outside quotes (psycopg's placeholder; a literal `%` becomes `%%`), and SQLite's
    `INSERT OR IGNORE` → `ON CONFLICT DO NOTHING`."""
    out = []
    for token in _TOKEN.findall(text):
        if token == "?":
            out.append("%s")
        elif token.startswith("'") or token.startswith('"'):
            out.append(token.replace("%", "%%"))
        elif token == "%":
            out.append("%%")
        else:
            out.append(token)
    sql = "".join(out)
    if _INSERT_OR_IGNORE.match(sql):
        sql = _INSERT_OR_IGNORE.sub("INSERT INTO", sql, count=1).rstrip().rstrip(";") + " ON CONFLICT DO NOTHING"
    return sql


# Types and keywords are upper case in the migrations; column names (a column may be called `text`) are not.
_NOCASE_COLUMN = re.compile(
    r"\bTEXT((?:\s+(?:NOT\s+NULL|NULL|PRIMARY\s+KEY|UNIQUE|DEFAULT\s+'(?:[^']|'')*'))*)\s+COLLATE\s+NOCASE\b"
)
_NOCASE_INDEXED = re.compile(r"\b(\w+)\s+COLLATE\s+NOCASE\b")


def _postgres_ddl(statement: str) -> str:
    """One migration statement, written for SQLite, as PostgreSQL needs it (see the table above)."""
    s = _NOCASE_COLUMN.sub(lambda m: 'CITEXT COLLATE "C"' + m.group(1), statement)
    s = re.sub(r"\bTEXT\b", 'TEXT COLLATE "C"', s)
    if re.match(r"\s*CREATE\s+(UNIQUE\s+)?INDEX\b", s, re.I):
        s = _NOCASE_INDEXED.sub(r"lower(\1)", s)
    s = re.sub(r"\bINTEGER\s+PRIMARY\s+KEY\b", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", s, flags=re.I)
    s = re.sub(r"\bINTEGER\b", "BIGINT", s)
    s = re.sub(r"\bREAL\b", "DOUBLE PRECISION", s)
    s = re.sub(r"\bBLOB\b", "BYTEA", s)
    return s


# --- values ----------------------------------------------------------------------------------------------


def configure_connection(conn) -> None:
    """Make a psycopg connection hand back what sqlite3 would: `sum()` and `avg()` (PostgreSQL's
    `numeric`) as int or float, comparisons (`boolean`) as 1/0, and take Python booleans as 1/0 (the
    schema stores flags as integers on both)."""
    from psycopg.adapt import Dumper, Loader
    from psycopg.pq import Format

    class NumberLoader(Loader):
        def load(self, data) -> int | float:
            text = bytes(data).decode()
            return float(text) if "." in text or "e" in text.lower() or text in ("NaN", "Infinity") else int(text)

    class FlagLoader(Loader):
        def load(self, data) -> int:
            return 1 if bytes(data) == b"t" else 0

    class FlagDumper(Dumper):
        oid = None  # set below: int8

        def dump(self, obj) -> bytes:
            return b"1" if obj else b"0"

    from psycopg.postgres import types

    FlagDumper.oid = types["int8"].oid
    FlagDumper.format = Format.TEXT
    conn.adapters.register_loader("numeric", NumberLoader)
    conn.adapters.register_loader("bool", FlagLoader)
    conn.adapters.register_dumper(bool, FlagDumper)
