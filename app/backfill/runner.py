"""Running the history import: the jobs in the store, the daily reconciliation, and the background service.

The webhook handlers only record jobs (app/handlers/history.py); this service does the work beside the
delivery worker, so a delivery is never held up by minutes of importing. Once a day it imports what
changed since each repository's last import, which repairs any delivery GitHub failed to make.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Awaitable, Callable

import gidgethub

from app.backfill import jobs
from app.backfill.budget import DEFAULT_RESERVE, Budget
from app.backfill.importer import ImportStats
from app.backfill.repository import Importer, PageReport
from app.runtime.polling import PollingService
from app.store import backfill as store
from app.store.database import Database

log = logging.getLogger("ladder.backfill")

DAY = 24 * 3600.0
OnImported = Callable[[str, list[int]], "Awaitable[None] | None"]


@dataclass
class RunReport:
    """What one run of the jobs did."""

    repositories: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (full_name, error)
    pull_requests: int = 0
    imported: dict[str, list[int]] = field(default_factory=dict)  # org -> repo ids with pull requests stored


@dataclass
class Options:
    reserve: float = DEFAULT_RESERVE
    page_size: int | None = None
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    clock: Callable[[], float] = time.time
    on_page: Callable[[PageReport], None] | None = None
    stats: ImportStats = field(default_factory=ImportStats)


async def installation_for(github: Any, full_name: str) -> int:
    """The installation that covers a repository (for jobs recorded without one): matched on its account."""
    owner = full_name.split("/", 1)[0].lower()
    async for inst in github.app_api().getiter("/app/installations"):
        if (inst.get("account") or {}).get("login", "").lower() == owner:
            return int(inst["id"])
    raise LookupError(f"the App is not installed on {owner}")


async def run_jobs(
    db: Database,
    github: Any,
    *,
    repo_ids: list[int] | None = None,
    options: Options | None = None,
    budgets: dict[int, Budget] | None = None,
) -> RunReport:
    """Import every job with work left (or those of `repo_ids`), one repository after another.

    One budget per installation: each installation's points are its own."""
    options = options or Options()
    budgets = {} if budgets is None else budgets
    report = RunReport()
    for job in jobs.to_run(db, repo_ids):
        try:
            installation_id = job.installation_id or await installation_for(github, job.full_name)
            budget = budgets.get(installation_id)
            if budget is None:
                budget = budgets[installation_id] = Budget(
                    reserve=options.reserve, sleep=options.sleep, clock=options.clock
                )
            gh = await github.for_installation(installation_id)
            importer = Importer(
                db,
                gh,
                budget,
                page_size=options.page_size,
                stats=options.stats,
                on_page=options.on_page,
                now=lambda: jobs.now_iso(options.clock),
            )
            stored = await importer.run(job)
        except asyncio.CancelledError:
            raise
        except (gidgethub.GitHubException, LookupError, ValueError, TypeError, KeyError) as error:
            message = f"{type(error).__name__}: {error}"
            log.warning("history import of %s failed: %s", job.full_name, message)
            jobs.mark_failed(db, job.repo_id, message)
            report.failed.append((job.full_name, message))
            continue
        report.repositories += 1
        report.pull_requests += stored
        if stored:
            report.imported.setdefault(job.owner.lower(), []).append(job.repo_id)
    return report


async def notify(on_imported: OnImported | None, report: RunReport) -> None:
    """Tell the evaluation code which repositories have new facts, one call per organisation."""
    if on_imported is None:
        return
    for org, repo_ids in report.imported.items():
        try:
            result = on_imported(org, repo_ids)
            if inspect.isawaitable(result):
                await result
        except asyncio.CancelledError:
            raise
        except Exception:  # the import is stored; a failing re-evaluation must not undo or stop it
            log.exception("on_imported(%s) failed", org)


