"""The outbox against the GitHub stand-in over a real socket, with a real SQLite file.

Each test plans effects, lets the sender run (on a fake clock: pacing and retries never really wait),
and reads back what exists on the stand-in.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from app.outbox import (
    Comment,
    EffectError,
    FileChange,
    Issue,
    OutboxSender,
    Pacer,
    Reply,
    get_by_key,
    list_effects,
    plan,
    register_file_editor,
    store,
    with_marker,
)
from app.outbox.pacing import Limits
from ladder_rules.owners_edit import add_to_list
from tests.stores import open_test_database

INSTALLATION = 77
COMMUNITY = "kubernetes/community"
PROW = "kubernetes-sigs/prow"
FIXTURES = Path(__file__).parent / "fixtures" / "owners"
PLUGINS_OWNERS = (FIXTURES / "kubernetes-sigs__prow__pkg__plugins__OWNERS.yaml").read_text()


class FakeClock:
    """Time that moves only when someone sleeps (or a test moves it). It starts a minute ahead, so
    effects planned at the real time are due at once."""

    def __init__(self) -> None:
        self.now = time.time() + 60
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def owners_editor(text: str, edit: dict) -> str:
    return add_to_list(text, edit["list"], edit["login"], path=edit.get("path", "OWNERS")).new_text


register_file_editor("test-owners", owners_editor)


@pytest.fixture
def db(tmp_path):
    database = open_test_database(tmp_path / "ladder.db")
    yield database
    database.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def seeded(stand_in):
    state = stand_in.state
    state.add_installation(INSTALLATION, "kubernetes")
    state.add_installation(78, "kubernetes-sigs")
    state.add_repo(COMMUNITY)
    state.add_repo(PROW, files={"pkg/plugins/OWNERS": PLUGINS_OWNERS, "README.md": "prow\n"})
    state.add_issue(COMMUNITY, title="Mentoring cohort 2024", author="mentor")  # number 1
    return state


@pytest.fixture
def sender(db, github_client, clock) -> OutboxSender:
    return OutboxSender(db, github_client, clock=clock, sleep=clock.sleep)


async def settle(sender: OutboxSender, clock: FakeClock, rounds: int = 40) -> None:
    """Send until nothing is pending, moving the fake clock to each retry's time."""
    for _ in range(rounds):
        await sender.drain()
        due = store.next_due(sender.db)
        if due is None:
            return
        clock.now = max(clock.now, due)
    raise AssertionError("the outbox did not settle")


def progress(body: str, **kw) -> Comment:
    return Comment(
        name="progress:kubernetes:501",
        repo=COMMUNITY,
        number=1,
        body=body,
        installation_id=INSTALLATION,
        org="kubernetes",
        person_id=501,
        **kw,
    )


def bot_comments(state, repo: str, number: int) -> list:
    bot = state.user("ladder[bot]")
    return [c for c in state.repo(repo).issues[number].comments if bot and c.user_id == bot.id]


# ---------------------------------------------------------------------------------------------- comments
async def test_progress_comment_is_created_once_then_edited_in_place(seeded, sender, clock, db):
    plan(db, progress("**alice** — reviewer: 3 / 5 reviews"))
    await settle(sender, clock)
    plan(db, progress("**alice** — reviewer: 4 / 5 reviews"))
    await settle(sender, clock)
    plan(db, progress("**alice** — reviewer: 4 / 5 reviews"))  # the same again: nothing to send
    await settle(sender, clock)

    comments = bot_comments(seeded, COMMUNITY, 1)
    assert len(comments) == 1
    assert comments[0].body == "**alice** — reviewer: 4 / 5 reviews\n\n<!-- ladder:progress:kubernetes:501 -->"
    assert seeded.count_writes("POST", "/repos/*/issues/1/comments") == 1
    assert seeded.count_writes("PATCH", "/repos/*/issues/comments/*") == 1
    entry = get_by_key(db, "progress:kubernetes:501")
    assert entry.status == "done" and entry.result["comment_id"] == comments[0].id
    assert entry.result["url"].endswith(f"/kubernetes/community/issues/1#issuecomment-{comments[0].id}")


