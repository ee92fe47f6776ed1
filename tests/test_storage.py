"""The storage layer on both engines in one run: every test here runs on a SQLite file and on PostgreSQL
(tests/postgres.py: a throwaway cluster, LADDER_TEST_POSTGRES_URL, or a one-line skip).

Migrations from zero, the column types that differ between the engines, the ledger's idempotent upserts,
the queues' leases (two leasers never take the same row; PostgreSQL skips locked rows), the transaction
helper, the read-only open, the one rule for a person's login, and `ladder migrate`."""

from __future__ import annotations

import itertools
import threading
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from app import normalise
from app.cli import main as ladder
from app.outbox import Comment, plan
from app.store import (
    ReadOnlyDatabase,
    SchemaOutdated,
    SchemaTooNew,
    Unreachable,
    deliveries,
    ledger,
    open_database,
    orgs,
    people,
)
from app.store import outbox as outbox_rows
from app.store.location import redact
from app.store.migrations import MIGRATIONS, migrate, schema_version
from tests import postgres
from tests.payloads import load, merged_pull_request, review, user

CONFIG = Path(__file__).parent / "fixtures" / "config" / "ladder.yml"

LATEST = len(MIGRATIONS)


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request) -> str:
    return request.param


@pytest.fixture
def fresh(engine, tmp_path):
    """Make a new store location on this engine: a SQLite file that does not exist yet, or an empty
    PostgreSQL database (`migrated=True`: one already at the latest schema)."""
    numbers = itertools.count(1)

    def make(*, migrated: bool = False) -> Path | str:
        if engine == "sqlite":
            path = tmp_path / f"store-{next(numbers)}.db"
            if migrated:
                open_database(path).close()
            return path
        return postgres.database_url(migrated=migrated)

    return make


@pytest.fixture
def db(fresh):
    database = open_database(fresh())
    yield database
    database.close()


def count(db, table: str, where: str = "1 = 1", params=()) -> int:
    return db.scalar(f"SELECT count(*) FROM {table} WHERE {where}", list(params))


def set_version(db, version: int) -> None:
    """Pretend another Ladder wrote the database (as each engine records it)."""
    if db.name == "sqlite":
        db.execute(f"PRAGMA user_version = {version}")
    else:
        db.execute("INSERT INTO schema_version (version, applied_at) VALUES (?, now())", [version])


# --- migrations ---------------------------------------------------------------------------------------


def test_migrations_from_zero_create_every_table_once(fresh):
    where = fresh()
    db = open_database(where, migrate_schema=False)
    assert schema_version(db) == 0
    assert migrate(db) == LATEST
    tables = set(db.table_names())
    assert {"deliveries", "people", "pull_requests", "outbox", "readiness", "checkins", "backfill_jobs"} <= tables
    assert migrate(db) == LATEST  # again: nothing to do
    db.close()
    again = open_database(where)  # a later start finds it up to date
    assert schema_version(again) == LATEST
    again.close()


