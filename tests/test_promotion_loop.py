"""Issue 4's scenario end to end: deliveries over HTTP into the service, every write through the real
GitHub client to the stand-in (each request validated against GitHub's REST description).

A mentee crosses the reviewer bar → exactly one progress comment, edited in place; one readiness issue;
an ineligible and an eligible +1; an unauthorised and an authorised /ladder approve; the OWNERS pull
request's file byte for byte; the merge push promotes; redelivering everything changes nothing.
"""

from __future__ import annotations

import difflib
from datetime import datetime, timezone

import pytest

from app.demo import sample, story
from app.stand_in import webhooks
from tests.conftest_github import check_violations
from tests.stores import cli_args
from tests.world import make_approvable, start_world, stop_world

ORG = sample.ORG
COMMUNITY, CODE = sample.COMMUNITY_REPO, sample.CODE_REPO
SCOPE = f"{ORG}/widgets/pkg/controller"
TITLE = f"alice is ready for reviewer in {SCOPE}"

EXPECTED_OWNERS = """\
# Controller owners: review and approve changes under pkg/controller.
options:
  no_parent_owners: false

approvers:
  - omar
reviewers:
  - alice
  - omar
  - sam   # joined in the spring cohort
labels:
  - area/controller
"""


@pytest.fixture
async def world(tmp_path, app_key):
    w = await start_world(tmp_path, app_key)
    yield w
    await stop_world(w)
    check_violations(w.stand_in)


def progress_comments(world, login: str):
    return [c for c in world.comments(COMMUNITY, sample.TRACKING_ISSUE) if f"### @{login} →" in c.body]


def readiness_issue(world):
    issues = [i for i in world.issues_by_app(COMMUNITY) if i.title == TITLE]
    assert len(issues) == 1, [i.title for i in world.issues_by_app(COMMUNITY)]
    return issues[0]


def replies_to(world, number: int, login: str):
    return [c for c in world.comments(COMMUNITY, number) if f"@{login}" in c.body.split(".")[0]]


