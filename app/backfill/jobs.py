"""The import's stored progress: which repositories to import from when, and how far each has come."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import sqlite_utils

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


@dataclass(frozen=True)
class Job:
    repo_id: int
    full_name: str
    installation_id: int | None
    since: str
    paths: bool
    reason: str
    status: str
    cursor: str | None
    pull_requests: int
    points: int
    oldest_seen: str | None

    @property
    def owner(self) -> str:
        return self.full_name.split("/", 1)[0]

    @property
    def name(self) -> str:
        return self.full_name.split("/", 1)[1]


_COLUMNS = (
    "repo_id, full_name, installation_id, since, paths, reason, status, cursor, pull_requests, points, oldest_seen"
)


def _job(row) -> Job:
    return Job(row[0], row[1], row[2], row[3], bool(row[4]), row[5], row[6], row[7], row[8], row[9], row[10])


def schedule(
    db: sqlite_utils.Database,
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
        row = db.execute(
            "SELECT status, since, synced_at, synced_since, paths FROM backfill_jobs WHERE repo_id = ?", [repo_id]
        ).fetchone()
        if row is None:
            db.execute(
                "INSERT INTO backfill_jobs (repo_id, full_name, installation_id, since, paths, reason, requested_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [repo_id, full_name, installation_id, since, int(paths), reason, now],
            )
            scheduled += 1
            continue
        status, old_since, synced_at, synced_since, old_paths = row
        paths = paths or bool(old_paths)
        if status in ("pending", "running") or (status == "failed" and old_since <= since):
            db.execute(
                "UPDATE backfill_jobs SET since = min(since, ?), paths = ?, installation_id = coalesce(?,"
                " installation_id), full_name = ?, status = CASE status WHEN 'failed' THEN 'pending' ELSE status"
                " END WHERE repo_id = ?",
                [since, int(paths), installation_id, full_name, repo_id],
            )
        else:
            start = since
            if synced_at and synced_since and synced_since <= since and not (paths and not old_paths):
                overlap = datetime.fromisoformat(synced_at.replace("Z", "+00:00")) - OVERLAP
                start = max(since, iso(overlap))
            db.execute(
                "UPDATE backfill_jobs SET since = ?, paths = ?, reason = ?, status = 'pending', cursor = NULL,"
                " requested_at = ?, started_at = NULL, finished_at = NULL, pull_requests = 0, points = 0,"
                " oldest_seen = NULL, last_error = NULL, installation_id = coalesce(?, installation_id),"
                " full_name = ? WHERE repo_id = ?",
                [start, int(paths), reason, now, installation_id, full_name, repo_id],
            )
        scheduled += 1
    return scheduled


def to_run(db: sqlite_utils.Database, repo_ids: list[int] | None = None) -> list[Job]:
    """Jobs with work left: interrupted ones first (they hold a cursor), then in the order asked."""
    where = "status IN ('pending', 'running')"
    params: list = []
    if repo_ids is not None:
        where += f" AND repo_id IN ({', '.join('?' * len(repo_ids))})"
        params = list(repo_ids)
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM backfill_jobs WHERE {where} ORDER BY status = 'running' DESC, requested_at, full_name",
        params,
    ).fetchall()
    return [_job(r) for r in rows]


def get(db: sqlite_utils.Database, repo_id: int) -> Job | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM backfill_jobs WHERE repo_id = ?", [repo_id]).fetchone()
    return None if row is None else _job(row)


def mark_started(db: sqlite_utils.Database, repo_id: int, now: str) -> None:
    db.execute(
        "UPDATE backfill_jobs SET status = 'running', started_at = coalesce(started_at, ?), last_error = NULL"
        " WHERE repo_id = ?",
        [now, repo_id],
    )


def record_page(
    conn,
    repo_id: int,
    *,
    cursor: str | None,
    pull_requests: int,
    points: int,
    oldest_seen: str | None,
    finished: bool,
    now: str,
) -> None:
    """Advance the job past a page; the caller holds the transaction that wrote the page's facts."""
    conn.execute(
        "UPDATE backfill_jobs SET cursor = ?, pull_requests = pull_requests + ?, points = points + ?,"
        " oldest_seen = coalesce(?, oldest_seen) WHERE repo_id = ?",
        [cursor, pull_requests, points, oldest_seen, repo_id],
    )
    if finished:
        conn.execute(
            "UPDATE backfill_jobs SET status = 'done', cursor = NULL, finished_at = ?, synced_at = started_at,"
            " synced_since = CASE WHEN synced_since IS NULL OR since < synced_since THEN since"
            " ELSE synced_since END WHERE repo_id = ?",
            [now, repo_id],
        )


def mark_failed(db: sqlite_utils.Database, repo_id: int, error: str) -> None:
    db.execute("UPDATE backfill_jobs SET status = 'failed', last_error = ? WHERE repo_id = ?", [error[:2000], repo_id])


def followed_repositories(db: sqlite_utils.Database) -> list[tuple[int, str, int | None]]:
    """Repositories an installation still covers."""
    return [
        tuple(r)
        for r in db.execute(
            "SELECT id, full_name, installation_id FROM repositories WHERE removed_at IS NULL"
            " AND installation_id IS NOT NULL ORDER BY full_name"
        )
    ]


def summary(db: sqlite_utils.Database) -> dict:
    """Counts for /healthz and /metrics."""
    counts = dict(db.execute("SELECT status, count(*) FROM backfill_jobs GROUP BY status").fetchall())
    prs, points = db.execute(
        "SELECT coalesce(sum(pull_requests), 0), coalesce(sum(points), 0) FROM backfill_jobs"
    ).fetchone()
    last = db.execute(
        "SELECT started_at, finished_at, pull_requests, error FROM reconcile_passes ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return {
        "repositories": {s: counts.get(s, 0) for s in ("pending", "running", "done", "failed")},
        "pull_requests": prs,
        "points": points,
        "last_reconciliation": None
        if last is None
        else {"started_at": last[0], "finished_at": last[1], "pull_requests": last[2], "error": last[3]},
    }
