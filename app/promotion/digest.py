"""The cohort's weekly digest and its mid-term comment on the tracking issue: what they say, and planning them.

Both are desired-state comments with stable keys in the outbox (app/outbox/effects.py): the digest's key
holds the cohort and the ISO week, so a restart, a redelivered check-in or a second worker plans the same
comment again and the outbox edits it in place — never two for one week. Only the day it is for is ever
planned (`rhythm.digest_day`): a week the service missed gets no digest later. The mid-term comment's key
holds the cohort alone and it is planned once (an existing row is never planned again), so it is written
exactly once across restarts. The periodic runner (digest_runner.py) calls `cohort_pass`; `/checkin`
calls `replan_today` so the day's digest shows a check-in as it arrives.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from app.config.schema import Cohort
from app.context import Context
from app.evaluations import stored as stored_evaluations
from app.markdown import leaves, level_title, parse_time, tenure_words
from app.outbox import get_by_key, plan
from app.outbox.effects import Comment
from app.promotion import rhythm
from app.promotion.digest_text import Digest, Link, MenteePace, MenteeWeek, Waiting, digest_markdown, midterm_markdown
from app.promotion.progress import mentee_targets, target_above
from app.promotion.setup import OrgSetup, current_login, key_part
from app.store import checkins
from app.store.facts import open_pull_requests
from app.user_text import user_text
from ladder_rules.facts import APPROVE, LGTM, REVIEW

STUCK_AFTER = timedelta(days=7)
_LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})")


def digest_key(setup: OrgSetup, cohort: Cohort, week: str) -> str:
    return f"digest:{key_part(setup.org)}:{key_part(cohort.name)}:{week}"


def midterm_key(setup: OrgSetup, cohort: Cohort) -> str:
    return f"midterm:{key_part(setup.org)}:{key_part(cohort.name)}"


def web_link(setup: OrgSetup, url: str) -> Link:
    """A stored GitHub link on the web host of GITHUB_API_URL, labelled `repo#number`."""
    parts = urlsplit(url)
    path = parts.path
    m = re.match(r"/([^/]+)/([^/]+)/(?:pull|issues)/(\d+)", path)
    label = f"{m.group(2)}#{m.group(3)}" if m else path.rsplit("/", 1)[-1]
    return Link(label, f"{setup.web}{path}" + (f"#{parts.fragment}" if parts.fragment else ""))


def _targets(ctx: Context, setup: OrgSetup, cohort: Cohort, today) -> list:
    return [t for c, t in mentee_targets(ctx, setup, today=today) if c.name == cohort.name]


def _evaluation(ctx: Context, target) -> dict | None:
    """The stored evaluation toward the target: in its scope, or in the wider scope the level is held at
    (member: the organisation)."""
    wanted = str(target.scope)
    found = [
        e
        for e in stored_evaluations(ctx.db, target.person_id, target.level)
        if e["scope"] == wanted or wanted.startswith(e["scope"] + "/")
    ]
    return max(found, key=lambda e: len(e["scope"]), default=None)


def progress_line(evaluation: dict | None) -> str:
    """Requirements met of those there are, and what is left, in one line."""
    if evaluation is None:
        return "not evaluated yet"
    automatic = [r for r in leaves(evaluation["requirements"]) if r.get("met") is not None]
    met = sum(1 for r in automatic if r["met"])
    left = [_left(r, evaluation.get("evaluated_at")) for r in automatic if not r["met"]]
    line = f"{met} of {len(automatic)} requirements met"
    return line + (": still " + "; ".join(left) if left else ": all met")


def _left(r: dict, evaluated_at: str | None) -> str:
    words = user_text(r["description"])
    if r.get("kind") == "tenure":
        return f"{words} ({tenure_words(r, evaluated_at)})"
    if r.get("have") is not None and r.get("need") is not None:
        return f"{words} {r['have']}/{r['need']}"
    return words


def _target_words(setup: OrgSetup, cohort: Cohort, evaluation: dict | None, target) -> str:
    """The level the mentee works toward now, and the cohort's target when that is a level further up."""
    scope = evaluation["scope"] if evaluation else str(target.scope)
    words = f"{level_title({'level': target.level})} in `{scope}`"
    above = target_above(setup, cohort.target, target.level)
    return f"{words}, on the way to {level_title({'level': above})}" if above else words