async def test_a_mentee_crosses_the_reviewer_bar_and_is_promoted(world):
    now = datetime.now(timezone.utc)
    await world.deliver([webhooks.installation_created(world.state, sample.INSTALLATION_ID, sender="maria")])

    # Alice's first primary reviews: working, and exactly one progress comment.
    history = story.alice_history(world.act, now)
    first, rest = history[:12], history[12:]
    await world.deliver(first)
    (comment,) = progress_comments(world, "alice")
    assert "**Working toward it.**" in comment.body
    edits_before = world.state.count_writes("PATCH", f"/repos/{COMMUNITY}/issues/comments/*")

    await world.deliver(rest)
    (comment_after,) = progress_comments(world, "alice")
    assert comment_after.id == comment.id  # edited in place, never a second comment
    assert world.state.count_writes("PATCH", f"/repos/{COMMUNITY}/issues/comments/*") > edits_before
    assert (
        "| ✅ | Primary reviewer for at least 5 PRs to sample-org/widgets/pkg/controller | 5 / 5" in comment_after.body
    )
    assert (
        "| ✅ | Reviewed or merged at least 20 substantial PRs to sample-org/widgets/pkg/controller | 20 / 20"
        in comment_after.body
    )

    # One readiness issue, with the evidence, the checklist and the sponsor rule.
    issue = readiness_issue(world)
    assert issue.state == "open"
    assert "- [ ] Knowledgeable about the codebase" in issue.body
    assert "1 sponsor who is approver of `sample-org/widgets/pkg/controller`" in issue.body
    assert "Who qualifies: @maria, @omar." in issue.body  # maria approves the whole repository
    assert "No sponsor yet." in issue.body

    # An ineligible +1 (mallory is a member, not an approver) and an eligible one (omar).
    await world.deliver(world.act.comment(COMMUNITY, issue.number, "mallory", "+1"))
    (reply,) = replies_to(world, issue.number, "mallory")
    assert reply.body.startswith("Thank you, @mallory. Your sponsorship is noted but does not count toward the rule")
    assert "Who qualifies: @maria, @omar." in reply.body
    await world.deliver(world.act.comment(COMMUNITY, issue.number, "omar", "Great work.\n+1"))
    issue = readiness_issue(world)
    assert "- @mallory: ❌ does not count: does not hold approver over sample-org/widgets/pkg/controller" in issue.body
    assert "- @omar: ✅ counts" in issue.body
    assert replies_to(world, issue.number, "omar") == []  # a counted sponsor needs no reply

    # Mentors tick the checklist on GitHub; Ladder reads it back and keeps it when it edits the body.
    ticked = issue.body.replace("- [ ] Knowledgeable about the codebase", "- [x] Knowledgeable about the codebase")
    await world.deliver(world.act.edit_issue_body(COMMUNITY, issue.number, ticked, by="omar"))
    assert world.db.execute("SELECT ticked FROM readiness").fetchone()[0] == '["knowledgeable"]'

    # An unauthorised /ladder approve changes nothing; omar's (an approver of the scope) opens the PR.
    await world.deliver(world.act.comment(COMMUNITY, issue.number, "mallory", "/ladder approve"))
    (refusal,) = [c for c in world.comments(COMMUNITY, issue.number) if "can only be used by" in c.body]
    assert refusal.body.startswith("@mallory, `/ladder approve` can only be used by an approver of the scope")
    assert "Who may: @lena, @maria, @omar." in refusal.body  # lena: a cohort mentor who is a reviewer
    assert world.pulls_by_app(CODE) == []

    await world.deliver(world.act.comment(COMMUNITY, issue.number, "omar", "/ladder approve"))
    (pr,) = world.pulls_by_app(CODE)
    assert pr.title == "Add alice as reviewer of sample-org/widgets/pkg/controller"
    branch = pr.pull.head_ref
    assert world.state.repo(CODE).file("pkg/controller/OWNERS", branch).decode() == EXPECTED_OWNERS
    changed = world.state.diff(world.state.repo(CODE), "main", branch)
    assert [f.path for f in changed] == ["pkg/controller/OWNERS"]  # nothing else in the repository
    before = world.state.repo(CODE).file("pkg/controller/OWNERS", "main").decode()
    lines = [
        l
        for l in difflib.unified_diff(before.splitlines(), EXPECTED_OWNERS.splitlines(), lineterm="", n=0)
        if l[:1] in "+-" and not l.startswith(("+++", "---"))
    ]
    assert lines == ["+  - alice"]
    issue = readiness_issue(world)
    assert f"The roster pull request is open: https://github.com/{CODE}/pull/{pr.number}" in issue.body
    assert "- [x] Knowledgeable about the codebase" in issue.body

    # The merge: the push to main promotes alice; she is thanked, the issue closes, progress moves on.
    await world.deliver(world.act.merge_branch(CODE, pr.number, by="omar"))
    issue = readiness_issue(world)
    assert issue.state == "closed"
    assert issue.body.startswith("🎉 @alice is now **Reviewer** in `sample-org/widgets/pkg/controller`")
    thanks = [c for c in world.comments(COMMUNITY, issue.number) if c.body.startswith("🎉 @alice is now **reviewer**")]
    assert len(thanks) == 1
    (progress,) = progress_comments(world, "alice")
    assert progress.id == comment.id
    assert "### @alice → Approver in `sample-org/widgets/pkg/controller`" in progress.body
    # The promotion is the readiness row's; the evaluation keeps what the numbers say.
    assert world.db.execute("SELECT status FROM readiness WHERE level = 'reviewer'").fetchone()[0] == "promoted"
    assert (
        world.db.execute(
            "SELECT state FROM evaluations WHERE level = 'reviewer' AND scope = ? AND person_id = ?",
            [SCOPE, world.state.user("alice").id],
        ).fetchone()[0]
        == "ready"
    )

    # GitHub's "Redeliver" on every delivery of the story changes nothing on GitHub's side.
    writes = world.state.count_writes()
    await world.redeliver_everything()
    assert world.state.count_writes() == writes


