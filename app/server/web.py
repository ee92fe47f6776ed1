"""The aiohttp application: `POST $WEBHOOK_PATH`, `/ping`, `/healthz`, `/metrics` and the dashboard."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time

import aiohttp
from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from app import __version__, handlers, logs
from app.backfill.runner import HistoryRunner
from app.context import Context
from app.evaluations import Evaluator
from app.github import GitHubClient
from app.outbox import OutboxSender
from app.promotion.progress import after_import
from app.server import auth
from app.server.intake import Intake
from app.server.metrics import Metrics
from app.server.signature import BodySignature, well_formed
from app.server.worker import Worker
from app.settings import Settings
from app.store import deliveries, open_database
from reports.dashboard import dashboard_html

log = logging.getLogger("ladder.server")

MAX_BODY = 25 * 1024 * 1024  # GitHub caps payloads at 25 MB
BODY_TIMEOUT = 20.0  # seconds to receive a whole body; GitHub itself gives up on an answer after 10 s
# Bodies being received at once, all requests together: five of GitHub's largest. Real deliveries are
# kilobytes; past this a request is answered 503 (GitHub records it, it can be redelivered).
MAX_BODIES_IN_FLIGHT = 128 * 1024 * 1024
# What the queue stores from the request: the header values must be text either database keeps as it is.
DELIVERY_ID_RE = re.compile(r"[\x21-\x7e]{1,200}")
EVENT_RE = re.compile(r"[\x21-\x7e]{1,100}")
INT64 = range(-(2**63), 2**63)  # INTEGER on SQLite, BIGINT on PostgreSQL
SURROGATE_ESCAPE_RE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")

DB = web.AppKey("db", object)
PAGES_DB = web.AppKey("pages_db", object)  # read-only: the dashboard never writes
SETTINGS = web.AppKey("settings", Settings)
METRICS = web.AppKey("metrics", Metrics)
WORKER = web.AppKey("worker", Worker)
GITHUB = web.AppKey("github", object)
INTAKE = web.AppKey("intake", Intake)
BACKGROUND = web.AppKey("background", list)


def _problem(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


class Refused(Exception):
    """A request answered with an error: its status, the metric's reason and the sentence for the sender."""

    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.status, self.reason, self.message = status, reason, message


