"""Supervised polling services: the delivery worker, the outbox sender and the history importer.

All three have the same shape, kept here once: on start `prepare()` (take back what a dead process left
leased, open a connection); then `step()` does the work that is due, and when it found none the service
waits for a wake-up (`notify()`, callable from any thread) or for `seconds_until_due()`, whichever comes
first; `stop()` cancels it and waits. Each service says only what its prepare, step and due time are.
A service steps only while `may_work()` says so: the worker election sets it (this process is the active
worker and its lease is fresh), so a process that lost the election starts nothing new.

The supervision is what keeps processing from stopping silently: an exception from any of them (a
database error such as `sqlite3.OperationalError`, a bug) is logged — once per spell of failures, with its
type and message and never a secret — then retried after a back-off that grows (0.5 s, 1 s, 2 s … capped
at 30 s); while it fails `health()` says `failing` since when, with the last error, and `/healthz`
answers 503 naming the service. The first step that succeeds again logs the recovery and clears it.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable
from datetime import datetime, timezone
from enum import Enum

log = logging.getLogger("ladder.services")

RETRY_FIRST = 0.5  # seconds before the first retry of a failing step
RETRY_CAP = 30.0  # the longest back-off: a database back from a fault is used again within this


class State(str, Enum):
    RUNNING = "running"
    FAILING = "failing"
    STOPPED = "stopped"


# Anything token-like (GitHub tokens, JWTs, `token …`/`bearer …`) and a URL's password.
_SECRETS = re.compile(r"\b(gh[pousr]_[A-Za-z0-9_]{10,}|eyJ[\w-]+\.[\w-]+\.[\w-]+|(?:token|bearer)\s+\S+)", re.I)
_URL_PASSWORD = re.compile(r"(\w+://[^/\s:@]*):[^@/\s]*@")


def describe(error: BaseException) -> str:
    """`Type: message` on one line, short, with anything secret-looking taken out: for logs and /healthz."""
    text = " ".join(f"{type(error).__name__}: {error}".split())
    return _SECRETS.sub("[redacted]", _URL_PASSWORD.sub(r"\1:***@", text))[:500]


def iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, tz=timezone.utc).isoformat(timespec="seconds")


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
        task.exception()  # retrieved: a task that had already failed has said so in the log


class PollingService:
    """A background service run by its own supervised task. Subclasses set `name` (its section in /healthz)
    and implement `step()`; `prepare()`, `seconds_until_due()`, `cleanup()`, `details()` and
    `metrics_lines()` are optional."""

    name = "service"

    def __init__(self, *, idle_wait: float, retry_first: float = RETRY_FIRST, retry_cap: float = RETRY_CAP) -> None:
        self.idle_wait = idle_wait
        self.retry_first = retry_first
        self.retry_cap = retry_cap
        self.state = State.STOPPED
        self.since = time.time()  # wall-clock time of the last change of state, for /healthz
        self.last_error: str | None = None
        self.failures = 0  # failed steps in a row
        self.may_work: Callable[[], bool] = lambda: True
        self.wakeup = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task | None = None

    # --- what a service says ------------------------------------------------------------------------------
    async def prepare(self) -> None:
        """Before the first step (tried again, under the same supervision, until it succeeds)."""

    async def step(self) -> bool:
        """Do the work that is due now; False when there was none."""
        raise NotImplementedError

    def seconds_until_due(self) -> float:
        """How long to wait, when a step found nothing, before looking again (a wake-up cuts it short)."""
        return self.idle_wait

    async def cleanup(self) -> None:
        """After the task has stopped: close what `prepare` opened."""

    def details(self) -> dict:
        """The service's own part of health() — from memory only: it is read from other threads."""
        return {}

    def metrics_lines(self) -> list[str]:
        """Prometheus text lines (with their # HELP and # TYPE), from memory only, for /metrics."""
        return []

    # --- running --------------------------------------------------------------------------------------------
    def start(self) -> None:
        """Start the supervised task on the running event loop."""
        self._loop = asyncio.get_running_loop()
        self._change(State.RUNNING)
        self.failures, self.last_error = 0, None
        self._task = self._loop.create_task(self._supervise(), name=f"ladder-{self.name}")

    async def stop(self) -> None:
        await cancel(self._task)
        self._task = None
        try:
            await self.cleanup()
        finally:
            self._change(State.STOPPED)

    def notify(self) -> None:
        """Something is due: look now rather than at the next poll. Safe from any thread."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            here = asyncio.get_running_loop()
        except RuntimeError:
            here = None
        if here is loop:
            self.wakeup.set()
        else:
            try:
                loop.call_soon_threadsafe(self.wakeup.set)
            except RuntimeError:
                pass  # the loop closed meanwhile: the service is stopping

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done() and self.state == State.RUNNING

    def health(self) -> dict:
        alive = self._task is not None and not self._task.done()
        state = self.state if alive else State.STOPPED
        body: dict = {"running": alive and state == State.RUNNING, "state": state.value, "since": iso(self.since)}
        if state == State.FAILING:
            body["last_error"] = self.last_error
            body["failures"] = self.failures
        body.update(self.details())
        return body

    async def _supervise(self) -> None:
        prepared = False
        while True:
            self.wakeup.clear()  # before the step: a wake-up that comes during it is not lost
            try:
                if not self.may_work():
                    worked, wait = False, self.idle_wait
                else:
                    if not prepared:
                        await self.prepare()
                        prepared = True
                    worked = await self.step()
                    wait = 0.0 if worked else self.seconds_until_due()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                await asyncio.sleep(self._failed(error))
                continue
            self._recovered()
            if wait <= 0:
                await asyncio.sleep(0)  # let the rest of the loop run between busy steps
                continue
            try:
                await asyncio.wait_for(self.wakeup.wait(), timeout=max(wait, 0.01))
            except asyncio.TimeoutError:
                pass

    def _failed(self, error: Exception) -> float:
        text = describe(error)
        self.failures += 1
        delay = min(self.retry_cap, self.retry_first * 2 ** (self.failures - 1))
        if self.state != State.FAILING or text != self.last_error:
            if self.state != State.FAILING:
                self._change(State.FAILING)
            log.error(
                "%s is failing: %s; retrying in %.1f s, then less often (up to every %.0f s) until it works",
                self.name,
                text,
                delay,
                self.retry_cap,
            )
        else:
            log.debug("%s still failing (%d in a row): %s", self.name, self.failures, text)
        self.last_error = text
        return delay

    def _recovered(self) -> None:
        if self.state != State.FAILING:
            return
        log.warning(
            "%s is running again after %d failed tries over %.0f s", self.name, self.failures, time.time() - self.since
        )
        self.failures, self.last_error = 0, None
        self._change(State.RUNNING)

    def _change(self, state: State) -> None:
        if state != self.state:
            self.state = state
            self.since = time.time()
