"""The cohort's rhythm as a periodic organisation pass (app/promotion/periodic.py), run by the active worker
beside the way-down pass: every few minutes each organisation's cohorts get their weekly digest on their
`checkin_day` (from midnight in their timezone, or as soon as the service runs that day; planned again
through the day so it follows the day's activity) and the mid-term comment once at half the term.

Nothing is remembered in memory: the outbox keys (app/promotion/digest.py) make a second plan of the same
week's digest an edit of the one comment, and a planned mid-term comment is never planned again. The
mid-term waits for the first history import (before it everyone would look at risk); the digest does not.
"""

from __future__ import annotations

from app.promotion import digest
from app.promotion.periodic import OrgPass
from app.store import backfill as backfill_store


class DigestRunner(OrgPass):
    name = "rhythm"

    def __init__(self, make_context, **options) -> None:
        super().__init__(make_context, **options)
        self.last_planned: dict[str, list[str]] = {}

    async def visit(self, ctx, org, setup, now) -> bool:
        if setup is None:
            return False
        imported = backfill_store.first_finished_at(ctx.db) is not None
        self.last_planned[org] = await digest.cohort_pass(ctx, setup, now, midterm=imported)
        return False  # planned again on the next poll at the earliest: nothing to step for at once

    def details(self) -> dict:
        return {"orgs": dict(self.last_planned)}
