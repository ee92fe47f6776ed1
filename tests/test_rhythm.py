"""The cohort's rhythm end to end (issue 11, PRODUCT.md §5): `/checkin` through the service over HTTP,
acknowledged with a 👍 through the real GitHub client on the stand-in, one per mentee and week; the weekly
digest on the cohort's `checkin_day`, one comment per week across restarts and redeliveries and none for
missed weeks; the mid-term comment once.

The sample cohort (app/demo/sample.py) started 80 days ago and ends in 10, checks in on Tuesdays (UTC),
mentees alice, bob and carol, mentors omar and lena.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime, time, timedelta, timezone

import pytest

from app.context import Context
from app.demo import sample, story
from app.evaluations import Evaluator
from app.promotion import digest
from app.promotion.digest_runner import DigestRunner
from app.promotion.setup import org_setup
from app.server.web import PROCESSING
from app.server.worker import Worker
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


def pr(world, author, opened, acts, *, merged=None):
    """A pull request in the cohort's scope: opened at `opened`, each (login, act, at), merged at `merged`."""
    number, out = world.act.open_pull_request(CODE, author, at=opened, lines=60)
    for login, kind, at in acts:
        if kind == "lgtm":
            out += world.act.comment(CODE, number, login, "/lgtm", at=at)
        else:
            out += world.act.review(CODE, number, login, state="COMMENTED", at=at)
    if merged is not None:
        out += world.act.merge_history(CODE, number, at=merged, by="omar")
    return number, out


async def hand_built_week(world, t: datetime):
    """The week before Tuesday `t`: alice gives the first /lgtm on #a and reviews #b (both merged); carol's
    #c is merged;
    bob's #d waits 10 days without a review and he does nothing this week. alice and carol check in."""
    await installed(world)
    a, da = pr(world, "dev-priya", t - timedelta(days=3), [("alice", "lgtm", t - timedelta(days=3, hours=-6))],
               merged=t - timedelta(days=1))  # fmt: skip
    b, db = pr(world, "dev-tomas", t - timedelta(days=2),
               [("lena", "lgtm", t - timedelta(days=2, hours=-2)), ("alice", "review", t - timedelta(days=2, hours=-6))],
               merged=t - timedelta(hours=20))  # fmt: skip
    c, dc = pr(world, "carol", t - timedelta(days=4), [("lena", "lgtm", t - timedelta(days=4, hours=-3))],
               merged=t - timedelta(days=2))  # fmt: skip
    d, dd = pr(world, "bob", t - timedelta(days=10), [])
    await world.deliver(da + db + dc + dd)
    await checkin(world, "alice", "/checkin\nAccomplishments: reviewed #%d\nChallenges: <script>@lena</script>" % b,
                  t - timedelta(hours=1))  # fmt: skip
    await checkin(world, "carol", "/checkin\nmy first merge", t - timedelta(days=1))
    return a, b, c, d


DIGEST = """\
## Weekly digest · widgets-controller-reviewers · {week}

{first} to {last} · 3 mentees · check-ins: 2 of 3

### `alice` → Reviewer in `sample-org/widgets/pkg/controller`

**Progress:** 1 of 3 requirements met: still Primary reviewer for at least 5 PRs to sample-org/widgets/pkg/controller \
1/5; Reviewed or merged at least 20 substantial PRs to sample-org/widgets/pkg/controller 2/20

**This week:** 0 merged PRs · 2 reviews ([widgets#{a}]({web}/sample-org/widgets/pull/{a}#issuecomment-{lgtm}), \
[widgets#{b}]({web}/sample-org/widgets/pull/{b}#pullrequestreview-{review})) · 1 primary review \
([widgets#{a}]({web}/sample-org/widgets/pull/{a}#issuecomment-{lgtm}))

**Check-in** ([comment]({web}/sample-org/community/issues/1#issuecomment-{alice_checkin})):

> **Accomplishments:** reviewed #{b}
> **Challenges:** &lt;script&gt;@&#8203;lena&lt;/script&gt;

**Looks stuck:** nothing

### `bob` → Reviewer in `sample-org/widgets/pkg/controller`

**Progress:** 0 of 3 requirements met: still Member for 3 months (member since {bob_since} · will be met on \
{bob_met}); Primary reviewer for at least 5 PRs to sample-org/widgets/pkg/controller 0/5; Reviewed or merged at \
least 20 substantial PRs to sample-org/widgets/pkg/controller 0/20

**This week:** 0 merged PRs · 0 reviews · 0 primary reviews

**Check-in:** no check-in yet

**Looks stuck:** [widgets#{d}]({web}/sample-org/widgets/pull/{d}) has waited for a review since {d_opened} (10 days); \
no activity this week

### `carol` → Member in `sample-org`, on the way to Reviewer

**Progress:** 1 of 3 requirements met: still At least 10 contributions to sample-org in the last 6 months 2/10; \
Contributing to sample-org for 1 month (contributing since {c_opened} · will be met on {carol_met})

**This week:** 1 merged PR ([widgets#{c}]({web}/sample-org/widgets/pull/{c})) · 0 reviews · 0 primary reviews

**Check-in** ([comment]({web}/sample-org/community/issues/1#issuecomment-{carol_checkin})):

> **Accomplishments:** my first merge

**Looks stuck:** nothing

<sub>Ladder · edited in place as check-ins arrive today · `/checkin` on this issue to check in</sub>

<!-- ladder:digest:sample-org:widgets-controller-reviewers:{week} -->"""


