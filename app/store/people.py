"""People: keyed on their GitHub user id (logins change, ids do not).

A login names one person here, whatever the case: when a login was used by more than one account (one
renamed, another took the name), the account seen most recently. `person_id` is that rule, and every
lookup by login goes through it (or through `ids_by_login`, the same rule for everyone at once).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.store.database import Database

# Most recently seen first; a person never stamped (only known from a roster import) comes last, and of
# two accounts seen at the same moment the newer (higher id) wins.
_MOST_RECENT = "ORDER BY updated_at DESC NULLS LAST, id DESC"


@dataclass(frozen=True)
class PersonRow:
    id: int
    login: str
    type: str | None
    company: str | None


def person_id(db: Database, login: str) -> int | None:
    """The person with this login (case-insensitive, with or without `@`), or None."""
    found = find(db, login)
    return None if found is None else found.id


def find(db: Database, login: str) -> PersonRow | None:
    row = db.one(
        f"SELECT id, login, type, company FROM people WHERE lower(login) = lower(?) {_MOST_RECENT} LIMIT 1",
        [login.lstrip("@")],
    )
    return None if row is None else PersonRow(*row)


def ids_by_login(db: Database) -> dict[str, int]:
    """Every login (lower-cased) and its person, by the same rule as `person_id`."""
    out: dict[str, int] = {}
    for person, login in db.query(f"SELECT id, login FROM people {_MOST_RECENT}"):
        out.setdefault(login.lower(), person)
    return out


def login_of(db: Database, person: int) -> str | None:
    return db.scalar("SELECT login FROM people WHERE id = ?", [person])


def set_company(db: Database, person: int, company: str | None) -> None:
    """The company on the person's public profile (unverified: people write what they like)."""
    db.execute("UPDATE people SET company = ? WHERE id = ?", [company, person])
