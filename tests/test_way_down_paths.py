"""The way down's other paths, end to end through the service and the stand-in: counted activity cancels a
notice (and nothing is proposed after the grace period), `/ladder keep` by an approver of the scope and
refused to anyone else, an OWNERS file that names only alias groups (OWNERS_ALIASES edited byte for
byte), a restart that gives no second notice, and a roster entry removed by hand (recorded as ended,
tenure restarting when the person is added again)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from app.context import Context
from app.demo import sample
from app.evaluations import Evaluator
from app.promotion import way_down
from app.promotion.setup import org_setup
from app.server.web import PROCESSING
from app.stand_in.state import ChangedFile
from app.store import holdings, open_database
from app.store import way_down as store
from tests.conftest_github import check_violations
from tests.test_way_down import CODE, COMMUNITY, ORG, context, daily, notice_comments, notices_issue, story
from tests.world import start_world, stop_world


@pytest.fixture
async def world(tmp_path, app_key):
    w = await start_world(tmp_path, app_key)
    yield w
    await stop_world(w)
    check_violations(w.stand_in)


def replies(world, login):
    return [c for c in world.comments(COMMUNITY, notices_issue(world).number) if c.body.startswith(f"@{login},")]


async def test_counted_activity_cancels_the_notice_and_nothing_is_proposed(world):
    now = datetime.now(timezone.utc)
    issue = await story(world, now)
    await daily(world, now)
    assert len(notice_comments(world, "omar")) == 3
    # omar comments once in widgets: every notice he has is cancelled, each comment edited to say so
    await world.deliver(world.act.comment(CODE, issue.number, "omar", "back from leave"))
    rows = store.of_org(world.db, ORG)
    assert {r.status for r in rows} == {"cancelled"}
    comments = notice_comments(world, "omar")
    assert len(comments) == 3
    assert all("**Cancelled on" in c.body and "Nothing will be proposed." in c.body for c in comments)
    # within the quiet time after a cancellation (the grace period) no notice comes again
    report = await daily(world, now + timedelta(days=20))
    assert report.noticed == [] and len(notice_comments(world, "omar")) == 3
    # after it: nothing was ever proposed; still below the yearly minimums, omar gets a notice of a new
    # spell as approver and reviewer (as a member his comment keeps him active)
    report = await daily(world, now + timedelta(days=31))
    assert report.proposed == [] and world.pulls_by_app(CODE) == []
    assert sorted(report.noticed) == ["omar", "omar"]
    assert [r.spell for r in store.of_org(world.db, ORG) if r.status == "notice"] == [2, 2]
    assert len(notice_comments(world, "omar")) == 5


async def test_ladder_keep_by_an_approver_and_refused_to_a_reviewer(world):
    now = datetime.now(timezone.utc)
    await story(world, now)
    await daily(world, now)
    number = notices_issue(world).number
    # sam is a reviewer: refused, told who may, nothing changes
    await world.deliver(world.act.comment(COMMUNITY, number, "sam", "/ladder keep @omar he is on leave"))
    (refusal,) = replies(world, "sam")
    assert refusal.body.startswith(
        "@sam, `/ladder keep @login <reason>` can only be used by an approver of the scope of the notice, "
        "so nothing was changed. Who may: "
    )
    assert "maria" in refusal.body
    assert {r.status for r in store.of_org(world.db, ORG)} == {"notice"}
    # maria approves pkg/controller (root OWNERS): kept, with her reason on each notice
    await world.deliver(world.act.comment(COMMUNITY, number, "maria", "/ladder keep @omar on leave until March"))
    (kept,) = replies(world, "maria")
    assert kept.body.startswith(
        "@maria, kept: the 3 inactivity notices for `omar` are cancelled and nothing will be proposed."
    )
    assert {r.status for r in store.of_org(world.db, ORG)} == {"kept"}
    assert all(
        "**Kept on" in c.body and "`maria`" in c.body and "on leave until March" in c.body
        for c in notice_comments(world, "omar")
    )
    # kept: nothing is proposed after the grace period, and no new notice within the level's window
    report = await daily(world, now + timedelta(days=40))
    assert report.proposed == [] and report.noticed == []
    assert world.pulls_by_app(CODE) == []
    # a second keep has nothing to keep
    await world.deliver(world.act.comment(COMMUNITY, number, "maria", "/ladder keep @omar again"))
    assert replies(world, "maria")[-1].body.startswith(
        "@maria, `omar` has no open inactivity notice, so nothing was changed."
    )


ALIAS_OWNERS = """\
# pkg/controller is owned by alias groups only
options:
  no_parent_owners: true
