"""The aiohttp application: `POST $WEBHOOK_PATH`, `/ping`, `/healthz`, `/metrics` and the dashboard.

The event loop that answers never waits on the database for long: deliveries are stored by the intake's
writer thread (intake.py) with a bounded wait (503 past it), and the pages' reads run on a small pool of
threads, also bounded (`READ_WAIT`: 503 with the reason past it). Processing runs elsewhere
(processing.py): on a thread with its own loop (`ladder serve`), in another process (`--web-only` with
`ladder work`), or — for tests that drive a GitHub client made on this loop — on this loop.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from concurrent.futures import ThreadPoolExecutor

import aiohttp
from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from app import __version__, logs
from app.server import auth, health
from app.server.intake import STORE_WAIT, Intake, NotStored
from app.server.metrics import Metrics
from app.server.processing import SERVICES, Processing, ProcessingThread
from app.server.signature import BodySignature, well_formed
from app.server.worker import BATCH_SIZE
from app.settings import Settings
from app.store import open_database
from reports.dashboard import cohort_page_html, dashboard_html, person_page_html

try:  # a dependency; the service still runs (slower) without it
    import orjson
except ImportError:  # pragma: no cover
    orjson = None

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
FAST_PARSE_BRACKETS = 500  # see _parse
READ_WAIT = 5.0  # seconds a page waits for its database reads before it answers 503

DB = web.AppKey("db", object)  # the intake's (its writer thread's), durable
PAGES_DB = web.AppKey("pages_db", object)  # read-only: /healthz, /metrics and the dashboard never write
SETTINGS = web.AppKey("settings", Settings)
METRICS = web.AppKey("metrics", Metrics)
INTAKE = web.AppKey("intake", Intake)
PROCESSING = web.AppKey("processing", object)  # Processing (inline), ProcessingThread, or None (web only)
READS = web.AppKey("reads", ThreadPoolExecutor)
READ_WAIT_KEY = web.AppKey("read_wait", float)


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
            try:
                stored = await app[INTAKE].store(delivery_id, event, body, payload)
            except NotStored as failure:
                raise Refused(failure.status, failure.reason, failure.message) from None
            if not stored:
                metrics.received(event, "duplicate")
                log.info("delivery already received; nothing changes")
                return web.json_response({"delivery": delivery_id, "status": "already received"}, status=200)
            metrics.received(event, "queued")
            metrics.answered(time.perf_counter() - started)
            action = _word(payload.get("action"), EVENT_RE)  # a word, or left out of the line
            log.info("delivery accepted (%s%s)", event, f".{action}" if action else "")
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
    # One deadline for the whole body (not a timer task per chunk: that was a tenth of an answer's time).
    deadline = asyncio.get_running_loop().time() + request.app[BODY_TIMEOUT_KEY]
    content = request.content
    try:
        async with asyncio.timeout_at(deadline):
            while chunk := await content.readany():
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
    except TimeoutError:
        raise Refused(408, "timeout", "the body did not arrive in time") from None
    except (ConnectionError, aiohttp.ClientError, HttpProcessingError):
        raise Refused(400, "unreadable", "the body could not be read") from None
    if signature is not None and not signature.matches(request.headers.get("X-Hub-Signature-256")):
        raise Refused(401, "signature", "missing or wrong X-Hub-Signature-256")
    return b"".join(chunks)


def _parse(body: bytes) -> dict:
    """The payload, or a refusal naming what the queue could not store.

    orjson parses GitHub's JSON about four times faster than `json` (half the time of an answer was the
    parse). It is stricter — a lone surrogate escape, NaN, a byte-order mark are errors to it — so a body
    it refuses is parsed again by `json` and judged exactly as before: the fast path changes no answer."""
    # orjson (3.8) has no depth limit, `json` has one: the fast path takes only bodies with fewer brackets
    # than that limit could refuse (a bound on their depth), so what it accepts the worker can parse too.
    if orjson is not None and body.count(b"[") + body.count(b"{") < FAST_PARSE_BRACKETS:
        try:
            payload = orjson.loads(body)
        except orjson.JSONDecodeError:
            pass
        else:  # well-formed UTF-8 with no lone surrogate: orjson refuses both
            return _checked(payload)
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
    return _checked(payload)


def _checked(payload) -> dict:
    """The fields the queue stores from a parsed payload, refused when they have the wrong type."""
    if not isinstance(payload, dict):
        raise Refused(400, "not_json", "body is not a JSON object")
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


class ReadTimeout(Exception):
    """The database did not answer a page's reads in time."""


async def read(request: web.Request, work):
    """Run `work()` (database reads) on the reading threads, waiting at most READ_WAIT seconds."""
    app = request.app
    future = asyncio.get_running_loop().run_in_executor(app[READS], work)
    try:
        return await asyncio.wait_for(future, app[READ_WAIT_KEY])
    except asyncio.TimeoutError:
        raise ReadTimeout(f"the database did not answer within {app[READ_WAIT_KEY]:g} s") from None


async def healthz(request: web.Request) -> web.Response:
    app = request.app
    try:
        status, body = await read(
            request, lambda: health.report(app[PAGES_DB], app[PROCESSING], dry_run=app[SETTINGS].dry_run)
        )
    except Exception as error:  # the database is the one thing everything depends on
        reason = str(error) if isinstance(error, ReadTimeout) else f"the database failed ({type(error).__name__})"
        return web.json_response(
            {
                "status": "failing",
                "version": __version__,
                "database": "unreachable",
                "error": type(error).__name__,
                "problems": [reason],
            },
            status=503,
        )
    return web.json_response(body, status=status)


