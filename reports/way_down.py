"""`ladder report org ORG --inactive`: who is at risk of falling below the staying rules, who has a notice
and is in the grace period, and whose change is proposed. From stored data only (the ledger, the rosters
and the way-down state), with the same definition of counted activity as the service (ladder_rules/
staying.py), which the cohort report's retention uses too.

- at risk: within the rules today, below them within `AT_RISK_DAYS` if nothing more is counted;
- in grace: a notice was given; the change will be proposed on the date shown unless activity or a keep;
- proposed: the pull request (or the org admin's issue) is open for people to decide;
- closed notices (cancelled, kept, ended) are listed last, with why.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from app.evaluations import member_level
from app.markdown import day
from app.store import holdings, people
from app.store import outbox as outbox_store
from app.store import way_down as store
from app.store.database import Database
from app.store.facts import load_facts
from ladder_rules.definitions import Definitions
from ladder_rules.format import Ladder
from ladder_rules.metrics import MetricsIndex, build_index
from ladder_rules.staying import check_stay, has_rules
from reports.formats import Link, Report, Table
from reports.read_model import find_org, stored_ladder

AT_RISK_DAYS = 30


def staying_index(db: Database, org: str, ladder: Ladder | None = None) -> MetricsIndex:
    """The organisation's activity, indexed for `ladder_rules.staying` (DOMAIN.md's default definitions)."""
    return build_index(load_facts(db, org, member_level=member_level(ladder) if ladder else None), Definitions())


def _pull_url(db: Database, notice: store.Notice) -> str | None:
    for n in range(len(notice.counted.get("targets") or [None])):
        entry = outbox_store.get_by_key(db, notice.pull_key(n))
        if entry is not None and entry.result and entry.result.get("url"):
            return entry.result["url"]
    return None


def inactive_report(db: Database, org: str, *, web: str, now: datetime | None = None) -> Report:
    now = now or datetime.now(timezone.utc)
    name = find_org(db, org)
    if name is None:
        raise LookupError(f"no organisation called {org!r} is known to Ladder")
    ladder = stored_ladder(db, name)
    notices = store.of_org(db, name)
    open_keys = {(n.person_id, n.level, n.scope) for n in notices if n.status in ("notice", "proposed")}

    at_risk = Table("At risk", ["Person", "Level", "Scope", "Counted", "Below on"], empty="nobody")
    risk_rows = []
    if ladder is not None:
        index = staying_index(db, name, ladder)
        soon = now + timedelta(days=AT_RISK_DAYS)
        held: list[tuple[int, str, str, str]] = []
        for e in holdings.of_org(db, name):
            pid = e.person_id if e.person_id is not None else people.person_id(db, e.login)
            if pid is not None:
                held.append((pid, e.login, e.level, e.scope))
        member = member_level(ladder) if ladder is not None else None
        if member:
            for m in holdings.current_members(db, name):
                login = people.login_of(db, m.user_id)
                if login:
                    held.append((m.user_id, login, member, name))
        from app.store.holdings import parse_scope

        for pid, login, level, scope in held:
            if level not in {lv.name for lv in ladder.levels if has_rules(lv)} or (pid, level, scope) in open_keys:
                continue
            today = check_stay(index, ladder, pid, level, parse_scope(scope), now)
            if today is None or today.below:
                continue  # below today: the daily pass gives the notice
            later = check_stay(index, ladder, pid, level, parse_scope(scope), soon)
            if later.below:
                at_risk.rows.append([login, level, scope, "; ".join(later.lines), f"by {day(soon)}"])
                risk_rows.append({"login": login, "level": level, "scope": scope, "counted": list(later.lines)})

    grace = Table("In grace", ["Person", "Level", "Scope", "Noticed", "Proposed on", "Counted"], empty="nobody")
    proposed = Table("Proposed", ["Person", "Level", "Scope", "Proposed", "Pull request"], empty="nothing")
    closed = Table("Closed notices", ["Person", "Level", "Scope", "Status", "On", "Why"], empty="none")
    data_rows = []
    for n in notices:
        login = people.login_of(db, n.person_id) or n.login
        lines = "; ".join(n.counted.get("lines", []))
        url = _pull_url(db, n) if n.status == "proposed" else None
        if n.status == "notice":
            grace.rows.append([login, n.level, n.scope, day(n.noticed_at), day(n.propose_at), lines])
        elif n.status == "proposed":
            where = Link(url, url) if url else "not opened yet (or for an org admin)"
            proposed.rows.append([login, n.level, n.scope, day(n.closed_at), where])
        else:
            why = (n.reason or "").partition("|")[0] if n.status == "cancelled" else (n.reason or "")
            closed.rows.append([login, n.level, n.scope, n.status, day(n.closed_at), why])
        data_rows.append(
            {
                "login": login,
                "level": n.level,
                "scope": n.scope,
                "status": n.status,
                "spell": n.spell,
                "noticed_at": n.noticed_at,
                "propose_at": n.propose_at,
                "closed_at": n.closed_at,
                "counted": n.counted.get("lines", []),
                "pull_request_url": url,
            }
        )
    summary = [
        ("Organisation", name),
        ("Ladder", ladder.name if ladder else "not a built-in ladder: at risk is not computed"),
        ("At risk", str(len(at_risk.rows))),
        ("In grace", str(len(grace.rows))),
        ("Proposed", str(len(proposed.rows))),
        ("Last daily pass", day(store.last_pass(db, name)) or "never"),
    ]
    data = {
        "org": name,
        "at_risk": risk_rows,
        "notices": data_rows,
        "at_risk_days": AT_RISK_DAYS,
        "generated_at": now.isoformat(),
    }
    return Report(
        f"{name}: the way down", summary, [at_risk, grace, proposed, closed], data=data, org=name, generated_at=now
    )
