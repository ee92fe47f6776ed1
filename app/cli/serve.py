"""`ladder serve`: the GitHub App service (the Procfile's web process)."""

from __future__ import annotations

import argparse
import asyncio
import logging

from app.settings import load_settings

log = logging.getLogger("ladder")


def register(sub) -> None:
    parser = sub.add_parser(
        "serve",
        help="run the GitHub App service (the Procfile's web process)",
        description="Run the webhook service. Configured by the environment: APP_ID, PRIVATE_KEY or "
        "PRIVATE_KEY_PATH, WEBHOOK_SECRET, WEBHOOK_PATH, PORT, HOST, GITHUB_API_URL, DATABASE_URL, DATABASE_PATH, "
        "LOG_LEVEL, LOG_FORMAT, GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET (the dashboard's sign-in with GitHub), "
        "DASHBOARD_PUBLIC, METRICS_TOKEN (also from .env in the working directory). Without APP_ID it runs in "
        "dry-run: it records activity and plans, writes nothing.",
    )
    parser.add_argument(
        "--insecure-no-secret",
        action="store_true",
        help="accept unsigned deliveries (local play only; never in production)",
    )
    parser.set_defaults(func=run, log_default="info")


def run(args: argparse.Namespace) -> int:
    settings = load_settings(insecure_no_secret=args.insecure_no_secret)
    if settings.webhook_secret is None:
        log.warning("--insecure-no-secret: deliveries are accepted WITHOUT a signature check (local play only)")
    import sqlite3

    from app.cli.common import CommandError
    from app.service import run_service
    from app.store import SchemaTooNew, StoreError
    from app.store.location import describe

    variable = "DATABASE_URL" if settings.database_url else "DATABASE_PATH"
    try:
        asyncio.run(run_service(settings))
    except SchemaTooNew as error:
        raise CommandError(f"{variable} {describe(settings.database)}: {error}") from None
    except StoreError as error:
        raise CommandError(f"{variable}{':' if settings.database_url else ''} {error}") from None
    except sqlite3.DatabaseError as error:
        raise CommandError(f"DATABASE_PATH {settings.database_path} cannot be used: {error}") from None
    except OSError as error:
        raise CommandError(f"cannot listen on {settings.host}:{settings.port}: {error.strerror}") from None
    return 0
