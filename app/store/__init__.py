"""The store: the only place in Ladder with SQL, on SQLite (the default) or PostgreSQL.

Why a layer
-----------
Ladder runs on one SQLite file (a plain process, a container with a volume) or on PostgreSQL (several
web replicas and workers sharing one database, Heroku's ephemeral disks). With SQL spread over handlers,
promotion and reports, a second database would have meant two copies of every query; here each query is
written once, next to the others of its concern, and returns typed rows, so the rest of the code never
sees a cursor, a tuple index or a dialect.

How
---
- `open_database(where)` (database.py) gives a `Database`: `where` is a SQLite file path or a
  `postgresql://` URL (`Settings.database`: `DATABASE_URL` when set, else `DATABASE_PATH`). One API on both:
  `execute` (→ `Result`: rows read in full, `rowcount`), `query`, `one`, `scalar`, `executemany`,
  `insert` (→ new id), `transaction()`, `name` (`sqlite`/`postgresql`), `dialect`, `location` (safe to
  show: no password), `read_only`, `reopen(**options)`, `table_names()`, `close()`.
- SQL is written once, in SQLite's spelling of a portable subset (`?` placeholders, `ON CONFLICT`,
  `lower(x) = lower(?)`); every difference between the engines is in dialect.py and nowhere else
  (placeholders, `INSERT OR IGNORE`, scalar max/min, `RETURNING`, row locks, column types, case-insensitive
  columns, the schema version, the migration lock, how values come back, how the worker is elected).
- One transaction helper, `with db.transaction():` — the outermost opens the transaction (SQLite
  `BEGIN IMMEDIATE`: the write lock at once; PostgreSQL `BEGIN`), a nested one is a `SAVEPOINT` whose
  failure undoes only its own work, and a function that opens one inside a caller's joins it. SQLite has
  one writer at a time; PostgreSQL runs writers side by side (READ COMMITTED), so the few read-then-write
  steps that another process could race lock what they read: the queues lease with
  `FOR UPDATE SKIP LOCKED` (two workers never take the same delivery or effect, and never wait on each
  other), and planning an effect locks the row of its key.
- Threads: a SQLite `Database` is one connection guarded by a lock, so each role of the service (web,
  worker, importer) opens its own, as today; a PostgreSQL `Database` is a psycopg pool, and a transaction
  pins one connection to the thread or task that opened it. Never `await` inside a transaction.
  `open_database(..., dedicated=True)` is one PostgreSQL connection for the object's life (no pool, which
  would recycle it): what belongs to a session, the worker election's advisory lock.
- Migrations (migrations/): numbered SQL files, written for SQLite and translated for PostgreSQL, applied by
  a read-write open (`ladder serve`) or by `ladder migrate`; PostgreSQL applies them under an advisory lock,
  so replicas starting together migrate once. A database written by a newer Ladder is refused
  (`SchemaTooNew`). A read-only open (`read_only=True`: SQLite `mode=ro`, PostgreSQL read-only
  transactions) is what the reporting commands use: it never migrates, and refuses a database that needs
  it (`SchemaOutdated`, "run `ladder migrate`") and every write (`ReadOnlyDatabase`).
- Rows are frozen dataclasses; statuses are the modules' constants.

The concerns
------------
people (one rule for a login: the account seen most recently), orgs (installations, followed
repositories, `org_configs`), deliveries (the queue, leased in batches), ledger (activity, written once per GitHub id),
facts (the ledger read for the evaluator), holdings (rosters and org membership), evaluations,
readiness (+ sponsorships), outbox (the rows; app/outbox plans and sends), checkins, backfill (the
import's jobs and reconciliation passes), activity (a person's acts counted, for reports), workers (the
election of the one active worker, and the heartbeats).
"""

from app.store.database import Database, Result, open_database
from app.store.errors import ReadOnlyDatabase, SchemaOutdated, SchemaTooNew, StoreError, Unreachable

__all__ = [
    "Database",
    "ReadOnlyDatabase",
    "Result",
    "SchemaOutdated",
    "SchemaTooNew",
    "StoreError",
    "Unreachable",
    "open_database",
]
