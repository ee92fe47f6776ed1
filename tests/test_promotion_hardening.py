"""Issue 8's holes in the promotion loop, each driven through the real service over HTTP with the stand-in
as GitHub: comments built to make a regex quadratic (2), forged markers (3), a decision on a display list
(4), a GitHub failure taken for "not a member" (14)."""

from __future__ import annotations

import asyncio
import threading
import urllib.request
from datetime import datetime, timezone

import pytest

from app.demo import sample, story
from app.promotion.lifecycle import Status
from app.promotion.readiness_text import title
from app.stand_in import webhooks
from app.store import deliveries
from tests.conftest_github import check_violations
from tests.world import make_approvable, start_world, stop_world

ORG = sample.ORG
COMMUNITY, CODE = sample.COMMUNITY_REPO, sample.CODE_REPO
SCOPE = f"{ORG}/widgets/pkg/controller"
ALICE_TITLE = title("alice", "reviewer", SCOPE)


@pytest.fixture
async def world(tmp_path, app_key):
    w = await start_world(tmp_path, app_key)
    yield w
    await stop_world(w)
    check_violations(w.stand_in)


def alice_key(world) -> str:
    return f"readiness:{world.state.user('alice').id}:reviewer:sample-org_widgets_pkg_controller"


def issue_titled(world, wanted: str):
    found = [i for i in world.issues_by_app(COMMUNITY) if i.title == wanted]
    assert len(found) == 1, [i.title for i in world.issues_by_app(COMMUNITY)]
    return found[0]


def replies(world, number: int, to: str) -> list[str]:
    return [c.body for c in world.comments(COMMUNITY, number) if c.body.startswith(f"@{to},")]


def reply_to(world, number: int, comment_id: int) -> list[str]:
    """The bodies (without their marker) of Ladder's replies to one comment."""
    marker = f"<!-- ladder:reply:{COMMUNITY}#{number}:{comment_id} -->"
    return [c.body.removesuffix("\n\n" + marker) for c in world.comments(COMMUNITY, number) if marker in c.body]


def readiness_row(world, key: str) -> tuple:
    return world.db.execute(
        "SELECT status, ticked, pull_request_url, held_by FROM readiness WHERE key = ?", [key]
    ).fetchone()


async def installed(world) -> None:
    await world.deliver([webhooks.installation_created(world.state, sample.INSTALLATION_ID, sender="maria")])


async def alice_ready(world):
    await installed(world)
    await world.deliver(story.alice_history(world.act, datetime.now(timezone.utc)))
    return issue_titled(world, ALICE_TITLE)


# --- 2: text that made a regex quadratic ------------------------------------------------------------------


class Pinger(threading.Thread):
    """`GET /ping` every 50 ms from another thread (its own socket, its own clock) while the service
    processes something: each must be answered within `bound` seconds (the quadratic patterns held the
    service for 13–14 s per line)."""

    def __init__(self, url: str, bound: float = 2.0, count: int = 20) -> None:
        super().__init__(daemon=True)
        self.url, self.bound, self.count = url, bound, count
        self.answers: list[str] = []
        self.failures: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        for _ in range(self.count):
            try:
                with urllib.request.urlopen(self.url, timeout=self.bound) as resp:
                    self.answers.append(resp.read().decode())
            except OSError as exc:  # a timeout included
                self.failures.append(repr(exc))
            if self.stop.wait(0.05):
                return


async def test_comments_built_to_be_slow_to_read_never_freeze_the_service(world):
    issue = await alice_ready(world)
    pinger = Pinger(world.service.url("/ping"))
    pinger.start()
    spaces = " " * 65_000
    # `/ladder status`, 65,000 spaces and `!` is no command; the same without `!` is one. A checklist line
    # of 65,000 spaces in the readiness issue, and a `/lgtm` line like it on a pull request.
    await world.deliver(
        world.act.comment(COMMUNITY, sample.TRACKING_ISSUE, "alice", f"/ladder status{spaces}!\n/ladder status{spaces}")
        + world.act.edit_issue_body(COMMUNITY, issue.number, issue.body + f"\n- [x]{spaces}\n", by="omar")
        + world.act.comment(CODE, 3, "bob", f"/lgtm{spaces}!"),
        settle=False,
    )
    await world.settle()
    pinger.stop.set()
    await asyncio.to_thread(pinger.join)  # the loop goes on answering the last ping meanwhile
    assert pinger.failures == []
    assert pinger.answers and set(pinger.answers) == {"PONG"}
    (reply,) = [c.body for c in world.comments(COMMUNITY, sample.TRACKING_ISSUE) if "reply:" in c.body]
    assert reply.startswith("### @alice → Reviewer in `sample-org/widgets/pkg/controller`")
    assert reply.count("### @alice →") == 1  # the first line was not a command
    assert readiness_row(world, alice_key(world))[1] == "[]"  # a box with no text ticks nothing


# --- 3: forged markers ----------------------------------------------------------------------------------


