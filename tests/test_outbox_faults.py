"""The outbox when GitHub misbehaves: 502s, secondary rate limits (403 + retry-after), 429s, and writes
that happened but whose answer was lost. Every effect still ends up on the stand-in exactly once."""

from __future__ import annotations

import pytest

from app.github import GitHubClient, RetryPolicy
from app.outbox import Comment, FileChange, OutboxSender, get_by_key, plan, store, with_marker
from tests.test_outbox import (  # noqa: F401  (fixtures)
    AFTER_ALICE,
    AFTER_BOTH,
    COMMUNITY,
    INSTALLATION,
    PROW,
    FakeClock,
    bot_comments,
    clock,
    db,
    progress,
    promotion,
    readiness,
    seeded,
    sender,
    settle,
)

BRANCH = "ladder/owners-pkg-plugins-owners"


@pytest.fixture
def impatient_client(stand_in, app_key, fake_sleep, http_session) -> GitHubClient:
    """The app's client with a 0.2 s request timeout, so a delayed answer is lost quickly."""
    return GitHubClient(
        http_session,
        app_id=app_key.app_id,
        private_key=app_key.private_pem,
        api_url=stand_in.url,
        policy=RetryPolicy(sleep=fake_sleep),
        request_timeout=0.2,
    )


def only_issue(state, repo: str):
    bot = state.user("ladder[bot]")
    mine = [i for i in state.repo(repo).issues.values() if i.user_id == bot.id and i.pull is None]
    assert len(mine) == 1, [i.title for i in mine]
    return mine[0]


async def test_502_then_success_writes_once(seeded, sender, clock, db):
    seeded.fail_next(1, status=502, method="POST", path_glob="/repos/*/issues/1/comments")
    plan(db, progress("3 / 5"))
    assert await sender.drain() == 1
    entry = get_by_key(db, "progress:kubernetes:501")
    assert (entry.status, entry.attempts) == ("pending", 1)
    assert "server error (502)" in entry.last_error
    assert entry.next_attempt_at == pytest.approx(clock.now + 60)  # backs off from a minute
    await settle(sender, clock)
    assert [c.body for c in bot_comments(seeded, COMMUNITY, 1)] == [with_marker("3 / 5", "progress:kubernetes:501")]
    entry = get_by_key(db, "progress:kubernetes:501")
    assert (entry.status, entry.attempts, entry.last_error) == ("done", 2, None)


async def test_secondary_rate_limit_waits_retry_after(seeded, sender, clock, db, fake_sleep):
    seeded.fail_next(1, status=403, method="POST", path_glob="/repos/*/issues", retry_after=37)
    plan(db, readiness())
    await settle(sender, clock)
    assert 37.0 in fake_sleep.delays  # the client waited what GitHub asked before sending again
    assert only_issue(seeded, COMMUNITY).title == "alice is ready for reviewer in kubernetes/community"
    assert seeded.count_writes("POST", "/repos/*/issues") == 1


async def test_a_long_retry_after_is_kept_in_the_outbox_not_slept(seeded, sender, clock, db, fake_sleep):
    seeded.fail_next(1, status=403, method="POST", path_glob="/repos/*/issues", retry_after=3600)
    plan(db, readiness(), now=clock.now)
    await sender.drain()
    entry = get_by_key(db, readiness().key)
    assert entry.status == "pending" and entry.next_attempt_at == pytest.approx(clock.now + 3600)
    assert 3600.0 not in fake_sleep.delays
    await settle(sender, clock)
    assert seeded.count_writes("POST", "/repos/*/issues") == 1


async def test_429_on_the_pull_request_still_opens_one(seeded, sender, clock, db, fake_sleep):
    seeded.fail_next(1, status=429, method="POST", path_glob="/repos/*/pulls")
    plan(db, promotion("alice", "reviewers"))
    await settle(sender, clock)
    assert 60.0 in fake_sleep.delays  # no retry-after: back off from a minute
    assert len(seeded.repo(PROW).pulls()) == 1
    assert seeded.repo(PROW).file("pkg/plugins/OWNERS", BRANCH) == AFTER_ALICE.encode()


@pytest.mark.parametrize("glob", ["/repos/*/issues/1/comments", "/repos/*/issues"])
async def test_lost_answer_to_a_create_makes_no_duplicate(seeded, db, clock, impatient_client, glob):
    """GitHub made the comment / issue but the answer never came: the retry finds it by its marker."""
    sender = OutboxSender(db, impatient_client, clock=clock, sleep=clock.sleep)
    seeded.delay_next(1, seconds=0.5, method="POST", path_glob=glob, apply=True)
    plan(db, progress("3 / 5"))
    plan(db, readiness())
    await settle(sender, clock)
    assert [c.body for c in bot_comments(seeded, COMMUNITY, 1)] == [with_marker("3 / 5", "progress:kubernetes:501")]
    assert only_issue(seeded, COMMUNITY).body == with_marker(readiness().body, readiness().key)
    failed_once = get_by_key(db, "progress:kubernetes:501" if "comments" in glob else readiness().key)
    assert failed_once.attempts == 2 and failed_once.status == "done"


@pytest.mark.parametrize(
    "glob, method", [("/repos/*/contents/*", "PUT"), ("/repos/*/pulls", "POST"), ("/repos/*/git/refs", "POST")]
)
async def test_lost_answers_on_the_owners_pull_request(seeded, db, clock, impatient_client, glob, method):
    sender = OutboxSender(db, impatient_client, clock=clock, sleep=clock.sleep)
    seeded.delay_next(1, seconds=0.5, method=method, path_glob=glob, apply=True)
    plan(db, promotion("alice", "reviewers"))
    await settle(sender, clock)
    repo = seeded.repo(PROW)
    assert len(repo.pulls()) == 1
    assert repo.file("pkg/plugins/OWNERS", BRANCH) == AFTER_ALICE.encode()
    assert len(seeded.history(repo, BRANCH)) == 2  # one commit of ours on the initial one
    entry = get_by_key(db, promotion("alice", "reviewers").key)
    assert (entry.status, entry.attempts) == ("done", 2)


