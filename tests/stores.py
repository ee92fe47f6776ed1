"""Which store a test opens: a SQLite file at the path it names, or — with LADDER_TEST_DATABASE=postgres —
a fresh PostgreSQL database standing for that path (the same path gives the same database within a test,
so a test that restarts the service on "its file" finds its data again)."""

from __future__ import annotations

from pathlib import Path

from app.store import open_database
from tests import postgres

_urls: dict[str, str] = {}


def on_postgres() -> bool:
    return postgres.ENGINE == "postgres"


def location(path: Path | str, *, keep: bool = False) -> Path | str:
    """The store for `path`: the path itself (SQLite), or its PostgreSQL database's URL (dropped when the
    test ends, unless `keep`: for session fixtures)."""
    if not on_postgres():
        return Path(path)
    key = str(path)
    if key not in _urls:
        _urls[key] = postgres.database_url(keep=keep)
    return _urls[key]


def open_test_database(path: Path | str, **options):
    """Open (creating and migrating) the store that stands for `path`; closed at the end of the test."""
    return postgres.close_at_end(open_database(location(path), **options))


def settings_for(path: Path | str) -> dict:
    """`Settings` arguments naming the store for `path`."""
    where = location(path)
    if isinstance(where, str):
        return {"database_path": Path(path), "database_url": where}
    return {"database_path": where}


def cli_args(where: Path | str, monkeypatch) -> list[str]:
    """Arguments (and environment) for a `ladder` command to use the store at `where`."""
    if isinstance(where, str):
        monkeypatch.setenv("DATABASE_URL", where)
        return []
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return ["--database", str(where)]


def cli_database(path: Path | str, monkeypatch) -> list[str]:
    """`cli_args` for the store that stands for `path`."""
    return cli_args(location(path), monkeypatch)


def insert_rows(db, table: str, rows: list[dict]) -> None:
    """Insert rows given as dicts, on either engine (a column a row leaves out gets its default)."""
    for row in rows:
        columns = list(row)
        db.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            [row[c] for c in columns],
        )
