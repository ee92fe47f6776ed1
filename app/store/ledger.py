"""Writing activity into the ledger, once per GitHub id, whatever order or how often it arrives.

Every statement is an upsert keyed on the id GitHub gave the object, so a redelivery or a later backfill
of the same fact changes nothing. A pull request is only overwritten by a payload at least as new as the
stored one (`updated_at`), and a payload that lacks a field (a review's pull request has no sizes) never
erases what a fuller one stored.
"""

from __future__ import annotations

import json
import time
from dataclasses import astuple

from app.normalise import Activity
from app.store.database import Database

_PEOPLE = """
INSERT INTO people (id, login, type, updated_at) VALUES (?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET login = excluded.login, type = excluded.type, updated_at = excluded.updated_at
"""

_REPOSITORIES = """
INSERT INTO repositories (id, full_name, owner, name, installation_id, default_branch, private, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
    full_name = excluded.full_name, owner = excluded.owner, name = excluded.name,
    installation_id = coalesce(excluded.installation_id, repositories.installation_id),
    default_branch = coalesce(excluded.default_branch, repositories.default_branch),
    private = coalesce(excluded.private, repositories.private),
    created_at = coalesce(excluded.created_at, repositories.created_at),
    removed_at = NULL
"""

_PULL_REQUESTS = """
INSERT INTO pull_requests (id, repo_id, number, author_id, title, html_url, state, draft, base_ref,
    created_at, updated_at, closed_at, merged_at, additions, deletions, changed_files, labels)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
    author_id = coalesce(excluded.author_id, pull_requests.author_id),
    title = excluded.title, html_url = coalesce(excluded.html_url, pull_requests.html_url),
    state = excluded.state, draft = coalesce(excluded.draft, pull_requests.draft),
    base_ref = coalesce(excluded.base_ref, pull_requests.base_ref),
    created_at = coalesce(excluded.created_at, pull_requests.created_at), updated_at = excluded.updated_at,
    closed_at = excluded.closed_at, merged_at = coalesce(excluded.merged_at, pull_requests.merged_at),
    additions = coalesce(excluded.additions, pull_requests.additions),
    deletions = coalesce(excluded.deletions, pull_requests.deletions),
    changed_files = coalesce(excluded.changed_files, pull_requests.changed_files),
    labels = coalesce(excluded.labels, pull_requests.labels)
WHERE pull_requests.updated_at IS NULL OR excluded.updated_at IS NULL
    OR excluded.updated_at >= pull_requests.updated_at
"""

_REVIEWS = """
INSERT INTO reviews (id, repo_id, pr_number, reviewer_id, state, submitted_at, html_url)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
    state = CASE WHEN excluded.state = 'DISMISSED' OR reviews.state IS NULL THEN excluded.state
        ELSE reviews.state END,
    submitted_at = coalesce(reviews.submitted_at, excluded.submitted_at)
"""

_REVIEW_COMMENTS = """
INSERT INTO review_comments (id, repo_id, pr_number, author_id, review_id, created_at, html_url)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO NOTHING
"""

_ISSUES = """
INSERT INTO issues (id, repo_id, number, author_id, title, html_url, state, is_pull_request,
    created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
    title = excluded.title, state = excluded.state, updated_at = excluded.updated_at,
    author_id = coalesce(excluded.author_id, issues.author_id)
WHERE issues.updated_at IS NULL OR excluded.updated_at IS NULL OR excluded.updated_at >= issues.updated_at
"""

# Only a `created` delivery carries commands; an `edited` one that arrives first must not hide them.
_ISSUE_COMMENTS = """
INSERT INTO issue_comments (id, repo_id, issue_number, is_pull_request, author_id, created_at, html_url,
    lgtm, approve)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
    lgtm = CASE WHEN excluded.lgtm != 0 THEN excluded.lgtm ELSE issue_comments.lgtm END,
    approve = CASE WHEN excluded.approve != 0 THEN excluded.approve ELSE issue_comments.approve END
"""


def _stamp() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def record(db: Database, activity: Activity, *, now: str | None = None) -> None:
    """Write one payload's activity in a single transaction (or the caller's): all of it, or none of it."""
    with db.transaction():
        write(db, activity, now or _stamp())


