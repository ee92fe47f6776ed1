"""The ledger read back as evaluator facts: what deliveries recorded is what the rules see."""

from __future__ import annotations

from datetime import datetime, timezone

from app.store.facts import load_facts, load_pull_request
from ladder_rules import facts as f
from ladder_rules.facts import Holding, Scope
from tests.payloads import comment_on_pull_request, merged_pull_request, review, user

ALICE, BOB, CAROL = user("alice", 1001), user("bob", 1002), user("carol", 1003)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


async def test_a_pull_request_with_its_review_signals_in_time_order(service):
    deliveries = [
        # the review and the lgtm arrive before the pull request itself
        (
            "pull_request_review",
            review(
                state="commented", reviewer=CAROL, pr_author=ALICE, review_id=11, submitted_at="2019-05-15T15:10:00Z"
            ),
        ),
        (
            "issue_comment",
            comment_on_pull_request(
                "/lgtm", commenter=BOB, pr_author=ALICE, comment_id=21, created_at="2019-05-15T15:15:00Z"
            ),
        ),
        (
            "issue_comment",
            comment_on_pull_request(
                "thanks!", commenter=CAROL, pr_author=ALICE, comment_id=22, created_at="2019-05-15T15:16:00Z"
            ),
        ),
        ("pull_request", merged_pull_request(author=ALICE, additions=40, deletions=5)),
    ]
    for event, payload in deliveries:
        await service.deliver(event, payload)
    await service.settle()

    facts = load_facts(service.db, "Codertocat")
    assert set(facts.people) == {1001, 1002, 1003}
    (pr,) = facts.pull_requests.values()
    assert (pr.repo, pr.number, pr.author_id, pr.additions, pr.deletions, pr.labels) == (
        "Codertocat/Hello-World",
        2,
        1001,
        40,
        5,
        ("bug",),
    )
    assert pr.merged_at == utc("2019-05-15T15:21:18Z")
    assert [(s.person_id, s.kind, s.state) for s in pr.signals] == [
        (1003, f.REVIEW, "COMMENTED"),
        (1002, f.LGTM, None),
        (1003, f.COMMENT, None),
    ]
    assert facts.repositories["codertocat/hello-world"].full_name == "Codertocat/Hello-World"

    repo_id = service.db.execute("SELECT id FROM repositories").fetchone()[0]
    assert load_pull_request(service.db, repo_id, 2) == pr
    assert load_pull_request(service.db, repo_id, 99) is None
    assert load_facts(service.db, "another-org").pull_requests == {}


async def test_holdings_come_from_rosters_and_org_membership(service):
    await service.deliver("pull_request", merged_pull_request(author=ALICE))
    await service.deliver(
        "organization",
        {
            "action": "member_added",
            "organization": {"login": "Codertocat", "id": 1},
            "membership": {"user": ALICE, "role": "member", "state": "active"},
            "sender": BOB,
        },
    )
    await service.settle()
    service.db.execute(
        "INSERT INTO holdings (login, org, level, scope, since, source, updated_at) VALUES"
        " ('ALICE', 'Codertocat', 'reviewer', 'Codertocat/Hello-World/docs', '2019-01-02T00:00:00Z',"
        " 'OWNERS Codertocat/Hello-World:docs/OWNERS', '2019-06-01T00:00:00Z')"
    )
    facts = load_facts(service.db, "Codertocat")
    holdings = sorted(facts.people[1001].holdings, key=lambda h: h.level)
    assert holdings[0].level == "member" and holdings[0].scope == Scope("Codertocat")
    assert holdings[1] == Holding("reviewer", Scope("Codertocat", "Hello-World", "docs"), utc("2019-01-02T00:00:00Z"))
