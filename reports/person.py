"""One person's report: every level they work toward or reached, the requirements, their activity,
check-ins, and what Ladder wrote (or would write) on GitHub about them. From stored data only."""

from __future__ import annotations

from app.markdown import day, leaves, tenure_words
from app.store import activity as acts
from app.store.database import Database
from ladder_rules.evaluate import State
from reports.charts import progress_chart
from reports.effects import effect_row
from reports.formats import Link, Progress, Report, Table
from reports.read_model import checkins, evaluations, find_person, met_count, org_cohorts, parse_time, readiness_rows
from reports.views import requirements_of


def activity(db: Database, person_id: int, org: str | None = None) -> dict:
    """Counts per kind and the time of the latest act (in `org`'s repositories, or anywhere)."""
    counts, latest = {}, None
    for words, (count, last) in acts.of_person(db, person_id, org).items():
        counts[words] = count
        when = parse_time(last)
        if when and (latest is None or when > latest):
            latest = when
    return {"counts": counts, "last": latest}


def person_report(db: Database, login: str, *, web: str, org: str | None = None) -> Report:
    """Raises LookupError naming the login when Ladder has never seen it. `web`: the GitHub web host links
    are built on (`app.github.urls.web_url_for`)."""
    from app.outbox import list_effects

    found = find_person(db, login)
    if found is None:
        raise LookupError(f"no one with the login {login!r} is known to Ladder")
    person_id, login = found
    evals = evaluations(db, person_id, org)
    ready = readiness_rows(db, person_id, web)
    acts = activity(db, person_id, org)
    done_checkins = checkins(db, person_id, org)
    cohorts = [c for c in org_cohorts(db, org) if c.has_mentee(login)]
    effects = [effect_row(e) for e in list_effects(db, person_id=person_id, org=org)]

    summary = []
    org_names = sorted({e["scope"].split("/")[0] for e in evals} | {c.org for c in cohorts}, key=str.lower)
    if org_names:
        summary.append(("Organisations", ", ".join(org_names)))
    for c in cohorts:
        summary.append(("Cohort", f"{c.name} in {c.org}: target {c.target}, {day(c.start)} to {day(c.end)}"))
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
        "cohorts": [c.as_dict() for c in cohorts],
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
