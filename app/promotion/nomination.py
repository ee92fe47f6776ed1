"""Who is nominated: whether someone who qualifies gets a readiness issue now, later, or not at all.

PRODUCT.md §5 "Who is nominated". `nominate: everyone` (the default) opens the readiness issue for anyone
who qualifies, `cohorts` only for cohort mentees, `nobody` for no one. Nominating everyone must not spam:

- only people with counted activity in the last 90 days are nominated (someone who qualified on old work
  and left is not pinged);
- at most `nominate_limit` new readiness issues an ISO week per organisation for people outside a cohort;
  the rest wait in `nominations`, oldest qualification first, and the daily pass (`release_waiting`,
  run after each reconciliation import) opens them in the weeks that follow;
- `/ladder optout` stops nominations for the person (and closes their open readiness issues: see
  `opt_out`), `/ladder optin` undoes it.

A readiness issue that already exists is never held back by these rules: they decide only whether one is
opened. Cohort mentees are not counted against the limit (a cohort was set up to nominate them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import Enum

from app.context import Context
from app.promotion import lifecycle, readiness
from app.promotion.lifecycle import Status
from app.promotion.setup import OrgSetup
from app.store import evaluations as evaluations_store
from app.store import nominations as store
from ladder_rules.evaluate import State
from ladder_rules.facts import Scope

ACTIVE_DAYS = 90


class Verdict(Enum):
    OPEN = "open"  # open the readiness issue now
    WAIT = "wait"  # the week's limit is reached: queued
    NO = "no"  # not nominated (policy, opt-out, no recent activity)


@dataclass(frozen=True)
class Who:
    person_id: int
    level: str
    scope: str
    qualified_at: str
    mentee: bool  # a cohort mentee: the cohort asked for the nomination


def week_of(at: datetime) -> str:
    """The ISO week, e.g. 2026-W49."""
    year, week, _ = at.isocalendar()
    return f"{year}-W{week:02d}"


def recently_active(ctx: Context, setup: OrgSetup, person_id: int, now: datetime) -> bool:
    """Counted activity (a pull request opened or reviewed, an issue, a comment) in the last 90 days."""
    index = ctx.evaluator.index(setup.org, setup.ladder, setup.definitions)
    start = (now - timedelta(days=ACTIVE_DAYS)).timestamp()
    have, _ = index.count(person_id, "contributions", Scope(setup.org), start, now.timestamp(), evidence=False)
    return have > 0


def verdict(ctx: Context, setup: OrgSetup, who: Who, now: datetime) -> Verdict:
    """Whether `who`, who qualified, gets a readiness issue now (read-only: `admit` records it)."""
    policy = setup.config.nominate
    if policy == "nobody" or (policy == "cohorts" and not who.mentee):
        return Verdict.NO
    if store.opted_out(ctx.db, who.person_id):
        return Verdict.NO
    if who.mentee:
        return Verdict.OPEN
    if not recently_active(ctx, setup, who.person_id, now):
        return Verdict.NO
    if store.opened_in(ctx.db, setup.org, week_of(now)) >= setup.config.nominate_limit:
        return Verdict.WAIT
    return Verdict.OPEN


def kept_out(ctx: Context, evaluation: dict) -> bool:
    """Ready, with no readiness issue and no nomination recorded (neither opened nor waiting): someone a
    rule kept out when they qualified (no activity in 90 days, the policy, an opt-out). Decided again at each
    evaluation even when the evaluation did not change, since what kept them out may have (they came back)."""
    if evaluation["state"] != State.READY.value:
        return False
    key = (evaluation["person_id"], evaluation["level"], evaluation["scope"])
    return lifecycle.get_for(ctx.db, *key) is None and store.get(ctx.db, *key) is None


def admit(ctx: Context, setup: OrgSetup, who: Who, now: datetime) -> bool:
    """Decide and record: True when the readiness issue is to be opened now (counted in this week), else
    queued (the week is full) or left out."""
    found = verdict(ctx, setup, who, now)
    if found is Verdict.OPEN and not who.mentee:
        store.opened(ctx.db, setup.org, who.person_id, who.level, who.scope, who.qualified_at, week_of(now))
    elif found is Verdict.WAIT:
        store.wait(ctx.db, setup.org, who.person_id, who.level, who.scope, who.qualified_at)
    return found is Verdict.OPEN


def release_waiting(ctx: Context, setup: OrgSetup, now: datetime | None = None) -> list[store.Nomination]:
    """Open the waiting nominations this week has room for, oldest qualification first; drop those that no
    longer apply (not ready any more, opted out, not active in 90 days, policy changed). Returns the opened."""
    now = now or datetime.now(timezone.utc)
    opened = []
    for waiting in store.waiting(ctx.db, setup.org):
        row = evaluations_store.get(ctx.db, waiting.person_id, waiting.level, waiting.scope)
        who = Who(waiting.person_id, waiting.level, waiting.scope, waiting.qualified_at, mentee=False)
        if row is None or row.state != State.READY.value:
            store.drop(ctx.db, waiting.person_id, waiting.level, waiting.scope)
            continue
        found = verdict(ctx, setup, who, now)
        if found is Verdict.WAIT:
            break  # the week is full: the rest keep their places
        if found is Verdict.NO:
            store.drop(ctx.db, waiting.person_id, waiting.level, waiting.scope)
            continue
        store.opened(ctx.db, setup.org, who.person_id, who.level, who.scope, who.qualified_at, week_of(now))
        readiness.on_evaluation(ctx, setup, row.as_dict(), may_open=True)
        opened.append(waiting)
    return opened


def opt_out(ctx: Context, setup: OrgSetup, person_id: int, login: str, at: str) -> int:
    """`/ladder optout`: no readiness issue is opened for the person any more (in any organisation), and
    their readiness issues on which nothing was decided yet (open or on hold) are closed; their waiting
    nominations leave the queue. Returns how many issues were closed."""
    store.opt_out(ctx.db, person_id, login, at)
    for waiting in store.waiting(ctx.db, setup.org):
        if waiting.person_id == person_id:
            store.drop(ctx.db, person_id, waiting.level, waiting.scope)
    closed = 0
    for row in lifecycle.of_person(ctx.db, person_id):
        if row.status in (Status.OPEN, Status.HELD):
            readiness.plan_issue(ctx, setup, lifecycle.withdraw(ctx.db, row))
            closed += 1
    return closed


def opt_in(ctx: Context, setup: OrgSetup, person_id: int) -> int:
    """`/ladder optin`: nominations resume, and the issues the opt-out closed are open again. Returns how
    many were reopened (the evaluation that follows nominates whatever else they qualify for)."""
    store.opt_in(ctx.db, person_id)
    reopened = 0
    for row in lifecycle.of_person(ctx.db, person_id):
        if row.status is Status.WITHDRAWN:
            readiness.plan_issue(ctx, setup, lifecycle.reopen(ctx.db, row))
            reopened += 1
    return reopened
