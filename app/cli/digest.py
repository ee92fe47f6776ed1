"""`ladder digest COHORT`: this week's digest of a cohort, as Ladder posts it on the tracking issue."""

from __future__ import annotations

import argparse
import asyncio
import sys

from app.cli.common import CommandError, add_database_option, open_store


def register(sub) -> None:
    parser = sub.add_parser(
        "digest",
        help="print this week's digest of a cohort",
        description="Print the weekly digest of cohort COHORT for this week (its `checkin_day` in its timezone), "
        "as Ladder posts it on the tracking issue: per mentee the week's merged PRs, reviews and primary reviews, "
        "their check-in, what looks stuck, and progress toward the target. From the stored data only (GitHub is "
        "not asked, nothing is written).",
    )
    parser.add_argument("cohort", metavar="COHORT")
    parser.add_argument("--org", metavar="ORG", help="the organisation, when several have a cohort called COHORT")
    add_database_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    db = open_store(args, read_only=True)
    try:
        text = asyncio.run(digest_text(db, args.cohort, args.org))
    finally:
        db.close()
    sys.stdout.write(text + "\n")
    return 0


async def digest_text(db, name: str, org: str | None = None, now=None) -> str:
    from datetime import datetime, timedelta, timezone

    from app.context import Context
    from app.evaluations import Evaluator
    from app.promotion import digest, rhythm
    from app.promotion.digest_text import digest_markdown
    from app.promotion.setup import org_setup
    from app.settings import Settings, github_api_url_from
    from app.store import orgs

    now = now or datetime.now(timezone.utc)
    ctx = Context(db=db, settings=Settings(github_api_url=github_api_url_from()), evaluator=Evaluator(db))
    found = []
    for row in orgs.configs(db):
        if org is not None and row.org.lower() != org.lower():
            continue
        setup = await org_setup(ctx, row.org)
        for cohort in setup.config.cohorts if setup else ():
            if cohort.name.lower() == name.lower():
                found.append((setup, cohort))
    if not found:
        raise CommandError(f"no cohort called {name!r}" + (f" in {org}" if org else "") + " is known to Ladder")
    if len(found) > 1:
        raise CommandError(f"several organisations have a cohort called {name!r}: pass --org")
    ((setup, cohort),) = found
    today = rhythm.local_day(cohort, now)
    day = today + timedelta(days=rhythm.WEEKDAYS.index(cohort.checkin_day) - today.weekday())
    return digest_markdown(digest.digest_view(ctx, setup, cohort, day, now))
