"""`ladder migrate`: bring the database's schema up to date and exit (Heroku's `release:` phase)."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.common import CommandError, add_database_option, database_location


def register(sub) -> None:
    parser = sub.add_parser(
        "migrate",
        help="upgrade the database's schema and exit (a release phase)",
        description="Apply the schema migrations the database has not had yet: PostgreSQL at $DATABASE_URL, "
        "else the SQLite file at $DATABASE_PATH or ./ladder.db (created when missing), or --database PATH. "
        "Prints one line: from which schema version to which. Replicas starting at the same moment never "
        "migrate twice; a database written by a newer Ladder is refused, unchanged.",
    )
    add_database_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from app.store import StoreError, open_database
    from app.store.migrations import migrate, schema_version

    where = database_location(args, must_exist=False)
    if isinstance(where, Path) and where.parent and not where.parent.exists():
        raise CommandError(f"the database's folder does not exist: {str(where.parent)!r}")
    try:
        db = open_database(where, migrate_schema=False)
        try:
            before = schema_version(db)
            after = migrate(db)
        finally:
            db.close()
    except StoreError as error:
        raise CommandError(str(error)) from None
    if before == after:
        print(f"{db.location}: schema version {after}, nothing to migrate")
    else:
        print(f"{db.location}: migrated from schema version {before} to {after}")
    return 0
