"""Organisation membership and since when: `organization` deliveries, a peribolos org.yaml, `members_since`.

    result = await sync_membership(gh, db, "tektoncd", members_since={"alice": date(2026, 5, 4)},
                                   peribolos=("tektoncd/community", "org/org.yaml"))
    if not await is_org_member(gh, "tektoncd", "alice"): ...   # no OWNERS pull request yet

The dates rank: a delivery's (the app saw `member_added` happen) > the commit that added the login to
org.yaml (`orgs.<org>.members` or `admins`, found by a history search, see tenure.py) > `members_since`
from the organisation's configuration. Rows go to `org_members` (keyed on the user id; logins are
resolved from the ledger's people, then one listing of the org's members, then `GET /users/{login}`).
A row dated from org.yaml keeps its date on later syncs (the search runs once per person), and is
marked removed when the login leaves org.yaml and `members_since` does not name it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from datetime import time as clock

import gidgethub

from app.store import holdings, people
from app.store.database import Database
from ladder_rules.peribolos import PeribolosError, peribolos_members  # noqa: F401 (PeribolosError: re-exported)

from .files import Calls, parse_github_time, read_text
from .tenure import FileHistory, find_entry

DELIVERY, ORG_YAML, MEMBERS_SINCE = "delivery", "org.yaml", "members_since"


@dataclass(frozen=True)
class PeribolosMembers:
    """History reader: the compared logins org.yaml lists for one org."""

    org: str

    def __call__(self, text: str | None, path: str) -> frozenset[str]:
        return frozenset(peribolos_members(text, self.org, path))


@dataclass(frozen=True, slots=True)
class MemberRow:
    """One current row of `org_members`."""

    login: str | None
    user_id: int
    since: datetime | None
    source: str


@dataclass
class MembershipSync:
    rows: list[MemberRow]  # the organisation's current members, by login
    unresolved: list[str] = field(default_factory=list)  # logins with no GitHub account found
    warnings: list[str] = field(default_factory=list)
    calls: Calls = field(default_factory=Calls)


def as_utc(value: date | datetime | str) -> datetime:
    """A `members_since` value (a YAML date, a datetime, or ISO text) as an aware UTC datetime."""
    if isinstance(value, str):
        text = value.strip()
        value = parse_github_time(text) if "T" in text else date.fromisoformat(text)
    if isinstance(value, datetime):
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
    return datetime.combine(value, clock(0), timezone.utc)


def stamp(at: datetime | None) -> str | None:
    return None if at is None else at.strftime("%Y-%m-%dT%H:%M:%SZ")


async def is_org_member(gh, org: str, login: str, *, calls: Calls | None = None) -> bool:
    """True when `login` is a member of `org` now (GitHub answers 204), False on 404."""
    if calls is not None:
        calls.other_calls += 1
    try:
        await gh.getitem("/orgs/{org}/members/{username}", {"org": org, "username": login})
    except gidgethub.BadRequest as exc:
        if exc.status_code == 404:
            return False
        raise
    return True


async def resolve_ids(gh, db: Database, org: str, logins: Mapping[str, str], calls: Calls) -> dict[str, int]:
    """User ids for compared logins: from the ledger, then the org's member list, then one look-up each."""
    ids: dict[str, int] = {}
    for key in logins:
        found = people.person_id(db, key)
        if found is not None:
            ids[key] = found
    missing = [key for key in logins if key not in ids]
    if missing and gh is not None:
        listed = 0
        async for user in gh.getiter("/orgs/{org}/members{?per_page}", {"org": org, "per_page": 100}):
            listed += 1
            if user["login"].lower() in logins:
                ids.setdefault(user["login"].lower(), user["id"])
        calls.other_calls += max(1, math.ceil(listed / 100))
        for key in [key for key in missing if key not in ids]:
            calls.other_calls += 1
            try:
                user = await gh.getitem("/users/{username}", {"username": logins[key]})
            except gidgethub.BadRequest as exc:
                if exc.status_code == 404:
                    continue
                raise
            ids[key] = user["id"]
    return ids


async def sync_membership(
    gh,
    db: Database,
    org: str,
    *,
    members_since: Mapping[str, date | datetime | str] | None = None,
    peribolos: tuple[str, str] | None = None,
    now: str | None = None,
    calls: Calls | None = None,
) -> MembershipSync:
    """Bring `org_members` of `org` up to date from org.yaml and `members_since` (deliveries win).

    `peribolos` is (repository, path); "{org}" in the path is filled in ("config/{org}/org.yaml").
    A bad org.yaml raises PeribolosError (file, line, sentence); a missing one is a warning.
    """
    now = now or time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    result = MembershipSync(rows=[], calls=calls if calls is not None else Calls())
    named: dict[str, str] = {}  # compared login -> as written

    listed: dict[str, str] = {}
    history: FileHistory | None = None
    if peribolos is not None and gh is None:
        result.warnings.append("org.yaml is configured but there is no GitHub client (dry run): not read.")
    elif peribolos is not None:
        repo, path = peribolos[0], peribolos[1].format(org=org)
        text = await read_text(gh, repo, path, calls=result.calls)
        if text is None:
            result.warnings.append(f"{repo}:{path} does not exist; org membership dates come from elsewhere.")
        else:
            listed = peribolos_members(text, org, f"{repo}:{path}", required=True)
            history = FileHistory(gh, repo, path, calls=result.calls)
            named.update(listed)

    configured: dict[str, datetime] = {}
    for login, value in (members_since or {}).items():
        try:
            configured[login.lower()] = as_utc(value)
        except (TypeError, ValueError):
            result.warnings.append(f"members_since: {login}: {value!r} is not a date; ignored.")
            continue
        named.setdefault(login.lower(), login)

    ids = await resolve_ids(gh, db, org, named, result.calls)
    result.unresolved = sorted(named[key] for key in named if key not in ids)
    existing = {m.user_id: (m.since, m.source, m.removed_at) for m in holdings.memberships(db, org)}
    writes: list[tuple[int, str | None, str]] = []
    for key, user_id in sorted(ids.items()):
        since, source, removed_at = existing.get(user_id, (None, None, None))
        if source == DELIVERY:
            continue  # first-hand, and a removal seen by a delivery stands
        if key in listed:
            if source == ORG_YAML and since and removed_at is None:
                continue  # dated before
            entry = await find_entry(history, key, PeribolosMembers(org), assume_present=True)
            if entry is not None:
                writes.append((user_id, stamp(entry.at), ORG_YAML))
                continue
        if key in configured:
            writes.append((user_id, stamp(configured[key]), MEMBERS_SINCE))
    still = {ids[key] for key in (listed.keys() | configured.keys()) if key in ids}
    gone = [
        user_id
        for user_id, (_, source, removed_at) in existing.items()
        if source == ORG_YAML and removed_at is None and history is not None and user_id not in still
    ]

    holdings.update_memberships(db, org, writes, gone, now=now)

    logins = {user_id: named[key] for key, user_id in ids.items()}
    for member in holdings.current_members(db, org):
        login = logins.get(member.user_id) or people.login_of(db, member.user_id)
        since = parse_github_time(member.since) if member.since else None
        result.rows.append(MemberRow(login, member.user_id, since, member.source))
    if history is not None:
        result.warnings.extend(history.warnings)
    return result
