"""What the history import's queries cost under GitHub's documented formula, and the stand-in parts they
rely on (timelineItems, review threads, node(id)), over real HTTP."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from app.backfill import queries
from app.backfill.runner import Options, run_jobs
from app.stand_in.graphql_api import parse_and_validate, query_cost
from tests.test_backfill import INSTALLATION, ago, count, db, schedule, seed  # noqa: F401 - db is a fixture

T0 = datetime(2026, 3, 1, tzinfo=timezone.utc)


def cost(document: str, variables: dict | None = None) -> int:
    parsed, errors = parse_and_validate(document)
    assert errors == ()
    points, problems = query_cost(parsed, None, variables or {})
    assert problems == []
    return points


def test_the_cost_formula_is_githubs_documented_example():
    # docs.github.com, "Rate limits and node limits for the GraphQL API", calculating a rate limit score:
    # 1 (repositories) + 100 (issues, one per repository) + 5,000 (labels, one per issue) = 5,101 requests,
    # divided by 100 and rounded: 51 points.
    assert (
        cost("""query { viewer { login repositories(first: 100) { edges { node { id
      issues(first: 50) { edges { node { id labels(first: 60) { edges { node { id name } } } } } } } } } } }""")
        == 51
    )


def test_a_connections_own_page_size_does_not_change_its_cost():
    shape = """query {{ repository(owner: "a", name: "b") {{ pullRequests(first: 74) {{ nodes {{
      labels(first: {n}) {{ nodes {{ name }} }} comments(first: {n}) {{ totalCount }} }} }} }} }}"""
    # 1 + 74 + 74 = 149 requests whatever the inner page size: one point.
    assert cost(shape.format(n=1)) == cost(shape.format(n=100)) == 1


def test_counting_review_comments_inside_the_page_is_charged_per_review():
    # A `totalCount` below the reviews still costs one request per review the page could hold:
    # 1 + 49 * 3 + 49 * 50 = 2,598 requests, 26 points, against 1 point without it.
    document = """query { repository(owner: "a", name: "b") { pullRequests(first: 49) { nodes {
      labels(first: 20) { totalCount } comments(first: 50) { totalCount }
      reviews(first: 50) { nodes { databaseId comments { totalCount } } } } } } }"""
    assert cost(document) == 26


async def test_the_timeline_holds_comments_reviews_and_threads_in_time_order(stand_in, github_client):
    state = stand_in.state
    seed(stand_in)
    pr = state.add_pull_request("acme/widgets", author="alice", created_at=T0)
    state.add_comment("acme/widgets", pr.number, author="carol", body="/lgtm", at=T0 + timedelta(hours=1))
    review = state.add_review(
        "acme/widgets",
        pr.number,
        author="bob",
        state="COMMENTED",
        at=T0 + timedelta(hours=2),
        comments=[("a.py", "nit"), ("b.py", "typo")],
    )
    gh = await github_client.for_installation(INSTALLATION)

    data = await gh.graphql(queries.MORE_TIMELINE, owner="acme", name="widgets", number=pr.number, after=None)

    items = data["repository"]["pullRequest"]["timelineItems"]["nodes"]
    assert [i["__typename"] for i in items] == [
        "IssueComment",
        "PullRequestReview",
        "PullRequestReviewThread",
        "PullRequestReviewThread",
    ]
    assert data["rateLimit"]["cost"] == 1
    threads = [i["id"] for i in items[2:]]
    answer = await gh.graphql(queries.thread_comments_query(2), **queries.thread_comments_variables(threads))
    comments = [answer[f"t{i}"]["comments"]["nodes"] for i in range(2)]
    assert [[c["databaseId"] for c in found] for found in comments] == [[c.id] for c in review.comments]
    assert {c["pullRequestReview"]["databaseId"] for found in comments for c in found} == {review.id}
    assert answer["rateLimit"]["cost"] == 1


async def test_review_threads_of_several_pages_are_read_together(stand_in, github_client, db):
    state = stand_in.state
    repo = seed(stand_in)
    for i in range(5):
        pr = state.add_pull_request("acme/widgets", author="alice", created_at=ago(30 - i))
        state.add_review(
            "acme/widgets",
            pr.number,
            author="bob",
            state="COMMENTED",
            at=ago(29 - i),
            comments=[("a.py", "nit"), ("b.py", "typo")],
        )
        state.add_review("acme/widgets", pr.number, author="carol", state="APPROVED", at=ago(28 - i))
    schedule(db, repo)

    report = await run_jobs(db, github_client, options=Options(page_size=2))

    assert report.pull_requests == 5
    assert count(db, "reviews") == 10
    assert count(db, "review_comments") == 10
    bodies = [r.body for r in stand_in.requests if r.path == "/graphql"]
    # Three pages, then the ten threads in one query (fewer than 149 wait for the last page).
    assert [b["query"].split("(")[0].split()[-1] for b in bodies] == ["BackfillPullRequests"] * 3 + [
        "BackfillThreadComments"
    ]
