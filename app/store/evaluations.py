"""Stored evaluations: one row per person, level and scope (reading someone's progress is one lookup).

`result` is `Evaluation.to_dict()`; `state` is kept beside it because people's decisions (approved,
promoted) change it without a new evaluation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from app.store.database import Database

_COLUMNS = "person_id, org, level, scope, ladder, state, result, evaluated_at, ready_since"
# Several evaluations share a time (one pass evaluates many people): the key breaks the tie.
_NEWEST_FIRST = "ORDER BY evaluated_at DESC, person_id, level, scope"


@dataclass(frozen=True)
class StoredEvaluation:
    person_id: int
    org: str
    level: str
    scope: str
    ladder: str
    state: str  # working | ready | approved | promoted
    result: dict
    evaluated_at: str
    ready_since: str | None

    def as_dict(self) -> dict:
        """The evaluation as the rest of Ladder reads it: the result, with the stored state."""
        return {**self.result, "state": self.state}


def _row(r) -> StoredEvaluation:
    return StoredEvaluation(*r[:6], json.loads(r[6]), *r[7:])


def get(db: Database, person_id: int, level: str, scope: str) -> StoredEvaluation | None:
    row = db.one(
        f"SELECT {_COLUMNS} FROM evaluations WHERE person_id = ? AND level = ? AND scope = ?",
        [person_id, level, scope],
    )
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


def set_state(db: Database, person_id: int, level: str, scope: str, state: str) -> None:
    db.execute(
        "UPDATE evaluations SET state = ? WHERE person_id = ? AND level = ? AND scope = ?",
        [state, person_id, level, scope],
    )


def of_person(db: Database, person_id: int, level: str | None = None) -> list[StoredEvaluation]:
    """A person's evaluations (all levels and scopes, or one level), by level and scope."""
    sql, params = f"SELECT {_COLUMNS} FROM evaluations WHERE person_id = ?", [person_id]
    if level:
        sql, params = sql + " AND level = ?", params + [level]
    return [_row(r) for r in db.query(sql + " ORDER BY level, scope", params)]


def newest_first(db: Database, org: str | None = None) -> list[StoredEvaluation]:
    """Every evaluation (of one organisation), the most recent first."""
    if org is None:
        return [_row(r) for r in db.query(f"SELECT {_COLUMNS} FROM evaluations {_NEWEST_FIRST}")]
    return [_row(r) for r in db.query(f"SELECT {_COLUMNS} FROM evaluations WHERE org = ? {_NEWEST_FIRST}", [org])]


def by_scope(db: Database) -> list[StoredEvaluation]:
    """Every evaluation, by scope, level and person."""
    return [_row(r) for r in db.query(f"SELECT {_COLUMNS} FROM evaluations ORDER BY scope, level, person_id")]


def levels(db: Database) -> set[str]:
    """The level names that have an evaluation (lower-cased)."""
    return {r[0].lower() for r in db.query("SELECT DISTINCT level FROM evaluations")}
