"""The history import's stored progress: one job per repository (how far back, the cursor reached, what it
cost) and the daily reconciliation passes. What to schedule when is app/backfill's business."""

from __future__ import annotations

from dataclasses import dataclass

from app.store.database import Database


@dataclass(frozen=True)
class Job:
    repo_id: int
    full_name: str
    installation_id: int | None
    since: str
    paths: bool
    reason: str
    status: str  # pending | running | done | failed
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


@dataclass(frozen=True)
class Synced:
    """What scheduling needs of a repository's job: where it stands and how far its last import reached."""

    status: str
    since: str
    synced_at: str | None  # start of the last finished import: everything updated before is in
    synced_since: str | None  # and from how far back
    paths: bool


_COLUMNS = (
    "repo_id, full_name, installation_id, since, paths, reason, status, cursor, pull_requests, points, oldest_seen"
)


def _job(row) -> Job:
    return Job(row[0], row[1], row[2], row[3], bool(row[4]), row[5], row[6], row[7], row[8], row[9], row[10])


def get(db: Database, repo_id: int) -> Job | None:
    row = db.one(f"SELECT {_COLUMNS} FROM backfill_jobs WHERE repo_id = ?", [repo_id])
    return None if row is None else _job(row)


def synced(db: Database, repo_id: int) -> Synced | None:
    row = db.one("SELECT status, since, synced_at, synced_since, paths FROM backfill_jobs WHERE repo_id = ?", [repo_id])
    return None if row is None else Synced(row[0], row[1], row[2], row[3], bool(row[4]))


def add(
    db: Database,
    repo_id: int,
    full_name: str,
    installation_id: int | None,
    *,
    since: str,
    paths: bool,
    reason: str,
    now: str,
) -> None:
    db.execute(
        "INSERT INTO backfill_jobs (repo_id, full_name, installation_id, since, paths, reason, requested_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [repo_id, full_name, installation_id, since, int(paths), reason, now],
    )


def reach_back(
    db: Database, repo_id: int, full_name: str, installation_id: int | None, *, since: str, paths: bool
) -> None:
    """A job with work left (or a failed one) goes back at least to `since`, keeping its cursor; a failed
    one is pending again."""
    earliest = db.dialect.least("since", "?")
    db.execute(
        f"UPDATE backfill_jobs SET since = {earliest}, paths = ?, installation_id = coalesce(?, installation_id),"
        " full_name = ?, status = CASE status WHEN 'failed' THEN 'pending' ELSE status END WHERE repo_id = ?",
        [since, int(paths), installation_id, full_name, repo_id],
    )


def restart(
    db: Database,
    repo_id: int,
    full_name: str,
    installation_id: int | None,
    *,
    since: str,
    paths: bool,
    reason: str,
    now: str,
) -> None:
    """A finished job becomes a new import from `since`, from the first page."""
    db.execute(
        "UPDATE backfill_jobs SET since = ?, paths = ?, reason = ?, status = 'pending', cursor = NULL,"
        " requested_at = ?, started_at = NULL, finished_at = NULL, pull_requests = 0, points = 0,"
        " oldest_seen = NULL, last_error = NULL, installation_id = coalesce(?, installation_id),"
        " full_name = ? WHERE repo_id = ?",
        [since, int(paths), reason, now, installation_id, full_name, repo_id],
    )


def to_run(db: Database, repo_ids: list[int] | None = None) -> list[Job]:
    """Jobs with work left: interrupted ones first (they hold a cursor), then in the order asked."""
    where = "status IN ('pending', 'running')"
    params: list = []
    if repo_ids is not None:
        where += f" AND repo_id IN ({', '.join('?' * len(repo_ids))})"
        params = list(repo_ids)
    rows = db.query(
        f"SELECT {_COLUMNS} FROM backfill_jobs WHERE {where}"
        " ORDER BY CASE status WHEN 'running' THEN 0 ELSE 1 END, requested_at, full_name",
        params,
    )
    return [_job(r) for r in rows]


def mark_started(db: Database, repo_id: int, now: str) -> None:
    db.execute(
        "UPDATE backfill_jobs SET status = 'running', started_at = coalesce(started_at, ?), last_error = NULL"
        " WHERE repo_id = ?",
        [now, repo_id],
    )


def record_page(
    db: Database,
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
    db.execute(
        "UPDATE backfill_jobs SET cursor = ?, pull_requests = pull_requests + ?, points = points + ?,"
        " oldest_seen = coalesce(?, oldest_seen) WHERE repo_id = ?",
        [cursor, pull_requests, points, oldest_seen, repo_id],
    )
    if finished:
        db.execute(
            "UPDATE backfill_jobs SET status = 'done', cursor = NULL, finished_at = ?, synced_at = started_at,"
            " synced_since = CASE WHEN synced_since IS NULL OR since < synced_since THEN since"
            " ELSE synced_since END WHERE repo_id = ?",
            [now, repo_id],
        )


def mark_failed(db: Database, repo_id: int, error: str) -> None:
    db.execute("UPDATE backfill_jobs SET status = 'failed', last_error = ? WHERE repo_id = ?", [error[:2000], repo_id])


def first_finished_at(db: Database) -> str | None:
    """When the first import finished (the first reconciliation comes a day later)."""
    return db.scalar("SELECT min(finished_at) FROM backfill_jobs WHERE status = 'done'")


# --- reconciliation passes -------------------------------------------------------------------------------


def start_pass(db: Database, now: str) -> int:
    return db.insert("INSERT INTO reconcile_passes (started_at) VALUES (?)", [now])


def finish_pass(
    db: Database, pass_id: int, *, now: str, repositories: int, pull_requests: int, points: int, error: str | None
) -> None:
    db.execute(
        "UPDATE reconcile_passes SET finished_at = ?, repositories = ?, pull_requests = ?, points = ?, error = ?"
        " WHERE id = ?",
        [now, repositories, pull_requests, points, error, pass_id],
    )


def last_pass_started_at(db: Database) -> str | None:
    return db.scalar("SELECT max(started_at) FROM reconcile_passes")


def summary(db: Database) -> dict:
    """Counts for /healthz and /metrics."""
    counts = dict(db.query("SELECT status, count(*) FROM backfill_jobs GROUP BY status"))
    prs, points = db.one("SELECT coalesce(sum(pull_requests), 0), coalesce(sum(points), 0) FROM backfill_jobs")
    last = db.one("SELECT started_at, finished_at, pull_requests, error FROM reconcile_passes ORDER BY id DESC LIMIT 1")
    return {
        "repositories": {s: counts.get(s, 0) for s in ("pending", "running", "done", "failed")},
        "pull_requests": prs,
        "points": points,
        "last_reconciliation": None
        if last is None
        else {"started_at": last[0], "finished_at": last[1], "pull_requests": last[2], "error": last[3]},
    }
