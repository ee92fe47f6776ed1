"""The way down's state: inactivity notices per held level and scope, the organisation's notices issue,
when the daily pass last ran, and roster entries that ended (0011_way_down.sql).

Statuses are the `Status` values of app/promotion/way_down.py; this module only stores them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from app.store.database import Database

COLUMNS = (
    "id, org, person_id, login, level, scope, source, status, spell, noticed_at, propose_at, counted,"
    " closed_at, closed_by, reason, quiet_until, updated_at"
)


@dataclass(frozen=True)
class Notice:
    id: int
    org: str
    person_id: int
    login: str
    level: str
    scope: str
    source: str | None
    status: str
    spell: int
    noticed_at: str
    propose_at: str
    counted: dict
    closed_at: str | None
    closed_by: int | None
    reason: str | None
    quiet_until: str | None
    updated_at: str

    @property
    def comment_key(self) -> str:
        return f"inactivity:{self.id}:{self.spell}"

    def pull_key(self, n: int = 0) -> str:
        """The outbox key of the roster change for the `n`th file that gives the level."""
        return f"way-down:{self.id}:{self.spell}" + (f":{n}" if n else "")


def _row(r: tuple) -> Notice:
    values = list(r)
    values[11] = json.loads(values[11] or "{}")
    return Notice(*values)


def get(db: Database, org: str, person_id: int, level: str, scope: str) -> Notice | None:
    r = db.one(
        f"SELECT {COLUMNS} FROM way_down WHERE org = ? AND person_id = ? AND level = ? AND scope = ?",
        [org, person_id, level, scope],
    )
    return _row(r) if r else None


def by_id(db: Database, notice_id: int) -> Notice | None:
    r = db.one(f"SELECT {COLUMNS} FROM way_down WHERE id = ?", [notice_id])
    return _row(r) if r else None


def of_org(db: Database, org: str, statuses: tuple[str, ...] | None = None) -> list[Notice]:
    sql, params = f"SELECT {COLUMNS} FROM way_down WHERE org = ?", [org]
    if statuses:
        sql += f" AND status IN ({', '.join('?' for _ in statuses)})"
        params += list(statuses)
    return [_row(r) for r in db.query(sql + " ORDER BY noticed_at, id", params)]


def of_person(db: Database, org: str, person_id: int, statuses: tuple[str, ...]) -> list[Notice]:
    return [n for n in of_org(db, org, statuses) if n.person_id == person_id]


def open_notice(
    db: Database,
    *,
    org: str,
    person_id: int,
    login: str,
    level: str,
    scope: str,
    source: str | None,
    status: str,
    noticed_at: str,
    propose_at: str,
    counted: dict,
) -> Notice:
    """A new spell: the first notice for this level and scope, or the next one after a closed spell."""
    text = json.dumps(counted, sort_keys=True)
    db.execute(
        "INSERT INTO way_down (org, person_id, login, level, scope, source, status, spell, noticed_at, propose_at,"
        " counted, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)"
        " ON CONFLICT (org, person_id, level, scope) DO UPDATE SET login = excluded.login,"
        " source = excluded.source, status = excluded.status, spell = way_down.spell + 1,"
        " noticed_at = excluded.noticed_at, propose_at = excluded.propose_at, counted = excluded.counted,"
        " closed_at = NULL, closed_by = NULL, reason = NULL, quiet_until = NULL, updated_at = excluded.updated_at",
        [org, person_id, login, level, scope, source, status, noticed_at, propose_at, text, noticed_at],
    )
    return get(db, org, person_id, level, scope)


def close(
    db: Database,
    notice: Notice,
    status: str,
    *,
    at: str,
    by: int | None = None,
    reason: str | None = None,
    quiet_until: str | None = None,
) -> Notice:
    """The spell ends (cancelled, kept, proposed, ended); only a row still in `notice.status` changes."""
    db.execute(
        "UPDATE way_down SET status = ?, closed_at = ?, closed_by = ?, reason = ?, quiet_until = ?, updated_at = ?"
        " WHERE id = ? AND status = ? AND spell = ?",
        [status, at, by, reason, quiet_until, at, notice.id, notice.status, notice.spell],
    )
    return by_id(db, notice.id)


def set_counted(db: Database, notice: Notice, counted: dict) -> Notice:
    db.execute(
        "UPDATE way_down SET counted = ? WHERE id = ? AND spell = ?",
        [json.dumps(counted, sort_keys=True), notice.id, notice.spell],
    )
    return by_id(db, notice.id)


# --- the notices issue -----------------------------------------------------------------------------------


def issue_number(db: Database, org: str) -> int | None:
    return db.scalar("SELECT number FROM way_down_issues WHERE org = ?", [org])


def record_issue(db: Database, org: str, repo: str, number: int | None) -> None:
    db.execute(
        "INSERT INTO way_down_issues (org, repo, number) VALUES (?, ?, ?) ON CONFLICT (org) DO UPDATE SET"
        " repo = excluded.repo, number = coalesce(excluded.number, way_down_issues.number)",
        [org, repo, number],
    )


def issue_repo(db: Database, org: str) -> str | None:
    return db.scalar("SELECT repo FROM way_down_issues WHERE org = ?", [org])


# --- the daily pass --------------------------------------------------------------------------------------


def last_pass(db: Database, org: str) -> str | None:
    return db.scalar("SELECT ran_at FROM way_down_passes WHERE org = ?", [org])


def record_pass(db: Database, org: str, at: str) -> None:
    db.execute(
        "INSERT INTO way_down_passes (org, ran_at) VALUES (?, ?)"
        " ON CONFLICT (org) DO UPDATE SET ran_at = excluded.ran_at",
        [org, at],
    )


# --- roster entries that ended ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HoldingEnd:
    org: str
    login: str
    person_id: int | None
    level: str
    scope: str
    since: str | None
    source: str | None
    ended_at: str


def record_ends(db: Database, ends: list[HoldingEnd]) -> None:
    db.executemany(
        "INSERT INTO holding_ends (org, login, person_id, level, scope, since, source, ended_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(e.org, e.login, e.person_id, e.level, e.scope, e.since, e.source, e.ended_at) for e in ends],
    )


def last_end(db: Database, login: str, level: str, scope: str) -> str | None:
    """When `login`'s entry at `level` over `scope` last ended (None: it never did)."""
    return db.scalar(
        "SELECT max(ended_at) FROM holding_ends WHERE login = ? AND level = ? AND scope = ?", [login, level, scope]
    )


def ends(db: Database, org: str) -> list[HoldingEnd]:
    rows = db.query(
        "SELECT org, login, person_id, level, scope, since, source, ended_at FROM holding_ends WHERE org = ?"
        " ORDER BY ended_at, id",
        [org],
    )
    return [HoldingEnd(*r) for r in rows]
