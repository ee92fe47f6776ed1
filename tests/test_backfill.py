"""History import against the GitHub stand-in: real GraphQL over a socket, validated against GitHub's
schema, into a real SQLite file."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from app.backfill import jobs, queries
from app.backfill.runner import Options, run_jobs
from app.stand_in.graphql_api import parse_and_validate, query_cost
from tests.stores import cli_database, open_test_database

NOW = datetime.now(timezone.utc).replace(microsecond=0)
INSTALLATION = 7


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def db(tmp_path):
    database = open_test_database(tmp_path / "ladder.db")
    yield database
    database.close()


def seed(stand_in, full_name: str = "acme/widgets"):
    state = stand_in.state
    if state.user("acme") is None:
        state.add_installation(INSTALLATION, "acme")
    return state.add_repo(full_name)


def schedule(db, repo, *, since: datetime | None = None, paths: bool = False) -> None:
    jobs.schedule(
        db, [(repo.id, repo.full_name, INSTALLATION)], since=iso(since or ago(365)), reason="cli", paths=paths
    )


def count(db, table: str, where: str = "1 = 1", params=()) -> int:
    return db.execute(f"SELECT count(*) FROM {table} WHERE {where}", list(params)).fetchone()[0]


def graphql_bodies(stand_in) -> list[dict]:
    return [r.body for r in stand_in.requests if r.path == "/graphql"]


def test_every_query_is_valid_for_githubs_schema():
    for document in queries.all_documents():
        parsed, errors = parse_and_validate(document)
        assert errors == ()
        cost, problems = query_cost(parsed, None, {"first": 74})
        assert problems == [] and cost <= 2


def test_page_cost_rounds_to_one_point():
    assert queries.best_page_size(2) == 74  # 1 + 2 * 74 = 149 requests: one point
    assert queries.best_page_size(3) == 49  # with changed paths
    parsed, _ = parse_and_validate(queries.pull_requests_query(False))
    assert query_cost(parsed, None, {"first": 74}) == (1, [])
    assert query_cost(parsed, None, {"first": 75}) == (2, [])
    assert query_cost(parsed, None, {"first": 100}) == (2, [])
    # Review threads addressed by id: one request each, 149 to the point.
    parsed, _ = parse_and_validate(queries.thread_comments_query(149))
    assert query_cost(parsed, None, {}) == (1, [])
    parsed, _ = parse_and_validate(queries.thread_comments_query(150))
    assert query_cost(parsed, None, {}) == (2, [])


async def test_pull_requests_with_reviews_and_comments_across_pages(stand_in, github_client, db):
    state = stand_in.state
    repo = seed(stand_in)
    state.add_user("ci-robot[bot]", type="Bot")
    for i in range(7):
        pr = state.add_pull_request(
            "acme/widgets",
            author="alice",
            created_at=ago(30 - i),
            merged_at=ago(20 - i),
            additions=40,
            deletions=2,
            labels=["kind/feature"] if i == 0 else [],
        )
        state.add_review(
            "acme/widgets",
            pr.number,
            author="bob",
            state="APPROVED",
            at=ago(21 - i),
            comments=[("a.py", "nit"), ("b.py", "typo")],
        )
        state.add_comment("acme/widgets", pr.number, author="carol", body="/lgtm", at=ago(21 - i))
        state.add_comment("acme/widgets", pr.number, author="alice", body="/approve", at=ago(21 - i))  # own PR
        state.add_comment("acme/widgets", pr.number, author="ci-robot[bot]", body="/lgtm", at=ago(21 - i))
    # Updated before the cut-off: not imported.
    state.add_pull_request("acme/widgets", author="alice", created_at=ago(400), merged_at=ago(399))
    schedule(db, repo, since=ago(365))

    report = await run_jobs(db, github_client, options=Options(page_size=3))

    assert report.pull_requests == 7 and report.failed == []
    assert count(db, "pull_requests") == 7
    assert count(db, "pull_requests", "merged_at IS NOT NULL AND additions = 40 AND deletions = 2") == 7
    assert db.execute("SELECT labels FROM pull_requests WHERE number = 1").fetchone()[0] == '["kind/feature"]'
    assert count(db, "reviews", "state = 'APPROVED'") == 7
    assert count(db, "review_comments") == 14
    assert count(db, "issue_comments") == 14  # the bot's are dropped
    assert count(db, "issue_comments", "lgtm = 1") == 7
    assert count(db, "issue_comments", "approve = 1") == 0  # the author cannot approve their own PR
    assert {row[0] for row in db.execute("SELECT login FROM people")} == {"alice", "bob", "carol"}
    job = jobs.get(db, repo.id)
    assert (job.status, job.pull_requests, job.cursor) == ("done", 7, None)
    # Three pages; the last one holds the old pull request, which ends the import.
    pages = [b for b in graphql_bodies(stand_in) if "BackfillPullRequests" in b["query"]]
    assert len(pages) == 3
    assert all(b["variables"]["first"] == 3 for b in pages)


async def test_deleted_authors_are_kept_as_unknown(stand_in, github_client, db):
    state = stand_in.state
    repo = seed(stand_in)
    pr = state.add_pull_request("acme/widgets", author="gone-author", created_at=ago(5), merged_at=ago(4))
    state.add_review(
        "acme/widgets", pr.number, author="gone-reviewer", state="APPROVED", at=ago(4.5), comments=[("x.go", "hm")]
    )
    state.add_comment("acme/widgets", pr.number, author="gone-reviewer", body="/lgtm", at=ago(4.5))
    state.add_comment("acme/widgets", pr.number, author="dave", body="/lgtm", at=ago(4.4))
    state.delete_user("gone-author")
    state.delete_user("gone-reviewer")
    schedule(db, repo)

    await run_jobs(db, github_client)

    assert db.execute("SELECT author_id FROM pull_requests").fetchall() == [(None,)]
    assert db.execute("SELECT reviewer_id FROM reviews").fetchall() == [(None,)]
    assert db.execute("SELECT author_id FROM review_comments").fetchall() == [(None,)]
    # normalise.issue_comment cannot tell two deleted accounts apart, so it treats the comment as the
    # author's own (as a delivery made after both deletions would be treated).
    assert sorted(db.execute("SELECT author_id IS NULL, lgtm FROM issue_comments").fetchall()) == [(0, 1), (1, 0)]
    assert [row[0] for row in db.execute("SELECT login FROM people")] == ["dave"]


async def test_a_pull_request_with_more_than_a_hundred_reviews_and_comments(stand_in, github_client, db):
    state = stand_in.state
    repo = seed(stand_in)
    pr = state.add_pull_request("acme/widgets", author="alice", created_at=ago(10))
    for i in range(130):
        state.add_review(
            "acme/widgets",
            pr.number,
            author=f"reviewer{i % 40}",
            state="COMMENTED",
            at=ago(9),
            comments=[("f.py", "x")],
        )
    big = state.add_review(
        "acme/widgets",
        pr.number,
        author="bob",
        state="CHANGES_REQUESTED",
        at=ago(8),
        comments=[(f"f{i}.py", "y") for i in range(105)],
    )
    for i in range(120):
        state.add_comment("acme/widgets", pr.number, author=f"c{i % 7}", body="looks fine", at=ago(8))
    labels = [f"area/{i}" for i in range(25)]
    state.repo("acme/widgets").issues[pr.number].labels = labels
    state.add_pull_request("acme/widgets", author="erin", created_at=ago(7))
    schedule(db, repo)

    await run_jobs(db, github_client)

    assert count(db, "reviews") == 131
    assert count(db, "review_comments") == 130 + 105
    assert count(db, "review_comments", "review_id = ?", [big.id]) == 105
    assert count(db, "issue_comments") == 120
    assert (
        json.loads(db.execute("SELECT labels FROM pull_requests WHERE number = ?", [pr.number]).fetchone()[0]) == labels
    )
    assert count(db, "pull_requests") == 2


async def test_changed_paths_only_when_asked_for(stand_in, github_client, db):
    state = stand_in.state
    repo = seed(stand_in)
    state.add_pull_request(
        "acme/widgets",
        author="alice",
        created_at=ago(3),
        merged_at=ago(2),
        files=[f"pkg/controller/f{i}.go" for i in range(130)],
    )
    schedule(db, repo)
    await run_jobs(db, github_client)
    assert count(db, "pull_request_files") == 0
    assert all("files(" not in b["query"] for b in graphql_bodies(stand_in))

    schedule(db, repo, paths=True)  # a path-scoped cohort appeared: read again, with paths
    await run_jobs(db, github_client)
    assert count(db, "pull_request_files") == 130
    assert count(db, "pull_request_files", "path LIKE 'pkg/controller/%'") == 130


class Interrupt(Exception):
    pass


async def test_an_interrupted_import_continues_where_it_stopped(stand_in, github_client, db):
    state = stand_in.state
    repo = seed(stand_in)
    for i in range(10):
        pr = state.add_pull_request("acme/widgets", author=f"a{i}", created_at=ago(50 - i))
        state.add_comment("acme/widgets", pr.number, author="bob", body="/lgtm", at=ago(40 - i))
    schedule(db, repo)
    pages = []

    def stop_after_two(page):
        pages.append(page)
        if len(pages) == 2:
            raise Interrupt  # as if the process were killed right after storing the second page

    with pytest.raises(Interrupt):
        await run_jobs(db, github_client, options=Options(page_size=4, on_page=stop_after_two))
    job = jobs.get(db, repo.id)
    assert (job.status, job.pull_requests, count(db, "pull_requests")) == ("running", 8, 8)
    assert job.cursor is not None
    seen = len(graphql_bodies(stand_in))

    report = await run_jobs(db, github_client, options=Options(page_size=4))

    assert report.pull_requests == 2
    assert count(db, "pull_requests") == 10 and count(db, "issue_comments") == 10
    first_again = [b for b in graphql_bodies(stand_in)[seen:] if "BackfillPullRequests" in b["query"]][0]
    assert first_again["variables"]["after"] == job.cursor
    assert jobs.get(db, repo.id).status == "done"


async def test_a_repository_the_installation_cannot_see_fails_alone(stand_in, github_client, db):
    repo = seed(stand_in)
    stand_in.state.add_pull_request("acme/widgets", author="alice", created_at=ago(3))
    jobs.schedule(
        db,
        [(999, "acme/missing", INSTALLATION), (repo.id, repo.full_name, INSTALLATION)],
        since=iso(ago(30)),
        reason="cli",
    )

    report = await run_jobs(db, github_client)

    assert report.pull_requests == 1
    assert [name for name, _ in report.failed] == ["acme/missing"]
    assert jobs.get(db, 999).status == "failed"
    assert "acme/missing" in db.execute("SELECT last_error FROM backfill_jobs WHERE repo_id = 999").fetchone()[0]


# --- the same history delivered and backfilled ---------------------------------------------------------


def _deliveries(state, repo) -> list[tuple[str, dict]]:
    """The webhooks GitHub would have sent for the stand-in's history, built from its REST shapes."""
    from app.stand_in.rest_api import comment_json, issue_json, pull_json, repo_json, review_comment_json, review_json

    base = {"repository": repo_json(state, repo), "installation": {"id": INSTALLATION}}
    out = []
    for issue in repo.issues.values():
        pr = pull_json(state, repo, issue)
        out.append(
            (
                "pull_request",
                {
                    **base,
                    "action": "closed" if issue.state == "closed" else "opened",
                    "number": issue.number,
                    "pull_request": pr,
                    "sender": pr["user"],
                },
            )
        )
        for review in issue.pull.reviews:
            out.append(
                (
                    "pull_request_review",
                    {**base, "action": "submitted", "pull_request": pr, "review": review_json(state, repo, review)},
                )
            )
            for comment in review.comments:
                out.append(
                    (
                        "pull_request_review_comment",
                        {
                            **base,
                            "action": "created",
                            "pull_request": pr,
                            "comment": review_comment_json(state, repo, comment),
                        },
                    )
                )
        for comment in issue.comments:
            open_then = issue.closed_at is None or comment.created_at <= issue.closed_at
            out.append(
                (
                    "issue_comment",
                    {
                        **base,
                        "action": "created",
                        "issue": issue_json(state, repo, issue) | {"state": "open" if open_then else "closed"},
                        "comment": comment_json(state, repo, comment),
                    },
                )
            )
    return out


