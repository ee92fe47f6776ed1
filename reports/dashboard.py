"""The dashboard's pages: the overview (`GET /`), a cohort (`GET /cohorts/{org}/{name}`) and a person
(`GET /people/{login}`), with progress bars, charts, and what Ladder did or would do.

Rendered from stored data only (configuration, evaluations, readiness issues, the ledger, the outbox),
through the reports' read model (`reports.read_model`): the pages never call GitHub and never show a
secret. The data is gathered here into a `reports.views` page and drawn by `reports.pages` (templates,
autoescaped). The HTML cohort report (`ladder report cohort NAME --format html`) draws the same charts
from the same `CohortPage`.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, timezone

from app.store import activity as stored_activity
from app.store import checkins as stored_checkins
from app.store import evaluations as stored_evaluations
from app.store import readiness as readiness_store
from app.store.database import Database
from ladder_rules.evaluate import State
from reports.effects import effect_row
from reports.links import readiness_issue_url
from reports.pages import cohort_html, overview_html, person_html
from reports.read_model import (
    StoredCohort,
    evaluations,
    find_cohort,
    find_person,
    graduation,
    org_cohorts,
    parse_time,
    readiness_rows,
)
from reports.views import (
    Checkin,
    Cohort,
    CohortPage,
    Effect,
    Funnel,
    Header,
    Level,
    OverviewPage,
    Person,
    PersonPage,
    Series,
    requirements_of,
)


def _evaluations(db: Database, visible) -> dict[str, list[dict]]:
    by_login: dict[str, list[dict]] = {}
    for stored in stored_evaluations.newest_first(db):
        data = stored.as_dict()
        if visible(_org_of(data["scope"])):
            by_login.setdefault(data["login"].lower(), []).append(data)
    return by_login


def _org_of(scope: str) -> str:
    return scope.split("/")[0]


def _readiness(db: Database, web: str) -> dict[tuple, str]:
    """The readiness issue's address by (login, level, scope)."""
    out = {}
    for issue in readiness_store.issues(db):
        r = issue.readiness
        url = readiness_issue_url(issue, web)
        if url:
            out[(r.login.lower(), r.level, r.scope)] = url
    return out


def _person(login: str, rows: list[dict], readiness: dict) -> Person:
    current = next((e for e in rows if e["state"] != State.PROMOTED.value), rows[0])
    return Person(
        login=login,
        level=current["level"],
        scope=current["scope"],
        state=State(current["state"]),
        requirements=requirements_of(current),
        readiness_url=readiness.get((login.lower(), current["level"], current["scope"])),
        promoted=tuple(e["level"] for e in rows if e["state"] == State.PROMOTED.value),
    )


def _visible(orgs: Collection[str] | None):
    allowed = None if orgs is None else {o.lower() for o in orgs}
    return lambda org: allowed is None or (org or "").lower() in allowed


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(timezone.utc)


def _cohort_view(
    db: Database, cohort: StoredCohort, evaluated: dict, readiness: dict, now: datetime, *, plan: bool = True
) -> Cohort:
    from reports.matching import mentor_plan

    mentees = []
    graduated = []
    for login in cohort.mentees:
        rows = evaluated.get(login.lower(), [])
        mentees.append(_person(login, rows, readiness) if rows else Person(login, None))
        found = find_person(db, login)
        if found is not None and graduation(db, cohort, found[0], found[1]) is not None:
            graduated.append(login)  # by Ladder or by hand (reports.read_model.graduation)
    proposed = ()
    if plan and cohort.end >= now.date() and cohort.mentees:
        proposed = mentor_plan(db, cohort.name, org=cohort.org, now=now).pairings  # a plan matters until the end
    return Cohort(
        name=cohort.name,
        org=cohort.org,
        target=cohort.target,
        scope=cohort.scope,
        start=cohort.start,
        end=cohort.end,
        mentors=cohort.mentors,
        mentees=tuple(mentees),
        funnel=Funnel.of(mentees, graduated),
        mentor_plan=proposed,
        waitlist=cohort.waitlist,
    )


def overview(
    db: Database,
    *,
    web: str,
    orgs: Collection[str] | None = None,
    signed_in: str | None = None,
    now: datetime | None = None,
) -> OverviewPage:
    """The dashboard's data. `web`: the GitHub web host links are built on (`app.github.urls.web_url_for`);
    `orgs`: only these organisations' cohorts, people and writes (a signed-in visitor's), None: all;
    `signed_in`: the visitor's login, shown with a way to sign out."""
    from app.outbox import list_effects

    now = _now(now)
    visible = _visible(orgs)
    evaluated = _evaluations(db, visible)
    readiness = _readiness(db, web)
    cohorts = [c for c in org_cohorts(db) if visible(c.org)]
    shown = {login.lower() for c in cohorts for login in c.mentees}
    cohort_views = [_cohort_view(db, c, evaluated, readiness, now) for c in cohorts]
    others = [
        _person(rows[0]["login"], rows, readiness) for login, rows in sorted(evaluated.items()) if login not in shown
    ]
    if orgs is None:
        entries = list_effects(db, limit=100)
    else:  # the newest 100 of the visible organisations' writes, merged
        entries = [e for org in sorted({o.lower() for o in orgs}) for e in list_effects(db, org=org, limit=100)]
        entries = sorted(entries, key=lambda e: (e.updated_at, e.id), reverse=True)[:100]
    effects = tuple(_effect(e) for e in entries)
    shown_orgs = sorted({c.org for c in cohorts} | {_org_of(e["scope"]) for r in evaluated.values() for e in r})
    header = Header("Ladder", ", ".join(shown_orgs) or None, now, signed_in)
    return OverviewPage(header, tuple(cohort_views), tuple(others), effects)


