"""Who sees the dashboard and /metrics (PRODUCT.md §5), over HTTP: the real service signs visitors in with
GitHub through the stand-in's OAuth pages, a visitor sees only their organisations' cohorts, people and
writes, a non-member is refused, cookies cannot be forged or outlive their expiry; without sign-in the
dashboard is off unless DASHBOARD_PUBLIC; METRICS_TOKEN guards /metrics. Links follow GITHUB_API_URL's
web host (GitHub Enterprise Server), in the dashboard and in the reports."""

from __future__ import annotations

import base64
import json
import logging
import re
import time
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest

from app.cli import main as ladder
from app.outbox import Comment, plan
from app.server.auth import OFF_HINT, SESSION_COOKIE, STATE_COOKIE, Signer
from tests.conftest import start_service, stop_service
from tests.read_side_db import build, config_text, evaluation, requirement
from tests.stores import cli_database, insert_rows, open_test_database

GLOBEX_COHORT = {
    "name": "globex-members",
    "target": "member",
    "start": "2020-01-01",
    "end": "2020-06-30",
    "mentors": ["gina"],
    "mentees": ["zed"],
}


def two_orgs(path):
    """read_side_db's acme (cohort api-reviewers: alice, bob, dora) and a second organisation, globex, with
    one mentee (zed) who is ready, a readiness issue without a stored address, and one write."""
    build(path)
    db = open_test_database(path)
    insert_rows(db, "people", [{"id": 4, "login": "zed", "type": "User"}])
    insert_rows(
        db,
        "org_configs",
        [
            {
                "org": "globex",
                "installation_id": 10,
                "source": None,
                "text": config_text([GLOBEX_COHORT]),
                "loaded_at": "2020-05-01",
            }
        ],
    )
    insert_rows(db, "installations", [{"id": 10, "account_login": "globex", "account_type": "Organization"}])
    zed = evaluation(
        4, "zed", "member", "globex", "ready", [requirement("prs", "count", "Authored 2 PRs in globex", 2, 2, True)]
    )
    insert_rows(
        db,
        "evaluations",
        [
            {
                "person_id": 4,
                "org": "globex",
                "level": "member",
                "scope": "globex",
                "ladder": "kubernetes",
                "state": "ready",
                "result": json.dumps(zed),
                "evaluated_at": zed["evaluated_at"],
            }
        ],
    )
    insert_rows(
        db,
        "readiness",
        [
            {
                "person_id": 4,
                "login": "zed",
                "org": "globex",
                "level": "member",
                "scope": "globex",
                "key": "readiness:4:member:globex",
                "community_repo": "globex/community",
                "issue_number": 5,
                "status": "open",
                "opened_at": "2020-05-02T10:00:00Z",
            }
        ],
    )
    plan(db, Comment(name="globex-note", repo="globex/community", number=5, body="hi", org="globex"), dry_run=True)
    db.close()
    return path


@pytest.fixture
def oauth_world(stand_in):
    """The stand-in as GitHub: the App installed on acme, globex and initech; maya in acme, gina in globex,
    mallory only in initech (which Ladder knows nothing about)."""
    state = stand_in.state
    for installation_id, org in ((9, "acme"), (10, "globex"), (11, "initech")):
        state.add_installation(installation_id, org)
    state.add_org_member("acme", "maya")
    state.add_org_member("globex", "gina")
    state.add_org_member("initech", "mallory")
    return stand_in


async def signed_in_service(tmp_path, stand_in, **settings):
    oauth = {
        "github_api_url": stand_in.url,
        "github_client_id": stand_in.state.oauth_client_id,
        "github_client_secret": stand_in.state.oauth_client_secret,
    }
    service = await start_service(two_orgs(tmp_path / "ladder.db"), start_worker=False, **(oauth | settings))
    stand_in.state.oauth_callback_urls = [service.url("/auth/callback")]
    return service


def browser() -> aiohttp.ClientSession:
    # Both servers listen on 127.0.0.1, and cookies for an IP address are kept only by an "unsafe" jar.
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


