"""Installations, the repositories they cover, and organisation membership."""

from __future__ import annotations

from gidgethub import routing, sansio

from app import normalise
from app.context import Context
from app.store import ledger

router = routing.Router()


@router.register("installation")
async def installation(event: sansio.Event, ctx: Context) -> None:
    ledger.record_installation(ctx.db, event.data)
    ledger.record(ctx.db, normalise.from_installation_event(event.data))


@router.register("installation_repositories")
async def installation_repositories(event: sansio.Event, ctx: Context) -> None:
    ledger.record_installation(ctx.db, {**event.data, "action": None})
    ledger.record(ctx.db, normalise.from_installation_event(event.data))
    removed = [int(repo["id"]) for repo in event.data.get("repositories_removed") or []]
    if removed:
        ledger.remove_repositories(ctx.db, removed)


@router.register("organization")
async def organization(event: sansio.Event, ctx: Context) -> None:
    ledger.record(ctx.db, normalise.from_organization_event(event.data))
