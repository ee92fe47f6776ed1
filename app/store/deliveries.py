"""The delivery queue: stored first, answered 202, processed later by the worker.

A delivery is a row keyed on `X-GitHub-Delivery`. The worker leases them a batch at a time (one
transaction for up to N due deliveries), marks each done or failed as soon as it is processed, and a crash
mid-batch simply leaves the rest leased: the next active worker releases them (`release_leases`) and
they are taken up again. A lease names its worker (`leased_by`): a worker that lost the election
cannot mark a delivery another has taken over. `runs` counts the processing runs that reached an
outcome, so a delivery processed once says 1.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from enum import Enum

from app.store.database import Database


class Status(str, Enum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


PENDING, DONE, FAILED = Status.PENDING.value, Status.DONE.value, Status.FAILED.value
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
    runs: int = 0  # processing runs that reached an outcome

    def payload(self) -> dict:
        return json.loads(self.body)


_COLUMNS = "id, event, action, installation_id, received_at, body, status, attempts, last_error, runs"


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


def lease_batch(db: Database, owner: str, *, limit: int = 1, now: float | None = None) -> list[Delivery]:
    """Lease up to `limit` due deliveries to the worker `owner`, oldest first, in one transaction. Two
    workers never lease the same delivery: SQLite has one writer, PostgreSQL skips rows another holds.
    Each counts as an attempt started (a delivery that kills its worker does not loop for ever)."""
    now = time.time() if now is None else now
    with db.transaction():
        ids = [
            row[0]
            for row in db.query(
                "SELECT id FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ?"
                " AND (lease_until IS NULL OR lease_until < ?) ORDER BY next_attempt_at, received_at, id LIMIT ?"
                f"{db.dialect.skip_locked}",
                [now, now, max(1, int(limit))],
            )
        ]
        if not ids:
            return []
        marks = ", ".join("?" * len(ids))
        db.execute(
            f"UPDATE deliveries SET lease_until = ?, leased_by = ?, attempts = attempts + 1 WHERE id IN ({marks})",
            [now + LEASE_SECONDS, owner, *ids],
        )
        rows = {row[0]: row for row in db.query(f"SELECT {_COLUMNS} FROM deliveries WHERE id IN ({marks})", ids)}
    return [_delivery(rows[i]) for i in ids]


def give_back(db: Database, owner: str, delivery_ids: list[str]) -> int:
    """Leased deliveries this worker did not start (it is stopping): due again at once, the attempt the
    lease counted taken back."""
    if not delivery_ids:
        return 0
    marks = ", ".join("?" * len(delivery_ids))
    return db.execute(
        "UPDATE deliveries SET lease_until = NULL, leased_by = NULL, attempts = attempts - 1"
        f" WHERE status = 'pending' AND leased_by = ? AND id IN ({marks})",
        [owner, *delivery_ids],
    ).rowcount


def get(db: Database, delivery_id: str) -> Delivery | None:
    row = db.one(f"SELECT {_COLUMNS} FROM deliveries WHERE id = ?", [delivery_id])
    return _delivery(row) if row else None


def mark_done(db: Database, delivery: Delivery, owner: str, *, now: float | None = None) -> bool:
    """Processed. False when `owner` no longer holds the lease (another worker took the delivery over
    after this one lost the election): that worker's outcome is the one kept."""
    return (
        db.execute(
            "UPDATE deliveries SET status = 'done', processed_at = ?, lease_until = NULL, leased_by = NULL,"
            " last_error = NULL, runs = runs + 1 WHERE id = ? AND leased_by = ? AND status = 'pending'",
            [time.time() if now is None else now, delivery.id, owner],
        ).rowcount
        == 1
    )


def backoff_seconds(attempts: int) -> float:
    """Seconds before the next try after `attempts` failed ones: 5 s, 10 s, 20 s … capped at 30 minutes."""
    return min(5.0 * 2 ** (attempts - 1), 1800.0)


def mark_failed_attempt(
    db: Database, delivery: Delivery, owner: str, error: str, *, now: float | None = None, final: bool = False
) -> str | None:
    """Record a failed attempt: schedule a retry, or keep it as failed after the last one (or at once when
    `final`: a retry cannot help). Returns the status, or None when `owner` no longer holds the lease."""
    now = time.time() if now is None else now
    if final or delivery.attempts >= MAX_ATTEMPTS:
        changed = db.execute(
            "UPDATE deliveries SET status = 'failed', lease_until = NULL, leased_by = NULL, last_error = ?,"
            " processed_at = ?, runs = runs + 1 WHERE id = ? AND leased_by = ? AND status = 'pending'",
            [error, now, delivery.id, owner],
        ).rowcount
        return FAILED if changed else None
    changed = db.execute(
        "UPDATE deliveries SET lease_until = NULL, leased_by = NULL, last_error = ?, next_attempt_at = ?,"
        " runs = runs + 1 WHERE id = ? AND leased_by = ? AND status = 'pending'",
        [error, now + backoff_seconds(delivery.attempts), delivery.id, owner],
    ).rowcount
    return PENDING if changed else None


def requeue(db: Database, delivery_id: str, *, now: float | None = None) -> bool:
    """Put a delivery (usually a failed one) back in the queue for a fresh set of attempts."""
    now = time.time() if now is None else now
    cursor = db.execute(
        "UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, lease_until = NULL,"
        " leased_by = NULL WHERE id = ?",
        [now, delivery_id],
    )
    return cursor.rowcount == 1


def release_leases(db: Database, owner: str | None = None) -> int:
    """Deliveries leased by a worker that died or lost the election are due again at once: the new active
    worker calls this as it starts (`owner` None: every lease). With `owner`: only that worker's (after a
    batch it could not finish because the database failed)."""
    if owner is None:
        return db.execute(
            "UPDATE deliveries SET lease_until = NULL, leased_by = NULL"
            " WHERE status = 'pending' AND lease_until IS NOT NULL"
        ).rowcount
    return db.execute(
        "UPDATE deliveries SET lease_until = NULL, leased_by = NULL WHERE status = 'pending' AND leased_by = ?",
        [owner],
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
