"""The reports' one read model: typed rows over the stored data every report, page and `ladder status`
shares, so each question (who is this login, which cohorts are there, when did a mentee graduate) has one
answer in one place.

Why a module of its own: the cohort report, the person report, the organisation report, the dashboard and
the mentor plan all ask the same questions. When those queries lived in `reports/person.py`, the cohort
report imported the person report and the person report imported the cohort report back (a cycle), and
the stored configuration was parsed three ways (raw JSON in three modules, `OrgConfig` in the app). Here
it is parsed once, by the app's own reader (`app.config.loader.cached_config`, the same `OrgConfig` the
service acts on), so a report never shows a cohort the service would not run.

Everything here only reads: the reporting commands open the database read-only (`app.cli.common.open_store`).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timezone

from app.config.schema import OrgConfig
from app.store import checkins as stored_checkins
from app.store import holdings, mentoring, orgs, people, readiness, way_down
from app.store.database import Database
from ladder_rules.evaluate import State
from ladder_rules.format import Ladder
from reports.formats import Progress
from reports.links import readiness_issue_url

# --- time -------------------------------------------------------------------------------------------


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def add_months(start: date, months: int) -> date:
    """The same day `months` later, or the month's last day (31 Aug + 6 months = 28/29 Feb)."""
    total = start.month - 1 + months
    year, month = start.year + total // 12, total % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


# --- organisations and their configuration ----------------------------------------------------------


def known_orgs(db: Database) -> list[str]:
    return orgs.known_orgs(db)


def find_org(db: Database, org: str) -> str | None:
    """The organisation's name as stored, or None when Ladder knows nothing about it."""
    return next((o for o in known_orgs(db) if o.lower() == org.lower()), None)


def stored_config(db: Database, org: str) -> OrgConfig | None:
    """The organisation's configuration as the service last loaded it; None when there is none (or it had
    errors). The only place the reports read a stored configuration."""
    from app.config.loader import cached_config

    loaded = cached_config(db, org)
    return loaded.config if loaded is not None else None


@dataclass(frozen=True)
class StoredCohort:
    """A cohort as configured, with its sign-ups: `mentees` are the listed ones and then those enrolled
    with `/ladder enroll` (also in `enrolled`); `waitlist` waits for a place, in order."""

    org: str
    name: str
    target: str
    scope: str  # "org/repo/path"
    start: date
    end: date
    mentors: tuple[str, ...]
    mentees: tuple[str, ...]
    enrolled: tuple[str, ...] = ()
    waitlist: tuple[str, ...] = ()
    signup_issue: int | None = None
    capacity: int = 10
    mentees_per_mentor: int = 3
    tracking_issue: int | None = None

    def has_mentee(self, login: str) -> bool:
        return login.lower() in (m.lower() for m in self.mentees)

    def as_dict(self) -> dict:
        """JSON-ready, for the reports' `--format json`."""
        return {
            "org": self.org,
            "name": self.name,
            "target": self.target,
            "scope": self.scope,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "mentors": list(self.mentors),
            "mentees": list(self.mentees),
            "enrolled": list(self.enrolled),
            "waitlist": list(self.waitlist),
            "signup_issue": self.signup_issue,
            "capacity": self.capacity,
            "mentees_per_mentor": self.mentees_per_mentor,
            "tracking_issue": self.tracking_issue,
        }


def org_cohorts(db: Database, org: str | None = None) -> list[StoredCohort]:
    """Every cohort in the stored configurations (one organisation's, or all), with its sign-ups."""
    out = []
    for row in orgs.configs(db):
        if org is not None and row.org.lower() != org.lower():
            continue
        config = stored_config(db, row.org)
        for c in config.cohorts if config else ():
            listed = list(c.mentees)
            enrolled: tuple[str, ...] = ()
            waiting: tuple[str, ...] = ()
            if c.signup_issue:
                signed = mentoring.signed_up(db, row.org, c.name, listed)
                enrolled, waiting = tuple(signed.enrolled), tuple(signed.waiting)
            out.append(
                StoredCohort(
                    org=row.org,
                    name=c.name,
                    target=c.target,
                    scope="/".join(x for x in (row.org, c.scope.repo, c.scope.path) if x),
                    start=c.start,
                    end=c.end,
                    mentors=tuple(c.mentors),
                    mentees=(*listed, *enrolled),
                    enrolled=enrolled,
                    waitlist=waiting,
                    signup_issue=c.signup_issue,
                    capacity=c.capacity,
                    mentees_per_mentor=c.mentees_per_mentor,
                    tracking_issue=c.tracking_issue,
                )
            )
    return out


def find_cohort(db: Database, name: str, org: str | None = None) -> StoredCohort:
    """The cohort called `name`; LookupError naming it when there is none, or several (give the org)."""
    found = [c for c in org_cohorts(db, org) if c.name.lower() == name.lower()]
    if not found:
        where = f" in {org}" if org else ""
        raise LookupError(f"no cohort called {name!r}{where} in the stored configurations")
    if len(found) > 1:
        raise LookupError(
            f"several organisations have a cohort called {name!r} ({', '.join(c.org for c in found)}); pass --org"
        )
    return found[0]