async def sign_in(session: aiohttp.ClientSession, service, stand_in, login: str) -> aiohttp.ClientResponse:
    """What a person does: open the dashboard, land on GitHub's sign-in form, sign in; back on the dashboard."""
    async with session.get(service.url("/")) as resp:
        assert resp.status == 200 and resp.url.path == "/login" and str(resp.url).startswith(stand_in.url)
        assert "Sign in to GitHub" in await resp.text()
        return_to = resp.url.query["return_to"]
    async with session.post(stand_in.url + "/session", data={"login": login, "return_to": return_to}) as resp:
        await resp.read()
        return resp


def session_cookie(session: aiohttp.ClientSession) -> str:
    return next(c.value for c in session.cookie_jar if c.key == SESSION_COOKIE)


def cohorts_on(page: str) -> list[str]:
    return re.findall(r'<section class="cohort" data-cohort="([^"]+)"', page)


def people_on(page: str) -> list[str]:
    return re.findall(r'<tr class="person" data-login="([^"]+)"', page)


# ---------------------------------------------------------------------------------------- sign-in
async def test_the_sign_in_round_trip_shows_a_member_their_organisation_only(tmp_path, oauth_world, caplog):
    caplog.set_level(logging.DEBUG)
    service = await signed_in_service(tmp_path, oauth_world)
    try:
        async with browser() as session:
            resp = await sign_in(session, service, oauth_world, "maya")
            assert resp.status == 200 and str(resp.url) == service.url("/")
            page = await resp.text(encoding="utf-8")
            assert cohorts_on(page) == ["api-reviewers", "web-members"]
            assert set(people_on(page)) == {"alice", "bob", "dora"}  # not zed, globex's
            assert "globex" not in page
            assert page.count('<tr class="effect"') == 4  # acme's four writes, not globex's
            assert 'signed in as @maya</span> · <a href="/logout">sign out</a>' in page
            cookie = session_cookie(session)
            # the session holds the login, the organisations and the expiry: not GitHub's token
            payload = json.loads(base64.urlsafe_b64decode(cookie.split(".")[0] + "=="))
            assert set(payload) == {"login", "orgs", "exp"}
            assert (payload["login"], payload["orgs"]) == ("maya", ["acme"])
            assert 8 * 3600 - 60 < payload["exp"] - time.time() <= 8 * 3600
            # reloading keeps the visitor signed in: no second trip to GitHub
            async with session.get(service.url("/"), allow_redirects=False) as again:
                assert again.status == 200 and cohorts_on(await again.text()) == ["api-reviewers", "web-members"]
        (token,) = oauth_world.state.user_tokens
        assert [r.path for r in oauth_world.requests] == ["/user", "/user/memberships/orgs"]
        secrets = [oauth_world.state.oauth_client_secret, token, cookie]
        assert not [s for s in secrets if s in caplog.text or s in page]
        assert "@maya signed in (1 of Ladder's organisations)" in caplog.text
    finally:
        await stop_service(service)


async def test_the_session_cookie_is_httponly_lax_and_secure_behind_https(tmp_path, oauth_world):
    service = await signed_in_service(tmp_path, oauth_world)
    try:
        async with browser() as session:
            async with session.get(service.url("/login"), allow_redirects=False) as resp:
                assert resp.status == 302
                target = urlsplit(resp.headers["Location"])
                query = parse_qs(target.query)
                assert f"{target.scheme}://{target.netloc}{target.path}" == oauth_world.url + "/login/oauth/authorize"
                assert query["client_id"] == [oauth_world.state.oauth_client_id]
                assert query["redirect_uri"] == [service.url("/auth/callback")]
                state_cookie = resp.cookies[STATE_COOKIE]
                assert state_cookie["httponly"] and state_cookie["samesite"] == "Lax" and not state_cookie["secure"]
                assert oauth_world.state.oauth_client_secret not in resp.headers["Location"]
            # signed in on GitHub already: the authorize page sends the browser straight back
            browser_session = oauth_world.state.sign_in_browser("maya")
            async with session.get(
                resp.headers["Location"], cookies={"user_session": browser_session}, allow_redirects=False
            ) as github:
                callback = github.headers["Location"]
            async with session.get(callback, allow_redirects=False) as back:
                assert (back.status, back.headers["Location"]) == (302, "/")
                cookie = back.cookies[SESSION_COOKIE]
                assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/"
                assert not cookie["secure"] and cookie["max-age"] == str(8 * 3600)
                assert back.cookies[STATE_COOKIE].value == ""  # the state is used up
            # the same site behind an https proxy (Heroku's router says so in X-Forwarded-Proto)
            headers = {"X-Forwarded-Proto": "https"}
            async with session.get(service.url("/login"), headers=headers, allow_redirects=False) as resp:
                assert resp.cookies[STATE_COOKIE]["secure"]
                redirect_uri = parse_qs(urlsplit(resp.headers["Location"]).query)["redirect_uri"][0]
                assert redirect_uri == "https://" + urlsplit(service.url("/")).netloc + "/auth/callback"
    finally:
        await stop_service(service)


