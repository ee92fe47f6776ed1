"""The cohort's rhythm end to end (issue 11, PRODUCT.md §5): `/checkin` through the service over HTTP,
acknowledged with a 👍 through the real GitHub client on the stand-in, one per mentee and week; the weekly
digest on the cohort's `checkin_day`, one comment per week across restarts and redeliveries and none for
missed weeks; the mid-term comment once.

The sample cohort (app/demo/sample.py) started 80 days ago and ends in 10, checks in on Tuesdays (UTC),
mentees alice, bob and carol, mentors omar and lena.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import pytest

from app.context import Context
from app.demo import sample, story
from app.evaluations import Evaluator
from app.promotion import digest
from app.promotion.digest_runner import DigestRunner
from app.promotion.setup import org_setup
from app.server.web import PROCESSING
from app.stand_in import webhooks
from app.store import checkins, open_database
from tests.conftest_github import check_violations
from tests.world import start_world, stop_world

ORG = sample.ORG
COMMUNITY, CODE = sample.COMMUNITY_REPO, sample.CODE_REPO
TRACKING = sample.TRACKING_ISSUE


@pytest.fixture
async def world(tmp_path, app_key):
    w = await start_world(tmp_path, app_key)
    yield w
    await stop_world(w)
    check_violations(w.stand_in)


def context(world):
    return world.service.server.app[PROCESSING].make_context("test")


def last_tuesday(now: datetime) -> datetime:
    """Noon (UTC) of the latest Tuesday up to `now`'s day, or `now` itself if that is a Tuesday morning."""
    day = now.date() - timedelta(days=(now.weekday() - 1) % 7)
    noon = datetime.combine(day, time(12), timezone.utc)
    return min(noon, now)


async def installed(world):
    await world.deliver([webhooks.installation_created(world.state, sample.INSTALLATION_ID, sender="maria")])


async def checkin(world, login: str, body: str, at: datetime):
    comment = world.act.comment(COMMUNITY, TRACKING, login, body, at=at)
    await world.deliver(comment)
    return comment[0][1]["comment"]["id"]


def digests(world):
    return [c for c in world.comments(COMMUNITY, TRACKING) if "<!-- ladder:digest:" in c.body]


def reactions(world, comment_id):
    bot = world.state.user(f"{world.state.app_slug}[bot]")
    return [(uid == bot.id, content) for uid, content in world.state.repo(COMMUNITY).comments[comment_id].reactions]


async def test_a_checkin_is_read_acknowledged_and_replaced_within_the_week(world):
    await installed(world)
    tuesday = last_tuesday(datetime.now(timezone.utc))
    first = await checkin(world, "alice", "/checkin\nAccomplishments: two reviews\nChallenges: a flaky test", tuesday)
    assert reactions(world, first) == [(True, "+1")]
    (stored,) = checkins.of_person(world.db, world.state.user("alice").id)
    year, week, _ = tuesday.isocalendar()
    assert (stored.week, stored.accomplishments, stored.challenges) == (
        f"{year}-W{week:02d}",
        "two reviews",
        "a flaky test",
    )
    second = await checkin(
        world,
        "alice",
        "/checkin\n### accomplishments\n- three reviews\n### CHALLENGES\nnone",
        tuesday + timedelta(hours=1),
    )
    assert reactions(world, second) == [(True, "+1")]
    (stored,) = checkins.of_person(world.db, world.state.user("alice").id)
    assert (stored.comment_id, stored.accomplishments, stored.challenges) == (second, "- three reviews", "none")
    # GitHub redelivers everything: nothing changes, no second 👍
    await world.redeliver_everything()
    (stored,) = checkins.of_person(world.db, world.state.user("alice").id)
    assert stored.comment_id == second
    assert reactions(world, first) == [(True, "+1")] and reactions(world, second) == [(True, "+1")]
    # the week before is a week of its own
    await checkin(world, "alice", "/checkin\nfree text counts as accomplishments", tuesday - timedelta(days=7))
    rows = checkins.of_person(world.db, world.state.user("alice").id)
    assert [(r.week, r.accomplishments) for r in rows] == [
        (f"{(tuesday - timedelta(days=7)).isocalendar()[0]}-W{(tuesday - timedelta(days=7)).isocalendar()[1]:02d}",
         "free text counts as accomplishments"),
        (f"{year}-W{week:02d}", "- three reviews"),
    ]  # fmt: skip


async def test_a_checkin_by_someone_outside_the_cohort_is_refused_and_not_stored(world):
    await installed(world)
    await world.deliver(story.others_history(world.act, datetime.now(timezone.utc)))
    cid = await checkin(world, "dev-priya", "/checkin\nAccomplishments: I am not a mentee", datetime.now(timezone.utc))
    assert world.db.execute("SELECT count(*) FROM checkins").fetchone() == (0,)
    assert reactions(world, cid) == []
    (reply,) = [c.body for c in world.comments(COMMUNITY, TRACKING) if f"{TRACKING}:{cid} -->" in c.body]
    assert reply.startswith(
        "@dev-priya, `/checkin` can only be used by the cohort's mentees, on its tracking issue, so nothing was changed."
    )
    # a mentee on another issue: not the tracking issue
    other = world.state.add_issue(COMMUNITY, title="Something else", author="maria")
    comment = world.act.comment(COMMUNITY, other.number, "alice", "/checkin\nAccomplishments: here")
    await world.deliver(comment)
    assert world.db.execute("SELECT count(*) FROM checkins").fetchone() == (0,)
