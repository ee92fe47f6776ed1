"""A local stand-in for GitHub, for the tests and `ladder demo`: REST and GraphQL over a real socket.

Every request is checked against GitHub's own descriptions (REST: the trimmed OpenAPI in
`rest-openapi.subset.json`; GraphQL: GitHub's schema in `graphql-schema.json.gz`). A request GitHub would
reject is answered 4xx *and* recorded in `stand_in.violations`; the pytest fixture `stand_in`
(tests/conftest_github.py) fails the test at teardown when any was recorded.

Public API
----------
    stand_in = await start_stand_in(host="127.0.0.1", port=0, app_id=1, public_key=PEM)
    stand_in.url            # use as GITHUB_API_URL; GraphQL at stand_in.graphql_url
    stand_in.state          # the State below
    stand_in.requests       # RecordedRequest(method, path, query, body, headers, status, fault)
    stand_in.requests_to("POST", "/repos/*/issues")
    stand_in.violations     # list of "METHOD /path: problem"; take_violations() reads and clears
    await stand_in.close()

State (state.py) -- seed it, inject faults, read it back:
    state.add_installation(id, "org", repositories=None)   # None = all of the account's repositories
    state.add_user(login, id=None, type="User"|"Bot", name=, company=); state.delete_user(login)
    state.add_org_member(org, *logins)
    state.add_repo("o/r", default_branch="main", files={"OWNERS": "..."})
    state.commit("o/r", branch, {path: text or None}, message=, author=, at=)   # history per path
    state.add_issue("o/r", title=, author=, body=, labels=)
    state.add_pull_request("o/r", author=, number=, created_at=, updated_at=, merged_at=, additions=,
                           deletions=, labels=, files=[paths])                    # history for backfill
    state.add_review("o/r", number, author=, state="APPROVED", at=, comments=[(path, body)])
    state.add_comment("o/r", number, author=, body=, at=)
    state.merge_pull_request("o/r", number, merged_by=) -> push payload dict (files land on base branch)
    state.repo("o/r").issues[n] / .comments[id] / .file(path, ref) / .branches
    state.fail_next(n, status=502|403|429, method=, path_glob=, retry_after=, headers=)
    state.delay_next(n, seconds=, method=, path_glob=, apply=False)   # apply=True: done, answer lost
    state.graphql_rate_limited_next(n)        # HTTP 200 + errors[type=RATE_LIMITED]
    state.rest_limit / state.graphql_limit    # hourly budgets per installation (x-ratelimit-* headers)
    state.token_lifetime = 3600; state.clock = time.time   # injectable
    state.count_writes(method=None, path_glob="*")          # successful non-GET requests
    state.oauth_client_id / .oauth_client_secret / .oauth_callback_urls   # the App's OAuth side
    state.sign_in_browser(login) -> cookie value; state.user_tokens  # sign-in: oauth.py

Answers use GitHub's public URLs (https://api.github.com/..., https://github.com/...) like GitHub does,
so a client that does not rewrite payload URLs to GITHUB_API_URL fails. GETs carry an ETag and answer
304 to If-None-Match. Lists paginate with `per_page`/`page` and a `Link` header. Writes made with an
installation token are authored by `<app_slug>[bot]`.

Sign in with GitHub (oauth.py): `/login/oauth/authorize`, `/login` + `POST /session` (a browser signs in
as a stand-in user), `/login/oauth/access_token`; `GET /user` and `GET /user/memberships/orgs` take the user token.

GraphQL (graphql_api.py): `repository { pullRequests(...) { ... reviews { comments } comments files
labels } }`, `organization { repositories }`, `user`, `rateLimit { cost remaining resetAt limit }`,
with GitHub's cost formula and pagination limits. REST and GraphQL read the same objects.
"""

from .server import RecordedRequest, StandIn, start_stand_in
from .state import State

__all__ = ["RecordedRequest", "StandIn", "State", "start_stand_in"]
