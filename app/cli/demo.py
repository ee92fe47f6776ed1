"""`ladder demo`: the whole pipeline on a sample organisation, with no GitHub account."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from app.cli.common import CommandError


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
        help="where to write the database, the dashboard, github.md and the cohort report (default ./ladder-demo)",
    )
    parser.set_defaults(func=run, log_default="error")  # the story is the output


def run(args: argparse.Namespace) -> int:
    from app.demo.runner import Demo

    out_dir = Path(args.dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = "it is a file, not a folder" if isinstance(error, FileExistsError) else error.strerror
        raise CommandError(f"--dir {args.dir} cannot be used: {reason}") from None
    result = asyncio.run(Demo(out_dir).run())
    for line in summary(result):
        print(line)
    return 0


def summary(result) -> list[str]:
    """What `ladder demo` prints after the story: what was recorded, progress, and the files it wrote."""
    out: list[str] = []
    others = result.deliveries - result.history_deliveries
    out.append("")
    out.append(
        f"Recorded from {result.deliveries} deliveries ({result.history_deliveries} of history and {others} more: "
        "the installation, the mentors' comments, the merge, and GitHub's notices of Ladder's own pull "
        f"requests): {result.activity['pull_requests']} pull requests, "
        f"{result.activity['reviews']} reviews, {result.activity['review_comments']} review comments, "
        f"{result.activity['issue_comments']} comments ({result.activity['lgtm']} counted /lgtm), "
        f"{result.activity['people']} people."
    )
    out.append("")
    out.append("Progress:")
    widths = [max((len(row[i]) for row in result.progress), default=0) for i in range(3)]
    for login, level, scope, state in result.progress:
        out.append(f"  @{login:<{widths[0]}} {level:<{widths[1]}} {scope:<{widths[2]}} {state}")
    out.append("")
    out.append(f"Readiness issues opened: {len(result.readiness)}")
    for title, url, state in result.readiness:
        out.append(f"  {title}  ({state})  {url}")
    if result.other_issues:
        out.append("")
        out.append(f"Other issues Ladder opened: {len(result.other_issues)}")
        for title, url, state in result.other_issues:
            out.append(f"  {title}  ({state})  {url}")
    out.append("")
    out.append(f"OWNERS changes proposed: {len(result.owners_diffs)}")
    for url, diff in result.owners_diffs:
        out.append(f"  {url}")
        for line in diff.splitlines():
            out.append(f"    {line}")
    out.append("")
    out.append(f"Progress comments kept up to date: {result.comments} (one per mentee, edited in place)")
    out.append(f"Dashboard:  {result.files['dashboard']}")
    out.append(f"On GitHub:  {result.files['github']}  (every comment, issue and pull request Ladder wrote)")
    out.append(f"Database:   {result.files['database']}")
    reports = [path for name, path in result.files.items() if name.startswith("report ")]
    out.append(f"Report:     {reports[0]}  (the cohort; `ladder report cohort` writes the same)")
    for path in reports[1:]:
        out.append(f"            {path}")
    for name, path in result.files.items():
        if name not in ("dashboard", "github", "database") and not name.startswith("report "):
            out.append(f"{name.capitalize() + ':':<11} {path}")
    return out
