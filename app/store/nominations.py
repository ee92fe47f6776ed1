"""Who is nominated (app/promotion/nomination.py): opt-outs, and the nominations of people outside a
cohort — opened in an ISO week, or waiting (oldest qualification first) for a week under the limit."""

from __future__ import annotations

from dataclasses import dataclass

from app.store.database import Database


@dataclass(frozen=True)
class Nomination:
    org: str
    person_id: int
    level: str
    scope: str
    qualified_at: str
    week: str | None  # the ISO week its readiness issue was opened in; None: waiting


_COLUMNS = "org, person_id, level, scope, qualified_at, week"


def opted_out(db: Database, person_id: int) -> bool:
    return db.one("SELECT 1 FROM opt_outs WHERE person_id = ?", [person_id]) is not None


def opt_out(db: Database, person_id: int, login: str, at: str) -> bool:
    """Record an opt-out; False when they had already opted out."""
    return (
        db.execute(
            "INSERT INTO opt_outs (person_id, login, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            [person_id, login, at],
        ).rowcount
        == 1
    )


def opt_in(db: Database, person_id: int) -> bool:
    """Undo an opt-out; False when there was none."""
    return db.execute("DELETE FROM opt_outs WHERE person_id = ?", [person_id]).rowcount == 1


def get(db: Database, person_id: int, level: str, scope: str) -> Nomination | None:
    row = db.one(
        f"SELECT {_COLUMNS} FROM nominations WHERE person_id = ? AND level = ? AND scope = ?", [person_id, level, scope]
    )
    return None if row is None else Nomination(*row)


def wait(db: Database, org: str, person_id: int, level: str, scope: str, qualified_at: str) -> None:
    """Put a nomination in the queue (once: a second call keeps the first qualification time)."""
    db.execute(
        f"INSERT INTO nominations ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, NULL) ON CONFLICT DO NOTHING",
        [org, person_id, level, scope, qualified_at],
    )


def opened(db: Database, org: str, person_id: int, level: str, scope: str, qualified_at: str, week: str) -> None:
    """The nomination's readiness issue is opened in `week`."""
    db.execute(
        f"INSERT INTO nominations ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (person_id, level, scope) DO UPDATE SET week = excluded.week",
        [org, person_id, level, scope, qualified_at, week],
    )


def opened_in(db: Database, org: str, week: str) -> int:
    """How many nominations of the organisation were opened in `week`."""
    return db.one("SELECT count(*) FROM nominations WHERE org = ? AND week = ?", [org, week])[0]


def waiting(db: Database, org: str) -> list[Nomination]:
    """The organisation's waiting nominations, oldest qualification first."""
    return [
        Nomination(*r)
        for r in db.query(
            f"SELECT {_COLUMNS} FROM nominations WHERE org = ? AND week IS NULL"
            " ORDER BY qualified_at, person_id, level, scope",
            [org],
        )
    ]


def drop(db: Database, person_id: int, level: str, scope: str) -> None:
    """A waiting nomination that no longer applies (no longer ready, opted out)."""
    db.execute(
        "DELETE FROM nominations WHERE person_id = ? AND level = ? AND scope = ? AND week IS NULL",
        [person_id, level, scope],
    )
