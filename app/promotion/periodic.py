"""A pass over each organisation on a clock, as a supervised polling service (app/runtime/polling.py): the
shape the way-down pass (way_down_runner.py) and the cohort's rhythm (digest_runner.py) share.

Every `poll` seconds the service asks `due(db, now)` which organisations to visit, reads each one's setup
(None when its configuration is unusable) and hands it to `visit`. What is due and what a visit writes
live in the subclass and the store, never in memory, so a restart neither repeats nor skips a pass. The
clock is injectable (tests move it).
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Callable

from app.promotion.setup import OrgSetup, org_setup
from app.runtime.polling import PollingService
from app.store import orgs


class OrgPass(PollingService):
    name = "org_pass"

    def __init__(self, make_context: Callable, *, poll: float = 300.0, clock: Callable[[], float] = time.time) -> None:
        super().__init__(idle_wait=poll)
        self.make_context = make_context
        self.clock = clock

    def due(self, db, now: float) -> list[str]:
        """The organisations to visit now (default: every one with a configuration)."""
        return [row.org for row in orgs.configs(db)]

    async def visit(self, ctx, org: str, setup: OrgSetup | None, now: datetime) -> bool:
        """Do the pass for one organisation; True when it did something worth stepping again at once."""
        raise NotImplementedError

    def seconds_until_due(self) -> float:
        return self.idle_wait

    async def step(self) -> bool:
        ctx = self.make_context(self.name.replace("_", "-"))
        did = False
        for org in self.due(ctx.db, self.clock()):
            now = datetime.fromtimestamp(self.clock(), timezone.utc)
            did = await self.visit(ctx, org, await org_setup(ctx, org), now) or did
        return did
