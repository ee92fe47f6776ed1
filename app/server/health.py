"""What `/healthz` says, and the worker's side of `/metrics`, on any process that answers HTTP.

The processing services may run in this process (`ladder serve`, when it is the active worker) or in
another (`ladder work`, or another `ladder serve`): then what they say comes from the active worker's
heartbeat in the database (app/store/workers.py). `/healthz` answers 503, with a sentence per problem in
`problems`, when the database does not answer, when no active worker has been heard from for
`WORKER_SILENCE` seconds, or when a service of the active worker is not running (failing since …, with
its last error). Everything here reads the database: the caller runs it off the event loop, bounded.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from app import __version__
from app.runtime.polling import iso
from app.server.processing import SERVICES, Processing, ProcessingThread
from app.store import backfill as backfill_rows
from app.store import deliveries, workers
from app.store import outbox as outbox_rows
from app.store.database import Database

WORKER_SILENCE = 30.0  # seconds without an active worker's heartbeat before /healthz says there is none


@dataclass
class WorkerView:
    """The processing side as this process can see it."""

    this_process: str  # active | paused | standby | starting | web only
    active: workers.Heartbeat | None
    alive: bool  # an active worker was heard from within WORKER_SILENCE (or it is this process)
    services: dict[str, dict] = field(default_factory=dict)  # name -> health, of the active worker
    metric_lines: list[str] = field(default_factory=list)
    standing_by: int = 0


def local_processing(processing: Processing | ProcessingThread | None) -> Processing | None:
    return processing.processing if isinstance(processing, ProcessingThread) else processing


def worker_view(db: Database, processing: Processing | ProcessingThread | None, *, now: float) -> WorkerView:
    local = local_processing(processing)
    role = local.role if local is not None else "web only"
    active = workers.active(db)
    standing_by = len(workers.standing_by(db, since=now - WORKER_SILENCE))
    if local is not None and role in ("active", "paused"):
        snapshot = local.snapshot()
        return WorkerView(role, active, True, snapshot["health"], snapshot["metrics"], standing_by)
    alive = active is not None and now - active.beat_at <= WORKER_SILENCE
    snapshot = (active.services if alive and active is not None else None) or {}
    return WorkerView(role, active, alive, snapshot.get("health", {}), snapshot.get("metrics", []), standing_by)


def report(db: Database, processing, *, dry_run: bool, now: float | None = None) -> tuple[int, dict]:
    """(HTTP status, JSON body) of /healthz."""
    now = time.time() if now is None else now
    queue = deliveries.stats(db, now=now)
    effects = outbox_rows.stats(db, now=now)
    history = backfill_rows.summary(db)
    view = worker_view(db, processing, now=now)
    problems: list[str] = []
    if not view.alive:
        if view.active is None:
            problems.append("no worker has been active on this database: start `ladder work` (or `ladder serve`)")
        else:
            problems.append(
                f"no active worker has been heard from for {now - view.active.beat_at:.0f} s"
                f" (the last was {view.active.id})"
            )
    elif view.this_process == "paused":
        problems.append("this worker could not renew its election in time: it starts nothing new until it does")
    sections: dict[str, dict] = {}
    for name in SERVICES:
        health = view.services.get(name)
        if health is None:
            if view.alive:
                continue  # the active worker does not run it
            health = {"running": False, "state": "no worker"}
        elif not health.get("running"):
            problem = f"{name} is {health.get('state', 'not running')} since {health.get('since')}"
            if health.get("last_error"):
                problem += f": {health['last_error']}"
            problems.append(problem)
        sections[name] = dict(health)
    # What the database knows about the outbox and the import, whoever runs them.
    sections.setdefault("outbox", {}).setdefault("dry_run", dry_run)
    sections["outbox"].update(
        effects.counts,
        oldest_pending_age_seconds=None if effects.oldest_pending_age is None else round(effects.oldest_pending_age, 3),
        recent_failures=[{"key": key, "error": error} for key, error in effects.failed_recent],
    )
    sections.setdefault("backfill", {}).setdefault("dry_run", dry_run)
    sections["backfill"].update(history)
    active = view.active
    body = {
        "status": "failing" if problems else "ok",
        "version": __version__,
        "database": "ok",
        "dry_run": dry_run,
        "queue_depth": queue.pending,
        "oldest_pending_age_seconds": None if queue.oldest_pending_age is None else round(queue.oldest_pending_age, 3),
        "failed_deliveries": queue.failed,
        "processed_deliveries": queue.done,
        **sections,
        "workers": {
            "this_process": view.this_process,
            "active": None
            if active is None
            else {
                "id": active.id,
                "since": None if active.active_since is None else iso(active.active_since),
                "heartbeat_age_seconds": round(max(0.0, now - active.beat_at), 3),
            },
            "standing_by": view.standing_by,
        },
        "problems": problems,
    }
    return (503 if problems else 200), body
