"""The background worker: takes stored deliveries off the queue and runs the handlers on them.

It wakes when a delivery is stored (no polling delay under load) and otherwise when the next retry is
due. On start it releases leases left by a process that died, so nothing stored is ever lost.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Callable

from gidgethub import routing, sansio

from app import logs
from app.context import Context
from app.server.background import cancel
from app.server.failures import is_payload_error
from app.server.metrics import Metrics
from app.store import deliveries
from app.store.database import Database

log = logging.getLogger("ladder.worker")


class Worker:
    name = "worker"

    def __init__(
        self,
        db: Database,
        router: routing.Router,
        make_context: Callable[[str], Context],
        metrics: Metrics,
        *,
        clock: Callable[[], float] = time.time,
        idle_wait: float = 5.0,
    ) -> None:
        self.db = db
        self.router = router
        self.make_context = make_context
        self.metrics = metrics
        self.clock = clock
        self.idle_wait = idle_wait
        self.wakeup = asyncio.Event()
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        released = deliveries.release_leases(self.db)
        if released:
            log.info("resuming %d deliveries left in progress by an earlier run", released)
        self._task = asyncio.create_task(self.run(), name="ladder-worker")

    async def stop(self) -> None:
        await cancel(self._task)
        self._task = None

    def health(self) -> dict:
        return {"running": self._task is not None and not self._task.done()}

    def metrics_lines(self) -> list[str]:
        return []  # the queue's numbers are in Metrics, next to the intake's

    def notify(self) -> None:
        self.wakeup.set()

    async def run(self) -> None:
        while True:
            # Handlers rarely wait on anything; yield so that answering deliveries never waits on them.
            await asyncio.sleep(0)
            if not await self.process_one():
                self.wakeup.clear()
                try:
                    await asyncio.wait_for(self.wakeup.wait(), timeout=self._seconds_until_due())
                except asyncio.TimeoutError:
                    pass

    def _seconds_until_due(self) -> float:
        due = deliveries.next_due(self.db)
        if due is None:
            return self.idle_wait
        return min(self.idle_wait, max(0.01, due - self.clock()))

    async def process_one(self) -> bool:
        """Process the next due delivery; False when none was due."""
        delivery = deliveries.lease_next(self.db, now=self.clock())
        if delivery is None:
            return False
        with logs.about_delivery(delivery.id, delivery.event, delivery.installation_id):
            await self._process(delivery)
        return True

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
            status = deliveries.mark_failed_attempt(self.db, delivery, message, now=self.clock(), final=payload_error)
            seconds = time.perf_counter() - started
            self.metrics.processed(delivery.event, "retry" if status == "pending" else "failed", seconds)
            log.log(
                logging.WARNING if status == "pending" else logging.ERROR,
                "delivery failed on attempt %d after %.3f s (%s): %s",
                delivery.attempts,
                seconds,
                "will retry"
                if status == "pending"
                else ("kept as failed: its payload is at fault" if payload_error else "kept as failed"),
                message,
            )
        else:
            deliveries.mark_done(self.db, delivery.id, now=self.clock())
            seconds = time.perf_counter() - started
            self.metrics.processed(delivery.event, "done", seconds)
            log.info("delivery processed in %.3f s", seconds)

    async def drain(self) -> int:
        """Process everything that is due now (for the CLI and tests); return how many were handled."""
        handled = 0
        while await self.process_one():
            handled += 1
        return handled
