"""The import's stored progress: which repositories to import from when, and how far each has come."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

from app.store import backfill as store
from app.store import orgs
from app.store.backfill import (  # noqa: F401  (the import's API)
    Job,
    get,
    mark_failed,
    mark_started,
    record_page,
    summary,
    to_run,
)
from app.store.database import Database

DEFAULT_MONTHS = 12
# A reconciliation starts this long before the previous import began: clocks and GitHub's indexing of
# `updatedAt` are not exact, and importing a pull request twice changes nothing.
OVERLAP = timedelta(hours=1)


def iso(at: datetime) -> str:
    return at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def now_iso(clock=time.time) -> str:
    return iso(datetime.fromtimestamp(clock(), timezone.utc))


def default_since(clock=time.time, months: int = DEFAULT_MONTHS) -> str:
    return iso(datetime.fromtimestamp(clock(), timezone.utc) - timedelta(days=round(months * 365 / 12)))


def schedule(
    db: Database,
    repositories: list[tuple[int, str, int | None]],
    *,
    since: str,
    reason: str,
    paths: bool = False,
    now: str | None = None,
) -> int:
    """Ask for the pull requests updated since `since` of these (repo_id, full_name, installation_id).

    A repository already imported from at least as far back only needs what changed since that import
    began; one being imported keeps its cursor (going further back just means reading more pages).
    Returns how many repositories have work to do."""
    now = now or now_iso()
    scheduled = 0
    for repo_id, full_name, installation_id in repositories:
        stored = store.synced(db, repo_id)
        if stored is None:
            store.add(db, repo_id, full_name, installation_id, since=since, paths=paths, reason=reason, now=now)
            scheduled += 1
            continue
        paths = paths or stored.paths
        if stored.status in ("pending", "running") or (stored.status == "failed" and stored.since <= since):
            store.reach_back(db, repo_id, full_name, installation_id, since=since, paths=paths)
        else:
            start = since
            synced_at, synced_since = stored.synced_at, stored.synced_since
            if synced_at and synced_since and synced_since <= since and not (paths and not stored.paths):
                overlap = datetime.fromisoformat(synced_at.replace("Z", "+00:00")) - OVERLAP
                start = max(since, iso(overlap))
            store.restart(db, repo_id, full_name, installation_id, since=start, paths=paths, reason=reason, now=now)
        scheduled += 1
    return scheduled


def followed_repositories(db: Database) -> list[tuple[int, str, int | None]]:
    """Repositories an installation still covers."""
    return orgs.followed_repositories(db)
