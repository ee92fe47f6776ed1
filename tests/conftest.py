"""Shared fixtures: the real service on a real socket, over a real store (a SQLite file, or PostgreSQL with
LADDER_TEST_DATABASE=postgres: tests/postgres.py)."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from app.server import make_app
from app.server.health import local_processing
from app.server.signature import expected_signature
from app.server.web import DB, PROCESSING
from app.settings import Settings

pytest_plugins = ["tests.conftest_github", "tests.postgres"]

SECRET = "It's a Secret to Everybody"


class Service:
    """The webhook service listening on 127.0.0.1, and an HTTP client that talks to it."""

    def __init__(self, server: TestServer, session: aiohttp.ClientSession, settings: Settings) -> None:
        self.server = server
        self.session = session
        self.settings = settings

    @property
    def app(self):
        return self.server.app

    @property
    def db(self):
        return self.app[DB]

    @property
    def processing(self):
        """The processing side running in this service's process (None: web only)."""
        return local_processing(self.app[PROCESSING])

    def url(self, path: str) -> str:
        return str(self.server.make_url(path))

    async def deliver(
        self,
        event: str,
        payload: dict | bytes,
        *,
        delivery_id: str | None = None,
        secret: str | None = SECRET,
        headers: dict | None = None,
    ) -> aiohttp.ClientResponse:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        sent = {
            "Content-Type": "application/json",
            "X-GitHub-Event": event,
            "X-GitHub-Delivery": delivery_id or str(uuid.uuid4()),
            "User-Agent": "GitHub-Hookshot/test",
        }
        if secret is not None:
            sent["X-Hub-Signature-256"] = expected_signature(secret, body)
        sent.update(headers or {})
        sent = {k: v for k, v in sent.items() if v is not None}
        async with self.session.post(self.url(self.settings.webhook_path), data=body, headers=sent) as resp:
            await resp.read()
            return resp

    async def settle(self, timeout: float = 10.0) -> None:
        """Wait until the worker has taken every due delivery off the queue."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            due = self.db.execute(
                "SELECT count(*) FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ?",
                [time.time()],
            ).fetchone()[0]
            leased = self.db.execute("SELECT count(*) FROM deliveries WHERE lease_until IS NOT NULL").fetchone()[0]
            if due == 0 and leased == 0:
                return
            if loop.time() > deadline:
                raise AssertionError(f"{due} deliveries still due after {timeout} s")
            await asyncio.sleep(0.01)

    def count(self, table: str, where: str = "1 = 1", params=()) -> int:
        return self.db.execute(f"SELECT count(*) FROM {table} WHERE {where}", list(params)).fetchone()[0]


async def start_service(
    database: Path,
    *,
    start_worker: bool = True,
    sqlite_only: bool = False,
    app_options: dict | None = None,
    **settings,
) -> Service:
    """The service over the store for `database` (`sqlite_only`: that SQLite file, whatever the engine),
    processing on its own thread as in `ladder serve` (`start_worker=False`: web only, as `--web-only`).
    `app_options`: make_app's keywords (body_timeout, store_wait, github — a client made on this loop, so
    processing runs inline on it)."""
    from tests.stores import settings_for  # imported late: tests.postgres is a plugin, loaded after this file

    store = {"database_path": database} if sqlite_only else settings_for(database)
    config = Settings(webhook_secret=SECRET, **store, **settings)
    options = dict(app_options or {})
    if "processing" not in options:
        options["processing"] = "inline" if options.get("github") else ("thread" if start_worker else "none")
    server = TestServer(make_app(config, **options), host="127.0.0.1")
    await server.start_server()
    return Service(server, aiohttp.ClientSession(), config)


async def stop_service(service: Service) -> None:
    await service.session.close()
    await service.server.close()


@dataclass
class DemoRun:
    demo: object  # app.demo.runner.Demo, after its run: its stand-in's state, what it printed
    result: object  # app.demo.runner.DemoResult
    said: list[str]
    where: Path | str  # the database: the SQLite file, or the PostgreSQL URL


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory) -> DemoRun:
    """`ladder demo`'s story, run once (about 8 s) into a fresh store; read it, never write."""
    import logging

    from app.demo.runner import Demo
    from tests.stores import location

    logging.getLogger().setLevel(logging.ERROR)
    out = tmp_path_factory.mktemp("demo")
    where = location(out / "ladder.db", keep=True)
    said: list[str] = []
    demo = Demo(
        out, say=lambda *a: said.append(" ".join(map(str, a))), database_url=where if isinstance(where, str) else None
    )
    result = asyncio.run(demo.run())
    return DemoRun(demo, result, said, where)


@pytest.fixture(scope="session")
def demo_database(demo_run) -> Path | str:
    """A realistic database, built by running `ladder demo`'s story; read it, never write.
    Its location: the SQLite file, or the PostgreSQL URL."""
    return demo_run.where


@pytest.fixture
async def service(tmp_path):
    svc = await start_service(tmp_path / "ladder.db")
    yield svc
    await stop_service(svc)
