"""The promotion lifecycle: where one person's promotion to one level in one scope stands, and the only
ways it moves. The readiness row (app/store/readiness.py) is its single truth; evaluations keep numbers.

                 ┌──── hold ────► HELD ──── unhold ────┐ (back to where it was)
                 │                                     ▼
    ready ──► OPEN ── approve ──► APPROVED ── record_pull_request ──► PR_OPENED ── promote ──► PROMOTED
                 └────────── record_pull_request (owners_pr: when_ready) ─┘
                 any status but PROMOTED ── promote ──► PROMOTED (a roster change made by hand counts)
    OPEN, HELD ── withdraw (`/ladder optout`) ──► WITHDRAWN ── reopen (`/ladder optin`) ──► OPEN

Beside the status a row carries notes that do not change it: `fell_below` / `back_above` (the automatic
requirements stopped, then started again, being met: the issue stays open and says since when),
`not_member_yet` / `membership_hidden` / `member_now` (an approval waiting on org membership, or on a
membership GitHub would not show), `note_roster` (why the roster change is made by people: a team line,
a generated CODEOWNERS, `owners_pr: never`, no peribolos org.yaml), `tick` (the checklist as read back
from the issue) and `record_issue`.

Every transition is one function here: it checks that the row may move (raising `NotAllowed` with the
reason when not), writes through the store from the statuses it allows (so a stale copy never lands), and
returns the row as stored now. Nothing else writes a readiness row; nothing here plans a write to GitHub.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum

from app.store import readiness as store
from app.store.database import Database
from app.store.readiness import ReadinessRow


class Status(str, Enum):
    OPEN = "open"  # ready: the readiness issue waits for sponsors, the checklist and a decision
    HELD = "held"  # an objection (`/ladder hold`): nothing moves until `/ladder unhold`
    APPROVED = "approved"  # decided; the roster change is on its way (or waits for org membership)
    PR_OPENED = "pr_opened"  # the roster pull request is open
    PROMOTED = "promoted"  # the roster change is merged: the person holds the level
    WITHDRAWN = "withdrawn"  # the person opted out (`/ladder optout`): the issue is closed until they opt in


ACTIVE = (Status.OPEN, Status.HELD, Status.APPROVED, Status.PR_OPENED)


class Blocked(Enum):
    """Why a transition cannot happen now (app/promotion/replies.py says it in words)."""

    PROMOTED = "already promoted"
    HELD = "on hold"
    NOT_HELD = "not on hold"
    APPROVED = "already approved"
    PULL_REQUEST_OPEN = "the roster pull request is open"
    NOT_APPROVED = "not approved"
    WITHDRAWN = "withdrawn: the person opted out"


class NotAllowed(Exception):
    def __init__(self, reason: Blocked, row: Readiness) -> None:
        super().__init__(f"{row.key}: {reason.value}")
        self.reason = reason
        self.row = row


@dataclass(frozen=True)
class Actor:
    """Who made a decision: matched by id, shown by their login at the time it is shown."""

    id: int
    login: str


@dataclass(frozen=True)
class Readiness:
    """A promotion as it stands (one readiness row, typed)."""

    person_id: int
    login: str  # when the row was opened; text shows the person's current login
    org: str
    level: str
    scope: str
    key: str  # the outbox key of the readiness issue
    community_repo: str
    issue_number: int | None  # once the issue exists
    issue_recorded: bool  # the number is on the row (else only the outbox knows it)
    status: Status
    opened_at: str
    below_since: str | None
    held_by: Actor | None
    approved_by: Actor | None
    approved_at: str | None
    pull_request_url: str | None
    not_member_yet: bool
    membership_hidden: bool
    promoted_at: str | None
    ticked: frozenset[str]
    roster_note: str | None = None  # why Ladder does not make the roster change itself

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @classmethod
    def of(cls, row: ReadinessRow) -> Readiness:
        return cls(
            person_id=row.person_id,
            login=row.login,
            org=row.org,
            level=row.level,
            scope=row.scope,
            key=row.key,
            community_repo=row.community_repo,
            issue_number=row.number,
            issue_recorded=row.issue_number is not None,
            status=Status(row.status),
            opened_at=row.opened_at,
            below_since=row.below_since,
            held_by=_actor(row.held_by_id, row.held_by),
            approved_by=_actor(row.approved_by_id, row.approved_by),
            approved_at=row.approved_at,
            pull_request_url=row.pull_request_url,
            not_member_yet=bool(row.not_member_yet),
            membership_hidden=bool(row.membership_hidden),
            promoted_at=row.promoted_at,
            ticked=frozenset(json.loads(row.ticked or "[]")),
            roster_note=row.roster_note,
        )


def _actor(person_id: int | None, login: str | None) -> Actor | None:
    if login is None:
        return None
    return Actor(person_id if person_id is not None else 0, login)


def _of(row: ReadinessRow | None) -> Readiness | None:
    return None if row is None else Readiness.of(row)


# --- reads ----------------------------------------------------------------------------------------------


def get(db: Database, key: str) -> Readiness | None:
    return _of(store.get(db, key))


def get_for(db: Database, person_id: int, level: str, scope: str) -> Readiness | None:
    return _of(store.get_for(db, person_id, level, scope))


def for_issue(db: Database, repo: str, number: int) -> Readiness | None:
    """The promotion whose readiness issue is `repo#number` (by the number Ladder stored, never by text)."""
    return _of(store.by_issue(db, repo, number))


def waiting(db: Database, org: str) -> list[Readiness]:
    """The organisation's promotions not made yet, oldest first."""
    return [Readiness.of(r) for r in store.with_status(db, org, _values(ACTIVE))]


