"""A person's activity in the ledger, counted: what the reports show (and the retention they measure)."""

from __future__ import annotations

from app.store.database import Database

# (words, table, person column, time column, extra condition): what counts as activity in the ledger.
KINDS = (
    ("pull requests opened", "pull_requests", "author_id", "created_at", ""),
    ("reviews", "reviews", "reviewer_id", "submitted_at", ""),
    ("review comments", "review_comments", "author_id", "created_at", ""),
    ("comments", "issue_comments", "author_id", "created_at", ""),
    ("issues opened", "issues", "author_id", "created_at", " AND is_pull_request = 0"),
)


def of_person(db: Database, person_id: int, org: str | None = None) -> dict[str, tuple[int, str | None]]:
    """For each kind of act: (how many, time of the latest), in `org`'s repositories or anywhere."""
    where_org = " AND repo_id IN (SELECT id FROM repositories WHERE lower(owner) = lower(?))" if org else ""
    out = {}
    for words, table, person, at, extra in KINDS:
        count, last = db.one(
            f"SELECT count(*), max({at}) FROM {table} WHERE {person} = ?{extra}{where_org}",
            [person_id, org] if org else [person_id],
        )
        out[words] = (count, last)
    return out


def totals(db: Database) -> dict[str, int]:
    """How much the ledger holds (the demo's summary)."""
    out = {
        table: db.scalar(f"SELECT count(*) FROM {table}")
        for table in ("pull_requests", "reviews", "review_comments", "issue_comments", "people")
    }
    out["lgtm"] = db.scalar("SELECT count(*) FROM issue_comments WHERE lgtm = 1")
    return out


def acts_of(db: Database, person_id: int, org: str | None = None) -> list[tuple[str, str]]:
    """Every act of the person as (kind's words, time), oldest first, in `org`'s repositories or anywhere:
    what the activity charts draw."""
    where_org = " AND repo_id IN (SELECT id FROM repositories WHERE lower(owner) = lower(?))" if org else ""
    out: list[tuple[str, str]] = []
    for words, table, person, at, extra in KINDS:
        rows = db.query(
            f"SELECT {at} FROM {table} WHERE {person} = ? AND {at} IS NOT NULL{extra}{where_org}",
            [person_id, org] if org else [person_id],
        )
        out += [(words, str(r[0])) for r in rows]
    return sorted(out, key=lambda a: a[1])