def _effect(entry) -> Effect:
    row = effect_row(entry)
    return Effect(row["what"], entry.status, row["outcome"], row["url"])


def _checkin(c) -> Checkin:
    """A stored check-in as shown: its accomplishments and challenges once parsed, else its text."""
    accomplishments = getattr(c, "accomplishments", None)
    challenges = getattr(c, "challenges", None)
    if accomplishments is None and challenges is None:
        accomplishments = c.body  # stored before check-ins were parsed: all of it is accomplishments
    return Checkin(c.login, parse_time(c.at).date(), accomplishments or "", challenges or "", c.url)


def _dates(acts: list[tuple[str, str]], kind: str | None = None) -> tuple[date, ...]:
    return tuple(parse_time(at).date() for words, at in acts if kind is None or words == kind)


def cohort_page(
    db: Database,
    org: str,
    name: str,
    *,
    web: str | None,
    orgs: Collection[str] | None = None,
    signed_in: str | None = None,
    now: datetime | None = None,
) -> CohortPage:
    """One cohort's page. LookupError when there is no such cohort, or it is not the visitor's to see.
    `web` None: no links to readiness issues (a report file)."""
    now = _now(now)
    cohort = find_cohort(db, name, org)
    if not _visible(orgs)(cohort.org):
        raise LookupError(f"no cohort called {name!r} in {org}")
    evaluated = _evaluations(db, lambda o: o.lower() == cohort.org.lower())
    view = _cohort_view(db, cohort, evaluated, _readiness(db, web) if web is not None else {}, now)
    series, checkins = [], []
    for login in cohort.mentees:
        found = find_person(db, login)
        acts = stored_activity.acts_of(db, found[0], cohort.org) if found else []
        series.append(Series(login, _dates(acts)))
        if found:
            checkins += [_checkin(c) for c in stored_checkins.of_person(db, found[0], cohort.org, cohort.name)]
    checkins.sort(key=lambda c: (c.at, c.login.lower()), reverse=True)
    header = Header(f"Cohort {cohort.name}", cohort.org, now, signed_in)
    return CohortPage(
        header,
        view,
        tuple(series),
        now.date(),
        tuple(checkins),
        mentor_plan=view.mentor_plan,
        waitlist=cohort.waitlist,
    )


def person_page(
    db: Database,
    login: str,
    *,
    web: str,
    orgs: Collection[str] | None = None,
    signed_in: str | None = None,
    now: datetime | None = None,
) -> PersonPage:
    """One person's page, in the organisations the visitor may see. LookupError when the login is unknown
    (or Ladder knows nothing of them there)."""
    from app.outbox import list_effects

    now = _now(now)
    visible = _visible(orgs)
    found = find_person(db, login)
    if found is None:
        raise LookupError(f"no one with the login {login!r} is known to Ladder")
    person_id, login = found
    evals = [e for e in evaluations(db, person_id) if visible(_org_of(e["scope"]))]
    cohorts = [c for c in org_cohorts(db) if visible(c.org) and c.has_mentee(login)]
    if not evals and not cohorts and orgs is not None:
        raise LookupError(f"no one with the login {login!r} is known to Ladder")
    ready = readiness_rows(db, person_id, web)
    levels = []
    for e in evals:
        r = ready.get((e["level"], e["scope"]))
        promoted = parse_time(r["promoted_at"]).date() if r and r["promoted_at"] else None
        levels.append(
            Level(e["level"], e["scope"], State(e["state"]), requirements_of(e), r["url"] if r else None, promoted)
        )
    org_names = sorted({_org_of(e["scope"]) for e in evals} | {c.org for c in cohorts}, key=str.lower)
    acts = [a for org in org_names for a in stored_activity.acts_of(db, person_id, org)]
    kinds = list(dict.fromkeys(words for words, _ in sorted(acts, key=lambda a: a[1])))
    series = tuple(Series(kind, _dates(acts, kind)) for kind in kinds)
    if cohorts:  # the range drawn: the cohort's term
        start, end = min(c.start for c in cohorts), max(c.end for c in cohorts)
    else:  # or their first activity to today
        dates = _dates(acts)
        start, end = (min(dates) if dates else now.date()), now.date()
    if end <= start:
        end = date.fromordinal(start.toordinal() + 1)
    checkins = [
        _checkin(c) for org in org_names for c in stored_checkins.of_person(db, person_id, org) if visible(c.org)
    ]
    effects = tuple(_effect(e) for org in org_names for e in list_effects(db, person_id=person_id, org=org))
    cohort_views = tuple(_cohort_view(db, c, {}, {}, now, plan=False) for c in cohorts)
    header = Header(f"@{login}", ", ".join(org_names) or None, now, signed_in)
    return PersonPage(
        header, login, tuple(levels), series, start, end, now.date(), cohort_views, tuple(checkins), effects
    )


def dashboard_html(
    db: Database, *, web: str, orgs: Collection[str] | None = None, signed_in: str | None = None, links: bool = True
) -> str:
    """`links`: link cohorts and people to their pages (the served dashboard; a saved file has no server)."""
    return overview_html(overview(db, web=web, orgs=orgs, signed_in=signed_in), links=links)


def cohort_page_html(db: Database, org: str, name: str, **options) -> str:
    return cohort_html(cohort_page(db, org, name, **options))


def person_page_html(db: Database, login: str, **options) -> str:
    return person_html(person_page(db, login, **options))
