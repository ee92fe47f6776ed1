"""The outbox table: every write Ladder makes to GitHub, as a desired state with a stable key.

Statuses: `pending` (to be sent), `done` (GitHub holds the desired state), `failed` (retries ran out;
kept with the error), `planned` (dry-run: recorded with the requests it would send, never sent).
What an effect is and how it is sent is app/outbox's business; this module keeps the rows.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any, Iterable

from app.store.database import Database

PENDING, DONE, FAILED, PLANNED = "pending", "done", "failed", "planned"
STATUSES = (PENDING, DONE, FAILED, PLANNED)
LEASE_SECONDS = 600.0


@dataclass(frozen=True)
class Entry:
    """One row of the outbox, decoded."""

    id: int
    key: str
    kind: str
    repo: str
    grouping: str | None
    installation_id: int | None
    org: str | None
    person_id: int | None
    content: dict[str, Any]
    version: int
    status: str
    attempts: int
    next_attempt_at: float
    last_error: str | None
    result: dict[str, Any] | None
    requests: list[dict[str, Any]] | None
    planned_at: float
    updated_at: float
    done_at: float | None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


COLUMNS = (
    "id, key, kind, repo, grouping, installation_id, org, person_id, content, version, status, attempts,"
    " next_attempt_at, last_error, result, requests, planned_at, updated_at, done_at"
)


def _entry(row: tuple) -> Entry:
    values = list(row)
    values[8] = json.loads(values[8])  # content
    values[14] = json.loads(values[14]) if values[14] else None  # result
    values[15] = json.loads(values[15]) if values[15] else None  # requests
    return Entry(*values)


@dataclass(frozen=True)
class Planned:
    """What planning needs to know of the row already holding a key."""

    id: int
    kind: str
    content_hash: str
    status: str


def planned_for(db: Database, key: str) -> Planned | None:
    """The row holding `key`, locked until the caller's transaction ends (PostgreSQL: two planners of
    one key take turns; SQLite has one writer anyway)."""
    row = db.one(f"SELECT id, kind, content_hash, status FROM outbox WHERE key = ?{db.dialect.for_update}", [key])
    return None if row is None else Planned(*row)


def add(
    db: Database,
    *,
    key: str,
    kind: str,
    repo: str,
    grouping: str | None,
    installation_id: int | None,
    org: str | None,
    person_id: int | None,
    content: str,
    content_hash: str,
    status: str,
    requests: str | None,
    now: float,
) -> int:
    return db.insert(
        "INSERT INTO outbox (key, kind, repo, grouping, installation_id, org, person_id, content,"
        " content_hash, status, next_attempt_at, requests, planned_at, updated_at, pending_since)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [key, kind, repo, grouping, installation_id, org, person_id, content, content_hash, status]
        + [now, requests, now, now, now],
    )


def replace_content(
    db: Database,
    effect_id: int,
    *,
    content: str,
    content_hash: str,
    status: str,
    requests: str | None,
    installation_id: int | None,
    org: str | None,
    person_id: int | None,
    now: float,
) -> None:
    """New content for an effect: a new version, with a fresh set of attempts."""
    db.execute(
        "UPDATE outbox SET content = ?, content_hash = ?, version = version + 1, status = ?, attempts = 0,"
        " next_attempt_at = ?, last_error = NULL, requests = ?, updated_at = ?, pending_since = ?,"
        " installation_id = coalesce(?, installation_id), org = coalesce(?, org),"
        " person_id = coalesce(?, person_id) WHERE id = ?",
        [content, content_hash, status, now, requests, now, now, installation_id, org, person_id, effect_id],
    )


def get(db: Database, effect_id: int) -> Entry | None:
    row = db.one(f"SELECT {COLUMNS} FROM outbox WHERE id = ?", [effect_id])
    return None if row is None else _entry(row)


def get_by_key(db: Database, key: str) -> Entry | None:
    row = db.one(f"SELECT {COLUMNS} FROM outbox WHERE key = ?", [key])
    return None if row is None else _entry(row)


def list_effects(
    db: Database,
    status: str | None = None,
    person_id: int | None = None,
    *,
    org: str | None = None,
    limit: int | None = None,
) -> list[Entry]:
    """Effects, newest first, optionally only one status / person / org (for `ladder status` and the
    dashboard: what Ladder would do, is doing, or did)."""
    if status is not None and status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    where, params = [], []
    for column, value in (("status", status), ("person_id", person_id), ("org", org)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    sql = f"SELECT {COLUMNS} FROM outbox"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY updated_at DESC, id DESC"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [_entry(row) for row in db.query(sql, params)]


def lease_next(
    db: Database,
    *,
    now: float | None = None,
    skip_installations: Iterable[int] = (),
    lease_seconds: float = LEASE_SECONDS,
) -> Entry | None:
    """Take the oldest due pending effect (none for the installations in `skip_installations`, which a
    sender is already writing to), or None. Two senders never lease the same effect: SQLite has one
    writer, PostgreSQL skips the rows another sender's transaction holds."""
    now = time.time() if now is None else now
    skip = sorted(set(skip_installations))
    excluded = f" AND coalesce(installation_id, -1) NOT IN ({','.join('?' * len(skip))})" if skip else ""
    with db.transaction():
        row = db.one(
            f"SELECT {COLUMNS} FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?"
            f" AND (lease_until IS NULL OR lease_until < ?){excluded} ORDER BY next_attempt_at, id LIMIT 1"
            f"{db.dialect.skip_locked}",
            [now, now, *skip],
        )
        if row is None:
            return None
        db.execute(
            "UPDATE outbox SET lease_until = ?, attempts = attempts + 1 WHERE id = ?", [now + lease_seconds, row[0]]
        )
    entry = _entry(row)
    return Entry(**{**entry.__dict__, "attempts": entry.attempts + 1})


