"""The app's GitHub client: one aiohttp session, gidgethub, App and installation auth, retries.

    client = GitHubClient(session, app_id=..., private_key=..., api_url=..., user_agent="ladder")
    gh = await client.for_installation(installation_id)   # a gidgethub GitHubAPI
    await gh.post(issue["comments_url"], data={"body": "..."})  # absolute payload URLs are fine
    data = await gh.graphql(QUERY, owner="o", name="r")          # sent to the derived endpoint

Every request carries `X-GitHub-Api-Version`, goes to `api_url` (URLs from payloads are rewritten),
and is retried per `RetryPolicy` (ratelimit.py). GETs use a shared ETag cache, so unchanged answers
come back as 304s that do not count against the rate limit.
"""

from __future__ import annotations

import asyncio
import http
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any

import aiohttp
import gidgethub
import gidgethub.aiohttp
from cachetools import LRUCache
from gidgethub import sansio
from gidgethub.abc import JSON_CONTENT_TYPE, JSON_UTF_8_CHARSET

from .etag import ScopedCache, new_etag_cache
from .ratelimit import (
    IDEMPOTENT_METHODS,
    GitHubRetryLater,
    RetryPolicy,
    rate_limit_delay,
    server_error_delay,
)
from .tokens import AppJWT, InstallationTokens
from .urls import PUBLIC_API_URL, graphql_endpoint, rewrite_url

log = logging.getLogger(__name__)

API_VERSION = "2022-11-28"
DEFAULT_TIMEOUT = 30.0


class GraphQLRateLimited(gidgethub.QueryError):
    """GitHub answered a GraphQL query with HTTP 200 and an error of type RATE_LIMITED.

    Not retried by the client: the backfill decides how long to pause. `retry_after` is the time to the
    reset named in `x-ratelimit-reset` (None if absent)."""

    retryable = True

    def __init__(self, response: Any, retry_after: float | None) -> None:
        self.retry_after = retry_after
        super().__init__(response)


def _path(url: str) -> str:
    """URL without its query, for logs."""
    return url.split("?", 1)[0]


