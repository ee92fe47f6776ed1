"""The GitHub stand-in: it rejects what GitHub would reject, and answers REST and GraphQL from one model."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone

import pytest

from tests.conftest_github import check_violations

INSTALLATION = 5
REPO = "acme/widgets"
T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)


@pytest.fixture
async def gh(stand_in, github_client):
    state = stand_in.state
    state.add_installation(INSTALLATION, "acme")
    state.add_repo(REPO, files={"OWNERS": "approvers:\n- alice\n", "docs/OWNERS": "reviewers:\n- bob\n"}, at=T0)
    return await github_client.for_installation(INSTALLATION)


async def raw(stand_in, gh, method, path, body=None):
    """Send a request as-is (bypassing gidgethub's conveniences), with a valid token."""
    token = await gh._authorization()
    async with gh._session.request(
        method, stand_in.url + path, json=body, headers={"Authorization": token}
    ) as response:
        return response.status, await response.json(content_type=None)


async def test_an_unknown_path_is_a_violation(stand_in, gh):
    status, body = await raw(stand_in, gh, "GET", f"/repos/{REPO}/no-such-thing")
    assert status == 404 and body["message"].endswith("(Not Found)")
    with pytest.raises(pytest.fail.Exception, match="no-such-thing: no such operation"):
        check_violations(stand_in)
    stand_in.take_violations()


async def test_an_issue_without_title_is_a_violation(stand_in, gh):
    status, body = await raw(stand_in, gh, "POST", f"/repos/{REPO}/issues", {"body": "no title"})
    assert status == 422
    assert stand_in.take_violations() == [
        f"POST /repos/{REPO}/issues: Invalid request.\n\nbody (body): 'title' is a required property"
    ]
    assert stand_in.state.repo(REPO).issues == {}
    status, body = await raw(stand_in, gh, "POST", f"/repos/{REPO}/issues", {"title": "ok", "labels": ["ladder"]})
    assert status == 201 and body["labels"][0]["name"] == "ladder"
    assert stand_in.violations == []


async def test_unknown_query_parameters_and_missing_auth_are_violations(stand_in, gh):
    status, _ = await raw(stand_in, gh, "GET", f"/repos/{REPO}/issues?colour=red")
    assert status == 400
    async with gh._session.get(stand_in.url + f"/repos/{REPO}") as response:
        assert response.status == 401
    problems = stand_in.take_violations()
    assert len(problems) == 2
    assert "'colour' is not one of issues/list-for-repo's" in problems[0]
    assert "Bad credentials" in problems[1]


async def test_contents_refs_and_pull_requests_then_merge(stand_in, gh):
    state = stand_in.state
    owners = await gh.getitem(f"/repos/{REPO}/contents/{{+path}}", {"path": "docs/OWNERS"})
    assert base64.b64decode(owners["content"]) == b"reviewers:\n- bob\n"
    main = await gh.getitem(f"/repos/{REPO}/git/ref/heads/main")
    await gh.post(
        f"/repos/{REPO}/git/refs", data={"ref": "refs/heads/ladder/promote-carol", "sha": main["object"]["sha"]}
    )
    new = b"reviewers:\n- bob\n- carol\n"
    await gh.put(
        f"/repos/{REPO}/contents/{{+path}}",
        {"path": "docs/OWNERS"},
        data={
            "message": "Promote carol",
            "content": base64.b64encode(new).decode(),
            "sha": owners["sha"],
            "branch": "ladder/promote-carol",
        },
    )
    pr = await gh.post(
        f"/repos/{REPO}/pulls", data={"title": "Promote carol", "head": "ladder/promote-carol", "base": "main"}
    )
    found = await gh.getitem(f"/repos/{REPO}/pulls?head=acme:ladder/promote-carol&state=open")
    assert [p["number"] for p in found] == [pr["number"]]
    files = await gh.getitem(f"/repos/{REPO}/pulls/{pr['number']}/files")
    assert [(f["filename"], f["status"], f["additions"]) for f in files] == [("docs/OWNERS", "modified", 1)]
    assert state.repo(REPO).file("docs/OWNERS") == b"reviewers:\n- bob\n"

    push = state.merge_pull_request(REPO, pr["number"], merged_by="alice")
    assert state.repo(REPO).file("docs/OWNERS") == new
    assert push["ref"] == "refs/heads/main" and push["head_commit"]["modified"] == ["docs/OWNERS"]
    assert push["installation"]["id"] == INSTALLATION
    merged = await gh.getitem(f"/repos/{REPO}/pulls/{pr['number']}")
    assert merged["merged"] and merged["merged_by"]["login"] == "alice"
    history = await gh.getitem(f"/repos/{REPO}/commits?path=docs/OWNERS&sha=main")
    assert [c["commit"]["message"] for c in history] == [
        f"Merge pull request #{pr['number']}: Promote carol",
        "Initial commit",
    ]
    assert state.count_writes("POST") == 2 and state.count_writes("PUT") == 1


async def test_a_stale_sha_is_a_conflict(stand_in, gh):
    import gidgethub

    with pytest.raises(gidgethub.BadRequest) as caught:
        await gh.put(
            f"/repos/{REPO}/contents/OWNERS",
            data={"message": "x", "content": base64.b64encode(b"x").decode(), "sha": "0" * 40},
        )
    assert caught.value.status_code == 409


async def test_org_membership_and_profiles(stand_in, gh):
    stand_in.state.add_user("carol", company="Initech")
    stand_in.state.add_org_member("acme", "carol")
    assert await gh.getstatus("/orgs/acme/members/carol") == 204
    assert await gh.getstatus("/orgs/acme/members/dave") == 404
    assert (await gh.getitem("/users/carol"))["company"] == "Initech"


PULLS = """
query($owner: String!, $name: String!, $after: String) {
  rateLimit { cost remaining resetAt limit }
  repository(owner: $owner, name: $name) {
    pullRequests(first: 100, after: $after, orderBy: {field: UPDATED_AT, direction: ASC}) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        databaseId number url title author { login ... on User { databaseId } }
        createdAt updatedAt mergedAt state additions deletions
        labels(first: 10) { nodes { name } }
        files(first: 100) { pageInfo { hasNextPage endCursor } nodes { path } }
        reviews(first: 100) { pageInfo { hasNextPage endCursor }
          nodes { databaseId author { login } state submittedAt url } }
        comments(first: 100) { pageInfo { hasNextPage endCursor }
          nodes { databaseId author { login } body createdAt url } }
      }
    }
  }
}
"""


async def test_graphql_pages_through_pull_requests(stand_in, gh):
    state = stand_in.state
    for n in range(250):
        at = T0 + timedelta(hours=250 - n)  # updated in the reverse order of their numbers
        state.add_pull_request(
            REPO,
            author=f"user{n % 7}",
            created_at=at,
            merged_at=at + timedelta(hours=1),
            labels=["kind/docs"],
            files=["docs/a.md"],
        )
    numbers, costs = [], []
    after = None
    while True:
        data = await gh.graphql(PULLS, owner="acme", name="widgets", after=after)
        page = data["repository"]["pullRequests"]
        numbers += [node["number"] for node in page["nodes"]]
        costs.append(data["rateLimit"]["cost"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert numbers == list(range(250, 0, -1))
    assert page["totalCount"] == 250
    # GitHub's formula: 1 + 100 (labels) + 100 (files) + 100 (reviews) + 100 (comments) requests = 4 points
    assert costs == [4, 4, 4]
    assert data["rateLimit"]["remaining"] == 5000 - 12


async def test_more_than_100_reviews_paginate_and_deleted_authors_are_null(stand_in, gh):
    state = stand_in.state
    pr = state.add_pull_request(REPO, author="gone", created_at=T0)
    for n in range(130):
        state.add_review(REPO, pr.number, author=f"r{n}", state="COMMENTED", at=T0 + timedelta(minutes=n))
    state.delete_user("gone")
    query = """query($after: String) { repository(owner: "acme", name: "widgets") {
      pullRequests(first: 1) { nodes { author { login } reviews(first: 100, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } nodes { author { login } } } } } } }"""
    first = (await gh.graphql(query))["repository"]["pullRequests"]["nodes"][0]
    assert first["author"] is None
    assert first["reviews"]["totalCount"] == 130 and first["reviews"]["pageInfo"]["hasNextPage"]
    cursor = first["reviews"]["pageInfo"]["endCursor"]
    second = (await gh.graphql(query, after=cursor))["repository"]["pullRequests"]["nodes"][0]["reviews"]
    logins = [n["author"]["login"] for n in first["reviews"]["nodes"] + second["nodes"]]
    assert logins == [f"r{n}" for n in range(130)] and not second["pageInfo"]["hasNextPage"]
    rest = await gh.getitem(f"/repos/{REPO}/pulls/{pr.number}")
    assert rest["user"]["login"] == "ghost"


async def test_graphql_violations(stand_in, gh):
    import gidgethub

    with pytest.raises(gidgethub.QueryError):
        await gh.graphql(
            'query { repository(owner: "acme", name: "widgets") { pullRequests(first: 5) { nodes { colour } } } }'
        )
    with pytest.raises(gidgethub.QueryError, match="exceeds the `first` limit of 100"):
        await gh.graphql(
            'query { repository(owner: "acme", name: "widgets") { pullRequests(first: 101) { nodes { number } } } }'
        )
    with pytest.raises(gidgethub.QueryError, match="must provide a `first` or `last`"):
        await gh.graphql('query { repository(owner: "acme", name: "widgets") { pullRequests { nodes { number } } } }')
    problems = stand_in.take_violations()
    assert len(problems) == 3
    assert "Cannot query field 'colour' on type 'PullRequest'" in problems[0]


async def test_graphql_over_budget_is_rate_limited_with_http_200(stand_in, gh):
    from app.github import GraphQLRateLimited

    stand_in.state.graphql_limit = 5
    query = 'query { repository(owner: "acme", name: "widgets") { pullRequests(first: 100) { nodes { number comments(first: 100) { totalCount } } } } }'
    await gh.graphql(query)  # 1 + 100 requests: 1 point
    for _ in range(4):
        await gh.graphql(query)
    with pytest.raises(GraphQLRateLimited):
        await gh.graphql(query)
    assert stand_in.requests[-1].status == 200
