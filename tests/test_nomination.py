"""Nominating everyone who qualifies, through the real service and the stand-in: a contributor outside any
cohort gets a readiness issue; `nominate: cohorts` and `nobody` keep them out; `nominate_limit` holds the
rest back; `/ladder optout` closes the issue."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from app.demo import sample, story
from tests.conftest_github import check_violations
from tests.world import start_world, stop_world

ORG = sample.ORG
COMMUNITY = sample.COMMUNITY_REPO


@pytest.fixture
async def world(tmp_path, app_key):
    w = await start_world(tmp_path, app_key)
    yield w
    await stop_world(w)
    check_violations(w.stand_in)


def configure(world, extra: str) -> None:
    yml = sample.ladder_yml(datetime.now(timezone.utc)).replace("ladder: kubernetes", "ladder: opentelemetry")
    world.state.commit(sample.CONFIG_REPO, "main", {".github/ladder.yml": extra + yml}, message="Ladder configuration")


async def story_played(world, extra: str = "") -> list[str]:
    from app.stand_in import webhooks

    configure(world, extra)
    await world.deliver([webhooks.installation_created(world.state, sample.INSTALLATION_ID, sender="maria")])
    await world.deliver(story.alice_history(world.act, datetime.now(timezone.utc), primary=1, reviewed=0))
    return sorted(i.title for i in world.issues_by_app(COMMUNITY))


# alice is the cohort's mentee (her scope is the cohort's); dev-priya and omar are in no cohort, and with no
# CODEOWNERS file anywhere the organisation is the most specific scope they qualify in.
READY = [
    "alice is ready for reviewer in sample-org/widgets",
    "dev-priya is ready for reviewer in sample-org",
    "omar is ready for reviewer in sample-org",
]


async def test_a_contributor_outside_the_cohort_is_nominated_in_the_folder_where_she_qualifies(world):
    assert await story_played(world) == READY
    (priya,) = [i for i in world.issues_by_app(COMMUNITY) if i.title.startswith("dev-priya ")]
    assert priya.state == "open"


async def test_nominate_cohorts_nominates_only_mentees(world):
    assert await story_played(world, "nominate: cohorts\n") == READY[:1]


async def test_nominate_nobody_opens_no_readiness_issue_for_anyone_outside_a_cohort(world):
    titles = await story_played(world, "nominate: nobody\n")
    assert not [t for t in titles if t.startswith("dev-priya ")]


async def test_the_weekly_limit_holds_back_the_rest(world):
    titles = await story_played(world, "nominate_limit: 0\n")
    assert titles == READY[:1]
    assert world.db.execute("SELECT COUNT(*) FROM nominations WHERE week IS NULL").fetchone()[0] == 2


async def test_optout_closes_the_open_readiness_issue(world):
    await story_played(world)
    (priya,) = [i for i in world.issues_by_app(COMMUNITY) if i.title.startswith("dev-priya ")]
    await world.deliver(world.act.comment(COMMUNITY, priya.number, "dev-priya", "/ladder optout"))
    (priya,) = [i for i in world.issues_by_app(COMMUNITY) if i.title.startswith("dev-priya ")]
    assert priya.state == "closed"
    assert world.db.execute("SELECT COUNT(*) FROM opt_outs").fetchone()[0] == 1
    await world.deliver(world.act.comment(COMMUNITY, priya.number, "dev-priya", "/ladder optin"))
    assert world.db.execute("SELECT COUNT(*) FROM opt_outs").fetchone()[0] == 0
    (priya,) = [i for i in world.issues_by_app(COMMUNITY) if i.title.startswith("dev-priya ")]
    assert priya.state == "open"


async def test_a_waiting_nomination_is_opened_in_a_later_week_oldest_first(world):
    from datetime import timedelta

    from app.promotion import nomination
    from app.promotion.setup import org_setup
    from app.server.web import PROCESSING

    assert len(await story_played(world, "nominate_limit: 1\n")) == 2  # alice (the cohort's) and one more
    waiting = world.db.execute("SELECT person_id, qualified_at FROM nominations WHERE week IS NULL").fetchall()
    assert len(waiting) == 1
    ctx = world.service.server.app[PROCESSING].make_context("test")
    setup = await org_setup(ctx, ORG)
    assert nomination.release_waiting(ctx, setup) == []  # this week is full
    (released,) = nomination.release_waiting(ctx, setup, datetime.now(timezone.utc) + timedelta(days=7))
    assert released.person_id == waiting[0][0]
    await world.settle()
    assert sorted(i.title for i in world.issues_by_app(COMMUNITY)) == READY