class LadderGitHubAPI(gidgethub.aiohttp.GitHubAPI):
    """gidgethub's aiohttp client with the app's URL rewriting, auth, version header and retries.

    `authorization()` returns the Authorization header value (``token …`` or ``Bearer …``) for each
    attempt, so a token renewed between retries is used; `on_unauthorized()` drops a refused token.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        requester: str,
        *,
        api_url: str,
        graphql_url: str,
        authorization: Callable[[], Awaitable[str]],
        on_unauthorized: Callable[[], None] | None = None,
        cache: MutableMapping | None = None,
        policy: RetryPolicy | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        observer: Callable[[str, int | None, Mapping[str, str] | None], None] | None = None,
    ) -> None:
        super().__init__(session, requester, cache=cache, base_url=api_url)
        self._observer = observer
        self.graphql_url = graphql_url
        self.policy = policy or RetryPolicy()
        self._authorization = authorization
        self._on_unauthorized = on_unauthorized
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    def __repr__(self) -> str:
        return f"<LadderGitHubAPI {self.base_url}>"

    async def sleep(self, seconds: float) -> None:
        await self.policy.sleep(seconds)

    async def _make_request(self, method: str, url: str, url_vars: Any, data: Any, accept: str, **kwargs: Any):
        # Expand the template first, then point the result at our API base: payload URLs are absolute.
        filled = sansio.format_url(url, url_vars, base_url=self.base_url)
        return await super()._make_request(method, rewrite_url(filled, self.base_url), {}, data, accept, **kwargs)

    async def _request(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes = b""
    ) -> tuple[int, Mapping[str, str], bytes]:
        return await self._send(method, url, headers, body, idempotent=method in IDEMPOTENT_METHODS)

    async def _send(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes, *, idempotent: bool
    ) -> tuple[int, Mapping[str, str], bytes]:
        """One logical HTTP exchange: retried on timeouts and connection errors when idempotent,
        and once with a fresh token after a 401."""
        attempt = 0
        refreshed = False
        while True:
            attempt += 1
            request_headers = dict(headers)
            request_headers["x-github-api-version"] = API_VERSION
            own_auth = "authorization" not in request_headers
            if own_auth:
                request_headers["authorization"] = await self._authorization()
            try:
                async with self._session.request(
                    method, url, headers=request_headers, data=body, timeout=self._timeout
                ) as response:
                    status, response_headers, payload = response.status, response.headers, await response.read()
            except (asyncio.TimeoutError, aiohttp.ClientError) as exc:
                self._observe(method, None, None)
                reason = "timed out" if isinstance(exc, asyncio.TimeoutError) else "connection failed"
                delay = server_error_delay(attempt, self.policy)
                if idempotent and attempt < self.policy.max_tries:
                    log.warning("GitHub %s %s %s; retrying in %.0f s", method, _path(url), reason, delay)
                    await self.sleep(delay)
                    continue
                raise GitHubRetryLater(
                    reason,
                    method=method,
                    url=url,
                    retry_after=delay,
                    attempts=attempt,
                    maybe_applied=not idempotent,
                ) from None
            log.debug("GitHub %s %s -> %s", method, _path(url), status)
            self._observe(method, status, response_headers)
            if status == 401 and own_auth and self._on_unauthorized is not None and not refreshed:
                self._on_unauthorized()
                refreshed = True
                continue
            return status, response_headers, payload

    def _observe(self, method: str, status: int | None, headers: Mapping[str, str] | None) -> None:
        """Tell the metrics about one exchange; whatever they do, the request goes on unchanged."""
        if self._observer is None:
            return
        try:
            self._observer(method, status, headers)
        except Exception:
            log.exception("the GitHub request observer failed")

    async def handle_rate_limit_error(
        self, *, method: str, url: str, exception: gidgethub.HTTPException, attempt: int
    ) -> bool:
        status = int(exception.status_code)
        delay = rate_limit_delay(status, exception.headers, str(exception), attempt, self.policy)
        if delay is not None:
            reason, may_retry, maybe_applied = "rate limited", True, False
        elif isinstance(exception, gidgethub.GitHubBroken):
            delay = server_error_delay(attempt, self.policy)
            # Asking for another access token twice does no harm.
            may_retry = method in IDEMPOTENT_METHODS or _path(url).endswith("/access_tokens")
            reason, maybe_applied = "server error", not may_retry
        else:
            return False  # a real answer (404, 422, ...): the caller handles it
        if may_retry and attempt < self.policy.max_tries and delay <= self.policy.max_wait:
            log.warning("GitHub %s %s: %s (%s); retrying in %.0f s", method, _path(url), reason, status, delay)
            await self.sleep(delay)
            return True
        raise GitHubRetryLater(
            reason,
            method=method,
            url=url,
            retry_after=delay,
            attempts=attempt,
            status=status,
            maybe_applied=maybe_applied,
        ) from exception

    async def graphql(self, query: str, *, endpoint: str | None = None, **variables: Any) -> Any:
        """Run a GraphQL query at `self.graphql_url` and return its `data`.

        HTTP-level rate limits and 5xx are retried like REST reads (mutations are not retried after a 5xx
        or timeout); an HTTP 200 answer with a RATE_LIMITED error raises GraphQLRateLimited at once.
        """
        endpoint = endpoint or self.graphql_url
        payload: dict[str, Any] = {"query": query}
        if variables:
            payload["variables"] = variables
        body = json.dumps(payload).encode("utf-8")
        headers = sansio.create_headers(self.requester, accept=JSON_UTF_8_CHARSET)
        headers["content-type"] = JSON_UTF_8_CHARSET
        headers["content-length"] = str(len(body))
        idempotent = not query.lstrip().startswith("mutation")
        attempt = 0
        while True:
            attempt += 1
            await self.manage_rate_limit(method="POST", url=endpoint)
            status, response_headers, data = await self._send("POST", endpoint, headers, body, idempotent=idempotent)
            if status == 200 or status == 401 or (400 <= status < 500 and status not in (403, 429)):
                break
            try:
                sansio.decipher_response(status, response_headers, data)
                break  # not an error after all
            except gidgethub.HTTPException as exc:
                if isinstance(exc, gidgethub.GitHubBroken) and not idempotent:
                    raise GitHubRetryLater(
                        "server error",
                        method="POST",
                        url=endpoint,
                        retry_after=server_error_delay(attempt, self.policy),
                        attempts=attempt,
                        status=status,
                        maybe_applied=True,
                    ) from exc
                if not await self.handle_rate_limit_error(method="POST", url=endpoint, exception=exc, attempt=attempt):
                    break
        type_, encoding = sansio._parse_content_type(response_headers.get("content-type"))
        if type_ != JSON_CONTENT_TYPE:
            raise gidgethub.GraphQLResponseTypeError(response_headers.get("content-type"), data[:200])
        response = json.loads(data.decode(encoding))
        if status == 401:
            raise gidgethub.GraphQLAuthorizationFailure(response)
        if status >= 400:
            response.setdefault("message", http.HTTPStatus(status).phrase)
            raise gidgethub.BadGraphQLRequest(http.HTTPStatus(status), response)
        self.rate_limit = sansio.RateLimit.from_http(response_headers)
        errors = response.get("errors")
        if errors:
            if any(error.get("type") == "RATE_LIMITED" for error in errors if isinstance(error, dict)):
                reset = response_headers.get("x-ratelimit-reset")
                retry_after = max(0.0, float(reset) - self.policy.clock()) + 1.0 if reset else None
                raise GraphQLRateLimited(response, retry_after)
            raise gidgethub.QueryError(response)
        if "data" not in response:
            raise gidgethub.GraphQLException(f"GraphQL answer without data or errors: {str(response)[:200]}", response)
        return response["data"]


class GitHubClient:
    """The process's way to GitHub: App auth, cached installation tokens, one ETag cache.

    Build it once at start-up with the server's aiohttp ClientSession; it never closes the session.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        app_id: int | str,
        private_key: str | bytes,
        api_url: str = PUBLIC_API_URL,
        graphql_url: str | None = None,
        user_agent: str = "ladder",
        policy: RetryPolicy | None = None,
        clock: Callable[[], float] = time.time,
        request_timeout: float = DEFAULT_TIMEOUT,
        etag_cache_size: int = 2048,
    ) -> None:
        if app_id is None or private_key is None:
            raise ValueError("GitHubClient needs an app id and a private key; without APP_ID the app runs dry")
        self.app_id = str(app_id)
        self.api_url = api_url.rstrip("/")
        self.graphql_url = graphql_url or graphql_endpoint(self.api_url)
        self.user_agent = user_agent
        self.policy = policy or RetryPolicy()
        self.etag_cache = new_etag_cache(etag_cache_size)
        self._session = session
        self._timeout = request_timeout
        self._jwt = AppJWT(self.app_id, private_key, clock=clock)
        self.tokens = InstallationTokens(self._create_access_token, clock=clock)
        self._installations: LRUCache = LRUCache(maxsize=1024)
        self._app_api: LadderGitHubAPI | None = None
        # Called after every exchange with GitHub with (method, status or None, headers): the metrics.
        self.on_response: Callable[[str, int | None, Mapping[str, str] | None], None] | None = None

    def __repr__(self) -> str:
        return f"<GitHubClient app_id={self.app_id} api_url={self.api_url}>"

    def _api(self, authorization: Callable[[], Awaitable[str]], *, scope: str, on_unauthorized=None) -> LadderGitHubAPI:
        return LadderGitHubAPI(
            self._session,
            self.user_agent,
            api_url=self.api_url,
            graphql_url=self.graphql_url,
            authorization=authorization,
            on_unauthorized=on_unauthorized,
            cache=ScopedCache(self.etag_cache, scope),
            policy=self.policy,
            timeout=self._timeout,
            observer=self._observed,
        )

    def _observed(self, method: str, status: int | None, headers: Mapping[str, str] | None) -> None:
        if self.on_response is not None:
            self.on_response(method, status, headers)

    def app_api(self) -> LadderGitHubAPI:
        """A GitHubAPI authenticated as the App itself (JWT): for /app endpoints."""
        if self._app_api is None:

            async def bearer() -> str:
                return f"Bearer {self._jwt.get()}"

            self._app_api = self._api(bearer, scope="app")
        return self._app_api

    async def _create_access_token(self, installation_id: int) -> dict:
        return await self.app_api().post(
            "/app/installations/{installation_id}/access_tokens",
            {"installation_id": installation_id},
            data=b"",
        )

    async def for_installation(self, installation_id: int) -> LadderGitHubAPI:
        """A GitHubAPI acting as the installation; its token is fetched, cached and renewed as needed."""
        installation_id = int(installation_id)
        api = self._installations.get(installation_id)
        if api is None:

            async def token() -> str:
                return f"token {await self.tokens.get(installation_id)}"

            api = self._api(
                token,
                scope=f"installation:{installation_id}",
                on_unauthorized=lambda: self.tokens.forget(installation_id),
            )
            self._installations[installation_id] = api
        return api


def make_client(
    session: aiohttp.ClientSession | None,
    *,
    app_id: int | str | None,
    private_key: str | bytes | None,
    api_url: str = PUBLIC_API_URL,
    user_agent: str = "ladder",
    **options: Any,
) -> GitHubClient | None:
    """The client, or None in dry-run mode (no APP_ID): callers test `client is None`."""
    if app_id is None or session is None:
        return None
    return GitHubClient(
        session, app_id=app_id, private_key=private_key, api_url=api_url, user_agent=user_agent, **options
    )