LEDGER_TABLES = {
    "pull_requests": "*",
    "reviews": "*",
    "review_comments": "id, repo_id, pr_number, author_id, review_id, created_at, html_url",
    "issue_comments": "id, repo_id, issue_number, is_pull_request, author_id, created_at, html_url, lgtm, approve",
    "people": "id, login, type",
}


def _rows(db) -> dict[str, list]:
    return {
        table: db.execute(f"SELECT {columns} FROM {table} ORDER BY id").fetchall()
        for table, columns in LEDGER_TABLES.items()
    }


async def test_backfill_stores_exactly_what_the_deliveries_stored(stand_in, github_client, db, service):
    state = stand_in.state
    repo = seed(stand_in)
    state.add_user("renovate[bot]", type="Bot")
    for i in range(6):
        author = "renovate[bot]" if i == 5 else f"author{i}"
        pr = state.add_pull_request(
            "acme/widgets",
            author=author,
            created_at=ago(60 - i),
            additions=10 * i,
            deletions=i,
            labels=["kind/bug"] if i % 2 else [],
            merged_at=ago(50 - i) if i < 4 else None,
        )
        state.add_review(
            "acme/widgets", pr.number, author="rev1", state="APPROVED", at=ago(55 - i), comments=[("a.go", "nit")]
        )
        state.add_review("acme/widgets", pr.number, author="rev2", state="CHANGES_REQUESTED", at=ago(56 - i))
        state.add_comment("acme/widgets", pr.number, author="rev2", body="/lgtm\n/approve", at=ago(54 - i))
        state.add_comment("acme/widgets", pr.number, author=author, body="/lgtm", at=ago(54 - i))  # the author's own
        state.add_comment("acme/widgets", pr.number, author="late", body="/lgtm", at=ago(40 - i))  # after the merge
        state.add_comment("acme/widgets", pr.number, author="renovate[bot]", body="/approve", at=ago(53 - i))

    for event, payload in _deliveries(state, repo):
        response = await service.deliver(event, payload)
        assert response.status == 202
    await service.settle()
    schedule(db, repo)
    await run_jobs(db, github_client, options=Options(page_size=4))

    delivered, backfilled = _rows(service.db), _rows(db)
    assert len(backfilled["pull_requests"]) == 6 and len(backfilled["issue_comments"]) == 17  # the bot's are dropped
    assert len(backfilled["review_comments"]) == 6
    for table in LEDGER_TABLES:
        assert backfilled[table] == delivered[table], table
    # Prow's rules came out the same way: rev2's /lgtm on open PRs, nobody's after a merge or on their own PR.
    assert db.execute("SELECT count(*) FROM issue_comments WHERE lgtm = 1").fetchone()[0] == 6 + 2


