"""`+1` / `/sponsor` on a readiness issue: checked against the ladder's sponsor rule and recorded."""

from __future__ import annotations

from app.context import Context
from app.evaluations import member_level
from app.promotion import readiness
from app.promotion.readiness import Readiness
from app.promotion.setup import OrgSetup
from app.store import people
from app.store import readiness as readiness_store
from app.store.holdings import by_login as holdings_by_login
from app.store.holdings import parse_scope
from ladder_rules.evaluate import check_sponsors
from ladder_rules.facts import Person


async def public_company(ctx: Context, setup: OrgSetup, login: str, person_id: int) -> str | None:
    """The company on the person's public profile (people write what they like: unverified)."""
    if ctx.github is None or not setup.installation_id:
        return None
    gh = await ctx.github.for_installation(setup.installation_id)
    try:
        profile = await gh.getitem("/users/{username}", url_vars={"username": login})
    except Exception:
        return None
    company = (profile.get("company") or "").strip() or None
    people.set_company(ctx.db, person_id, company)
    return company


async def sponsor(
    ctx: Context,
    setup: OrgSetup,
    row: Readiness,
    *,
    sponsor_id: int,
    login: str,
    comment_id: int,
    comment_url: str | None,
    at: str,
) -> str | None:
    """Record a sponsorship; returns a reply for the sponsor when it does not count, else None."""
    if readiness_store.has_sponsorship(ctx.db, row.key, sponsor_id):
        return None  # said before: one sponsorship per person
    level = setup.ladder.level(row.level)
    needs_company = any(rule.distinct_companies for rule in level.sponsors)
    company = await public_company(ctx, setup, login, sponsor_id) if needs_company else None
    held = holdings_by_login(ctx.db, setup.org, member_level=member_level(setup.ladder))
    candidate = Person(row.person_id, row.login, holdings=tuple(held.get(row.login.lower(), ("", []))[1]))
    person = Person(sponsor_id, login, company=company, holdings=tuple(held.get(login.lower(), ("", []))[1]))
    check = check_sponsors(setup.ladder, candidate, [person], parse_scope(row.scope), level=row.level)
    eligible = sponsor_id in check.eligible
    reason = None if eligible else check.refused.get(sponsor_id, "does not meet the sponsor rule")
    readiness_store.add_sponsorship(
        ctx.db,
        readiness_store.Sponsorship(row.key, sponsor_id, login, comment_id, comment_url, at, eligible, reason, company),
    )
    readiness.plan_issue(ctx, setup, row)
    if eligible:
        return None
    view = readiness.view(ctx, setup, row, readiness.current_evaluation(ctx, row) or {"sponsors": []})
    who = ", ".join(f"@{s}" for s in view.may_sponsor) or "people who hold the level the rule names"
    return (
        f"Thank you, @{login}. Your sponsorship is noted but does not count toward the rule: you "
        f"{reason}. Who qualifies: {who}."
    )
