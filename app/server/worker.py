"""The delivery worker: takes stored deliveries off the queue and runs the handlers on them.

A supervised polling service (polling.py). It leases due deliveries a batch at a time (`batch_size`, one
transaction), runs each one's handlers in order and marks it done (or failed) as soon as it is processed,
so a crash mid-batch never redoes the deliveries already marked and never marks one not processed. It
wakes when a delivery is stored (`notify`) and otherwise when the next retry is due. It starts work only
while `may_work()` says so (the election: this process is the active worker and its lease is fresh); on
start it releases the leases a worker that died left, so nothing stored is ever lost.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Callable

from gidgethub import routing, sansio

from app import logs
from app.context import Context
from app.runtime.polling import PollingService
from app.server.election import Identity
from app.server.failures import is_payload_error
from app.server.metrics import Metrics
from app.store import deliveries
from app.store.database import Database

log = logging.getLogger("ladder.worker")

BATCH_SIZE = 16  # deliveries leased in one transaction
# `ladder serve`: while deliveries are being received, a batch stored less than this long ago waits for the
# intake to go quiet (the handlers and the answering thread share one GIL: a burst is answered first, then
# processed). Under sustained load every batch is older than this, so throughput is not capped; the lag is.
YIELD_LAG = 1.0
YIELD_POLL = 0.005


class Worker(PollingService):
    name = "worker"

    def __init__(
        self,
        db: Database,
        router: routing.Router,
        make_context: Callable[[str], Context],
        metrics: Metrics,
        *,
        owner: str | None = None,
        batch_size: int = BATCH_SIZE,
        on_processed: Callable[[], None] | None = None,
        clock: Callable[[], float] = time.time,
        idle_wait: float = 1.0,
        intake_busy: Callable[[], bool] | None = None,
        yield_lag: float = YIELD_LAG,
    ) -> None:
        super().__init__(idle_wait=idle_wait)
        self.db = db
        self.router = router
        self.make_context = make_context
        self.metrics = metrics
        self.owner = owner or Identity().id  # what its leases are marked with
        self.batch_size = max(1, batch_size)
        self.on_processed = on_processed  # e.g. wake the outbox sender: handlers plan effects
        self.clock = clock
        self._unfinished = False  # a batch was cut short by an error: its leases are still ours
        self.intake_busy = intake_busy  # True while the web side of this process is receiving deliveries
        self.yield_lag = yield_lag

    async def prepare(self) -> None:
        released = deliveries.release_leases(self.db)
        if released:
            log.info("resuming %d deliveries left in progress by an earlier worker", released)

    def seconds_until_due(self) -> float:
        due = deliveries.next_due(self.db)
        if due is None:
            return self.idle_wait
        return min(self.idle_wait, max(0.01, due - self.clock()))

    async def step(self) -> bool:
        """Lease a batch of due deliveries and process them; False when none was due (or this process may
        not work now)."""
        if self._unfinished:
            deliveries.release_leases(self.db, owner=self.owner)
            self._unfinished = False
        if not self.may_work():
            return False
        batch = deliveries.lease_batch(self.db, self.owner, limit=self.batch_size, now=self.clock())
        if not batch:
            return False
        if self.intake_busy is not None:
            await self._yield_to_intake(min(d.received_at for d in batch))
        started = 0
        try:
            for delivery in batch:
                if not self.may_work():  # the election was lost meanwhile: leave the rest to the next worker
                    break
                started += 1
                with logs.about_delivery(delivery.id, delivery.event, delivery.installation_id):
                    await self._process(delivery)
                await asyncio.sleep(0)  # handlers rarely wait: let the loop's other tasks run between them
        except BaseException:
            self._unfinished = True
            raise
        finally:
            rest = [d.id for d in batch[started:]]
            if rest and not self._unfinished:
                deliveries.give_back(self.db, self.owner, rest)
        if self.on_processed is not None:
            self.on_processed()
        return True

    async def _yield_to_intake(self, oldest: float) -> None:
        """Wait while the intake is busy and the batch's oldest delivery is younger than `yield_lag`."""
        while self.intake_busy() and self.clock() - oldest < self.yield_lag:
            await asyncio.sleep(YIELD_POLL)

    async def stop(self) -> None:
        await super().stop()
        if self._unfinished:  # stopped in the middle of a batch: what it had not finished is due again
            try:
                deliveries.release_leases(self.db, owner=self.owner)
            except Exception as error:  # the next active worker releases them as it starts
                log.warning("could not release this worker's leases on stop: %s", type(error).__name__)
            self._unfinished = False

    async def _process(self, delivery: deliveries.Delivery) -> None:
        started = time.perf_counter()
        try:
            event = sansio.Event(delivery.payload(), event=delivery.event, delivery_id=delivery.id)
            await self.router.dispatch(event, self.make_context(delivery.id))
        except asyncio.CancelledError:
            raise
        except Exception as error:  # a handler's failure must never stop the worker
            message = f"{type(error).__name__}: {error}"[:2000]
            payload_error = is_payload_error(error)
            status = deliveries.mark_failed_attempt(
                self.db, delivery, self.owner, message, now=self.clock(), final=payload_error
            )
            seconds = time.perf_counter() - started
            if status is None:
                self._taken_over()
                return
            self.metrics.processed(delivery.event, "retry" if status == deliveries.PENDING else "failed", seconds)
            log.log(
                logging.WARNING if status == deliveries.PENDING else logging.ERROR,
                "delivery failed on attempt %d after %.3f s (%s): %s",
                delivery.attempts,
                seconds,
                "will retry"
                if status == deliveries.PENDING
                else ("kept as failed: its payload is at fault" if payload_error else "kept as failed"),
                message,
            )
        else:
            if not deliveries.mark_done(self.db, delivery, self.owner, now=self.clock()):
                self._taken_over()
                return
            seconds = time.perf_counter() - started
            self.metrics.processed(delivery.event, "done", seconds)
            log.info("delivery processed in %.3f s", seconds)

    def _taken_over(self) -> None:
        log.warning("delivery processed, but another worker had taken it over: its outcome is the one kept")
