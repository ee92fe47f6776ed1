"""The outbox table: planning effects, leasing them to a sender, recording what happened.

Statuses: `pending` (to be sent), `done` (GitHub holds the desired state), `failed` (retries ran out;
kept with the error), `planned` (dry-run: recorded with the requests it would send, never sent).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any, Iterator

import sqlite_utils

from .effects import Effect, EffectError, canonical, content_hash, would_send

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


def _entry(row: tuple) -> Entry:
    (
        id_,
        key,
        kind,
        repo,
        grouping,
        installation_id,
        org,
        person_id,
        content,
        version,
        status,
        attempts,
        next_attempt_at,
        last_error,
        result,
        requests,
        planned_at,
        updated_at,
        done_at,
    ) = row
    return Entry(
        id_,
        key,
        kind,
        repo,
        grouping,
        installation_id,
        org,
        person_id,
        json.loads(content),
        version,
        status,
        attempts,
        next_attempt_at,
        last_error,
        json.loads(result) if result else None,
        json.loads(requests) if requests else None,
        planned_at,
        updated_at,
        done_at,
    )


COLUMNS = (
    "id, key, kind, repo, grouping, installation_id, org, person_id, content, version, status, attempts,"
    " next_attempt_at, last_error, result, requests, planned_at, updated_at, done_at"
)


class _transaction:
    """BEGIN IMMEDIATE ... COMMIT, or nothing when the caller already holds a transaction (a handler may
    plan effects in the same transaction as the facts that caused them)."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.conn = db.conn
        self.own = False

    def __enter__(self):
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN IMMEDIATE")
            self.own = True
        return self.conn

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.own:
            self.conn.execute("ROLLBACK" if exc_type else "COMMIT")


def plan(db: sqlite_utils.Database, effect: Effect, *, dry_run: bool = False, now: float | None = None) -> int:
    """Record the desired state `effect`; return its id.

    The same key with the same content changes nothing. New content replaces pending content, or makes
    a done effect pending again (the sender then edits what it wrote). A reply, once written, stays as
    it is. With `dry_run` the effect is `planned` with the requests it would send, and never sent.
    """
    effect.check()
    now = time.time() if now is None else now
    content = effect.content()
    text = canonical(content)
    digest = content_hash(text)
    key = effect.key
    requests = json.dumps(would_send(effect.kind, key, content)) if dry_run else None
    status = PLANNED if dry_run else PENDING
    with _transaction(db) as conn:
        row = conn.execute("SELECT id, kind, content_hash, status FROM outbox WHERE key = ?", [key]).fetchone()
        if row is None:
            cursor = conn.execute(
                "INSERT INTO outbox (key, kind, repo, grouping, installation_id, org, person_id, content,"
                " content_hash, status, next_attempt_at, requests, planned_at, updated_at, pending_since)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    key,
                    effect.kind,
                    effect.repo,
                    effect.grouping,
                    effect.installation_id,
                    effect.org,
                    effect.person_id,
                    text,
                    digest,
                    status,
                    now,
                    requests,
                    now,
                    now,
                    now,
                ],
            )
            return cursor.lastrowid
        effect_id, kind, old_hash, old_status = row
        if kind != effect.kind:
            raise EffectError(f"outbox key {key!r} is already used by a {kind} effect, not a {effect.kind}")
        same = old_hash == digest
        if same and not (old_status == PLANNED and not dry_run):
            return effect_id  # nothing new (a failed effect waits for `retry_failed` or new content)
        if kind == "reply" and old_status == DONE:
            return effect_id  # the command was answered; a reply is never edited
        conn.execute(
            "UPDATE outbox SET content = ?, content_hash = ?, version = version + 1, status = ?, attempts = 0,"
            " next_attempt_at = ?, last_error = NULL, requests = ?, updated_at = ?, pending_since = ?,"
            " installation_id = coalesce(?, installation_id), org = coalesce(?, org),"
            " person_id = coalesce(?, person_id) WHERE id = ?",
            [
                text,
                digest,
                status,
                now,
                requests,
                now,
                now,
                effect.installation_id,
                effect.org,
                effect.person_id,
                effect_id,
            ],
        )
        return effect_id


def get(db: sqlite_utils.Database, effect_id: int) -> Entry | None:
    row = db.execute(f"SELECT {COLUMNS} FROM outbox WHERE id = ?", [effect_id]).fetchone()
    return None if row is None else _entry(row)


def get_by_key(db: sqlite_utils.Database, key: str) -> Entry | None:
    row = db.execute(f"SELECT {COLUMNS} FROM outbox WHERE key = ?", [key]).fetchone()
    return None if row is None else _entry(row)