async def test_backfill_then_deliveries_store_each_fact_once(stand_in, github_client, db):
    state = stand_in.state
    repo = seed(stand_in)
    pr = state.add_pull_request("acme/widgets", author="alice", created_at=ago(3))
    state.add_review("acme/widgets", pr.number, author="bob", state="APPROVED", at=ago(2), comments=[("x", "y")])
    state.add_comment("acme/widgets", pr.number, author="bob", body="/lgtm", at=ago(2))
    schedule(db, repo)
    await run_jobs(db, github_client)
    before = _rows(db)

    from app import normalise
    from app.store import ledger

    handlers = {
        "pull_request": normalise.from_pull_request_event,
        "pull_request_review": normalise.from_review_event,
        "pull_request_review_comment": normalise.from_review_comment_event,
        "issue_comment": normalise.from_issue_comment_event,
    }
    for event, payload in _deliveries(state, repo):
        ledger.record(db, handlers[event](payload))
    assert _rows(db) == before


async def test_the_command_line_imports_one_repository_with_a_summary(stand_in, app_key, tmp_path, monkeypatch, capsys):
    import asyncio

    from app.cli import main

    state = stand_in.state
    seed(stand_in)
    seed(stand_in, "acme/other")
    for i in range(3):
        pr = state.add_pull_request("acme/widgets", author="alice", created_at=ago(20 - i))
        state.add_comment("acme/widgets", pr.number, author="bob", body="/lgtm", at=ago(19 - i))
    state.add_pull_request("acme/widgets", author="alice", created_at=ago(40))  # before --since
    state.add_pull_request("acme/other", author="alice", created_at=ago(5))
    monkeypatch.setenv("APP_ID", str(app_key.app_id))
    monkeypatch.setenv("PRIVATE_KEY", app_key.private_pem)
    monkeypatch.setenv("GITHUB_API_URL", stand_in.url)
    path = tmp_path / "ladder.db"
    since = iso(ago(30))[:10]

    status = await asyncio.to_thread(
        main, ["backfill", "--repo", "acme/widgets", "--since", since, *cli_database(path, monkeypatch)]
    )

    out, err = capsys.readouterr()
    assert status == 0
    assert out.splitlines()[0].startswith("Imported 3 pull requests from 1 repositories in ")
    assert "GraphQL points used: 1 (333.3 per 1,000 pull requests)." in out  # one page, no reviews
    assert err.startswith("acme/widgets: done · [########################] 1/1 repositories · 3 PRs · 1 points used")
    database = open_test_database(path)
    assert count(database, "pull_requests") == 3 and count(database, "issue_comments", "lgtm = 1") == 3
    assert [r[0] for r in database.execute("SELECT full_name FROM repositories")] == ["acme/widgets"]
    database.close()


def test_the_command_line_refuses_a_bad_date(monkeypatch, capsys, app_key):
    from app.cli import main

    monkeypatch.setenv("APP_ID", str(app_key.app_id))
    monkeypatch.setenv("PRIVATE_KEY", app_key.private_pem)
    assert main(["backfill", "--since", "last tuesday"]) == 2
    assert capsys.readouterr().err == "ladder: --since must be a date like 2025-01-31, got 'last tuesday'\n"