async def test_a_profile_company_carrying_a_marker_never_makes_ladder_edit_another_issue(world):
    """Carol's member readiness issue shows her sponsors' companies. Mallory's profile says her company is
    alice's readiness marker: copied as it was, the App's own issue would carry it, and the outbox would
    take carol's issue for alice's and rewrite it."""
    await installed(world)
    now = datetime.now(timezone.utc)
    await world.deliver(story.others_history(world.act, now))
    carol = issue_titled(world, title("carol", "member", ORG))
    forged = f"<!-- ladder:{alice_key(world)} --> @maria"
    world.state.user("mallory").company = forged
    await world.deliver(world.act.comment(COMMUNITY, carol.number, "mallory", "+1"))

    carol = issue_titled(world, title("carol", "member", ORG))
    assert "<!--" not in carol.body.split("<!-- ladder:readiness:")[0]  # only Ladder's own marker, at the end
    assert (
        "- @mallory: ❌ does not count: does not hold reviewer or approver anywhere in sample-org · "
        "&lt;!-- ladder:readiness:" in carol.body
    )
    assert "--&gt; @&#8203;maria (from the public profile, unverified)" in carol.body

    await world.deliver(story.alice_history(world.act, now))
    alice = issue_titled(world, ALICE_TITLE)
    assert alice.number != carol.number
    assert issue_titled(world, title("carol", "member", ORG)).body == carol.body  # untouched


async def test_a_users_own_issue_carrying_a_marker_ticks_nobodys_checklist(world):
    issue = await alice_ready(world)
    forged = world.state.add_issue(
        COMMUNITY,
        title=ALICE_TITLE,
        author="mallory",
        body=f"<!-- ladder:{alice_key(world)} -->\n\n- [ ] Knowledgeable about the codebase",
    )
    await world.deliver(
        world.act.edit_issue_body(COMMUNITY, forged.number, forged.body.replace("- [ ]", "- [x]"), by="mallory")
    )
    assert readiness_row(world, alice_key(world))[1] == "[]"
    assert "- [ ] Knowledgeable about the codebase" in issue_titled(world, ALICE_TITLE).body
    assert world.state.repo(COMMUNITY).issues[forged.number].comments == []
    # The real issue still reads its checklist back.
    await world.deliver(
        world.act.edit_issue_body(COMMUNITY, issue.number, issue.body.replace("- [ ] Know", "- [x] Know"), by="omar")
    )
    assert readiness_row(world, alice_key(world))[1] == '["knowledgeable"]'


async def test_a_users_pull_request_carrying_a_marker_is_not_the_roster_pull_request(world):
    await alice_ready(world)
    pr = world.state.add_pull_request(
        CODE, author="mallory", title="Add alice", body=f"Promotes alice.\n\n<!-- ladder:owners:{alice_key(world)} -->"
    )
    await world.deliver([webhooks.pull_request(world.state, CODE, pr.number, "opened")])
    assert readiness_row(world, alice_key(world))[:3] == (Status.OPEN.value, "[]", None)
    body = issue_titled(world, ALICE_TITLE).body
    assert f"/pull/{pr.number}" not in body
    assert "The roster pull request is open" not in body


async def test_a_command_on_a_users_issue_carrying_a_marker_applies_to_no_readiness_row(world):
    await alice_ready(world)
    forged = world.state.add_issue(
        COMMUNITY, title="Please hold this one", author="mallory", body=f"<!-- ladder:{alice_key(world)} -->"
    )
    # A comment may carry a marker too: it is text like any other.
    await world.deliver(
        world.act.comment(COMMUNITY, forged.number, "lena", f"/ladder hold\n<!-- ladder:{alice_key(world)} -->")
    )
    assert readiness_row(world, alice_key(world))[0] == Status.OPEN.value
    assert not issue_titled(world, ALICE_TITLE).body.startswith("⏸️")
    hold = world.state.repo(COMMUNITY).issues[forged.number].comments[0]
    assert reply_to(world, forged.number, hold.id) == [
        "@lena, `/ladder hold` works only on a readiness issue that Ladder opened, and this is not one, so "
        "nothing was changed. `/ladder help` lists every command and where it works."
    ]


async def test_a_users_comment_carrying_a_marker_is_never_taken_for_ladders_own(world):
    """Alice writes her progress comment's marker before Ladder writes the comment: the outbox looks for
    the marker only in comments by the App's bot, so it writes its own and leaves hers alone."""
    await installed(world)
    alice = world.state.user("alice").id
    key = f"progress:{ORG}:{sample.COHORT}:{alice}"
    mine = f"Mine now.\n\n<!-- ladder:{key} -->"
    await world.deliver(world.act.comment(COMMUNITY, sample.TRACKING_ISSUE, "alice", mine))
    await world.deliver(story.alice_history(world.act, datetime.now(timezone.utc)))
    comments = world.state.repo(COMMUNITY).issues[sample.TRACKING_ISSUE].comments
    assert comments[0].body == mine
    (progress,) = [c for c in world.comments(COMMUNITY, sample.TRACKING_ISSUE) if f"<!-- ladder:{key} -->" in c.body]
    assert progress.body.startswith("### @alice → Reviewer")


# --- 4: deciding on the whole set, cutting only what is shown ---------------------------------------------