def next_due(db: Database) -> float | None:
    """When the next pending effect is due (None when there is none)."""
    due = db.dialect.greatest("next_attempt_at", "coalesce(lease_until, 0)")
    return db.scalar(f"SELECT min({due}) FROM outbox WHERE status = 'pending'")


def save_result(db: Database, entry: Entry, result: dict[str, Any], *, now: float | None = None) -> None:
    """Keep what exists on GitHub so far (ids, numbers), even before the effect is complete: a retry
    then goes straight to it."""
    now = time.time() if now is None else now
    db.execute("UPDATE outbox SET result = ?, updated_at = ? WHERE id = ?", [json.dumps(result), now, entry.id])


def mark_done(db: Database, entry: Entry, result: dict[str, Any], *, now: float | None = None) -> bool:
    """The effect's content as leased is on GitHub. False when newer content was planned meanwhile:
    the effect stays pending and is sent again (as an edit of what was just written)."""
    now = time.time() if now is None else now
    with db.transaction():
        changed = db.execute(
            "UPDATE outbox SET status = 'done', result = ?, lease_until = NULL, last_error = NULL, done_at = ?,"
            " updated_at = ? WHERE id = ? AND version = ? AND status = 'pending'",
            [json.dumps(result), now, now, entry.id, entry.version],
        ).rowcount
        if changed:
            return True
        db.execute(
            "UPDATE outbox SET result = ?, lease_until = NULL, updated_at = ? WHERE id = ?",
            [json.dumps(result), now, entry.id],
        )
        return False


def mark_retry(
    db: Database, entry: Entry, error: str, delay: float, *, max_attempts: int, now: float | None = None
) -> str:
    """Record a failed attempt: pending again after `delay`, or failed when it was the last attempt.
    Returns the new status."""
    now = time.time() if now is None else now
    status = FAILED if entry.attempts >= max_attempts else PENDING
    with db.transaction():
        changed = db.execute(
            "UPDATE outbox SET status = ?, last_error = ?, next_attempt_at = ?, lease_until = NULL, updated_at = ?"
            " WHERE id = ? AND version = ? AND status = 'pending'",
            [status, error[:2000], now + delay, now, entry.id, entry.version],
        ).rowcount
        if not changed:  # new content came in: it gets its own fresh attempts
            db.execute("UPDATE outbox SET lease_until = NULL WHERE id = ?", [entry.id])
            return PENDING
    return status


