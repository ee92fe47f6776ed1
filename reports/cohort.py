"""The cohort report organisers read: mentees side by side, who graduated and how fast, who is still
active months after the term, and how many check-ins each mentee posted. From stored data only.

- graduation rate: mentees promoted to the cohort's target level (a readiness issue that ended in a
  merged roster change) / mentees;
- time to graduate: term start → the day the roster change was merged;
- retention at 3, 6 and 12 months: counted activity (ladder_rules/staying.py, the definition the way
  down's staying rules use: PRs opened, reviews, comments, issues in the organisation) on or after term
  end + N months; "not yet known" while that date is in the future.
"""

from __future__ import annotations

import calendar
import json
import statistics
from datetime import date, datetime, timezone

from app.markdown import day
from app.store import mentoring, orgs
from app.store.database import Database
from ladder_rules.evaluate import State
from ladder_rules.facts import Scope
from ladder_rules.metrics import MetricsIndex
from ladder_rules.staying import last_counted_activity
from reports.charts import funnel_chart
from reports.formats import Progress, Report, Table
from reports.person import checkins, evaluations, find_person, met_count, parse_time, readiness_rows
from reports.views import PAST_READY, Funnel
from reports.way_down import staying_index

RETENTION_MONTHS = (3, 6, 12)


def org_cohorts(db: Database, org: str | None = None) -> list[tuple[str, dict]]:
    """(org, cohort) for every cohort in the stored configurations (one organisation, or all)."""
    out = []
    for row in orgs.configs(db):
        if org is not None and row.org.lower() != org.lower():
            continue
        for cohort in (json.loads(row.text).get("config") or {}).get("cohorts") or []:
            out.append((row.org, with_sign_ups(db, row.org, cohort)))
    return out


def with_sign_ups(db: Database, org: str, cohort: dict) -> dict:
    """The cohort with its enrolled sign-ups added to `mentees` (named in `enrolled`) and its waitlist."""
    if not cohort.get("signup_issue"):
        return cohort
    listed = list(cohort.get("mentees") or [])
    signed = mentoring.signed_up(db, org, cohort["name"], listed)
    return {
        **cohort,
        "mentees": [*listed, *signed.enrolled],
        "enrolled": list(signed.enrolled),
        "waitlist": list(signed.waiting),
    }


def find_cohort(db: Database, name: str, org: str | None = None) -> tuple[str, dict]:
    """The cohort called `name`; LookupError naming it when there is none, or several (give the org)."""
    found = [(o, c) for o, c in org_cohorts(db, org) if c["name"].lower() == name.lower()]
    if not found:
        where = f" in {org}" if org else ""
        raise LookupError(f"no cohort called {name!r}{where} in the stored configurations")
    if len(found) > 1:
        raise LookupError(
            f"several organisations have a cohort called {name!r} ({', '.join(o for o, _ in found)}); pass --org"
        )
    return found[0]


def add_months(start: date, months: int) -> date:
    """The same day `months` later, or the month's last day (31 Aug + 6 months = 28/29 Feb)."""
    total = start.month - 1 + months
    year, month = start.year + total // 12, total % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _date(value: str) -> date:
    return date.fromisoformat(str(value)[:10])


def cohort_scope(org: str, cohort: dict) -> str:
    scope = cohort.get("scope") or {}
    return "/".join(x for x in (org, scope.get("repo"), scope.get("path")) if x)


def _within(scope: str, cohort_scope_text: str) -> bool:
    """A promotion counts when its scope is the cohort's scope, inside it, or contains it."""
    a, b = scope.lower(), cohort_scope_text.lower()
    return a == b or a.startswith(b + "/") or b.startswith(a + "/")


