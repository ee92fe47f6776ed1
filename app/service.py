"""Running the service: `ladder serve` (the web side, and processing on a thread of its own unless
`--web-only`) and `ladder work` (processing only, no HTTP). Both stop cleanly on SIGTERM or SIGINT:
a worker that stops lets its leadership go, so a standby takes over at its next try."""

from __future__ import annotations

import asyncio
import logging
import signal

from aiohttp import web

from app.server import make_app
from app.server.processing import Processing
from app.server.worker import BATCH_SIZE
from app.settings import Settings
from app.store.location import describe

log = logging.getLogger("ladder")


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # not the main thread, or no signals here
            pass
    return stop


def _mode(settings: Settings) -> str:
    return "dry-run (no APP_ID: nothing is written to GitHub)" if settings.dry_run else f"app {settings.app_id}"


async def run_service(settings: Settings, *, web_only: bool = False, batch_size: int = BATCH_SIZE) -> None:
    stop = _stop_on_signals()
    app = make_app(settings, processing="none" if web_only else "thread", batch_size=batch_size)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()  # starts the intake and, unless web-only, the processing thread
    try:
        site = web.TCPSite(runner, settings.host, settings.port)
        await site.start()
        log.info(
            "listening on http://%s:%d%s, %s, database %s%s",
            settings.host,
            settings.port,
            settings.webhook_path,
            _mode(settings),
            describe(settings.database),
            "; web only: `ladder work` processes the deliveries" if web_only else "",
        )
        await stop.wait()
    finally:
        await runner.cleanup()


async def run_worker(settings: Settings, *, batch_size: int = BATCH_SIZE) -> None:
    stop = _stop_on_signals()
    processing = Processing(settings, batch_size=batch_size)
    try:
        await processing.start()
        log.info(
            "worker %s, %s, database %s: %s",
            processing.identity.id,
            _mode(settings),
            describe(settings.database),
            "active" if processing.role == "active" else "standing by (another worker is active)",
        )
        await stop.wait()
    finally:
        await processing.stop()
