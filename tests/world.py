"""The whole system for end-to-end tests: the service on a socket, with the real GitHub client talking to
the stand-in on another socket, the sample organisation seeded, and a virtual clock for the outbox's
pacing and backoff (so tests never wait, and never assert on time).
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone

import aiohttp
from aiohttp.test_utils import TestServer

from app.backfill.runner import HistoryRunner
from app.demo import sample
from app.demo.actions import Actions
from app.github import GitHubClient, RetryPolicy
from app.outbox import OutboxSender, Pacer
from app.promotion.progress import after_import
from app.server import make_app
from app.server.web import PROCESSING
from app.settings import Settings
from app.stand_in import start_stand_in, webhooks
from app.store import open_database
from tests.conftest import SECRET, Service
from tests.stores import settings_for


class VirtualClock:
    """Time that passes only when someone sleeps (or the test moves it)."""

    def __init__(self) -> None:
        self.now = time.time()
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)


class World:
    def __init__(self, stand_in, service: Service, sender: OutboxSender, clock: VirtualClock, session) -> None:
        self.stand_in = stand_in
        self.state = stand_in.state
        self.service = service
        self.sender = sender
        self.clock = clock
        self.session = session
        self.act = Actions(stand_in.state)
        self.delivered: list[tuple[str, dict, str]] = []  # (event, payload, delivery id) in order
        self._echoed = 0

    @property
    def db(self):
        return self.service.db

    async def deliver(self, deliveries, *, settle: bool = True) -> None:
        for event, payload in deliveries:
            delivery_id = f"d-{len(self.delivered) + 1}"
            resp = await self.service.deliver(event, payload, delivery_id=delivery_id)
            assert resp.status == 202, (event, resp.status)
            self.delivered.append((event, payload, delivery_id))
            await self.service.settle()
        if settle:
            await self.settle()

    async def settle(self, *, rounds: int = 50) -> None:
        """Process every delivery, send every due effect (moving the clock to retries), and deliver what
        GitHub would send back about the app's own pull requests; until nothing is left."""
        for _ in range(rounds):
            await self.service.settle()
            failed = self.db.execute(
                "SELECT id, event, last_error FROM deliveries WHERE last_error IS NOT NULL"
            ).fetchall()
            assert not failed, f"deliveries failed in a handler: {failed}"
            sent = await self.sender.drain()
            echoed = await self._echo_app_writes()
            due = self.db.execute("SELECT min(next_attempt_at) FROM outbox WHERE status = 'pending'").fetchone()[0]
            if not sent and not echoed:
                if due is None:
                    return
                self.clock.now = max(self.clock.now, due)
        raise AssertionError("the system did not settle")

    async def _echo_app_writes(self) -> int:
        """GitHub sends deliveries about the app's own writes too: `pull_request.opened` for the OWNERS
        pull request (which is how Ladder learns its address), `issues.opened` for a readiness issue."""
        new = self.stand_in.requests[self._echoed :]
        self._echoed = len(self.stand_in.requests)
        echoed = 0
        bot = f"{self.state.app_slug}[bot]"
        for request in new:
            parts = request.path.split("/")
            if request.method == "POST" and len(parts) == 5 and parts[4] == "issues" and request.status == 201:
                repo = "/".join(parts[2:4])
                issue = max(
                    (i for i in self.issues_by_app(repo) if i.title == request.body["title"]), key=lambda i: i.number
                )
                await self.deliver(
                    [webhooks.issues(self.state, repo, issue.number, "opened", sender=bot)], settle=False
                )
                echoed += 1
            if request.method == "POST" and request.path.endswith("/pulls") and request.status == 201:
                repo = "/".join(request.path.split("/")[2:4])
                pr = max(
                    (
                        i
                        for i in self.state.repo(repo).issues.values()
                        if i.pull and i.pull.head_ref == request.body["head"]
                    ),
                    key=lambda i: i.number,
                )
                await self.deliver(
                    [
                        webhooks.pull_request(
                            self.state, repo, pr.number, "opened", sender=f"{self.state.app_slug}[bot]"
                        )
                    ],
                    settle=False,
                )
                echoed += 1
        return echoed

    async def redeliver_everything(self) -> None:
        """GitHub's "Redeliver" on every delivery of the story: same GUIDs, same bodies."""
        for event, payload, delivery_id in list(self.delivered):
            resp = await self.service.deliver(event, payload, delivery_id=delivery_id)
            assert resp.status == 200
        await self.settle()

    # --- reading GitHub's side -----------------------------------------------------------------------
    def comments(self, repo: str, number: int, *, by_app: bool = True) -> list:
        bot = self.state.user(f"{self.state.app_slug}[bot]")
        issue = self.state.repo(repo).issues[number]
        return [c for c in issue.comments if not by_app or (bot is not None and c.user_id == bot.id)]

    def issues_by_app(self, repo: str) -> list:
        bot = self.state.user(f"{self.state.app_slug}[bot]")
        return [
            i
            for i in self.state.repo(repo).issues.values()
            if i.pull is None and bot is not None and i.user_id == bot.id
        ]

    def pulls_by_app(self, repo: str) -> list:
        bot = self.state.user(f"{self.state.app_slug}[bot]")
        return [
            i
            for i in self.state.repo(repo).issues.values()
            if i.pull is not None and bot is not None and i.user_id == bot.id
        ]


