"""The dashboard (`GET /`): cohorts and people with progress bars, and what Ladder did or would do.

Rendered from stored data only (configuration, evaluations, readiness issues, the outbox): the page
never calls GitHub and never shows a secret. The data is gathered here into a `reports.views.OverviewPage`
and drawn by `reports.pages.overview_html` (a template, autoescaped).
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from app.store import evaluations as stored_evaluations
from app.store import readiness as readiness_store
from app.store.database import Database
from ladder_rules.evaluate import State
from reports.effects import effect_row
from reports.pages import overview_html
from reports.views import Cohort, Effect, Funnel, Header, OverviewPage, Person, requirements_of


def _evaluations(db: Database) -> dict[str, list[dict]]:
    by_login: dict[str, list[dict]] = {}
    for stored in stored_evaluations.newest_first(db):
        data = stored.as_dict()
        by_login.setdefault(data["login"].lower(), []).append(data)
    return by_login


def _readiness(db: Database) -> dict[tuple, str]:
    """The readiness issue's address by (login, level, scope); the outbox knows it before the row does."""
    out = {}
    for issue in readiness_store.issues(db):
        r = issue.readiness
        url = (
            f"https://github.com/{r.community_repo}/issues/{r.issue_number}"
            if r.issue_number
            else (issue.outbox_result or {}).get("url")
        )
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


def overview(db: Database, now: datetime | None = None) -> OverviewPage:
    from app.outbox import list_effects
    from reports.cohort import cohort_scope, org_cohorts

    evaluations = _evaluations(db)
    readiness = _readiness(db)
    cohorts = org_cohorts(db)
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
            )
        )
    others = [
        _person(rows[0]["login"], rows, readiness) for login, rows in sorted(evaluations.items()) if login not in shown
    ]
    entries = list_effects(db, limit=100)
    effects = []
    for e in entries:
        row = effect_row(e)
        effects.append(Effect(row["what"], e.status, row["outcome"], row["url"]))
    orgs = sorted({org for org, _ in cohorts} | {e["scope"].split("/")[0] for r in evaluations.values() for e in r})
    header = Header("Ladder", ", ".join(orgs) or None, now or datetime.now(timezone.utc))
    return OverviewPage(header, tuple(cohort_views), tuple(others), tuple(effects))


def dashboard_html(db: Database) -> str:
    return overview_html(overview(db))
