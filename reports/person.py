"""One person's report: every level they work toward or reached, the requirements, their activity,
check-ins, and what Ladder wrote (or would write) on GitHub about them. From stored data only."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from app.markdown import day, leaves, tenure_words
from app.store import activity as acts
from app.store import checkins as stored_checkins
from app.store import orgs, people, readiness
from app.store.database import Database
from ladder_rules.evaluate import State
from reports.charts import progress_chart
from reports.effects import effect_row
from reports.formats import Link, Progress, Report, Table
from reports.links import readiness_issue_url
from reports.views import requirements_of


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def find_person(db: Database, login: str) -> tuple[int, str] | None:
    """(id, login) of the person with this login (case-insensitive), or None. People are keyed on
    their id; when a login was reused, the most recently seen account wins."""
    found = people.find(db, login)
    return (found.id, found.login) if found else None


def known_orgs(db: Database) -> list[str]:
    return orgs.known_orgs(db)


def find_org(db: Database, org: str) -> str | None:
    """The organisation's name as stored, or None when Ladder knows nothing about it."""
    return next((o for o in known_orgs(db) if o.lower() == org.lower()), None)


def activity(db: Database, person_id: int, org: str | None = None) -> dict:
    """Counts per kind and the time of the latest act (in `org`'s repositories, or anywhere)."""
    counts, latest = {}, None
    for words, (count, last) in acts.of_person(db, person_id, org).items():
        counts[words] = count
        when = parse_time(last)
        if when and (latest is None or when > latest):
            latest = when
    return {"counts": counts, "last": latest}


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


def met_count(evaluation: dict) -> Progress:
    """Automatic requirements met, of those there are (human-only ones are not counted)."""
    automatic = [r for r in leaves(evaluation["requirements"]) if r.get("met") is not None]
    return Progress(sum(1 for r in automatic if r["met"]), len(automatic))


def evaluations(db: Database, person_id: int, org: str | None = None, level: str | None = None) -> list[dict]:
    """Stored evaluations, working ones first, then by level and scope."""
    from app.evaluations import stored

    rows = [e for e in stored(db, person_id, level) if org is None or e["scope"].split("/")[0].lower() == org.lower()]
    return sorted(rows, key=lambda e: (e["state"] == State.PROMOTED.value, e["level"], e["scope"]))


def person_report(db: Database, login: str, *, web: str, org: str | None = None) -> Report:
    """Raises LookupError naming the login when Ladder has never seen it. `web`: the GitHub web host links
    are built on (`app.github.urls.web_url_for`)."""
    from app.outbox import list_effects
    from reports.cohort import org_cohorts

    found = find_person(db, login)
    if found is None:
        raise LookupError(f"no one with the login {login!r} is known to Ladder")
    person_id, login = found
    evals = evaluations(db, person_id, org)
    ready = readiness_rows(db, person_id, web)
    acts = activity(db, person_id, org)
    done_checkins = checkins(db, person_id, org)
    cohorts = [(o, c) for o, c in org_cohorts(db, org) if login.lower() in (m.lower() for m in c.get("mentees") or [])]
    effects = [effect_row(e) for e in list_effects(db, person_id=person_id, org=org)]

    summary = []
    org_names = sorted({e["scope"].split("/")[0] for e in evals} | {o for o, _ in cohorts}, key=str.lower)
    if org_names:
        summary.append(("Organisations", ", ".join(org_names)))
    for o, c in cohorts:
        summary.append(("Cohort", f"{c['name']} in {o}: target {c['target']}, {day(c['start'])} to {day(c['end'])}"))
    summary.append(("Last activity", day(acts["last"]) if acts["last"] else "none recorded"))
    summary.append(("Activity", ", ".join(f"{n} {words}" for words, n in acts["counts"].items())))
    for (level, scope), r in sorted(ready.items()):
        if r["promoted_at"]:
            summary.append(("Promoted", f"{level} in {scope} on {day(r['promoted_at'])}"))

    requirements = Table(
        "Requirements",
        ["Level", "Scope", "State", "Requirement", "Progress", "Met", "Note"],
        empty="no evaluation stored yet",
    )
    levels = Table(
        "Levels",
        ["Level", "Scope", "State", "Requirements met", "Readiness issue", "Promoted"],
        empty="no evaluation stored yet",
    )
    for e in evals:
        r = ready.get((e["level"], e["scope"]))
        issue = Link(f"{r['status']}", r["url"]) if r and r["url"] else (r["status"] if r else "")
        levels.rows.append(
            [
                e["level"],
                e["scope"],
                e["state"],
                met_count(e),
                issue,
                day(r["promoted_at"]) if r and r["promoted_at"] else "",
            ]
        )
        for req in leaves(e["requirements"]):
            note = "for people to confirm" if req.get("met") is None else ""
            met = {True: "yes", False: "no", None: "people decide"}[req.get("met")]
            progress = (
                tenure_words(req, e.get("evaluated_at"))  # months and dates, not days
                if req.get("kind") == "tenure"
                else Progress(req.get("have"), req.get("need"))
            )
            requirements.rows.append([e["level"], e["scope"], e["state"], req["description"], progress, met, note])
    checkin_table = Table("Check-ins", ["Date", "Cohort", "Comment"], empty="no check-in yet")
    checkin_table.rows = [
        [day(c["at"]), c["cohort"], Link("comment", c["url"]) if c["url"] else ""] for c in done_checkins
    ]
    effect_table = Table("What Ladder did on GitHub", ["Status", "Effect", "Outcome"], empty="nothing yet")
    effect_table.rows = [
        [r["status"], r["what"], Link(r["url"], r["url"]) if r["status"] == "done" and r["url"] else r["outcome"]]
        for r in effects
    ]

    data = {
        "login": login,
        "person_id": person_id,
        "organisations": org_names,
        "cohorts": [{"org": o, **c} for o, c in cohorts],
        "activity": {"counts": acts["counts"], "last": acts["last"].isoformat() if acts["last"] else None},
        "evaluations": evals,
        "readiness": list(ready.values()),
        "checkins": done_checkins,
        "effects": effects,
    }
    charts = [
        progress_chart(requirements_of(e), f"@{login}: progress toward {e['level']} in {e['scope']}")
        for e in evals
        if e["state"] != State.PROMOTED.value
    ]
    tables = [requirements, levels, checkin_table, effect_table]
    return Report(f"@{login}", summary, tables, data=data, org=", ".join(org_names) or None, charts=charts)


def config_of(db: Database, org: str) -> dict:
    row = orgs.config(db, org)
    return (json.loads(row.text).get("config") or {}) if row and row.text else {}
