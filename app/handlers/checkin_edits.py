"""`/checkin` comments edited or deleted on GitHub: the kept check-in follows (app/promotion/checkin_edits.py).

Only a comment Ladder kept as a check-in is read again; an edit that adds `/checkin` to an old comment is
not a check-in (a check-in is a comment posted in its week).
"""

from __future__ import annotations

from datetime import datetime, timezone

from gidgethub import routing, sansio

from app.context import Context
from app.promotion import checkin_edits
from app.promotion.setup import org_setup
from app.store import checkins

router = routing.Router()


async def _kept(event: sansio.Event, ctx: Context):
    data = event.data
    comment = data.get("comment") or {}
    kept = checkins.of_comment(ctx.db, comment["id"]) if isinstance(comment.get("id"), int) else None
    if kept is None:
        return None, None
    setup = await org_setup(ctx, kept.org, (data.get("installation") or {}).get("id"))
    return kept, setup


@router.register("issue_comment", action="edited")
async def on_edited(event: sansio.Event, ctx: Context) -> None:
    kept, setup = await _kept(event, ctx)
    if kept is not None and setup is not None:
        checkin_edits.edited(ctx, setup, kept, event.data["comment"])


@router.register("issue_comment", action="deleted")
async def on_deleted(event: sansio.Event, ctx: Context) -> None:
    kept, setup = await _kept(event, ctx)
    if kept is not None and setup is not None:
        checkin_edits.deleted(ctx, setup, kept, datetime.fromtimestamp(ctx.clock(), timezone.utc))
