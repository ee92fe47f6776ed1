"""The cohort's rhythm (issue 11): the mid-term comment at half the term, mentees' `/checkin`s on the
tracking issue (each acknowledged with a 👍; bob's second one of the week replaces his first), and the
weekly digest on the cohort's `checkin_day`, edited in place when a check-in arrives that day.

The digest and the mid-term come from the service's own periodic pass (app/promotion/digest_runner.py's
`DigestRunner.step`, as the active worker runs it) on the demo's clock, moved to half the term and then to
the next `checkin_day`; the demo's service runs no rhythm pass on the wall clock, which would race it
(runner.py). The pass plans the mid-term only after the first history import, so the scene waits for it.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta

import aiohttp

from app.context import Context
from app.evaluations import Evaluator
from app.github import GitHubClient
from app.promotion import rhythm
from app.promotion.digest_runner import DigestRunner
from app.promotion.setup import key_part
from app.store import checkins, open_database

TITLE = "The cohort's rhythm: the mid-term comment, check-ins, the weekly digest"

CHECKINS = (  # (login, days before the digest day, hour UTC, the comment)
    ("alice", 1, 9, "/checkin\nAccomplishments: reviewed the queue refactor\nChallenges: none this week"),
    ("bob", 1, 15, "/checkin\nAccomplishments: two reviews\nChallenges: the controller tests are slow"),
    ("bob", 0, 11, "/checkin\n### Accomplishments\nthree reviews, one primary\n### Challenges\nflaky e2e tests"),
)


def checkin_day(cohort, today) -> datetime:
    """The next `checkin_day` after the demo's day (within the term: it ends 10 days later)."""
    ahead = (rhythm.WEEKDAYS.index(cohort.checkin_day) - today.weekday() - 1) % 7 + 1
    return rhythm.midnight(cohort, today + timedelta(days=ahead))


def half_term(cohort) -> datetime:
    """Noon on the half-term day; a day later when that is the `checkin_day` (its digest is not the scene's)."""
    at = rhythm.midnight(cohort, rhythm.midterm_day(cohort)) + timedelta(hours=12)
    return at + timedelta(days=1) if rhythm.digest_day(cohort, at) else at


def posted(demo, repo: str, number: int, key: str) -> list:
    """Ladder's comments on the issue that carry the outbox key `key`."""
    marker = f"<!-- ladder:{key} -->"
    return [c for c in demo.state.repo(repo).issues[number].comments if marker in c.body]


def shown(body: str) -> str:
    return body.split("\n\n<!-- ladder:")[0]


async def imported(demo, timeout: float = 120.0) -> None:
    """Wait for the first history import (the service starts it on installation, beside the deliveries)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        async with demo.client.get(demo.base + "/healthz") as resp:
            repos = (await resp.json()).get("backfill", {}).get("repositories", {})
        if repos.get("done") and not repos.get("pending") and not repos.get("running"):
            return await demo.quiet()
        await asyncio.sleep(0.1)
    raise RuntimeError("the history import did not finish in time")


async def play(demo, act, now) -> None:
    from app.demo import sample
    from app.promotion.setup import org_setup

    settings = demo.settings
    community, tracking = sample.COMMUNITY_REPO, sample.TRACKING_ISSUE
    await imported(demo)
    db = open_database(settings.database, migrate_schema=False, durable=False)
    session = aiohttp.ClientSession()
    try:
        github = GitHubClient(
            session, app_id=settings.app_id, private_key=settings.private_key, api_url=settings.github_api_url
        )

        def make_context(name: str) -> Context:
            return Context(db=db, settings=settings, github=github, delivery_id=f"demo-{name}", evaluator=Evaluator(db))

        setup = await org_setup(make_context("setup"), sample.ORG)
        cohort = next(c for c in setup.config.cohorts if c.name == sample.COHORT)
        prefix = f"{key_part(sample.ORG)}:{key_part(cohort.name)}"

        async def rhythm_pass(at: datetime) -> None:
            await DigestRunner(make_context, clock=at.timestamp).step()
            await demo.quiet()

        midterm_at = half_term(cohort)
        await rhythm_pass(midterm_at)
        midterm = posted(demo, community, tracking, f"midterm:{prefix}")
        demo.say(
            f"{midterm_at:%a %d %b %Y}, half the term: the rhythm pass posts the mid-term comment "
            "(the demo's clock moved back; the counts are those stored today)"
        )
        for comment in midterm:
            demo.say(f"  {demo._web(f'{community}/issues/{tracking}#issuecomment-{comment.id}')}")
            demo.say("  " + shown(comment.body).replace("\n", "\n  "))
            demo.write_up(f"Mid-term comment on {community}#{tracking}", shown(comment.body))

        day = checkin_day(cohort, now.date())
        digest_at = day + timedelta(hours=8)
        week = rhythm.iso_week(cohort, day)
        demo.say("")
        for login, before, hour, body in CHECKINS:
            at = day - timedelta(days=before, hours=-hour)
            if before == 0 and not posted(demo, community, tracking, f"digest:{prefix}:{week}"):
                await rhythm_pass(digest_at)  # the digest day's first pass, before that day's check-in
                demo.say(f"{digest_at:%a %d %b %H:%M} UTC, the cohort's checkin_day: the rhythm pass posts the digest")
            delivery = act.comment(community, tracking, login, body, at=at)
            await demo.deliver(delivery)
            comment = demo.state.repo(community).comments[delivery[0][1]["comment"]["id"]]
            thumbs = sum(1 for _, content in comment.reactions if content == "+1")
            said = " / ".join(body.splitlines()[1:])
            demo.say(f"{at:%a %d %b %H:%M} @{login}: {said}  (Ladder: 👍 ×{thumbs})")
        digests = posted(demo, community, tracking, f"digest:{prefix}:{week}")
        if not digests:
            demo.say("  (no digest was posted)")
            return
        kept = checkins.of_week(db, sample.ORG, cohort.name, week).values()
        demo.say(f"  kept for {week}: " + "; ".join(f"{c.login}'s of {c.at[:16]}" for c in kept))
        demo.say("")
        demo.say(
            f"The weekly digest, as a mentor reads it on {community}#{tracking} "
            f"({demo._web(f'{community}/issues/{tracking}#issuecomment-{digests[0].id}')}), edited in place:"
        )
        demo.say("  " + shown(digests[0].body).replace("\n", "\n  "))
        demo.write_up(f"Weekly digest {week} on {community}#{tracking}", shown(digests[0].body))
    finally:
        await session.close()
        db.close()