def of_person(db: Database, person_id: int, org: str | None = None) -> list[Readiness]:
    return [Readiness.of(r) for r in store.of_person(db, person_id, org)]


# --- transitions ----------------------------------------------------------------------------------------


def open_(
    db: Database,
    *,
    person_id: int,
    login: str,
    org: str,
    level: str,
    scope: str,
    key: str,
    community_repo: str,
    at: str,
) -> Readiness:
    """Every automatic requirement is met for the first time: the promotion is open (once per person,
    level and scope; opening it again returns the row as it is)."""
    store.add(
        db,
        person_id=person_id,
        login=login,
        org=org,
        level=level,
        scope=scope,
        key=key,
        community_repo=community_repo,
        status=Status.OPEN.value,
        opened_at=at,
    )
    return _reread(db, key)


def fell_below(db: Database, row: Readiness, at: str) -> Readiness:
    """An automatic requirement is no longer met: noted with the date; the promotion stays where it is."""
    if row.below_since:
        return row
    return _move(db, row, ACTIVE, below_since=at)


def back_above(db: Database, row: Readiness) -> Readiness:
    """Every automatic requirement is met again: the note goes."""
    if not row.below_since:
        return row
    return _move(db, row, ACTIVE, below_since=None)


def hold(db: Database, row: Readiness, by: Actor) -> Readiness:
    """An objection: nothing moves until `unhold`."""
    return _move(db, row, (Status.OPEN, Status.APPROVED, Status.PR_OPENED), status=Status.HELD, **_held(by))


def unhold(db: Database, row: Readiness) -> Readiness:
    """The objection is lifted: back to where the promotion was before it."""
    if row.status is not Status.HELD:
        raise NotAllowed(_blocked(row, Status.HELD), row)
    if row.pull_request_url:
        back = Status.PR_OPENED
    elif row.approved_by is not None:
        back = Status.APPROVED
    else:
        back = Status.OPEN
    return _move(db, row, (Status.HELD,), status=back, **_held(None))


def why_not_approve(row: Readiness) -> Blocked | None:
    """Why `approve` would be refused now (None: it would not), to ask before reading GitHub."""
    return None if row.status is Status.OPEN else _blocked(row, Status.OPEN)


def approve(db: Database, row: Readiness, by: Actor, at: str) -> Readiness:
    """Someone who decides approved: the roster change may start."""
    return _move(
        db,
        row,
        (Status.OPEN,),
        status=Status.APPROVED,
        approved_by=by.login,
        approved_by_id=by.id,
        approved_at=at,
    )