async def test_history_imported_on_install_reaches_the_progress_comment(world):
    """No deliveries for the past: the history is in GitHub, installing the app imports it (GraphQL),
    and the evaluations it changes produce the same comment and readiness issue as live deliveries."""
    story.alice_history(world.act, datetime.now(timezone.utc))  # the deliveries are dropped: never sent
    await world.deliver([webhooks.installation_created(world.state, sample.INSTALLATION_ID, sender="maria")])
    assert world.comments(COMMUNITY, sample.TRACKING_ISSUE) == []
    await world.history.step()
    await world.settle()
    (comment,) = progress_comments(world, "alice")
    assert "| ✅ | Primary reviewer for at least 5 PRs to sample-org/widgets/pkg/controller | 5 / 5" in comment.body
    assert (
        "| ✅ | Reviewed or merged at least 20 substantial PRs to sample-org/widgets/pkg/controller | 20 / 20"
        in comment.body
    )
    assert readiness_issue(world).state == "open"


async def test_a_roster_change_made_by_people_moves_the_progress_comment_on(world):
    """Rosters change outside Ladder too: an approver adds bob to OWNERS by hand. The push re-reads the
    rosters, and bob's progress comment moves on to the next level."""
    now = datetime.now(timezone.utc)
    await world.deliver([webhooks.installation_created(world.state, sample.INSTALLATION_ID, sender="maria")])
    await world.deliver(story.others_history(world.act, now))
    (comment,) = progress_comments(world, "bob")
    assert "### @bob → Reviewer in `sample-org/widgets/pkg/controller`" in comment.body

    owners = world.state.repo(CODE).file("pkg/controller/OWNERS", "main").decode()
    world.state.commit(
        CODE,
        "add-bob",
        {"pkg/controller/OWNERS": owners.replace("  - omar\n  - sam", "  - bob\n  - omar\n  - sam")},
        message="Add bob as reviewer",
        author="omar",
    )
    pr = world.state.open_pull_request(CODE, head="add-bob", base="main", title="Add bob", body=None, author="omar")
    await world.deliver(world.act.merge_branch(CODE, pr.number, by="omar"))
    (comment,) = progress_comments(world, "bob")
    assert "### @bob → Approver in `sample-org/widgets/pkg/controller`" in comment.body
    assert (
        world.db.execute("SELECT count(*) FROM holdings WHERE login = 'bob' AND level = 'reviewer'").fetchone()[0] == 1
    )


async def test_falling_below_a_requirement_is_said_on_the_issue_without_closing_it(world):
    """A reviewed PR relabelled kind/cleanup stops being substantial: alice has 19 of 20. The readiness
    issue stays open and says so; when the label goes, the note goes. Nothing is closed or reopened."""
    await world.deliver([webhooks.installation_created(world.state, sample.INSTALLATION_ID, sender="maria")])
    await world.deliver(story.alice_history(world.act, datetime.now(timezone.utc)))
    issue = readiness_issue(world)
    number = 7  # one of the PRs alice reviewed after lena's /lgtm
    pr = world.state.repo(CODE).issues[number]

    pr.labels.append("kind/cleanup")
    await world.deliver([webhooks.pull_request(world.state, CODE, number, "labeled", sender="lena")])
    issue = readiness_issue(world)
    assert issue.state == "open"
    assert "no longer meets every automatic requirement" in issue.body
    assert (
        "| ⬜ | Reviewed or merged at least 20 substantial PRs to sample-org/widgets/pkg/controller | 19 / 20"
        in issue.body
    )
    assert world.db.execute("SELECT status, below_since IS NOT NULL FROM readiness").fetchone() == ("open", 1)

    pr.labels.remove("kind/cleanup")
    await world.deliver([webhooks.pull_request(world.state, CODE, number, "unlabeled", sender="lena")])
    issue = readiness_issue(world)
    assert "no longer meets" not in issue.body
    assert world.db.execute("SELECT status, below_since FROM readiness").fetchone() == ("open", None)
    patches = [
        r
        for r in world.stand_in.requests_to("PATCH", f"/repos/{COMMUNITY}/issues/{issue.number}")
        if "state" in (r.body or {}) and r.body["state"] != "open"
    ]
    assert patches == []  # never closed on the way


