"""Activity recorded from deliveries, through HTTP: Prow's rules for /lgtm, bots, ids, order."""

from __future__ import annotations

from tests.payloads import comment_on_pull_request, load, merged_pull_request, review, user, with_changes

ALICE = user("alice", 1001)
BOB = user("bob", 1002)
ROBOT = user("k8s-ci-robot", 1003, bot=True)
APP = user("ladder[bot]", 1004, bot=True)


async def deliver_all(service, *deliveries):
    for event, payload in deliveries:
        assert (await service.deliver(event, payload)).status == 202
    await service.settle()


def comment_row(service, comment_id):
    return service.db.execute(
        "SELECT is_pull_request, author_id, lgtm, approve FROM issue_comments WHERE id = ?", [comment_id]
    ).fetchone()


async def test_merged_pull_request_is_recorded_with_size_and_labels(service):
    await deliver_all(service, ("pull_request", merged_pull_request(author=ALICE, additions=40, deletions=5)))
    row = service.db.execute(
        "SELECT author_id, state, merged_at, additions, deletions, labels, number FROM pull_requests"
    ).fetchone()
    assert row == (1001, "closed", "2019-05-15T15:21:18Z", 40, 5, '["bug"]', 2)
    assert service.db.execute("SELECT login, type FROM people WHERE id = 1001").fetchone() == ("alice", "User")


async def test_repository_and_installation_are_recorded(service):
    await deliver_all(
        service,
        ("installation", load("installation/created")),
        ("installation_repositories", load("installation_repositories/added")),
    )
    assert service.db.execute("SELECT id, account_login FROM installations").fetchall() == [(957387, "Codertocat")]
    repos = service.db.execute("SELECT full_name, installation_id FROM repositories ORDER BY id").fetchall()
    assert repos == [("Codertocat/Hello-World", 957387), ("Codertocat/Space", 957387)]
    removed = load("installation_repositories/removed")  # derived: the example removes another org's repo
    added = load("installation_repositories/added")
    removed.update(installation=added["installation"], repositories_removed=added["repositories_added"])
    await deliver_all(service, ("installation_repositories", removed))
    removed = service.db.execute("SELECT full_name FROM repositories WHERE removed_at IS NOT NULL").fetchall()
    assert removed == [("Codertocat/Space",)]


async def test_approved_review_is_recorded_upper_case(service):
    await deliver_all(service, ("pull_request_review", review(state="approved", reviewer=BOB, pr_author=ALICE)))
    assert service.db.execute("SELECT reviewer_id, state, pr_number FROM reviews").fetchall() == [(1002, "APPROVED", 2)]


async def test_dismissed_review_keeps_one_row_with_the_dismissed_state(service):
    submitted = review(state="approved", reviewer=BOB, review_id=77)
    dismissed = with_changes(review(state="dismissed", reviewer=BOB, review_id=77), action="dismissed")
    await deliver_all(service, ("pull_request_review", submitted), ("pull_request_review", dismissed))
    assert service.db.execute("SELECT id, state FROM reviews").fetchall() == [(77, "DISMISSED")]


async def test_lgtm_on_a_pull_request_counts(service):
    await deliver_all(service, ("issue_comment", comment_on_pull_request("/lgtm", commenter=BOB, pr_author=ALICE)))
    assert comment_row(service, 492700400) == (1, 1002, 1, 0)


async def test_lgtm_on_its_own_line_in_a_longer_comment_counts(service):
    body = "Looks good to me, thanks for the tests.\n\n/lgtm\n/approve\n\nOne nit below, not blocking."
    await deliver_all(service, ("issue_comment", comment_on_pull_request(body, commenter=BOB, pr_author=ALICE)))
    assert comment_row(service, 492700400) == (1, 1002, 1, 1)


async def test_lgtm_inside_a_sentence_does_not_count(service):
    body = "I'd say /lgtm once the nit is fixed"
    await deliver_all(service, ("issue_comment", comment_on_pull_request(body, commenter=BOB, pr_author=ALICE)))
    assert comment_row(service, 492700400) == (1, 1002, 0, 0)


async def test_an_edited_lgtm_does_not_count(service):
    edited = comment_on_pull_request("/lgtm", commenter=BOB, pr_author=ALICE, action="edited", comment_id=9)
    await deliver_all(service, ("issue_comment", edited))
    assert comment_row(service, 9) == (1, 1002, 0, 0)


async def test_the_created_lgtm_still_counts_when_its_edit_arrived_first(service):
    edited = comment_on_pull_request("/lgtm", commenter=BOB, pr_author=ALICE, action="edited", comment_id=9)
    created = comment_on_pull_request("/lgtm", commenter=BOB, pr_author=ALICE, comment_id=9)
    await deliver_all(service, ("issue_comment", edited), ("issue_comment", created), ("issue_comment", edited))
    assert comment_row(service, 9) == (1, 1002, 1, 0)
    assert service.count("issue_comments") == 1


