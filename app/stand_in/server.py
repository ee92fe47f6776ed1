"""The stand-in's HTTP side: an aiohttp app that checks every request, then answers from `State`.

Order of work for each request: record it; match it against GitHub's REST description (unknown
operation → 404, bad query → 400, bad body → 422, each also a *violation*); check auth (a JWT signed
with the App's key for /app endpoints, an unexpired installation token elsewhere: 401 + violation);
apply an injected fault if one matches; charge the installation's rate limit; answer; add an ETag and
honour If-None-Match with a 304.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any

import jwt
from aiohttp import web

from . import graphql_api, oauth
from .rest_api import ROUTES, Call, Reply
from .rest_spec import load_spec
from .state import Installation, State

log = logging.getLogger(__name__)

SUPPORTED_API_VERSIONS = {"2022-11-28"}
# Operations made with a signed-in user's access token (the dashboard's sign-in), not an installation's.
USER_TOKEN_PATHS = frozenset({"/user", "/user/memberships/orgs"})


@dataclass
class RecordedRequest:
    method: str
    path: str  # decoded path, without the query
    query: dict[str, str]
    body: Any  # decoded JSON, or None
    headers: dict[str, str]
    status: int | None = None
    fault: bool = False  # answered by an injected fault


@dataclass
class StandIn:
    """A running stand-in. `url` is what the app uses as GITHUB_API_URL."""

    state: State
    url: str = ""
    requests: list[RecordedRequest] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    runner: web.AppRunner | None = None

    @property
    def graphql_url(self) -> str:
        return self.url + "/graphql"

    def take_violations(self) -> list[str]:
        """The violations recorded so far, forgetting them (for tests that provoke them on purpose)."""
        found, self.violations[:] = list(self.violations), []
        return found

    def requests_to(self, method: str, path_glob: str = "*") -> list[RecordedRequest]:
        import fnmatch

        return [r for r in self.requests if r.method == method.upper() and fnmatch.fnmatchcase(r.path, path_glob)]

    async def close(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None


def _error(status: int, message: str) -> web.Response:
    return web.json_response(
        {"message": message, "documentation_url": "https://docs.github.com/rest", "status": str(status)}, status=status
    )


def _bearer(request: web.Request) -> tuple[str, str]:
    scheme, _, credential = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower(), credential.strip()


def _check_app_jwt(state: State, credential: str) -> str | None:
    """What is wrong with an App JWT, or None when it is good."""
    if state.public_key is None:
        return "the stand-in has no App public key to check JWTs with"
    try:
        claims = jwt.decode(
            credential, state.public_key, algorithms=["RS256"], options={"require": ["iat", "exp", "iss"]}
        )
    except jwt.PyJWTError as exc:
        return f"App JWT rejected: {exc}"
    if str(claims["iss"]) != str(state.app_id):
        return f"App JWT has iss={claims['iss']!r}, the App's id is {state.app_id}"
    if claims["exp"] - claims["iat"] > 660:
        return "App JWT lives longer than GitHub's 10 minutes"
    return None


def _installation(state: State, request: web.Request) -> Installation | None:
    scheme, credential = _bearer(request)
    if scheme not in ("token", "bearer"):
        return None
    return state.installation_for_token(credential)


def _rate_headers(state: State, resource: str, installation_id: int, cost: int) -> tuple[dict[str, str], bool]:
    budget = state.budget(resource, installation_id)
    if budget.used + cost > budget.limit:
        ok = False
    else:
        budget = state.spend(resource, installation_id, cost)
        ok = True
    return {
        "x-ratelimit-limit": str(budget.limit),
        "x-ratelimit-remaining": str(max(budget.limit - budget.used, 0)),
        "x-ratelimit-reset": str(int(budget.reset_at)),
        "x-ratelimit-used": str(budget.used),
        "x-ratelimit-resource": "core" if resource == "rest" else resource,
    }, ok


def make_app(stand_in: StandIn) -> web.Application:
    state = stand_in.state
    spec = load_spec()

    async def handle(request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        try:
            decoded_body = json.loads(raw) if raw.strip() else None
        except ValueError:
            decoded_body = raw.decode(errors="replace")
        record = RecordedRequest(
            request.method,
            request.path,
            dict(request.query),
            decoded_body,
            {k.lower(): v for k, v in request.headers.items() if k.lower() != "authorization"},
        )
        stand_in.requests.append(record)

        def violation(status: int, problem: str) -> web.Response:
            stand_in.violations.append(f"{request.method} {request.path_qs}: {problem}")
            log.warning("stand-in: %s", stand_in.violations[-1])
            record.status = status
            return _error(status, problem)

        version = request.headers.get("X-GitHub-Api-Version")
        if version is not None and version not in SUPPORTED_API_VERSIONS:
            return violation(400, f"API version {version!r} is not supported")

        if request.method == "POST" and request.path == "/graphql":
            installation = _installation(state, request)
            if installation is None:
                return violation(401, "GraphQL needs an unexpired installation token")
            result = graphql_api.answer(state, decoded_body, installation)
            for problem in result.problems:
                stand_in.violations.append(f"POST /graphql: {problem}")
            record.status, record.fault = result.status, result.fault
            return web.json_response(result.payload, status=result.status, headers=result.headers)

        match = spec.match(request.method, request.raw_path.split("?", 1)[0])
        if match is None:
            return violation(404, "no such operation in GitHub's REST description (Not Found)")
        op = match.operation
        problems = spec.check_query(op, dict(request.query))
        if problems:
            return violation(400, "; ".join(problems))
        body, problems = spec.check_body(op, raw)
        if problems:
            return violation(422, "Invalid request.\n\n" + "; ".join(problems))

        installation = None
        user = None
        if op.path in USER_TOKEN_PATHS:
            scheme, credential = _bearer(request)
            user = state.user_for_token(credential) if scheme in ("token", "bearer") else None
            if user is None:
                return violation(401, "Bad credentials: this needs an unexpired user access token")
        elif op.path == "/app" or op.path.startswith("/app/"):
            scheme, credential = _bearer(request)
            problem = (
                "an /app endpoint needs 'Authorization: Bearer <App JWT>'"
                if scheme != "bearer"
                else _check_app_jwt(state, credential)
            )
            if problem:
                return violation(401, problem)
        else:
            installation = _installation(state, request)
            if installation is None:
                return violation(401, "Bad credentials: this needs an unexpired installation token")

        fault = state.take_fault(state.faults, request.method, request.path)
        if fault is not None and not fault.delay:
            record.status, record.fault = fault.status, True
            return web.json_response(
                {"message": fault.message, "documentation_url": "https://docs.github.com/rest"},
                status=fault.status,
                headers=fault.headers,
            )
        if fault is not None and not fault.apply:
            await asyncio.sleep(fault.delay)
            record.status, record.fault = 504, True
            return _error(504, "We couldn't respond to your request in time.")

        handler = ROUTES.get(op.operation_id)
        if handler is None:
            return violation(501, f"the stand-in does not implement {op.operation_id}")

        headers: dict[str, str] = {}
        if installation is not None:
            headers, ok = _rate_headers(state, "rest", installation.id, 0)
        call = Call(request.method, request.path, match.params, dict(request.query), body, installation, user)
        try:
            answer = handler(state, call)
        except Reply as reply:
            answer = reply.answer
        if fault is not None:  # apply=True: the work is done, the answer comes too late
            await asyncio.sleep(fault.delay)
        payload = b"" if answer.data is None else json.dumps(answer.data).encode()
        etag = None
        if request.method == "GET" and answer.status == 200:
            etag = 'W/"' + hashlib.sha1(payload).hexdigest() + '"'
            if request.headers.get("If-None-Match") == etag:
                record.status = 304
                return web.Response(status=304, headers={"ETag": etag, **headers})
        if installation is not None:
            headers, ok = _rate_headers(state, "rest", installation.id, 1)
            if not ok:
                record.status = 403
                return web.json_response(
                    {
                        "message": f"API rate limit exceeded for installation ID {installation.id}.",
                        "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
                    },
                    status=403,
                    headers=headers,
                )
        if request.method != "GET" and answer.status < 300 and installation is not None:  # not token requests
            state.writes.append((request.method, request.path))
        headers.update(answer.headers)
        if etag:
            headers["ETag"] = etag
        record.status = answer.status
        if answer.status == 204:
            return web.Response(status=204, headers=headers)
        return web.Response(
            body=payload, status=answer.status, headers=headers, content_type="application/json", charset="utf-8"
        )

    app = web.Application(client_max_size=30 * 1024 * 1024)
    oauth.add_routes(app, stand_in)  # the web host's sign-in pages, before the API's catch-all
    app.router.add_route("*", "/{tail:.*}", handle)
    return app


async def start_stand_in(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    state: State | None = None,
    app_id: int = 1,
    public_key: str | None = None,
) -> StandIn:
    """Start the stand-in on `host:port` (0 = any free port) and return it; `await close()` when done."""
    state = state or State(app_id=app_id, public_key=public_key)
    stand_in = StandIn(state=state)
    runner = web.AppRunner(make_app(stand_in), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound_port = runner.addresses[0][1]
    stand_in.url = f"http://{host}:{bound_port}"
    stand_in.runner = runner
    return stand_in