async def test_hold_stops_approval_until_unhold(world):
    await world.deliver([webhooks.installation_created(world.state, sample.INSTALLATION_ID, sender="maria")])
    await world.deliver(story.alice_history(world.act, datetime.now(timezone.utc)))
    issue = readiness_issue(world)
    await make_approvable(world, COMMUNITY, issue.number)
    await world.deliver(world.act.comment(COMMUNITY, issue.number, "lena", "/ladder hold"))
    assert readiness_issue(world).body.startswith("⏸️ On hold by @lena.")
    await world.deliver(world.act.comment(COMMUNITY, issue.number, "omar", "/ladder approve"))
    assert world.pulls_by_app(CODE) == []
    assert any(
        c.body.startswith("This readiness issue is on hold (by @lena)") for c in world.comments(COMMUNITY, issue.number)
    )
    await world.deliver(world.act.comment(COMMUNITY, issue.number, "lena", "/ladder unhold"))
    await world.deliver(world.act.comment(COMMUNITY, issue.number, "omar", "Now.\n/ladder approve"))
    assert len(world.pulls_by_app(CODE)) == 1


async def test_an_organisation_in_dry_run_sees_every_planned_write_and_github_sees_none(world, capsys, monkeypatch):
    """`dry_run: true` in ladder.yml: Ladder plans exactly what it would do, shows it in `ladder status` and on
    the dashboard, and writes nothing to GitHub."""
    from app.cli import main as ladder

    config = world.state.repo(sample.CONFIG_REPO).file(".github/ladder.yml").decode()
    world.state.commit(
        sample.CONFIG_REPO,
        "main",
        {".github/ladder.yml": config.replace("owners_pr: after_approval", "owners_pr: after_approval\ndry_run: true")},
        message="Watch first",
    )
    await world.deliver([webhooks.installation_created(world.state, sample.INSTALLATION_ID, sender="maria")])
    await world.deliver(story.alice_history(world.act, datetime.now(timezone.utc)))

    assert world.state.count_writes() == 0
    planned = world.db.execute("SELECT kind, key FROM outbox WHERE status = 'planned' ORDER BY kind").fetchall()
    assert [kind for kind, _ in planned] == ["comment", "issue"]  # alice's progress comment, her readiness issue

    assert ladder(["status", "alice", *cli_args(world.service.settings.database, monkeypatch)]) == 0
    out = capsys.readouterr().out
    assert out.count("dry-run: recorded, not sent") == 2
    async with world.service.session.get(world.service.url("/")) as resp:
        page = await resp.text()
    assert page.count('<tr class="effect" data-status="planned">') == 2


async def test_a_command_refused_for_a_broken_ladder_yml_says_what_is_wrong(world):
    config = world.state.repo(sample.CONFIG_REPO).file(".github/ladder.yml").decode()
    world.state.commit(
        sample.CONFIG_REPO,
        "main",
        {".github/ladder.yml": config.replace("owners_pr: after_approval", "owners_pr: sometimes")},
        message="Typo",
    )
    await world.deliver([webhooks.installation_created(world.state, sample.INSTALLATION_ID, sender="maria")])
    await world.deliver(world.act.comment(COMMUNITY, sample.TRACKING_ISSUE, "alice", "/ladder status"))
    (reply,) = world.comments(COMMUNITY, sample.TRACKING_ISSUE)
    assert reply.body.startswith("Ladder cannot act on this command: the organisation's `ladder.yml` has problems.")
    line = config.splitlines().index("owners_pr: after_approval") + 1
    assert f"sample-org/.github:.github/ladder.yml:{line}: " in reply.body
