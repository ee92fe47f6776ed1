"""Planning effects: the one decision between a new row, new content for an existing one, and nothing.

The rows themselves (leasing them to a sender, recording what happened) are kept by app/store/outbox.py;
its functions are re-exported here so the outbox's callers have one place to go.
Statuses: `pending` (to be sent), `done` (GitHub holds the desired state), `failed` (retries ran out;
kept with the error), `planned` (dry-run: recorded with the requests it would send, never sent).
"""

from __future__ import annotations

import json
import time

from app.store import outbox as rows
from app.store.database import Database
from app.store.outbox import (  # noqa: F401  (the outbox's API)
    COLUMNS,
    DONE,
    FAILED,
    LEASE_SECONDS,
    PENDING,
    PLANNED,
    STATUSES,
    Entry,
    Stats,
    entries_in_group,
    get,
    get_by_key,
    lease_next,
    list_effects,
    mark_done,
    mark_failed,
    mark_retry,
    next_due,
    release_leases,
    retry_failed,
    save_result,
    set_installation,
    stats,
)

from .effects import Effect, EffectError, canonical, content_hash, would_send


def plan(db: Database, effect: Effect, *, dry_run: bool = False, now: float | None = None) -> int:
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
    with db.transaction():
        row = rows.planned_for(db, key)
        if row is None:
            return rows.add(
                db,
                key=key,
                kind=effect.kind,
                repo=effect.repo,
                grouping=effect.grouping,
                installation_id=effect.installation_id,
                org=effect.org,
                person_id=effect.person_id,
                content=text,
                content_hash=digest,
                status=status,
                requests=requests,
                now=now,
            )
        if row.kind != effect.kind:
            raise EffectError(f"outbox key {key!r} is already used by a {row.kind} effect, not a {effect.kind}")
        same = row.content_hash == digest
        if same and not (row.status == PLANNED and not dry_run):
            return row.id  # nothing new (a failed effect waits for `retry_failed` or new content)
        if row.kind == "reply" and row.status == DONE:
            return row.id  # the command was answered; a reply is never edited
        rows.replace_content(
            db,
            row.id,
            content=text,
            content_hash=digest,
            status=status,
            requests=requests,
            installation_id=effect.installation_id,
            org=effect.org,
            person_id=effect.person_id,
            now=now,
        )
        return row.id


def mark_planned(db: Database, entry: Entry, *, now: float | None = None) -> None:
    """Dry-run sender: record the requests it would send instead of sending them."""
    rows.mark_planned(db, entry, would_send(entry.kind, entry.key, entry.content), now=now)
