"""`ladder serve`: the GitHub App service (the Procfile's web process)."""

from __future__ import annotations

import argparse
import logging

from app.runtime.loop import run as run_loop
from app.settings import load_settings

log = logging.getLogger("ladder")


def add_batch_option(parser: argparse.ArgumentParser) -> None:
    from app.server.worker import BATCH_SIZE

    parser.add_argument(
        "--batch",
        type=_positive,
        default=BATCH_SIZE,
        metavar="N",
        help=f"deliveries the worker leases in one transaction (default {BATCH_SIZE})",
    )


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 up, got {text!r}")
    return int(text)


def register(sub) -> None:
    parser = sub.add_parser(
        "serve",
        help="run the GitHub App service (the Procfile's web process)",
        description="Run the webhook service. Configured by the environment: APP_ID, PRIVATE_KEY or "
        "PRIVATE_KEY_PATH, WEBHOOK_SECRET, WEBHOOK_PATH, PORT, HOST, GITHUB_API_URL, DATABASE_URL, DATABASE_PATH, "
        "LOG_LEVEL, LOG_FORMAT, GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET (the dashboard's sign-in with GitHub), "
        "DASHBOARD_PUBLIC, METRICS_TOKEN (also from .env in the working directory). Without APP_ID it runs in "
        "dry-run: it records activity and plans, writes nothing. It processes the deliveries it stores on a "
        "thread of its own, when it is the active worker of its database (one process at a time is).",
    )
    parser.add_argument(
        "--insecure-no-secret",
        action="store_true",
        help="accept unsigned deliveries (local play only; never in production)",
    )
    parser.add_argument(
        "--web-only",
        action="store_true",
        help="only receive and store deliveries and answer /ping, /healthz, /metrics and the dashboard; "
        "`ladder work` processes them",
    )
    add_batch_option(parser)
    parser.set_defaults(func=run, log_default="info")


def run(args: argparse.Namespace) -> int:
    settings = load_settings(insecure_no_secret=args.insecure_no_secret)
    if settings.webhook_secret is None:
        log.warning("--insecure-no-secret: deliveries are accepted WITHOUT a signature check (local play only)")
    from app.cli.common import CommandError, database_errors
    from app.service import run_service

    with database_errors(settings):
        try:
            run_loop(run_service(settings, web_only=args.web_only, batch_size=args.batch))
        except OSError as error:
            raise CommandError(f"cannot listen on {settings.host}:{settings.port}: {error.strerror}") from None
    return 0
