"""`ladder work`: processing only — the delivery worker, the outbox sender, the history importer — for
`ladder serve --web-only` replicas (the Procfile's worker process). Of all processes on one database that
can process, one at a time is active; the others stand by and take over within 30 s when it dies."""

from __future__ import annotations

import argparse

from app.cli.serve import add_batch_option
from app.runtime.loop import run as run_loop
from app.settings import load_settings


def register(sub) -> None:
    parser = sub.add_parser(
        "work",
        help="process stored deliveries (no HTTP): the worker beside `ladder serve --web-only` replicas",
        description="Process the deliveries web replicas (`ladder serve --web-only`) store: run the handlers, "
        "send the planned writes to GitHub, import history. Several may run on one database: one is the "
        "active worker (elected through the database), the others stand by and take over within 30 s when "
        "it dies. Configured by the environment: APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, GITHUB_API_URL, "
        "DATABASE_URL, DATABASE_PATH, LOG_LEVEL, LOG_FORMAT (also from .env). Without APP_ID it runs in "
        "dry-run. It listens on no port; its state is in /healthz of any web replica.",
    )
    add_batch_option(parser)
    parser.set_defaults(func=run, log_default="info")


def run(args: argparse.Namespace) -> int:
    settings = load_settings(receives_deliveries=False)
    from app.cli.common import database_errors
    from app.service import run_worker

    with database_errors(settings):
        run_loop(run_worker(settings, batch_size=args.batch))
    return 0
