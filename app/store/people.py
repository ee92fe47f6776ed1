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


def remember(db: Database, person: int, login: str, kind: str | None, *, now: str) -> None:
    """An account Ladder looked up (a roster login it never saw act): its id, login and type."""
    db.execute(
        "INSERT INTO people (id, login, type, updated_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET login = excluded.login, type = excluded.type,"
        " updated_at = excluded.updated_at",
        [person, login, kind, now],
    )


def login_of(db: Database, person: int) -> str | None:
    return db.scalar("SELECT login FROM people WHERE id = ?", [person])


def set_company(db: Database, person: int, company: str | None) -> None:
    """The company on the person's public profile (unverified: people write what they like)."""
    db.execute("UPDATE people SET company = ? WHERE id = ?", [company, person])


# --- logins a configuration names ----------------------------------------------------------------------


def named_ids(db: Database, org: str, logins: list[str]) -> dict[str, int]:
    """The accounts `logins` (as an organisation's ladder.yml writes them) were tied to when first seen,
    by lower-cased login; logins never tied are left out."""
    wanted = {login.lstrip("@").lower() for login in logins}
    if not wanted:
        return {}
    rows = db.query("SELECT login, person_id FROM named_logins WHERE lower(org) = lower(?)", [org])
    return {login.lower(): person for login, person in rows if login.lower() in wanted}


def tie_named(db: Database, org: str, ties: dict[str, int], *, now: str) -> None:
    """Tie logins the configuration names to accounts, once: a tie made before is kept (the person may
    have renamed since, and the login may belong to someone else now)."""
    db.executemany(
        "INSERT INTO named_logins (org, login, person_id, first_seen) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [(org, login, person, now) for login, person in sorted(ties.items())],
    )
