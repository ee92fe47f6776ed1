"""`ladder report cohort NAME | person LOGIN | org ORG`: reports from stored data, in four formats."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli.common import CommandError, add_database_option, open_store, web_host

FORMATS = ("md", "html", "csv", "json")
KINDS = {
    "cohort": ("NAME", "a cohort: mentees side by side, graduation rate, time to graduate, retention"),
    "person": ("LOGIN", "one person: every level, requirement, check-in and write on GitHub"),
    "org": ("ORG", "an organisation: everyone evaluated, its cohorts, readiness issues"),
}


def register(sub) -> None:
    parser = sub.add_parser(
        "report",
        help="write a cohort, person or organisation report",
        description="Write a report from the stored data (GitHub is not asked). The format is --format, "
        "or else the extension of -o FILE, or else Markdown. Links point at the GitHub web host of GITHUB_API_URL.",
    )
    kinds = parser.add_subparsers(dest="kind", metavar="KIND")
    kinds.required = True
    for kind, (metavar, text) in KINDS.items():
        p = kinds.add_parser(kind, help=text, description=f"Report on {text}.")
        p.add_argument("name", metavar=metavar)
        if kind != "org":
            p.add_argument("--org", metavar="ORG", help="only this organisation")
        else:
            p.add_argument(
                "--inactive",
                action="store_true",
                help="the way down instead: who is at risk, in the grace period after a notice, and proposed",
            )
        p.add_argument("--format", choices=FORMATS, help="md (default), html, csv or json")
        p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
        add_database_option(p)
        p.set_defaults(func=run)


def output_format(args: argparse.Namespace) -> str:
    if args.format:
        return args.format
    if args.output:
        suffix = Path(args.output).suffix.lower().lstrip(".")
        return (
            {"markdown": "md", "htm": "html"}.get(suffix, suffix) if suffix in (*FORMATS, "markdown", "htm") else "md"
        )
    return "md"


def run(args: argparse.Namespace) -> int:
    from reports.cohort import cohort_report
    from reports.formats import render
    from reports.org import org_report
    from reports.person import person_report

    web = web_host()
    db = open_store(args, read_only=True)
    try:
        if args.kind == "cohort":
            report = cohort_report(db, args.name, org=args.org)
        elif args.kind == "person":
            report = person_report(db, args.name, org=args.org, web=web)
        elif getattr(args, "inactive", False):
            from reports.way_down import inactive_report

            report = inactive_report(db, args.name, web=web)
        else:
            report = org_report(db, args.name, web=web)
    except LookupError as error:
        raise CommandError(error.args[0]) from None
    finally:
        db.close()
    fmt = output_format(args)
    text = render(report, fmt)
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"cannot write {args.output}: {error.strerror}") from None
        print(f"wrote {report.title} ({fmt}) to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
