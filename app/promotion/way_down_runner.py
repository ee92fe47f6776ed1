"""The daily way-down pass as a periodic organisation pass (app/promotion/periodic.py), run by the active
worker beside the delivery worker, the outbox sender and the history importer.

Each organisation with a configuration is checked once a day (`way_down_passes` keeps when, so a restart
does not check again early), the first time a day after the first history import finished (as the
reconciliation pass of app/backfill/runner.py): before an import the ledger holds only what arrived since
installation, and everyone would look inactive. The clock is injectable.
"""

from __future__ import annotations

import time
from typing import Callable

from app.promotion import way_down
from app.promotion.periodic import OrgPass
from app.store import backfill as backfill_store
from app.store import orgs
from app.store import way_down as store
from app.store.holdings import parse_time

DAY = 24 * 3600.0


class WayDownRunner(OrgPass):
    name = "way_down"

    def __init__(
        self,
        make_context: Callable,
        *,
        every: float = DAY,
        poll: float = 300.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(make_context, poll=poll, clock=clock)
        self.every = every
        self.last_report: dict[str, way_down.PassReport] = {}

    def due(self, db, now: float) -> list[str]:
        first = backfill_store.first_finished_at(db)
        if first is None:
            return []
        due = []
        for row in orgs.configs(db):
            # as the reconciliation pass: the first comes a day after the first import, not at start-up
            last = store.last_pass(db, row.org) or first
            if parse_time(last).timestamp() + self.every <= now:
                due.append(row.org)
        return due

    async def visit(self, ctx, org, setup, now) -> bool:
        if setup is None:
            store.record_pass(ctx.db, org, way_down.iso(now))  # no usable configuration: tomorrow again
            return False
        self.last_report[org] = await way_down.daily_pass(ctx, setup, now)
        return True

    def details(self) -> dict:
        return {
            "orgs": {
                org: {"checked": r.checked, "noticed": len(r.noticed), "proposed": len(r.proposed)}
                for org, r in self.last_report.items()
            }
        }