async def start_world(tmp_path, app_key, *, now: datetime | None = None, request_timeout: float = 30.0) -> World:
    now = now or datetime.now(timezone.utc)
    stand_in = await start_stand_in(app_id=app_key.app_id, public_key=app_key.public_pem)
    sample.seed(stand_in.state, now)
    session = aiohttp.ClientSession()
    clock = VirtualClock()
    github = GitHubClient(
        session,
        app_id=app_key.app_id,
        private_key=app_key.private_pem,
        api_url=stand_in.url,
        policy=RetryPolicy(sleep=clock.sleep),
        request_timeout=request_timeout,
    )
    settings = Settings(
        app_id=app_key.app_id,
        private_key=app_key.private_pem,
        webhook_secret=SECRET,
        github_api_url=stand_in.url,
        dashboard_public=True,  # the sample organisation's dashboard, for every test to read
        **settings_for(tmp_path / "ladder.db"),
    )
    # Only the delivery worker runs in the background (inline: it shares the test's GitHub client and
    # loop). The outbox is driven by the test (drain), on the virtual clock: no real pacing waits; the
    # history importer too: tests call `world.history.step()` when they want an import.
    app = make_app(settings, github=github, processing="inline", services=("worker",))
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    sender = OutboxSender(
        app[PROCESSING].db,
        github,
        settings,
        clock=clock,
        sleep=clock.sleep,
        pacer=Pacer(clock=clock, sleep=clock.sleep),
    )
    history = HistoryRunner(settings.database, github)
    history.db = open_database(settings.database, migrate_schema=False, durable=False)
    processing = app[PROCESSING]
    history.on_imported = lambda org, repo_ids: after_import(processing.make_context(f"import:{org}"), org)
    service = Service(server, aiohttp.ClientSession(), settings)
    world = World(stand_in, service, sender, clock, session)
    world.history = history
    return world


async def stop_world(world: World) -> None:
    await world.service.session.close()
    await world.service.server.close()
    await world.session.close()
    await world.stand_in.close()
    world.history.db.close()


async def make_approvable(world: World, repo: str, number: int, *, sponsors: tuple[str, ...] = ("omar",)) -> None:
    """What `/ladder approve` waits for (issue 10): the sponsors' `+1` and every checklist box ticked, as people
    do it on GitHub (comments, then an edit of the issue body)."""
    for login in sponsors:
        await world.deliver(world.act.comment(repo, number, login, "+1"))
    body = world.state.repo(repo).issues[number].body
    ticked = "\n".join(
        line.replace("- [ ] ", "- [x] ", 1) if line.startswith("- [ ] ") else line for line in body.split("\n")
    )
    await world.deliver(world.act.edit_issue_body(repo, number, ticked, by=sponsors[0] if sponsors else "omar"))
