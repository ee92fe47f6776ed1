"""Readiness rows (one per person, level and scope that became ready: the issue and where it stands) and
the sponsorships recorded on them."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields

from app.store.database import Database


@dataclass(frozen=True)
class Readiness:
    person_id: int
    login: str
    org: str
    level: str
    scope: str
    key: str  # the outbox key and hidden marker of the issue
    community_repo: str
    issue_number: int | None  # known once the issue exists
    status: str  # open | held | approved | pr_opened | promoted
    opened_at: str
    below_since: str | None
    held_by: str | None
    approved_by: str | None
    approved_at: str | None
    pull_request_url: str | None
    not_member_yet: int
    promoted_at: str | None
    ticked: str  # JSON list of checklist item ids ticked on GitHub

    @property
    def ticked_ids(self) -> set[str]:
        return set(json.loads(self.ticked or "[]"))

    @property
    def active(self) -> bool:
        return self.status != "promoted"


COLUMNS = tuple(f.name for f in fields(Readiness))
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM readiness"
_CHANGEABLE = frozenset(COLUMNS) - {"person_id", "level", "scope", "key"}


def get(db: Database, key: str) -> Readiness | None:
    row = db.one(f"{_SELECT} WHERE key = ?", [key])
    return None if row is None else Readiness(*row)


def get_for(db: Database, person_id: int, level: str, scope: str) -> Readiness | None:
    row = db.one(f"{_SELECT} WHERE person_id = ? AND level = ? AND scope = ?", [person_id, level, scope])
    return None if row is None else Readiness(*row)


def add(
    db, *, person_id: int, login: str, org: str, level: str, scope: str, key: str, community_repo: str, opened_at: str
) -> None:
    db.execute(
        "INSERT INTO readiness (person_id, login, org, level, scope, key, community_repo, status, opened_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?)",
        [person_id, login, org, level, scope, key, community_repo, opened_at],
    )


def update(db: Database, key: str, **changes) -> None:
    """Change some columns of the row with this key (names are checked: never user text)."""
    unknown = set(changes) - _CHANGEABLE
    if unknown:
        raise ValueError(f"not a changeable readiness column: {', '.join(sorted(unknown))}")
    if changes:
        sets = ", ".join(f"{name} = ?" for name in changes)
        db.execute(f"UPDATE readiness SET {sets} WHERE key = ?", [*changes.values(), key])


def waiting(db: Database, org: str) -> list[Readiness]:
    """The organisation's rows not yet promoted (open, held or approved)."""
    rows = db.query(
        f"{_SELECT} WHERE org = ? AND status IN ('approved', 'open', 'held') ORDER BY opened_at, key", [org]
    )
    return [Readiness(*r) for r in rows]


def promoted(db: Database) -> set[tuple[str, str]]:
    """(lower-cased login, level) of every promotion."""
    return {
        (login.lower(), level)
        for login, level in db.query("SELECT login, level FROM readiness WHERE status = 'promoted'")
    }


@dataclass(frozen=True)
class Issue:
    """A readiness row with what the outbox knows of its issue (it learns the address before the row
    learns the number)."""

    readiness: Readiness
    outbox_result: dict | None

    @property
    def number(self) -> int | None:
        return self.readiness.issue_number or (self.outbox_result or {}).get("number")


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
    sql = (
        f"SELECT {', '.join('r.' + c for c in COLUMNS)}, o.result FROM readiness r LEFT JOIN outbox o ON o.key = r.key"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY r.opened_at, r.login, r.key"
    )
    return [Issue(Readiness(*row[:-1]), json.loads(row[-1]) if row[-1] else None) for row in db.query(sql, params)]


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