async def test_self_lgtm_does_not_count(service):
    await deliver_all(service, ("issue_comment", comment_on_pull_request("/lgtm", commenter=ALICE, pr_author=ALICE)))
    assert comment_row(service, 492700400) == (1, 1001, 0, 0)


async def test_lgtm_on_a_closed_pull_request_does_not_count(service):
    closed = comment_on_pull_request("/lgtm", commenter=BOB, pr_author=ALICE, state="closed")
    await deliver_all(service, ("issue_comment", closed))
    assert comment_row(service, 492700400) == (1, 1002, 0, 0)


async def test_lgtm_cancel(service):
    await deliver_all(
        service, ("issue_comment", comment_on_pull_request("/lgtm cancel", commenter=BOB, pr_author=ALICE))
    )
    assert comment_row(service, 492700400) == (1, 1002, -1, 0)


async def test_bots_and_the_app_itself_are_ignored(service):
    await deliver_all(
        service,
        ("issue_comment", comment_on_pull_request("/lgtm", commenter=ROBOT, pr_author=ALICE, comment_id=1)),
        ("issue_comment", comment_on_pull_request("Progress: 3 of 5", commenter=APP, comment_id=2)),
        ("pull_request_review", review(state="approved", reviewer=ROBOT, review_id=3)),
    )
    assert service.count("issue_comments") == 0
    assert service.count("reviews") == 0
    assert service.count("people", "id IN (1003, 1004)") == 0


async def test_a_comment_on_a_plain_issue_is_a_comment_not_a_review_signal(service):
    await deliver_all(service, ("issue_comment", load("issue_comment/created")))
    assert service.db.execute("SELECT is_pull_request, lgtm FROM issue_comments").fetchall() == [(0, 0)]
    assert service.db.execute("SELECT number, is_pull_request FROM issues").fetchall() == [(1, 0)]


async def test_review_before_its_pull_request_still_counts(service):
    """Deliveries arrive out of order: the review is linked once the pull request is known."""
    await deliver_all(service, ("pull_request_review", review(state="approved", reviewer=BOB, pr_author=ALICE)))
    await deliver_all(service, ("pull_request", merged_pull_request(author=ALICE)))
    row = service.db.execute(
        "SELECT r.reviewer_id, p.author_id, p.merged_at, p.additions FROM reviews r"
        " JOIN pull_requests p ON p.repo_id = r.repo_id AND p.number = r.pr_number"
    ).fetchall()
    assert row == [(1002, 1001, "2019-05-15T15:21:18Z", 40)]


async def test_an_older_payload_does_not_undo_a_newer_one(service):
    merged = merged_pull_request(author=ALICE, updated_at="2019-05-15T16:00:00Z")
    opened = load("pull_request/opened")  # same pull request, earlier updated_at
    opened["pull_request"]["user"] = ALICE
    await deliver_all(service, ("pull_request", merged), ("pull_request", opened))
    assert service.db.execute("SELECT state, merged_at FROM pull_requests").fetchone() == (
        "closed",
        "2019-05-15T15:21:18Z",
    )


async def test_a_login_change_keeps_one_person(service):
    renamed = user("alice-renamed", 1001)
    await deliver_all(
        service,
        ("pull_request_review", review(reviewer=ALICE, review_id=1)),
        ("pull_request_review", review(reviewer=renamed, review_id=2)),
    )
    assert service.db.execute("SELECT id, login FROM people WHERE id = 1001").fetchall() == [(1001, "alice-renamed")]
    assert service.count("reviews", "reviewer_id = 1001") == 2


async def test_review_comments_and_their_deletion(service):
    created = load("pull_request_review_comment/created")
    created["comment"]["user"] = BOB
    deleted = load("pull_request_review_comment/deleted")
    await deliver_all(service, ("pull_request_review_comment", created), ("pull_request_review_comment", deleted))
    rows = service.db.execute("SELECT author_id, deleted_at IS NOT NULL FROM review_comments").fetchall()
    assert rows == [(1002, 1)]


async def test_organization_membership(service):
    added = {
        "action": "member_added",
        "organization": {"login": "kubernetes", "id": 13629408},
        "membership": {"user": ALICE, "role": "member", "state": "active"},
        "sender": BOB,
    }
    removed = dict(added, action="member_removed")
    await deliver_all(service, ("organization", added), ("organization", added))
    assert service.db.execute("SELECT org, user_id, source, removed_at FROM org_members").fetchall() == [
        ("kubernetes", 1001, "delivery", None)
    ]
    await deliver_all(service, ("organization", removed))
    assert service.count("org_members", "removed_at IS NOT NULL") == 1


async def test_push_and_ping_are_accepted(service):
    await deliver_all(service, ("push", load("push/default")), ("ping", load("ping/default")))
    assert service.count("deliveries", "status = 'done'") == 2
