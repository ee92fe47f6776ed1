"""Cohort check-ins: what a mentee posted with `/checkin` on the tracking issue, one per mentee and ISO week
(the latest of the week replaces the one before; a redelivered older comment never comes back). An edit on
GitHub replaces the text (the latest edit wins); a deleted check-in stays as a tombstone that no read returns,
so a redelivery of its creation changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

from app.store.database import Database

_COLUMNS = "comment_id, org, cohort, person_id, login, at, body, url, week, accomplishments, challenges"


@dataclass(frozen=True)
class Checkin:
    comment_id: int
    org: str
    cohort: str
    person_id: int
    login: str
    at: str
    body: str
    url: str | None
    week: str | None = None  # ISO week in the cohort's timezone, e.g. "2026-W49" (None: stored before 0012)
    accomplishments: str | None = None
    challenges: str | None = None


def save(db: Database, c: Checkin) -> bool:
    """Keep `c` as the person's check-in for its week, replacing an earlier one of that week. False when
    the week already holds this comment or a later one (a redelivery changes nothing)."""
    with db.transaction():
        rows = db.query(
            "SELECT at, comment_id FROM checkins WHERE org = ? AND cohort = ? AND person_id = ? AND week = ?",
            [c.org, c.cohort, c.person_id, c.week],
        )
        if any((at, cid) >= (c.at, c.comment_id) for at, cid in rows):
            return False
        db.execute(
            "DELETE FROM checkins WHERE org = ? AND cohort = ? AND person_id = ? AND week = ?",
            [c.org, c.cohort, c.person_id, c.week],
        )
        db.execute(
            f"INSERT INTO checkins ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [c.comment_id, c.org, c.cohort, c.person_id, c.login, c.at, c.body, c.url, c.week]
            + [c.accomplishments, c.challenges],
        )
    return True


def of_comment(db: Database, comment_id: int) -> Checkin | None:
    """The check-in kept for a comment, if it is one (and not deleted)."""
    rows = db.query(f"SELECT {_COLUMNS} FROM checkins WHERE comment_id = ? AND deleted_at IS NULL", [comment_id])
    return Checkin(*rows[0]) if rows else None


def edit(db: Database, comment_id: int, edited_at: str, body: str, accomplishments: str, challenges: str) -> bool:
    """The comment's check-in text as edited at `edited_at`. False when it is not a kept check-in or a later
    edit is already applied (GitHub redelivers; deliveries can be retried out of order)."""
    return (
        db.execute(
            "UPDATE checkins SET body = ?, accomplishments = ?, challenges = ?, edited_at = ? "
            "WHERE comment_id = ? AND deleted_at IS NULL AND (edited_at IS NULL OR edited_at < ?)",
            [body, accomplishments, challenges, edited_at, comment_id, edited_at],
        ).rowcount
        > 0
    )


def delete(db: Database, comment_id: int, deleted_at: str) -> bool:
    """The comment was deleted on GitHub: its check-in is no longer shown. False when there was none."""
    return (
        db.execute(
            "UPDATE checkins SET deleted_at = ? WHERE comment_id = ? AND deleted_at IS NULL", [deleted_at, comment_id]
        ).rowcount
        > 0
    )


def of_person(db: Database, person_id: int, org: str | None = None, cohort: str | None = None) -> list[Checkin]:
    """A person's check-ins (in one organisation, one cohort), oldest first."""
    sql = f"SELECT {_COLUMNS} FROM checkins WHERE person_id = ? AND deleted_at IS NULL"
    params: list = [person_id]
    if org:
        sql, params = sql + " AND org = ?", params + [org]
    if cohort:
        sql, params = sql + " AND cohort = ?", params + [cohort]
    return [Checkin(*r) for r in db.query(sql + " ORDER BY at, comment_id", params)]


def of_week(db: Database, org: str, cohort: str, week: str) -> dict[int, Checkin]:
    """{person id: check-in} of the cohort's mentees for one ISO week."""
    rows = db.query(
        f"SELECT {_COLUMNS} FROM checkins WHERE org = ? AND cohort = ? AND week = ? ORDER BY at, comment_id",
        [org, cohort, week],
    )
    return {c.person_id: c for c in (Checkin(*r) for r in rows)}


def of_weeks(db: Database, org: str, cohort: str, weeks: list[str]) -> list[Checkin]:
    """The cohort's check-ins kept for any of `weeks`, oldest first."""
    marks = ", ".join("?" for _ in weeks)
    rows = db.query(
        f"SELECT {_COLUMNS} FROM checkins WHERE org = ? AND cohort = ? AND week IN ({marks}) AND deleted_at IS NULL "
        "ORDER BY at, comment_id",
        [org, cohort, *weeks],
    )
    return [Checkin(*r) for r in rows]
