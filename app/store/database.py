"""The `Database` object: one API over a SQLite file (sqlite-utils, WAL) and PostgreSQL (psycopg 3 + pool).

    db = open_database("ladder.db")                          # or "postgresql://user:pw@host/ladder"
    db.execute("UPDATE outbox SET … WHERE id = ?", [7]).rowcount
    db.query(sql, params) -> [tuple, …]    db.one(sql, params) -> tuple | None    db.scalar(sql, params)
    db.insert(sql, params) -> new id       db.executemany(sql, rows) -> rowcount
    with db.transaction(): …               # outermost: BEGIN (IMMEDIATE); nested: SAVEPOINT

Statements are written once in the portable subset (app/store/dialect.py says which); rows come back as
tuples, fully read, on both engines. Threads: a SQLite `Database` is one connection, guarded by a lock
(a transaction holds it), so each role (web, worker, importer) opens its own, as the service does; a
PostgreSQL `Database` is a pool, and a transaction pins one connection to the thread or task that opened
it (a context variable), so every statement inside it, however deep, runs on that connection. Never
`await` inside `transaction()`: the transaction would be shared with whatever runs meanwhile.
"""

from __future__ import annotations

import contextvars
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence
from urllib.parse import quote

import sqlite_utils

from app.store import dialect as dialects
from app.store.errors import ReadOnlyDatabase, SchemaOutdated, SchemaTooNew, StoreError, Unreachable
from app.store.location import is_postgres_url, redact

Params = Sequence[Any]


class Result:
    """The rows of one statement (read in full) and how many rows it changed."""

    __slots__ = ("rows", "rowcount", "lastrowid", "_next")

    def __init__(self, rows: list[tuple], rowcount: int, lastrowid: int | None = None) -> None:
        self.rows = rows
        self.rowcount = rowcount
        self.lastrowid = lastrowid
        self._next = 0

    def fetchone(self) -> tuple | None:
        if self._next >= len(self.rows):
            return None
        self._next += 1
        return self.rows[self._next - 1]

    def fetchall(self) -> list[tuple]:
        rest, self._next = self.rows[self._next :], len(self.rows)
        return rest

    def __iter__(self) -> Iterator[tuple]:
        return iter(self.fetchall())


class Database:
    """What both engines offer; see the module docstring."""

    dialect: dialects.Dialect

    def __init__(self, where: str | Path, *, read_only: bool, durable: bool) -> None:
        self._where = where
        self.read_only = read_only
        self.durable = durable

    # --- what every caller uses -------------------------------------------------------------------------
    @property
    def name(self) -> str:
        """`sqlite` or `postgresql`."""
        return self.dialect.name

    @property
    def location(self) -> str:
        """The file, or the URL without its password: safe for messages and logs."""
        return redact(self._where) if isinstance(self._where, str) else str(self._where)

    def execute(self, sql: str, params: Params = ()) -> Result:
        return self._run(self.dialect.sql(sql), tuple(params))

    def executemany(self, sql: str, rows: Iterable[Params]) -> int:
        rows = [tuple(r) for r in rows]
        if not rows:
            return 0
        return self._run_many(self.dialect.sql(sql), rows)

    def query(self, sql: str, params: Params = ()) -> list[tuple]:
        return self.execute(sql, params).rows

    def one(self, sql: str, params: Params = ()) -> tuple | None:
        return self.execute(sql, params).fetchone()

    def scalar(self, sql: str, params: Params = (), default: Any = None) -> Any:
        row = self.one(sql, params)
        return default if row is None or row[0] is None else row[0]

    def insert(self, sql: str, params: Params = ()) -> int:
        """Run an INSERT into a table with an `id INTEGER PRIMARY KEY`; return the new row's id."""
        raise NotImplementedError

    def table_names(self) -> list[str]:
        raise NotImplementedError

    @contextmanager
    def transaction(self) -> Iterator[None]:
        raise NotImplementedError
        yield

    @property
    def in_transaction(self) -> bool:
        raise NotImplementedError

    def reopen(self, **options: Any) -> "Database":
        """Another connection (or pool) to the same store, e.g. for another role of the service."""
        return open_database(self._where, **options)

    def close(self) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.location}{' read-only' if self.read_only else ''}>"

    # --- per engine -------------------------------------------------------------------------------------
    def _run(self, sql: str, params: tuple) -> Result:
        raise NotImplementedError

    def _run_many(self, sql: str, rows: list[tuple]) -> int:
        raise NotImplementedError


