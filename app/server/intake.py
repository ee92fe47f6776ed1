"""Group commit for incoming deliveries.

Each delivery must be on disk before its 202. Committing each one alone costs one fsync per delivery;
under a burst, requests that arrive together are written in one transaction instead, and each request
still gets its answer only after that transaction has committed.
"""

from __future__ import annotations

import asyncio
import time

from app.store import deliveries
from app.store.database import Database


class Intake:
    def __init__(self, db: Database, *, max_batch: int = 256) -> None:
        self.db = db
        self.max_batch = max_batch
        self._waiting: list[tuple[tuple, asyncio.Future]] = []
        self._flusher: asyncio.Task | None = None

    async def store(self, delivery_id: str, event: str, body: bytes, payload: dict) -> bool:
        """Store a delivery durably; False when its id was stored before."""
        future = asyncio.get_running_loop().create_future()
        self._waiting.append(((delivery_id, event, body, payload), future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        # Let the requests that are already being read join this batch.
        await asyncio.sleep(0)
        while self._waiting:
            batch, self._waiting = self._waiting[: self.max_batch], self._waiting[self.max_batch :]
            now = time.time()
            try:
                with self.db.transaction():
                    results = [deliveries.enqueue(self.db, *args, now=now) for args, _ in batch]
            except BaseException as error:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                if isinstance(error, asyncio.CancelledError):
                    raise
                continue
            for (_, future), stored in zip(batch, results):
                if not future.done():
                    future.set_result(stored)
