"""Who may see the dashboard and `/metrics` (PRODUCT.md §5 "Running in production").

- With `GITHUB_CLIENT_ID` and `GITHUB_CLIENT_SECRET` (the App's OAuth credentials) visitors sign in with
  GitHub: `GET /login` sends them to the web host's `/login/oauth/authorize` with a `state` bound to their
  browser (a signed cookie); `GET /auth/callback` checks it, exchanges the code at
  `/login/oauth/access_token`, reads `/user` and `/user/memberships/orgs` with the token (GitHub lists no
  organisations under `/user/orgs` for a GitHub App's user token), and sets a signed session cookie
  holding the login, the organisations Ladder knows among theirs, and an expiry. The token is then dropped.
  Each visitor sees only those organisations; one who belongs to none of them gets 403.
  `GET /logout` forgets the session.
- `DASHBOARD_PUBLIC=true`: the dashboard is served to everyone.
- Neither: `/` answers 404 with one line saying how to turn the dashboard on.
- `METRICS_TOKEN`: `/metrics` needs `Authorization: Bearer <token>` (compared in constant time).

Cookies are signed with a key derived from the client secret, so every web replica accepts every other's
sessions and rotating the secret signs everyone out. No secret (client secret, token, code, key, cookie)
is ever put into a log line, an answer or a page.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp
import gidgethub
from aiohttp import web
from yarl import URL

from app.github import LadderGitHubAPI, RetryPolicy, graphql_endpoint
from app.settings import Settings
from app.store import orgs as org_store

log = logging.getLogger("ladder.server.auth")

SESSION_COOKIE = "ladder_session"
STATE_COOKIE = "ladder_oauth_state"
SESSION_SECONDS = 8 * 3600  # a working day; as long as GitHub's own user tokens last
STATE_SECONDS = 600  # GitHub's authorization codes expire after 10 minutes too
CALLBACK_PATH = "/auth/callback"
MAX_ORG_PAGES = 10  # 1,000 organisations: more than anyone belongs to
GITHUB_TIMEOUT = 10.0  # a visitor waits for these calls
LOGIN_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})")
ERROR_WORD_RE = re.compile(r"[a-z_]{1,60}")

OFF_HINT = (
    "The dashboard is off: set GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET (the App's OAuth credentials) to let "
    "visitors sign in with GitHub, or DASHBOARD_PUBLIC=true to show it to everyone."
)


class Signer:
    """Signed, expiring cookie values: base64url(JSON) "." base64url(HMAC-SHA256), per purpose."""

    def __init__(self, secret: str, *, clock: Callable[[], float] = time.time) -> None:
        # A key of its own, derived from the client secret: the secret itself is never used as a MAC key.
        self._key = hmac.new(secret.encode(), b"ladder dashboard cookies v1", hashlib.sha256).digest()
        self.clock = clock

    def _mac(self, purpose: str, body: str) -> str:
        digest = hmac.new(self._key, f"{purpose}.{body}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def sign(self, purpose: str, data: dict, lifetime: float) -> str:
        payload = dict(data, exp=int(self.clock() + lifetime))
        body = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).rstrip(b"=").decode()
        return f"{body}.{self._mac(purpose, body)}"

    def unsign(self, purpose: str, value: str | None) -> dict | None:
        """The data, or None when the value is missing, forged, for another purpose, or expired."""
        if not value or value.count(".") != 1:
            return None
        body, mac = value.split(".")
        if not hmac.compare_digest(mac.encode(), self._mac(purpose, body).encode()):
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        except ValueError:
            return None
        exp = data.get("exp") if isinstance(data, dict) else None
        if not isinstance(exp, int) or isinstance(exp, bool) or exp <= self.clock():
            return None
        return data


@dataclass(frozen=True)
class Visitor:
    login: str
    orgs: tuple[str, ...]  # the organisations Ladder knows that they belong to, as Ladder spells them


class SignInFailed(Exception):
    """The sign-in cannot go on: the status and the one sentence the visitor reads."""

    def __init__(self, status: int, sentence: str) -> None:
        super().__init__(sentence)
        self.status, self.sentence = status, sentence


class Access:
    """The service's access rules, built once from the settings."""

    def __init__(self, settings: Settings, pages_db) -> None:
        self.settings = settings
        self.pages_db = pages_db  # read-only: which organisations Ladder knows
        self.signer = Signer(settings.github_client_secret) if settings.sign_in else None
        self.http: aiohttp.ClientSession | None = None

    # ------------------------------------------------------------------ who is visiting
    def ladder_orgs(self) -> list[str]:
        """Accounts the App is installed on and organisations Ladder holds data about."""
        names = {o.lower(): o for o in org_store.known_orgs(self.pages_db)}
        names.update({o.lower(): o for o in org_store.installed_accounts(self.pages_db)})
        return sorted(names.values(), key=str.lower)

    def visitor(self, request: web.Request) -> Visitor | None:
        data = self.signer.unsign("session", request.cookies.get(SESSION_COOKIE)) if self.signer else None
        if data is None:
            return None
        login, orgs = data.get("login"), data.get("orgs")
        if not isinstance(login, str) or not isinstance(orgs, list) or not all(isinstance(o, str) for o in orgs):
            return None
        return Visitor(login, tuple(orgs))

    def visible_orgs(self, visitor: Visitor) -> list[str]:
        theirs = {o.lower() for o in visitor.orgs}
        return [o for o in self.ladder_orgs() if o.lower() in theirs]

    # ------------------------------------------------------------------ GitHub's side of the sign-in
    async def who_is(self, code: str, redirect_uri: str) -> Visitor:
        """Exchange the code for a token, read the user and their organisations; the token is not kept."""
        token = await self._exchange(code, redirect_uri)

        async def authorization() -> str:
            return f"token {token}"

        api_url = self.settings.github_api_url
        gh = LadderGitHubAPI(
            self._session(),
            "ladder",
            api_url=api_url,
            graphql_url=graphql_endpoint(api_url),
            authorization=authorization,
            policy=RetryPolicy(max_tries=2, max_wait=5.0),
            timeout=GITHUB_TIMEOUT,
        )
        try:
            user = await gh.getitem("/user")
            memberships = []
            async for membership in gh.getiter("/user/memberships/orgs?state=active&per_page=100"):
                if membership.get("state") == "active":  # an invitation not yet accepted is no membership
                    memberships.append(membership["organization"]["login"])
                if len(memberships) >= 100 * MAX_ORG_PAGES:
                    break
        except (gidgethub.GitHubException, aiohttp.ClientError, asyncio.TimeoutError, KeyError, TypeError) as error:
            log.warning("dashboard sign-in: GitHub did not say who the visitor is (%s)", type(error).__name__)
            raise SignInFailed(502, "GitHub did not say who you are; try signing in again at /login.") from None
        login = user.get("login") if isinstance(user, dict) else None
        if not isinstance(login, str) or not LOGIN_RE.fullmatch(login):
            raise SignInFailed(502, "GitHub did not say who you are; try signing in again at /login.")
        # An installation on the visitor's own account is theirs to see as well.
        candidates = {m.lower() for m in memberships if isinstance(m, str)} | {login.lower()}
        orgs = tuple(o for o in self.ladder_orgs() if o.lower() in candidates)
        return Visitor(login, orgs)

    async def _exchange(self, code: str, redirect_uri: str) -> str:
        form = {
            "client_id": self.settings.github_client_id,
            "client_secret": self.settings.github_client_secret,
            "code": code,
            "redirect_uri": redirect_uri,
        }
        try:
            async with self._session().post(
                f"{self.settings.web_url}/login/oauth/access_token",
                data=form,
                headers={"Accept": "application/json", "User-Agent": "ladder"},
                timeout=aiohttp.ClientTimeout(total=GITHUB_TIMEOUT),
            ) as resp:
                status = resp.status
                data = await resp.json(content_type=None) if status == 200 else None
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            log.warning("dashboard sign-in: the code exchange failed (%s)", type(error).__name__)
            raise SignInFailed(502, "GitHub could not be reached to finish the sign-in; try again at /login.") from None
        if status != 200 or not isinstance(data, dict):
            log.warning("dashboard sign-in: the code exchange was answered %s", status)
            raise SignInFailed(502, "GitHub could not finish the sign-in; try again at /login.")
        token = data.get("access_token")
        if isinstance(token, str) and token:
            return token
        error = data.get("error")
        word = error if isinstance(error, str) and ERROR_WORD_RE.fullmatch(error) else "no token"
        log.warning("dashboard sign-in: GitHub refused the code (%s)", word)
        if word == "incorrect_client_credentials":  # the operator's mistake, not the visitor's
            raise SignInFailed(
                502, "GitHub refused Ladder's client credentials (GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET)."
            )
        raise SignInFailed(400, f"GitHub did not accept the sign-in ({word}); sign in again at /login.")

    def _session(self) -> aiohttp.ClientSession:
        if self.http is None:
            self.http = aiohttp.ClientSession()
        return self.http

    async def close(self) -> None:
        if self.http is not None:
            await self.http.close()
            self.http = None