async def reconcile(
    db: Database,
    github: Any,
    *,
    options: Options | None = None,
    budgets: dict[int, Budget] | None = None,
    on_imported: OnImported | None = None,
) -> RunReport:
    """The daily pass: for every followed repository, import what changed since its last import began
    (a repository never imported gets the default twelve months)."""
    options = options or Options()
    now = jobs.now_iso(options.clock)
    pass_id = store.start_pass(db, now)
    repositories = jobs.followed_repositories(db)
    for repo_id, full_name, installation_id in repositories:
        job = jobs.get(db, repo_id)
        since = jobs.default_since(options.clock)
        if job is not None and job.status in ("pending", "running"):
            continue  # already has work queued; it runs below
        if job is not None:
            since = job.since  # schedule() narrows this to the last import's start
        jobs.schedule(db, [(repo_id, full_name, installation_id)], since=since, reason="reconcile", now=now)
    report = RunReport()
    error = None
    try:
        report = await run_jobs(db, github, repo_ids=[r[0] for r in repositories], options=options, budgets=budgets)
        if report.failed:
            error = "; ".join(f"{name}: {message}" for name, message in report.failed)[:2000]
    finally:
        points = sum(b.used for b in (budgets or {}).values())
        store.finish_pass(
            db,
            pass_id,
            now=jobs.now_iso(options.clock),
            repositories=report.repositories,
            pull_requests=report.pull_requests,
            points=points,
            error=error,
        )
    await notify(on_imported, report)
    return report


def seconds_until_reconcile(db: Database, every: float, clock: Callable[[], float]) -> float:
    last = store.last_pass_started_at(db)
    if last is None:
        # The first pass comes a day after the first import, not at start-up.
        first = store.first_finished_at(db)
        if first is None:
            return every
        last = first
    from datetime import datetime

    started = datetime.fromisoformat(last.replace("Z", "+00:00")).timestamp()
    return max(0.0, started + every - clock())


class HistoryRunner(PollingService):
    """The supervised polling service (app/server/polling.py): imports recorded jobs as they appear, and
    reconciles once a day. It opens its own connection (a pass runs for minutes).

    In dry-run (no GitHub client) it stays idle and says so in /healthz."""

    name = "backfill"

    def __init__(
        self,
        database: str | Path,
        github: Any,
        *,
        reconcile_every: float = DAY,
        poll: float = 5.0,
        options: Options | None = None,
        on_imported: OnImported | None = None,
    ) -> None:
        super().__init__(idle_wait=poll)
        self.database = database  # a SQLite file or a PostgreSQL URL: it opens its own connection
        self.github = github
        self.reconcile_every = reconcile_every
        self.options = options or Options()
        self.on_imported = on_imported  # set by the evaluation code: re-evaluate these repositories
        self.budgets: dict[int, Budget] = {}
        self.current: str | None = None
        self.db: Database | None = None
        self.options.on_page = self._on_page

    def _on_page(self, page: PageReport) -> None:
        self.current = None if page.finished else page.full_name

    async def prepare(self) -> None:
        from app.store import open_database

        # A job left `running` by a process that stopped continues from its cursor.
        if self.db is None:
            self.db = open_database(self.database, migrate_schema=False, durable=False)

    async def cleanup(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    def seconds_until_due(self) -> float:
        if self.github is None or self.db is None:
            return self.idle_wait
        return min(self.idle_wait, seconds_until_reconcile(self.db, self.reconcile_every, self.options.clock))

    async def step(self) -> bool:
        """Import recorded jobs, then reconcile if a day has passed. Everything due is done in one step."""
        if self.github is None or self.db is None:
            return False
        if jobs.to_run(self.db):
            report = await run_jobs(self.db, self.github, options=self.options, budgets=self.budgets)
            self.current = None
            await notify(self.on_imported, report)
        if seconds_until_reconcile(self.db, self.reconcile_every, self.options.clock) <= 0:
            await reconcile(
                self.db, self.github, options=self.options, budgets=self.budgets, on_imported=self.on_imported
            )
            self.current = None
        return False

    def details(self) -> dict:
        return {
            "dry_run": self.github is None,
            "current": self.current,
            "paused_seconds": round(sum(b.paused_seconds for b in self.budgets.values()), 3),
            "points_left": {str(i): b.remaining for i, b in self.budgets.items()},
        }

    def metrics_lines(self) -> list[str]:
        budgets = list(self.budgets.values())
        return [
            "# HELP ladder_backfill_points_used_total GraphQL points the history import spent since start.",
            "# TYPE ladder_backfill_points_used_total counter",
            f"ladder_backfill_points_used_total {sum(b.used for b in budgets)}",
            "# HELP ladder_backfill_pauses_total Pauses until a rate-limit reset.",
            "# TYPE ladder_backfill_pauses_total counter",
            f"ladder_backfill_pauses_total {sum(b.pauses for b in budgets)}",
        ]
