"""`+1` / `/sponsor` (or the ladder's own phrase) on a readiness issue: checked against the ladder's
sponsor rule and recorded."""

from __future__ import annotations

import gidgethub

from app.context import Context
from app.evaluations import member_level
from app.promotion import readiness, replies
from app.promotion.lifecycle import Actor, Readiness
from app.promotion.setup import OrgSetup
from app.store import people
from app.store import readiness as readiness_store
from app.store.holdings import by_person as holdings_by_person
from app.store.holdings import parse_scope
from ladder_rules.evaluate import check_sponsors
from ladder_rules.facts import Person

UNKNOWN_REASON = "does not meet the sponsor rule"


def phrases(setup: OrgSetup) -> list[str]:
    """Every phrase the ladder's sponsor rules accept (`+1`, `/sponsor`, OpenTelemetry's `I support`)."""
    return sorted({p for level in setup.ladder.levels for rule in level.sponsors for p in rule.phrases})


def level_phrases(setup: OrgSetup, level: str) -> list[str]:
    """The phrases a sponsor of `level` confirms with: the level's rule's own (`/sponsor` always works)."""
    own = [p for rule in setup.ladder.level(level).sponsors for p in rule.phrases]
    return list(dict.fromkeys(own or ["+1", "/sponsor"]))


async def public_company(ctx: Context, setup: OrgSetup, sponsor: Actor) -> str | None:
    """The company on the person's public profile (people write what they like: unverified, and only
    ever shown through `app.user_text`). A missing profile is no company; other failures are retried."""
    if ctx.github is None or not setup.installation_id:
        return None
    gh = await ctx.github.for_installation(setup.installation_id)
    try:
        profile = await gh.getitem("/users/{username}", url_vars={"username": sponsor.login})
    except gidgethub.BadRequest as exc:
        if exc.status_code == 404:
            return None
        raise
    company = str(profile.get("company") or "").strip() or None
    people.set_company(ctx.db, sponsor.id, company)
    return company


async def sponsor(
    ctx: Context,
    setup: OrgSetup,
    row: Readiness,
    *,
    by: Actor,
    comment_id: int,
    comment_url: str | None,
    at: str,
    phrase: str = "",
) -> str | None:
    """Record a sponsorship; returns a reply for the sponsor when it does not count, else None."""
    if readiness_store.has_sponsorship(ctx.db, row.key, by.id):
        return None  # said before: one sponsorship per person
    wanted = level_phrases(setup, row.level)
    said = " ".join(phrase.split()).casefold()
    if said and said != "/sponsor" and said not in {" ".join(p.split()).casefold() for p in wanted}:
        return replies.wrong_phrase(by.login, setup.ladder.name, row.level, wanted)
    level = setup.ladder.level(row.level)
    needs_company = any(rule.distinct_companies for rule in level.sponsors)
    company = await public_company(ctx, setup, by) if needs_company else None
    held = holdings_by_person(ctx.db, setup.org, member_level=member_level(setup.ladder))
    candidate = Person(row.person_id, row.login, holdings=tuple(held.get(row.person_id, ("", []))[1]))
    person = Person(by.id, by.login, company=company, holdings=tuple(held.get(by.id, ("", []))[1]))
    check = check_sponsors(setup.ladder, candidate, [person], parse_scope(row.scope), level=row.level)
    eligible = by.id in check.eligible
    reason = None if eligible else check.refused.get(by.id, UNKNOWN_REASON)
    readiness_store.add_sponsorship(
        ctx.db,
        readiness_store.Sponsorship(row.key, by.id, by.login, comment_id, comment_url, at, eligible, reason, company),
    )
    readiness.plan_issue(ctx, setup, row)
    if eligible:
        return None
    view = readiness.view(ctx, setup, row, readiness.current_evaluation(ctx, row) or {"sponsors": []})
    return replies.sponsorship_not_counted(by.login, reason or UNKNOWN_REASON, view.may_sponsor)


async def read_companies_again(ctx: Context, setup: OrgSetup, row: Readiness) -> None:
    """Where the ladder asks for distinct companies, read again the profiles of sponsors whose company was
    unknown (they may have filled it in since)."""
    if not any(rule.distinct_companies for rule in setup.ladder.level(row.level).sponsors):
        return
    for s in readiness_store.sponsorships(ctx.db, row.key):
        if s.eligible and not s.company:
            company = await public_company(
                ctx, setup, Actor(s.sponsor_id, people.login_of(ctx.db, s.sponsor_id) or s.sponsor_login)
            )
            if company:
                readiness_store.set_sponsor_company(ctx.db, row.key, s.sponsor_id, company)
