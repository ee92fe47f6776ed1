"""Mentoring help (issue 13): a second cohort opens for sign-up with two places, four people enrol (two
wait), one withdraws and the first waiting takes the place; `ladder cohort plan` proposes mentors; and a
mentee's progress comment lists what to review next, with a mentor's pin first."""

from __future__ import annotations

from datetime import timedelta

from app.demo import mentoring_sample, sample
from app.stand_in import webhooks

TITLE = "Mentoring help: sign-up with a waitlist, a mentor plan, what to review next"


def _reply(demo, repo: str, number: int, delivery) -> str:
    marker = f"<!-- ladder:reply:{repo}#{number}:{delivery[0][1]['comment']['id']} -->"
    issue = demo.state.repo(repo).issues[number]
    body = next((c.body for c in issue.comments if marker in c.body), "(no reply)")
    return body.removesuffix("\n\n" + marker)


async def play(demo, act, now) -> None:
    from reports.matching import mentor_plan, plan_text

    community = sample.COMMUNITY_REPO
    signup, tracking, push = mentoring_sample.open_signup(demo.state, now)
    await demo.deliver([("push", push)])
    demo.say(
        f"maria opens cohort {mentoring_sample.COHORT} ({mentoring_sample.CAPACITY} places), "
        f"sign-up on {community}#{signup}:"
    )
    for login, body in (
        ("dev-priya", "/ladder enroll"),
        ("dev-tomas", "/ladder enroll"),
        ("dev-wen", "/ladder enroll"),
        ("carol", "/ladder enroll"),
        ("mallory", "/ladder enroll"),
        ("dev-priya", "/ladder withdraw"),
    ):
        delivery = act.comment(community, signup, login, body)
        await demo.deliver(delivery)
        reply = _reply(demo, community, signup, delivery)
        demo.say(f"  @{login}: {body}")
        for line in reply.split("\n\n"):
            demo.say(f"    Ladder: {line}")

    for cohort in (sample.COHORT, mentoring_sample.COHORT):
        demo.say("")
        demo.say(f"$ ladder cohort plan {cohort}")
        for line in plan_text(mentor_plan(demo.db, cohort)).splitlines():
            demo.say(f"  {line}" if line else "")

    # Open pull requests for bob (halfway to reviewer) to review, and a pin by his mentor.
    numbers = []
    for author, days, lines, path in (
        ("dev-priya", 3, 60, f"{sample.SCOPE_PATH}/reconcile.go"),
        ("dev-wen", 5, 90, f"{sample.SCOPE_PATH}/queue.go"),
        ("dev-tomas", 2, 6, f"{sample.SCOPE_PATH}/typo.go"),
        ("bob", 1, 50, f"{sample.SCOPE_PATH}/bob.go"),
    ):
        number, deliveries = act.open_pull_request(
            sample.CODE_REPO, author, at=now - timedelta(days=days), lines=lines, paths=(path,)
        )
        numbers.append(number)
        await demo.deliver(deliveries)
    await demo.deliver(act.review(sample.CODE_REPO, numbers[1], "lena", state="COMMENTED", at=now))
    issue = demo.state.add_issue(community, title="Review guide for the controller", author="omar", at=now)
    await demo.deliver([webhooks.issues(demo.state, community, issue.number, "opened", sender="omar")])
    pin = act.comment(community, sample.TRACKING_ISSUE, "omar", f"/ladder suggest @bob {community}#{issue.number}")
    await demo.deliver(pin)
    demo.say("")
    demo.say(f"  @omar: /ladder suggest @bob {community}#{issue.number}")
    demo.say(f"    Ladder: {_reply(demo, community, sample.TRACKING_ISSUE, pin)}")
    refused = act.comment(
        community, sample.TRACKING_ISSUE, "mallory", f"/ladder suggest @bob {community}#{issue.number}"
    )
    await demo.deliver(refused)
    demo.say(f"  @mallory: /ladder suggest @bob {community}#{issue.number}")
    demo.say(f"    Ladder: {_reply(demo, community, sample.TRACKING_ISSUE, refused)}")

    bot = demo.state.user("ladder[bot]")
    comments = demo.state.repo(community).issues[sample.TRACKING_ISSUE].comments
    bobs = next(
        (c.body for c in comments if bot is not None and c.user_id == bot.id and c.body.startswith("### @bob →")),
        None,
    )
    if bobs is not None and "**What to review next**" in bobs:
        section = bobs.split("**What to review next**\n", 1)[1].split("\n\n", 1)[0]
        demo.say("")
        demo.say(f"bob's progress comment on {community}#{sample.TRACKING_ISSUE} now says what to review next:")
        for line in section.splitlines():
            demo.say(f"  {line}")
        demo.write_up(f"bob's progress comment on {community}#{sample.TRACKING_ISSUE} (with what to review next)", bobs)
    replies = [
        c.body for c in demo.state.repo(community).issues[signup].comments if bot is not None and c.user_id == bot.id
    ]
    demo.write_up(f"Sign-up replies on {community}#{signup}", "\n\n---\n\n".join(replies))