async def test_every_fault_at_once_still_ends_with_each_effect_exactly_once(
    seeded, db, clock, impatient_client, fake_sleep
):
    sender = OutboxSender(db, impatient_client, clock=clock, sleep=clock.sleep)
    state = seeded
    state.fail_next(2, status=502, method="POST", path_glob="/repos/*/issues/1/comments")
    state.fail_next(1, status=403, method="POST", path_glob="/repos/*/issues", retry_after=12)
    state.delay_next(1, seconds=0.5, method="POST", path_glob="/repos/*/issues", apply=True)
    state.fail_next(1, status=429, method="PATCH", path_glob="/repos/*/issues/comments/*", retry_after=5)
    state.delay_next(1, seconds=0.5, method="PUT", path_glob="/repos/*/contents/*", apply=True)
    state.fail_next(1, status=502, method="POST", path_glob="/repos/*/pulls")
    state.delay_next(1, seconds=0.5, method="PATCH", path_glob="/repos/*/pulls/*", apply=True)
    state.fail_next(1, status=502, method="GET", path_glob="/repos/*/issues/1/comments")

    plan(db, progress("3 / 5"))
    plan(db, readiness())
    plan(db, promotion("alice", "reviewers"))
    await settle(sender, clock)
    plan(db, progress("4 / 5"))
    plan(db, promotion("zed", "approvers"))
    await settle(sender, clock)
    for _ in range(2):  # every delivery of the scenario comes again: nothing changes
        plan(db, progress("4 / 5"))
        plan(db, readiness())
        plan(db, promotion("alice", "reviewers"))
        plan(db, promotion("zed", "approvers"))
        await settle(sender, clock)

    assert [c.body for c in bot_comments(state, COMMUNITY, 1)] == [with_marker("4 / 5", "progress:kubernetes:501")]
    only_issue(state, COMMUNITY)
    repo = state.repo(PROW)
    assert len(repo.pulls()) == 1
    assert repo.file("pkg/plugins/OWNERS", BRANCH) == AFTER_BOTH.encode()
    assert len(state.history(repo, BRANCH)) == 3
    assert repo.pulls()[0].body.count("@zed") == 1
    assert {12.0, 5.0} <= set(fake_sleep.delays)
    assert {e.status for e in store.list_effects(db)} == {"done"}
    assert not any(f.remaining for f in state.faults)  # every fault was met


async def test_retries_run_out_and_the_failure_shows_in_health(seeded, db, clock, github_client):
    sender = OutboxSender(db, github_client, clock=clock, sleep=clock.sleep, max_attempts=3)
    seeded.fail_next(3, status=502, method="POST", path_glob="/repos/*/issues/1/comments")
    plan(db, progress("3 / 5"))
    await settle(sender, clock)
    entry = get_by_key(db, "progress:kubernetes:501")
    assert (entry.status, entry.attempts) == ("failed", 3)
    assert "POST /repos/kubernetes/community/issues/1/comments: server error (502)" in entry.last_error
    stats = store.stats(db, now=clock.now)
    assert stats.counts["failed"] == 1 and stats.counts["pending"] == 0
    assert stats.failed_recent == [("progress:kubernetes:501", entry.last_error)]
    assert 'ladder_outbox_attempts_total{kind="comment",outcome="failed"} 1' in sender.metrics_lines()
    assert bot_comments(seeded, COMMUNITY, 1) == []

    assert store.retry_failed(db, now=clock.now) == 1  # the operator asks again once GitHub is back
    await settle(sender, clock)
    assert get_by_key(db, "progress:kubernetes:501").status == "done"
    assert len(bot_comments(seeded, COMMUNITY, 1)) == 1


async def test_what_github_refuses_fails_at_once_with_its_sentence(seeded, sender, clock, db):
    plan(db, Comment(name="x", repo="kubernetes/missing", number=1, body="hi", installation_id=INSTALLATION))
    plan(
        db,
        FileChange(
            name="y", repo=PROW, path="OWNERS", editor="nobody-registered-this", title="t", body="b", installation_id=78
        ),
    )
    await settle(sender, clock)
    missing, unknown = get_by_key(db, "x"), get_by_key(db, "y")
    assert (missing.status, missing.attempts) == ("failed", 1)
    assert "Not Found" in missing.last_error
    assert (unknown.status, unknown.last_error) == (
        "failed",
        "PermanentFailure: no file editor registered as 'nobody-registered-this'",
    )


async def test_pending_while_sending_new_content_is_sent_after(seeded, sender, clock, db):
    """New content planned while an older one is on its way is not marked done by the older send."""
    plan(db, progress("v1"))
    entry = store.lease_next(db, now=clock.now + 1)
    plan(db, progress("v2"))
    assert await sender.send(entry) == "pending"
    await settle(sender, clock)
    assert [c.body for c in bot_comments(seeded, COMMUNITY, 1)] == [with_marker("v2", "progress:kubernetes:501")]


def test_errors_never_carry_tokens():
    from app.outbox.sender import describe_error

    text = describe_error(RuntimeError("sent Authorization: token ghs_abcdefghijklmnopqrstuvwxyz012345 to x"))
    assert "ghs_" not in text and "[redacted]" in text
