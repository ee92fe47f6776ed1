"""Storing incoming deliveries: group commit on a writer thread, a savepoint per delivery, a bounded wait.

Each delivery must be on disk before its 202. Committing each one alone costs one fsync per delivery;
under a burst, requests that arrive while a commit is running are written together in the next one, and
each request still gets its answer only after that transaction has committed.

The writes run on a thread of their own with its own connection, never on the event loop: a database
that is busy (another process holding SQLite's write lock, PostgreSQL waiting on a lock or a connection)
holds up that thread only, so `/ping` and everything else keep answering. A request waits for its
commit at most `wait` seconds; past that it is answered 503 (GitHub records the failure, and the delivery
can be redelivered), and the writer skips it if it has not reached it yet. Within a batch every delivery
has its own savepoint: one that cannot be stored (a value the driver cannot bind) is answered 400 and one
the database failed on 503, while its neighbours are stored and answered 202.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections.abc import Callable

from app.store import deliveries
from app.store.database import Database
from app.store.errors import VALUE_ERRORS

log = logging.getLogger("ladder.intake")

STORE_WAIT = 5.0  # seconds a request waits for its commit; GitHub gives up on an answer after 10 s
# What one delivery's values can raise, and raise again: besides the drivers' own, Python's int too large
# for SQLite's INTEGER.
_VALUE_ERRORS = (*VALUE_ERRORS, OverflowError, TypeError, ValueError)


class NotStored(Exception):
    """The delivery was not stored: `status` (400 or 503), the metric's `reason`, and the sentence."""

    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.status, self.reason, self.message = status, reason, message


class _Item:
    __slots__ = ("args", "loop", "future", "given_up", "outcome")

    def __init__(self, args: tuple, loop: asyncio.AbstractEventLoop) -> None:
        self.args = args
        self.loop = loop
        self.future: asyncio.Future = loop.create_future()
        self.given_up = False  # the request was answered 503 before the writer reached it
        self.outcome: bool | NotStored | None = None


_STOP = object()


class Intake:
    def __init__(
        self,
        db: Database,
        *,
        max_batch: int = 256,
        wait: float = STORE_WAIT,
        on_stored: Callable[[], None] | None = None,
    ) -> None:
        self.db = db
        self.max_batch = max_batch
        self.wait = wait
        self.on_stored = on_stored  # called from the writer thread after a commit that stored something
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._write_loop, name="ladder-intake", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop the writer after what it holds (blocking: call it off the event loop)."""
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join()
            self._thread = None

    async def store(self, delivery_id: str, event: str, body: bytes, payload: dict) -> bool:
        """Store a delivery durably; False when its id was stored before. NotStored when it was not."""
        if self._thread is None:
            raise NotStored(503, "not_ready", "the service is starting or stopping; GitHub can redeliver this")
        item = _Item((delivery_id, event, body, payload), asyncio.get_running_loop())
        self._queue.put(item)
        try:
            async with asyncio.timeout(self.wait):  # a deadline on this task, not another task per request
                outcome = await item.future
        except TimeoutError:
            item.given_up = True
            raise NotStored(
                503,
                "database_busy",
                f"the database did not take the delivery within {self.wait:g} s; GitHub can redeliver it",
            ) from None
        if isinstance(outcome, NotStored):
            raise outcome
        return outcome

    # --- the writer thread ----------------------------------------------------------------------------------
    def _write_loop(self) -> None:
        while True:
            first = self._queue.get()
            if first is _STOP:
                return
            batch = [first]
            stop = False
            while len(batch) < self.max_batch:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is _STOP:
                    stop = True
                    break
                batch.append(more)
            self._write(batch)
            if stop:
                return

    def _write(self, batch: list[_Item]) -> None:
        now = time.time()
        stored_any = self._write_together(batch, now)
        if stored_any is None:
            stored_any = self._write_each(batch, now)
        # One wake-up per event loop for the whole batch (each wake-up is a write to the loop's pipe).
        by_loop: dict[asyncio.AbstractEventLoop, list[_Item]] = {}
        for item in batch:
            by_loop.setdefault(item.loop, []).append(item)
        for loop, items in by_loop.items():
            try:
                loop.call_soon_threadsafe(_answer, items)
            except RuntimeError:
                pass  # that loop has closed: nobody is waiting
        if stored_any and self.on_stored is not None:
            try:
                self.on_stored()
            except Exception:
                log.exception("waking the worker failed")

    def _write_together(self, batch: list[_Item], now: float) -> bool | None:
        """The common case: the whole batch in one transaction with no savepoints (a savepoint and its
        release were two of the three statements per delivery). None when anything failed: it is rolled
        back, and `_write_each` stores the batch again delivery by delivery."""
        outcomes = []
        try:
            with self.db.transaction():
                for item in batch:
                    outcomes.append(None if item.given_up else deliveries.enqueue(self.db, *item.args, now=now))
        except Exception:
            return None
        for item, outcome in zip(batch, outcomes):
            if outcome is not None:
                item.outcome = outcome
        return any(outcomes)

    def _write_each(self, batch: list[_Item], now: float) -> bool:
        stored_any = False
        try:
            with self.db.transaction():
                for item in batch:
                    if item.given_up:
                        continue  # answered 503 while it waited for this transaction: GitHub redelivers it
                    try:
                        with self.db.transaction():  # a savepoint: this delivery's failure is its own
                            item.outcome = deliveries.enqueue(self.db, *item.args, now=now)
                    except _VALUE_ERRORS as error:
                        item.outcome = NotStored(400, "unstorable", f"the delivery cannot be stored: {_short(error)}")
                    except Exception as error:
                        item.outcome = _database_failed(error)
                    else:
                        stored_any = stored_any or item.outcome is True
        except Exception as error:  # BEGIN or COMMIT failed: nothing of this batch is stored
            failed = _database_failed(error)
            for item in batch:
                item.outcome = failed
            stored_any = False
        return stored_any


def _answer(items: list[_Item]) -> None:
    for item in items:
        if not item.future.done() and item.outcome is not None:
            item.future.set_result(item.outcome)


def _short(error: BaseException) -> str:
    return " ".join(f"{type(error).__name__}: {error}".split())[:300]


def _database_failed(error: BaseException) -> NotStored:
    log.warning("the database failed to store deliveries: %s", type(error).__name__)
    return NotStored(
        503, "database_error", f"the database failed ({type(error).__name__}); GitHub can redeliver the delivery"
    )
