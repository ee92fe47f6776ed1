"""Background services the web app runs beside the request handlers (the delivery worker, the outbox
sender, the history importer). Each one reports into `/healthz` and `/metrics`."""

from __future__ import annotations

import asyncio
from typing import Protocol


class BackgroundService(Protocol):
    name: str  # its section in /healthz

    def start(self) -> None:
        """Start its task(s) on the running event loop."""

    async def stop(self) -> None:
        """Cancel its task(s) and wait for them."""

    def health(self) -> dict:
        """A JSON-able summary for /healthz (never secrets)."""

    def metrics_lines(self) -> list[str]:
        """Prometheus text lines (with their # HELP and # TYPE) for /metrics."""


async def cancel(task: asyncio.Task | None) -> None:
    """Cancel a service's task and wait until it has stopped.

    A loop that waits with `asyncio.wait_for` can swallow a cancellation on Python 3.11 when the awaited
    event fires at the same moment (the wait returns normally and the loop goes on), so the task is
    cancelled again until it is really done rather than awaited once and forever."""
    if task is None:
        return
    while not task.done():
        task.cancel()
        await asyncio.wait([task], timeout=0.2)
    if not task.cancelled():
        task.exception()  # retrieved: a service that had already failed has said so in the log