def _waiting(setup: OrgSetup, pulls, pid: int, now: datetime) -> tuple[Waiting, ...]:
    out = []
    for p in pulls:
        f = p.facts
        reviewed = any(s.kind in (REVIEW, LGTM, APPROVE) and s.person_id != pid for s in f.signals)
        if f.author_id == pid and not reviewed and f.created_at <= now - STUCK_AFTER:
            out.append(Waiting(web_link(setup, f.url), f.created_at.date()))
    return tuple(sorted(out, key=lambda w: (w.since, w.link.label)))


def _checkins_in(ctx: Context, setup: OrgSetup, cohort: Cohort, start: datetime, end: datetime) -> dict:
    """{person id: latest check-in posted in the digest's seven days}. Check-ins are kept per ISO week, but a
    digest day other than Monday covers the end of the week before too: one posted on the Thursday after a
    Tuesday digest belongs to the next digest, not to none."""
    weeks = sorted({rhythm.iso_week(cohort, start), rhythm.iso_week(cohort, end - timedelta(seconds=1))})
    latest: dict = {}
    for c in checkins.of_weeks(ctx.db, setup.org, cohort.name, weeks):
        if start <= parse_time(c.at) < end:
            latest[c.person_id] = c  # oldest first, so the last one kept is the latest
    return latest


def digest_view(ctx: Context, setup: OrgSetup, cohort: Cohort, day, now: datetime) -> Digest:
    """The digest for the cohort's `day` (its checkin_day) as of `now`, from stored data only."""
    start, end = rhythm.digest_window(cohort, day)
    upto = min(end, now).timestamp()
    week = rhythm.iso_week(cohort, rhythm.midnight(cohort, day))
    index = ctx.evaluator.index(setup.org, setup.ladder, setup.definitions)
    scope = setup.cohort_scope(cohort)
    weekly = _checkins_in(ctx, setup, cohort, start, end)
    pulls = open_pull_requests(ctx.db, setup.org)
    mentees = []
    for target in _targets(ctx, setup, cohort, day):
        pid = target.person_id

        def links(metric: str, pid: int = pid) -> tuple[Link, ...]:
            _, items = index.count(pid, metric, scope, start.timestamp(), upto)
            return tuple(web_link(setup, url) for _, url, _ in items)

        evaluation = _evaluation(ctx, target)
        c = weekly.get(pid)
        active, _ = index.count(pid, "contributions", scope, start.timestamp(), upto)
        merged = links("merged_prs")
        mentees.append(
            MenteeWeek(
                login=current_login(ctx, pid, evaluation["login"] if evaluation else str(pid)),
                target=_target_words(setup, cohort, evaluation, target),
                progress=progress_line(evaluation),
                merged=merged,
                reviews=links("reviewed_prs"),
                primary=links("primary_reviews"),
                accomplishments=None if c is None else (c.accomplishments if c.accomplishments is not None else c.body),
                challenges=None if c is None else c.challenges,
                checkin_url=web_link(setup, c.url).url if c is not None and c.url else None,
                waiting=_waiting(setup, pulls, pid, now),
                active=bool(active or merged),
            )
        )
    mentees.sort(key=lambda m: m.login.lower())
    return Digest(cohort.name, week, day - timedelta(days=6), day, tuple(mentees))


def plan_digest(ctx: Context, setup: OrgSetup, cohort: Cohort, day, now: datetime) -> None:
    view = digest_view(ctx, setup, cohort, day, now)
    plan(
        ctx.db,
        Comment(
            repo=setup.community_repo,
            number=cohort.tracking_issue,
            name=digest_key(setup, cohort, view.week),
            body=digest_markdown(view),
            installation_id=setup.installation_id,
            org=setup.org,
        ),
        dry_run=setup.dry_run,
    )


