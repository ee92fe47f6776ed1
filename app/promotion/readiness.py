"""Readiness issues: one per person, level and scope, opened when every automatic requirement is met.

The issue never flaps: if the person falls below a requirement before promotion, the issue stays open
and says since when; when they meet it again the note goes away. What the issue says is
app/promotion/readiness_text.py; where the promotion stands is app/promotion/lifecycle.py.
"""

from __future__ import annotations

from app.context import Context
from app.evaluations import member_level, stored
from app.outbox import plan
from app.outbox.effects import Issue
from app.promotion import lifecycle
from app.promotion.lifecycle import Readiness, Status
from app.promotion.readiness_text import ReadinessView, Sponsor, readiness_body, title
from app.promotion.setup import OrgSetup, current_login, key_part
from app.store import people
from app.store import readiness as store
from app.store.holdings import by_person as holdings_by_person
from app.store.holdings import parse_scope
from ladder_rules.evaluate import SponsorCheck, State, check_sponsors, holds
from ladder_rules.facts import Person

LABEL = "ladder"
MEMBERSHIP_LABEL = "area/github-membership"  # kubernetes/org's label for membership requests


def readiness_key(person_id: int, level: str, scope: str) -> str:
    return f"readiness:{person_id}:{key_part(level)}:{key_part(scope)}"


def on_evaluation(ctx: Context, setup: OrgSetup, evaluation: dict, *, may_open: bool = True) -> Readiness | None:
    """Open, update or annotate the readiness issue after an evaluation; returns the row, if any.
    `may_open`: whether a new readiness issue may be opened (app/promotion/nomination.py decides)."""
    working = evaluation["state"] == State.WORKING.value
    pid, level, scope = evaluation["person_id"], evaluation["level"], evaluation["scope"]
    row = lifecycle.get_for(ctx.db, pid, level, scope)
    if row is None:
        if working or not may_open:
            return None
        row = lifecycle.open_(
            ctx.db,
            person_id=pid,
            login=evaluation["login"],
            org=setup.org,
            level=level,
            scope=scope,
            key=readiness_key(pid, level, scope),
            community_repo=setup.community_repo,
            at=evaluation["evaluated_at"],
        )
    elif not row.active:
        return row
    elif working:
        row = lifecycle.fell_below(ctx.db, row, evaluation["evaluated_at"])
    else:
        row = lifecycle.back_above(ctx.db, row)
    row = lifecycle.record_issue(ctx.db, row)
    plan_issue(ctx, setup, row, evaluation)
    return row


def current_evaluation(ctx: Context, row: Readiness) -> dict | None:
    for evaluation in stored(ctx.db, row.person_id, row.level):
        if evaluation["scope"] == row.scope:
            return evaluation
    return None


def issue_url(setup: OrgSetup, row: Readiness | None) -> str | None:
    """The readiness issue's address, once it exists."""
    if row is None or row.issue_number is None:
        return None
    return setup.issue_url(row.community_repo, row.issue_number)


def plan_issue(ctx: Context, setup: OrgSetup, row: Readiness, evaluation: dict | None = None) -> None:
    """Plan the issue as it should read now (the outbox writes it once, then edits it in place)."""
    evaluation = evaluation or current_evaluation(ctx, row)
    if evaluation is None:
        return
    labels = (LABEL, MEMBERSHIP_LABEL) if is_member_level(setup, row.level) else (LABEL,)
    done = row.status is Status.PROMOTED
    closed = done or row.status is Status.WITHDRAWN
    plan(
        ctx.db,
        Issue(
            repo=row.community_repo,
            name=row.key,
            title=title(current_login(ctx, row.person_id, row.login), row.level, row.scope),
            body=readiness_body(view(ctx, setup, row, evaluation)),
            labels=labels,
            state="closed" if closed else "open",  # the GitHub issue's state
            state_reason="completed" if done else ("not_planned" if closed else None),
            installation_id=setup.installation_id,
            org=setup.org,
            person_id=row.person_id,
        ),
        dry_run=setup.dry_run,
    )


def is_member_level(setup: OrgSetup, level: str) -> bool:
    roster = setup.ladder.level(level).roster
    return roster is not None and roster.kind == "org_members"


def standing(ctx: Context, setup: OrgSetup, row: Readiness) -> tuple[SponsorCheck, dict[int, str]]:
    """The sponsor rule over every sponsorship of the row, as the sponsors hold their levels now (and the
    companies their profiles named when they sponsored); with {person id: login now} of the sponsors."""
    held = holdings_by_person(ctx.db, setup.org, member_level=member_level(setup.ladder))
    candidate = Person(row.person_id, row.login, holdings=tuple(held.get(row.person_id, ("", []))[1]))
    said = store.sponsorships(ctx.db, row.key)
    people_ = [
        Person(s.sponsor_id, s.sponsor_login, company=s.company, holdings=tuple(held.get(s.sponsor_id, ("", []))[1]))
        for s in said
    ]
    check = check_sponsors(setup.ladder, candidate, people_, parse_scope(row.scope), level=row.level)
    if not setup.ladder.level(row.level).sponsors:
        check.satisfied = True  # the level needs no sponsor
    return check, {s.sponsor_id: people.login_of(ctx.db, s.sponsor_id) or s.sponsor_login for s in said}


