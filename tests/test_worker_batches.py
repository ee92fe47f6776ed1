"""The worker leases deliveries in batches and keeps each delivery's processing and its `done` mark
together: marked as soon as it is processed, never before, and what it did not start is left to the
next worker (the election's fence, a crash, a stop)."""

from __future__ import annotations

import pytest
from gidgethub import routing

from app.cli import main as ladder
from app.server.metrics import Metrics
from app.server.worker import Worker
from app.store import deliveries
from tests.stores import open_test_database


def status(db, delivery_id: str) -> tuple[str, int, int, str | None]:
    row = db.one("SELECT status, attempts, runs, leased_by FROM deliveries WHERE id = ?", [delivery_id])
    return tuple(row)


@pytest.fixture
def db(tmp_path):
    db = open_test_database(tmp_path / "ladder.db")
    for i in range(1, 8):
        deliveries.enqueue(db, f"d{i}", "ping", b"{}", {}, now=1000.0 + i)
    return db


async def test_a_batch_is_one_lease_and_each_delivery_is_marked_as_it_is_processed(db):
    router = routing.Router()
    seen: list[tuple] = []

    @router.register("ping")
    async def handle(event, ctx):
        # While d2 is handled: d1 is already done, d3 is leased to this worker and still pending.
        if event.delivery_id == "d2":
            seen.append((status(db, "d1"), status(db, "d2"), status(db, "d3"), status(db, "d4")))

    worker = Worker(db, router, lambda delivery_id: None, Metrics(), owner="w1", batch_size=3)
    assert await worker.step()
    assert seen == [(("done", 1, 1, None), ("pending", 1, 0, "w1"), ("pending", 1, 0, "w1"), ("pending", 0, 0, None))]
    assert [status(db, f"d{i}")[0] for i in range(1, 8)] == ["done"] * 3 + ["pending"] * 4
    assert await worker.step() and await worker.step()
    assert not await worker.step()  # nothing left
    assert {status(db, f"d{i}") for i in range(1, 8)} == {("done", 1, 1, None)}


async def test_a_worker_that_loses_the_election_mid_batch_leaves_the_rest_untouched(db):
    router = routing.Router()
    active = [True]

    @router.register("ping")
    async def handle(event, ctx):
        active[0] = False  # the election is lost while the first delivery is handled

    worker = Worker(db, router, lambda delivery_id: None, Metrics(), owner="w1", batch_size=4)
    worker.may_work = lambda: active[0]
    assert await worker.step()
    assert status(db, "d1") == ("done", 1, 1, None)
    # Not started: given back as they were, due at once for the next worker, the attempt taken back.
    assert [status(db, f"d{i}") for i in (2, 3, 4)] == [("pending", 0, 0, None)] * 3
    assert not await worker.step()  # it starts nothing while it may not work


async def test_the_batch_of_a_worker_that_died_is_taken_up_by_the_next_one_exactly_once(db):
    handled: list[str] = []
    router = routing.Router()

    @router.register("ping")
    async def handle(event, ctx):
        handled.append(event.delivery_id)

    # A worker leased a batch and died before processing any of it.
    assert [d.id for d in deliveries.lease_batch(db, "dead", limit=5)] == ["d1", "d2", "d3", "d4", "d5"]
    worker = Worker(db, router, lambda delivery_id: None, Metrics(), owner="next", batch_size=16)
    await worker.prepare()  # what the newly elected worker does first
    assert await worker.step()
    assert handled == [f"d{i}" for i in range(1, 8)]
    assert {status(db, f"d{i}")[::2] for i in range(1, 8)} == {("done", 1)}
    # The dead worker's outcome can no longer be recorded over the new one's.
    late = deliveries.get(db, "d1")
    assert deliveries.mark_done(db, late, "dead") is False


def test_ladder_work_has_help(capsys):
    with pytest.raises(SystemExit) as exit:
        ladder(["work", "--help"])
    assert exit.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: ladder work [-h] [--batch N]")
    assert "--batch N" in out and "stand by" in out


async def test_in_ladder_serve_a_burst_is_answered_before_it_is_processed_but_never_held_past_the_lag(db):
    """`ladder serve` processes on a thread of the answering process: while the intake is receiving, a
    batch stored less than `yield_lag` ago waits; once the intake is quiet, or the batch is that old, it runs."""
    import asyncio

    router = routing.Router()
    handled: list[str] = []

    @router.register("ping")
    async def handle(event, ctx):
        handled.append(event.delivery_id)

    busy, now = [True], [1003.5]  # d1 … d3 were stored at 1001 … 1003
    worker = Worker(
        db, router, lambda delivery_id: None, Metrics(), owner="w1", batch_size=3,
        clock=lambda: now[0], intake_busy=lambda: busy[0], yield_lag=5.0,
    )  # fmt: skip
    step = asyncio.ensure_future(worker.step())
    await asyncio.sleep(0.05)
    assert handled == [] and not step.done()  # leased, waiting for the burst to be answered
    busy[0] = False
    assert await step
    assert handled == ["d1", "d2", "d3"]
    busy[0] = True  # busy without a pause: d4 … d6 (the oldest stored at 1004) wait until it is 5 s old
    now[0] = 1006.5
    step = asyncio.ensure_future(worker.step())
    await asyncio.sleep(0.05)
    assert handled == ["d1", "d2", "d3"]
    now[0] = 1009.0
    assert await step
    assert handled == ["d1", "d2", "d3", "d4", "d5", "d6"]
