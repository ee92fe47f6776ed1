"""Readiness issues: one per person, level and scope, opened when every automatic requirement is met.

The issue never flaps: if the person falls below a requirement before promotion, the issue stays open
and says since when; when they meet it again the note goes away.
"""

from __future__ import annotations

import re
from dataclasses import replace

from app.context import Context
from app.evaluations import member_level, stored
from app.outbox import get_by_key, plan
from app.outbox.effects import Issue
from app.promotion.setup import OrgSetup, key_part
from app.store import people
from app.store import readiness as store
from app.store.holdings import by_login as holdings_by_login
from app.store.holdings import parse_scope
from app.store.readiness import Readiness
from ladder_rules.evaluate import holds
from reports.readiness import ReadinessView, Sponsor, readiness_body, title

LABEL = "ladder"
MEMBERSHIP_LABEL = "area/github-membership"  # kubernetes/org's label for membership requests
KEY_RE = re.compile(r"<!-- ladder:(readiness:[^ ]+?) -->")


def readiness_key(person_id: int, level: str, scope: str) -> str:
    return f"readiness:{person_id}:{key_part(level)}:{key_part(scope)}"


def key_in_body(body: str | None) -> str | None:
    """The readiness key hidden in an issue body Ladder wrote, if any."""
    match = KEY_RE.search(body or "")
    return match.group(1) if match else None


def get(
    ctx: Context,
    *,
    key: str | None = None,
    person_id: int | None = None,
    level: str | None = None,
    scope: str | None = None,
) -> Readiness | None:
    """The readiness row by its key, or by person, level and scope (a read: see `link_issue`)."""
    if key is not None:
        return store.get(ctx.db, key)
    return store.get_for(ctx.db, person_id, level, scope)


def link_issue(ctx: Context, row: Readiness | None) -> Readiness | None:
    """Record the issue's number once the outbox has created the issue (a row knows it only from then)."""
    if row is None or row.issue_number is not None:
        return row
    entry = get_by_key(ctx.db, row.key)
    number = (entry.result or {}).get("number") if entry is not None else None
    if not number:
        return row
    store.update(ctx.db, row.key, issue_number=number)
    return replace(row, issue_number=number)


def update(ctx: Context, row: Readiness, **changes) -> Readiness:
    """Write `changes` to the row; returns it as stored now (with its issue number, once known)."""
    store.update(ctx.db, row.key, **changes)
    return link_issue(ctx, get(ctx, key=row.key))


def on_evaluation(ctx: Context, setup: OrgSetup, evaluation: dict) -> Readiness | None:
    """Open, update or annotate the readiness issue after an evaluation; returns the row, if any."""
    state = evaluation["state"]
    row = link_issue(
        ctx, get(ctx, person_id=evaluation["person_id"], level=evaluation["level"], scope=evaluation["scope"])
    )
    if row is None:
        if state != "ready":
            return None
        key = readiness_key(evaluation["person_id"], evaluation["level"], evaluation["scope"])
        store.add(
            ctx.db,
            person_id=evaluation["person_id"],
            login=evaluation["login"],
            org=setup.org,
            level=evaluation["level"],
            scope=evaluation["scope"],
            key=key,
            community_repo=setup.community_repo,
            opened_at=evaluation["evaluated_at"],
        )
        row = get(ctx, key=key)
    elif not row.active:
        return row
    elif state == "working" and not row.below_since:
        row = update(ctx, row, below_since=evaluation["evaluated_at"])
    elif state != "working" and row.below_since:
        row = update(ctx, row, below_since=None)
    plan_issue(ctx, setup, row, evaluation)
    return row


def current_evaluation(ctx: Context, row: Readiness) -> dict | None:
    for evaluation in stored(ctx.db, row.person_id, row.level):
        if evaluation["scope"] == row.scope:
            return evaluation
    return None


