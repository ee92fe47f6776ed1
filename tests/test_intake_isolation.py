"""Issue 8, item 8: one delivery that cannot be stored does not fail the others committed with it.

Deliveries that arrive together are written in one transaction (group commit); each has its own
savepoint. The burst is sent while another connection holds the write lock for a moment, so the
deliveries queue up and go into the same transaction; one of them carries a value the database driver
cannot bind (the fault is injected into the store function for that one delivery id)."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time

from app.store import deliveries
from tests.conftest import start_service, stop_service
from tests.payloads import merged_pull_request


def hold_the_write_lock(service, seconds: float) -> threading.Thread:
    """Another connection takes the deliveries' write lock for `seconds` (SQLite: the file's; PostgreSQL:
    the table's), so the writer's next transaction waits and the burst gathers behind it."""
    other = service.db.reopen(migrate_schema=False)
    locked = threading.Event()

    def hold() -> None:
        with other.transaction():
            if other.name == "postgresql":
                other.execute("LOCK TABLE deliveries IN EXCLUSIVE MODE")
            locked.set()
            time.sleep(seconds)
        other.close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert locked.wait(10)
    return thread


async def burst(service, ids: list[str]) -> dict[str, int]:
    async def one(i: int, delivery_id: str) -> tuple[str, int]:
        resp = await service.deliver(
            "pull_request", merged_pull_request(number=i, pr_id=7000 + i), delivery_id=delivery_id
        )
        return delivery_id, resp.status

    return dict(await asyncio.gather(*(one(i, d) for i, d in enumerate(ids, start=1))))


async def test_one_unstorable_delivery_in_a_burst_of_twenty_leaves_nineteen_stored(tmp_path, monkeypatch):
    real = deliveries.enqueue

    def enqueue(db, delivery_id, event, body, payload, **kwargs):
        if delivery_id == "burst-07":  # a value no driver can bind: a JSON object where a text goes
            payload = {**payload, "action": {"not": "text"}}
        return real(db, delivery_id, event, body, payload, **kwargs)

    monkeypatch.setattr(deliveries, "enqueue", enqueue)
    service = await start_service(tmp_path / "ladder.db", start_worker=False)
    try:
        ids = [f"burst-{i:02d}" for i in range(1, 21)]
        holder = hold_the_write_lock(service, 0.5)
        statuses = await burst(service, ids)
        holder.join()
        assert statuses == {d: 400 if d == "burst-07" else 202 for d in ids}
        stored = [r[0] for r in service.db.query("SELECT id FROM deliveries ORDER BY id")]
        assert stored == [d for d in ids if d != "burst-07"]

        monkeypatch.setattr(deliveries, "enqueue", real)  # GitHub redelivers it once the cause is fixed
        assert (await burst(service, ["burst-07"])) == {"burst-07": 202}
        assert service.count("deliveries") == 20
    finally:
        await stop_service(service)


async def test_a_database_failure_on_one_delivery_is_a_503_for_that_one_only(tmp_path, monkeypatch):
    real = deliveries.enqueue

    def enqueue(db, delivery_id, *args, **kwargs):
        if delivery_id == "burst-03":
            raise sqlite3.OperationalError("disk I/O error")
        return real(db, delivery_id, *args, **kwargs)

    monkeypatch.setattr(deliveries, "enqueue", enqueue)
    service = await start_service(tmp_path / "ladder.db", start_worker=False)
    try:
        ids = [f"burst-{i:02d}" for i in range(1, 11)]
        holder = hold_the_write_lock(service, 0.5)
        statuses = await burst(service, ids)
        holder.join()
        assert statuses == {d: 503 if d == "burst-03" else 202 for d in ids}
        assert service.count("deliveries") == 9
    finally:
        await stop_service(service)