# --- people -----------------------------------------------------------------------------------------


def find_person(db: Database, login: str) -> tuple[int, str] | None:
    """(id, login) of the person with this login (case-insensitive), or None. People are keyed on
    their id; when a login was reused, the most recently seen account wins."""
    found = people.find(db, login)
    return (found.id, found.login) if found else None


def evaluations(db: Database, person_id: int, org: str | None = None, level: str | None = None) -> list[dict]:
    """Stored evaluations, working ones first, then by level and scope."""
    from app.evaluations import stored

    rows = [e for e in stored(db, person_id, level) if org is None or e["scope"].split("/")[0].lower() == org.lower()]
    return sorted(rows, key=lambda e: (e["state"] == State.PROMOTED.value, e["level"], e["scope"]))


def met_count(evaluation: dict) -> Progress:
    """Automatic requirements met, of those there are (human-only ones are not counted)."""
    from app.markdown import leaves

    automatic = [r for r in leaves(evaluation["requirements"]) if r.get("met") is not None]
    return Progress(sum(1 for r in automatic if r["met"]), len(automatic))


def readiness_rows(db: Database, person_id: int, web: str | None) -> dict[tuple[str, str], dict]:
    """The person's readiness issues by (level, scope), with the issue's address when `web` (the GitHub web
    host) is given; None: the caller shows no links."""
    out = {}
    for issue in readiness.issues(db, person_id=person_id):
        r = issue.readiness
        url = readiness_issue_url(issue, web) if web is not None else None
        out[(r.level, r.scope)] = {
            "level": r.level,
            "scope": r.scope,
            "status": r.status,
            "opened_at": r.opened_at,
            "url": url,
            "approved_by": r.approved_by,
            "pull_request_url": r.pull_request_url,
            "promoted_at": r.promoted_at,
        }
    return out


def checkins(db: Database, person_id: int, org: str | None = None, cohort: str | None = None) -> list[dict]:
    return [
        {"org": c.org, "cohort": c.cohort, "at": c.at, "url": c.url}
        for c in stored_checkins.of_person(db, person_id, org, cohort)
    ]


# --- graduation -------------------------------------------------------------------------------------


def within(scope: str, cohort_scope: str) -> bool:
    """A promotion counts when its scope is the cohort's scope, inside it, or contains it."""
    a, b = scope.lower(), cohort_scope.lower()
    return a == b or a.startswith(b + "/") or b.startswith(a + "/")


@dataclass(frozen=True)
class Graduation:
    """When a mentee reached the cohort's target: `how` is "ladder" (a readiness issue that ended in a
    merged roster change) or "by hand" (a roster change Ladder did not propose: the login added to an
    OWNERS file or the organisation's members during or after the term)."""

    at: datetime
    how: str
    scope: str


def graduation(db: Database, cohort: StoredCohort, person_id: int, login: str) -> Graduation | None:
    """The earliest promotion of the mentee to the cohort's target in its scope that happened on or after
    the term's start; None when there is none (yet)."""
    start = datetime.combine(cohort.start, datetime.min.time(), tzinfo=timezone.utc)
    found: list[Graduation] = []
    for r in readiness.issues(db, person_id=person_id):
        row = r.readiness
        if row.level.lower() == cohort.target.lower() and row.promoted_at and within(row.scope, cohort.scope):
            found.append(Graduation(parse_time(row.promoted_at), "ladder", row.scope))
    # OWNERS files and alias groups as last read, and entries since taken off them (made emeritus, moved on):
    # a mentee promoted during the term graduated even if their entry ended later
    for entry in [*holdings.of_org(db, cohort.org), *way_down.ends(db, cohort.org)]:
        mine = entry.person_id == person_id if entry.person_id is not None else entry.login.lower() == login.lower()
        since = parse_time(entry.since)
        if mine and entry.level.lower() == cohort.target.lower() and since and within(entry.scope, cohort.scope):
            found.append(Graduation(since, "by hand", entry.scope))
    if cohort.target.lower() == _member_level(db, cohort.org):
        for m in holdings.memberships(db, cohort.org):  # the organisation's members: an invitation accepted
            since = parse_time(m.since)
            if m.user_id == person_id and since:
                found.append(Graduation(since, "by hand", cohort.org))
    found = [g for g in found if g.at >= start]
    if not found:
        return None
    # Ladder's own promotion also writes the roster: the same day, it is Ladder's.
    first = min(found, key=lambda g: (g.at.date(), g.how != "ladder"))
    return first


def stored_ladder(db: Database, org: str) -> Ladder | None:
    """The organisation's ladder as the service last loaded it (built in, or its ladder file); None without one."""
    from app.config.loader import cached_config

    loaded = cached_config(db, org)
    return loaded.ladder if loaded is not None and loaded.config is not None else None


def _member_level(db: Database, org: str) -> str | None:
    """The ladder's level whose roster is the organisation's members (lower-cased)."""
    from app.evaluations import member_level

    ladder = stored_ladder(db, org)
    level = member_level(ladder) if ladder is not None else None
    return level.lower() if level else None
