"""Cohort check-ins: what a mentee posted with `/checkin` on the tracking issue, one row per comment."""

from __future__ import annotations

from dataclasses import dataclass

from app.store.database import Database


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


def add(db: Database, c: Checkin) -> None:
    """Record a check-in; the same comment again changes nothing."""
    db.execute(
        "INSERT INTO checkins (comment_id, org, cohort, person_id, login, at, body, url) VALUES"
        " (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [c.comment_id, c.org, c.cohort, c.person_id, c.login, c.at, c.body, c.url],
    )


def of_person(db: Database, person_id: int, org: str | None = None, cohort: str | None = None) -> list[Checkin]:
    """A person's check-ins (in one organisation, one cohort), oldest first."""
    sql = "SELECT comment_id, org, cohort, person_id, login, at, body, url FROM checkins WHERE person_id = ?"
    params: list = [person_id]
    if org:
        sql, params = sql + " AND org = ?", params + [org]
    if cohort:
        sql, params = sql + " AND cohort = ?", params + [cohort]
    return [Checkin(*r) for r in db.query(sql + " ORDER BY at, comment_id", params)]
