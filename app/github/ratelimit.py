"""How long to wait before trying a GitHub request again, and the error raised when the client gives up.

GitHub's rules (DOMAIN.md §5): honour `retry-after`; else, when `x-ratelimit-remaining` is 0, wait until
`x-ratelimit-reset`; else (a secondary limit without headers) back off exponentially from one minute.
gidgethub raises `RateLimitExceeded` only for a 403 with remaining 0; secondary limits and 429 arrive as a
plain `BadRequest` whose `headers` carry these fields. Server errors (5xx) and timeouts are retried with a
shorter backoff, but only for idempotent methods: a POST that failed that way may have been applied, and
the outbox (which looks up its marker first) decides.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from gidgethub import GitHubBroken, GitHubException, HTTPException

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


@dataclass
class RetryPolicy:
    max_tries: int = 5
    rate_limit_base: float = 60.0  # first backoff for a secondary limit that names no time
    server_error_base: float = 1.0  # first backoff for 5xx and timeouts
    max_wait: float = 15 * 60  # a longer wait is not slept in the client: GitHubRetryLater is raised
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep, repr=False)
    clock: Callable[[], float] = field(default=time.time, repr=False)


class GitHubRetryLater(GitHubException):
    """A request failed for a passing reason (rate limit, server error, timeout) and was not retried
    (any more) by the client. `retry_after` says when trying again makes sense; `maybe_applied` is True
    when GitHub may have carried out the request anyway (a write that met a 5xx or a timeout)."""

    retryable = True

    def __init__(
        self,
        reason: str,
        *,
        method: str,
        url: str,
        retry_after: float,
        attempts: int,
        status: int | None = None,
        maybe_applied: bool = False,
    ) -> None:
        self.reason = reason
        self.method = method
        self.url = url.split("?", 1)[0]
        self.retry_after = retry_after
        self.attempts = attempts
        self.status = status
        self.maybe_applied = maybe_applied
        code = f" ({status})" if status else ""
        super().__init__(
            f"{method} {self.url}: {reason}{code} after {attempts} attempt(s); retry after {retry_after:.0f} s"
        )


@dataclass(frozen=True)
class RetryAdvice:
    retryable: bool
    delay: float | None  # seconds, when known


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None:
        value = headers.get(name.title())
    return value


def rate_limit_delay(
    status: int, headers: Mapping[str, str], message: str, attempt: int, policy: RetryPolicy
) -> float | None:
    """Seconds to wait if this answer is a primary or secondary rate limit; None if it is not one."""
    if status not in (403, 429):
        return None
    retry_after = _header(headers, "retry-after")
    if retry_after is not None:
        try:
            return max(0.0, float(retry_after))
        except ValueError:
            pass  # an HTTP-date; fall through to the other rules
    remaining = _header(headers, "x-ratelimit-remaining")
    reset = _header(headers, "x-ratelimit-reset")
    if remaining == "0" and reset is not None:
        return max(0.0, float(reset) - policy.clock()) + 1.0
    lowered = message.lower()
    if status == 429 or "rate limit" in lowered or "abuse" in lowered:
        return policy.rate_limit_base * 2 ** (attempt - 1)
    return None  # a 403 for lack of permission


def server_error_delay(attempt: int, policy: RetryPolicy) -> float:
    return policy.server_error_base * 2 ** (attempt - 1)


def retry_advice(exc: BaseException, policy: RetryPolicy | None = None) -> RetryAdvice:
    """Whether (and when) a failed request is worth sending again; for the outbox and the backfill."""
    policy = policy or RetryPolicy()
    delay = getattr(exc, "retry_after", None)
    if getattr(exc, "retryable", False):
        return RetryAdvice(True, delay)
    if isinstance(exc, GitHubBroken):
        return RetryAdvice(True, None)
    if isinstance(exc, HTTPException):
        wait = rate_limit_delay(int(exc.status_code), exc.headers, str(exc), 1, policy)
        return RetryAdvice(wait is not None, wait)
    if isinstance(exc, (asyncio.TimeoutError, OSError)):
        return RetryAdvice(True, None)
    return RetryAdvice(False, None)