async def test_a_fresh_database_finds_the_comment_by_its_marker(seeded, stand_in, github_client, clock, tmp_path):
    """A restart that lost its state (or a second process) edits the existing comment, never adds one;
    a person's comment quoting the marker is not mistaken for the app's."""
    seeded.add_comment(COMMUNITY, 1, author="mallory", body="<!-- ladder:progress:kubernetes:501 --> fake")
    for n in range(120):  # the marker is on the second page
        seeded.add_comment(COMMUNITY, 1, author="someone", body=f"comment {n}")
    seeded.add_comment(COMMUNITY, 1, author="ladder[bot]", body=with_marker("old numbers", "progress:kubernetes:501"))
    other = open_test_database(tmp_path / "other.db")
    try:
        plan(other, progress("new numbers"))
        await settle(OutboxSender(other, github_client, clock=clock, sleep=clock.sleep), clock)
    finally:
        other.close()
    comments = bot_comments(seeded, COMMUNITY, 1)
    assert [c.body for c in comments] == [with_marker("new numbers", "progress:kubernetes:501")]
    assert seeded.repo(COMMUNITY).issues[1].comments[0].body.endswith("fake")
    assert seeded.count_writes("POST") == 0


async def test_the_lookup_reads_every_page_even_when_the_first_is_unchanged(
    seeded, stand_in, github_client, clock, tmp_path
):
    """Page 1 did not change while a page 2 appeared since it was read: the marker there is still found
    (list pages are never answered from the ETag cache, whose stored next-page link would be stale)."""
    for n in range(100):
        seeded.add_comment(COMMUNITY, 1, author="someone", body=f"comment {n}")
    for name in ("first.db", "second.db"):  # the second process knows nothing of the first one's write
        database = open_test_database(tmp_path / name)
        try:
            plan(database, progress(f"written by {name}"))
            await settle(OutboxSender(database, github_client, clock=clock, sleep=clock.sleep), clock)
        finally:
            database.close()
    assert [c.body for c in bot_comments(seeded, COMMUNITY, 1)] == [
        with_marker("written by second.db", "progress:kubernetes:501")
    ]
    assert not any(r.status == 304 for r in stand_in.requests_to("GET", "/repos/*/issues/1/comments"))


async def test_a_deleted_progress_comment_is_written_again(seeded, sender, clock, db):
    plan(db, progress("v1"))
    await settle(sender, clock)
    repo = seeded.repo(COMMUNITY)
    gone = bot_comments(seeded, COMMUNITY, 1)[0]
    repo.issues[1].comments.remove(gone)
    del repo.comments[gone.id]
    plan(db, progress("v2"))
    await settle(sender, clock)
    assert [c.body for c in bot_comments(seeded, COMMUNITY, 1)] == [with_marker("v2", "progress:kubernetes:501")]


async def test_a_redelivered_command_gets_one_reply(seeded, sender, clock, db, tmp_path, github_client):
    command = seeded.add_comment(COMMUNITY, 1, author="bob", body="/ladder approve")
    reply = Reply(
        repo=COMMUNITY,
        number=1,
        in_reply_to=command.id,
        installation_id=INSTALLATION,
        body="Only approvers of kubernetes/community may approve.",
    )
    first = plan(db, reply)
    await settle(sender, clock)
    assert plan(db, reply) == first  # the redelivery plans the same reply: nothing new
    assert (
        plan(
            db,
            Reply(
                repo=COMMUNITY, number=1, in_reply_to=command.id, installation_id=INSTALLATION, body="Reworded answer"
            ),
        )
        == first
    )  # a reply once written is never edited
    await settle(sender, clock)
    other = open_test_database(tmp_path / "other.db")  # even a process without this database answers once
    try:
        plan(other, reply)
        await settle(OutboxSender(other, github_client, clock=clock, sleep=clock.sleep), clock)
    finally:
        other.close()
    replies = bot_comments(seeded, COMMUNITY, 1)
    assert [c.body for c in replies] == [
        f"Only approvers of kubernetes/community may approve.\n\n<!-- ladder:reply:{COMMUNITY}#1:{command.id} -->"
    ]
    assert seeded.count_writes() == 1


async def test_planning_the_same_effect_twice_makes_one_row(db):
    first = plan(db, progress("x"))
    assert plan(db, progress("x")) == first
    assert db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 1
    assert get_by_key(db, "progress:kubernetes:501").version == 1
    plan(db, progress("y"))
    entry = get_by_key(db, "progress:kubernetes:501")
    assert (entry.id, entry.version, entry.content["body"]) == (first, 2, "y")