def record_pull_request(db: Database, row: Readiness, url: str) -> Readiness:
    """The App's roster pull request for this promotion is open at `url` (while on hold, only noted)."""
    if row.status is Status.HELD:
        return _move(db, row, (Status.HELD,), pull_request_url=url)
    return _move(
        db, row, (Status.OPEN, Status.APPROVED, Status.PR_OPENED), status=Status.PR_OPENED, pull_request_url=url
    )


def not_member_yet(db: Database, row: Readiness) -> Readiness:
    """Approved, but the person is not an org member: the roster change waits (Prow ignores non-members)."""
    return _move(db, row, (Status.APPROVED,), not_member_yet=1, membership_hidden=0)


def membership_hidden(db: Database, row: Readiness) -> Readiness:
    """Approved, but GitHub would not tell the App whether the person is an org member."""
    return _move(db, row, (Status.APPROVED,), not_member_yet=0, membership_hidden=1)


def member_now(db: Database, row: Readiness) -> Readiness:
    """The person is an org member: nothing waits on membership any more."""
    if not row.not_member_yet and not row.membership_hidden:
        return row
    return _move(db, row, ACTIVE, not_member_yet=0, membership_hidden=0)


def note_roster(db: Database, row: Readiness, note: str | None) -> Readiness:
    """Why Ladder does not make the roster change itself (None: it does); the status does not change."""
    if row.roster_note == note:
        return row
    return _move(db, row, ACTIVE, roster_note=note)


def promote(db: Database, row: Readiness, at: str) -> Readiness:
    """The roster change is merged (Ladder's or anyone's): the person holds the level."""
    return _move(db, row, ACTIVE, status=Status.PROMOTED, promoted_at=at, below_since=None)


def withdraw(db: Database, row: Readiness) -> Readiness:
    """The person opted out of nominations: a promotion nothing was decided on yet is closed."""
    return _move(db, row, (Status.OPEN, Status.HELD), status=Status.WITHDRAWN, **_held(None))


def reopen(db: Database, row: Readiness) -> Readiness:
    """The person opted in again: the withdrawn promotion is open again."""
    return _move(db, row, (Status.WITHDRAWN,), status=Status.OPEN)


def tick(db: Database, row: Readiness, ids: list[str]) -> Readiness:
    """The checklist items ticked on the issue, as read back from it."""
    if set(ids) == row.ticked:
        return row
    return _move(db, row, ACTIVE, ticked=json.dumps(sorted(ids)))


def record_issue(db: Database, row: Readiness) -> Readiness:
    """Write the issue's number (known from the outbox) on the row, so it is found by it directly."""
    if row.issue_recorded or row.issue_number is None:
        return row
    return _move(db, row, tuple(Status), issue_number=row.issue_number)


# --- the one way a row changes --------------------------------------------------------------------------


def _values(statuses) -> list[str]:
    return [s.value for s in statuses]


def _held(by: Actor | None) -> dict:
    return {"held_by": by.login if by else None, "held_by_id": by.id if by else None}


def _reread(db: Database, key: str) -> Readiness:
    row = get(db, key)
    if row is None:
        raise LookupError(f"no readiness row {key!r}")
    return row


def _move(db: Database, row: Readiness, allowed, **changes) -> Readiness:
    columns = {k: v.value if isinstance(v, Status) else v for k, v in changes.items()}
    if not store.update_if(db, row.key, _values(allowed), **columns):
        current = _reread(db, row.key)
        raise NotAllowed(_blocked(current, *allowed), current)
    return _reread(db, row.key)


def _blocked(row: Readiness, *allowed: Status) -> Blocked:
    """The reason a row in its status is not among `allowed`."""
    if row.status is Status.PROMOTED:
        return Blocked.PROMOTED
    if row.status is Status.WITHDRAWN:
        return Blocked.WITHDRAWN
    if row.status is Status.HELD:
        return Blocked.HELD
    if Status.HELD in allowed and len(allowed) == 1:
        return Blocked.NOT_HELD
    if row.status is Status.PR_OPENED:
        return Blocked.PULL_REQUEST_OPEN
    if row.status is Status.APPROVED:
        return Blocked.APPROVED
    return Blocked.NOT_APPROVED
