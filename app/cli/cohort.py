"""`ladder cohort plan NAME`: the proposed mentor for each mentee, with the reasons, from stored data."""

from __future__ import annotations

import argparse
import json
import sys

from app.cli.common import CommandError, add_database_option, open_store


def register(sub) -> None:
    parser = sub.add_parser(
        "cohort",
        help="help organisers run a cohort (propose mentors)",
        description="Cohort tools for organisers, from the stored data (GitHub is not asked).",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    p = actions.add_parser(
        "plan",
        help="propose a mentor for each mentee",
        description="Propose a mentor for each mentee of cohort NAME (listed and enrolled), at most "
        "`mentees_per_mentor` each, preferring mentors who review or approve where the mentee works: overlap "
        "of OWNERS folders and repositories in the last 6 months. The plan is a minimum-cost assignment "
        "(Hungarian method), printed with the reasons. Ladder assigns no one: organisers write what they "
        "accept into ladder.yml.",
    )
    p.add_argument("name", metavar="NAME")
    p.add_argument("--org", metavar="ORG", help="the organisation, when several have a cohort called NAME")
    p.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or json")
    add_database_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from reports.matching import mentor_plan, plan_text

    db = open_store(args, read_only=True)
    try:
        found = mentor_plan(db, args.name, org=args.org)
    except LookupError as error:
        raise CommandError(error.args[0]) from None
    finally:
        db.close()
    if args.format == "json":
        sys.stdout.write(json.dumps(found.to_dict(), indent=2) + "\n")
    else:
        sys.stdout.write(plan_text(found))
    return 0
