"""Waiting on what a running service says about itself (its /healthz), for the runtime's tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import aiohttp


async def health(session: aiohttp.ClientSession, base: str) -> tuple[int, dict]:
    async with session.get(base + "/healthz") as resp:
        return resp.status, await resp.json()


async def health_until(
    session: aiohttp.ClientSession, base: str, condition: Callable[[int, dict], bool], *, timeout: float = 30.0
) -> tuple[int, dict]:
    """Ask /healthz until `condition(status, body)` holds; fail with the last answer after `timeout` s."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            status, body = await health(session, base)
        except (aiohttp.ClientError, OSError) as error:
            status, body = 0, {"error": repr(error)}
        if status and condition(status, body):
            return status, body
        if loop.time() > deadline:
            raise AssertionError(f"/healthz never matched in {timeout} s; last answer {status}: {body}")
        await asyncio.sleep(0.05)
