"""The ETag cache for GETs: one LRU per process, one key space per installation.

gidgethub stores ``(etag, last_modified, data, next_url)`` per URL in any MutableMapping and sends
``If-None-Match``; a 304 answer does not count against the rate limit. Installations see different
private data at the same URL, so each installation gets its own prefix in the shared cache. Lists are
not cached (see `ScopedCache.__setitem__`).
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any

from cachetools import LRUCache

DEFAULT_SIZE = 2048


def new_etag_cache(maxsize: int = DEFAULT_SIZE) -> LRUCache:
    return LRUCache(maxsize=maxsize)


class ScopedCache(MutableMapping):
    """A view of a shared cache whose keys are prefixed by a scope (an installation id)."""

    def __init__(self, shared: MutableMapping, scope: str) -> None:
        self._shared = shared
        self._prefix = f"{scope} "

    def __getitem__(self, url: str) -> Any:
        return self._shared[self._prefix + url]

    def __setitem__(self, url: str, value: Any) -> None:
        # gidgethub stores (etag, last_modified, data, next_url) and, on a 304, reuses the stored next
        # page link. A list whose first page is unchanged may have grown a page since, so lists are never
        # cached: only single objects (files, users, issues) are, where a 304 is always the whole truth.
        if isinstance(value, tuple) and len(value) == 4 and isinstance(value[2], list):
            return
        self._shared[self._prefix + url] = value

    def __delitem__(self, url: str) -> None:
        del self._shared[self._prefix + url]

    def __iter__(self) -> Iterator[str]:
        n = len(self._prefix)
        return (key[n:] for key in list(self._shared) if key.startswith(self._prefix))

    def __len__(self) -> int:
        return sum(1 for _ in self)
