"""The processing side of a process: the delivery worker, the outbox sender and the history importer,
running only while this process is the elected worker (election.py).

It owns what processing needs and the web side must not share: its own database connection, its own
GitHub client (an aiohttp session belongs to one event loop) and, for each term of leadership, a fresh
`Evaluator` (the in-memory indexes live only in the active worker). It runs on an event loop of its
own — in `ladder work` the process's, in `ladder serve` a thread's (`ProcessingThread`) — so handlers,
evaluations and waits on GitHub never hold up the loop that answers HTTP.

Wake-ups: the web side in the same process calls `notify()` after each commit that stored deliveries
(thread-safe). Web replicas in other processes are not heard: the worker looks at the queue every
`idle_wait` seconds (1 s) when it found nothing — a cheap indexed query — and never waits while there is
work. PostgreSQL's LISTEN/NOTIFY would save that second at the price of a NOTIFY in every intake commit,
which PostgreSQL serialises across all committing sessions: the ingest path stays free of it.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

from app.runtime.polling import PollingService, describe
from app.server.election import EVERY, TTL, Election, Identity
from app.server.metrics import Metrics
from app.server.worker import BATCH_SIZE, Worker
from app.settings import Settings
from app.store import open_database
from app.store.database import Database

log = logging.getLogger("ladder.processing")

SERVICES = ("worker", "outbox", "backfill", "way_down", "rhythm")


class Processing:
    def __init__(
        self,
        settings: Settings,
        *,
        metrics: Metrics | None = None,
        github: Any = None,
        services: tuple[str, ...] = SERVICES,
        batch_size: int = BATCH_SIZE,
        outbox_options: dict | None = None,
        identity: Identity | None = None,
        election_ttl: float = TTL,
        election_every: float = EVERY,
        intake_busy=None,
    ) -> None:
        """`github`: a client bound to the loop this will run on (tests); None: one is made from the
        settings on that loop (none in dry-run). `intake_busy`: in `ladder serve`, whether the web side of
        this process is receiving deliveries right now (the worker lets a burst be answered first)."""
        self.settings = settings
        self.metrics = metrics or Metrics()
        self.github = github
        self.wanted = services
        self.batch_size = batch_size
        self.outbox_options = outbox_options or {}
        self.identity = identity or Identity()
        self.election_ttl = election_ttl
        self.election_every = election_every
        self.intake_busy = intake_busy
        self.db: Database | None = None
        self.election: Election | None = None
        self.services: list[PollingService] = []  # this term's, while active
        self.make_context = None  # this term's: a handler's Context (with this term's Evaluator)
        self._session = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._changed: asyncio.Event | None = None
        self._follower: asyncio.Task | None = None
        self._term = 0

    # --- life -----------------------------------------------------------------------------------------------
    async def start(self) -> None:
        """Open the store and GitHub, take part in the election, and start the services if elected."""
        self._loop = asyncio.get_running_loop()
        self._changed = asyncio.Event()
        # Migrates when it is the first of the process to open the store (`ladder work`).
        self.db = await self._loop.run_in_executor(None, lambda: open_database(self.settings.database, durable=False))
        if self.github is None and not self.settings.dry_run:
            import aiohttp

            from app.github import GitHubClient

            self._session = aiohttp.ClientSession()
            self.github = GitHubClient(
                self._session,
                app_id=self.settings.app_id,
                private_key=self.settings.private_key,
                api_url=self.settings.github_api_url,
            )
        if self.github is not None and hasattr(self.github, "on_response"):
            self.github.on_response = self.metrics.github_response
        self.election = Election(
            self.settings.database,
            self.identity,
            ttl=self.election_ttl,
            every=self.election_every,
            snapshot=self.snapshot,
            on_change=self._on_change,
        )
        await self._loop.run_in_executor(None, self.election.start)
        await self._follow_once()
        self._follower = self._loop.create_task(self._follow(), name="ladder-processing")

    async def stop(self) -> None:
        from app.runtime.polling import cancel

        await cancel(self._follower)
        self._follower = None
        await self._stop_services()
        if self.election is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.election.stop)
        if self.db is not None:
            self.db.close()
            self.db = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    def notify(self) -> None:
        """Deliveries were stored: the worker looks now. Safe from any thread."""
        for service in list(self.services):
            if service.name == "worker":
                service.notify()

    def service(self, name: str) -> PollingService | None:
        return next((s for s in list(self.services) if s.name == name), None)

    # --- what the web side and the heartbeat read (from other threads: memory only) -------------------------
    @property
    def role(self) -> str:
        election = self.election
        if election is None:
            return "starting"
        if election.paused:
            return "paused"  # the leader's renewal is overdue: nothing new is started
        return "active" if election.leader else "standby"

    def snapshot(self) -> dict:
        """The active worker's services: health, and metric lines (theirs and the processing side's)."""
        return {
            "health": {s.name: s.health() for s in list(self.services)},
            "metrics": [line for s in list(self.services) for line in s.metrics_lines()] + self.metrics.work_lines(),
        }

    # --- following the election -------------------------------------------------------------------------------
    def _on_change(self) -> None:  # the election's thread
        loop, changed = self._loop, self._changed
        if loop is not None and changed is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(changed.set)
            except RuntimeError:
                pass

    async def _follow(self) -> None:
        assert self._changed is not None
        while True:
            await self._changed.wait()
            self._changed.clear()
            try:
                await self._follow_once()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # the services are tried again at the next change of the election
                log.error("could not start or stop processing: %s", describe(error))

    async def _follow_once(self) -> None:
        election = self.election
        assert election is not None
        if self.services and (not election.leader or election.term != self._term):
            await self._stop_services()
            log.info("processing stopped: %s", "another worker is active" if not election.leader else "a new term")
        if election.leader and not self.services:
            self._term = election.term
            self.services = self._build()
            for service in self.services:
                service.may_work = election.may_work
                service.start()
            log.info("processing: %s running", ", ".join(s.name for s in self.services))

    async def _stop_services(self) -> None:
        services, self.services = self.services, []
        self.make_context = None
        for service in reversed(services):
            await service.stop()

    def _build(self) -> list[PollingService]:
        from app import handlers
        from app.backfill.runner import HistoryRunner
        from app.context import Context
        from app.evaluations import Evaluator
        from app.outbox import OutboxSender
        from app.promotion.progress import after_import

        db, github, settings = self.db, self.github, self.settings
        evaluator = Evaluator(db)  # this term's indexes

        def make_context(delivery_id: str) -> Context:
            return Context(db=db, settings=settings, github=github, delivery_id=delivery_id, evaluator=evaluator)

        self.make_context = make_context

        built: list[PollingService] = []
        sender = OutboxSender(db, github, settings, **self.outbox_options) if "outbox" in self.wanted else None
        if "worker" in self.wanted:
            built.append(
                Worker(
                    db,
                    handlers.router,
                    make_context,
                    self.metrics,
                    owner=self.identity.id,
                    batch_size=self.batch_size,
                    on_processed=sender.notify if sender is not None else None,
                    intake_busy=self.intake_busy,
                )
            )
        if sender is not None:
            built.append(sender)
        if "backfill" in self.wanted:
            history = HistoryRunner(settings.database, github)
            history.on_imported = lambda org, repo_ids: after_import(make_context(f"import:{org}"), org)
            built.append(history)
        if "way_down" in self.wanted:
            from app.promotion.way_down_runner import WayDownRunner

            built.append(WayDownRunner(make_context))
        if "rhythm" in self.wanted:
            from app.promotion.digest_runner import DigestRunner

            built.append(DigestRunner(make_context))
        return built


class ProcessingThread:
    """`Processing` on a thread with its own event loop (`ladder serve`): the web side's loop only answers."""

    def __init__(self, processing: Processing) -> None:
        self.processing = processing
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._started = threading.Event()
        self._error: BaseException | None = None

    def start(self) -> None:
        """Start it and wait until it has opened its store and tried the election once (blocking)."""
        self._thread = threading.Thread(target=self._main, name="ladder-processing", daemon=True)
        self._thread.start()
        self._started.wait()
        if self._error is not None:
            self._thread.join()
            raise self._error

    def stop(self) -> None:
        """Stop the services and leave the election (blocking)."""
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None and self._thread is not None and self._thread.is_alive():
            loop.call_soon_threadsafe(stop.set)
            self._thread.join()
        self._thread = None

    def notify(self) -> None:
        self.processing.notify()

    def _main(self) -> None:
        asyncio.run(self._run())

    async def _run(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        try:
            await self.processing.start()
        except BaseException as error:
            self._error = error
            self._started.set()
            await self.processing.stop()
            return
        self._started.set()
        try:
            await self._stop.wait()
        finally:
            await self.processing.stop()