def plan_issue(ctx: Context, setup: OrgSetup, row: Readiness, evaluation: dict | None = None) -> None:
    """Plan the issue as it should read now (the outbox writes it once, then edits it in place)."""
    evaluation = evaluation or current_evaluation(ctx, row)
    if evaluation is None:
        return
    labels = (LABEL, MEMBERSHIP_LABEL) if _is_member_level(setup, row.level) else (LABEL,)
    plan(
        ctx.db,
        Issue(
            repo=row.community_repo,
            name=row.key,
            title=title(row.login, row.level, row.scope),
            body=readiness_body(view(ctx, setup, row, evaluation)),
            labels=labels,
            state="closed" if row.status == "promoted" else "open",
            state_reason="completed" if row.status == "promoted" else None,
            installation_id=setup.installation_id,
            org=setup.org,
            person_id=row.person_id,
        ),
        dry_run=setup.dry_run,
    )


def _is_member_level(setup: OrgSetup, level: str) -> bool:
    roster = setup.ladder.level(level).roster
    return roster is not None and roster.kind == "org_members"


def view(ctx: Context, setup: OrgSetup, row: Readiness, evaluation: dict) -> ReadinessView:
    sponsors = [
        Sponsor(s.sponsor_login, s.eligible, s.reason, s.company, s.comment_url)
        for s in store.sponsorships(ctx.db, row.key)
    ]
    scope = parse_scope(row.scope)
    level = setup.ladder.level(row.level)
    sponsor_levels = sorted({name for rule in level.sponsors for name in rule.levels})
    org_wide = any(rule.where == "org" for rule in level.sponsors)
    return ReadinessView(
        evaluation=evaluation,
        ticked=row.ticked_ids,
        sponsors=sponsors,
        may_sponsor=holders(ctx, setup, sponsor_levels, scope, org_wide=org_wide, exclude=row.person_id),
        approvers=approvers(ctx, setup, row.level, scope, exclude=row.person_id),
        status=row.status,
        below_since=row.below_since,
        held_by=row.held_by,
        approved_by=row.approved_by,
        pull_request_url=row.pull_request_url,
        not_member_yet=bool(row.not_member_yet),
        org=setup.org,
        sponsor_rule_satisfied=any(s.eligible for s in sponsors),
    )


MAX_LISTED = 12  # who-may lists in an issue body; beyond this the rule says enough


def holders(
    ctx: Context, setup: OrgSetup, levels: list[str], scope, *, org_wide: bool = False, exclude: int | None = None
) -> list[str]:
    """Logins who hold one of `levels` (or higher) over `scope` (anywhere in the org when `org_wide`)."""
    ladder = setup.ladder
    excluded = None
    if exclude is not None:
        login = people.login_of(ctx.db, exclude)
        excluded = login.lower() if login else None
    out = []
    for key, (login, held) in holdings_by_login(ctx.db, setup.org, member_level=member_level(ladder)).items():
        if key == excluded:
            continue
        for name in levels:
            if org_wide:
                rank = ladder.rank(name)
                found = any(ladder.rank(h.level) >= rank >= 0 for h in held)
            else:
                found = bool(holds(ladder, held, name, scope))
            if found:
                out.append(login)
                break
    return sorted(out, key=str.lower)[:MAX_LISTED]


def decision_levels(setup: OrgSetup, level: str) -> list[str]:
    """The levels whose holders decide a promotion to `level`: the ladder's `decision.by`, else the level
    above it, else the level itself (the top of the ladder decides on itself)."""
    lvl = setup.ladder.level(level)
    if lvl.decision is not None and lvl.decision.by:
        return list(lvl.decision.by)
    rank = setup.ladder.rank(level)
    return [setup.ladder.levels[min(rank + 1, len(setup.ladder.levels) - 1)].name]


def approvers(ctx: Context, setup: OrgSetup, level: str, scope, *, exclude: int | None = None) -> list[str]:
    return holders(ctx, setup, decision_levels(setup, level), scope, exclude=exclude)
