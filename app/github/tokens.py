"""App JWTs and installation access tokens, cached until shortly before they expire.

Secrets live only in these caches and in the Authorization header of requests; their reprs hide them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from cachetools import TLRUCache, TTLCache
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from gidgethub.apps import get_jwt

# GitHub accepts App JWTs for 10 minutes; gidgethub backdates them 60 s for clock drift. Renew after 7.
JWT_LIFETIME = 9 * 60
JWT_REUSE = 7 * 60
# Installation tokens last an hour; get a new one this long before `expires_at`.
TOKEN_REFRESH_MARGIN = 5 * 60


def check_private_key(private_key: str | bytes) -> None:
    """Raise ValueError (without echoing the key) unless `private_key` is a PEM private key."""
    data = private_key.encode() if isinstance(private_key, str) else private_key
    try:
        load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        raise ValueError("the private key is not a PEM private key (check PRIVATE_KEY / PRIVATE_KEY_PATH)") from None


class AppJWT:
    """Mints the App's JWT (RS256, iss = app id) and reuses it for JWT_REUSE seconds."""

    def __init__(self, app_id: int | str, private_key: str | bytes, *, clock: Callable[[], float] = time.time):
        check_private_key(private_key)
        self.app_id = str(app_id)
        self._private_key = private_key
        self._cache: TTLCache = TTLCache(maxsize=1, ttl=JWT_REUSE, timer=clock)

    def __repr__(self) -> str:
        return f"<AppJWT app_id={self.app_id}>"

    def get(self) -> str:
        try:
            return self._cache["jwt"]
        except KeyError:
            token = get_jwt(app_id=self.app_id, private_key=self._private_key, expiration=JWT_LIFETIME)
            self._cache["jwt"] = token
            return token


@dataclass(frozen=True)
class InstallationToken:
    value: str = field(repr=False)
    expires_at: float  # seconds since the epoch


def parse_expires_at(text: str) -> float:
    """`expires_at` of an access-token answer (``2016-07-11T22:14:10Z``) as epoch seconds."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


class InstallationTokens:
    """Installation access tokens keyed on installation id, renewed TOKEN_REFRESH_MARGIN before expiry.

    `fetch(installation_id)` makes the ``POST /app/installations/{id}/access_tokens`` call and returns its
    JSON. Concurrent callers for one installation share a single fetch.
    """

    def __init__(
        self,
        fetch: Callable[[int], Awaitable[dict]],
        *,
        clock: Callable[[], float] = time.time,
        margin: float = TOKEN_REFRESH_MARGIN,
        maxsize: int = 4096,
    ) -> None:
        self._fetch = fetch
        self._margin = margin
        self._clock = clock
        self._cache: TLRUCache = TLRUCache(maxsize=maxsize, ttu=self._use_until, timer=clock)
        self._locks: dict[int, asyncio.Lock] = {}
        self.fetches = 0  # how many tokens were requested from GitHub (for metrics and tests)

    def __repr__(self) -> str:
        return f"<InstallationTokens cached={len(self._cache)}>"

    def _use_until(self, _key: int, token: InstallationToken, _now: float) -> float:
        return token.expires_at - self._margin

    async def get(self, installation_id: int) -> str:
        installation_id = int(installation_id)
        token = self._cache.get(installation_id)
        if token is not None:
            return token.value
        lock = self._locks.setdefault(installation_id, asyncio.Lock())
        async with lock:
            token = self._cache.get(installation_id)
            if token is not None:
                return token.value
            answer = await self._fetch(installation_id)
            self.fetches += 1
            token = InstallationToken(answer["token"], parse_expires_at(answer["expires_at"]))
            self._cache[installation_id] = token
            return token.value

    def forget(self, installation_id: int) -> None:
        """Drop a token GitHub refused (revoked, or the installation was suspended)."""
        self._cache.pop(int(installation_id), None)
