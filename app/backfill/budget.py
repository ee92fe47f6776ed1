"""Spending an installation's GraphQL points on history without starving the live work.

Every query asks for `rateLimit { cost remaining resetAt limit }`; the budget reads it after each answer.
Before a query it checks that what would remain stays above the reserved share (default 20%) of the
hourly limit; if not, it sleeps until `resetAt`. A rate-limit error that comes with HTTP 200
(`GraphQLRateLimited`) is treated the same way: sleep until the reset, then ask again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Awaitable, Callable

from app.github import GraphQLRateLimited

log = logging.getLogger("ladder.backfill")

DEFAULT_RESERVE = 0.20
MAX_RATE_LIMITED_TRIES = 5


class BudgetExhausted(Exception):
    """GitHub kept answering RATE_LIMITED after pausing until each reset."""


@dataclass
class Budget:
    """One installation's GraphQL budget as last reported by GitHub, and what this import spent."""

    reserve: float = DEFAULT_RESERVE  # share of the hourly limit left for live work
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep, repr=False)
    clock: Callable[[], float] = field(default=time.time, repr=False)
    limit: int | None = None
    remaining: int | None = None
    reset_at: float | None = None
    used: int = 0  # points this import spent
    queries: int = 0
    pauses: int = 0
    paused_seconds: float = 0.0
    last_cost: int = 1

    def observe(self, rate_limit: dict | None) -> None:
        """Take in a `rateLimit` object from an answer."""
        if not rate_limit:
            return
        cost = int(rate_limit.get("cost") or 0)
        self.used += cost
        self.last_cost = max(cost, 1)
        self.limit = rate_limit.get("limit", self.limit)
        self.remaining = rate_limit.get("remaining", self.remaining)
        if rate_limit.get("resetAt"):
            self.reset_at = _epoch(rate_limit["resetAt"])

    @property
    def floor(self) -> float:
        """Points that must stay unspent for the live work."""
        return (self.limit or 0) * self.reserve

    def seconds_to_reset(self) -> float:
        if self.reset_at is None:
            return 60.0
        return max(0.0, self.reset_at - self.clock()) + 1.0

    async def pause(self, seconds: float, why: str) -> None:
        log.info("history import pauses %.0f s: %s", seconds, why)
        self.pauses += 1
        self.paused_seconds += seconds
        await self.sleep(seconds)
        # After the reset GitHub opens a fresh window; the next answer says how much of it is left.
        self.remaining = self.limit

    async def before_query(self, expected_cost: int | None = None) -> None:
        """Wait, if needed, so that this query leaves the reserved share untouched."""
        if self.remaining is None:
            return
        cost = expected_cost or self.last_cost
        if self.remaining - cost < self.floor:
            await self.pause(
                self.seconds_to_reset(),
                f"{self.remaining} of {self.limit} points left, {self.reserve:.0%} is kept for live work",
            )

    async def query(self, gh: Any, document: str, *, expected_cost: int | None = None, **variables: Any) -> dict:
        """Run one query within the budget; the answer's `data`."""
        for _attempt in range(1, MAX_RATE_LIMITED_TRIES + 1):
            await self.before_query(expected_cost)
            try:
                data = await gh.graphql(document, **variables)
            except GraphQLRateLimited as error:
                wait = error.retry_after if error.retry_after is not None else self.seconds_to_reset()
                await self.pause(wait, "GitHub answered RATE_LIMITED")
                continue
            self.queries += 1
            self.observe(data.get("rateLimit"))
            return data
        raise BudgetExhausted(f"still rate limited after {MAX_RATE_LIMITED_TRIES} pauses until the reset")


def _epoch(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
