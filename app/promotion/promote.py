"""Promotion: the push that merges a roster change makes the person's new level real."""

from __future__ import annotations

from datetime import datetime, timezone

from app.context import Context
from app.evaluations import member_level
from app.outbox import plan
from app.outbox.effects import Comment
from app.promotion import lifecycle, readiness, replies
from app.promotion.lifecycle import Readiness
from app.promotion.setup import OrgSetup, current_login
from app.store import holdings
from app.store.holdings import by_person as holdings_by_person
from app.store.holdings import parse_scope
from ladder_rules.evaluate import holds

ROSTER_FILES = ("OWNERS", "OWNERS_ALIASES", "CODEOWNERS")


def touches_rosters(paths: set[str]) -> bool:
    return any(path.rsplit("/", 1)[-1] in ROSTER_FILES for path in paths)


def waiting_rows(ctx: Context, org: str, repo_name: str) -> list[Readiness]:
    """Promotions in this repository not made yet, whose roster change may just have been merged."""
    return [r for r in lifecycle.waiting(ctx.db, org) if (parse_scope(r.scope).repo or "").lower() == repo_name.lower()]


def holds_now(ctx: Context, setup: OrgSetup, row: Readiness) -> bool:
    held = holdings_by_person(ctx.db, setup.org, member_level=member_level(setup.ladder))
    return bool(holds(setup.ladder, held.get(row.person_id, ("", []))[1], row.level, parse_scope(row.scope)))


def member_rows(ctx: Context, setup: OrgSetup, person_id: int | None = None) -> list[Readiness]:
    """Member-level promotions not made yet (of one person, or of everyone)."""
    return [
        r
        for r in lifecycle.waiting(ctx.db, setup.org)
        if readiness.is_member_level(setup, r.level) and (person_id is None or r.person_id == person_id)
    ]


def codeowners_rows(ctx: Context, setup: OrgSetup, repo_name: str) -> list[Readiness]:
    """Promotions in this repository whose roster is CODEOWNERS, not made yet."""
    return [
        r
        for r in waiting_rows(ctx, setup.org, repo_name)
        if getattr(setup.ladder.level(r.level).roster, "kind", None) == "codeowners"
    ]


def record_codeowner(ctx: Context, setup: OrgSetup, row: Readiness, source: str) -> None:
    """The person is on the scope's CODEOWNERS line now: they hold the level (CODEOWNERS does not say
    which level a line means, so the level recorded is the one this promotion was for)."""
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    login = current_login(ctx, row.person_id, row.login)
    holdings.replace_owners(
        ctx.db, [], [holdings.RosterEntry(login, row.person_id, setup.org, row.level, row.scope, now, source, now)]
    )


def promote(ctx: Context, setup: OrgSetup, row: Readiness) -> Readiness:
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    row = lifecycle.promote(ctx.db, row, now)
    if row.issue_number:
        plan(
            ctx.db,
            Comment(
                repo=row.community_repo,
                number=row.issue_number,
                name=f"thanks:{row.key}",
                body=(
                    replies.welcome_member(current_login(ctx, row.person_id, row.login), setup.org)
                    if readiness.is_member_level(setup, row.level)
                    else replies.thanks(current_login(ctx, row.person_id, row.login), row)
                ),
                installation_id=setup.installation_id,
                org=setup.org,
                person_id=row.person_id,
            ),
            dry_run=setup.dry_run,
        )
    readiness.plan_issue(ctx, setup, row)
    return row
