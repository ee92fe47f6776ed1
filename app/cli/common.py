"""What several sub-commands share: the error type, the database option. (Logging: app/logs.py.)"""

from __future__ import annotations

import argparse
import os
from pathlib import Path


class CommandError(Exception):
    """A user-facing failure: printed as one line, exit status 2."""


def add_database_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database", metavar="PATH", help="SQLite file (default: $DATABASE_PATH or ./ladder.db)")


def database_path(args: argparse.Namespace) -> Path:
    path = Path(args.database or os.environ.get("DATABASE_PATH") or "ladder.db")
    if not path.exists():
        raise CommandError(f"no database at {path} (set DATABASE_PATH or pass --database)")
    return path
