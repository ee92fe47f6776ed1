"""The app's GitHub client against the stand-in, over a real socket."""

from __future__ import annotations

import asyncio
import logging
import time

import gidgethub
import jwt
import pytest

from app.github import (
    GitHubClient,
    GitHubRetryLater,
    GraphQLRateLimited,
    RetryPolicy,
    graphql_endpoint,
    make_client,
    retry_advice,
    rewrite_url,
)

INSTALLATION = 77
REPO = "kubernetes/community"


@pytest.fixture
def seeded(stand_in):
    state = stand_in.state
    state.add_installation(INSTALLATION, "kubernetes")
    state.add_repo(REPO, files={"OWNERS": "approvers:\n- alice\n"})
    state.add_user("alice", company="ACME")
    state.add_org_member("kubernetes", "alice")
    return state


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


async def test_one_access_token_serves_many_calls(stand_in, seeded, github_client):
    gh = await github_client.for_installation(INSTALLATION)
    await asyncio.gather(*(gh.getitem(f"/repos/{REPO}") for _ in range(10)))
    await gh.getitem("/users/alice")
    assert len(stand_in.requests_to("POST", "/app/installations/*/access_tokens")) == 1
    assert await github_client.for_installation(INSTALLATION) is gh


async def test_token_is_renewed_five_minutes_before_it_expires(stand_in, seeded, app_key, http_session):
    clock = Clock()
    client = GitHubClient(
        http_session, app_id=app_key.app_id, private_key=app_key.private_pem, api_url=stand_in.url, clock=clock
    )
    gh = await client.for_installation(INSTALLATION)
    await gh.getitem("/users/alice")
    clock.now += 54 * 60  # 6 minutes left: still good
    await gh.getitem("/users/alice")
    assert len(stand_in.requests_to("POST", "/app/installations/*/access_tokens")) == 1
    clock.now += 2 * 60  # 4 minutes left: renew
    await gh.getitem("/users/alice")
    assert len(stand_in.requests_to("POST", "/app/installations/*/access_tokens")) == 2


async def test_app_jwt_is_signed_with_the_app_key(stand_in, seeded, github_client, app_key):
    token = github_client._jwt.get()
    claims = jwt.decode(token, app_key.public_pem, algorithms=["RS256"])
    assert claims["iss"] == str(app_key.app_id)
    assert claims["exp"] - claims["iat"] <= 600
    assert github_client._jwt.get() == token  # reused, not re-signed per call
    app = await github_client.app_api().getitem("/app")
    assert app["id"] == app_key.app_id


async def test_a_jwt_from_another_key_is_refused(stand_in, seeded, http_session):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    other = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        .decode()
    )
    client = GitHubClient(http_session, app_id=stand_in.state.app_id, private_key=other, api_url=stand_in.url)
    with pytest.raises(gidgethub.BadRequest) as caught:
        await client.app_api().getitem("/app")
    assert caught.value.status_code == 401
    assert ["GET /app: App JWT rejected: Signature verification failed"] == stand_in.take_violations()


async def test_absolute_payload_urls_go_to_the_configured_api(stand_in, seeded, github_client):
    gh = await github_client.for_installation(INSTALLATION)
    issue = await gh.post(f"/repos/{REPO}/issues", data={"title": "Ready", "body": "x"})
    assert issue["comments_url"] == f"https://api.github.com/repos/{REPO}/issues/1/comments"
    comment = await gh.post(issue["comments_url"], data={"body": "hello"})
    await gh.patch(comment["url"], data={"body": "hello again"})
    assert stand_in.state.repo(REPO).issues[1].comments[0].body == "hello again"
    assert [(r.method, r.path) for r in stand_in.requests[-2:]] == [
        ("POST", f"/repos/{REPO}/issues/1/comments"),
        ("PATCH", f"/repos/{REPO}/issues/comments/{comment['id']}"),
    ]


async def test_pagination_follows_link_headers_through_the_rewrite(stand_in, seeded, github_client):
    for n in range(5):
        seeded.add_issue(REPO, title=f"issue {n}", author="alice")
    gh = await github_client.for_installation(INSTALLATION)
    titles = [i["title"] async for i in gh.getiter(f"/repos/{REPO}/issues?per_page=2&sort=created&direction=asc")]
    assert titles == [f"issue {n}" for n in range(5)]
    assert len(stand_in.requests_to("GET", f"/repos/{REPO}/issues")) == 3


