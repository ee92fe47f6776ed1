"""The worker election and the heartbeats: which process is the active worker, and whether it is alive.

Every process that can process (each `ladder serve`, each `ladder work`) takes part; exactly one is active
at a time. How it is elected depends on the engine (`Dialect.session_locks`):

- PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`) taken on a dedicated connection
  (`open_database(..., dedicated=True)`) and held for the worker's life: when the process dies, its
  connection closes and the server releases the lock. `hold_lock` is asked every few seconds: it says
  whether this session still holds the lock, or takes it when it is free.
- SQLite: a lease row (`worker_lease`) that the holder renews every few seconds (`hold_lease`); another
  process may take it once `expires_at` has passed, or at once when its holder is known to be dead.

The heartbeat (`workers`): each process's row, renewed as it takes part; the active worker's row says
since when it is active and how its services are (JSON), which is how `/healthz` on a web replica that
processes nothing can tell whether a worker is alive.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.store.database import Database

LEASE = "worker"  # the one lease row
# The advisory lock's two keys ("ladd", "work"); the migration lock (dialect.py) is a different, bigint key.
LOCK_KEYS = (0x6C616464, 0x776F726B)


@dataclass(frozen=True)
class Heartbeat:
    id: str
    host: str
    pid: int
    started_at: float
    beat_at: float
    active_since: float | None
    services: dict[str, Any] | None


_COLUMNS = "id, host, pid, started_at, beat_at, active_since, services"


def _heartbeat(row: tuple) -> Heartbeat:
    return Heartbeat(*row[:6], json.loads(row[6]) if row[6] else None)


# --- the election -----------------------------------------------------------------------------------------
def hold_lock(db: Database) -> tuple[bool, bool]:
    """PostgreSQL, on a dedicated connection: (holds the worker lock now, held it already before this call).
    Taking it is tried only when this session does not hold it, so the lock is never stacked."""
    held = bool(
        db.scalar(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted"
            " AND classid = ? AND objid = ? AND objsubid = 2",
            list(LOCK_KEYS),
        )
    )
    if held:
        return True, True
    return bool(db.scalar("SELECT pg_try_advisory_lock(?, ?)", list(LOCK_KEYS))), False


def hold_lease(
    db: Database, holder: str, *, now: float, ttl: float, dead: Callable[[str], bool] = lambda _: False
) -> tuple[bool, bool]:
    """SQLite: (holds the lease until `now + ttl`, held it without a break before this call). The lease is
    taken over when it has run out, or when `dead(holder)` says its holder's process is gone."""
    with db.transaction():
        row = db.one("SELECT holder, expires_at FROM worker_lease WHERE name = ?", [LEASE])
        if row is None:
            db.execute(
                "INSERT INTO worker_lease (name, holder, expires_at) VALUES (?, ?, ?)", [LEASE, holder, now + ttl]
            )
            return True, False
        current, expires_at = row
        if current != holder and expires_at >= now and not dead(current):
            return False, False
        db.execute("UPDATE worker_lease SET holder = ?, expires_at = ? WHERE name = ?", [holder, now + ttl, LEASE])
        # Held without a break: still ours, and not run out (no one could have taken it meanwhile).
        return True, current == holder and expires_at >= now


def drop_lease(db: Database, holder: str) -> None:
    """SQLite: a worker that stops lets the lease go, so a standby takes over at its next try."""
    db.execute("UPDATE worker_lease SET expires_at = 0 WHERE name = ? AND holder = ?", [LEASE, holder])


# --- heartbeats -------------------------------------------------------------------------------------------
def beat(
    db: Database,
    worker_id: str,
    *,
    host: str,
    pid: int,
    started_at: float,
    now: float,
    active_since: float | None,
    services: dict[str, Any] | None,
) -> None:
    """This process's heartbeat: standing by (`active_since` None), or active with its services' health."""
    db.execute(
        "INSERT INTO workers (id, host, pid, started_at, beat_at, active_since, services)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET beat_at = excluded.beat_at,"
        " active_since = excluded.active_since, services = excluded.services",
        [
            worker_id,
            host,
            pid,
            started_at,
            now,
            active_since,
            None if services is None else json.dumps(services, default=str),
        ],
    )


def active(db: Database) -> Heartbeat | None:
    """The most recent heartbeat of an active worker (it may be old: the caller judges its age)."""
    row = db.one(f"SELECT {_COLUMNS} FROM workers WHERE active_since IS NOT NULL ORDER BY beat_at DESC, id LIMIT 1")
    return _heartbeat(row) if row else None


def standing_by(db: Database, *, since: float) -> list[Heartbeat]:
    """Workers standing by that were heard from after `since`."""
    rows = db.query(
        f"SELECT {_COLUMNS} FROM workers WHERE active_since IS NULL AND beat_at >= ? ORDER BY started_at, id",
        [since],
    )
    return [_heartbeat(r) for r in rows]


def leave(db: Database, worker_id: str) -> None:
    """A worker that stops takes its row away: no one waits for its heartbeat to run out."""
    db.execute("DELETE FROM workers WHERE id = ?", [worker_id])


def forget_silent(db: Database, *, before: float) -> int:
    """Rows of processes not heard from since `before` (stopped or dead long ago)."""
    return db.execute("DELETE FROM workers WHERE beat_at < ?", [before]).rowcount
