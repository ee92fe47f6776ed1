"""Recording what people do on pull requests and issues into the activity ledger."""

from __future__ import annotations

from gidgethub import routing, sansio

from app import normalise
from app.context import Context
from app.store import ledger

router = routing.Router()


@router.register("pull_request")
async def pull_request(event: sansio.Event, ctx: Context) -> None:
    ledger.record(ctx.db, normalise.from_pull_request_event(event.data))


@router.register("pull_request_review")
async def pull_request_review(event: sansio.Event, ctx: Context) -> None:
    ledger.record(ctx.db, normalise.from_review_event(event.data))


@router.register("pull_request_review_comment")
async def pull_request_review_comment(event: sansio.Event, ctx: Context) -> None:
    ledger.record(ctx.db, normalise.from_review_comment_event(event.data))


@router.register("issue_comment")
async def issue_comment(event: sansio.Event, ctx: Context) -> None:
    ledger.record(ctx.db, normalise.from_issue_comment_event(event.data))


@router.register("issues")
async def issues(event: sansio.Event, ctx: Context) -> None:
    ledger.record(ctx.db, normalise.from_issues_event(event.data))
