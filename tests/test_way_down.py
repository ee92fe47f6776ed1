"""The way down end to end: deliveries over HTTP into the service, the daily pass on a clock the test moves,
every write through the real GitHub client to the stand-in (checked against GitHub's REST description).

In the sample organisation (kubernetes ladder) maria, lena and sam keep contributing; omar, an approver
and reviewer of widgets' pkg/controller, stopped over a year ago. The first daily pass gives omar one
notice on the `Inactivity notices` issue; after the grace period one pull request per roster file moves
him to `emeritus_approvers` and out of `reviewers`, byte for byte; nothing is merged by Ladder.
"""

from __future__ import annotations

import difflib
import json
from datetime import datetime, timedelta, timezone

import pytest

from app.demo import sample
from app.promotion import way_down
from app.promotion.setup import org_setup
from app.server.web import PROCESSING
from app.stand_in import webhooks
from app.stand_in.state import ChangedFile
from app.store import way_down as store
from tests.conftest_github import check_violations
from tests.world import start_world, stop_world

ORG = sample.ORG
COMMUNITY, CODE = sample.COMMUNITY_REPO, sample.CODE_REPO
TITLE = "Inactivity notices"

CONTROLLER_AFTER = """\
# Controller owners: review and approve changes under pkg/controller.
options:
  no_parent_owners: false

approvers:
emeritus_approvers:
  - omar
reviewers:
  - sam   # joined in the spring cohort
labels:
  - area/controller
"""

ROOT_AFTER = """\
# See the OWNERS docs at https://go.k8s.io/owners

approvers:
  - maria
emeritus_approvers:
  - omar
reviewers:
  - lena
  - maria
"""


@pytest.fixture
async def world(tmp_path, app_key):
    w = await start_world(tmp_path, app_key)
    yield w
    await stop_world(w)
    check_violations(w.stand_in)


def context(world):
    return world.service.server.app[PROCESSING].make_context("test")


async def setup_of(world):
    return await org_setup(context(world), ORG)


async def story(world, now, *, active=("maria", "lena", "sam", "alice", "bob", "dev-priya", "dev-tomas", "dev-wen")):
    """Installed; everyone in `active` commented ten times in widgets this year, omar three times long ago."""
    await world.deliver([webhooks.installation_created(world.state, sample.INSTALLATION_ID, sender="maria")])
    issue = world.state.add_issue(CODE, title="Design notes", author="maria", at=now - timedelta(days=500))
    deliveries = []
    for login in active:
        for i in range(10):
            deliveries += world.act.comment(CODE, issue.number, login, f"note {i}", at=now - timedelta(days=30 + i))
    for i in range(3):
        deliveries += world.act.comment(CODE, issue.number, "omar", f"old note {i}", at=now - timedelta(days=400 + i))
    await world.deliver(deliveries)
    return issue


def notices_issue(world):
    issues = [i for i in world.issues_by_app(COMMUNITY) if i.title == TITLE]
    assert len(issues) == 1, [i.title for i in world.issues_by_app(COMMUNITY)]
    return issues[0]


def notice_comments(world, login):
    return [c for c in world.comments(COMMUNITY, notices_issue(world).number) if c.body.startswith(f"### @{login}:")]


async def daily(world, now):
    ctx = context(world)
    report = await way_down.daily_pass(ctx, await org_setup(ctx, ORG), now)
    await world.settle()
    return report


