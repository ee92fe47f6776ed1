"""The way down, as deliveries arrive: counted activity cancels a person's open inactivity notice; the
notices issue and the way-down pull requests Ladder opened are noted (their numbers and addresses go into
the notice comments); a roster change or someone leaving the organisation ends notices.

Runs after `activity` recorded the same delivery (routers are composed in that order). The daily pass
(app/promotion/way_down_runner.py) does the rest.
"""

from __future__ import annotations

from datetime import datetime, timezone

from gidgethub import routing, sansio

from app.context import Context
from app.github.identity import written_by
from app.normalise import is_bot
from app.promotion import way_down
from app.promotion.setup import org_setup
from app.store import way_down as store

router = routing.Router()


def _org(data: dict) -> str | None:
    repo = data.get("repository") or {}
    return (repo.get("owner") or {}).get("login") or (data.get("organization") or {}).get("login")


def _now(ctx: Context) -> datetime:
    return datetime.fromtimestamp(ctx.clock(), timezone.utc)


@router.register("pull_request")
@router.register("pull_request_review")
@router.register("pull_request_review_comment")
@router.register("issue_comment")
@router.register("issues")
async def activity(event: sansio.Event, ctx: Context) -> None:
    data = event.data
    org, sender = _org(data), data.get("sender") or {}
    if not org or not sender.get("id"):
        return
    setup = None
    if not is_bot(sender) and store.of_person(ctx.db, org, int(sender["id"]), way_down.OPEN):
        setup = await org_setup(ctx, org, (data.get("installation") or {}).get("id"))
        if setup is not None:
            way_down.after_activity(ctx, setup, int(sender["id"]), _now(ctx))
    if data.get("action") != "opened" or not is_bot(sender):
        return
    thing = data.get("issue") if event.event == "issues" else data.get("pull_request")
    if not thing or not store.of_org(ctx.db, org):
        return
    setup = setup or await org_setup(ctx, org, (data.get("installation") or {}).get("id"))
    if setup is None or not written_by(thing.get("user"), setup.bot):
        return
    # Ladder's own notices issue or way-down pull request opened: the notices can say where it is.
    way_down.plan_writes(ctx, setup)


@router.register("organization", action="member_removed")
async def member_left(event: sansio.Event, ctx: Context) -> None:
    org = (event.data.get("organization") or {}).get("login")
    if not org or not store.of_org(ctx.db, org):
        return
    setup = await org_setup(ctx, org, (event.data.get("installation") or {}).get("id"))
    if setup is not None:
        way_down.after_roster_change(ctx, setup, _now(ctx))
