"""Issue 8, item 7: another process holding the database's lock never holds up the web side's event loop.

A second process (a real `sqlite3` connection holding `BEGIN IMMEDIATE`, or on PostgreSQL a session
holding `LOCK TABLE deliveries IN ACCESS EXCLUSIVE MODE`) keeps the lock for HOLD seconds while the test
checks that `/ping` answers at once, that a delivery is answered 503 within a few seconds (never a hang,
never a 500), that `/healthz` and `/metrics` answer within their bound, and that once the lock is gone deliveries are
accepted and processed. The bounds are a second or more: this is not a benchmark."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time

from tests.conftest import start_service, stop_service
from tests.payloads import merged_pull_request
from tests.stores import location

HOLD = 8.0  # seconds the other process holds the lock
WAIT = 2.0  # the service's bounded waits for this test (store_wait, read_wait)

HOLD_SQLITE = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("ROLLBACK")
"""
HOLD_POSTGRES = """
import sys, time, psycopg
with psycopg.connect(sys.argv[1]) as conn:
    conn.execute("LOCK TABLE deliveries IN ACCESS EXCLUSIVE MODE")
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


async def timed(coroutine):
    started = time.monotonic()
    result = await coroutine
    return result, time.monotonic() - started


async def test_a_lock_held_by_another_process_never_freezes_the_web_side(tmp_path):
    where = location(tmp_path / "ladder.db")
    service = await start_service(tmp_path / "ladder.db", app_options={"store_wait": WAIT, "read_wait": WAIT})
    postgres = isinstance(where, str)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_POSTGRES if postgres else HOLD_SQLITE, str(where), str(HOLD)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert (await asyncio.to_thread(holder.stdout.readline)).strip() == "locked"
        locked_at = time.monotonic()

        async def ping():
            async with service.session.get(service.url("/ping")) as resp:
                return resp.status, await resp.text()

        async def health():
            async with service.session.get(service.url("/healthz")) as resp:
                return resp.status, await resp.json()

        # The delivery waits for the database; meanwhile the loop answers everything else at once.
        delivery = asyncio.create_task(
            timed(service.deliver("pull_request", merged_pull_request(number=1, pr_id=9001), delivery_id="in-lock"))
        )
        await asyncio.sleep(0.2)
        (pong, seconds) = await timed(ping())
        assert pong == (200, "PONG") and seconds < 1.0
        (status, body), seconds = await timed(health())
        assert seconds < WAIT + 1.5
        if postgres:  # the reads wait on the lock too: a 503 that says why, within the bound
            assert status == 503 and body["problems"] == [f"the database did not answer within {WAIT:g} s"]
        else:  # WAL: readers never wait on the writer
            assert body["database"] == "ok"

        async def metrics():
            async with service.session.get(service.url("/metrics")) as resp:
                return resp.status, await resp.text()

        (status, text), seconds = await timed(metrics())
        assert seconds < WAIT + 1.5
        if postgres:
            assert (status, text) == (503, f"the database did not answer within {WAIT:g} s\n")
        else:
            assert status == 200 and "ladder_database_up 1.0" in text
        response, seconds = await delivery
        assert response.status == 503 and seconds < WAIT + 1.5
        assert time.monotonic() - locked_at < HOLD  # all of it answered while the lock was still held
        (pong, seconds) = await timed(ping())
        assert pong == (200, "PONG") and seconds < 1.0

        await asyncio.to_thread(holder.wait, 30)
        # The lock is gone: a new delivery is stored, and the refused one can be redelivered (200 when the
        # writer had already taken it into the transaction that was waiting: stored once either way).
        assert (await service.deliver("pull_request", merged_pull_request(number=2, pr_id=9002))).status == 202
        redelivered = await service.deliver(
            "pull_request", merged_pull_request(number=1, pr_id=9001), delivery_id="in-lock"
        )
        assert redelivered.status in (200, 202)
        assert service.count("deliveries", "id = 'in-lock'") == 1
        await service.settle(timeout=30)
        assert service.count("deliveries", "status = 'done'") == 2
        assert service.count("pull_requests") == 2
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.wait()
        await stop_service(service)
