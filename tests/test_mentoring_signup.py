"""Issue 13, sign-up: `/ladder enroll` and `/ladder withdraw` on a cohort's sign-up issue, through the real
service with the stand-in as GitHub — enrolment up to `capacity`, the waitlist with positions, a withdrawal
that moves the first waiting person up, and the refusals an ineligible person gets."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from app.demo import mentoring_sample, sample, story
from app.stand_in import webhooks
from tests.conftest_github import check_violations
from tests.world import start_world, stop_world

ORG = sample.ORG
COMMUNITY = sample.COMMUNITY_REPO
COHORT = mentoring_sample.COHORT
SCOPE = f"{ORG}/widgets/pkg/controller"


@pytest.fixture
async def world(tmp_path, app_key):
    w = await start_world(tmp_path, app_key)
    w.signup, w.tracking, _ = mentoring_sample.open_signup(w.state, datetime.now(timezone.utc))
    await w.deliver([webhooks.installation_created(w.state, sample.INSTALLATION_ID, sender="maria")])
    await w.deliver(story.others_history(w.act, datetime.now(timezone.utc)))
    yield w
    await stop_world(w)
    check_violations(w.stand_in)


async def say(world, number: int, login: str, body: str) -> str:
    """Ladder's one reply (without its marker) to `login`'s comment on community#number."""
    delivery = world.act.comment(COMMUNITY, number, login, body)
    await world.deliver(delivery)
    marker = f"<!-- ladder:reply:{COMMUNITY}#{number}:{delivery[0][1]['comment']['id']} -->"
    (reply,) = [c.body for c in world.comments(COMMUNITY, number) if marker in c.body]
    return reply.removesuffix("\n\n" + marker)


def enrolments(world) -> list[tuple[str, str]]:
    return world.db.execute(
        "SELECT login, status FROM enrolments WHERE cohort = ? ORDER BY asked_at, comment_id", [COHORT]
    ).fetchall()


def progress_logins(world) -> list[str]:
    """Whose progress comments Ladder posted on the spring cohort's tracking issue."""
    return sorted(c.body.split("\n")[0].split(" ")[1] for c in world.comments(COMMUNITY, world.tracking))


async def test_enrolment_fills_the_places_then_the_waitlist_and_a_withdrawal_moves_the_first_up(world):
    n = world.signup
    assert await say(world, n, "dev-priya", "/ladder enroll") == (
        f"@dev-priya, you are enrolled in cohort **{COHORT}** (1 of 2 places taken). "
        f"Your progress comment is on {COMMUNITY}#{world.tracking}."
    )
    assert await say(world, n, "dev-tomas", "Count me in!\n/ladder enroll") == (
        f"@dev-tomas, you are enrolled in cohort **{COHORT}** (2 of 2 places taken). "
        f"Your progress comment is on {COMMUNITY}#{world.tracking}."
    )
    assert await say(world, n, "dev-wen", "/ladder enroll") == (
        f"@dev-wen, cohort **{COHORT}** is full (2 of 2 places taken), so you are on its waitlist at position 1. "
        "You will be told here when a place opens; `/ladder withdraw` leaves the waitlist."
    )
    assert (await say(world, n, "mallory", "/ladder enroll")).startswith(
        f"@mallory, cohort **{COHORT}** is full (2 of 2 places taken), so you are on its waitlist at position 2."
    )
    assert await say(world, n, "dev-tomas", "/ladder enroll") == (
        f"@dev-tomas, you are already enrolled in cohort **{COHORT}**; nothing changed."
    )
    assert enrolments(world) == [
        ("dev-priya", "enrolled"),
        ("dev-tomas", "enrolled"),
        ("dev-wen", "waiting"),
        ("mallory", "waiting"),
    ]
    # Enrolled people are mentees: each has a progress comment toward reviewer on the tracking issue.
    assert progress_logins(world) == ["@dev-priya", "@dev-tomas"]
    first = world.comments(COMMUNITY, world.tracking)[0].body
    assert f"→ Reviewer in `{SCOPE}`" in first and f"Cohort **{COHORT}**" in first

    assert await say(world, n, "dev-priya", "/ladder withdraw") == (
        f"@dev-priya, you have left cohort **{COHORT}**.\n\n"
        f"@dev-wen, a place opened: you are now enrolled in cohort **{COHORT}**. "
        f"Your progress comment is on {COMMUNITY}#{world.tracking}."
    )
    assert enrolments(world) == [("dev-tomas", "enrolled"), ("dev-wen", "enrolled"), ("mallory", "waiting")]
    assert progress_logins(world) == ["@dev-priya", "@dev-tomas", "@dev-wen"]
    assert await say(world, n, "mallory", "/ladder enroll") == (
        f"@mallory, you are already on the waitlist of cohort **{COHORT}**, at position 1."
    )
    assert await say(world, n, "mallory", "/ladder withdraw") == (
        f"@mallory, you have left the waitlist of cohort **{COHORT}**."
    )
    assert await say(world, n, "mallory", "/ladder withdraw") == (
        f"@mallory, you are not signed up for cohort **{COHORT}**, so nothing changed."
    )
    assert enrolments(world) == [("dev-tomas", "enrolled"), ("dev-wen", "enrolled")]