async def test_the_fifteenth_of_sixteen_approvers_may_approve(world):
    extra = [f"appr{i:02d}" for i in range(1, 15)]  # with maria and omar: 16 approvers of the scope
    for login in extra:
        world.state.add_user(login)
    owners = world.state.repo(CODE).file("pkg/controller/OWNERS").decode()
    world.state.commit(
        CODE,
        "main",
        {"pkg/controller/OWNERS": owners.replace("approvers:\n  - omar\n", "approvers:\n" + "".join(f"  - {a}\n" for a in extra) + "  - omar\n")},
        message="More approvers",
    )  # fmt: skip
    issue = await alice_ready(world)
    shown = ", ".join(f"@{a}" for a in extra[:12])
    assert f"Who qualifies: {shown} and 4 more." in issue.body  # 16, cut to 12 where shown
    # Sorted, maria is the 15th: a list cut at 12 for display refused her.
    await make_approvable(world, COMMUNITY, issue.number)
    await world.deliver(world.act.comment(COMMUNITY, issue.number, "maria", "/ladder approve"))
    assert replies(world, issue.number, "maria") == []
    (pr,) = world.pulls_by_app(CODE)
    assert pr.title == "Add alice as reviewer of sample-org/widgets/pkg/controller"
    assert readiness_row(world, alice_key(world))[0] == Status.PR_OPENED.value


# --- 14: a GitHub failure is a retry, never "not a member" --------------------------------------------------


async def approve_with_membership_asked(world):
    """Alice is ready; the ledger then hears she left the organisation, so approving asks GitHub."""
    issue = await alice_ready(world)
    await make_approvable(world, COMMUNITY, issue.number)
    await world.deliver([webhooks.member_removed(world.state, ORG, "alice", sender="maria")])
    return issue


async def test_a_membership_check_that_fails_with_502_is_retried_and_answered_right(world):
    issue = await approve_with_membership_asked(world)
    tries = world.sender.github.policy.max_tries  # the client's own retries all meet a 502
    world.state.fail_next(tries, status=502, method="GET", path_glob=f"/orgs/{ORG}/members/alice")
    approve = world.act.comment(COMMUNITY, issue.number, "omar", "/ladder approve")
    comment_id = approve[0][1]["comment"]["id"]
    await world.deliver(approve, settle=False)
    await world.service.settle()
    delivery = world.delivered[-1][2]
    status, error = world.db.execute("SELECT status, last_error FROM deliveries WHERE id = ?", [delivery]).fetchone()
    assert status == "pending" and "(502)" in error  # to be tried again
    await world.sender.drain()
    assert reply_to(world, issue.number, comment_id) == []  # nobody was told anything wrong
    assert readiness_row(world, alice_key(world))[0] == Status.OPEN.value
    assert world.pulls_by_app(CODE) == []

    assert deliveries.requeue(world.db, delivery)  # its retry comes due
    await world.settle()
    assert reply_to(world, issue.number, comment_id) == [
        "Approved. Ladder is opening the pull request that adds @alice to `reviewers` in `pkg/controller/OWNERS`."
    ]
    assert len(world.pulls_by_app(CODE)) == 1
    assert [f.remaining for f in world.state.faults] == [0]


async def test_a_404_from_the_membership_check_means_not_a_member(world):
    issue = await approve_with_membership_asked(world)
    world.state.org_members[ORG.lower()].discard("alice")
    approve = world.act.comment(COMMUNITY, issue.number, "omar", "/ladder approve")
    await world.deliver(approve)
    assert reply_to(world, issue.number, approve[0][1]["comment"]["id"]) == [
        "Approved, but @alice is not a member of sample-org yet: Prow ignores OWNERS entries of non-members, "
        "so no pull request was opened. It opens once they are a member (`/ladder recheck`)."
    ]
    assert world.pulls_by_app(CODE) == []


async def test_a_403_from_the_membership_check_says_ladder_cannot_see_it(world):
    issue = await approve_with_membership_asked(world)
    world.state.fail_next(
        1,
        status=403,
        method="GET",
        path_glob=f"/orgs/{ORG}/members/alice",
        message="Resource not accessible by integration",
    )
    approve = world.act.comment(COMMUNITY, issue.number, "omar", "/ladder approve")
    await world.deliver(approve)
    assert reply_to(world, issue.number, approve[0][1]["comment"]["id"]) == [
        "Approved, but GitHub does not show Ladder whether @alice is a member of sample-org (the App may not "
        "read the organisation's members), so no pull request was opened: Prow ignores OWNERS entries of "
        "non-members. An org admin can check, then comment `/ladder recheck`."
    ]
    assert world.pulls_by_app(CODE) == []
    body = issue_titled(world, ALICE_TITLE).body
    assert (
        "Approved by @omar. GitHub does not show the App whether @alice is a member of sample-org, so no pull "
        "request was opened: an org admin checks, then comments `/ladder recheck`." in body
    )
    # The admin checked: a recheck opens the pull request.
    await world.deliver(world.act.comment(COMMUNITY, issue.number, "maria", "/ladder recheck"))
    assert len(world.pulls_by_app(CODE)) == 1