class BodyBudget:
    """Bytes of request bodies held at once, across requests. A request takes its Content-Length up front
    (or each chunk as it comes, without one) and gives it back when it is answered."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.in_use = 0

    def take(self, n: int) -> bool:
        if self.in_use + n > self.limit:
            return False
        self.in_use += n
        return True

    def give_back(self, n: int) -> None:
        self.in_use -= n


BODIES = web.AppKey("bodies", BodyBudget)
BODY_TIMEOUT_KEY = web.AppKey("body_timeout", float)


async def receive_delivery(request: web.Request) -> web.Response:
    started = time.perf_counter()
    app = request.app
    metrics = app[METRICS]
    held = [0]  # bytes of the budget this request holds
    # For the log line of a refused request: the ids it was sent with, when they are ids at all.
    delivery_id = _word(request.headers.get("X-GitHub-Delivery"), DELIVERY_ID_RE)
    event = _word(request.headers.get("X-GitHub-Event"), EVENT_RE)
    try:
        delivery_id, event = _check_headers(request, app[SETTINGS])
        body = await _read_body(request, app[SETTINGS].webhook_secret, app[BODIES], held)
        payload = _parse(body)
        with logs.about_delivery(delivery_id, event, _installation_id(payload)):
            stored = await app[INTAKE].store(delivery_id, event, body, payload)
            if not stored:
                metrics.received(event, "duplicate")
                log.info("delivery already received; nothing changes")
                return web.json_response({"delivery": delivery_id, "status": "already received"}, status=200)
            metrics.received(event, "queued")
            metrics.answered(time.perf_counter() - started)
            action = _word(payload.get("action"), EVENT_RE)  # a word, or left out of the line
            log.info("delivery accepted (%s%s)", event, f".{action}" if action else "")
            app[WORKER].notify()
            return web.json_response({"delivery": delivery_id, "status": "queued"}, status=202)
    except Refused as refused:
        metrics.rejected(refused.reason)
        log.warning(
            "delivery rejected (%d %s): %s",
            refused.status,
            refused.reason,
            refused.message,
            extra={"delivery_id": delivery_id, "event": event},
        )
        return _problem(refused.status, refused.message)
    finally:
        app[BODIES].give_back(held[0])


def _word(value: str | None, pattern: re.Pattern) -> str | None:
    return value if value is not None and pattern.fullmatch(value) else None


def _check_headers(request: web.Request, settings: Settings) -> tuple[str, str]:
    """Everything that can be refused before the body is read; returns (delivery id, event)."""
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise Refused(413, "too_large", "payload larger than 25 MB")
    if settings.webhook_secret is not None and not well_formed(request.headers.get("X-Hub-Signature-256")):
        raise Refused(401, "signature", "missing or wrong X-Hub-Signature-256")
    event = request.headers.get("X-GitHub-Event")
    delivery_id = request.headers.get("X-GitHub-Delivery")
    if not event or not delivery_id:
        raise Refused(400, "headers", "X-GitHub-Event and X-GitHub-Delivery headers are required")
    if not EVENT_RE.fullmatch(event) or not DELIVERY_ID_RE.fullmatch(delivery_id):
        raise Refused(400, "headers", "X-GitHub-Event and X-GitHub-Delivery must be short ASCII words")
    if request.content_type != "application/json":
        raise Refused(415, "content_type", "the webhook must be configured with content type application/json")
    if request.headers.get("Content-Encoding", "identity").strip().lower() != "identity":
        raise Refused(415, "content_type", "compressed bodies are not accepted (GitHub sends none)")
    return delivery_id, event


async def _read_body(request: web.Request, secret: str | None, budget: BodyBudget, held: list[int]) -> bytes:
    """The body, read chunk by chunk within the size cap, the time limit and the shared budget; the
    signature is checked over the chunks as they come."""
    if request.content_length is not None:
        if not budget.take(request.content_length):
            raise Refused(503, "busy", "too many large deliveries are being received at once; try again")
        held[0] += request.content_length
    signature = BodySignature(secret) if secret is not None else None
    chunks: list[bytes] = []
    size = 0
    loop = asyncio.get_running_loop()
    deadline = loop.time() + request.app[BODY_TIMEOUT_KEY]
    while True:
        try:
            chunk = await asyncio.wait_for(request.content.readany(), max(0.0, deadline - loop.time()))
        except asyncio.TimeoutError:
            raise Refused(408, "timeout", "the body did not arrive in time") from None
        except (ConnectionError, aiohttp.ClientError, HttpProcessingError):
            raise Refused(400, "unreadable", "the body could not be read") from None
        if not chunk:
            break
        size += len(chunk)
        if size > MAX_BODY:
            raise Refused(413, "too_large", "payload larger than 25 MB")
        if size > held[0]:  # no Content-Length, or more than it said: take the rest as it comes
            if not budget.take(size - held[0]):
                raise Refused(503, "busy", "too many large deliveries are being received at once; try again")
            held[0] = size
        if signature is not None:
            signature.update(chunk)
        chunks.append(chunk)
    if signature is not None and not signature.matches(request.headers.get("X-Hub-Signature-256")):
        raise Refused(401, "signature", "missing or wrong X-Hub-Signature-256")
    return b"".join(chunks)


def _parse(body: bytes) -> dict:
    """The payload, or a refusal naming what the queue could not store."""
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise Refused(400, "not_json", "body is not JSON") from None
    except RecursionError:
        raise Refused(400, "not_json", "body is nested too deeply") from None
    if not isinstance(payload, dict):
        raise Refused(400, "not_json", "body is not a JSON object")
    # GitHub's JSON is UTF-8 text; a lone surrogate escape (\ud800) decodes to a string no database or
    # later step can encode. The scan is cheap; only a body with such an escape is walked.
    if SURROGATE_ESCAPE_RE.search(body) and _has_lone_surrogate(payload):
        raise Refused(400, "bad_payload", "body has a \\u escape that is not a Unicode character (a lone surrogate)")
    action = payload.get("action")
    if action is not None and not isinstance(action, str):
        raise Refused(400, "bad_payload", "`action` must be a string")
    installation = payload.get("installation")
    if installation is not None:
        if not isinstance(installation, dict):
            raise Refused(400, "bad_payload", "`installation` must be an object")
        installation_id = installation.get("id")
        if installation_id is not None and (
            isinstance(installation_id, bool) or not isinstance(installation_id, int) or installation_id not in INT64
        ):
            raise Refused(400, "bad_payload", "`installation.id` must be a whole number")
    return payload


def _has_lone_surrogate(payload) -> bool:
    stack = [payload]
    while stack:  # a loop, not recursion: the payload may be as deep as json.loads allows
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return True
    return False


def _installation_id(payload: dict) -> int | None:
    return (payload.get("installation") or {}).get("id")


async def ping(request: web.Request) -> web.Response:
    return web.Response(text="PONG")


async def healthz(request: web.Request) -> web.Response:
    try:
        stats = deliveries.stats(request.app[DB])
    except Exception as error:  # the database is the one thing health depends on
        return web.json_response(
            {"status": "error", "version": __version__, "database": "unreachable", "error": type(error).__name__},
            status=503,
        )
    body = {
        "status": "ok",
        "version": __version__,
        "database": "ok",
        "dry_run": request.app[SETTINGS].dry_run,
        "queue_depth": stats.pending,
        "oldest_pending_age_seconds": None if stats.oldest_pending_age is None else round(stats.oldest_pending_age, 3),
        "failed_deliveries": stats.failed,
        "processed_deliveries": stats.done,
    }
    for service in request.app[BACKGROUND]:
        body[service.name] = service.health()
    return web.json_response(body)


async def dashboard(request: web.Request, orgs: list[str] | None, login: str | None) -> web.Response:
    """Behind app.server.auth's rules: `orgs` are the visitor's organisations (None: all, a public dashboard)."""
    page = dashboard_html(request.app[PAGES_DB], web=request.app[SETTINGS].web_url, orgs=orgs, signed_in=login)
    return web.Response(text=page, content_type="text/html", charset="utf-8")


async def metrics_page(request: web.Request) -> web.Response:
    return web.Response(body=request.app[METRICS].render(), content_type="text/plain", charset="utf-8")


# The pages use one inline <style> block and inline style attributes (progress bars), no script, no image,
# no font, no form: everything else is refused, and no other site may frame them.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


@web.middleware
async def security_headers(request: web.Request, handler):
    try:
        response = await handler(request)
    except web.HTTPException as error:  # aiohttp's own 404/405 pages
        response = error
        _add_security_headers(response)
        raise
    _add_security_headers(response)
    return response


def _add_security_headers(response: web.StreamResponse) -> None:
    response.headers["X-Content-Type-Options"] = "nosniff"
    if response.content_type == "text/html":
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY


def make_app(
    settings: Settings,
    *,
    github=None,
    start_worker: bool = True,
    body_timeout: float = BODY_TIMEOUT,
    max_bodies_in_flight: int = MAX_BODIES_IN_FLIGHT,
) -> web.Application:
    """Build the service. `github` is an app.github.GitHubClient, or None for dry-run."""
    app = web.Application(client_max_size=MAX_BODY, middlewares=[security_headers])
    db = open_database(settings.database)  # deliveries in
    work_db = db.reopen(migrate_schema=False, durable=False)  # the worker's
    pages_db = db.reopen(read_only=True)  # the dashboard's and the metrics' reads
    metrics = Metrics()
    if isinstance(github, GitHubClient):
        github.on_response = metrics.github_response
    app[BODIES] = BodyBudget(max_bodies_in_flight)
    app[BODY_TIMEOUT_KEY] = body_timeout
    app[DB] = db
    app[PAGES_DB] = pages_db
    app[SETTINGS] = settings
    app[METRICS] = metrics
    app[GITHUB] = github
    app[INTAKE] = Intake(db)

    evaluator = Evaluator(work_db)

    def make_context(delivery_id: str) -> Context:
        return Context(db=work_db, settings=settings, github=github, delivery_id=delivery_id, evaluator=evaluator)

    app[WORKER] = Worker(work_db, handlers.router, make_context, metrics)
    # Started in this order, stopped in reverse. Other services append themselves here.
    app[BACKGROUND] = [app[WORKER]] if start_worker else []
    app[BACKGROUND].append(OutboxSender(work_db, github, settings))
    history = HistoryRunner(settings.database, github)
    history.on_imported = lambda org, repo_ids: after_import(make_context(f"import:{org}"), org)
    app[BACKGROUND].append(history)

    metrics.watch(pages_db, lambda: app[BACKGROUND])
    app.router.add_post(settings.webhook_path, receive_delivery)
    auth.setup(app, settings, pages_db)  # the dashboard's sign-in routes, when OAuth credentials are set
    app.router.add_get("/", auth.dashboard_page(dashboard))
    app.router.add_get("/ping", ping)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", auth.metrics_page(metrics_page))

    async def start(app: web.Application) -> None:
        for service in app[BACKGROUND]:
            service.start()

    async def stop(app: web.Application) -> None:
        for service in reversed(app[BACKGROUND]):
            await service.stop()
        await app[WORKER].stop()
        pages_db.close()
        work_db.close()
        db.close()

    app.on_startup.append(start)
    app.on_cleanup.append(stop)
    return app