async def test_a_member_of_another_organisation_sees_that_one(tmp_path, oauth_world):
    service = await signed_in_service(tmp_path, oauth_world)
    try:
        async with browser() as session:
            resp = await sign_in(session, service, oauth_world, "gina")
            page = await resp.text()
        assert cohorts_on(page) == ["globex-members"]
        assert people_on(page) == ["zed"]
        assert re.findall(r'<td class="what" data-label="Effect">([^<]+)</td>', page) == [
            "comment on globex/community#5"
        ]
        # zed's readiness issue: no address stored, so it is built on the web host of GITHUB_API_URL
        assert f'<a href="{oauth_world.url}/globex/community/issues/5">readiness issue</a>' in page
    finally:
        await stop_service(service)


async def test_a_visitor_in_none_of_ladders_organisations_gets_403(tmp_path, oauth_world):
    service = await signed_in_service(tmp_path, oauth_world)
    try:
        async with browser() as session:
            resp = await sign_in(session, service, oauth_world, "mallory")
            assert resp.status == 403
            assert await resp.text() == (
                "@mallory is not a member of any organisation Ladder is installed on, so there is nothing to show "
                "(sign out at /logout).\n"
            )
    finally:
        await stop_service(service)


async def test_logout_forgets_the_session(tmp_path, oauth_world):
    service = await signed_in_service(tmp_path, oauth_world)
    try:
        async with browser() as session:
            await sign_in(session, service, oauth_world, "maya")
            async with session.get(service.url("/logout")) as resp:
                assert resp.status == 200
                assert await resp.text() == "You are signed out of Ladder's dashboard; sign in again at /login.\n"
            assert not [c for c in session.cookie_jar if c.key == SESSION_COOKIE and c.value]
            async with session.get(service.url("/"), allow_redirects=False) as resp:
                assert (resp.status, resp.headers["Location"]) == (302, "/login")
    finally:
        await stop_service(service)


async def test_forged_altered_and_expired_cookies_are_refused(tmp_path, oauth_world):
    service = await signed_in_service(tmp_path, oauth_world)
    secret = oauth_world.state.oauth_client_secret
    try:
        async with browser() as session:
            await sign_in(session, service, oauth_world, "maya")
            good = session_cookie(session)
        body, mac = good.split(".")
        claims = json.loads(base64.urlsafe_b64decode(body + "=="))
        widened = base64.urlsafe_b64encode(json.dumps(claims | {"orgs": ["acme", "globex"]}).encode()).decode()
        bad = {
            "altered": f"{widened.rstrip('=')}.{mac}",
            "signed with another key": Signer("not the secret").sign("session", claims, 3600),
            "expired": Signer(secret, clock=lambda: time.time() - 9 * 3600).sign("session", claims, 8 * 3600),
            "a state cookie": Signer(secret).sign("state", claims, 3600),
            "garbage": "e30.",
        }
        for what, value in bad.items():
            async with aiohttp.ClientSession() as session:
                async with session.get(
                    service.url("/"), headers={"Cookie": f"{SESSION_COOKIE}={value}"}, allow_redirects=False
                ) as resp:
                    assert (resp.status, resp.headers["Location"]) == (302, "/login"), what
                    assert resp.cookies[SESSION_COOKIE].value == "", what  # and it is cleared
        async with aiohttp.ClientSession() as session:  # the good one still works, on its own
            async with session.get(service.url("/"), headers={"Cookie": f"{SESSION_COOKIE}={good}"}) as resp:
                assert resp.status == 200 and cohorts_on(await resp.text()) == ["api-reviewers", "web-members"]
    finally:
        await stop_service(service)


