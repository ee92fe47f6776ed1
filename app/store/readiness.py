"""Readiness rows (one per person, level and scope that became ready: the issue and where the promotion
stands) and the sponsorships recorded on them.

The row is the single truth of a promotion's state. Its status values and the transitions between them
belong to app/promotion/lifecycle.py: this module stores what it is given (statuses are parameters,
never literals here) and changes a row only from the statuses the caller allows, in one statement, so a
transition checked against a stale copy never lands.

A row learns its issue's number from the outbox, which stores what GitHub answered when it created the
issue: every read joins that answer, so the number is known as soon as the issue exists without any read
writing it down.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, fields

from app.store.database import Database


@dataclass(frozen=True)
class ReadinessRow:
    person_id: int
    login: str  # as it was when the row was opened: people are matched by `person_id`
    org: str
    level: str
    scope: str
    key: str  # the outbox key and hidden marker of the issue
    community_repo: str
    issue_number: int | None  # as recorded; `issue` below also knows it from the outbox
    status: str  # an app.promotion.lifecycle.Status value
    opened_at: str
    below_since: str | None
    held_by: str | None
    approved_by: str | None
    approved_at: str | None
    pull_request_url: str | None
    not_member_yet: int
    promoted_at: str | None
    ticked: str  # JSON list of checklist item ids ticked on GitHub
    held_by_id: int | None
    approved_by_id: int | None
    membership_hidden: int  # the App could not see whether the person is an org member
    roster_note: str | None = None  # why Ladder does not make the roster change itself (an explanation)
    outbox_number: int | None = None  # the issue's number as the outbox learnt it from GitHub

    @property
    def number(self) -> int | None:
        """The readiness issue's number on GitHub, once it exists."""
        return self.issue_number or self.outbox_number


COLUMNS = tuple(f.name for f in fields(ReadinessRow) if f.name != "outbox_number")
_SELECT = (
    f"SELECT {', '.join('r.' + c for c in COLUMNS)}, o.result FROM readiness r LEFT JOIN outbox o ON o.key = r.key"
)
_CHANGEABLE = frozenset(COLUMNS) - {"person_id", "level", "scope", "key", "org", "community_repo"}


def _number(result: str | None) -> int | None:
    number = (json.loads(result) or {}).get("number") if result else None
    return int(number) if isinstance(number, int) else None


def _row(r) -> ReadinessRow:
    return ReadinessRow(*r[:-1], outbox_number=_number(r[-1]))


def get(db: Database, key: str) -> ReadinessRow | None:
    row = db.one(f"{_SELECT} WHERE r.key = ?", [key])
    return None if row is None else _row(row)


def get_for(db: Database, person_id: int, level: str, scope: str) -> ReadinessRow | None:
    row = db.one(f"{_SELECT} WHERE r.person_id = ? AND r.level = ? AND r.scope = ?", [person_id, level, scope])
    return None if row is None else _row(row)


def by_issue(db: Database, repo: str, number: int) -> ReadinessRow | None:
    """The row whose readiness issue is `repo#number`: by the number recorded, else by the number the
    outbox stored when it created the issue. Never by what an issue's text says."""
    row = db.one(f"{_SELECT} WHERE lower(r.community_repo) = lower(?) AND r.issue_number = ?", [repo, number])
    if row is not None:
        return _row(row)
    unrecorded = db.query(f"{_SELECT} WHERE lower(r.community_repo) = lower(?) AND r.issue_number IS NULL", [repo])
    return next((found for found in map(_row, unrecorded) if found.outbox_number == number), None)


def with_status(db: Database, org: str, statuses: Iterable[str]) -> list[ReadinessRow]:
    """The organisation's rows in one of `statuses`, oldest first."""
    wanted = list(statuses)
    marks = ", ".join("?" for _ in wanted)
    rows = db.query(f"{_SELECT} WHERE r.org = ? AND r.status IN ({marks}) ORDER BY r.opened_at, r.key", [org, *wanted])
    return [_row(r) for r in rows]


def of_person(db: Database, person_id: int, org: str | None = None) -> list[ReadinessRow]:
    """A person's rows (in one organisation, or all), oldest first."""
    sql, params = f"{_SELECT} WHERE r.person_id = ?", [person_id]
    if org is not None:
        sql, params = sql + " AND lower(r.org) = lower(?)", params + [org]
    return [_row(r) for r in db.query(sql + " ORDER BY r.opened_at, r.key", params)]


