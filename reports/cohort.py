"""The cohort report organisers read: mentees side by side, who graduated and how fast, who is still
active months after the term, and how many check-ins each mentee posted. From stored data only, through
the reports' read model (`reports/read_model.py`).

- graduation rate: mentees promoted to the cohort's target level in its scope on or after the term's
  start / mentees. A promotion is Ladder's (a readiness issue that ended in a merged roster change) or
  one made by hand (the roster change adding the mentee — an OWNERS file, or the organisation's members
  for the member level — made without Ladder, during or after the term): both count;
- time to graduate: term start → the promotion (the median, and each graduate's);
- retention at 3, 6 and 12 months: counted activity (ladder_rules/staying.py, the definition the way
  down's staying rules use: PRs opened, reviews, comments, issues in the organisation) on or after term
  end + N months; "not yet known" while that date is in the future.
"""

from __future__ import annotations

import statistics
from datetime import datetime, timezone

from app.markdown import day
from app.store.database import Database
from ladder_rules.evaluate import State
from ladder_rules.facts import Scope
from ladder_rules.metrics import MetricsIndex
from ladder_rules.staying import last_counted_activity
from reports.charts import funnel_chart
from reports.dashboard import cohort_page
from reports.formats import Progress, Report, Table
from reports.pages import cohort_charts
from reports.read_model import (
    StoredCohort,
    add_months,
    checkins,
    evaluations,
    find_cohort,
    find_person,
    graduation,
    met_count,
    parse_time,
)
from reports.views import PAST_READY, Funnel
from reports.way_down import staying_index

RETENTION_MONTHS = (3, 6, 12)


def mentee_outcome(
    db: Database, cohort: StoredCohort, login: str, now: datetime, index: MetricsIndex | None = None
) -> dict:
    org = cohort.org
    found = find_person(db, login)
    out: dict = {
        "login": login,
        "person_id": None,
        "level": None,
        "scope": None,
        "state": None,
        "requirements_met": None,
        "graduated": False,
        "promoted_at": None,
        "promoted_how": None,
        "days_to_graduate": None,
        "checkins": 0,
        "last_activity": None,
        "active_after": {},
    }
    if found is not None:
        person_id, out["login"] = found
        out["person_id"] = person_id
        evals = evaluations(db, person_id, org)
        current = next((e for e in evals if e["state"] != State.PROMOTED.value), evals[0] if evals else None)
        if current is not None:
            met = met_count(current)
            out.update(
                level=current["level"],
                scope=current["scope"],
                state=current["state"],
                requirements_met={"have": met.have, "need": met.need},
            )
        graduated = graduation(db, cohort, person_id, out["login"])
        if graduated is not None:
            out.update(
                graduated=True,
                promoted_at=graduated.at.isoformat(),
                promoted_how=graduated.how,
                days_to_graduate=(graduated.at.date() - cohort.start).days,
            )
        out["checkins"] = len(checkins(db, person_id, org, cohort.name))
        # the same "counted activity" as the way down's staying rules (ladder_rules/staying.py)
        index = index if index is not None else staying_index(db, org)
        last = last_counted_activity(index, person_id, Scope(org), now)
        out["last_activity"] = last.isoformat() if last else None
    for months in RETENTION_MONTHS:
        when = add_months(cohort.end, months)
        if when > now.date():
            out["active_after"][months] = None  # not yet known
        else:
            last = parse_time(out["last_activity"])
            out["active_after"][months] = bool(last and last.date() >= when)
    return out


def _rate(count: int, total: int) -> str:
    return f"{count} of {total} ({round(100 * count / total)}%)" if total else "no mentees"


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def _graduated_words(m: dict) -> str:
    return f"{m['login']} {_days(m['days_to_graduate'])}" + (" by hand" if m["promoted_how"] == "by hand" else "")