async def test_a_callback_whose_state_does_not_match_is_refused_before_github_is_asked(tmp_path, oauth_world):
    service = await signed_in_service(tmp_path, oauth_world)
    try:
        async with browser() as session:
            async with session.get(service.url("/login"), allow_redirects=False) as resp:
                state = parse_qs(urlsplit(resp.headers["Location"]).query)["state"][0]
            code = oauth_world.state.issue_code(oauth_world.state.user("maya").id, service.url("/auth/callback"))
            async with session.get(service.url("/auth/callback"), params={"code": code, "state": state + "x"}) as resp:
                assert resp.status == 400
                assert await resp.text() == (
                    "This sign-in's state does not match the one this browser started; sign in again at /login.\n"
                )
            # a state from another browser (no state cookie here) is refused too
            async with aiohttp.ClientSession() as other:
                async with other.get(service.url("/auth/callback"), params={"code": code, "state": state}) as resp:
                    assert resp.status == 400
                    assert await resp.text() == (
                        "This sign-in was not started in this browser, or took too long; sign in again at /login.\n"
                    )
        assert oauth_world.requests == []  # no token was asked for, nobody was looked up
        assert code in oauth_world.state.oauth_codes  # the code was never spent
    finally:
        await stop_service(service)


async def test_a_code_github_refuses_and_a_denied_authorisation_are_one_sentence(tmp_path, oauth_world):
    service = await signed_in_service(tmp_path, oauth_world)
    try:
        async with browser() as session:
            for params, status, text in (
                (
                    {"code": "not-a-code"},
                    400,
                    "GitHub did not accept the sign-in (bad_verification_code); sign in again at /login.\n",
                ),
                (
                    {"error": "access_denied"},
                    403,
                    "The sign-in was not authorised on GitHub; sign in again at /login.\n",
                ),
            ):
                async with session.get(service.url("/login"), allow_redirects=False) as resp:
                    state = parse_qs(urlsplit(resp.headers["Location"]).query)["state"][0]
                async with session.get(service.url("/auth/callback"), params={**params, "state": state}) as resp:
                    assert (resp.status, await resp.text()) == (status, text)
        assert oauth_world.state.user_tokens == {}
    finally:
        await stop_service(service)


async def test_a_wrong_client_secret_is_the_operators_mistake_and_says_so(tmp_path, oauth_world, caplog):
    service = await signed_in_service(tmp_path, oauth_world, github_client_secret="wrong-secret-value")
    try:
        async with browser() as session:
            resp = await sign_in(session, service, oauth_world, "maya")
            assert resp.status == 502
            assert await resp.text() == (
                "GitHub refused Ladder's client credentials (GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET).\n"
            )
        assert "wrong-secret-value" not in caplog.text
    finally:
        await stop_service(service)


# ---------------------------------------------------------------------------------------- without sign-in
async def test_without_oauth_the_dashboard_is_off_with_a_hint_and_the_health_pages_stay_open(tmp_path):
    # with its worker, so /healthz has a worker to report on (a web-only process without one says 503)
    service = await start_service(two_orgs(tmp_path / "ladder.db"))
    try:
        async with service.session.get(service.url("/")) as resp:
            assert resp.status == 404
            assert await resp.text() == OFF_HINT + "\n"
            assert OFF_HINT.count("\n") == 0 and "DASHBOARD_PUBLIC=true" in OFF_HINT and "GITHUB_CLIENT_ID" in OFF_HINT
        async with service.session.get(service.url("/login")) as resp:
            assert resp.status == 404  # no sign-in routes without OAuth credentials
        for path in ("/ping", "/healthz", "/metrics"):
            async with service.session.get(service.url(path)) as resp:
                assert resp.status == 200, path
    finally:
        await stop_service(service)