def view(ctx: Context, setup: OrgSetup, row: Readiness, evaluation: dict) -> ReadinessView:
    check, names = standing(ctx, setup, row)
    sponsors = [
        Sponsor(
            current_login(ctx, s.sponsor_id, s.sponsor_login),
            s.eligible,
            s.reason,
            s.company,
            s.comment_url,
            same_company_as=names.get(check.same_company[s.sponsor_id]) if s.sponsor_id in check.same_company else None,
            company_unknown=s.eligible and s.sponsor_id in check.unknown_company,
        )
        for s in store.sponsorships(ctx.db, row.key)
    ]
    scope = parse_scope(row.scope)
    level = setup.ladder.level(row.level)
    sponsor_levels = sorted({name for rule in level.sponsors for name in rule.levels})
    org_wide = any(rule.where == "org" for rule in level.sponsors)
    return ReadinessView(
        evaluation=evaluation,
        login=current_login(ctx, row.person_id, row.login),
        ticked=row.ticked,
        sponsors=sponsors,
        may_sponsor=logins(holders(ctx, setup, sponsor_levels, scope, org_wide=org_wide, exclude=row.person_id)),
        approvers=logins(approvers(ctx, setup, row.level, scope, exclude=row.person_id)),
        status=row.status,
        below_since=row.below_since,
        held_by=actor_login(ctx, row.held_by),
        approved_by=actor_login(ctx, row.approved_by),
        pull_request_url=row.pull_request_url,
        not_member_yet=row.not_member_yet,
        membership_hidden=row.membership_hidden,
        org=setup.org,
        member_level=is_member_level(setup, row.level),
        sponsors_met=check.satisfied,
        sponsors_have=check.best,
        sponsors_need=check.need or min((rule.count for rule in level.sponsors), default=0),
        distinct_companies=any(rule.distinct_companies for rule in level.sponsors),
        owners_pr=setup.config.owners_pr,
        roster_note=row.roster_note,
        roster_kind=level.roster.kind if level.roster else "",
        peribolos=f"`members` in `{setup.peribolos[1]}` of {setup.peribolos[0]}" if setup.peribolos else "",
    )


def view_login(ctx: Context, row: Readiness) -> str:
    """The person's login now (the row keeps the one it was opened with)."""
    return current_login(ctx, row.person_id, row.login)


def actor_login(ctx: Context, actor: lifecycle.Actor | None) -> str | None:
    if actor is None:
        return None
    return current_login(ctx, actor.id, actor.login) if actor.id else actor.login


def logins(people: dict[int | str, str]) -> list[str]:
    """The logins of `people`, A to Z (every one of them: a list shown is cut where it is shown)."""
    return sorted(people.values(), key=str.lower)


def holders(
    ctx: Context, setup: OrgSetup, levels: list[str], scope, *, org_wide: bool = False, exclude: int | None = None
) -> dict[int | str, str]:
    """Everyone who holds one of `levels` (or higher) over `scope` (anywhere in the org when `org_wide`),
    by user id with their login now — all of them: decisions are made on this set, never on a list cut
    for display."""
    ladder = setup.ladder
    out = {}
    for pid, (login, held) in holdings_by_person(ctx.db, setup.org, member_level=member_level(ladder)).items():
        if pid == exclude:
            continue
        for name in levels:
            if org_wide:
                rank = ladder.rank(name)
                found = any(ladder.rank(h.level) >= rank >= 0 for h in held)
            else:
                found = bool(holds(ladder, held, name, scope))
            if found:
                out[pid] = login
                break
    return out


def decision_levels(setup: OrgSetup, level: str) -> list[str]:
    """The levels whose holders decide a promotion to `level`: the ladder's `decision.by`, else the level
    above it, else the level itself (the top of the ladder decides on itself)."""
    lvl = setup.ladder.level(level)
    if lvl.decision is not None and lvl.decision.by:
        return list(lvl.decision.by)
    rank = setup.ladder.rank(level)
    return [setup.ladder.levels[min(rank + 1, len(setup.ladder.levels) - 1)].name]


def approvers(ctx: Context, setup: OrgSetup, level: str, scope, *, exclude: int | None = None) -> dict[int | str, str]:
    return holders(ctx, setup, decision_levels(setup, level), scope, exclude=exclude)