def cohort_report(db: Database, name: str, *, org: str | None = None, now: datetime | None = None) -> Report:
    """Raises LookupError naming the cohort when there is no such cohort."""
    now = now or datetime.now(timezone.utc)
    cohort = find_cohort(db, name, org)
    org = cohort.org
    index = staying_index(db, org)
    mentees = [mentee_outcome(db, cohort, login, now, index) for login in cohort.mentees]
    total = len(mentees)
    graduates = [m for m in mentees if m["graduated"]]
    days = [m["days_to_graduate"] for m in graduates]
    by_hand = sum(1 for m in graduates if m["promoted_how"] == "by hand")

    summary = [
        ("Organisation", org),
        ("Target", f"{cohort.target} in {cohort.scope}"),
        ("Term", f"{day(cohort.start)} to {day(cohort.end)}"),
        ("Mentors", ", ".join(cohort.mentors) or "none"),
        ("Mentees", str(total)),
        ("Graduation rate", _rate(len(graduates), total) + (f", {by_hand} promoted by hand" if by_hand else "")),
        (
            "Time to graduate",
            f"{_days(round(statistics.median(days)))} (median; " + ", ".join(map(_graduated_words, graduates)) + ")"
            if graduates
            else "nobody has graduated yet",
        ),
    ]
    retention = {}
    for months in RETENTION_MONTHS:
        when = add_months(cohort.end, months)
        known = when <= now.date()
        active = sum(1 for m in mentees if m["active_after"][months])
        retention[str(months)] = {
            "date": when.isoformat(),
            "known": known,
            "active": active if known else None,
            "rate": (active / total if total else None) if known else None,
        }
        summary.append(
            (
                f"Active {months} months after the term ({day(when.isoformat())})",
                _rate(active, total) if known else "not yet known",
            )
        )
    summary.append(("Check-ins", str(sum(m["checkins"] for m in mentees))))
    if cohort.signup_issue:
        summary.append(
            (
                "Sign-up",
                f"issue #{cohort.signup_issue}: {len(cohort.enrolled)} enrolled, "
                f"{total} of {cohort.capacity} places taken, waitlist: {', '.join(cohort.waitlist) or 'nobody'}",
            )
        )

    def active(value) -> str:
        return "not yet known" if value is None else ("yes" if value else "no")

    table = Table(
        "Mentees",
        [
            "Mentee",
            "Working toward",
            "State",
            "Requirements met",
            "Graduated",
            "Days to graduate",
            "Check-ins",
            "Last activity",
            *(f"Active after {m} months" for m in RETENTION_MONTHS),
        ],
        empty="no mentees",
    )
    for m in mentees:
        met = m["requirements_met"]
        graduated = "no"
        if m["graduated"]:
            graduated = day(m["promoted_at"]) + (" (by hand)" if m["promoted_how"] == "by hand" else "")
        table.rows.append(
            [
                m["login"],
                m["level"] or "no activity seen yet",
                m["state"] or "",
                Progress(met["have"], met["need"]) if met else "",
                graduated,
                m["days_to_graduate"] if m["graduated"] else "",
                m["checkins"],
                day(m["last_activity"]) if m["last_activity"] else "none",
                *(active(m["active_after"][k]) for k in RETENTION_MONTHS),
            ]
        )
    tables = [table]
    proposed = None
    if cohort.end >= now.date():  # a plan matters until the term ends
        from reports.matching import mentor_plan

        proposed = mentor_plan(db, cohort.name, org=org, now=now)
        plan_table = Table(
            f"Proposed mentors (a plan, not an assignment: from activity since {day(proposed.since.isoformat())})",
            ["Mentee", "Proposed mentor", "Score", "Why"],
            empty="no mentees",
        )
        for pair in proposed.pairings:
            plan_table.rows.append([pair.mentee, pair.mentor or "nobody", pair.score, "; ".join(pair.reasons)])
        tables.append(plan_table)
    data = {
        "org": org,
        "cohort": cohort.as_dict(),
        "mentor_plan": proposed.to_dict() if proposed else None,
        "scope": cohort.scope,
        "mentees": mentees,
        "graduated": len(graduates),
        "graduated_by_hand": by_hand,
        "graduation_rate": len(graduates) / total if total else None,
        "days_to_graduate_median": statistics.median(days) if days else None,
        "retention": retention,
        "checkins": sum(m["checkins"] for m in mentees),
        "generated_at": now.isoformat(),
    }
    for m in data["mentees"]:
        m["active_after"] = {str(k): v for k, v in m["active_after"].items()}
    reached_ready = sum(1 for m in mentees if m["graduated"] or m["state"] in PAST_READY)
    funnel = funnel_chart(Funnel(total, reached_ready, len(graduates)), f"{cohort.name}: working → ready → promoted")
    # the cohort page's other charts: cumulative activity over the term, each mentee's progress per requirement
    drawn = cohort_charts(cohort_page(db, org, cohort.name, web=None, now=now))
    charts = [funnel, drawn["activity"], *(c for c in drawn["progress"] if c)]
    return Report(f"Cohort {cohort.name}", summary, tables, data=data, org=org, generated_at=now, charts=charts)
