"""A SQLite file written by an older Ladder opens, upgrades on start, and keeps its data.

SQLite only (whatever LADDER_TEST_DATABASE says): these are about the file, its `user_version` header and
a fixture file from version 1. Migrations on both engines: tests/test_storage.py."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from app.store import open_database
from app.store.migrations import MIGRATIONS, SchemaTooNew, migrate, schema_version
from tests.conftest import start_service, stop_service
from tests.payloads import review, user

OLD = Path(__file__).parent / "fixtures" / "databases" / "ladder-schema-v1.db"


async def test_a_version_1_file_upgrades_on_start_and_keeps_its_activity(tmp_path):
    path = tmp_path / "ladder.db"
    shutil.copy(OLD, path)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 1

    service = await start_service(path, sqlite_only=True)
    assert schema_version(service.db) == len(MIGRATIONS)
    assert service.count("deliveries", "status = 'done'") == 3
    assert service.count("pull_requests", "merged_at IS NOT NULL") == 1
    assert service.count("issue_comments", "lgtm = 1") == 1
    # The old queue and the new code work together: a redelivery of an old GUID is still a duplicate.
    resp = await service.deliver("pull_request_review", review(reviewer=user("bob", 1002)), delivery_id="v1-review")
    assert resp.status == 200
    await stop_service(service)


def test_each_migration_runs_once_and_atomically(tmp_path):
    db = open_database(tmp_path / "a.db", migrate_schema=False)  # a SQLite file
    broken = MIGRATIONS + ["CREATE TABLE extra (id INTEGER);\nTHIS IS NOT SQL;"]
    with pytest.raises(sqlite3.OperationalError):
        migrate(db, broken)
    assert schema_version(db) == len(MIGRATIONS)
    assert "extra" not in db.table_names()  # the failed migration left nothing behind
    assert migrate(db) == len(MIGRATIONS)  # running again is a no-op


def test_a_file_from_a_newer_ladder_is_refused_not_damaged(tmp_path):
    path = tmp_path / "new.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.close()
    with pytest.raises(SchemaTooNew, match="newer than this Ladder knows"):
        open_database(path)
