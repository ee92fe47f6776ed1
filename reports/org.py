"""An organisation's report: everyone evaluated and where they stand, its cohorts' outcomes, its
readiness issues, and the state of its outbox. From stored data only."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone

from app.markdown import day
from app.store import evaluations, orgs
from app.store import outbox as outbox_store
from app.store import readiness as readiness_store
from app.store.database import Database
from ladder_rules.evaluate import State
from reports.cohort import cohort_report
from reports.formats import Link, Report, Table
from reports.links import readiness_issue_url
from reports.read_model import find_org, met_count, org_cohorts, stored_config

STATES = tuple(s.value for s in State)


def org_report(db: Database, org: str, *, web: str, now: datetime | None = None) -> Report:
    """Raises LookupError naming the organisation when Ladder knows nothing about it. `web`: the GitHub web
    host links are built on (`app.github.urls.web_url_for`)."""
    now = now or datetime.now(timezone.utc)
    name = find_org(db, org)
    if name is None:
        raise LookupError(f"no organisation called {org!r} is known to Ladder")
    config_row = orgs.config(db, name)
    summary = []
    config = {}
    if config_row:
        source, error, loaded_at = config_row.source, config_row.error, config_row.loaded_at
        parsed = stored_config(db, name)
        config = parsed.to_dict() if parsed is not None else {}
        summary.append(("Configuration", f"{source or 'none'}, loaded {day(loaded_at)}"))
        if error:
            summary.append(("Configuration error", error))
        if config:
            summary.append(("Ladder", str(config.get("ladder"))))
            summary.append(("Dry-run", "yes" if config.get("dry_run") else "no"))
    else:
        summary.append(("Configuration", "none loaded: dry-run"))

    evals = []
    for stored in evaluations.newest_first(db, name):
        evals.append(stored.as_dict())
    evals.sort(key=lambda e: (e["login"].lower(), e["state"] == State.PROMOTED.value, e["level"], e["scope"]))
    states = Counter(e["state"] for e in evals)
    summary.append(("People evaluated", str(len({e["person_id"] for e in evals}))))
    summary.append(("Evaluations", ", ".join(f"{states[s]} {s}" for s in STATES)))

    people = Table(
        "People", ["Person", "Level", "Scope", "State", "Requirements met", "Evaluated"], empty="nobody evaluated yet"
    )
    people.rows = [
        [e["login"], e["level"], e["scope"], e["state"], met_count(e), day(e["evaluated_at"])] for e in evals
    ]

    cohorts = Table(
        "Cohorts",
        ["Cohort", "Target", "Term", "Mentees", "Graduation rate", "Time to graduate"],
        empty="no cohorts configured",
    )
    cohort_data = []
    for cohort in org_cohorts(db, name):
        report = cohort_report(db, cohort.name, org=name, now=now)
        facts = dict(report.summary)
        cohorts.rows.append(
            [
                cohort.name,
                facts["Target"],
                facts["Term"],
                facts["Mentees"],
                facts["Graduation rate"],
                facts["Time to graduate"],
            ]
        )
        cohort_data.append(report.data)

    readiness = Table(
        "Readiness issues",
        ["Person", "Level", "Scope", "Status", "Issue", "Opened", "Promoted"],
        empty="no readiness issue yet",
    )
    issues = []
    for issue in readiness_store.issues(db, org=name):
        r = issue.readiness
        login, level, scope, repo, status = r.login, r.level, r.scope, r.community_repo, r.status
        opened, promoted = r.opened_at, r.promoted_at
        number = issue.number
        url = readiness_issue_url(issue, web)
        readiness.rows.append(
            [
                login,
                level,
                scope,
                status,
                Link(f"{repo}#{number}" if number else url, url) if url else "not opened yet",
                day(opened),
                day(promoted) if promoted else "",
            ]
        )
        issues.append(
            {
                "login": login,
                "level": level,
                "scope": scope,
                "status": status,
                "url": url,
                "opened_at": opened,
                "promoted_at": promoted,
            }
        )

    outbox = outbox_store.counts(db, name)
    summary.append(
        ("Writes to GitHub", ", ".join(f"{outbox.get(s, 0)} {s}" for s in ("done", "pending", "planned", "failed")))
    )
    data = {
        "org": name,
        "config": config,
        "evaluations": evals,
        "states": {s: states[s] for s in STATES},
        "cohorts": cohort_data,
        "readiness": issues,
        "outbox": outbox,
        "generated_at": now.isoformat(),
    }
    return Report(name, summary, [people, cohorts, readiness], data=data, org=name, generated_at=now)