async def dashboard(request: web.Request, orgs: list[str] | None, login: str | None) -> web.Response:
    """Behind app.server.auth's rules: `orgs` are the visitor's organisations (None: all, a public dashboard)."""
    return await _page(request, lambda db, web_url: dashboard_html(db, web=web_url, orgs=orgs, signed_in=login))


async def cohort_page(request: web.Request, orgs: list[str] | None, login: str | None) -> web.Response:
    """`/cohorts/{org}/{name}`: one cohort with its charts; 404 for one the visitor may not see."""
    org, name = request.match_info["org"], request.match_info["name"]
    return await _page(
        request,
        lambda db, web_url: cohort_page_html(db, org, name, web=web_url, orgs=orgs, signed_in=login),
    )


async def person_page(request: web.Request, orgs: list[str] | None, login: str | None) -> web.Response:
    """`/people/{login}`: one person's levels, activity, check-ins and writes, in the visitor's organisations."""
    who = request.match_info["login"]
    return await _page(request, lambda db, web_url: person_page_html(db, who, web=web_url, orgs=orgs, signed_in=login))


async def _page(request: web.Request, render) -> web.Response:
    settings = request.app[SETTINGS]
    try:
        page = await read(request, lambda: render(request.app[PAGES_DB], settings.web_url))
    except ReadTimeout as error:
        return web.Response(text=f"{error}; try again", status=503)
    except LookupError as error:
        return web.Response(text=f"{error.args[0]}\n", status=404)
    return web.Response(text=page, content_type="text/html", charset="utf-8")


async def metrics_page(request: web.Request) -> web.Response:
    try:
        text = await read(request, request.app[METRICS].render)
    except ReadTimeout as error:
        return web.Response(text=f"{error}\n", status=503)
    return web.Response(body=text, content_type="text/plain", charset="utf-8")


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
    processing: str = "thread",
    services: tuple[str, ...] = SERVICES,
    batch_size: int = BATCH_SIZE,
    outbox_options: dict | None = None,
    store_wait: float = STORE_WAIT,
    read_wait: float = READ_WAIT,
    body_timeout: float = BODY_TIMEOUT,
    max_bodies_in_flight: int = MAX_BODIES_IN_FLIGHT,
) -> web.Application:
    """Build the service. `processing`: "thread" (`ladder serve`: its own thread, loop, connections and
    GitHub client, made from the settings), "none" (`ladder serve --web-only`: deliveries are processed by
    `ladder work`), or "inline" (on this loop, with `github`, a client made on it — for tests).
    `services`, `batch_size`, `outbox_options`: the processing side's (processing.py)."""
    if github is not None and processing != "inline":
        raise ValueError("a GitHub client belongs to the loop it was made on: pass processing='inline'")
    app = web.Application(client_max_size=MAX_BODY, middlewares=[security_headers])
    db = open_database(settings.database)  # deliveries in; migrates
    pages_db = db.reopen(read_only=True)  # /healthz, /metrics and the dashboard
    metrics = Metrics()
    app[BODIES] = BodyBudget(max_bodies_in_flight)
    app[BODY_TIMEOUT_KEY] = body_timeout
    app[DB] = db
    app[PAGES_DB] = pages_db
    app[SETTINGS] = settings
    app[METRICS] = metrics
    app[READS] = ThreadPoolExecutor(max_workers=4, thread_name_prefix="ladder-read")
    app[READ_WAIT_KEY] = read_wait

    side = None
    if processing in ("thread", "inline"):
        side = Processing(
            settings,
            metrics=metrics,
            github=github,
            services=services,
            batch_size=batch_size,
            outbox_options=outbox_options,
            # on a thread of this process (`ladder serve`), the handlers share the GIL with the answers
            intake_busy=(lambda: app[BODIES].in_use > 0) if processing == "thread" else None,
        )
        if processing == "thread":
            side = ProcessingThread(side)
    elif processing != "none":
        raise ValueError(f"processing must be thread, inline or none, not {processing!r}")
    app[PROCESSING] = side
    app[INTAKE] = Intake(db, wait=store_wait, on_stored=side.notify if side is not None else None)

    def worker_lines() -> list[str]:
        return health.worker_view(pages_db, app[PROCESSING], now=time.time()).metric_lines

    metrics.watch(pages_db, worker_lines)
    add_routes(app, settings, pages_db)

    async def start(app: web.Application) -> None:
        app[INTAKE].start()
        if isinstance(side, ProcessingThread):
            await asyncio.get_running_loop().run_in_executor(None, side.start)
        elif side is not None:
            await side.start()

    async def stop(app: web.Application) -> None:
        loop = asyncio.get_running_loop()
        if isinstance(side, ProcessingThread):
            await loop.run_in_executor(None, side.stop)
        elif side is not None:
            await side.stop()
        await loop.run_in_executor(None, app[INTAKE].close)
        app[READS].shutdown(wait=True)
        pages_db.close()
        db.close()

    app.on_startup.append(start)
    app.on_cleanup.append(stop)
    return app


def add_routes(app: web.Application, settings: Settings, pages_db) -> None:
    """Every route, in one place. The dashboard and /metrics sit behind app.server.auth's rules."""
    app.router.add_post(settings.webhook_path, receive_delivery)
    auth.setup(app, settings, pages_db)  # the dashboard's sign-in routes, when OAuth credentials are set
    app.router.add_get("/", auth.dashboard_page(dashboard))
    app.router.add_get("/cohorts/{org}/{name}", auth.dashboard_page(cohort_page))
    app.router.add_get("/people/{login}", auth.dashboard_page(person_page))
    app.router.add_get("/ping", ping)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", auth.metrics_page(metrics_page))