def test_rewrite_url_and_graphql_endpoint():
    assert (
        rewrite_url("https://api.github.com/repos/o/r/issues/1/comments", "http://127.0.0.1:9")
        == "http://127.0.0.1:9/repos/o/r/issues/1/comments"
    )
    assert (
        rewrite_url("https://api.github.com/repos/o/r/pulls?state=all", "https://ghe.example/api/v3")
        == "https://ghe.example/api/v3/repos/o/r/pulls?state=all"
    )
    assert (
        rewrite_url("https://ghe.example/api/v3/repos/o/r", "https://ghe.example/api/v3")
        == "https://ghe.example/api/v3/repos/o/r"
    )
    assert rewrite_url("/repos/o/r", "https://ghe.example/api/v3/") == "https://ghe.example/api/v3/repos/o/r"
    assert graphql_endpoint("https://api.github.com") == "https://api.github.com/graphql"
    assert graphql_endpoint("https://ghe.example/api/v3") == "https://ghe.example/api/graphql"
    assert graphql_endpoint("http://127.0.0.1:9") == "http://127.0.0.1:9/graphql"


async def test_ghes_client_derives_its_graphql_endpoint(http_session, app_key):
    client = GitHubClient(http_session, app_id=1, private_key=app_key.private_pem, api_url="https://ghe.example/api/v3")
    assert client.graphql_url == "https://ghe.example/api/graphql"


async def test_every_request_pins_the_api_version(stand_in, seeded, github_client):
    gh = await github_client.for_installation(INSTALLATION)
    await gh.getitem(f"/repos/{REPO}")
    await gh.graphql("query { rateLimit { cost remaining } }")
    assert len(stand_in.requests) == 3  # token, REST, GraphQL
    assert {r.headers.get("x-github-api-version") for r in stand_in.requests} == {"2022-11-28"}


async def test_unchanged_get_is_a_304_from_the_etag_cache(stand_in, seeded, github_client):
    gh = await github_client.for_installation(INSTALLATION)
    first = await gh.getitem(f"/repos/{REPO}/contents/OWNERS")
    remaining = gh.rate_limit.remaining
    second = await gh.getitem(f"/repos/{REPO}/contents/OWNERS")
    assert second == first
    assert [r.status for r in stand_in.requests_to("GET", f"/repos/{REPO}/contents/OWNERS")] == [200, 304]
    assert stand_in.state.budget("rest", INSTALLATION).used == 1  # the 304 was free
    assert remaining == 4999


async def test_a_list_that_grew_a_page_is_read_whole_the_second_time(stand_in, seeded, github_client):
    """A 304 on an unchanged first page must not hide a second page that appeared since."""
    state = stand_in.state
    issue = state.add_issue(REPO, title="Tracking", author="octocat")
    for i in range(3):
        state.add_comment(REPO, issue.number, author="octocat", body=f"comment {i}")
    gh = await github_client.for_installation(INSTALLATION)
    url = f"/repos/{REPO}/issues/{issue.number}/comments?per_page=3"
    assert [c["body"] async for c in gh.getiter(url)] == ["comment 0", "comment 1", "comment 2"]
    state.add_comment(REPO, issue.number, author="octocat", body="comment 3")
    assert [c["body"] async for c in gh.getiter(url)] == ["comment 0", "comment 1", "comment 2", "comment 3"]


async def test_secondary_limit_with_retry_after(stand_in, seeded, github_client, fake_sleep):
    seeded.fail_next(1, status=403, retry_after=7, path_glob="/users/*")
    gh = await github_client.for_installation(INSTALLATION)
    assert (await gh.getitem("/users/alice"))["company"] == "ACME"
    assert fake_sleep.delays == [7.0]


async def test_429_without_headers_backs_off_from_a_minute(stand_in, seeded, github_client, fake_sleep):
    seeded.fail_next(2, status=429, path_glob="/users/*")
    gh = await github_client.for_installation(INSTALLATION)
    await gh.getitem("/users/alice")
    assert fake_sleep.delays == [60.0, 120.0]


