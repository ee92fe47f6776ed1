"""Running the service: one GitHub client (one HTTP session) per process, the web app, the worker."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from app.server import make_app
from app.settings import Settings
from app.store.location import describe

log = logging.getLogger("ladder")


async def run_service(settings: Settings) -> None:
    github = None
    session = None
    if not settings.dry_run:
        import aiohttp

        from app.github import GitHubClient

        session = aiohttp.ClientSession()
        github = GitHubClient(
            session,
            app_id=settings.app_id,
            private_key=settings.private_key,
            api_url=settings.github_api_url,
        )
    app = make_app(settings, github=github)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port)
    await site.start()
    mode = "dry-run (no APP_ID: nothing is written to GitHub)" if settings.dry_run else f"app {settings.app_id}"
    log.info(
        "listening on http://%s:%d%s, %s, database %s",
        settings.host,
        settings.port,
        settings.webhook_path,
        mode,
        describe(settings.database),
    )
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
        if session is not None:
            await session.close()