def write(db: Database, activity: Activity, now: str) -> None:
    """The statements of `record`; the caller holds the transaction (backfill writes a page in one)."""
    if activity.people:
        db.executemany(_PEOPLE, [(p.id, p.login, p.type, now) for p in activity.people])
    if activity.repositories:
        db.executemany(
            _REPOSITORIES,
            [
                (r.id, r.full_name, r.owner, r.name, r.installation_id, r.default_branch, r.private, r.created_at)
                for r in activity.repositories
            ],
        )
    if activity.pull_requests:
        db.executemany(
            _PULL_REQUESTS,
            [
                astuple(pr)[:-1] + (None if pr.labels is None else json.dumps(list(pr.labels)),)
                for pr in activity.pull_requests
            ],
        )
    if activity.reviews:
        db.executemany(_REVIEWS, [astuple(r) for r in activity.reviews])
    if activity.review_comments:
        db.executemany(_REVIEW_COMMENTS, [astuple(c) for c in activity.review_comments])
    if activity.issues:
        db.executemany(_ISSUES, [astuple(i) for i in activity.issues])
    if activity.issue_comments:
        db.executemany(_ISSUE_COMMENTS, [astuple(c) for c in activity.issue_comments])
    for comment_id in activity.deleted_review_comments:
        db.execute("UPDATE review_comments SET deleted_at = coalesce(deleted_at, ?) WHERE id = ?", [now, comment_id])
    for comment_id in activity.deleted_issue_comments:
        db.execute("UPDATE issue_comments SET deleted_at = coalesce(deleted_at, ?) WHERE id = ?", [now, comment_id])
    for member in activity.org_members:
        if member.removed:
            db.execute(
                "UPDATE org_members SET removed_at = ? WHERE org = ? AND user_id = ?",
                [now, member.org, member.user_id],
            )
        else:
            # Joining again after leaving starts a new membership; a repeated "added" changes nothing.
            db.execute(
                "INSERT INTO org_members (org, user_id, since, source) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (org, user_id) DO UPDATE SET since = excluded.since, source = excluded.source,"
                " removed_at = NULL WHERE org_members.removed_at IS NOT NULL",
                [member.org, member.user_id, member.since or now, member.source],
            )


def record_installation(db: Database, payload: dict, *, now: str | None = None) -> None:
    """Keep the installation's account and state (created, suspended, deleted)."""
    now = now or _stamp()
    inst = payload["installation"]
    account = inst.get("account") or {}
    action = payload.get("action")
    db.execute(
        "INSERT INTO installations (id, account_id, account_login, account_type, created_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET account_id = coalesce(excluded.account_id,"
        " installations.account_id), account_login = coalesce(excluded.account_login, installations.account_login),"
        " account_type = coalesce(excluded.account_type, installations.account_type)",
        [inst["id"], account.get("id"), account.get("login"), account.get("type"), now],
    )
    if action == "deleted":
        db.execute("UPDATE installations SET deleted_at = ? WHERE id = ?", [now, inst["id"]])
    elif action == "suspend":
        db.execute("UPDATE installations SET suspended_at = ? WHERE id = ?", [now, inst["id"]])
    elif action in ("unsuspend", "created"):
        db.execute("UPDATE installations SET suspended_at = NULL, deleted_at = NULL WHERE id = ?", [inst["id"]])


def remove_repositories(db: Database, repo_ids: list[int], *, now: str | None = None) -> None:
    """An installation lost access: the repositories' history stays, marked as no longer followed."""
    now = now or _stamp()
    db.executemany("UPDATE repositories SET removed_at = ? WHERE id = ?", [(now, repo_id) for repo_id in repo_ids])


def record_paths(db: Database, pr_id: int, paths: list[str]) -> None:
    """The files a pull request changed (fetched only where a path-scoped level or cohort needs them)."""
    db.executemany(
        "INSERT INTO pull_request_files (pr_id, path) VALUES (?, ?) ON CONFLICT DO NOTHING",
        [(pr_id, p) for p in paths],
    )


def has_paths(db: Database, pr_id: int) -> bool:
    return db.one("SELECT 1 FROM pull_request_files WHERE pr_id = ? LIMIT 1", [pr_id]) is not None