async def test_ineligible_people_are_told_why_and_not_enrolled(world):
    n = world.signup
    assert await say(world, n, "carol", "/ladder enroll") == (
        f"@carol, cohort **{COHORT}** is for contributors who hold **member** in `{SCOPE}` (the level below "
        "reviewer), and Ladder does not see that you do, so you were not enrolled. `/ladder status` shows what "
        "is still to do."
    )
    assert (await say(world, n, "bob", "/ladder enroll")).startswith(
        f"@bob, you are already a mentee of cohort **{sample.COHORT}** (until "
    )
    assert await say(world, n, "sam", "/ladder enroll") == (
        f"@sam, you already hold **reviewer** in `{SCOPE}`, the level cohort **{COHORT}** works toward, "
        "so you were not enrolled."
    )
    # Not the sign-up issue: the tracking issue of the first cohort.
    assert await say(world, sample.TRACKING_ISSUE, "dev-wen", "/ladder enroll") == (
        "@dev-wen, `/ladder enroll` works only on the cohort's sign-up issue, and this is not one, so nothing "
        "was changed. `/ladder help` lists every command and where it works."
    )
    assert enrolments(world) == []
    assert progress_logins(world) == []


async def test_enrolled_mentees_show_in_the_cohort_report_and_check_in(world):
    from reports.cohort import cohort_report

    await say(world, world.signup, "dev-priya", "/ladder enroll")
    await say(world, world.signup, "dev-tomas", "/ladder enroll")
    await say(world, world.signup, "dev-wen", "/ladder enroll")
    report = cohort_report(world.db, COHORT)
    assert [m["login"] for m in report.data["mentees"]] == ["dev-priya", "dev-tomas"]
    assert report.data["cohort"]["waitlist"] == ["dev-wen"]
    # An enrolled mentee checks in on the cohort's tracking issue like a listed one.
    delivery = world.act.comment(COMMUNITY, world.tracking, "dev-tomas", "/checkin\nAccomplishments: first review")
    await world.deliver(delivery)
    assert world.db.execute("SELECT login, cohort FROM checkins").fetchall() == [("dev-tomas", COHORT)]


def test_a_cohort_with_a_sign_up_issue_may_list_no_mentees_and_others_may_not():
    from app.config.schema import check_config_text, parse_config

    base = (
        "ladder: kubernetes\ncohorts:\n  - name: c\n    target: reviewer\n    start: 2026-09-01\n"
        "    end: 2026-11-30\n    mentors: [omar]\n    mentees: []\n    tracking_issue: 3\n"
    )
    (cohort,) = parse_config(base + "    signup_issue: 4\n    capacity: 5\n", "ladder.yml").cohorts
    assert (cohort.mentees, cohort.signup_issue, cohort.capacity, cohort.enrolled) == ((), 4, 5, ())
    assert [str(p) for p in check_config_text(base, "ladder.yml")] == [
        "ladder.yml:8: `mentees` of cohort `c` must be a non-empty list of GitHub logins, not a list."
    ]


def test_enrolling_before_the_term_says_when_the_progress_comment_comes():
    from app.promotion.mentoring_text import enrolled

    assert enrolled("dev-wen", "c", 1, 2, "o/community#5", "2027-01-04") == (
        "@dev-wen, you are enrolled in cohort **c** (1 of 2 places taken). Your progress comment will be on "
        "o/community#5 from the start of the term, 4 Jan 2027."
    )
