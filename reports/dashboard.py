"""The dashboard (`GET /`): cohorts and people with progress bars, and what Ladder did or would do.

Rendered from stored data only (configuration, evaluations, readiness issues, the outbox): the page
never calls GitHub and never shows a secret. The data is gathered here into a `reports.views.OverviewPage`
and drawn by `reports.pages.overview_html` (a template, autoescaped).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, timezone

from app.store import evaluations as stored_evaluations
from app.store import readiness as readiness_store
from app.store.database import Database
from ladder_rules.evaluate import State
from reports.effects import effect_row
from reports.links import readiness_issue_url
from reports.pages import overview_html
from reports.views import Cohort, Effect, Funnel, Header, OverviewPage, Person, requirements_of


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
    from reports.cohort import cohort_scope, org_cohorts
    from reports.matching import mentor_plan

    allowed = None if orgs is None else {o.lower() for o in orgs}

    def visible(org: str | None) -> bool:
        return allowed is None or (org or "").lower() in allowed

    evaluations = _evaluations(db, visible)
    readiness = _readiness(db, web)
    cohorts = [(org, cohort) for org, cohort in org_cohorts(db) if visible(org)]
    shown: set[str] = set()
    promoted_to = readiness_store.promoted(db)
    cohort_views = []
    for org, cohort in cohorts:
        mentees = []
        for login in cohort.get("mentees") or []:
            shown.add(login.lower())
            rows = evaluations.get(login.lower(), [])
            mentees.append(_person(login, rows, readiness) if rows else Person(login, None))
        graduated = [m for m in cohort.get("mentees") or [] if (m.lower(), cohort["target"]) in promoted_to]
        end = date.fromisoformat(str(cohort["end"])[:10])
        proposed = ()
        if end >= (now or datetime.now(timezone.utc)).date() and cohort.get("mentees"):
            proposed = mentor_plan(db, cohort["name"], org=org, now=now).pairings  # a plan matters until the end
        cohort_views.append(
            Cohort(
                name=cohort["name"],
                org=org,
                target=cohort["target"],
                scope=cohort_scope(org, cohort),
                start=date.fromisoformat(str(cohort["start"])[:10]),
                end=date.fromisoformat(str(cohort["end"])[:10]),
                mentors=tuple(cohort.get("mentors") or []),
                mentees=tuple(mentees),
                funnel=Funnel.of(mentees, graduated),
                mentor_plan=proposed,
                waitlist=tuple(cohort.get("waitlist") or ()),
            )
        )
    others = [
        _person(rows[0]["login"], rows, readiness) for login, rows in sorted(evaluations.items()) if login not in shown
    ]
    if allowed is None:
        entries = list_effects(db, limit=100)
    else:  # the newest 100 of the visible organisations' writes, merged
        entries = [e for org in sorted(allowed) for e in list_effects(db, org=org, limit=100)]
        entries = sorted(entries, key=lambda e: (e.updated_at, e.id), reverse=True)[:100]
    effects = []
    for e in entries:
        row = effect_row(e)
        effects.append(Effect(row["what"], e.status, row["outcome"], row["url"]))
    shown_orgs = sorted({org for org, _ in cohorts} | {_org_of(e["scope"]) for r in evaluations.values() for e in r})
    header = Header("Ladder", ", ".join(shown_orgs) or None, now or datetime.now(timezone.utc), signed_in)
    return OverviewPage(header, tuple(cohort_views), tuple(others), tuple(effects))


def dashboard_html(db: Database, *, web: str, orgs: Collection[str] | None = None, signed_in: str | None = None) -> str:
    return overview_html(overview(db, web=web, orgs=orgs, signed_in=signed_in))
