"""Pacing writes per installation within GitHub's secondary limits (DOMAIN.md §5), and the outbox's
retry timing.

At least one second between any two writes, at most 80 content-creating writes a minute and 500 an
hour. Content-creating here means POST and PUT (new comments, issues, refs, commits, pull requests);
edits (PATCH) only keep the one-second gap. The clock and sleep are injectable so tests do not wait.
The record is per process: two processes sending for one installation would each keep their own.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    min_interval: float = 1.0
    per_minute: int = 80
    per_hour: int = 500


CREATING_METHODS = frozenset({"POST", "PUT"})


@dataclass(frozen=True)
class RetryTiming:
    """How long an effect waits before its next try after a failed one.

    A passing fault (a 5xx, a timeout, a dropped connection) is usually gone in seconds: the next try
    comes after `first` seconds, growing by `factor`, with ± `jitter` (so effects that failed together do
    not come back together), never longer than `cap`. A rate limit is another matter — GitHub says how long
    (retry-after or the reset, used as they are); one that names no time backs off from `rate_limit_first`."""

    first: float = 2.0
    factor: float = 2.0
    cap: float = 1800.0
    jitter: float = 0.25
    rate_limit_first: float = 60.0
    random: Callable[[], float] = random.random

    def transient(self, attempts: int) -> float:
        """Seconds before try `attempts + 1` after a passing fault on try `attempts`."""
        base = self.first * self.factor ** max(attempts - 1, 0)
        return min(self.cap, base * (1.0 - self.jitter + 2.0 * self.jitter * self.random()))

    def rate_limited(self, attempts: int) -> float:
        """A rate limit without retry-after or reset: 60 s, 120 s, 240 s …"""
        return min(self.cap, self.rate_limit_first * 2 ** max(attempts - 1, 0))


class Pacer:
    def __init__(
        self,
        *,
        limits: Limits | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.limits = limits or Limits()
        self.clock = clock
        self.sleep = sleep
        self._last: dict[int, float] = {}
        self._creates: dict[int, deque[float]] = {}
        self.waited = 0.0  # total seconds slept, for /metrics

    def delay(self, installation_id: int, *, creates: bool) -> float:
        """Seconds to wait before this installation's next write may go out (0 when it may go now)."""
        now = self.clock()
        limits = self.limits
        ready = self._last.get(installation_id, float("-inf")) + limits.min_interval
        if creates:
            recent = self._recent(installation_id, now)
            if len(recent) >= limits.per_minute:
                minute = [t for t in recent if t > now - 60]
                if len(minute) >= limits.per_minute:
                    ready = max(ready, minute[-limits.per_minute] + 60)
            if len(recent) >= limits.per_hour:
                ready = max(ready, recent[-limits.per_hour] + 3600)
        return max(0.0, ready - now)

    async def wait(self, installation_id: int, method: str) -> float:
        """Sleep until a write may go out, then count it as sent; returns the seconds slept."""
        creates = method.upper() in CREATING_METHODS
        slept = 0.0
        while (pause := self.delay(installation_id, creates=creates)) > 0:
            await self.sleep(pause)
            slept += pause
        now = self.clock()
        self._last[installation_id] = now
        if creates:
            self._recent(installation_id, now).append(now)
        self.waited += slept
        return slept

    def _recent(self, installation_id: int, now: float) -> deque[float]:
        times = self._creates.setdefault(installation_id, deque())
        while times and times[0] <= now - 3600:
            times.popleft()
        return times
