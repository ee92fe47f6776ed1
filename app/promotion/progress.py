"""Evaluating mentees and keeping their progress comments current.

Each mentee has one progress comment in the cohort's tracking issue, keyed on the cohort and the person,
so it is edited in place as the numbers change and moves on to the next level after a promotion.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from app.config.schema import Cohort
from app.context import Context
from app.evaluations import Change, Target
from app.evaluations import stored as stored_evaluations
from app.outbox import plan
from app.outbox.effects import Comment
from app.promotion import lifecycle, nomination, readiness
from app.promotion.lifecycle import Readiness, Status
from app.promotion.progress_text import ProgressView, Promotion, progress_markdown
from app.promotion.review_next import review_list
from app.promotion.setup import OrgSetup, current_login, key_part, named_ids, tie_named_logins
from app.user_text import web_url
from ladder_rules.evaluate import State, next_level


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
        for pid in named_ids(ctx, setup, cohort.mentees).values():
            if only is not None and pid not in only:
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
    tie_named_logins(ctx, setup)
    pairs = mentee_targets(ctx, setup, only=only, today=(now or datetime.now(timezone.utc)).date())
    if not pairs:
        return []
    changes = ctx.evaluator.evaluate(setup.org, setup.ladder, setup.definitions, [t for _, t in pairs], now)
    for (cohort, _), change in zip(pairs, changes):
        await after_change(ctx, setup, cohort, change)
    return changes


async def evaluate_people(
    ctx: Context, setup: OrgSetup, *, only: set[int] | None = None, now: datetime | None = None
) -> list[Change]:
    """Evaluate the mentees at their cohorts' targets, then everyone else with counted activity (all, or
    those in `only`) for their next level where ladder_rules/everyone.py says; plan what follows."""
    changes = await evaluate_mentees(ctx, setup, only=only, now=now)
    mentees = {t.person_id for _, t in mentee_targets(ctx, setup, only=only)}
    index = ctx.evaluator.index(setup.org, setup.ladder, setup.definitions)
    people = [p for p in (index.series if only is None else only) if p not in mentees]
    others = ctx.evaluator.evaluate_everyone(setup.org, setup.ladder, setup.definitions, people, now)
    for change in others:
        await after_change(ctx, setup, None, change)
    return changes + others


def _admit(ctx: Context, setup: OrgSetup, cohort: Cohort | None, change: Change) -> bool:
    """Decide, and record in `nominations`, whether a readiness issue may be opened for this evaluation
    (app/promotion/nomination.py): a decision that counts against the week, not a pure query."""
    evaluation = change.evaluation
    if change.state == State.WORKING.value or lifecycle.get_for(
        ctx.db, evaluation["person_id"], evaluation["level"], evaluation["scope"]
    ):
        return True  # nothing to open, or it is open already
    when = datetime.fromisoformat(evaluation["evaluated_at"])
    pid, level, scope = evaluation["person_id"], evaluation["level"], evaluation["scope"]
    who = nomination.Who(pid, level, scope, evaluation["evaluated_at"], mentee=cohort is not None)
    return nomination.admit(ctx, setup, who, when)


async def after_change(ctx: Context, setup: OrgSetup, cohort: Cohort | None, change: Change) -> None:
    row = (
        readiness.on_evaluation(ctx, setup, change.evaluation, may_open=_admit(ctx, setup, cohort, change))
        if change.changed or nomination.kept_out(ctx, change.evaluation)
        else None
    )
    if cohort is not None and change.changed:
        plan_progress(ctx, setup, cohort, change.evaluation, row)
    if (
        row is not None
        and change.changed
        and change.state == State.READY.value
        and change.previous_state != State.READY.value
        and setup.config.owners_pr == "when_ready"
        and row.status is Status.OPEN
    ):
        from app.promotion import approval  # approval imports this module's planners

        await approval.start_pull_request(ctx, setup, row)


def plan_progress(
    ctx: Context,
    setup: OrgSetup,
    cohort: Cohort,
    evaluation: dict,
    row: Readiness | None = None,
    *,
    pulls: list | None = None,
) -> None:
    if cohort.tracking_issue is None:
        return
    plan(
        ctx.db,
        Comment(
            repo=setup.community_repo,
            number=cohort.tracking_issue,
            name=progress_key(setup, cohort, evaluation["person_id"]),
            body=progress_markdown(progress_view(ctx, setup, evaluation, row, cohort=cohort.to_dict(), pulls=pulls)),
            installation_id=setup.installation_id,
            org=setup.org,
            person_id=evaluation["person_id"],
        ),
        dry_run=setup.dry_run,
    )


def replan_review_lists(ctx: Context, setup: OrgSetup) -> None:
    """Every mentee's progress comment again with its current "What to review next" (the open pull
    requests changed); the outbox writes only the comments whose text changed."""
    from app.store.facts import open_pull_requests

    pairs = [(c, t) for c, t in mentee_targets(ctx, setup) if c.tracking_issue is not None]
    if not pairs:
        return
    pulls = open_pull_requests(ctx.db, setup.org)
    for cohort, target in pairs:
        for e in stored_evaluations(ctx.db, target.person_id, target.level):
            if e["scope"] == str(target.scope) and e["state"] == State.WORKING.value:
                plan_progress(ctx, setup, cohort, e, pulls=pulls)


def replan_progress(ctx: Context, setup: OrgSetup, row: Readiness) -> None:
    """The person's progress comments again, after their readiness row changed (its issue exists now, a
    decision was made, the roster pull request opened): they say where it stands and link to it."""
    if not row.active:
        return  # after a promotion the comment is about the next level: the evaluation that follows says it
    evaluation = readiness.current_evaluation(ctx, row)
    if evaluation is None:
        return
    for cohort, target in mentee_targets(ctx, setup, only={row.person_id}):
        if target.level == row.level:  # the level the cohort's comment is about now
            plan_progress(ctx, setup, cohort, evaluation, row)


def progress_view(
    ctx: Context,
    setup: OrgSetup,
    evaluation: dict,
    row: Readiness | None = None,
    *,
    cohort: dict | None = None,
    mention: bool = True,
    pulls: list | None = None,
) -> ProgressView:
    """What the progress text says about one evaluation: the person's login now, where their promotion
    to this level stands (the readiness row), and the latest promotion they made in the organisation."""
    pid = evaluation["person_id"]
    if row is None:
        row = lifecycle.get_for(ctx.db, pid, evaluation["level"], evaluation["scope"])
    done = [
        r
        for r in lifecycle.of_person(ctx.db, pid, setup.org)
        if r.status is Status.PROMOTED and (r.level, r.scope) != (evaluation["level"], evaluation["scope"])
    ]
    latest = max(done, key=lambda r: r.promoted_at or "", default=None)
    return ProgressView(
        evaluation=evaluation,
        login=current_login(ctx, pid, evaluation["login"]),
        mention=mention,
        cohort=cohort,
        status=row.status if row is not None else None,
        readiness_url=readiness.issue_url(setup, row),
        pull_request_url=web_url(row.pull_request_url) if row is not None else None,
        promoted=None
        if latest is None
        else Promotion(latest.level, latest.scope, latest.promoted_at, readiness.issue_url(setup, latest)),
        review_next=review_list(ctx, setup, evaluation, pulls=pulls),
        on_the_way_to=target_above(setup, cohort["target"] if cohort else None, evaluation["level"]),
    )


def target_above(setup: OrgSetup, target: str | None, level: str) -> str | None:
    """The cohort's `target` when `level` is below it: a mentee who holds less than the level under the
    target is tracked through the levels between (PRODUCT.md §5, "Validation")."""
    if target is None or setup.ladder.rank(level) < 0:
        return None
    return target if setup.ladder.rank(level) < setup.ladder.rank(target) else None


async def after_import(ctx: Context, org: str, *, now: datetime | None = None) -> None:
    """History was imported (backfill, the daily pass): re-read the organisation and re-evaluate everyone,
    so what the import changed shows in comments and readiness issues; then open the waiting nominations
    this week (the week of `now`, default the present) has room for."""
    from app.promotion.setup import org_setup

    if ctx.evaluator is not None:
        ctx.evaluator.forget(org)
    setup = await org_setup(ctx, org)
    if setup is not None:
        await evaluate_people(ctx, setup, now=now)
        nomination.release_waiting(ctx, setup, now)  # the daily pass: a new week has room for those waiting