async def test_a_public_dashboard_shows_everyone_everything(tmp_path):
    service = await start_service(two_orgs(tmp_path / "ladder.db"), start_worker=False, dashboard_public=True)
    try:
        async with service.session.get(service.url("/")) as resp:
            assert resp.status == 200
            page = await resp.text()
        assert cohorts_on(page) == ["api-reviewers", "web-members", "globex-members"]
        assert set(people_on(page)) == {"alice", "bob", "dora", "zed"}
        assert "signed in as" not in page
    finally:
        await stop_service(service)


# ---------------------------------------------------------------------------------------- METRICS_TOKEN
async def test_metrics_token_guards_metrics_only(tmp_path):
    token = "s3cret-metrics-t0ken"
    service = await start_service(tmp_path / "ladder.db", metrics_token=token)  # with its worker: /healthz 200
    try:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"token {token}"}):
            async with service.session.get(service.url("/metrics"), headers=headers) as resp:
                assert resp.status == 401, headers
                assert resp.headers["WWW-Authenticate"] == 'Bearer realm="ladder metrics"'
                assert await resp.text() == "/metrics needs the header Authorization: Bearer <METRICS_TOKEN>.\n"
        async with service.session.get(service.url("/metrics"), headers={"Authorization": f"Bearer {token}"}) as resp:
            assert resp.status == 200
            text = await resp.text()
            assert "ladder_build_info" in text or "# TYPE" in text
            assert token not in text
        for path in ("/ping", "/healthz"):
            async with service.session.get(service.url(path)) as resp:
                assert resp.status == 200 and token not in await resp.text()
    finally:
        await stop_service(service)


# ---------------------------------------------------------------------------------------- GHES links
async def test_links_follow_an_enterprise_servers_web_host_in_the_dashboard(tmp_path):
    service = await start_service(
        two_orgs(tmp_path / "ladder.db"),
        start_worker=False,
        dashboard_public=True,
        github_api_url="https://ghe.example.com/api/v3",
    )
    try:
        async with service.session.get(service.url("/")) as resp:
            page = await resp.text()
    finally:
        await stop_service(service)
    # built (only the number is stored): on the Enterprise Server's web host
    assert '<a href="https://ghe.example.com/globex/community/issues/5">readiness issue</a>' in page
    # stored by GitHub itself (html_url): as GitHub gave it
    assert '<a href="https://github.com/acme/api/issues/3#issuecomment-5">' in page
    assert page.count("https://github.com/") == 1


def test_links_follow_an_enterprise_servers_web_host_in_reports_and_status(tmp_path, monkeypatch, capsys):
    args = cli_database(two_orgs(tmp_path / "ladder.db"), monkeypatch)
    monkeypatch.setenv("GITHUB_API_URL", "https://ghe.example.com/api/v3")
    assert ladder(["report", "org", "acme", *args]) == 0
    out = capsys.readouterr().out
    assert (
        "| alice | reviewer | acme/api | promoted | [acme/community#11](https://ghe.example.com/acme/community/issues/11)"
        " | 1 Feb 2020 | 1 Mar 2020 |"
    ) in out.splitlines()
    assert ladder(["report", "person", "zed", "--format", "html", *args]) == 0
    assert '<a href="https://ghe.example.com/globex/community/issues/5">open</a>' in capsys.readouterr().out
    assert ladder(["status", "zed", *args]) == 0
    assert "https://ghe.example.com/globex/community/issues/5" in capsys.readouterr().out
    monkeypatch.setenv("GITHUB_API_URL", "ghe.example.com")
    assert ladder(["status", "zed", *args]) == 2
    assert capsys.readouterr().err == "ladder: GITHUB_API_URL must be an http(s) URL, got 'ghe.example.com'\n"
