"""Sign-up and pins: what `/ladder enroll`, `/ladder withdraw` and `/ladder suggest` do.

- Enrol: on a cohort's `signup_issue` (in `community_repo`), someone who holds the level below the cohort's
  target in its scope, and is a mentee of no other active cohort (one whose term has not ended), gets a
  place while listed mentees plus enrolled ones are fewer than `capacity`; after that they join the
  waitlist, in the order people asked. Enrolled people are mentees like those listed in `ladder.yml`
  (app/promotion/setup.py merges them in): they are evaluated and get a progress comment at once.
- Withdraw: an enrolled person leaves, and the first of the waitlist takes the place (and is told); a
  waiting person leaves the waitlist. Mentees listed in `ladder.yml` are removed there, by organisers.
- Pin: a mentor of the mentee's cohort puts a pull request or issue first in the mentee's "What to
  review next"; their progress comment is replanned.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timezone

from app.config.schema import Cohort
from app.context import Context
from app.evaluations import stored
from app.promotion import mentoring_text as text
from app.promotion.lifecycle import Actor
from app.promotion.progress import evaluate_mentees, mentee_targets, plan_progress
from app.promotion.setup import OrgSetup, cohorts_of, named_ids, with_sign_ups
from app.store import mentoring, people
from app.store.facts import item
from app.store.mentoring import Enrolment, Place
from ladder_rules.evaluate import holds


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def signup_cohort(setup: OrgSetup, repo: str, number: int) -> Cohort | None:
    """The cohort whose sign-up issue this is (the issue number in `community_repo`)."""
    if repo.lower() != setup.community_repo.lower():
        return None
    return next((c for c in setup.config.cohorts if c.signup_issue == number), None)


def _listed(ctx: Context, setup: OrgSetup, cohort: Cohort) -> set[int]:
    enrolled = {e.lower() for e in cohort.enrolled}
    return set(named_ids(ctx, setup, [m for m in cohort.mentees if m.lower() not in enrolled]).values())


def _listed_count(cohort: Cohort) -> int:
    """Mentees `ladder.yml` lists (they take places before anyone signs up)."""
    return len(cohort.mentees) - len(cohort.enrolled)


def _tracking(setup: OrgSetup, cohort: Cohort) -> str | None:
    return f"{setup.community_repo}#{cohort.tracking_issue}" if cohort.tracking_issue else None


def _position(rows: list[Enrolment], pid: int) -> int:
    waiting = [e.person_id for e in rows if e.place is Place.WAITING]
    return waiting.index(pid) + 1


def _indexed(ctx: Context, setup: OrgSetup, pid: int):
    """The person as the evaluator's index has them; a newcomer (first seen after the index was built, e.g.
    by this very comment) makes it re-read the ledger once."""
    index = ctx.evaluator.index(setup.org, setup.ladder, setup.definitions)
    if pid not in index.people:
        ctx.evaluator.forget(setup.org)
        index = ctx.evaluator.index(setup.org, setup.ladder, setup.definitions)
    return index.people.get(pid)


async def _welcome(ctx: Context, setup: OrgSetup, cohort: Cohort, pid: int, login: str) -> None:
    """A new mentee: tie their login to their account, evaluate them, post their progress comment."""
    people.tie_named(ctx.db, setup.org, {login.lower(): pid}, now=_now())
    setup = replace(setup, config=with_sign_ups(ctx, setup.org, setup.config))
    _indexed(ctx, setup, pid)
    await evaluate_mentees(ctx, setup, only={pid})
    for c, target in mentee_targets(ctx, setup, only={pid}):
        if c.name != cohort.name:
            continue
        for e in stored(ctx.db, pid, target.level):
            if e["scope"] == str(target.scope):
                plan_progress(ctx, setup, c, e)  # the same desired comment again is no second write


async def enroll(ctx: Context, setup: OrgSetup, cohort: Cohort, who: Actor, comment: dict) -> str:
    login, pid = who.login, who.id
    today = datetime.now(timezone.utc).date()
    if cohort.end < today:
        return text.closed(login, cohort.name, cohort.end.isoformat())
    rows = mentoring.of_cohort(ctx.db, setup.org, cohort.name)
    mine = next((e for e in rows if e.person_id == pid), None)
    if mine is not None:
        if mine.place is Place.WAITING:
            return text.already_waiting(login, cohort.name, _position(rows, pid))
        return text.already_enrolled(login, cohort.name)
    if pid in _listed(ctx, setup, cohort):
        return text.already_listed(login, cohort.name)
    scope = setup.cohort_scope(cohort)
    person = _indexed(ctx, setup, pid)
    holdings = person.holdings if person else ()
    if holds(setup.ladder, holdings, cohort.target, scope):
        return text.holds_target(login, cohort.name, cohort.target, str(scope))
    below = setup.ladder.previous(cohort.target)
    if below is not None and not holds(setup.ladder, holdings, below.name, scope):
        return text.not_eligible_level(login, cohort.name, below.name, cohort.target, str(scope))
    for other in setup.config.cohorts:
        if other.name == cohort.name or other.end < today:
            continue
        if pid in named_ids(ctx, setup, other.mentees).values():
            return text.in_other_cohort(login, cohort.name, other.name, other.end.isoformat())
    taken = _listed_count(cohort) + sum(1 for e in rows if e.place is Place.ENROLLED)
    asked = comment.get("created_at") or _now()
    if taken >= cohort.capacity:
        mentoring.add(
            ctx.db, Enrolment(setup.org, cohort.name, pid, login, Place.WAITING, asked, int(comment["id"]), None)
        )
        return text.waitlisted(
            login, cohort.name, cohort.capacity, _position(mentoring.of_cohort(ctx.db, setup.org, cohort.name), pid)
        )
    mentoring.add(
        ctx.db, Enrolment(setup.org, cohort.name, pid, login, Place.ENROLLED, asked, int(comment["id"]), _now())
    )
    await _welcome(ctx, setup, cohort, pid, login)
    starts = cohort.start.isoformat() if cohort.start > today else None
    return text.enrolled(login, cohort.name, taken + 1, cohort.capacity, _tracking(setup, cohort), starts)


async def withdraw(ctx: Context, setup: OrgSetup, cohort: Cohort, who: Actor) -> str:
    login, pid = who.login, who.id
    rows = mentoring.of_cohort(ctx.db, setup.org, cohort.name)
    mine = next((e for e in rows if e.person_id == pid), None)
    if mine is None:
        if pid in _listed(ctx, setup, cohort):
            return text.listed_cannot_withdraw(login, cohort.name)
        return text.not_signed_up(login, cohort.name)
    mentoring.remove(ctx.db, setup.org, cohort.name, pid)
    if mine.place is Place.WAITING:
        return text.left_waitlist(login, cohort.name)
    answer = text.left(login, cohort.name)
    taken = _listed_count(cohort) + sum(1 for e in rows if e.place is Place.ENROLLED and e.person_id != pid)
    waiting = [e for e in rows if e.place is Place.WAITING]
    if waiting and taken < cohort.capacity:
        first = waiting[0]
        mentoring.give_place(ctx.db, setup.org, cohort.name, first.person_id, _now())
        name = people.login_of(ctx.db, first.person_id) or first.login
        await _welcome(ctx, setup, cohort, first.person_id, name)
        answer += "\n\n" + text.moved_up(name, cohort.name, _tracking(setup, cohort))
    return answer


# --- pins ---------------------------------------------------------------------------------------------


def mentors_of(ctx: Context, setup: OrgSetup, mentee: int) -> dict[str, int]:
    """{login: id} of the mentors of every cohort the person is a mentee of."""
    out: dict[str, int] = {}
    for c in cohorts_of(ctx, setup, mentee):
        out.update(named_ids(ctx, setup, c.mentors))
    return out


def parse_link(setup: OrgSetup, link: str) -> tuple[str, int] | None:
    """(owner/repo, number) of a pull request or issue of the organisation: a link to it
    (`https://HOST/OWNER/REPO/pull/N` or `…/issues/N`; only the repository and number are kept, Ladder
    writes its own link) or `OWNER/REPO#N`; None for anything else."""
    link = link.strip().strip("<>")
    org = re.escape(setup.org)
    found = re.fullmatch(
        rf"https?://[A-Za-z0-9.:-]{{1,255}}/({org}/[A-Za-z0-9_.-]{{1,100}})/(?:pull|issues)/(\d{{1,9}})(?:[/#?].*)?",
        link,
        re.I,
    )
    found = found or re.fullmatch(rf"({org}/[A-Za-z0-9_.-]{{1,100}})#(\d{{1,9}})", link, re.I)
    if found is None:
        return None
    return found.group(1), int(found.group(2))


def pin(ctx: Context, setup: OrgSetup, mentee: int, mentee_login: str, by: Actor, link: str) -> str:
    found = parse_link(setup, link.split()[0] if link.split() else "")
    if found is None:
        return text.bad_link(link, setup.org)
    repo, number = found
    known = item(ctx.db, repo, number)
    repo = known.repo if known else repo
    label = f"{repo}#{number}"
    if known is not None and not known.open:
        return text.not_open(label)
    new = mentoring.pin(ctx.db, mentoring.Pin(setup.org, mentee, repo, number, by.id, _now()))
    for cohort, target in mentee_targets(ctx, setup, only={mentee}):
        for e in stored(ctx.db, mentee, target.level):
            if e["scope"] == str(target.scope):
                plan_progress(ctx, setup, cohort, e)
    return text.pinned(mentee_login, label, again=not new)
