"""Installing the app (or giving it more repositories) asks for their history to be imported.

The handler only records the jobs; the history service (app/backfill/runner.py) imports them beside the
delivery worker, so this delivery is done in milliseconds whatever the size of the history.
"""

from __future__ import annotations

from gidgethub import routing, sansio

from app.backfill import jobs
from app.context import Context
from app.promotion.setup import org_setup

router = routing.Router()


async def _schedule(ctx: Context, payload: dict, repositories: list[dict]) -> None:
    installation_id = int(payload["installation"]["id"])
    account = (payload["installation"].get("account") or {}).get("login")
    # The organisation's ladder.yml (read now, with its rosters) says where changed files are needed.
    setup = await org_setup(ctx, account, installation_id, refresh=True) if account else None
    for needs_paths in (False, True):
        wanted = [
            (int(repo["id"]), repo["full_name"], installation_id)
            for repo in repositories
            if bool(setup and setup.needs_paths(repo["full_name"].split("/", 1)[1])) == needs_paths
        ]
        if wanted:
            jobs.schedule(
                ctx.db,
                wanted,
                since=jobs.default_since(ctx.clock),
                reason="install",
                paths=needs_paths,
                now=jobs.now_iso(ctx.clock),
            )


@router.register("installation", action="created")
async def installation_created(event: sansio.Event, ctx: Context) -> None:
    await _schedule(ctx, event.data, event.data.get("repositories") or [])


@router.register("installation_repositories", action="added")
async def repositories_added(event: sansio.Event, ctx: Context) -> None:
    await _schedule(ctx, event.data, event.data.get("repositories_added") or [])
