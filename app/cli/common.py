"""What several sub-commands share: the error type, the database option. (Logging: app/logs.py.)"""

from __future__ import annotations

import argparse
import os
from contextlib import contextmanager
from pathlib import Path


class CommandError(Exception):
    """A user-facing failure: printed as one line, exit status 2."""


def add_database_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database",
        metavar="PATH",
        help="SQLite file (default: PostgreSQL at $DATABASE_URL if set, else $DATABASE_PATH or ./ladder.db)",
    )


def database_location(args: argparse.Namespace, *, must_exist: bool = True) -> Path | str:
    """The store a command works on: `--database PATH`, else `DATABASE_URL`, else `DATABASE_PATH`."""
    from app.settings import database_url_from

    if not args.database:
        url = database_url_from(dict(os.environ))
        if url is not None:
            return url
    path = Path(args.database or os.environ.get("DATABASE_PATH") or "ladder.db")
    if must_exist and not path.exists():
        raise CommandError(f"no database at {path} (set DATABASE_PATH or pass --database)")
    return path


def web_host() -> str:
    """The GitHub web host links are shown on: the one that belongs to `GITHUB_API_URL`."""
    from app.github.urls import web_url_for
    from app.settings import github_api_url_from

    return web_url_for(github_api_url_from())


def open_store(args: argparse.Namespace, *, read_only: bool = False, must_exist: bool = True):
    """Open the command's store. A read-only open (reports) never migrates: a database that needs it is
    refused with one line saying to run `ladder migrate`."""
    from app.store import StoreError, open_database

    where = database_location(args, must_exist=must_exist)
    try:
        return open_database(where, read_only=read_only)
    except StoreError as error:
        raise CommandError(str(error)) from None


@contextmanager
def database_errors(settings):
    """The service's store failing at start-up, as one line naming the variable (never a traceback)."""
    import sqlite3

    from app.store import SchemaTooNew, StoreError
    from app.store.location import describe

    variable = "DATABASE_URL" if settings.database_url else "DATABASE_PATH"
    try:
        yield
    except SchemaTooNew as error:
        raise CommandError(f"{variable} {describe(settings.database)}: {error}") from None
    except StoreError as error:
        raise CommandError(f"{variable}{':' if settings.database_url else ''} {error}") from None
    except sqlite3.DatabaseError as error:
        raise CommandError(f"DATABASE_PATH {settings.database_path} cannot be used: {error}") from None
