"""The environment contract (PRODUCT.md §2): Probot's variable names, checked once at start-up.

Bad configuration raises `SettingsError` with one line naming the variable; the CLI prints that line and
exits, never a traceback. Secrets are held here and never put into a message.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from app.store.location import is_postgres_url, redact

DEFAULT_API_URL = "https://api.github.com"
# Python's level names and Probot's (pino's `trace`, `warn`, `fatal`), each to the Python level it means.
LOG_LEVELS = {
    "trace": "debug",  # Python logging has nothing finer than debug
    "debug": "debug",
    "info": "info",
    "warn": "warning",
    "warning": "warning",
    "error": "error",
    "fatal": "critical",
}
LOG_FORMATS = ("text", "json")
PRINTABLE_ASCII = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?")


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
    log_level: str = "info"  # a Python level name (LOG_LEVELS' values)
    log_format: str = "text"
    # The dashboard's sign-in with GitHub (the App's OAuth credentials), or a public dashboard.
    github_client_id: str | None = None
    github_client_secret: str | None = field(default=None, repr=False)
    dashboard_public: bool = False
    metrics_token: str | None = field(default=None, repr=False)  # /metrics needs it as a Bearer token

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

    @property
    def web_url(self) -> str:
        """The GitHub web host that belongs to GITHUB_API_URL: where links and the sign-in go."""
        from app.github.urls import web_url_for  # here: importing app.github loads the HTTP client

        return web_url_for(self.github_api_url)

    @property
    def sign_in(self) -> bool:
        """Visitors sign in with GitHub to see the dashboard (OAuth credentials are set)."""
        return self.github_client_id is not None and self.github_client_secret is not None


def graphql_url_for(api_url: str) -> str:
    """GraphQL endpoint of a REST base: api.github.com → /graphql, GHES https://HOST/api/v3 → /api/graphql."""
    base = api_url.rstrip("/")
    if base.endswith("/api/v3"):
        return base[: -len("/v3")] + "/graphql"
    return base + "/graphql"


def _getter(env: dict[str, str] | None):
    env = dict(os.environ if env is None else env)

    def get(name: str) -> str | None:
        value = env.get(name)
        return value if value not in (None, "") else None

    return get


def log_options(env: dict[str, str] | None = None, *, default_level: str = "info") -> tuple[str, str]:
    """(Python level name, format) from LOG_LEVEL and LOG_FORMAT; `default_level` when LOG_LEVEL is unset.
    Every command reads these, not only the ones that need the whole environment."""
    get = _getter(env)
    level = (get("LOG_LEVEL") or default_level).strip().lower()
    if level not in LOG_LEVELS:
        raise SettingsError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {level!r}")
    fmt = (get("LOG_FORMAT") or "text").strip().lower()
    if fmt not in LOG_FORMATS:
        raise SettingsError(f"LOG_FORMAT must be text or json, got {fmt!r}")
    return LOG_LEVELS[level], fmt


