"""`ladder demo`: the whole pipeline on a sample organisation, with no GitHub account."""

from __future__ import annotations

import argparse
import asyncio
import logging
from pathlib import Path


def register(sub) -> None:
    parser = sub.add_parser(
        "demo",
        help="run the whole pipeline on bundled sample data (no GitHub account needed)",
        description="Starts Ladder on a fresh SQLite file and a local GitHub stand-in, delivers a recorded "
        "history of signed webhooks for a sample organisation (a cohort of mentees over a term), lets "
        "mentors sponsor and approve, merges the OWNERS pull request, and prints what happened.",
    )
    parser.add_argument(
        "--dir",
        default="ladder-demo",
        metavar="DIR",
        help="where to write the database, the dashboard and the report (default ./ladder-demo)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from app.demo.runner import Demo

    logging.basicConfig(level=logging.ERROR)
    result = asyncio.run(Demo(Path(args.dir)).run())
    print()
    print(
        f"Recorded from {result.deliveries} deliveries: {result.activity['pull_requests']} pull requests, "
        f"{result.activity['reviews']} reviews, {result.activity['review_comments']} review comments, "
        f"{result.activity['issue_comments']} comments ({result.activity['lgtm']} counted /lgtm), "
        f"{result.activity['people']} people."
    )
    print()
    print("Progress:")
    for login, level, scope, state in result.progress:
        print(f"  @{login:<8} {level:<9} {scope:<36} {state}")
    print()
    print(f"Readiness issues opened: {len(result.readiness)}")
    for title, url, state in result.readiness:
        print(f"  {title}  ({state})  {url}")
    print()
    print(f"OWNERS changes proposed: {len(result.owners_diffs)}")
    for url, diff in result.owners_diffs:
        print(f"  {url}")
        for line in diff.splitlines():
            print(f"    {line}")
    print()
    print(f"Progress comments kept up to date: {result.comments} (one per mentee, edited in place)")
    print(f"Dashboard:  {result.files['dashboard']}")
    print(f"On GitHub:  {result.files['github']}  (every comment, issue and pull request Ladder wrote)")
    print(f"Database:   {result.files['database']}")
    return 0
