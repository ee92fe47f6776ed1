"""Where requests go: every GitHub URL is sent to the configured `GITHUB_API_URL`; and where people go:
links point at the web host that belongs to it.

Payloads carry absolute URLs (``https://api.github.com/repos/o/r/issues/1/comments``); the app must not
follow them to github.com when it talks to GitHub Enterprise Server or to the local stand-in.
"""

from __future__ import annotations

from urllib.parse import urlsplit

PUBLIC_API_URL = "https://api.github.com"
PUBLIC_WEB_URL = "https://github.com"
_GHES_PREFIX = "/api/v3"


def web_url_for(api_url: str) -> str:
    """The GitHub web host (no trailing slash) that belongs to a REST base: ``https://api.github.com`` →
    ``https://github.com``; GitHub Enterprise Server's ``https://HOST/api/v3`` → ``https://HOST``; anything
    else (the local stand-in) → its own origin."""
    parts = urlsplit(api_url.strip())
    if parts.scheme == "https" and (parts.hostname or "").lower() == "api.github.com" and parts.port in (None, 443):
        return PUBLIC_WEB_URL
    return f"{parts.scheme}://{parts.netloc}"


def rewrite_url(url: str, api_url: str) -> str:
    """Return `url` pointed at `api_url`, keeping its path and query.

    Relative URLs are joined to `api_url`. Absolute ones lose their scheme and host (and GitHub Enterprise
    Server's ``/api/v3`` prefix) and get `api_url` instead. URI templates (``{/number}``) pass through.
    """
    base = api_url.rstrip("/")
    if url.startswith(base + "/") or url == base:
        return url
    if "://" not in url:
        return base + "/" + url.lstrip("/")
    parts = urlsplit(url)
    path = parts.path
    if path == _GHES_PREFIX or path.startswith(_GHES_PREFIX + "/"):
        path = path[len(_GHES_PREFIX) :]
    rest = path + ("?" + parts.query if parts.query else "")
    return base + "/" + rest.lstrip("/")


def graphql_endpoint(api_url: str) -> str:
    """GraphQL endpoint for a REST base: ``…/graphql``, or ``https://HOST/api/graphql`` on GHES."""
    base = api_url.rstrip("/")
    if base.endswith(_GHES_PREFIX):
        return base[: -len(_GHES_PREFIX)] + "/api/graphql"
    return base + "/graphql"
