"""`ladder backfill`: import pull requests, reviews and comments from GitHub's history into the ledger."""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from app.cli.common import CommandError, add_database_option, database_location
from app.settings import load_settings

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?Z?)?$")


def register(sub) -> None:
    parser = sub.add_parser(
        "backfill",
        help="import history (pull requests, reviews, comments) from GitHub",
        description="Import the pull requests updated since DATE (default: 12 months ago) with their reviews "
        "and comments, for every repository the App is installed on, one organisation's, or one repository. "
        "Needs APP_ID and PRIVATE_KEY or PRIVATE_KEY_PATH (GITHUB_API_URL for GitHub Enterprise Server). "
        "An interrupted run continues where it stopped when run again.",
    )
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--org", metavar="ORG", help="only this organisation's repositories")
    target.add_argument("--repo", metavar="OWNER/REPO", help="only this repository")
    parser.add_argument(
        "--since", metavar="DATE", help="oldest update to import, e.g. 2025-01-31 (default: 12 months ago)"
    )
    parser.add_argument(
        "--paths", action="store_true", help="also import changed paths (needed by path-scoped cohorts and ladders)"
    )
    parser.add_argument(
        "--reserve",
        type=float,
        default=0.2,
        metavar="SHARE",
        help="share of the installation's GraphQL budget left for the live service (default 0.2)",
    )
    add_database_option(parser)
    parser.set_defaults(func=run, log_default="warning")  # the progress bar is the output


def parse_since(text: str | None) -> str:
    from app.backfill import jobs

    if text is None:
        return jobs.default_since()
    if not DATE_RE.match(text):
        raise CommandError(f"--since must be a date like 2025-01-31, got {text!r}")
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise CommandError(f"--since is not a real date: {text!r}") from None
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return jobs.iso(at)


def run(args: argparse.Namespace) -> int:
    settings = load_settings(receives_deliveries=False)  # no deliveries are received: no secret needed
    if settings.app_id is None:
        raise CommandError("backfill reads from GitHub: set APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH)")
    if args.repo is not None and not re.fullmatch(r"[\w.-]+/[\w.-]+", args.repo):
        raise CommandError(f"--repo must be OWNER/REPO, got {args.repo!r}")
    if not 0 <= args.reserve < 1:
        raise CommandError(f"--reserve must be a share from 0 to 0.99, got {args.reserve}")
    since = parse_since(args.since)
    where = database_location(args, must_exist=False)
    if isinstance(where, Path) and where.parent and not where.parent.exists():
        raise CommandError(f"the database's folder does not exist: {str(where.parent)!r}")
    return asyncio.run(
        backfill(settings, where, org=args.org, repo=args.repo, since=since, paths=args.paths, reserve=args.reserve)
    )


async def backfill(
    settings,
    where: Path | str,
    *,
    org: str | None,
    repo: str | None,
    since: str,
    paths: bool,
    reserve: float,
    stream=None,
) -> int:
    import aiohttp
    import gidgethub

    from app.backfill import jobs
    from app.backfill.progress import Progress, summary
    from app.backfill.runner import Options, run_jobs
    from app.github import GitHubClient
    from app.store import StoreError, open_database

    out = stream or sys.stderr
    try:
        db = open_database(where)
    except StoreError as error:
        raise CommandError(str(error)) from None
    try:
        async with aiohttp.ClientSession() as session:
            github = GitHubClient(
                session, app_id=settings.app_id, private_key=settings.private_key, api_url=settings.github_api_url
            )
            try:
                repositories = await discover(github, db, org=org, repo=repo)
            except gidgethub.GitHubException as error:
                raise CommandError(f"cannot list the repositories to import: {error}") from None
            if not repositories:
                raise CommandError("the App is installed on no repository that matches")
            jobs.schedule(db, repositories, since=since, reason="cli", paths=paths)
            budgets: dict = {}
            progress = Progress(len(repositories), budgets, stream=out)
            options = Options(reserve=reserve, on_page=progress.on_page)
            started = time.monotonic()
            report = await run_jobs(db, github, repo_ids=[r[0] for r in repositories], options=options, budgets=budgets)
            progress.finish()
        print(
            summary(
                repositories=report.repositories,
                pull_requests=report.pull_requests,
                points=sum(b.used for b in budgets.values()),
                seconds=time.monotonic() - started,
                pauses=sum(b.pauses for b in budgets.values()),
                paused_seconds=sum(b.paused_seconds for b in budgets.values()),
                failed=report.failed,
            )
        )
        return 1 if report.failed else 0
    finally:
        db.close()


async def discover(github, db, *, org: str | None, repo: str | None) -> list[tuple[int, str, int]]:
    """The repositories to import, as (id, full_name, installation id), recorded in the ledger."""
    import gidgethub

    from app import normalise
    from app.store import ledger

    # The App's installations, matched on their account (works with the App's own JWT alone).
    installations = [i async for i in github.app_api().getiter("/app/installations")]
    owner = org or (repo.split("/", 1)[0] if repo else None)
    if owner is not None:
        installations = [i for i in installations if (i.get("account") or {}).get("login", "").lower() == owner.lower()]
        if not installations:
            raise CommandError(f"the App is not installed on {owner}")
    found: list[tuple[dict, int]] = []
    for inst in installations:
        gh = await github.for_installation(inst["id"])
        if repo is not None:
            name = repo.split("/", 1)[1]
            try:
                data = await gh.getitem("/repos/{owner}/{repo}", {"owner": owner, "repo": name})
            except gidgethub.BadRequest as error:
                if error.status_code == 404:
                    raise CommandError(f"the App is not installed on {repo}") from None
                raise
            found.append((data, int(inst["id"])))
            continue
        async for data in gh.getiter("/installation/repositories", iterable_key="repositories"):
            found.append((data, int(inst["id"])))
    activity = normalise.Activity(repositories=[normalise.repository(d, i) for d, i in found])
    ledger.record(db, activity)
    return [(int(d["id"]), d["full_name"], i) for d, i in found]
