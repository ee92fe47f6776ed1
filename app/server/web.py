"""The aiohttp application: `POST $WEBHOOK_PATH`, `/ping`, `/healthz`, `/metrics` and the dashboard."""

from __future__ import annotations

import json
import logging

from aiohttp import web

from app import handlers
from app.backfill.runner import HistoryRunner
from app.context import Context
from app.evaluations import Evaluator
from app.outbox import OutboxSender
from app.promotion.progress import after_import
from app.server.intake import Intake
from app.server.metrics import Metrics
from app.server.signature import signature_valid
from app.server.worker import Worker
from app.settings import Settings
from app.store import deliveries, open_database
from reports.dashboard import dashboard_html

log = logging.getLogger("ladder.server")

MAX_BODY = 25 * 1024 * 1024  # GitHub caps payloads at 25 MB

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


async def receive_delivery(request: web.Request) -> web.Response:
    app = request.app
    settings, metrics = app[SETTINGS], app[METRICS]
    if request.content_length is not None and request.content_length > MAX_BODY:
        metrics.rejected["too_large"] += 1
        return _problem(413, "payload larger than 25 MB")
    try:
        body = await request.read()
    except web.HTTPRequestEntityTooLarge:
        metrics.rejected["too_large"] += 1
        return _problem(413, "payload larger than 25 MB")

    if settings.webhook_secret is not None and not signature_valid(
        settings.webhook_secret, body, request.headers.get("X-Hub-Signature-256")
    ):
        metrics.rejected["signature"] += 1
        return _problem(401, "missing or wrong X-Hub-Signature-256")

    event = request.headers.get("X-GitHub-Event")
    delivery_id = request.headers.get("X-GitHub-Delivery")
    if not event or not delivery_id:
        metrics.rejected["headers"] += 1
        return _problem(400, "X-GitHub-Event and X-GitHub-Delivery headers are required")
    if request.content_type != "application/json":
        metrics.rejected["content_type"] += 1
        return _problem(415, "the webhook must be configured with content type application/json")
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        metrics.rejected["not_json"] += 1
        return _problem(400, "body is not JSON")
    if not isinstance(payload, dict):
        metrics.rejected["not_json"] += 1
        return _problem(400, "body is not a JSON object")

    stored = await app[INTAKE].store(delivery_id, event, body, payload)
    if not stored:
        metrics.received[(event, "duplicate")] += 1
        return web.json_response({"delivery": delivery_id, "status": "already received"}, status=200)
    metrics.received[(event, "queued")] += 1
    app[WORKER].notify()
    return web.json_response({"delivery": delivery_id, "status": "queued"}, status=202)


async def ping(request: web.Request) -> web.Response:
    return web.Response(text="PONG")


async def healthz(request: web.Request) -> web.Response:
    try:
        stats = deliveries.stats(request.app[DB])
    except Exception as error:  # the database is the one thing health depends on
        return web.json_response(
            {"status": "error", "database": "unreachable", "error": type(error).__name__}, status=503
        )
    body = {
        "status": "ok",
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


async def dashboard(request: web.Request) -> web.Response:
    return web.Response(text=dashboard_html(request.app[PAGES_DB]), content_type="text/html", charset="utf-8")


async def metrics_page(request: web.Request) -> web.Response:
    text = request.app[METRICS].render(request.app[DB])
    for service in request.app[BACKGROUND]:
        lines = service.metrics_lines()
        if lines:
            text += "\n".join(lines) + "\n"
    return web.Response(
        text=text, content_type="text/plain", charset="utf-8", headers={"X-Content-Type-Options": "nosniff"}
    )


def make_app(settings: Settings, *, github=None, start_worker: bool = True) -> web.Application:
    """Build the service. `github` is an app.github.GitHubClient, or None for dry-run."""
    app = web.Application(client_max_size=MAX_BODY)
    db = open_database(settings.database)  # deliveries in, pages out
    work_db = db.reopen(migrate_schema=False, durable=False)  # the worker's
    pages_db = db.reopen(read_only=True)  # the dashboard's reads
    metrics = Metrics()
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

    app.router.add_post(settings.webhook_path, receive_delivery)
    app.router.add_get("/", dashboard)
    app.router.add_get("/ping", ping)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics_page)

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