ACCESS = web.AppKey("access", Access)


def _sentence(status: int, text: str) -> web.Response:
    return web.Response(status=status, text=text + "\n", content_type="text/plain", charset="utf-8")


def _https(request: web.Request) -> bool:
    """Whether the visitor reached the site over https (directly, or through a proxy such as Heroku's
    router, which says so in X-Forwarded-Proto)."""
    forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    return request.secure or forwarded == "https"


def _origin(request: web.Request) -> str:
    return f"{'https' if _https(request) else 'http'}://{request.host}"


def _set_cookie(request: web.Request, response: web.StreamResponse, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path="/", httponly=True, samesite="Lax", secure=_https(request) or None
    )


def _redirect(location: str) -> web.Response:
    return web.Response(status=302, headers={"Location": location})


def _forget(response: web.StreamResponse, name: str) -> None:
    response.del_cookie(name, path="/")


# ---------------------------------------------------------------------------------------- the guards
def dashboard_page(
    render: Callable[[web.Request, list[str] | None, str | None], Awaitable[web.StreamResponse]],
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """A dashboard page behind the access rules. `render(request, orgs, login)`: `orgs` None means every
    organisation (a public dashboard); `login` is the signed-in visitor's."""

    async def guarded(request: web.Request) -> web.StreamResponse:
        access = request.app[ACCESS]
        if access.settings.dashboard_public:
            return await render(request, None, None)
        if not access.settings.sign_in:
            return _sentence(404, OFF_HINT)
        visitor = access.visitor(request)
        if visitor is None:  # never signed in, or a forged, altered or expired cookie
            response = _redirect("/login")
            if SESSION_COOKIE in request.cookies:
                _forget(response, SESSION_COOKIE)
            return response
        orgs = access.visible_orgs(visitor)
        if not orgs:
            return _sentence(
                403,
                f"@{visitor.login} is not a member of any organisation Ladder is installed on, so there is "
                "nothing to show (sign out at /logout).",
            )
        return await render(request, orgs, visitor.login)

    return guarded


def metrics_page(
    handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """`/metrics`, open unless METRICS_TOKEN is set; then only with `Authorization: Bearer <token>`."""

    async def guarded(request: web.Request) -> web.StreamResponse:
        token = request.app[ACCESS].settings.metrics_token
        if token is not None:
            scheme, _, given = request.headers.get("Authorization", "").partition(" ")
            if not (scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())):
                response = _sentence(401, "/metrics needs the header Authorization: Bearer <METRICS_TOKEN>.")
                response.headers["WWW-Authenticate"] = 'Bearer realm="ladder metrics"'
                return response
        return await handler(request)

    return guarded


# ---------------------------------------------------------------------------------------- the routes
async def login(request: web.Request) -> web.StreamResponse:
    access = request.app[ACCESS]
    nonce = secrets.token_urlsafe(32)
    query = {
        "client_id": access.settings.github_client_id,
        "redirect_uri": _origin(request) + CALLBACK_PATH,
        "state": nonce,
        "allow_signup": "false",
    }
    response = _redirect(str(URL(f"{access.settings.web_url}/login/oauth/authorize").with_query(query)))
    _set_cookie(
        request, response, STATE_COOKIE, access.signer.sign("state", {"nonce": nonce}, STATE_SECONDS), STATE_SECONDS
    )
    return response


async def callback(request: web.Request) -> web.StreamResponse:
    access = request.app[ACCESS]
    state = access.signer.unsign("state", request.cookies.get(STATE_COOKIE))
    given = request.query.get("state", "")
    if state is None or not isinstance(state.get("nonce"), str):
        response = _sentence(
            400, "This sign-in was not started in this browser, or took too long; sign in again at /login."
        )
    elif not hmac.compare_digest(state["nonce"].encode(), given.encode()):
        response = _sentence(
            400, "This sign-in's state does not match the one this browser started; sign in again at /login."
        )
    elif request.query.get("error"):
        response = _sentence(403, "The sign-in was not authorised on GitHub; sign in again at /login.")
    elif not request.query.get("code"):
        response = _sentence(400, "GitHub sent no sign-in code; sign in again at /login.")
    else:
        try:
            visitor = await access.who_is(request.query["code"], _origin(request) + CALLBACK_PATH)
        except SignInFailed as failed:
            response = _sentence(failed.status, failed.sentence)
        else:
            log.info("dashboard: @%s signed in (%d of Ladder's organisations)", visitor.login, len(visitor.orgs))
            response = _redirect("/")
            value = access.signer.sign("session", {"login": visitor.login, "orgs": list(visitor.orgs)}, SESSION_SECONDS)
            _set_cookie(request, response, SESSION_COOKIE, value, SESSION_SECONDS)
    _forget(response, STATE_COOKIE)  # a state is good for one answer from GitHub
    return response


async def logout(request: web.Request) -> web.StreamResponse:
    response = _sentence(200, "You are signed out of Ladder's dashboard; sign in again at /login.")
    _forget(response, SESSION_COOKIE)
    return response


def setup(app: web.Application, settings: Settings, pages_db) -> None:
    """Keep the access rules on the app and add the sign-in routes when OAuth credentials are set."""
    app[ACCESS] = Access(settings, pages_db)
    if settings.sign_in:
        app.router.add_get("/login", login)
        app.router.add_get(CALLBACK_PATH, callback)
        app.router.add_get("/logout", logout)

    async def close(app: web.Application) -> None:
        await app[ACCESS].close()

    app.on_cleanup.append(close)
