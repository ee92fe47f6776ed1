"""The stored queue: crash and restart lose nothing; failures are retried with backoff, then kept."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time

import aiohttp
from gidgethub import routing

from app.cli import main as ladder
from app.server.metrics import Metrics
from app.server.signature import expected_signature
from app.server.worker import Worker
from app.store import deliveries
from tests.conftest import SECRET, start_service, stop_service
from tests.payloads import load, merged_pull_request, user
from tests.stores import cli_database, location, open_test_database


async def test_deliveries_acknowledged_before_a_restart_are_processed_after_it(tmp_path):
    db_path = tmp_path / "ladder.db"
    # A service whose worker never runs: 202 means stored, nothing more.
    first = await start_service(db_path, start_worker=False)
    for number in range(1, 6):
        resp = await first.deliver(
            "pull_request", merged_pull_request(number=number, pr_id=1000 + number), delivery_id=f"d{number}"
        )
        assert resp.status == 202
    assert first.count("pull_requests") == 0
    await stop_service(first)

    second = await start_service(db_path)
    await second.settle()
    assert second.count("deliveries", "status = 'done'") == 5
    assert second.count("pull_requests", "merged_at IS NOT NULL") == 5
    await stop_service(second)


async def test_a_delivery_leased_by_a_process_that_died_is_taken_up_again(tmp_path):
    db_path = tmp_path / "ladder.db"
    first = await start_service(db_path, start_worker=False)
    await first.deliver("pull_request", load("pull_request/opened"), delivery_id="leased")
    # The dead process had leased it (as the worker does before running handlers) and never finished.
    assert [d.id for d in deliveries.lease_batch(first.db, "a-worker-that-died")] == ["leased"]
    await stop_service(first)

    second = await start_service(db_path)
    await second.settle()
    assert second.db.execute("SELECT status FROM deliveries").fetchone()[0] == "done"
    assert second.count("pull_requests") == 1
    await stop_service(second)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _wait_for(url: str, session: aiohttp.ClientSession, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            async with session.get(url) as resp:
                if resp.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.05)
    raise AssertionError(f"{url} did not come up")


async def test_sigkill_right_after_the_acknowledgements_loses_nothing(tmp_path):
    """A real `ladder serve` process is killed with SIGKILL as soon as the last 202 arrives."""
    db_path = tmp_path / "ladder.db"
    where = location(db_path)  # the SQLite file, or the PostgreSQL database standing for it
    store = {"DATABASE_URL": where} if isinstance(where, str) else {"DATABASE_PATH": str(where)}
    port = _free_port()
    env = {
        **os.environ,
        "WEBHOOK_SECRET": SECRET,
        **store,
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "LOG_LEVEL": "warning",
    }
    env.pop("APP_ID", None)
    base = f"http://127.0.0.1:{port}"
    count = 150
    async with aiohttp.ClientSession() as session:
        proc = subprocess.Popen([sys.executable, "-m", "app", "serve"], env=env)
        try:
            await _wait_for(base + "/ping", session)

            async def send(i: int) -> int:
                body = json.dumps(merged_pull_request(number=i, pr_id=5000 + i)).encode()
                headers = {
                    "Content-Type": "application/json",
                    "X-GitHub-Event": "pull_request",
                    "X-GitHub-Delivery": f"burst-{i}",
                    "X-Hub-Signature-256": expected_signature(SECRET, body),
                }
                async with session.post(base + "/api/github/webhooks", data=body, headers=headers) as r:
                    return r.status

            statuses = await asyncio.gather(*(send(i) for i in range(1, count + 1)))
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert statuses == [202] * count

    restarted = await start_service(db_path)
    await restarted.settle()
    assert restarted.count("deliveries") == count
    assert restarted.count("deliveries", "status = 'done'") == count
    assert restarted.count("pull_requests") == count
    await stop_service(restarted)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_a_failing_delivery_is_retried_with_backoff_then_kept_as_failed(tmp_path, capsys, monkeypatch):
    db = open_test_database(tmp_path / "ladder.db")
    clock = FakeClock()
    router = routing.Router()
    calls = []

    @router.register("pull_request")
    async def explode(event, ctx):
        calls.append(clock.now)
        raise RuntimeError("GitHub answered 502")

    deliveries.enqueue(db, "bad", "pull_request", b"{}", {}, now=clock.now)
    worker = Worker(db, router, lambda delivery_id: None, Metrics(), clock=clock)

    waits = []
    while True:
        assert await worker.step()
        row = deliveries.get(db, "bad")
        if row.status == "failed":
            break
        due = db.execute("SELECT next_attempt_at FROM deliveries").fetchone()[0]
        waits.append(due - clock.now)
        assert not await worker.step()  # not due yet: nothing happens
        clock.now = due
    assert waits == [5.0, 10.0, 20.0, 40.0, 80.0]
    assert len(calls) == deliveries.MAX_ATTEMPTS
    assert row.attempts == deliveries.MAX_ATTEMPTS
    assert row.last_error == "RuntimeError: GitHub answered 502"

    assert ladder(["deliveries", "--failed", *cli_database(tmp_path / "ladder.db", monkeypatch)]) == 0
    out = capsys.readouterr().out
    assert "0 pending, 1 failed, 0 done" in out
    assert "bad" in out and "RuntimeError: GitHub answered 502" in out

    assert ladder(["deliveries", "--redeliver", "bad", *cli_database(tmp_path / "ladder.db", monkeypatch)]) == 0
    assert deliveries.get(db, "bad").status == "pending"
    assert ladder(["deliveries", "--redeliver", "nope", *cli_database(tmp_path / "ladder.db", monkeypatch)]) == 2
    assert "no stored delivery has the id 'nope'" in capsys.readouterr().err


async def test_failed_deliveries_show_in_healthz(service):
    broken = load("pull_request/opened")
    del broken["pull_request"]  # a handler cannot work with this
    await service.deliver("pull_request", broken, delivery_id="broken")
    await service.settle()
    async with service.session.get(service.url("/healthz")) as resp:
        health = await resp.json()
    assert health["failed_deliveries"] == 1
    assert health["queue_depth"] == 0
    row = deliveries.get(service.db, "broken")
    # The payload is at fault: another attempt would fail the same way, so it is kept as failed at once.
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.last_error.startswith("KeyError")