def test_two_processes_starting_together_migrate_once(fresh):
    where = fresh()
    opened, errors = [], []

    def start() -> None:
        try:
            opened.append(open_database(where))
        except Exception as error:  # noqa: BLE001 — the assertion below names it
            errors.append(error)

    threads = [threading.Thread(target=start) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert [schema_version(d) for d in opened] == [LATEST] * 3
    if opened[0].name == "postgresql":
        versions = opened[0].query("SELECT version FROM schema_version ORDER BY version")
        assert versions == [(v,) for v in range(1, LATEST + 1)]  # each migration applied once
    for d in opened:
        d.close()


def test_a_database_from_a_newer_ladder_is_refused_unchanged(fresh):
    where = fresh(migrated=True)
    db = open_database(where)
    set_version(db, LATEST + 1)
    db.execute("INSERT INTO people (id, login) VALUES (1, 'alice')")
    db.close()
    with pytest.raises(SchemaTooNew, match=f"schema version {LATEST + 1}, newer than this Ladder knows"):
        open_database(where)
    with pytest.raises(SchemaTooNew):
        open_database(where, read_only=True)
    check = open_database(where, migrate_schema=False)
    assert schema_version(check) == LATEST + 1 and count(check, "people") == 1
    check.close()


def test_the_column_types_keep_what_sqlite_keeps(db):
    """REAL is double precision (timestamps to the microsecond), INTEGER holds GitHub's 64-bit ids, BLOB
    keeps the signed body byte for byte, NOCASE columns are one key whatever the case."""
    body = b'{"x": "\xc3\xa9"}\x00\xff'
    deliveries.enqueue(db, "d-1", "push", body, {"installation": {"id": 2**40}}, now=1700000000.123456)
    d = deliveries.get(db, "d-1")
    assert (d.body, d.received_at, d.installation_id) == (body, 1700000000.123456, 2**40)
    orgs.save_config(db, "Acme", installation_id=9, source="s", text=None, error=None, loaded_at="t1")
    orgs.save_config(db, "ACME", installation_id=None, source="s2", text=None, error=None, loaded_at="t2")
    stored = orgs.config(db, "acme")
    assert (stored.org, stored.installation_id, stored.source, count(db, "org_configs")) == ("Acme", 9, "s2", 1)
    # Text sorts by code point on both (upper case before lower case), whatever the database's locale.
    db.executemany("INSERT INTO people (id, login) VALUES (?, ?)", [(1, "bob"), (2, "Zed"), (3, "alice")])
    assert [r[0] for r in db.query("SELECT login FROM people ORDER BY login")] == ["Zed", "alice", "bob"]
    # sum() and comparisons come back as sqlite3 returns them.
    assert db.one("SELECT sum(id), avg(id), count(*), 1 = 1 FROM people") == (6, 2.0, 3, 1)


# --- the ledger --------------------------------------------------------------------------------------


def test_the_ledgers_upserts_are_idempotent_and_never_go_back(db):
    alice = user("alice", 1001)
    merged = normalise.from_pull_request_event(
        merged_pull_request(author=alice, additions=40, deletions=5, updated_at="2019-05-16T00:00:00Z")
    )
    older = normalise.from_pull_request_event(
        merged_pull_request(author=alice, additions=1, deletions=1, updated_at="2019-05-01T00:00:00Z")
    )
    approved = normalise.from_review_event(review(reviewer=user("bob", 1002)))
    for activity in (merged, merged, approved, older, approved):
        ledger.record(db, activity)
    assert count(db, "pull_requests") == 1 and count(db, "reviews") == 1
    # alice, bob, and Codertocat (the review payload's pull request is theirs): one row each
    assert db.query("SELECT id, login FROM people ORDER BY id") == [
        (1001, "alice"),
        (1002, "bob"),
        (21031067, "Codertocat"),
    ]
    # The older payload changed nothing, and the review's pull request (no sizes) erased nothing.
    assert db.one("SELECT additions, deletions, updated_at FROM pull_requests") == (40, 5, "2019-05-16T00:00:00Z")
    assert db.one("SELECT state FROM reviews") == ("APPROVED",)
    before = db.query("SELECT * FROM pull_requests")
    ledger.record(db, merged)
    assert db.query("SELECT * FROM pull_requests") == before


def test_a_failed_record_writes_nothing(db):
    activity = normalise.from_pull_request_event(load("pull_request/opened"))
    activity.reviews.append(None)  # not a review: the write fails part-way
    with pytest.raises(TypeError):
        ledger.record(db, activity)
    assert count(db, "people") == 0 and count(db, "pull_requests") == 0


# --- the queues ----------------------------------------------------------------------------------------


def lease_all(db, lease) -> list:
    taken = []
    while (item := lease(db)) is not None:
        taken.append(item)
    return taken


def test_two_workers_never_lease_the_same_delivery(db):
    for i in range(60):
        deliveries.enqueue(db, f"d-{i:02d}", "push", b"{}", {}, now=1000.0 + i)
    other = db.reopen(migrate_schema=False)
    results: dict[str, list[str]] = {}

    def work(name: str, database) -> None:
        # Batches of 7, as the worker leases them: until the queue has nothing due.
        batches = iter(lambda: deliveries.lease_batch(database, name, limit=7, now=5000.0), [])
        results[name] = [d.id for batch in batches for d in batch]

    threads = [threading.Thread(target=work, args=(n, d)) for n, d in (("a", db), ("b", other))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    other.close()
    assert sorted(results["a"] + results["b"]) == [f"d-{i:02d}" for i in range(60)]
    assert not set(results["a"]) & set(results["b"])
    assert count(db, "deliveries", "attempts = 1") == 60


def test_two_senders_never_lease_the_same_effect(db):
    for i in range(30):
        plan(db, Comment(name=f"c{i}", repo="acme/api", number=1, body=f"hello {i}", installation_id=i % 3), now=1.0)
    other = db.reopen(migrate_schema=False)
    results: dict[str, list[int]] = {}

    def send(name: str, database) -> None:
        results[name] = [e.id for e in lease_all(database, lambda d: outbox_rows.lease_next(d, now=10.0))]

    threads = [threading.Thread(target=send, args=(n, d)) for n, d in (("a", db), ("b", other))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    other.close()
    assert len(results["a"]) + len(results["b"]) == 30
    assert not set(results["a"]) & set(results["b"])


def test_a_lease_skips_the_rows_another_worker_holds(db):
    """PostgreSQL: a delivery (or effect) whose row another transaction has locked is skipped, not waited
    for. SQLite has one writer: a second leaser waits for the first to commit, and the two-worker tests
    above show that neither takes what the other took."""
    if db.name == "sqlite":
        pytest.skip("SQLite has one writer at a time: there is no row lock to skip")
    for i in range(3):
        deliveries.enqueue(db, f"d-{i}", "push", b"{}", {}, now=1000.0 + i)
    plan(db, Comment(name="first", repo="acme/api", number=1, body="1"), now=1.0)
    plan(db, Comment(name="second", repo="acme/api", number=1, body="2"), now=2.0)
    holder = db.reopen(migrate_schema=False)
    taken = []
    with holder.transaction():
        # Another worker is half-way through leasing the oldest of each.
        holder.one("SELECT id FROM deliveries WHERE id = 'd-0' FOR UPDATE")
        holder.one("SELECT id FROM outbox WHERE key = 'first' FOR UPDATE")
        done = threading.Event()

        def lease() -> None:
            taken.append(deliveries.lease_batch(db, "w", now=5000.0)[0].id)
            taken.append(outbox_rows.lease_next(db, now=10.0).key)
            done.set()

        threading.Thread(target=lease).start()
        assert done.wait(30), "the lease waited for the locked rows instead of skipping them"
    holder.close()
    assert taken == ["d-1", "second"]


# --- the transaction helper ------------------------------------------------------------------------------


def logins(db) -> list[str]:
    return [r[0] for r in db.query("SELECT login FROM people ORDER BY id")]


def add(db, person_id: int, login: str) -> None:
    db.execute("INSERT INTO people (id, login) VALUES (?, ?)", [person_id, login])


def test_a_failed_nested_transaction_keeps_the_outer_work(db):
    with db.transaction():
        add(db, 1, "outer-before")
        with pytest.raises(ValueError):
            with db.transaction():
                add(db, 2, "inner")
                raise ValueError("inner fails")
        add(db, 3, "outer-after")
        with db.transaction():
            add(db, 4, "second-inner")
    assert logins(db) == ["outer-before", "outer-after", "second-inner"]


def test_a_failed_outer_transaction_undoes_the_nested_work_too(db):
    with pytest.raises(RuntimeError):
        with db.transaction():
            add(db, 1, "outer")
            with db.transaction():
                add(db, 2, "inner")
            raise RuntimeError("outer fails")
    assert logins(db) == []
    assert not db.in_transaction


def test_a_nested_transaction_joins_the_callers_until_it_commits(db):
    reader = db.reopen(migrate_schema=False)
    with db.transaction():
        with db.transaction():  # what a helper that opens its own transaction does when called inside one
            add(db, 1, "alice")
        assert reader.query("SELECT login FROM people") == []  # not committed by the nested block
        assert logins(db) == ["alice"]  # but seen inside the transaction
    assert reader.query("SELECT login FROM people") == [("alice",)]
    reader.close()


def test_a_transaction_pins_one_connection(db):
    """PostgreSQL: every statement inside a transaction, however deep, runs on its connection; another
    thread's statements meanwhile run on others and do not see its uncommitted work."""
    if db.name == "sqlite":
        pytest.skip("SQLite: one connection per Database, guarded by a lock")
    seen_elsewhere = []
    with db.transaction():
        pid = db.scalar("SELECT pg_backend_pid()")
        add(db, 1, "alice")
        with db.transaction():
            assert db.scalar("SELECT pg_backend_pid()") == pid

        def elsewhere() -> None:
            seen_elsewhere.append((db.scalar("SELECT pg_backend_pid()"), db.query("SELECT login FROM people")))

        t = threading.Thread(target=elsewhere)
        t.start()
        t.join()
    assert seen_elsewhere[0][0] != pid and seen_elsewhere[0][1] == []
    assert logins(db) == ["alice"]


def test_threads_sharing_one_database_each_get_their_own_transaction(db):
    """The service's roles will run on threads: a read-then-write transaction is never interleaved with
    another thread's (SQLite: the connection's lock; PostgreSQL: each transaction pins its connection and
    locks the row it read)."""
    db.execute("INSERT INTO reconcile_passes (started_at, points) VALUES ('t', 0)")

    def bump(times: int) -> None:
        for _ in range(times):
            with db.transaction():
                points = db.scalar(f"SELECT points FROM reconcile_passes{db.dialect.for_update}")
                db.execute("UPDATE reconcile_passes SET points = ?", [points + 1])

    threads = [threading.Thread(target=bump, args=(25,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert db.scalar("SELECT points FROM reconcile_passes") == 100


# --- the read-only open --------------------------------------------------------------------------------


def test_a_read_only_open_reads_and_refuses_every_write(fresh):
    where = fresh(migrated=True)
    writer = open_database(where)
    add(writer, 1, "alice")
    reader = open_database(where, read_only=True)
    assert reader.read_only and logins(reader) == ["alice"]
    with pytest.raises(ReadOnlyDatabase):
        add(reader, 2, "bob")
    with pytest.raises(ReadOnlyDatabase):
        with reader.transaction():
            reader.execute("UPDATE people SET login = 'mallory'")
    with pytest.raises(ReadOnlyDatabase):
        deliveries.enqueue(reader, "d", "push", b"{}", {})
    assert logins(writer) == ["alice"] and count(writer, "deliveries") == 0
    reader.close()
    writer.close()


def test_a_read_only_open_never_migrates(fresh):
    where = fresh()
    old = open_database(where, migrate_schema=False)
    migrate(old, MIGRATIONS[:-1])  # written by the previous Ladder
    old.close()
    with pytest.raises(SchemaOutdated, match=r"schema version \d+ and this Ladder needs \d+: run `ladder migrate`"):
        open_database(where, read_only=True)
    check = open_database(where, migrate_schema=False)
    assert schema_version(check) == LATEST - 1
    check.close()


# --- people --------------------------------------------------------------------------------------------


def test_a_reused_login_names_the_account_seen_most_recently(db):
    ledger.write(db, normalise.Activity(people=[normalise.PersonRecord(7, "Alice", "User")]), "2024-01-01T00:00:00Z")
    ledger.write(db, normalise.Activity(people=[normalise.PersonRecord(9, "ALICE", "User")]), "2025-06-01T00:00:00Z")
    ledger.write(db, normalise.Activity(people=[normalise.PersonRecord(8, "bob", "User")]), "2023-01-01T00:00:00Z")
    assert people.person_id(db, "@alice") == 9
    assert people.ids_by_login(db) == {"alice": 9, "bob": 8}
    ledger.write(db, normalise.Activity(people=[normalise.PersonRecord(7, "alice", "User")]), "2026-01-01T00:00:00Z")
    assert people.person_id(db, "alice") == 7  # seen again since: the login is theirs now
    assert people.person_id(db, "nobody") is None


# --- the command line ----------------------------------------------------------------------------------


def store_args(where: Path | str, monkeypatch) -> list[str]:
    if isinstance(where, str):
        monkeypatch.setenv("DATABASE_URL", where)
        return []
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return ["--database", str(where)]


def test_ladder_migrate_upgrades_the_database_and_says_from_which_version(fresh, monkeypatch, capsys):
    where = fresh()
    password = None
    if isinstance(where, str):  # a password in the URL is never printed (the test server's own, or one it ignores)
        parts = urlsplit(where)
        password = parts.password or "s3cret-pw"
        host = parts.netloc.rpartition("@")[2]
        where = urlunsplit(
            (parts.scheme, f"{parts.username or 'postgres'}:{password}@{host}", parts.path, parts.query, "")
        )
    args = store_args(where, monkeypatch)
    shown = redact(where) if isinstance(where, str) else str(where)
    assert ladder(["migrate", *args]) == 0
    first = capsys.readouterr()
    assert first == (f"{shown}: migrated from schema version 0 to {LATEST}\n", "")
    assert ladder(["migrate", *args]) == 0
    second = capsys.readouterr()
    assert second == (f"{shown}: schema version {LATEST}, nothing to migrate\n", "")
    assert password is None or f":{password}@" not in first.out + second.out


def test_reports_never_migrate_a_live_database(fresh, monkeypatch, capsys):
    where = fresh()
    old = open_database(where, migrate_schema=False)
    migrate(old, MIGRATIONS[:-1])
    old.close()
    args = store_args(where, monkeypatch)
    for command in (["report", "org", "acme"], ["status", "alice"], ["deliveries"]):
        assert ladder([*command, *args]) == 2
        out, err = capsys.readouterr()
        assert out == "" and err.count("\n") == 1 and err.endswith("run `ladder migrate` first\n"), command
    # check-config names its database itself (a file or a URL), and only reads it as well
    assert ladder(["check-config", str(CONFIG), "--database", str(where)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.endswith("run `ladder migrate` first\n")
    check = open_database(where, migrate_schema=False)
    assert schema_version(check) == LATEST - 1
    check.close()
    assert ladder(["migrate", *args]) == 0
    assert capsys.readouterr().out.endswith(f"migrated from schema version {LATEST - 1} to {LATEST}\n")
    assert ladder(["deliveries", *args]) == 0
    assert capsys.readouterr().out == "0 pending, 0 failed, 0 done\n"


def test_an_unreachable_postgresql_is_one_line_without_its_password(monkeypatch, capsys):
    url = "postgresql://ladder:hunter2-secret@127.0.0.1:1/ladder?connect_timeout=3"
    with pytest.raises(Unreachable) as raised:
        open_database(url)
    assert "hunter2" not in str(raised.value) and "ladder:***@127.0.0.1:1" in str(raised.value)
    monkeypatch.setenv("DATABASE_URL", url)
    assert ladder(["migrate"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "hunter2" not in err
    assert err.startswith("ladder: cannot connect to postgresql://ladder:***@127.0.0.1:1/ladder")
    assert ladder(["check-config", str(CONFIG), "--database", url]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "hunter2" not in err
    assert err.startswith("ladder check-config: cannot connect to postgresql://ladder:***@127.0.0.1:1/ladder")