def mentee_outcome(
    db: Database, org: str, cohort: dict, login: str, now: datetime, index: MetricsIndex | None = None
) -> dict:
    start, end = _date(cohort["start"]), _date(cohort["end"])
    scope = cohort_scope(org, cohort)
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
        for r in readiness_rows(db, person_id, None).values():  # no links in this report
            if (
                r["level"].lower() == cohort["target"].lower()
                and r["promoted_at"]  # set by the promotion, and only by it
                and _within(r["scope"], scope)
            ):
                promoted = parse_time(r["promoted_at"])
                out.update(
                    graduated=True,
                    promoted_at=promoted.isoformat(),
                    days_to_graduate=max(0, (promoted.date() - start).days),
                )
        out["checkins"] = len(checkins(db, person_id, org, cohort["name"]))
        # the same "counted activity" as the way down's staying rules (ladder_rules/staying.py)
        index = index if index is not None else staying_index(db, org)
        last = last_counted_activity(index, person_id, Scope(org), now)
        out["last_activity"] = last.isoformat() if last else None
    for months in RETENTION_MONTHS:
        when = add_months(end, months)
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


def cohort_report(db: Database, name: str, *, org: str | None = None, now: datetime | None = None) -> Report:
    """Raises LookupError naming the cohort when there is no such cohort."""
    now = now or datetime.now(timezone.utc)
    org, cohort = find_cohort(db, name, org)
    index = staying_index(db, org)
    mentees = [mentee_outcome(db, org, cohort, login, now, index) for login in cohort.get("mentees") or []]
    total = len(mentees)
    graduates = [m for m in mentees if m["graduated"]]
    days = [m["days_to_graduate"] for m in graduates]
    end = _date(cohort["end"])

    summary = [
        ("Organisation", org),
        ("Target", f"{cohort['target']} in {cohort_scope(org, cohort)}"),
        ("Term", f"{day(cohort['start'])} to {day(cohort['end'])}"),
        ("Mentors", ", ".join(cohort.get("mentors") or []) or "none"),
        ("Mentees", str(total)),
        ("Graduation rate", _rate(len(graduates), total)),
        (
            "Time to graduate",
            (
                f"{_days(round(statistics.median(days)))} (median; "
                + ", ".join(f"{m['login']} {_days(m['days_to_graduate'])}" for m in graduates)
                + ")"
            )
            if graduates
            else "nobody has graduated yet",
        ),
    ]
    retention = {}
    for months in RETENTION_MONTHS:
        when = add_months(end, months)
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
    if cohort.get("signup_issue"):
        waitlist = cohort.get("waitlist") or []
        summary.append(
            (
                "Sign-up",
                f"issue #{cohort['signup_issue']}: {len(cohort.get('enrolled') or [])} enrolled, "
                f"{total} of {cohort.get('capacity')} places taken, waitlist: {', '.join(waitlist) or 'nobody'}",
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
        table.rows.append(
            [
                m["login"],
                m["level"] or "no activity seen yet",
                m["state"] or "",
                Progress(met["have"], met["need"]) if met else "",
                day(m["promoted_at"]) if m["graduated"] else "no",
                m["days_to_graduate"] if m["graduated"] else "",
                m["checkins"],
                day(m["last_activity"]) if m["last_activity"] else "none",
                *(active(m["active_after"][k]) for k in RETENTION_MONTHS),
            ]
        )
    tables = [table]
    proposed = None
    if end >= now.date():  # a plan matters until the term ends
        from reports.matching import mentor_plan  # it reads cohorts through this module

        proposed = mentor_plan(db, cohort["name"], org=org, now=now)
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
        "cohort": cohort,
        "mentor_plan": proposed.to_dict() if proposed else None,
        "scope": cohort_scope(org, cohort),
        "mentees": mentees,
        "graduated": len(graduates),
        "graduation_rate": len(graduates) / total if total else None,
        "days_to_graduate_median": statistics.median(days) if days else None,
        "retention": retention,
        "checkins": sum(m["checkins"] for m in mentees),
        "generated_at": now.isoformat(),
    }
    for m in data["mentees"]:
        m["active_after"] = {str(k): v for k, v in m["active_after"].items()}
    reached_ready = sum(1 for m in mentees if m["graduated"] or m["state"] in PAST_READY)
    funnel = funnel_chart(Funnel(total, reached_ready, len(graduates)), f"{cohort['name']}: working → ready → promoted")
    return Report(f"Cohort {cohort['name']}", summary, tables, data=data, org=org, generated_at=now, charts=[funnel])