def load_settings(
    env: dict[str, str] | None = None, *, insecure_no_secret: bool = False, receives_deliveries: bool = True
) -> Settings:
    """The whole environment. `insecure_no_secret` (serve's flag) accepts unsigned deliveries, for local
    play only; `receives_deliveries=False` (commands that only read GitHub) needs no secret at all."""
    get = _getter(env)

    app_id: int | None = None
    if (raw := get("APP_ID")) is not None:
        if not raw.strip().isdigit():
            raise SettingsError(f"APP_ID must be the GitHub App's numeric id, got {raw!r}")
        app_id = int(raw)

    private_key = _private_key(get("PRIVATE_KEY"), get("PRIVATE_KEY_PATH"))
    if app_id is not None and private_key is None:
        raise SettingsError("PRIVATE_KEY or PRIVATE_KEY_PATH is required when APP_ID is set")

    secret = get("WEBHOOK_SECRET")
    if secret is not None and not secret.strip():
        # GitHub would sign with it, but a blank secret is a mistake in the environment, not a choice.
        raise SettingsError("WEBHOOK_SECRET is only whitespace: set it to the App's webhook secret")
    if receives_deliveries and insecure_no_secret and app_id is not None:
        raise SettingsError(
            "--insecure-no-secret cannot be used while APP_ID is set: a live App must check signatures "
            "(set WEBHOOK_SECRET)"
        )
    if secret is None and receives_deliveries and not insecure_no_secret:
        raise SettingsError("WEBHOOK_SECRET is required (use --insecure-no-secret only for local play)")

    path = get("WEBHOOK_PATH") or "/api/github/webhooks"
    if not path.startswith("/"):
        raise SettingsError(f"WEBHOOK_PATH must start with '/', got {path!r}")
    if path in ("/", "/ping", "/healthz", "/metrics", "/login", "/auth/callback", "/logout"):
        raise SettingsError(f"WEBHOOK_PATH must not be one of the service's own pages, got {path!r}")

    port_text = get("PORT") or "3000"
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise SettingsError(f"PORT must be a number from 1 to 65535, got {port_text!r}")

    api_url = github_api_url_from(env)

    level, log_format = log_options(env)
    client_id, client_secret = _oauth_client(get("GITHUB_CLIENT_ID"), get("GITHUB_CLIENT_SECRET"))
    public = (get("DASHBOARD_PUBLIC") or "false").strip().lower()
    if public not in ("true", "false"):
        raise SettingsError(f"DASHBOARD_PUBLIC must be true or false, got {public!r}")
    metrics_token = get("METRICS_TOKEN")
    if metrics_token is not None and not PRINTABLE_ASCII.fullmatch(metrics_token):
        # Never echoed: it is a secret. A header cannot carry surrounding spaces or other characters intact.
        raise SettingsError(
            "METRICS_TOKEN must be printable ASCII without spaces at its ends (it is sent as a Bearer token)"
        )

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
        log_format=log_format,
        github_client_id=client_id,
        github_client_secret=client_secret,
        dashboard_public=public == "true",
        metrics_token=metrics_token,
    )


def github_api_url_from(env: dict[str, str] | None = None) -> str:
    """`GITHUB_API_URL` (from `env`, else the process environment), checked; the public API when unset.
    Commands that only show links read this alone."""
    api_url = (_getter(env)("GITHUB_API_URL") or DEFAULT_API_URL).strip().rstrip("/")
    parts = urlsplit(api_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(f"GITHUB_API_URL must be an http(s) URL, got {api_url!r}")
    return api_url


def _oauth_client(client_id: str | None, secret: str | None) -> tuple[str | None, str | None]:
    """The App's OAuth client id and secret: both or neither (the secret is never echoed)."""
    if client_id is not None and secret is None:
        raise SettingsError("GITHUB_CLIENT_SECRET is required when GITHUB_CLIENT_ID is set (the App's client secret)")
    if secret is not None and client_id is None:
        raise SettingsError("GITHUB_CLIENT_ID is required when GITHUB_CLIENT_SECRET is set (the App's client id)")
    if client_id is not None and not re.fullmatch(r"[\x21-\x7e]+", client_id.strip()):
        raise SettingsError(f"GITHUB_CLIENT_ID must be the App's client id (like Iv1.0123abcd), got {client_id!r}")
    if secret is not None and not secret.strip():
        raise SettingsError("GITHUB_CLIENT_SECRET is only whitespace: set it to the App's client secret")
    return (client_id.strip() if client_id else None), (secret.strip() if secret else None)


def database_url_from(env: dict[str, str] | None = None) -> str | None:
    """`DATABASE_URL` (from `env`, else the process environment), checked (None when unset or empty)."""
    url = (_getter(env)("DATABASE_URL") or "").strip() or None
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


def read_dotenv(path: Path = Path(".env"), environ: dict[str, str] | None = None) -> list[str]:
    """Read `.env` in the working directory as Probot does: `NAME=value` lines (dotenv syntax: quotes,
    `export`, comments), no expansion of `${...}`, and a variable already in the environment wins.
    Returns the names it set. A line that is not `NAME=value` stops start-up with its file and line."""
    from dotenv.parser import parse_stream

    environ = os.environ if environ is None else environ
    if not path.is_file():
        return []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "it is not UTF-8 text"
        raise SettingsError(f"{path} cannot be read: {reason}") from None
    bindings = []
    for binding in parse_stream(io.StringIO(text)):
        if binding.error:
            # The parser's line is where the blank lines before the statement began.
            statement = binding.original.string
            line = binding.original.line + statement[: len(statement) - len(statement.lstrip())].count("\n")
            raise SettingsError(f"{path} line {line}: not a NAME=value line")
        if binding.key is not None and binding.value is not None:
            bindings.append((binding.key, binding.value))
    set_here = []
    for name, value in bindings:
        if name not in environ:
            environ[name] = value
            set_here.append(name)
    return set_here