class SQLiteDatabase(Database):
    """One connection to a WAL file. `utils` is the sqlite-utils view of it."""

    dialect = dialects.SQLITE

    def __init__(self, path: str | Path, *, read_only: bool = False, durable: bool = True) -> None:
        super().__init__(Path(path), read_only=read_only, durable=durable)
        try:
            if read_only:
                uri = f"file:{quote(str(Path(path).absolute()))}?mode=ro"
                conn = sqlite3.connect(uri, uri=True, timeout=30, isolation_level=None, check_same_thread=False)
                conn.execute("PRAGMA query_only=ON")
                # Read the file now, so one that is not a database is refused here, as a clear error.
                conn.execute("SELECT count(*) FROM sqlite_master")
            else:
                conn = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
                _wal(conn)
                # A durable connection (synchronous=FULL) makes every commit survive a power loss as well as
                # a crash: that is what "stored, then 202" promises. The worker's need not pay an fsync per
                # commit: what it writes is derived from stored deliveries, and WAL loses at most a suffix of
                # recent commits, so a delivery's `done` mark is never kept without the facts written
                # before it — the delivery is simply processed again.
                conn.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=30000")
        except sqlite3.DatabaseError as error:
            raise Unreachable(f"{path} cannot be used: {error}") from None
        self.conn = conn
        self.utils = sqlite_utils.Database(conn)
        self._lock = threading.RLock()
        self._depth = 0

    def _run(self, sql: str, params: tuple) -> Result:
        with self._lock:
            try:
                cursor = self.conn.execute(sql, params)
                rows = cursor.fetchall() if cursor.description else []
            except sqlite3.OperationalError as error:
                if self.read_only and "readonly" in str(error):
                    raise ReadOnlyDatabase(f"{self.location} is open read-only: {error}") from None
                raise
            return Result(rows, cursor.rowcount, cursor.lastrowid)

    def _run_many(self, sql: str, rows: list[tuple]) -> int:
        with self._lock:
            try:
                return self.conn.executemany(sql, rows).rowcount
            except sqlite3.OperationalError as error:
                if self.read_only and "readonly" in str(error):
                    raise ReadOnlyDatabase(f"{self.location} is open read-only: {error}") from None
                raise

    def insert(self, sql: str, params: Params = ()) -> int:
        return self.execute(sql, params).lastrowid

    def table_names(self) -> list[str]:
        return self.utils.table_names()

    @property
    def in_transaction(self) -> bool:
        return self.conn.in_transaction

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._lock:
            if self._depth == 0 and not self.conn.in_transaction:
                # A reader takes no write lock: its transaction is one consistent snapshot.
                self.conn.execute("BEGIN" if self.read_only else self.dialect.begin)
                self._depth = 1
                try:
                    yield
                except BaseException:
                    self.conn.execute("ROLLBACK")
                    raise
                else:
                    self.conn.execute("COMMIT")
                finally:
                    self._depth = 0
                return
            with _savepoint(self, self._depth):
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1

    def close(self) -> None:
        with self._lock:
            self.conn.close()


class _Pinned:
    """The connection a PostgreSQL transaction holds, and how deep its savepoints are."""

    __slots__ = ("conn", "depth")

    def __init__(self, conn) -> None:
        self.conn = conn
        self.depth = 1


class _OneConnection:
    """What `PostgresDatabase` asks of its pool, over one connection that is never replaced (a pool
    recycles its connections): a session-level advisory lock lives exactly as long as this connection."""

    def __init__(self, conn) -> None:
        self.conn = conn
        self._lock = threading.Lock()

    @contextmanager
    def connection(self):
        with self._lock:
            yield self.conn

    def getconn(self):
        self._lock.acquire()
        return self.conn

    def putconn(self, conn) -> None:
        self._lock.release()

    def close(self) -> None:
        self.conn.close()