def words(d) -> str:
    return f"{d.day} {d:%b %Y}"


def add_months(d, months: int):
    month = d.month - 1 + months
    return d.replace(year=d.year + month // 12, month=month % 12 + 1)


def iso_week(d) -> str:
    year, week, _ = d.isocalendar()
    return f"{year}-W{week:02d}"


def ids_of(world, number, kind):
    issue = world.state.repo(CODE).issues[number]
    return [c.id for c in issue.comments] if kind == "comment" else [r.id for r in issue.pull.reviews]


async def test_the_digest_of_a_hand_built_week(world):
    t = last_tuesday(datetime.now(timezone.utc))
    a, b, c, d = await hand_built_week(world, t)
    runner = DigestRunner(world.service.server.app[PROCESSING].make_context, clock=lambda: t.timestamp())
    await runner.step()
    await world.settle()
    (comment,) = digests(world)
    checkins_by = {
        login: [x.id for x in world.comments(COMMUNITY, TRACKING, by_app=False) if x.body.startswith("/checkin")
                and x.user_id == world.state.user(login).id][-1]
        for login in ("alice", "carol")
    }  # fmt: skip
    now = datetime.now(timezone.utc)
    bob_since = (now - timedelta(days=40)).date()  # sample.ladder_yml's members_since
    expected = DIGEST.format(
        week=iso_week(t.date()),
        first=words(t.date() - timedelta(days=6)),
        last=words(t.date()),
        web=world.service.settings.github_api_url.rstrip("/"),
        a=a,
        b=b,
        c=c,
        d=d,
        lgtm=ids_of(world, a, "comment")[0],
        review=ids_of(world, b, "review")[0],
        alice_checkin=checkins_by["alice"],
        carol_checkin=checkins_by["carol"],
        bob_since=words(bob_since),
        bob_met=words(add_months(bob_since, 3)),
        d_opened=words((t - timedelta(days=10)).date()),
        c_opened=words((t - timedelta(days=4)).date()),
        carol_met=words(add_months((t - timedelta(days=4)).date(), 1)),
    )
    assert comment.body == expected


async def test_one_digest_per_week_across_restarts_redeliveries_and_checkins_that_day(world):
    t = last_tuesday(datetime.now(timezone.utc))
    await hand_built_week(world, t)
    make_context = world.service.server.app[PROCESSING].make_context
    await DigestRunner(make_context, clock=lambda: t.timestamp()).step()
    await world.settle()
    (first,) = digests(world)
    assert "`bob` → Reviewer" in first.body and "**Check-in:** no check-in yet" in first.body
    # bob checks in later that day: the same comment, edited in place
    await checkin(world, "bob", "/checkin\nChallenges: my PR waits for a review", t + timedelta(hours=1))
    (edited,) = digests(world)
    assert edited.id == first.id and "**Check-in:** no check-in yet" not in edited.body
    assert "> **Challenges:** my PR waits for a review" in edited.body
    assert "check-ins: 3 of 3" in edited.body
    # a new process on the same database file: its own connection, empty caches
    settings = world.service.settings
    db = open_database(settings.database, migrate_schema=False, durable=False)
    try:
        github = world.service.server.app[PROCESSING].github

        def fresh(delivery_id):
            return Context(db=db, settings=settings, github=github, delivery_id=delivery_id, evaluator=Evaluator(db))

        await DigestRunner(fresh, clock=lambda: (t + timedelta(hours=3)).timestamp()).step()
    finally:
        db.close()
    await world.settle()
    await world.redeliver_everything()
    (after,) = digests(world)
    assert after.id == first.id and after.body == edited.body


async def test_no_digest_off_day_and_none_back_filled_for_missed_weeks(world):
    t = last_tuesday(datetime.now(timezone.utc))
    await installed(world)
    clock = [t - timedelta(days=14)]
    runner = DigestRunner(world.service.server.app[PROCESSING].make_context, clock=lambda: clock[0].timestamp())
    await runner.step()
    await world.settle()
    assert [c.body.splitlines()[0] for c in digests(world)] == [
        f"## Weekly digest · widgets-controller-reviewers · {iso_week(clock[0].date())}"
    ]
    clock[0] = t - timedelta(days=13)  # the Wednesday after: no digest
    await runner.step()
    await world.settle()
    assert len(digests(world)) == 1
    clock[0] = t  # the service was down the Tuesday in between: that week gets none, later or now
    await runner.step()
    await world.settle()
    assert [c.body.splitlines()[0] for c in digests(world)] == [
        f"## Weekly digest · widgets-controller-reviewers · {iso_week((t - timedelta(days=14)).date())}",
        f"## Weekly digest · widgets-controller-reviewers · {iso_week(t.date())}",
    ]


def midterms(world):
    return [c for c in world.comments(COMMUNITY, TRACKING) if "<!-- ladder:midterm:" in c.body]


async def test_the_mid_term_comment_marks_each_mentee_once(world):
    now = datetime.now(timezone.utc)
    await installed(world)
    await world.deliver(story.alice_history(world.act, now) + story.others_history(world.act, now))
    make_context = world.service.server.app[PROCESSING].make_context
    runner = DigestRunner(make_context, clock=lambda: now.timestamp())
    await runner.step()
    await world.settle()
    assert midterms(world) == []  # before the first history import everyone would look at risk
    await world.history.step()
    await runner.step()
    await world.settle()
    (comment,) = midterms(world)
    text = comment.body
    assert text.startswith("## Mid-term · widgets-controller-reviewers\n")
    # alice has met the reviewer bar: on track; bob is short of the pace and his tenure ends after the term
    assert "| `alice` | Reviewer in `sample-org/widgets/pkg/controller` | ✅ on track |" in text
    (bob,) = [line for line in text.splitlines() if line.startswith("| `bob` |")]
    assert bob == (
        "| `bob` | Reviewer in `sample-org/widgets/pkg/controller` | ⚠️ at risk: Member for 3 months: not by the end of "
        "the term; Primary reviewer for at least 5 PRs to sample-org/widgets/pkg/controller 4/5 (pace asks 4.4); "
        "Reviewed or merged at least 20 substantial PRs to sample-org/widgets/pkg/controller 7/20 (pace asks 17.8) |"
    )  # 80 of 90 days gone: 5 × 0.89 = 4.4, 20 × 0.89 = 17.8; bob joined 40 days ago, 3 months ends after the term
    assert "89 % of the term is gone" in text and "2 of 3 mentees are on track" in text
    assert "Mentors @omar, @lena: please look at the mentees at risk." in text
    # again, and after a restart: never a second one
    await runner.step()
    await DigestRunner(make_context, clock=lambda: (now + timedelta(days=1)).timestamp()).step()
    await world.settle()
    assert [c.id for c in midterms(world)] == [comment.id]


async def test_ladder_digest_prints_the_digest_mentors_read(world, monkeypatch, capsys):
    from app.cli import main
    from app.cli.digest import digest_text

    t = last_tuesday(datetime.now(timezone.utc))
    await hand_built_week(world, t)
    await DigestRunner(world.service.server.app[PROCESSING].make_context, clock=lambda: t.timestamp()).step()
    await world.settle()
    (posted,) = digests(world)
    monkeypatch.setenv("GITHUB_API_URL", world.service.settings.github_api_url)
    db = open_database(world.service.settings.database, read_only=True)
    try:
        printed = await digest_text(db, sample.COHORT.upper(), now=t)
    finally:
        db.close()
    assert printed + f"\n\n<!-- ladder:{posted.body.rsplit('<!-- ladder:', 1)[1]}" == posted.body
    database = str(world.service.settings.database)
    if "://" in database:  # PostgreSQL: the CLI finds it through DATABASE_URL, as in production
        monkeypatch.setenv("DATABASE_URL", database)
        where = []
    else:
        where = ["--database", database]
    assert await asyncio.to_thread(main, ["digest", sample.COHORT, *where]) == 0
    assert capsys.readouterr().out.startswith(f"## Weekly digest · {sample.COHORT} · ")
    assert await asyncio.to_thread(main, ["digest", "nope", *where]) == 2
    assert "no cohort called 'nope' is known to Ladder" in capsys.readouterr().err


async def test_a_checkin_posted_after_a_digest_day_appears_in_the_next_digest(world):
    """Check-ins are kept per ISO week, a Tuesday digest covers Wednesday to Tuesday: the Thursday after one
    digest belongs to the next one (before, it appeared in none), the Tuesday before that to neither."""
    t = last_tuesday(datetime.now(timezone.utc))
    await installed(world)
    await checkin(world, "alice", "/checkin\nAccomplishments: too early for this digest", t - timedelta(days=7))
    await checkin(world, "alice", "/checkin\nAccomplishments: reviewed the scheduler PR", t - timedelta(days=5))
    await checkin(world, "carol", "/checkin\nAccomplishments: posted too early", t - timedelta(days=7, hours=1))
    runner = DigestRunner(world.service.server.app[PROCESSING].make_context, clock=lambda: t.timestamp())
    await runner.step()
    await world.settle()
    (comment,) = digests(world)
    assert "> **Accomplishments:** reviewed the scheduler PR" in comment.body
    assert "too early" not in comment.body


async def edit_comment(world, comment_id: int, body: str | None, at: datetime):
    """The author edits (or, with `body` None, deletes) their comment on GitHub; GitHub sends the event."""
    repo = world.state.repo(COMMUNITY)
    comment = repo.comments[comment_id]
    if body is None:
        delivery = webhooks.issue_comment(world.state, COMMUNITY, comment, action="deleted")
        del repo.comments[comment_id]
    else:
        comment.body, comment.updated_at = body, at
        delivery = webhooks.issue_comment(world.state, COMMUNITY, comment, action="edited")
    await world.deliver([delivery])
    return delivery


async def test_an_edited_checkin_is_read_again_and_a_deleted_one_withdrawn(world):
    t = last_tuesday(datetime.now(timezone.utc))
    await installed(world)
    alice = world.state.user("alice").id
    cid = await checkin(world, "alice", "/checkin\nAccomplishments: two reviws", t - timedelta(hours=2))
    await DigestRunner(world.service.server.app[PROCESSING].make_context, clock=lambda: t.timestamp()).step()
    await world.settle()
    (posted,) = digests(world)
    assert "> **Accomplishments:** two reviws" in posted.body
    older = await edit_comment(world, cid, "/checkin\nAccomplishments: two reviews\nChallenges: CI", t)
    await edit_comment(
        world, cid, "/checkin\nAccomplishments: two reviews\nChallenges: flaky CI", t + timedelta(minutes=5)
    )
    (kept,) = checkins.of_person(world.db, alice)
    assert (kept.comment_id, kept.accomplishments, kept.challenges) == (cid, "two reviews", "flaky CI")
    # today's digest is edited in place
    (after,) = digests(world)
    assert after.id == posted.id
    assert "> **Accomplishments:** two reviews" in after.body and "> **Challenges:** flaky CI" in after.body
    # GitHub redelivers the older edit after the newer one: nothing goes back
    await world.deliver([older])
    (kept,) = checkins.of_person(world.db, alice)
    assert kept.challenges == "flaky CI"
    # an edit to a comment that was never a check-in is not one
    other = await checkin(world, "carol", "thanks all", t - timedelta(hours=1))
    await edit_comment(world, other, "/checkin\nAccomplishments: added later", t + timedelta(minutes=6))
    assert checkins.of_person(world.db, world.state.user("carol").id) == []
    # deleted (that Tuesday, on the handlers' clock): withdrawn from the digest, and a redelivered `created`
    # does not bring it back
    (worker,) = [s for s in world.service.server.app[PROCESSING].services if isinstance(s, Worker)]
    make_context = worker.make_context
    worker.make_context = lambda delivery_id: replace(make_context(delivery_id), clock=lambda: t.timestamp() + 600)
    created = webhooks.issue_comment(world.state, COMMUNITY, world.state.repo(COMMUNITY).comments[cid])
    await edit_comment(world, cid, None, t + timedelta(minutes=7))
    assert checkins.of_person(world.db, alice) == []
    await world.deliver([created])
    assert checkins.of_person(world.db, alice) == []
    (last,) = digests(world)
    assert last.id == posted.id and "flaky CI" not in last.body


def configured(world, **replacements: str) -> str:
    """The sample's ladder.yml with `replacements` (old text: new text), committed before installation."""
    yml = sample.ladder_yml(datetime.now(timezone.utc))
    for old, new in replacements.items():
        assert old in yml
        yml = yml.replace(old, new)
    world.state.commit(sample.CONFIG_REPO, "main", {".github/ladder.yml": yml}, message="Ladder configuration")
    return yml


def line_of(yml: str, text: str) -> int:
    return next(n for n, line in enumerate(yml.splitlines(), 1) if text in line)


async def test_the_service_warns_once_per_load_about_a_mentor_below_the_target_and_a_mentee_at_it(world, caplog):
    from tests.test_promotion_rules import human_push

    more = {"mentors: [omar, lena]": "mentors: [omar, lena, dev-wen]"}
    yml = configured(world, **more, **{"mentees: [alice, bob, carol]": "mentees: [alice, bob, carol, sam]"})
    caplog.set_level("WARNING", logger="ladder.promotion")
    await installed(world)
    await world.deliver(story.alice_history(world.act, datetime.now(timezone.utc)))

    def warned() -> list[str]:
        return [
            r.getMessage() for r in caplog.records if r.name == "ladder.promotion" and "ladder.yml" in r.getMessage()
        ]

    where = f"{sample.CONFIG_REPO}:.github/ladder.yml"
    cohort, scope = f"cohort `{sample.COHORT}`", f"widgets/{sample.SCOPE_PATH}"
    mentor = (
        f"ladder.yml for {ORG}: {where}:{line_of(yml, 'mentors:')}: warning: `dev-wen`, a mentor of {cohort}, does "
        f"not hold `reviewer` (or a higher level) in {scope}: a mentor should hold the level the mentees work toward."
    )
    mentee = (
        f"ladder.yml for {ORG}: {where}:{line_of(yml, 'mentees:')}: warning: `sam`, a mentee of {cohort}, already "
        f"holds `reviewer` (or a higher level) in {scope}: there is nothing left to mentor them toward."
    )
    assert warned() == [mentor, mentee]  # one load, however many deliveries follow
    # The organisers mend the mentors: the configuration is loaded again and warns about what is left.
    caplog.clear()
    mended = yml.replace("mentors: [omar, lena, dev-wen]", "mentors: [omar, lena]")
    await world.deliver(human_push(world, sample.CONFIG_REPO, {".github/ladder.yml": mended}, by="maria"))
    assert warned() == [mentee]


async def test_a_mentee_below_the_level_under_the_target_climbs_through_it(world):
    """A cohort toward approver: bob (a member) works toward reviewer first, and his comment and the digest
    say it is on the way; sam, already a reviewer there, works toward approver itself."""
    configured(
        world,
        **{"target: reviewer": "target: approver", "mentees: [alice, bob, carol]": "mentees: [alice, bob, sam]"},
    )
    await installed(world)
    t = last_tuesday(datetime.now(timezone.utc))
    for login in ("bob", "sam"):
        _, opened = pr(
            world, login, t - timedelta(days=3), [("omar", "lgtm", t - timedelta(days=2))], merged=t - timedelta(days=1)
        )
        await world.deliver(opened)
    comments = {
        c.body.split(" →", 1)[0]: c.body for c in world.comments(COMMUNITY, TRACKING) if c.body.startswith("### @")
    }
    scope = f"`{ORG}/widgets/{sample.SCOPE_PATH}`"
    on_the_way = "This level is on the way to the cohort's target, **Approver**."
    assert comments["### @bob"].startswith(f"### @bob → Reviewer in {scope}\n**Working toward it.** Cohort ")
    assert on_the_way in comments["### @bob"]
    assert comments["### @sam"].startswith(f"### @sam → Approver in {scope}\n")
    assert on_the_way not in comments["### @sam"]
    await DigestRunner(world.service.server.app[PROCESSING].make_context, clock=lambda: t.timestamp()).step()
    await world.settle()
    (comment,) = digests(world)
    assert f"### `bob` → Reviewer in {scope}, on the way to Approver\n" in comment.body
    assert f"### `sam` → Approver in {scope}\n" in comment.body