def add(
    db: Database,
    *,
    person_id: int,
    login: str,
    org: str,
    level: str,
    scope: str,
    key: str,
    community_repo: str,
    status: str,
    opened_at: str,
) -> bool:
    """A new row; False (and nothing written) when the person, level and scope already have one."""
    cursor = db.execute(
        "INSERT INTO readiness (person_id, login, org, level, scope, key, community_repo, status, opened_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [person_id, login, org, level, scope, key, community_repo, status, opened_at],
    )
    return cursor.rowcount == 1


def update_if(db: Database, key: str, statuses: Iterable[str], **changes) -> bool:
    """Change some columns of the row with this key while its status is one of `statuses`; False when it
    is not (nothing written). Column names are checked: never user text."""
    unknown = set(changes) - _CHANGEABLE
    if unknown:
        raise ValueError(f"not a changeable readiness column: {', '.join(sorted(unknown))}")
    if not changes:
        raise ValueError("update_if needs at least one column to change")
    wanted = list(statuses)
    sets = ", ".join(f"{name} = ?" for name in changes)
    marks = ", ".join("?" for _ in wanted)
    cursor = db.execute(
        f"UPDATE readiness SET {sets} WHERE key = ? AND status IN ({marks})", [*changes.values(), key, *wanted]
    )
    return cursor.rowcount == 1


def promoted(db: Database) -> set[tuple[str, str]]:
    """(lower-cased login, level) of every promotion."""
    return {
        (login.lower(), level)
        for login, level in db.query("SELECT login, level FROM readiness WHERE promoted_at IS NOT NULL")
    }


@dataclass(frozen=True)
class Issue:
    """A readiness row with what the outbox knows of its issue (for its address)."""

    readiness: ReadinessRow
    outbox_result: dict | None

    @property
    def number(self) -> int | None:
        return self.readiness.number


def issues(db: Database, *, person_id: int | None = None, org: str | None = None) -> list[Issue]:
    """Readiness rows (of one person, or one organisation, or all) with their issue's outbox result, in
    the order they were opened."""
    where, params = [], []
    if person_id is not None:
        where.append("r.person_id = ?")
        params.append(person_id)
    if org is not None:
        where.append("r.org = ?")
        params.append(org)
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY r.opened_at, r.login, r.key"
    return [Issue(_row(row), json.loads(row[-1]) if row[-1] else None) for row in db.query(sql, params)]


# --- sponsorships ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sponsorship:
    readiness_key: str
    sponsor_id: int
    sponsor_login: str
    comment_id: int
    comment_url: str | None
    at: str
    eligible: bool
    reason: str | None
    company: str | None  # from the public profile: unverified


def has_sponsorship(db: Database, key: str, sponsor_id: int) -> bool:
    return (
        db.one("SELECT 1 FROM sponsorships WHERE readiness_key = ? AND sponsor_id = ?", [key, sponsor_id]) is not None
    )


def add_sponsorship(db: Database, s: Sponsorship) -> None:
    """Record a sponsorship; one per sponsor and readiness row (a second one changes nothing)."""
    db.execute(
        "INSERT INTO sponsorships (readiness_key, sponsor_id, sponsor_login, comment_id, comment_url, at,"
        " eligible, reason, company) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [s.readiness_key, s.sponsor_id, s.sponsor_login, s.comment_id, s.comment_url, s.at, int(s.eligible), s.reason]
        + [s.company],
    )


def sponsorships(db: Database, key: str) -> list[Sponsorship]:
    """The sponsorships of a readiness row, in the order they were said."""
    rows = db.query(
        "SELECT readiness_key, sponsor_id, sponsor_login, comment_id, comment_url, at, eligible, reason, company"
        " FROM sponsorships WHERE readiness_key = ? ORDER BY at, sponsor_id",
        [key],
    )
    return [Sponsorship(*r[:6], bool(r[6]), *r[7:]) for r in rows]


def set_sponsor_company(db: Database, key: str, sponsor_id: int, company: str | None) -> None:
    """The company a sponsor's profile names now (read again on `/ladder recheck`)."""
    db.execute(
        "UPDATE sponsorships SET company = ? WHERE readiness_key = ? AND sponsor_id = ?", [company, key, sponsor_id]
    )