def test_bad_effects_are_refused_with_a_sentence(db):
    with pytest.raises(EffectError, match="without '--'"):
        plan(db, Comment(name="a--b", repo=COMMUNITY, number=1, body="x"))
    with pytest.raises(EffectError, match="at most 65536"):
        plan(db, progress("x" * 70000))
    with pytest.raises(EffectError, match="owner/name"):
        plan(db, Comment(name="k", repo="community", number=1, body="x"))
    plan(db, progress("x"))
    with pytest.raises(EffectError, match="already used by a comment"):
        plan(db, Issue(name="progress:kubernetes:501", repo=COMMUNITY, title="t", body="b"))


# ---------------------------------------------------------------------------------------------- issues
def readiness(**kw) -> Issue:
    fields = dict(
        name="ready:501:reviewer:kubernetes/community",
        repo=COMMUNITY,
        title="alice is ready for reviewer in kubernetes/community",
        body="- [ ] a sponsor replied `+1`",
        labels=("ladder",),
        installation_id=INSTALLATION,
        person_id=501,
        org="kubernetes",
    )
    return Issue(**(fields | kw))


async def test_readiness_issue_is_created_once_updated_and_closed(seeded, sender, clock, db):
    plan(db, readiness())
    await settle(sender, clock)
    number = get_by_key(db, readiness().key).result["number"]
    issue = seeded.repo(COMMUNITY).issues[number]
    issue.labels.append("sig/contributor-experience")  # a person labels it
    plan(db, readiness(body="- [x] a sponsor replied `+1` (@carol)"))
    await settle(sender, clock)
    plan(db, readiness(body="- [x] a sponsor replied `+1` (@carol)", state="closed", state_reason="completed"))
    await settle(sender, clock)

    mine = [i for i in seeded.repo(COMMUNITY).issues.values() if i.user_id == seeded.user("ladder[bot]").id]
    assert mine == [issue]
    assert issue.title == "alice is ready for reviewer in kubernetes/community"
    assert issue.body == with_marker("- [x] a sponsor replied `+1` (@carol)", "ready:501:reviewer:kubernetes/community")
    assert issue.labels == ["ladder", "sig/contributor-experience"]
    assert (issue.state, issue.state_reason) == ("closed", "completed")
    assert seeded.count_writes("POST", "/repos/*/issues") == 1
    assert seeded.count_writes("PATCH", "/repos/*/issues/*") == 2


async def test_an_issue_planned_closed_is_never_opened(seeded, sender, clock, db):
    plan(db, readiness(state="closed"))
    await settle(sender, clock)
    assert seeded.count_writes() == 0
    assert get_by_key(db, readiness().key).status == "done"


async def test_a_fresh_database_finds_the_issue_by_its_marker(seeded, github_client, clock, tmp_path, db, sender):
    plan(db, readiness())
    await settle(sender, clock)
    other = open_test_database(tmp_path / "other.db")
    try:
        plan(other, readiness(title="alice is ready for reviewer in kubernetes/community (again)"))
        await settle(OutboxSender(other, github_client, clock=clock, sleep=clock.sleep), clock)
    finally:
        other.close()
    assert seeded.count_writes("POST") == 1
    assert [i.title for i in seeded.repo(COMMUNITY).issues.values()][-1].endswith("(again)")


# ---------------------------------------------------------------------------------------------- OWNERS PRs
def promotion(login: str, list_name: str, **kw) -> FileChange:
    return FileChange(
        name=f"owners:{login}:{list_name}:{PROW}",
        repo=PROW,
        path="pkg/plugins/OWNERS",
        editor="test-owners",
        edit={"list": list_name, "login": login, "path": "pkg/plugins/OWNERS"},
        title=f"Add {login} to {list_name} of pkg/plugins",
        body=f"Promotes @{login} to {list_name} (see #7).",
        installation_id=78,
        org="kubernetes-sigs",
        **kw,
    )


AFTER_ALICE = PLUGINS_OWNERS.replace("reviewers:\n- cjwagner\n", "reviewers:\n- alice\n- cjwagner\n", 1)
AFTER_BOTH = AFTER_ALICE.replace("approvers:\n- cjwagner\n", "approvers:\n- cjwagner\n- zed\n", 1)