class PostgresDatabase(Database):
    """A connection pool (autocommit connections; `transaction()` opens real ones)."""

    dialect = dialects.POSTGRES

    def __init__(
        self, url: str, *, read_only: bool = False, durable: bool = True, pool_size: int = 4, dedicated: bool = False
    ) -> None:
        super().__init__(url, read_only=read_only, durable=durable)
        import psycopg
        from psycopg_pool import ConnectionPool

        options = []
        if read_only:
            options.append("-c default_transaction_read_only=on")
        if not durable:
            options.append("-c synchronous_commit=off")  # as SQLite's NORMAL: see SQLiteDatabase
        kwargs: dict[str, Any] = {"autocommit": True, "application_name": "ladder"}
        if options:
            kwargs["options"] = " ".join(options)
        self._psycopg = psycopg
        try:
            # One connection first, for a clear error (the pool would only time out).
            psycopg.connect(url, connect_timeout=10, **kwargs).close()
        except psycopg.Error as error:
            raise Unreachable(f"cannot connect to {redact(url)}: {_one_line(error, url)}") from None
        self._pinned: contextvars.ContextVar[_Pinned | None] = contextvars.ContextVar("ladder_pinned", default=None)
        if dedicated:
            try:
                conn = psycopg.connect(url, connect_timeout=10, **kwargs)
            except psycopg.Error as error:
                raise Unreachable(f"cannot connect to {redact(url)}: {_one_line(error, url)}") from None
            dialects.configure_connection(conn)
            self._pool = _OneConnection(conn)
            return
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max(1, pool_size),
            kwargs=kwargs,
            configure=dialects.configure_connection,
            name="ladder",
            open=True,
        )

    def _errors(self, error: Exception) -> Exception:
        if isinstance(error, self._psycopg.errors.ReadOnlySqlTransaction):
            return ReadOnlyDatabase(f"{self.location} is open read-only: {_one_line(error, self._where)}")
        return error

    def _run(self, sql: str, params: tuple) -> Result:
        pinned = self._pinned.get()
        try:
            if pinned is not None:
                return _fetch(pinned.conn.execute(sql, params))
            with self._pool.connection() as conn:
                return _fetch(conn.execute(sql, params))
        except self._psycopg.errors.ReadOnlySqlTransaction as error:
            raise self._errors(error) from None

    def _run_many(self, sql: str, rows: list[tuple]) -> int:
        pinned = self._pinned.get()
        try:
            if pinned is not None:
                with pinned.conn.cursor() as cursor:
                    cursor.executemany(sql, rows)
                    return cursor.rowcount
            with self._pool.connection() as conn, conn.cursor() as cursor:
                cursor.executemany(sql, rows)
                return cursor.rowcount
        except self._psycopg.errors.ReadOnlySqlTransaction as error:
            raise self._errors(error) from None

    def insert(self, sql: str, params: Params = ()) -> int:
        return self.execute(self.dialect.returning_id(sql), params).rows[0][0]

    def table_names(self) -> list[str]:
        return [
            r[0]
            for r in self.query(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
                " ORDER BY table_name"
            )
        ]

    @property
    def in_transaction(self) -> bool:
        return self._pinned.get() is not None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        pinned = self._pinned.get()
        if pinned is not None:
            with _savepoint(self, pinned.depth):
                pinned.depth += 1
                try:
                    yield
                finally:
                    pinned.depth -= 1
            return
        conn = self._pool.getconn()
        token = self._pinned.set(_Pinned(conn))
        try:
            conn.execute(self.dialect.begin)
            try:
                yield
            except BaseException:
                try:
                    conn.execute("ROLLBACK")
                except self._psycopg.Error:
                    pass  # the connection is gone; the pool discards it
                raise
            else:
                conn.execute("COMMIT")
        except self._psycopg.errors.ReadOnlySqlTransaction as error:
            raise self._errors(error) from None
        finally:
            self._pinned.reset(token)
            self._pool.putconn(conn)

    def close(self) -> None:
        self._pool.close()


@contextmanager
def _savepoint(db: Database, depth: int) -> Iterator[None]:
    """A nested transaction: its failure undoes its own work only, and the error goes on to the caller."""
    name = f"ladder_{depth}"
    db.execute(f"SAVEPOINT {name}")
    try:
        yield
    except BaseException:
        db.execute(f"ROLLBACK TO SAVEPOINT {name}")
        db.execute(f"RELEASE SAVEPOINT {name}")
        raise
    else:
        db.execute(f"RELEASE SAVEPOINT {name}")


def _wal(conn: sqlite3.Connection, *, tries: int = 100) -> None:
    """Put the file in WAL mode. Turning a new file to WAL needs it to itself for a moment, and SQLite then
    answers "locked" at once rather than wait, when another process is opening it too: try again."""
    for attempt in range(tries):
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == tries - 1:
                raise
            time.sleep(0.05)


def _fetch(cursor) -> Result:
    rows = cursor.fetchall() if cursor.description else []
    return Result(rows, cursor.rowcount)


def _one_line(error: Exception, url: str | Path) -> str:
    """A driver's message on one line, with the password (if the URL has one) taken out."""
    text = " ".join(str(error).split())
    if isinstance(url, str):
        from urllib.parse import unquote, urlsplit

        try:
            password = urlsplit(url).password
        except ValueError:
            password = None
        for secret in filter(None, (password, password and unquote(password))):
            text = text.replace(secret, "***")
    return text


def open_database(
    where: str | Path,
    *,
    migrate_schema: bool = True,
    durable: bool = True,
    read_only: bool = False,
    pool_size: int = 4,
    dedicated: bool = False,
) -> Database:
    """Open the store at `where`: a `postgresql://` (or `postgres://`) URL, else a SQLite file path.
    `dedicated` (PostgreSQL): one connection for the object's life instead of a pool, for what belongs to a
    session (the worker election's advisory lock); a SQLite `Database` is one connection anyway.

    A read-write open brings the schema up to date unless `migrate_schema=False` (the service's second and
    third connections, once the first has migrated). A read-only open never migrates: a database that
    needs it is refused with `SchemaOutdated`, one written by a newer Ladder with `SchemaTooNew`, as is a
    read-write open of one."""
    from app.store.migrations import check_current, migrate

    if is_postgres_url(where):
        db: Database = PostgresDatabase(
            str(where), read_only=read_only, durable=durable, pool_size=pool_size, dedicated=dedicated
        )
    else:
        db = SQLiteDatabase(where, read_only=read_only, durable=durable)
    try:
        if read_only:
            check_current(db)
        elif migrate_schema:
            migrate(db)
    except BaseException:
        db.close()
        raise
    return db


__all__ = [
    "Database",
    "PostgresDatabase",
    "ReadOnlyDatabase",
    "Result",
    "SQLiteDatabase",
    "SchemaOutdated",
    "SchemaTooNew",
    "StoreError",
    "Unreachable",
    "open_database",
]
