"""Levels held: the rosters as last read (`holdings`, keyed on the login a roster names) and organisation
membership (`org_members`, keyed on the user id).

`by_login` is the one reading of both together: org membership is the ladder's member level.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from app.store.database import Database
from ladder_rules.facts import Holding, Scope


def parse_time(value: str | None) -> datetime | None:
    """An ISO 8601 time as an aware UTC datetime. Called for every row the evaluator reads (two million
    for a million-row ledger): Python 3.11 reads `Z` itself, and a time already in UTC is not converted."""
    if not value:
        return None
    at = datetime.fromisoformat(value)
    return at if at.tzinfo is timezone.utc else at.astimezone(timezone.utc)


def parse_scope(text: str) -> Scope:
    """ "org", "org/repo" or "org/repo/path/inside" → Scope."""
    parts = text.split("/", 2)
    return Scope(org=parts[0], repo=parts[1] if len(parts) > 1 else None, path=parts[2] if len(parts) > 2 else None)


@dataclass(frozen=True)
class RosterEntry:
    """One row of `holdings`."""

    login: str
    person_id: int | None
    org: str
    level: str
    scope: str
    since: str | None  # when the login entered the roster; None when unknown
    source: str  # e.g. "OWNERS kubernetes/kubernetes:pkg/controller/OWNERS"
    updated_at: str


def in_scope(db: Database, org: str, level: str, scope: str) -> list[RosterEntry]:
    """Who holds `level` over exactly `scope`, as stored."""
    rows = db.query(
        "SELECT login, person_id, org, level, scope, since, source, updated_at FROM holdings"
        " WHERE level = ? AND scope = ? AND org = ? ORDER BY login",
        [level, scope, org],
    )
    return [RosterEntry(*r) for r in rows]


def of_org(db: Database, org: str) -> list[RosterEntry]:
    """Every roster entry of `org` as stored (OWNERS lists and alias groups)."""
    rows = db.query(
        "SELECT login, person_id, org, level, scope, since, source, updated_at FROM holdings"
        " WHERE org = ? ORDER BY login, level, scope",
        [org],
    )
    return [RosterEntry(*r) for r in rows]


def replace_owners(
    db: Database, removed: list[tuple[str, str, str]], entries: list[RosterEntry], *, now: str | None = None
) -> None:
    """In one transaction: drop the OWNERS holdings `removed` as (login, level, scope), recording each as
    ended at `now` (app/store/way_down.py `holding_ends`), and write `entries` (a person id, once known, is
    kept when an entry has none)."""
    from app.store import way_down

    ended_at = now or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    with db.transaction():
        for login, level, scope in removed:
            row = db.one(
                "SELECT login, person_id, org, since, source FROM holdings WHERE login = ? AND level = ? AND scope = ?"
                " AND lower(source) LIKE 'owners%'",
                [login, level, scope],
            )
            if row is not None:
                way_down.record_ends(
                    db, [way_down.HoldingEnd(row[2], row[0], row[1], level, scope, row[3], row[4], ended_at)]
                )
            db.execute(
                "DELETE FROM holdings WHERE login = ? AND level = ? AND scope = ? AND lower(source) LIKE 'owners%'",
                [login, level, scope],
            )
        db.executemany(
            "INSERT INTO holdings (login, person_id, org, level, scope, since, source, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (login, level, scope) DO UPDATE SET"
            " person_id = coalesce(excluded.person_id, holdings.person_id), since = excluded.since,"
            " source = excluded.source, updated_at = excluded.updated_at",
            [(e.login, e.person_id, e.org, e.level, e.scope, e.since, e.source, e.updated_at) for e in entries],
        )


# --- organisation membership ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Membership:
    """One row of `org_members`."""

    org: str
    user_id: int
    since: str | None
    source: str  # delivery | members_since | org.yaml | api
    removed_at: str | None


def memberships(db: Database, org: str) -> list[Membership]:
    """Every membership of `org` ever stored (current and removed), by user id."""
    rows = db.query(
        "SELECT org, user_id, since, source, removed_at FROM org_members WHERE org = ? ORDER BY user_id", [org]
    )
    return [Membership(*r) for r in rows]


def current_members(db: Database, org: str) -> list[Membership]:
    return [m for m in memberships(db, org) if m.removed_at is None]


def update_memberships(
    db: Database, org: str, joined: list[tuple[int, str | None, str]], left: list[int], *, now: str
) -> None:
    """In one transaction: `joined` as (user id, since, source) become current memberships; `left` ones end."""
    with db.transaction():
        db.executemany(
            "INSERT INTO org_members (org, user_id, since, source) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (org, user_id) DO UPDATE SET since = excluded.since, source = excluded.source,"
            " removed_at = NULL",
            [(org, user_id, since, source) for user_id, since, source in joined],
        )
        db.executemany(
            "UPDATE org_members SET removed_at = ? WHERE org = ? AND user_id = ?", [(now, org, u) for u in left]
        )


# --- both ------------------------------------------------------------------------------------------------


def roster_orgs(db: Database) -> list[str]:
    """Every organisation with a stored roster entry or membership (current or ended), A to Z, each once."""
    names: dict[str, str] = {}
    for (org,) in db.query("SELECT DISTINCT org FROM holdings UNION SELECT DISTINCT org FROM org_members"):
        names.setdefault(org.lower(), org)
    return sorted(names.values(), key=str.lower)


def drop_owners_folder(db: Database, org: str, scope: str, own_source: str) -> None:
    """The OWNERS file of the folder `scope` was deleted: the folder is no longer one, so its rows go. Those
    its own file gave (`source` starting with `own_source`) end, recorded as removals (`replace_owners`),
    unless the person holds the level in a folder above; the rest, read from the files above, are dropped
    without an end."""
    rows = db.query(
        "SELECT login, level, source FROM holdings WHERE org = ? AND scope = ? AND lower(source) LIKE 'owners%'",
        [org, scope],
    )
    above = {
        (login.lower(), level)
        for login, level, held in db.query("SELECT login, level, scope FROM holdings WHERE org = ?", [org])
        if scope.lower().startswith(held.lower() + "/")
    }
    ended = [
        (login, level, scope)
        for login, level, source in rows
        if source.startswith(own_source) and (login.lower(), level) not in above
    ]
    replace_owners(db, ended, [])
    db.execute("DELETE FROM holdings WHERE org = ? AND scope = ? AND lower(source) LIKE 'owners%'", [org, scope])


def by_login(
    db: Database, org: str, *, member_level: str | None = "member", login: str | None = None
) -> dict[str, tuple[str, list[Holding]]]:
    """Everyone who holds a level in `org` (or the one `login`), by lower-cased login: (login as written,
    holdings).

    Read from the rosters directly, so people who hold a level but never acted are included; a current
    org membership is the `member_level` (None: membership is not a level of this ladder)."""
    out: dict[str, tuple[str, list[Holding]]] = {}
    params = [org] if login is None else [org, login]
    one = "" if login is None else " AND lower(login) = lower(?)"
    for name, level, scope, since in db.query(
        f"SELECT login, level, scope, since FROM holdings WHERE org = ?{one} ORDER BY login, level, scope", params
    ):
        out.setdefault(name.lower(), (name, []))[1].append(Holding(level, parse_scope(scope), parse_time(since)))
    if member_level:
        one = "" if login is None else " AND lower(p.login) = lower(?)"
        for name, since in db.query(
            "SELECT p.login, m.since FROM org_members m JOIN people p ON p.id = m.user_id"
            f" WHERE m.org = ? AND m.removed_at IS NULL{one} ORDER BY m.user_id",
            params,
        ):
            entry = out.setdefault(name.lower(), (name, []))
            if not any(h.level == member_level for h in entry[1]):
                entry[1].append(Holding(member_level, Scope(org), parse_time(since)))
    return out


def by_person(
    db: Database, org: str, *, member_level: str | None = "member"
) -> dict[int | str, tuple[str, list[Holding]]]:
    """Everyone who holds a level in `org`, by user id: (their login as last seen, holdings) — the same
    reading as `by_login`, matched on the account: a roster still naming someone's old login is theirs.
    A roster entry never tied to an account is matched to the account most recently seen with its login;
    one whose login no account Ladder saw has is keyed by that login, lower-cased (shown, never matched
    to anyone who acts: whoever comments is a known account)."""
    from app.store import people

    ids = people.ids_by_login(db)
    logins = dict(db.query("SELECT id, login FROM people"))
    out: dict[int | str, tuple[str, list[Holding]]] = {}
    for login, person_id, level, scope, since in db.query(
        "SELECT login, person_id, level, scope, since FROM holdings WHERE org = ? ORDER BY login, level, scope", [org]
    ):
        person = person_id if person_id is not None else ids.get(login.lower(), login.lower())
        entry = out.setdefault(person, (logins.get(person, login), []))
        entry[1].append(Holding(level, parse_scope(scope), parse_time(since)))
    if member_level:
        for person, since in db.query(
            "SELECT user_id, since FROM org_members WHERE org = ? AND removed_at IS NULL ORDER BY user_id", [org]
        ):
            if person not in logins:
                continue  # a member Ladder never saw: no login to show
            entry = out.setdefault(person, (logins[person], []))
            if not any(h.level == member_level for h in entry[1]):
                entry[1].append(Holding(member_level, Scope(org), parse_time(since)))
    return out


def owners_folders(db: Database, org: str) -> dict[str, list[str]]:
    """{lower-cased owner/name: folders whose OWNERS file Ladder has read ("" the root)} for one organisation."""
    out: dict[str, set[str]] = {}
    for (scope,) in db.query("SELECT DISTINCT scope FROM holdings WHERE org = ?", [org]):
        s = parse_scope(scope)
        if s.repo:
            out.setdefault(f"{s.org}/{s.repo}".lower(), set()).add(s.path or "")
    return {repo: sorted(paths) for repo, paths in out.items()}
