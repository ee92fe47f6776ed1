"""The stand-in's web host for "sign in with GitHub" (the OAuth web flow of a GitHub App), as GitHub runs it:

- `GET /login/oauth/authorize?client_id=&redirect_uri=&state=` — a browser not signed in to GitHub is sent
  to `/login?return_to=…`; a signed-in one is sent back to `redirect_uri` with `code` and `state`
  (GitHub asks a user once to authorise the App; the stand-in's users have always said yes).
- `GET /login` — the sign-in form; `POST /session` (`login`, `return_to`) signs the browser in as that user
  (the stand-in's users have no passwords) and goes on to `return_to`. Tests drive these as a browser would.
- `POST /login/oauth/access_token` (`client_id`, `client_secret`, `code`, `redirect_uri`) — a user access
  token, as JSON with `Accept: application/json`, else form-encoded; failures are HTTP 200 with `error`
  (`bad_verification_code`, `incorrect_client_credentials`, `redirect_uri_mismatch`), as GitHub answers.

A request GitHub would refuse outright (an unknown client id, a callback URL the App did not register) is
answered as GitHub does and recorded as a violation.
"""

from __future__ import annotations

import html
import secrets
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

from aiohttp import web
from yarl import URL

if TYPE_CHECKING:
    from .server import StandIn

BROWSER_COOKIE = "user_session"  # GitHub's own session cookie's name


def _page(status: int, title: str, body: str = "") -> web.Response:
    text = f"<!doctype html><title>{html.escape(title)}</title><h1>{html.escape(title)}</h1>{body}"
    return web.Response(status=status, text=text, content_type="text/html", charset="utf-8")


def _callback_registered(registered: list[str], redirect_uri: str) -> bool:
    """GitHub accepts a redirect_uri that is a registered callback URL or a path below one."""
    given = urlsplit(redirect_uri)
    for url in registered:
        ok = urlsplit(url)
        if (given.scheme, given.netloc) == (ok.scheme, ok.netloc) and (
            given.path == ok.path or given.path.startswith(ok.path.rstrip("/") + "/")
        ):
            return True
    return False


def add_routes(app: web.Application, stand_in: StandIn) -> None:
    state = stand_in.state

    def violation(problem: str) -> None:
        stand_in.violations.append(problem)

    async def authorize(request: web.Request) -> web.Response:
        query = request.query
        if query.get("client_id") != state.oauth_client_id:
            violation(f"GET /login/oauth/authorize: unknown client_id {query.get('client_id')!r}")
            return _page(404, "Not Found")
        redirect_uri = query.get("redirect_uri")
        if redirect_uri is not None and not _callback_registered(state.oauth_callback_urls, redirect_uri):
            violation(f"GET /login/oauth/authorize: redirect_uri {redirect_uri!r} is not a registered callback URL")
            return _page(400, "The redirect_uri is not associated with this application.")
        if redirect_uri is None and not state.oauth_callback_urls:
            violation("GET /login/oauth/authorize: no redirect_uri and no callback URL registered")
            return _page(400, "The redirect_uri is not associated with this application.")
        user_id = state.browser_sessions.get(request.cookies.get(BROWSER_COOKIE, ""))
        if user_id is None:
            raise web.HTTPFound("/login?" + urlencode({"return_to": request.path_qs}))
        target = URL(redirect_uri or state.oauth_callback_urls[0])
        back = {"code": state.issue_code(user_id, redirect_uri)}
        if "state" in query:
            back["state"] = query["state"]
        raise web.HTTPFound(str(target.update_query(back)))

    async def login_form(request: web.Request) -> web.Response:
        return_to = html.escape(request.query.get("return_to", "/"))
        return _page(
            200,
            "Sign in to GitHub",
            f'<form method="post" action="/session"><input name="login"><input type="hidden" name="return_to" '
            f'value="{return_to}"><button>Sign in</button></form>',
        )

    async def session(request: web.Request) -> web.Response:
        form = await request.post()
        login = str(form.get("login", ""))
        if state.user(login) is None:
            return _page(422, "Incorrect username or password.")
        return_to = str(form.get("return_to", "/"))
        if not return_to.startswith("/login/oauth/"):
            return_to = "/"  # like GitHub: only its own pages
        response = web.HTTPFound(return_to)
        response.set_cookie(BROWSER_COOKIE, state.sign_in_browser(login), httponly=True, samesite="Lax")
        raise response

    async def access_token(request: web.Request) -> web.Response:
        form = dict(request.query)
        if request.content_type == "application/json":
            body = await request.json()
            form.update({k: str(v) for k, v in body.items()} if isinstance(body, dict) else {})
        else:
            form.update({k: str(v) for k, v in (await request.post()).items()})

        def answer(data: dict) -> web.Response:
            if "application/json" in request.headers.get("Accept", ""):
                return web.json_response(data)
            return web.Response(text=urlencode(data), content_type="application/x-www-form-urlencoded")

        def error(word: str, description: str) -> web.Response:
            return answer({"error": word, "error_description": description, "error_uri": "https://docs.github.com"})

        if form.get("client_id") != state.oauth_client_id or form.get("client_secret") != state.oauth_client_secret:
            return error("incorrect_client_credentials", "The client_id and/or client_secret passed are incorrect.")
        grant = state.redeem_code(form.get("code", ""))
        if grant is None:
            return error("bad_verification_code", "The code passed is incorrect or expired.")
        if grant.redirect_uri is not None and form.get("redirect_uri", grant.redirect_uri) != grant.redirect_uri:
            return error("redirect_uri_mismatch", "The redirect_uri MUST match the registered callback URL.")
        token, _ = state.issue_user_token(grant.user_id)
        return answer(
            {
                "access_token": token,
                "expires_in": 28800,
                "refresh_token": "ghr_" + secrets.token_urlsafe(60),
                "refresh_token_expires_in": 15897600,
                "token_type": "bearer",
                "scope": "",
            }
        )

    app.router.add_get("/login/oauth/authorize", authorize)
    app.router.add_post("/login/oauth/access_token", access_token)
    app.router.add_get("/login", login_form)
    app.router.add_post("/session", session)
