"""Schema migrations: the numbered `NNNN_name.sql` files in this folder, applied in order, on both engines.

The files are written for SQLite; PostgreSQL runs them as app/store/dialect.py translates them. How far
a database has come is SQLite's `PRAGMA user_version`, PostgreSQL's `schema_version` table. Each
migration runs once, inside one transaction (on PostgreSQL all pending ones in one, under an advisory
lock, so two replicas starting together never migrate at once). A database written by an older Ladder is
upgraded by `ladder migrate` or on `ladder serve`; one written by a newer Ladder is refused rather than
damaged. Add a migration as the next numbered file — never edit one that has shipped.
"""

from __future__ import annotations

from importlib import resources

from app.store.errors import SchemaOutdated, SchemaTooNew


def _load() -> list[str]:
    files = sorted((f for f in resources.files(__package__).iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)
    for number, f in enumerate(files, start=1):
        if not f.name.startswith(f"{number:04d}_"):
            raise RuntimeError(f"migration {f.name} is out of sequence: expected number {number:04d}")
    return [f.read_text() for f in files]


MIGRATIONS: list[str] = _load()


def schema_version(db) -> int:
    return db.dialect.schema_version(db)


def _too_new(current: int, known: int) -> SchemaTooNew:
    return SchemaTooNew(f"the database is at schema version {current}, newer than this Ladder knows ({known})")


def check_current(db, migrations: list[str] | None = None) -> int:
    """The schema version, when it is the one this Ladder writes; else SchemaOutdated or SchemaTooNew."""
    known = len(MIGRATIONS if migrations is None else migrations)
    current = schema_version(db)
    if current > known:
        raise _too_new(current, known)
    if current < known:
        raise SchemaOutdated(
            f"the database at {db.location} is at schema version {current} and this Ladder needs {known}:"
            " run `ladder migrate` first"
        )
    return current


def migrate(db, migrations: list[str] | None = None) -> int:
    """Apply every migration the database has not seen; return the resulting version."""
    migrations = MIGRATIONS if migrations is None else migrations
    current = schema_version(db)
    if current > len(migrations):
        raise _too_new(current, len(migrations))
    if current == len(migrations):
        return current
    if db.dialect.name == "sqlite":
        for version, script in enumerate(migrations, start=1):
            with db.transaction():
                # Read under the write lock: another process may have applied it meanwhile.
                if schema_version(db) >= version:
                    continue
                for statement in db.dialect.migration_statements(script):
                    db.execute(statement)
                db.dialect.set_schema_version(db, version)
    else:
        with db.transaction():
            db.dialect.lock_migrations(db)
            db.dialect.prepare_schema(db)
            current = schema_version(db)
            if current > len(migrations):
                raise _too_new(current, len(migrations))
            for version, script in enumerate(migrations[current:], start=current + 1):
                for statement in db.dialect.migration_statements(script):
                    db.execute(statement)
                db.dialect.set_schema_version(db, version)
    return schema_version(db)
