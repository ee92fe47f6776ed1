"""The environment contract (PRODUCT.md §2): Probot's variable names, checked once at start-up.

Bad configuration raises `SettingsError` with one line naming the variable; the CLI prints that line and
exits, never a traceback. Secrets are held here and never put into a message.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from app.store.location import is_postgres_url, redact

DEFAULT_API_URL = "https://api.github.com"
LOG_LEVELS = ("debug", "info", "warning", "error")


class SettingsError(Exception):
    """A bad setting; the message is one line that names the variable."""


@dataclass(frozen=True)
class Settings:
    app_id: int | None = None
    private_key: str | None = field(default=None, repr=False)
    webhook_secret: str | None = field(default=None, repr=False)
    webhook_path: str = "/api/github/webhooks"
    host: str = "0.0.0.0"
    port: int = 3000
    github_api_url: str = DEFAULT_API_URL
    database_path: Path = Path("ladder.db")
    database_url: str | None = field(default=None, repr=False)  # PostgreSQL; it may hold a password
    log_level: str = "info"

    @property
    def dry_run(self) -> bool:
        """Without an App id the service records and plans but writes nothing to GitHub."""
        return self.app_id is None

    @property
    def database(self) -> str | Path:
        """Where the store is: the PostgreSQL URL when `DATABASE_URL` is set, else the SQLite file."""
        return self.database_url or self.database_path

    @property
    def graphql_url(self) -> str:
        return graphql_url_for(self.github_api_url)


def graphql_url_for(api_url: str) -> str:
    """GraphQL endpoint of a REST base: api.github.com → /graphql, GHES https://HOST/api/v3 → /api/graphql."""
    base = api_url.rstrip("/")
    if base.endswith("/api/v3"):
        return base[: -len("/v3")] + "/graphql"
    return base + "/graphql"


def load_settings(env: dict[str, str] | None = None, *, insecure_no_secret: bool = False) -> Settings:
    env = dict(os.environ if env is None else env)

    def get(name: str) -> str | None:
        value = env.get(name)
        return value if value not in (None, "") else None

    app_id: int | None = None
    if (raw := get("APP_ID")) is not None:
        if not raw.strip().isdigit():
            raise SettingsError(f"APP_ID must be the GitHub App's numeric id, got {raw!r}")
        app_id = int(raw)

    private_key = _private_key(get("PRIVATE_KEY"), get("PRIVATE_KEY_PATH"))
    if app_id is not None and private_key is None:
        raise SettingsError("PRIVATE_KEY or PRIVATE_KEY_PATH is required when APP_ID is set")

    secret = get("WEBHOOK_SECRET")
    if secret is None and not insecure_no_secret:
        raise SettingsError("WEBHOOK_SECRET is required (use --insecure-no-secret only for local play)")

    path = get("WEBHOOK_PATH") or "/api/github/webhooks"
    if not path.startswith("/"):
        raise SettingsError(f"WEBHOOK_PATH must start with '/', got {path!r}")
    if path in ("/", "/ping", "/healthz", "/metrics"):
        raise SettingsError(f"WEBHOOK_PATH must not be one of the service's own pages, got {path!r}")

    port_text = get("PORT") or "3000"
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise SettingsError(f"PORT must be a number from 1 to 65535, got {port_text!r}")

    api_url = (get("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/")
    parts = urlsplit(api_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(f"GITHUB_API_URL must be an http(s) URL, got {api_url!r}")

    level = (get("LOG_LEVEL") or "info").lower()
    if level not in LOG_LEVELS:
        raise SettingsError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {level!r}")

    database_url = database_url_from(env)

    database = Path(get("DATABASE_PATH") or "ladder.db")
    if database_url is None and database.parent and not database.parent.exists():
        raise SettingsError(f"DATABASE_PATH's folder does not exist: {str(database.parent)!r}")

    return Settings(
        app_id=app_id,
        private_key=private_key,
        webhook_secret=secret,
        webhook_path=path,
        host=get("HOST") or "0.0.0.0",
        port=int(port_text),
        github_api_url=api_url,
        database_path=database,
        database_url=database_url,
        log_level=level,
    )


def database_url_from(env: dict[str, str]) -> str | None:
    """`DATABASE_URL`, checked (None when unset or empty)."""
    url = (env.get("DATABASE_URL") or "").strip() or None
    if url is not None and not is_postgres_url(url):
        # Never echo what might be a password: only a URL's redacted form is shown.
        shown = repr(redact(url)) if "://" in url else "a value that is not a URL"
        raise SettingsError(f"DATABASE_URL must start with postgresql:// or postgres://, got {shown}")
    return url


def _private_key(text: str | None, path: str | None) -> str | None:
    if text is not None:
        # Some platforms cannot hold newlines in variables; Probot accepts "\n" escapes too.
        key = text.replace("\\n", "\n")
        source = "PRIVATE_KEY"
    elif path is not None:
        try:
            key = Path(path).read_text()
        except OSError as error:
            raise SettingsError(f"PRIVATE_KEY_PATH cannot be read: {error.strerror}") from None
        source = "PRIVATE_KEY_PATH"
    else:
        return None
    if "-----BEGIN" not in key or "PRIVATE KEY-----" not in key:
        raise SettingsError(f"{source} is not a PEM private key")
    try:
        from cryptography.hazmat.primitives.serialization import load_pem_private_key

        load_pem_private_key(key.encode(), password=None)
    except Exception:
        raise SettingsError(f"{source} is not a valid PEM private key") from None
    return key
