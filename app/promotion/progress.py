"""Evaluating mentees and keeping their progress comments current.

Each mentee has one progress comment in the cohort's tracking issue, keyed on the cohort and the person,
so it is edited in place as the numbers change and moves on to the next level after a promotion.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from app.config.schema import Cohort
from app.context import Context
from app.evaluations import Change, Target
from app.outbox import plan
from app.outbox.effects import Comment
from app.promotion import readiness
from app.promotion.setup import OrgSetup, key_part, person_id
from ladder_rules.evaluate import next_level
from reports.progress import progress_markdown


def progress_key(setup: OrgSetup, cohort: Cohort, pid: int) -> str:
    return f"progress:{key_part(setup.org)}:{key_part(cohort.name)}:{pid}"


def mentee_targets(
    ctx: Context, setup: OrgSetup, *, only: set[int] | None = None, today: date | None = None
) -> list[tuple[Cohort, Target]]:
    """(cohort, target) for every mentee of every cohort that has started: the level above the highest
    they hold in the cohort's scope (so after a promotion the next level is the target)."""
    today = today or datetime.now(timezone.utc).date()
    index = ctx.evaluator.index(setup.org, setup.ladder, setup.definitions)
    out = []
    for cohort in setup.config.cohorts:
        if cohort.start > today:
            continue
        scope = setup.cohort_scope(cohort)
        for login in cohort.mentees:
            pid = person_id(ctx, login)
            if pid is None or (only is not None and pid not in only):
                continue
            person = index.people.get(pid)
            level = next_level(setup.ladder, person.holdings if person else (), scope)
            if level is not None:
                out.append((cohort, Target(pid, level, scope)))
    return out


async def evaluate_mentees(
    ctx: Context, setup: OrgSetup, *, only: set[int] | None = None, now: datetime | None = None
) -> list[Change]:
    """Evaluate the mentees (all, or those in `only`), then plan their comments and readiness issues."""
    pairs = mentee_targets(ctx, setup, only=only, today=(now or datetime.now(timezone.utc)).date())
    if not pairs:
        return []
    changes = ctx.evaluator.evaluate(setup.org, setup.ladder, setup.definitions, [t for _, t in pairs], now)
    for (cohort, _), change in zip(pairs, changes):
        await after_change(ctx, setup, cohort, change)
    return changes


async def after_change(ctx: Context, setup: OrgSetup, cohort: Cohort | None, change: Change) -> None:
    row = readiness.on_evaluation(ctx, setup, change.evaluation) if change.changed else None
    if cohort is not None and change.changed:
        plan_progress(ctx, setup, cohort, change.evaluation, row)
    if (
        row is not None
        and change.changed
        and change.state == "ready"
        and change.previous_state != "ready"
        and setup.config.owners_pr == "when_ready"
        and row.status == "open"
    ):
        from app.promotion import approval  # approval imports this module's planners

        await approval.start_pull_request(ctx, setup, row, approved_by=None)


def plan_progress(
    ctx: Context, setup: OrgSetup, cohort: Cohort, evaluation: dict, row: readiness.Readiness | None = None
) -> None:
    if cohort.tracking_issue is None:
        return
    url = None
    if row is not None and row.issue_number:
        url = f"https://github.com/{row.community_repo}/issues/{row.issue_number}"
    plan(
        ctx.db,
        Comment(
            repo=setup.community_repo,
            number=cohort.tracking_issue,
            name=progress_key(setup, cohort, evaluation["person_id"]),
            body=progress_markdown(evaluation, cohort=cohort.to_dict(), readiness_url=url),
            installation_id=setup.installation_id,
            org=setup.org,
            person_id=evaluation["person_id"],
        ),
        dry_run=setup.dry_run,
    )


async def after_import(ctx: Context, org: str) -> None:
    """History was imported (backfill, the daily pass): re-read the organisation and re-evaluate its
    mentees, so what the import changed shows in their comments and readiness issues."""
    from app.promotion.setup import org_setup

    if ctx.evaluator is not None:
        ctx.evaluator.forget(org)
    setup = await org_setup(ctx, org)
    if setup is not None:
        await evaluate_mentees(ctx, setup)
