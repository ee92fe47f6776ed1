"""People are matched by user id and named by their login as it is now (issue 8 items 5 and 13, issue 10's
Renames), through the real service with the stand-in as GitHub: a rename before approval, `/ladder
status` after a rename, a renamed mentee's `/checkin`, and answers about people that ping nobody who did
not ask."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from app.demo import sample, story
from app.stand_in import webhooks
from tests.conftest_github import check_violations
from tests.world import make_approvable, start_world, stop_world

ORG = sample.ORG
COMMUNITY, CODE = sample.COMMUNITY_REPO, sample.CODE_REPO
SCOPE = f"{ORG}/widgets/pkg/controller"


@pytest.fixture
async def world(tmp_path, app_key):
    w = await start_world(tmp_path, app_key)
    yield w
    await stop_world(w)
    check_violations(w.stand_in)


def reply_to(world, repo: str, number: int, delivery) -> str:
    """The body (without its marker) of Ladder's one reply to the comment of `delivery`."""
    marker = f"<!-- ladder:reply:{repo}#{number}:{delivery[0][1]['comment']['id']} -->"
    (body,) = [c.body for c in world.comments(repo, number) if marker in c.body]
    return body.removesuffix("\n\n" + marker)


def issue_titled(world, wanted: str):
    (issue,) = [i for i in world.issues_by_app(COMMUNITY) if i.title == wanted]
    return issue


async def say(world, repo: str, number: int, login: str, body: str):
    comment = world.act.comment(repo, number, login, body)
    await world.deliver(comment)
    return comment


async def alice_ready(world):
    await world.deliver([webhooks.installation_created(world.state, sample.INSTALLATION_ID, sender="maria")])
    await world.deliver(story.alice_history(world.act, datetime.now(timezone.utc)))
    return issue_titled(world, f"alice is ready for reviewer in {SCOPE}")


async def test_a_rename_before_approval_puts_the_new_login_in_the_roster(world):
    issue = await alice_ready(world)
    world.state.rename_user("alice", "alice-w")
    # Ladder learns the new login from her next delivery; `/ladder status` answers with it.
    asked = await say(world, COMMUNITY, sample.TRACKING_ISSUE, "alice-w", "/ladder status")
    assert reply_to(world, COMMUNITY, sample.TRACKING_ISSUE, asked).startswith(
        f"### @alice-w → Reviewer in `{SCOPE}`\n**Ready: every automatic requirement is met.**\n"
    )
    other = await say(world, COMMUNITY, sample.TRACKING_ISSUE, "omar", "/ladder status @alice-w")
    assert reply_to(world, COMMUNITY, sample.TRACKING_ISSUE, other).startswith(f"### @alice-w → Reviewer in `{SCOPE}`")
    old = await say(world, COMMUNITY, sample.TRACKING_ISSUE, "omar", "/ladder status @alice")
    assert reply_to(world, COMMUNITY, sample.TRACKING_ISSUE, old) == (
        "Ladder has not seen any activity by `alice` in sample-org yet."
    )

    await make_approvable(world, COMMUNITY, issue.number)
    await say(world, COMMUNITY, issue.number, "omar", "/ladder approve")
    (pr,) = world.pulls_by_app(CODE)
    assert pr.title == f"Add alice-w as reviewer of {SCOPE}"
    owners = world.state.repo(CODE).file("pkg/controller/OWNERS", pr.pull.head_ref).decode()
    assert "reviewers:\n  - alice-w\n  - omar\n" in owners and "  - alice\n" not in owners
    issue = world.state.repo(COMMUNITY).issues[issue.number]
    assert issue.title == f"alice-w is ready for reviewer in {SCOPE}"
    assert issue.body.startswith(f"@alice-w meets every automatic requirement for **Reviewer** in `{SCOPE}`")

    await world.deliver(world.act.merge_branch(CODE, pr.number, by="omar"))
    issue = world.state.repo(COMMUNITY).issues[issue.number]
    assert issue.state == "closed"
    assert [c.body.split("\n")[0] for c in world.comments(COMMUNITY, issue.number) if c.body.startswith("🎉")] == [
        f"🎉 @alice-w is now **reviewer** in `{SCOPE}`: the roster change is merged. Thank you for your work, "
        "and welcome! Your progress comment now shows the next level."
    ]
    assert world.db.execute("SELECT status FROM readiness").fetchall() == [("promoted",)]


async def test_a_renamed_mentee_stays_in_the_cohort_and_checks_in(world):
    await world.deliver([webhooks.installation_created(world.state, sample.INSTALLATION_ID, sender="maria")])
    await world.deliver(story.others_history(world.act, datetime.now(timezone.utc)))  # bob is evaluated: known
    world.state.rename_user("bob", "robert")
    checkin = await say(
        world, COMMUNITY, sample.TRACKING_ISSUE, "robert", "/checkin\nAccomplishments: four reviews\nChallenges: none"
    )
    bob = world.state.user("robert").id
    assert world.db.execute("SELECT person_id, login, cohort FROM checkins").fetchall() == [
        (bob, "robert", sample.COHORT)
    ]
    marker = f"<!-- ladder:reply:{COMMUNITY}#{sample.TRACKING_ISSUE}:{checkin[0][1]['comment']['id']} -->"
    assert [c for c in world.comments(COMMUNITY, sample.TRACKING_ISSUE) if marker in c.body] == []  # not refused
    # Someone else took the old login: they are not the cohort's mentee.
    world.state.add_user("bob")
    other = await say(world, COMMUNITY, sample.TRACKING_ISSUE, "bob", "/checkin\nAccomplishments: I am bob too")
    assert reply_to(world, COMMUNITY, sample.TRACKING_ISSUE, other) == (
        "@bob, `/checkin` can only be used by the cohort's mentees, on its tracking issue, so nothing was changed."
    )


async def test_answers_about_people_mention_only_who_asked_and_people_of_the_organisation(world):
    await world.deliver([webhooks.installation_created(world.state, sample.INSTALLATION_ID, sender="maria")])
    now = datetime.now(timezone.utc)
    await world.deliver(story.others_history(world.act, now))
    number, opened = world.act.open_pull_request(CODE, "visitor", at=now)  # not a member, in no cohort
    await world.deliver(opened)

    about = await say(world, CODE, number, "mallory", "/ladder status @visitor")
    body = reply_to(world, CODE, number, about)
    assert body.startswith(f"### `visitor` → Member in `{ORG}`\n**Working toward it.**")
    assert "@visitor" not in body

    themselves = await say(world, CODE, number, "visitor", "/ladder status")
    assert reply_to(world, CODE, number, themselves).startswith(f"### @visitor → Member in `{ORG}`")

    mentee = await say(world, CODE, number, "mallory", "/ladder status @carol")  # in the cohort, not a member
    assert reply_to(world, CODE, number, mentee).startswith(f"### @carol → Member in `{ORG}`")
    member = await say(world, CODE, number, "mallory", "/ladder status @dev-wen")  # a member
    assert reply_to(world, CODE, number, member).startswith("### @dev-wen → ")

    nobody = await say(world, CODE, number, "mallory", "/ladder status @no-one-here")
    assert (
        reply_to(world, CODE, number, nobody) == "Ladder has not seen any activity by `no-one-here` in sample-org yet."
    )
