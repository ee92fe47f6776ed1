"""Stored evaluations: one row per person, level and scope (reading someone's progress is one lookup).

`result` is `Evaluation.to_dict()` and `state` what its numbers say (working or ready): evaluations keep
numbers only. What people decided (approved) and what was merged (promoted) is the readiness row's
(app/store/readiness.py); every read here joins it, so a reader sees one state from both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from app.store.database import Database
from ladder_rules.evaluate import State

_COLUMNS = "person_id, org, level, scope, ladder, state, result, evaluated_at, ready_since"
_SELECT = (
    f"SELECT {', '.join('e.' + c for c in _COLUMNS.split(', '))}, r.approved_at, r.promoted_at FROM evaluations e"
    " LEFT JOIN readiness r ON r.person_id = e.person_id AND r.level = e.level AND r.scope = e.scope"
)
# Several evaluations share a time (one pass evaluates many people): the key breaks the tie.
_NEWEST_FIRST = "ORDER BY e.evaluated_at DESC, e.person_id, e.level, e.scope"


@dataclass(frozen=True)
class StoredEvaluation:
    person_id: int
    org: str
    level: str
    scope: str
    ladder: str
    state: str  # what the numbers say: working | ready
    result: dict
    evaluated_at: str
    ready_since: str | None
    approved_at: str | None = None  # from the readiness row, when there is one
    promoted_at: str | None = None

    @property
    def shown_state(self) -> str:
        """The state people read: promoted or approved once the readiness row says so, else the numbers'."""
        if self.promoted_at:
            return State.PROMOTED.value
        if self.approved_at:
            return State.APPROVED.value
        return self.state

    def as_dict(self) -> dict:
        """The evaluation as the rest of Ladder reads it: the result, with the state people read."""
        return {**self.result, "state": self.shown_state}


def _row(r) -> StoredEvaluation:
    return StoredEvaluation(*r[:6], json.loads(r[6]), *r[7:])


def get(db: Database, person_id: int, level: str, scope: str) -> StoredEvaluation | None:
    row = db.one(f"{_SELECT} WHERE e.person_id = ? AND e.level = ? AND e.scope = ?", [person_id, level, scope])
    return None if row is None else _row(row)


def save(
    db: Database,
    *,
    person_id: int,
    org: str,
    level: str,
    scope: str,
    ladder: str,
    state: str,
    result: dict,
    evaluated_at: str,
    ready_since: str | None,
) -> None:
    db.execute(
        f"INSERT INTO evaluations ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (person_id, level, scope) DO UPDATE SET state = excluded.state, result = excluded.result,"
        " evaluated_at = excluded.evaluated_at, ladder = excluded.ladder, ready_since = excluded.ready_since",
        [person_id, org, level, scope, ladder, state, json.dumps(result), evaluated_at, ready_since],
    )


def of_person(db: Database, person_id: int, level: str | None = None) -> list[StoredEvaluation]:
    """A person's evaluations (all levels and scopes, or one level), by level and scope."""
    sql, params = f"{_SELECT} WHERE e.person_id = ?", [person_id]
    if level:
        sql, params = sql + " AND e.level = ?", params + [level]
    return [_row(r) for r in db.query(sql + " ORDER BY e.level, e.scope", params)]


def newest_first(db: Database, org: str | None = None) -> list[StoredEvaluation]:
    """Every evaluation (of one organisation), the most recent first."""
    if org is None:
        return [_row(r) for r in db.query(f"{_SELECT} {_NEWEST_FIRST}")]
    return [_row(r) for r in db.query(f"{_SELECT} WHERE e.org = ? {_NEWEST_FIRST}", [org])]


def by_scope(db: Database) -> list[StoredEvaluation]:
    """Every evaluation, by scope, level and person."""
    return [_row(r) for r in db.query(f"{_SELECT} ORDER BY e.scope, e.level, e.person_id")]


def levels(db: Database) -> set[str]:
    """The level names that have an evaluation (lower-cased)."""
    return {r[0].lower() for r in db.query("SELECT DISTINCT level FROM evaluations")}


def drop_moved(db: Database, person_id: int, org: str, *, keep: tuple[str, str]) -> None:
    """Drop the person's evaluations in `org` other than `keep` (level, scope) that are numbers only: working,
    with no readiness row (what people decided is never dropped)."""
    db.execute(
        "DELETE FROM evaluations WHERE person_id = ? AND org = ? AND state = ? AND NOT (level = ? AND scope = ?)"
        " AND NOT EXISTS (SELECT 1 FROM readiness r WHERE r.person_id = evaluations.person_id"
        " AND r.level = evaluations.level AND r.scope = evaluations.scope)",
        [person_id, org, State.WORKING.value, keep[0], keep[1]],
    )