def list_effects(
    db: sqlite_utils.Database,
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
    return [_entry(row) for row in db.execute(sql, params).fetchall()]


def lease_next(
    db: sqlite_utils.Database,
    *,
    now: float | None = None,
    skip_installations: Iterator[int] = (),
    lease_seconds: float = LEASE_SECONDS,
) -> Entry | None:
    """Take the oldest due pending effect (none for the installations in `skip_installations`, which a
    sender is already writing to), or None."""
    now = time.time() if now is None else now
    skip = sorted(set(skip_installations))
    excluded = f" AND coalesce(installation_id, -1) NOT IN ({','.join('?' * len(skip))})" if skip else ""
    with _transaction(db) as conn:
        row = conn.execute(
            f"SELECT {COLUMNS} FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?"
            f" AND (lease_until IS NULL OR lease_until < ?){excluded} ORDER BY next_attempt_at, id LIMIT 1",
            [now, now, *skip],
        ).fetchone()
        if row is None:
            return None
        conn.execute(
            "UPDATE outbox SET lease_until = ?, attempts = attempts + 1 WHERE id = ?", [now + lease_seconds, row[0]]
        )
    entry = _entry(row)
    return Entry(**{**entry.__dict__, "attempts": entry.attempts + 1})


def next_due(db: sqlite_utils.Database) -> float | None:
    """When the next pending effect is due (None when there is none)."""
    return db.execute(
        "SELECT min(max(next_attempt_at, coalesce(lease_until, 0))) FROM outbox WHERE status = 'pending'"
    ).fetchone()[0]


def save_result(db: sqlite_utils.Database, entry: Entry, result: dict[str, Any], *, now: float | None = None) -> None:
    """Keep what exists on GitHub so far (ids, numbers), even before the effect is complete: a retry
    then goes straight to it."""
    now = time.time() if now is None else now
    db.execute("UPDATE outbox SET result = ?, updated_at = ? WHERE id = ?", [json.dumps(result), now, entry.id])


def mark_done(db: sqlite_utils.Database, entry: Entry, result: dict[str, Any], *, now: float | None = None) -> bool:
    """The effect's content as leased is on GitHub. False when newer content was planned meanwhile:
    the effect stays pending and is sent again (as an edit of what was just written)."""
    now = time.time() if now is None else now
    with _transaction(db) as conn:
        cursor = conn.execute(
            "UPDATE outbox SET status = 'done', result = ?, lease_until = NULL, last_error = NULL, done_at = ?,"
            " updated_at = ? WHERE id = ? AND version = ? AND status = 'pending'",
            [json.dumps(result), now, now, entry.id, entry.version],
        )
        if cursor.rowcount:
            return True
        conn.execute(
            "UPDATE outbox SET result = ?, lease_until = NULL, updated_at = ? WHERE id = ?",
            [json.dumps(result), now, entry.id],
        )
        return False


def mark_retry(
    db: sqlite_utils.Database, entry: Entry, error: str, delay: float, *, max_attempts: int, now: float | None = None
) -> str:
    """Record a failed attempt: pending again after `delay`, or failed when it was the last attempt.
    Returns the new status."""
    now = time.time() if now is None else now
    status = FAILED if entry.attempts >= max_attempts else PENDING
    with _transaction(db) as conn:
        cursor = conn.execute(
            "UPDATE outbox SET status = ?, last_error = ?, next_attempt_at = ?, lease_until = NULL, updated_at = ?"
            " WHERE id = ? AND version = ? AND status = 'pending'",
            [status, error[:2000], now + delay, now, entry.id, entry.version],
        )
        if not cursor.rowcount:  # new content came in: it gets its own fresh attempts
            conn.execute("UPDATE outbox SET lease_until = NULL WHERE id = ?", [entry.id])
            return PENDING
    return status


def mark_failed(db: sqlite_utils.Database, entry: Entry, error: str, *, now: float | None = None) -> None:
    """A failure no retry can mend (GitHub said 404 or 422, no editor registered)."""
    now = time.time() if now is None else now
    db.execute(
        "UPDATE outbox SET status = 'failed', last_error = ?, lease_until = NULL, updated_at = ?"
        " WHERE id = ? AND version = ? AND status = 'pending'",
        [error[:2000], now, entry.id, entry.version],
    )
    db.execute("UPDATE outbox SET lease_until = NULL WHERE id = ?", [entry.id])


def mark_planned(db: sqlite_utils.Database, entry: Entry, *, now: float | None = None) -> None:
    """Dry-run sender: record the requests instead of sending them."""
    now = time.time() if now is None else now
    requests = json.dumps(would_send(entry.kind, entry.key, entry.content))
    db.execute(
        "UPDATE outbox SET status = 'planned', requests = ?, lease_until = NULL, updated_at = ?"
        " WHERE id = ? AND version = ? AND status = 'pending'",
        [requests, now, entry.id, entry.version],
    )
    db.execute("UPDATE outbox SET lease_until = NULL WHERE id = ?", [entry.id])


def retry_failed(db: sqlite_utils.Database, effect_id: int | None = None, *, now: float | None = None) -> int:
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


def release_leases(db: sqlite_utils.Database) -> int:
    """At start-up: effects a dead process was sending are due again (their marker lookup prevents
    duplicates)."""
    return db.execute("UPDATE outbox SET lease_until = NULL WHERE lease_until IS NOT NULL").rowcount


@dataclass(frozen=True)
class Stats:
    counts: dict[str, int]
    oldest_pending_age: float | None
    failed_recent: list[tuple[str, str]]  # (key, error) of the latest failures


def stats(db: sqlite_utils.Database, *, now: float | None = None) -> Stats:
    now = time.time() if now is None else now
    counts = {s: 0 for s in STATUSES}
    counts.update(dict(db.execute("SELECT status, count(*) FROM outbox GROUP BY status").fetchall()))
    oldest = db.execute("SELECT min(pending_since) FROM outbox WHERE status = 'pending'").fetchone()[0]
    failed = db.execute(
        "SELECT key, last_error FROM outbox WHERE status = 'failed' ORDER BY updated_at DESC LIMIT 5"
    ).fetchall()
    return Stats(counts, None if oldest is None else max(0.0, now - oldest), [tuple(r) for r in failed])


def entries_in_group(db: sqlite_utils.Database, repo: str, grouping: str) -> list[Entry]:
    rows = db.execute(
        f"SELECT {COLUMNS} FROM outbox WHERE repo = ? AND grouping = ? ORDER BY id", [repo, grouping]
    ).fetchall()
    return [_entry(r) for r in rows]
