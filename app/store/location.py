"""Where the store is: a SQLite file, or a PostgreSQL server named by a URL (whose password is never shown)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

POSTGRES_SCHEMES = ("postgresql", "postgres")


def is_postgres_url(value: object) -> bool:
    return isinstance(value, str) and value.split("://", 1)[0].lower() in POSTGRES_SCHEMES and "://" in value


def redact(url: str) -> str:
    """The URL with its password replaced by `***` (for messages and logs); query parameters that carry
    a password are replaced too."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparsable URL>"
    netloc = parts.netloc
    secret_in_query = any(
        item.partition("=")[0].lower() in ("password", "sslpassword") for item in parts.query.split("&")
    )
    if ":" not in netloc.rpartition("@")[0] and not secret_in_query:
        return url  # nothing to hide (and rebuilding would drop an empty `//`)
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        if ":" in userinfo:
            userinfo = userinfo.split(":", 1)[0] + ":***"
        netloc = f"{userinfo}@{host}"
    query = "&".join(
        f"{k}=***" if k.lower() in ("password", "sslpassword") else (f"{k}={v}" if sep else k)
        for k, sep, v in (item.partition("=") for item in parts.query.split("&") if item)
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def describe(where: str | Path) -> str:
    """How to name the store in a message: the file, or the redacted URL."""
    return redact(where) if is_postgres_url(where) else str(where)