async def test_notice_then_grace_then_one_pull_request_per_roster_file(world):
    now = datetime.now(timezone.utc)
    await story(world, now)
    report = await daily(world, now)
    # omar is a member and holds approver and reviewer over the repository (the root OWNERS) and again in
    # pkg/controller's: judged once, over the widest scope, and proposed off both files;
    # mallory, a member who never did anything Ladder saw, is not known to Ladder as an account: left out
    assert sorted(report.noticed) == ["omar", "omar", "omar"], report
    (issue,) = [notices_issue(world)]
    assert issue.state == "open"
    comments = notice_comments(world, "omar")
    assert len(comments) == 3
    text = "\n".join(c.body for c in comments)
    assert "approver in `sample-org/widgets`" in text
    assert "Counted over the last 12 months" in text
    propose_on = now + timedelta(days=30)
    assert f"On **{propose_on.day} {propose_on:%b %Y}** Ladder will propose moving @omar from `approvers` to" in text
    assert "/ladder keep @omar <reason>" in text

    # The next days: no second notice (a later pass, a redelivery of everything, a restart of the worker).
    await daily(world, now + timedelta(days=1))
    await world.redeliver_everything()
    await daily(world, now + timedelta(days=2))
    assert len(notice_comments(world, "omar")) == 3
    assert len([i for i in world.issues_by_app(COMMUNITY) if i.title == TITLE]) == 1
    assert world.pulls_by_app(CODE) == []

    # The grace period passes without activity: the change is proposed, one pull request per file.
    report = await daily(world, now + timedelta(days=31))
    assert sorted(report.proposed) == ["omar", "omar", "omar"]
    pulls = world.pulls_by_app(CODE)
    assert sorted(p.pull.head_ref for p in pulls) == ["ladder/way-down-owners", "ladder/way-down-pkg-controller-owners"]
    repo = world.state.repo(CODE)
    controller = next(p for p in pulls if p.pull.head_ref.endswith("pkg-controller-owners"))
    after = repo.file("pkg/controller/OWNERS", controller.pull.head_ref).decode()
    assert after == CONTROLLER_AFTER, "".join(
        difflib.unified_diff(sample.CONTROLLER_OWNERS.splitlines(True), after.splitlines(True))
    )
    root = next(p for p in pulls if p.pull.head_ref == "ladder/way-down-owners")
    assert repo.file("OWNERS", root.pull.head_ref).decode() == ROOT_AFTER
    assert "**@omar** (approver in `sample-org/widgets`)" in controller.body
    assert "Ladder never merges this pull request" in controller.body
    assert all(p.state == "open" and p.pull.merged_at is None for p in pulls)
    assert all("Proposed on" in c.body for c in notice_comments(world, "omar"))
    # his membership is for an org admin: one issue listing him
    (members,) = [i for i in world.issues_by_app(COMMUNITY) if i.title.startswith("Inactive organisation members")]
    assert members.title == "Inactive organisation members: 1 to review"
    assert "- [ ] @omar: noticed" in members.body

    # Another pass proposes nothing new and edits nothing.
    writes = len(world.stand_in.requests)
    await daily(world, now + timedelta(days=32))
    assert [r.method for r in world.stand_in.requests[writes:] if r.method != "GET"] == []

    # People merge both: omar is off the rosters, his notices end (the membership one waits for an admin).
    # (The stand-in merges by copying the branch's files, so the second is landed as GitHub's three-way
    # merge would: its one file on top of the first.)
    await world.deliver(world.act.merge_branch(CODE, controller.number, by="maria"))
    before = repo.branches[repo.default_branch]
    commit = world.state.commit(CODE, repo.default_branch, {"OWNERS": ROOT_AFTER}, message="Merge", author="maria")
    push = world.state.push_payload(
        repo, repo.default_branch, before, commit, [ChangedFile("OWNERS")], world.state.user("maria")
    )
    await world.deliver([("push", push)])
    status = {r.level: r.status for r in store.of_org(world.db, ORG)}
    assert status == {"approver": "ended", "reviewer": "ended", "member": "proposed"}
    assert sum("**Closed on" in c.body for c in notice_comments(world, "omar")) == 2


async def test_report_org_inactive_lists_at_risk_in_grace_and_proposed(world, capsys, monkeypatch):
    from app.cli import main
    from tests.stores import cli_args

    now = datetime.now(timezone.utc)
    issue = await story(world, now, active=("maria", "lena", "sam", "alice", "bob", "dev-priya", "dev-tomas"))
    # dev-wen, a member, last contributed 340 days ago: within the rules today, not in 30 days
    await world.deliver(world.act.comment(CODE, issue.number, "dev-wen", "old", at=now - timedelta(days=340)))
    await daily(world, now)
    args = [
        "report",
        "org",
        ORG,
        "--inactive",
        "--format",
        "json",
        *cli_args(world.service.settings.database, monkeypatch),
    ]

    def report():
        assert main(args) == 0
        return json.loads(capsys.readouterr().out)

    data = report()
    assert [(r["login"], r["level"]) for r in data["at_risk"]] == [("dev-wen", "member")]
    assert sorted((n["login"], n["level"], n["status"]) for n in data["notices"]) == [
        ("omar", "approver", "notice"),
        ("omar", "member", "notice"),
        ("omar", "reviewer", "notice"),
    ]
    await daily(world, now + timedelta(days=31))
    data = report()
    proposed = {n["level"]: n for n in data["notices"] if n["status"] == "proposed"}
    assert set(proposed) == {"approver", "member", "reviewer"}
    assert proposed["approver"]["pull_request_url"].startswith("http")
    assert main([a for a in args if a not in ("--format", "json")]) == 0  # Markdown
    text = capsys.readouterr().out
    assert "## In grace" in text and "## Proposed" in text and "## At risk" in text


async def test_the_daily_service_runs_a_day_after_the_first_import_then_daily(world):
    from app.promotion.way_down_runner import DAY, WayDownRunner
    from app.store import backfill

    now = datetime.now(timezone.utc)
    await story(world, now)
    processing = world.service.server.app[PROCESSING]
    clock = [now.timestamp()]
    runner = WayDownRunner(processing.make_context, clock=lambda: clock[0])
    assert await runner.step() is False  # no history import yet: everyone would look inactive
    await world.history.step()
    first = backfill.first_finished_at(world.db)
    assert first is not None
    clock[0] = datetime.fromisoformat(first.replace("Z", "+00:00")).timestamp() + DAY - 60
    assert await runner.step() is False  # not yet a day after it
    clock[0] += 120
    assert await runner.step() is True
    await world.settle()
    assert sorted(runner.last_report[ORG].noticed) == ["omar", "omar", "omar"]
    assert await runner.step() is False  # once a day
    clock[0] += DAY
    assert await runner.step() is True
    assert runner.last_report[ORG].noticed == []
    await world.settle()
    assert len(notice_comments(world, "omar")) == 3