approvers:
  - controller-approvers
reviewers:
  - controller-reviewers
"""

ALIASES = """\
aliases:
  controller-approvers:
    - maria
    - omar
  controller-emeritus-approvers:
    - zed
  controller-reviewers:
    - maria
    - omar
    - sam
"""

ALIASES_AFTER = """\
aliases:
  controller-approvers:
    - maria
  controller-emeritus-approvers:
    - omar
    - zed
  controller-reviewers:
    - maria
    - sam
"""


async def test_an_alias_only_owners_file_edits_owners_aliases(world):
    now = datetime.now(timezone.utc)
    world.state.commit(CODE, "main", {"pkg/controller/OWNERS": ALIAS_OWNERS, "OWNERS_ALIASES": ALIASES}, author="maria")
    await story(world, now)
    await daily(world, now)
    await daily(world, now + timedelta(days=31))
    # omar is also an approver in the root OWNERS: judged over the whole repository (the widest scope he
    # holds it in), he is proposed off both files that list him, one pull request each.
    pulls = world.pulls_by_app(CODE)
    assert sorted(p.pull.head_ref for p in pulls) == ["ladder/way-down-owners", "ladder/way-down-owners-aliases"]
    (pull,) = [p for p in pulls if p.pull.head_ref == "ladder/way-down-owners-aliases"]
    repo = world.state.repo(CODE)
    assert repo.file("OWNERS_ALIASES", pull.pull.head_ref).decode() == ALIASES_AFTER
    assert repo.file("pkg/controller/OWNERS", pull.pull.head_ref).decode() == ALIAS_OWNERS  # untouched
    assert pull.title == "Ladder: 2 inactivity changes to OWNERS_ALIASES"
    assert pull.body.count("**@omar**") == 2


async def test_no_second_notice_after_a_restart(world):
    now = datetime.now(timezone.utc)
    await story(world, now)
    await daily(world, now)
    first = [c.id for c in notice_comments(world, "omar")]
    # a new process: its own connection and empty caches, the same database
    settings = world.service.settings
    db = open_database(settings.database, migrate_schema=False, durable=False)
    try:
        processing = world.service.server.app[PROCESSING]
        ctx = Context(
            db=db, settings=settings, github=processing.github, delivery_id="restart", evaluator=Evaluator(db)
        )
        report = await way_down.daily_pass(ctx, await org_setup(ctx, ORG), now + timedelta(hours=25))
    finally:
        db.close()
    await world.settle()
    assert report.noticed == []
    assert [c.id for c in notice_comments(world, "omar")] == first


def push_by_hand(world, path: str, text: str, at: datetime, by: str = "maria"):
    repo = world.state.repo(CODE)
    before = repo.branches[repo.default_branch]
    commit = world.state.commit(CODE, repo.default_branch, {path: text}, message=f"Edit {path}", author=by, at=at)
    return "push", world.state.push_payload(
        repo, repo.default_branch, before, commit, [ChangedFile(path)], world.state.user(by)
    )


async def test_removed_by_hand_is_recorded_and_tenure_restarts_when_added_again(world):
    now = datetime.now(timezone.utc)
    await story(world, now)
    await daily(world, now)
    scope = f"{ORG}/widgets/pkg/controller"
    (sam,) = [e for e in holdings.in_scope(world.db, ORG, "reviewer", scope) if e.login == "sam"]
    without = sample.CONTROLLER_OWNERS.replace("  - sam   # joined in the spring cohort\n", "")
    await world.deliver([push_by_hand(world, "pkg/controller/OWNERS", without, now + timedelta(days=1))])
    assert [e.login for e in holdings.in_scope(world.db, ORG, "reviewer", scope)] == ["lena", "maria", "omar"]
    (ended,) = [e for e in store.ends(world.db, ORG) if e.login == "sam"]
    assert (ended.level, ended.scope, ended.since) == ("reviewer", scope, sam.since)
    # added again: the tenure starts at the commit that added him back, not at the first one
    readd = now + timedelta(days=2)
    await world.deliver([push_by_hand(world, "pkg/controller/OWNERS", sample.CONTROLLER_OWNERS, readd)])
    (again,) = [e for e in holdings.in_scope(world.db, ORG, "reviewer", scope) if e.login == "sam"]
    assert again.since == readd.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert again.since >= ended.ended_at and again.since > sam.since