def mark_failed(db: Database, entry: Entry, error: str, *, now: float | None = None) -> None:
    """A failure no retry can mend (GitHub said 404 or 422, no editor registered)."""
    now = time.time() if now is None else now
    db.execute(
        "UPDATE outbox SET status = 'failed', last_error = ?, lease_until = NULL, updated_at = ?"
        " WHERE id = ? AND version = ? AND status = 'pending'",
        [error[:2000], now, entry.id, entry.version],
    )
    db.execute("UPDATE outbox SET lease_until = NULL WHERE id = ?", [entry.id])


def mark_planned(db: Database, entry: Entry, requests: list[dict[str, Any]], *, now: float | None = None) -> None:
    """Dry-run sender: record the requests instead of sending them."""
    now = time.time() if now is None else now
    db.execute(
        "UPDATE outbox SET status = 'planned', requests = ?, lease_until = NULL, updated_at = ?"
        " WHERE id = ? AND version = ? AND status = 'pending'",
        [json.dumps(requests), now, entry.id, entry.version],
    )
    db.execute("UPDATE outbox SET lease_until = NULL WHERE id = ?", [entry.id])


def retry_failed(db: Database, effect_id: int | None = None, *, now: float | None = None) -> int:
    """Give failed effects (one, or all) a fresh set of attempts; returns how many."""
    now = time.time() if now is None else now
    sql = (
        "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, updated_at = ?, pending_since = ?"
        " WHERE status = 'failed'"
    )
    params: list[Any] = [now, now, now]
    if effect_id is not None:
        sql += " AND id = ?"
        params.append(effect_id)
    return db.execute(sql, params).rowcount


def release_leases(db: Database) -> int:
    """At start-up: effects a dead process was sending are due again (their marker lookup prevents
    duplicates)."""
    return db.execute("UPDATE outbox SET lease_until = NULL WHERE lease_until IS NOT NULL").rowcount


def set_installation(db: Database, repo: str, installation_id: int) -> None:
    """Effects planned without an installation get the one found for their repository's owner."""
    db.execute(
        "UPDATE outbox SET installation_id = ? WHERE repo = ? AND installation_id IS NULL", [installation_id, repo]
    )


@dataclass(frozen=True)
class Stats:
    counts: dict[str, int]
    oldest_pending_age: float | None
    failed_recent: list[tuple[str, str]]  # (key, error) of the latest failures


def counts(db: Database, org: str | None = None) -> dict[str, int]:
    """How many effects of each status (of one organisation)."""
    if org is None:
        return dict(db.query("SELECT status, count(*) FROM outbox GROUP BY status"))
    return dict(db.query("SELECT status, count(*) FROM outbox WHERE org = ? GROUP BY status", [org]))


def stats(db: Database, *, now: float | None = None) -> Stats:
    now = time.time() if now is None else now
    by_status = {s: 0 for s in STATUSES}
    by_status.update(counts(db))
    oldest = db.scalar("SELECT min(pending_since) FROM outbox WHERE status = 'pending'")
    failed = db.query(
        "SELECT key, last_error FROM outbox WHERE status = 'failed' ORDER BY updated_at DESC, id DESC LIMIT 5"
    )
    return Stats(by_status, None if oldest is None else max(0.0, now - oldest), [tuple(r) for r in failed])


def entries_in_group(db: Database, repo: str, grouping: str) -> list[Entry]:
    rows = db.query(f"SELECT {COLUMNS} FROM outbox WHERE repo = ? AND grouping = ? ORDER BY id", [repo, grouping])
    return [_entry(r) for r in rows]