async def test_owners_pull_request_is_one_commit_and_gathers_the_next_promotion(seeded, sender, clock, db):
    repo = seeded.repo(PROW)
    base_before = repo.branches["main"]
    plan(db, promotion("alice", "reviewers"))
    await settle(sender, clock)

    branch = "ladder/owners-pkg-plugins-owners"
    assert repo.file("pkg/plugins/OWNERS", branch) == AFTER_ALICE.encode()
    assert AFTER_ALICE != PLUGINS_OWNERS
    assert [f.path for f in seeded.diff(repo, "main", branch)] == ["pkg/plugins/OWNERS"]
    assert len(seeded.history(repo, branch)) == 2  # the initial commit and ours
    pulls = repo.pulls()
    assert len(pulls) == 1
    pr = pulls[0]
    assert (pr.pull.head_ref, pr.pull.base_ref, pr.title) == (branch, "main", "Add alice to reviewers of pkg/plugins")
    assert pr.body == (
        "Promotes @alice to reviewers (see #7).\n\n<!-- ladder:owners:alice:reviewers:kubernetes-sigs/prow -->"
        f"\n\n<!-- ladder:branch:{branch} -->"
    )
    entry = get_by_key(db, promotion("alice", "reviewers").key)
    assert entry.result["number"] == pr.number and entry.result["url"].endswith(f"/pull/{pr.number}")

    plan(db, promotion("zed", "approvers"))
    await settle(sender, clock)
    assert repo.pulls() == [pr]
    assert repo.file("pkg/plugins/OWNERS", branch) == AFTER_BOTH.encode()
    assert repo.branches["main"] == base_before  # nothing lands before a person merges
    history = seeded.history(repo, branch)
    assert [c.message for c in history[:2]] == [
        "Add zed to approvers of pkg/plugins",
        "Add alice to reviewers of pkg/plugins",
    ]
    assert pr.title == "Ladder: 2 changes to pkg/plugins/OWNERS"
    assert "@alice" in pr.body and "@zed" in pr.body and pr.body.count("ladder:branch:") == 1
    assert seeded.count_writes("POST", "/repos/*/pulls") == 1
    assert seeded.count_writes("PUT", "/repos/*/contents/*") == 2


async def test_after_the_pull_request_is_merged_a_new_promotion_opens_a_new_one(seeded, sender, clock, db):
    repo = seeded.repo(PROW)
    plan(db, promotion("alice", "reviewers"))
    await settle(sender, clock)
    first = repo.pulls()[0]
    seeded.merge_pull_request(PROW, first.number, merged_by="cjwagner")
    assert repo.file("pkg/plugins/OWNERS") == AFTER_ALICE.encode()

    plan(db, promotion("zed", "approvers"))
    await settle(sender, clock)
    second = [p for p in repo.pulls() if p.state == "open"]
    assert len(second) == 1 and second[0].number != first.number
    assert [f.path for f in seeded.diff(repo, "main", second[0].pull.head_ref)] == ["pkg/plugins/OWNERS"]
    assert repo.file("pkg/plugins/OWNERS", second[0].pull.head_ref) == AFTER_BOTH.encode()
    assert second[0].title == "Add zed to approvers of pkg/plugins"


async def test_a_change_already_on_the_default_branch_opens_nothing(seeded, sender, clock, db):
    plan(db, promotion("cjwagner", "reviewers"))
    await settle(sender, clock)
    assert seeded.repo(PROW).pulls() == []
    assert seeded.count_writes("PUT") == seeded.count_writes("POST", "/repos/*/pulls") == 0
    assert get_by_key(db, promotion("cjwagner", "reviewers").key).status == "done"


# ---------------------------------------------------------------------------------------------- dry-run
async def test_dry_run_records_the_requests_and_sends_nothing(seeded, stand_in, sender, clock, db):
    plan(db, progress("3 / 5 reviews"), dry_run=True)
    plan(db, promotion("alice", "reviewers"), dry_run=True)
    await settle(sender, clock)
    assert stand_in.requests == []
    planned = list_effects(db, status="planned")
    assert {e.kind for e in planned} == {"comment", "pull_request"}
    comment = get_by_key(db, "progress:kubernetes:501")
    assert comment.requests == [
        {
            "method": "POST",
            "path": "/repos/kubernetes/community/issues/1/comments",
            "body": {"body": with_marker("3 / 5 reviews", "progress:kubernetes:501")},
        }
    ]
    pr = get_by_key(db, promotion("alice", "reviewers").key)
    assert [(r["method"], r["path"]) for r in pr.requests] == [
        ("POST", "/repos/kubernetes-sigs/prow/git/refs"),
        ("PUT", "/repos/kubernetes-sigs/prow/contents/pkg/plugins/OWNERS"),
        ("POST", "/repos/kubernetes-sigs/prow/pulls"),
    ]
    assert [e.key for e in list_effects(db, person_id=501)] == ["progress:kubernetes:501"]

    plan(db, progress("3 / 5 reviews"))  # the org leaves dry-run: the same effect is now sent
    await settle(sender, clock)
    assert len(bot_comments(seeded, COMMUNITY, 1)) == 1