async def test_primary_limit_waits_for_the_reset(stand_in, seeded, app_key, http_session, fake_sleep):
    clock = Clock()
    client = GitHubClient(
        http_session,
        app_id=app_key.app_id,
        private_key=app_key.private_pem,
        api_url=stand_in.url,
        policy=RetryPolicy(sleep=fake_sleep, clock=clock),
    )
    reset = int(clock.now) + 30
    seeded.fail_next(
        1,
        status=403,
        path_glob="/users/*",
        message="API rate limit exceeded",
        headers={"x-ratelimit-limit": "5000", "x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)},
    )
    gh = await client.for_installation(INSTALLATION)
    await gh.getitem("/users/alice")
    assert fake_sleep.delays == [reset - clock.now + 1]


async def test_server_error_then_success(stand_in, seeded, github_client, fake_sleep):
    seeded.fail_next(1, status=502, path_glob=f"/repos/{REPO}")
    gh = await github_client.for_installation(INSTALLATION)
    assert (await gh.getitem(f"/repos/{REPO}"))["full_name"] == REPO
    assert fake_sleep.delays == [1.0]


async def test_a_post_that_met_a_502_is_left_to_the_caller(stand_in, seeded, github_client, fake_sleep):
    seeded.fail_next(1, status=502, method="POST", path_glob="*/issues")
    gh = await github_client.for_installation(INSTALLATION)
    with pytest.raises(GitHubRetryLater) as caught:
        await gh.post(f"/repos/{REPO}/issues", data={"title": "Ready"})
    assert caught.value.maybe_applied and caught.value.status == 502
    assert retry_advice(caught.value).retryable
    assert fake_sleep.delays == []
    assert len(stand_in.requests_to("POST", f"/repos/{REPO}/issues")) == 1


async def test_a_rate_limited_post_is_retried_and_written_once(stand_in, seeded, github_client, fake_sleep):
    seeded.fail_next(1, status=403, retry_after=3, method="POST", path_glob="*/issues")
    gh = await github_client.for_installation(INSTALLATION)
    await gh.post(f"/repos/{REPO}/issues", data={"title": "Ready"})
    assert fake_sleep.delays == [3.0]
    assert seeded.count_writes("POST", "*/issues") == 1
    assert len(seeded.repo(REPO).issues) == 1


async def test_tries_are_capped(stand_in, seeded, github_client, fake_sleep):
    seeded.fail_next(10, status=502, path_glob="/users/*")
    gh = await github_client.for_installation(INSTALLATION)
    with pytest.raises(GitHubRetryLater) as caught:
        await gh.getitem("/users/alice")
    assert caught.value.attempts == 5
    assert fake_sleep.delays == [1.0, 2.0, 4.0, 8.0]


async def test_a_long_wait_is_handed_back_not_slept(stand_in, seeded, github_client, fake_sleep):
    seeded.fail_next(1, status=429, retry_after=3600, path_glob="/users/*")
    gh = await github_client.for_installation(INSTALLATION)
    with pytest.raises(GitHubRetryLater) as caught:
        await gh.getitem("/users/alice")
    assert caught.value.retry_after == 3600 and not caught.value.maybe_applied
    assert fake_sleep.delays == []


async def test_timeouts_on_reads_are_retried(stand_in, seeded, app_key, http_session, fake_sleep):
    client = GitHubClient(
        http_session,
        app_id=app_key.app_id,
        private_key=app_key.private_pem,
        api_url=stand_in.url,
        policy=RetryPolicy(sleep=fake_sleep),
        request_timeout=0.2,
    )
    seeded.delay_next(1, seconds=1.0, path_glob="/users/*")
    gh = await client.for_installation(INSTALLATION)
    assert (await gh.getitem("/users/alice"))["login"] == "alice"
    assert fake_sleep.delays == [1.0]
    assert len(stand_in.requests_to("GET", "/users/alice")) == 2


async def test_graphql_goes_to_the_derived_endpoint(stand_in, seeded, github_client):
    seeded.add_pull_request(REPO, author="alice", title="Docs")
    gh = await github_client.for_installation(INSTALLATION)
    data = await gh.graphql(
        "query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) {"
        " pullRequests(first: 10) { nodes { title author { login } } } } }",
        owner="kubernetes",
        name="community",
    )
    assert data["repository"]["pullRequests"]["nodes"] == [{"title": "Docs", "author": {"login": "alice"}}]
    assert stand_in.requests[-1].path == "/graphql"


async def test_graphql_rate_limit_with_http_200(stand_in, seeded, github_client):
    seeded.graphql_rate_limited_next(1)
    gh = await github_client.for_installation(INSTALLATION)
    with pytest.raises(GraphQLRateLimited) as caught:
        await gh.graphql("query { rateLimit { remaining } }")
    assert caught.value.retry_after is not None and 0 < caught.value.retry_after <= 3601
    assert (await gh.graphql("query { rateLimit { remaining } }"))["rateLimit"]["remaining"] == 4999


async def test_secrets_stay_out_of_logs_reprs_and_errors(stand_in, seeded, github_client, app_key, caplog):
    caplog.set_level(logging.DEBUG)
    seeded.fail_next(10, status=502, path_glob="/users/*")
    gh = await github_client.for_installation(INSTALLATION)
    with pytest.raises(GitHubRetryLater) as caught:
        await gh.getitem("/users/alice")
    token = await github_client.tokens.get(INSTALLATION)
    jwt_token = github_client._jwt.get()
    key_line = app_key.private_pem.splitlines()[1]
    texts = [
        caplog.text,
        repr(github_client),
        repr(gh),
        repr(github_client.tokens),
        str(caught.value),
        repr(github_client._jwt),
    ]
    for text in texts:
        assert token not in text and jwt_token not in text and key_line not in text


def test_dry_run_has_no_client(app_key):
    assert make_client(object(), app_id=None, private_key=None) is None
    with pytest.raises(ValueError, match="not a PEM private key") as caught:
        GitHubClient(object(), app_id=1, private_key="-----BEGIN RSA PRIVATE KEY-----\nsecretbits\n")
    assert "secretbits" not in str(caught.value)
