"""The delivery queue: stored first, answered 202, processed later by the worker.

A delivery is a row keyed on `X-GitHub-Delivery`. The worker leases one row at a time, so a second
process (or a restarted one) never handles a delivery another is working on, and a crash mid-way simply
lets the lease run out: the row is still `pending` and is taken up again.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from app.store.database import Database

PENDING, DONE, FAILED = "pending", "done", "failed"
MAX_ATTEMPTS = 6
LEASE_SECONDS = 300.0


@dataclass(frozen=True)
class Delivery:
    id: str
    event: str
    action: str | None
    installation_id: int | None
    received_at: float
    body: bytes
    status: str
    attempts: int
    last_error: str | None

    def payload(self) -> dict:
        return json.loads(self.body)


_COLUMNS = "id, event, action, installation_id, received_at, body, status, attempts, last_error"


def _delivery(row: tuple) -> Delivery:
    return Delivery(*row[:5], bytes(row[5]), *row[6:])


def enqueue(
    db: Database,
    delivery_id: str,
    event: str,
    body: bytes,
    payload: dict,
    *,
    now: float | None = None,
) -> bool:
    """Store a delivery; False when this delivery id was stored before (a redelivery: nothing changes)."""
    now = time.time() if now is None else now
    installation = payload.get("installation") if isinstance(payload, dict) else None
    cursor = db.execute(
        "INSERT INTO deliveries (id, event, action, installation_id, received_at, body,"
        " status, attempts, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?) ON CONFLICT DO NOTHING",
        [
            delivery_id,
            event,
            payload.get("action") if isinstance(payload, dict) else None,
            installation.get("id") if isinstance(installation, dict) else None,
            now,
            body,
            now,
        ],
    )
    return cursor.rowcount == 1


def lease_next(db: Database, *, now: float | None = None) -> Delivery | None:
    """Take the oldest due delivery and lease it to this worker, or None when nothing is due. Two workers
    never lease the same delivery: SQLite has one writer, PostgreSQL skips rows another worker holds."""
    now = time.time() if now is None else now
    with db.transaction():
        row = db.one(
            "SELECT id FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ?"
            " AND (lease_until IS NULL OR lease_until < ?) ORDER BY next_attempt_at, received_at, id LIMIT 1"
            f"{db.dialect.skip_locked}",
            [now, now],
        )
        if row is None:
            return None
        db.execute(
            "UPDATE deliveries SET lease_until = ?, attempts = attempts + 1 WHERE id = ?",
            [now + LEASE_SECONDS, row[0]],
        )
    return get(db, row[0])


def get(db: Database, delivery_id: str) -> Delivery | None:
    row = db.one(f"SELECT {_COLUMNS} FROM deliveries WHERE id = ?", [delivery_id])
    return _delivery(row) if row else None


def mark_done(db: Database, delivery_id: str, *, now: float | None = None) -> None:
    db.execute(
        "UPDATE deliveries SET status = 'done', processed_at = ?, lease_until = NULL, last_error = NULL WHERE id = ?",
        [time.time() if now is None else now, delivery_id],
    )


def backoff_seconds(attempts: int) -> float:
    """Seconds before the next try after `attempts` failed ones: 5 s, 10 s, 20 s … capped at 30 minutes."""
    return min(5.0 * 2 ** (attempts - 1), 1800.0)


def mark_failed_attempt(
    db: Database, delivery: Delivery, error: str, *, now: float | None = None, final: bool = False
) -> str:
    """Record a failed attempt: schedule a retry, or keep it as failed after the last one (or at once when
    `final`: a retry cannot help). Returns the status."""
    now = time.time() if now is None else now
    if final or delivery.attempts >= MAX_ATTEMPTS:
        db.execute(
            "UPDATE deliveries SET status = 'failed', lease_until = NULL, last_error = ?, processed_at = ?"
            " WHERE id = ?",
            [error, now, delivery.id],
        )
        return FAILED
    db.execute(
        "UPDATE deliveries SET lease_until = NULL, last_error = ?, next_attempt_at = ? WHERE id = ?",
        [error, now + backoff_seconds(delivery.attempts), delivery.id],
    )
    return PENDING


def requeue(db: Database, delivery_id: str, *, now: float | None = None) -> bool:
    """Put a delivery (usually a failed one) back in the queue for a fresh set of attempts."""
    now = time.time() if now is None else now
    cursor = db.execute(
        "UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, lease_until = NULL WHERE id = ?",
        [now, delivery_id],
    )
    return cursor.rowcount == 1


def release_leases(db: Database) -> int:
    """On start: deliveries leased by a process that died are due again at once."""
    return db.execute(
        "UPDATE deliveries SET lease_until = NULL WHERE status = 'pending' AND lease_until IS NOT NULL"
    ).rowcount


@dataclass(frozen=True)
class QueueStats:
    pending: int
    failed: int
    done: int
    oldest_pending_age: float | None  # seconds


def stats(db: Database, *, now: float | None = None) -> QueueStats:
    now = time.time() if now is None else now
    counts = dict(db.query("SELECT status, count(*) FROM deliveries GROUP BY status"))
    oldest = db.scalar("SELECT min(received_at) FROM deliveries WHERE status = 'pending'")
    return QueueStats(
        pending=counts.get(PENDING, 0),
        failed=counts.get(FAILED, 0),
        done=counts.get(DONE, 0),
        oldest_pending_age=None if oldest is None else max(0.0, now - oldest),
    )


def listing(db: Database, *, failed_only: bool = False, limit: int = 50) -> list[Delivery]:
    where = "WHERE status = 'failed'" if failed_only else ""
    rows = db.query(f"SELECT {_COLUMNS} FROM deliveries {where} ORDER BY received_at DESC, id DESC LIMIT ?", [limit])
    return [_delivery(row) for row in rows]


def next_due(db: Database) -> float | None:
    """When the next pending delivery is due (None when none is pending)."""
    return db.scalar("SELECT min(next_attempt_at) FROM deliveries WHERE status = 'pending'")