async def test_without_a_github_client_effects_are_planned_not_sent(db, clock):
    sender = OutboxSender(db, None, clock=clock, sleep=clock.sleep)
    plan(db, readiness(), now=clock.now)
    assert await sender.drain() == 1
    entry = get_by_key(db, readiness().key)
    assert entry.status == "planned"
    assert entry.requests[0]["method"] == "POST" and entry.requests[0]["body"]["labels"] == ["ladder"]
    assert store.stats(db).counts["planned"] == 1 and sender.health()["dry_run"] is True


# ---------------------------------------------------------------------------------------------- pacing
async def test_writes_for_one_installation_are_a_second_apart(seeded, sender, clock, db):
    seeded.clock = clock  # the stand-in stamps comments with the fake time
    for n in range(5):
        plan(
            db,
            Comment(name=f"note:{n}", repo=COMMUNITY, number=1, body=f"note {n}", installation_id=INSTALLATION),
            now=clock.now,
        )
    await settle(sender, clock)
    stamps = [c.created_at.timestamp() for c in bot_comments(seeded, COMMUNITY, 1)]
    assert len(stamps) == 5
    assert all(later - earlier >= 1 for earlier, later in zip(stamps, stamps[1:]))
    assert clock.slept == [1.0, 1.0, 1.0, 1.0]


async def test_pacer_keeps_80_creating_writes_a_minute_and_500_an_hour():
    clock = FakeClock()
    start = clock.now
    pacer = Pacer(clock=clock, sleep=clock.sleep, limits=Limits(min_interval=0.1))
    sent = []
    for _ in range(501):
        await pacer.wait(1, "POST")
        sent.append(clock.now - start)
    assert max(sum(1 for t in sent if s <= t < s + 60) for s in sent) == 80
    assert sent[80] >= 60 and sent[500] >= 3600
    await pacer.wait(2, "POST")  # another installation is not held back
    assert clock.now - start == pytest.approx(sent[500])
    for _ in range(3):
        await pacer.wait(1, "PATCH")  # edits keep only the gap
    assert clock.now - start == pytest.approx(sent[500] + 0.3)


# ---------------------------------------------------------------------------------------------- service
async def test_health_and_metrics_report_the_outbox(service):
    body = await (await service.session.get(service.url("/healthz"))).json()
    assert body["outbox"] | {"since": None} == {
        "running": True,
        "state": "running",
        "since": None,
        "dry_run": True,
        "pending": 0,
        "done": 0,
        "failed": 0,
        "planned": 0,
        "oldest_pending_age_seconds": None,
        "recent_failures": [],
    }
    text = await (await service.session.get(service.url("/metrics"))).text()
    assert 'ladder_outbox_effects{status="failed"} 0' in text


async def test_the_running_service_sends_for_several_installations(seeded, db, github_client, clock):
    sender = OutboxSender(db, github_client, clock=clock, sleep=clock.sleep, idle_wait=0.05)
    sender.start()
    try:
        plan(db, progress("3 / 5"))
        plan(db, readiness())
        plan(db, Comment(name="no-installation-given", repo=COMMUNITY, number=1, body="hello"))
        plan(db, promotion("alice", "reviewers"))  # installation 78, sent beside the others
        sender.notify()
        for _ in range(500):
            if store.stats(db).counts["done"] == 4:
                break
            await asyncio.sleep(0.01)
    finally:
        await sender.stop()
    assert store.stats(db).counts == {"pending": 0, "done": 4, "failed": 0, "planned": 0}
    assert sender.health() | {"since": None} == {"running": False, "state": "stopped", "since": None, "dry_run": False}
    assert len(bot_comments(seeded, COMMUNITY, 1)) == 2
    assert len(seeded.repo(PROW).pulls()) == 1
    assert get_by_key(db, "no-installation-given").installation_id == INSTALLATION  # asked GitHub
