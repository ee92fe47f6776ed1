"""Stopping background services: a swallowed cancellation must not hang the shutdown."""

from __future__ import annotations

import asyncio

from app.runtime.polling import cancel


async def waiting_loop(event: asyncio.Event, rounds: list[int]) -> None:
    # The shape of the worker's, the outbox's and the importer's loops.
    while True:
        rounds.append(1)
        event.clear()
        try:
            await asyncio.wait_for(event.wait(), timeout=5)
        except asyncio.TimeoutError:
            pass


async def test_cancel_stops_a_loop_even_when_the_cancellation_is_swallowed():
    for _ in range(5):
        event, rounds = asyncio.Event(), []
        task = asyncio.create_task(waiting_loop(event, rounds))
        await asyncio.sleep(0)
        event.set()  # the wake-up and the cancellation arrive together
        await asyncio.wait_for(cancel(task), timeout=10)
        assert task.done()


async def test_cancel_of_nothing_and_of_a_finished_task():
    await cancel(None)

    async def fails():
        raise RuntimeError("boom")

    task = asyncio.create_task(fails())
    await asyncio.sleep(0)
    await cancel(task)  # already done: nothing to wait for, its error is not raised at shutdown