def replan_today(
    ctx: Context, setup: OrgSetup, cohort: Cohort, now: datetime, covering: datetime | None = None
) -> bool:
    """After a check-in: today's digest again, when today is the cohort's digest day and it was planned
    (`covering`: only when its seven days hold that moment — an edited check-in's posting time)."""
    day = rhythm.digest_day(cohort, now)
    if day is None or cohort.tracking_issue is None:
        return False
    if covering is not None:
        start, end = rhythm.digest_window(cohort, day)
        if not start <= covering < end:
            return False
    week = rhythm.iso_week(cohort, rhythm.midnight(cohort, day))
    if get_by_key(ctx.db, digest_key(setup, cohort, week)) is None:
        return False  # the runner plans the first one (as soon as it runs that day)
    plan_digest(ctx, setup, cohort, day, now)
    return True


# --- mid-term ---------------------------------------------------------------------------------------------


def behind_pace(evaluation: dict, share: float, end) -> list[str]:
    """The automatic requirements behind pace: a count below need × share of the term gone; a time
    requirement that will not be met by the end of the term."""
    out = []
    for r in leaves(evaluation["requirements"]):
        if r.get("met") is not False:
            continue
        if r.get("kind") == "tenure":
            met_on = r.get("met_on")
            if met_on is None or parse_time(met_on).date() > end:
                out.append(f"{user_text(r['description'])}: not by the end of the term")
        elif r.get("have") is not None and r.get("need") is not None:
            if r["have"] < r["need"] * share:
                out.append(f"{user_text(r['description'])} {r['have']}/{r['need']} (pace asks {r['need'] * share:.1f})")
    return out


def midterm_view(ctx: Context, setup: OrgSetup, cohort: Cohort, day) -> tuple[float, tuple[MenteePace, ...]]:
    share = rhythm.term_share(cohort, day)
    out = []
    for target in _targets(ctx, setup, cohort, day):
        evaluation = _evaluation(ctx, target)
        behind = behind_pace(evaluation, share, cohort.end) if evaluation else ["not evaluated yet"]
        login = current_login(ctx, target.person_id, evaluation["login"] if evaluation else str(target.person_id))
        out.append(MenteePace(login, _target_words(setup, cohort, evaluation, target), not behind, tuple(behind)))
    return share, tuple(sorted(out, key=lambda m: m.login.lower()))


def midterm_due(cohort: Cohort, now: datetime) -> bool:
    today = rhythm.local_day(cohort, now)
    return cohort.tracking_issue is not None and rhythm.midterm_day(cohort) <= today <= cohort.end


def plan_midterm(ctx: Context, setup: OrgSetup, cohort: Cohort, now: datetime) -> bool:
    """The mid-term comment, once: planned when due and never planned before."""
    key = midterm_key(setup, cohort)
    if not midterm_due(cohort, now) or get_by_key(ctx.db, key) is not None:
        return False
    today = rhythm.local_day(cohort, now)
    share, mentees = midterm_view(ctx, setup, cohort, today)
    mentors = tuple(m for m in cohort.mentors if _LOGIN.fullmatch(m))
    plan(
        ctx.db,
        Comment(
            repo=setup.community_repo,
            number=cohort.tracking_issue,
            name=key,
            body=midterm_markdown(cohort.name, today, share, mentors, mentees),
            installation_id=setup.installation_id,
            org=setup.org,
        ),
        dry_run=setup.dry_run,
    )
    return True


async def cohort_pass(ctx: Context, setup: OrgSetup, now: datetime | None = None, *, midterm: bool = True) -> list[str]:
    """What the periodic runner does for one organisation: each cohort's digest on its day (planned again
    through the day, so it follows the day's activity; the outbox writes only what changed) and, when
    `midterm`, its mid-term comment once. Returns the keys planned."""
    now = now or datetime.now(timezone.utc)
    planned = []
    for cohort in setup.config.cohorts:
        if cohort.tracking_issue is None:
            continue
        day = rhythm.digest_day(cohort, now)
        if day is not None:
            plan_digest(ctx, setup, cohort, day, now)
            planned.append(digest_key(setup, cohort, rhythm.iso_week(cohort, rhythm.midnight(cohort, day))))
        if midterm and plan_midterm(ctx, setup, cohort, now):
            planned.append(midterm_key(setup, cohort))
    return planned
