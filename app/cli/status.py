"""`ladder status LOGIN`: a person's progress in the terminal, and what Ladder did or would do for them."""

from __future__ import annotations

import argparse

from app.cli.common import CommandError, add_database_option, open_store, web_host


def register(sub) -> None:
    parser = sub.add_parser(
        "status",
        help="a person's progress in the terminal",
        description="Show a person's progress toward each level (every requirement with have/need), their "
        "readiness issues, and the writes Ladder made or planned for them on GitHub (planned = dry-run). "
        "Reads the stored data only; when no evaluation of the person is stored yet, evaluates them from the "
        "ledger on demand (and stores nothing).",
    )
    parser.add_argument("login", metavar="LOGIN", help="GitHub login (with or without @)")
    parser.add_argument("--org", metavar="ORG", help="only this organisation")
    parser.add_argument("--level", metavar="LEVEL", help="only this level")
    add_database_option(parser)
    parser.set_defaults(func=run)


def _known_levels(db) -> set[str]:
    """Level names of the stored organisations' ladders, and of every stored evaluation."""
    from app.store import evaluations
    from reports.read_model import known_orgs, stored_ladder

    levels = evaluations.levels(db)
    for org in known_orgs(db):
        ladder = stored_ladder(db, org)
        levels |= {level.name.lower() for level in ladder.levels} if ladder else set()
    return levels


def status_lines(
    db, login: str, org: str | None = None, level: str | None = None, width: int | None = None
) -> list[str]:
    """The lines `ladder status` prints; `width`: wrap them to it (None: whole lines)."""
    from app.evaluations import on_demand
    from app.markdown import day
    from app.outbox import list_effects
    from ladder_rules.everyone import is_bot
    from reports.effects import effect_row
    from reports.read_model import evaluations, find_org, find_person, org_cohorts, readiness_rows
    from reports.terminal import effect_lines, fit, progress_text

    found = find_person(db, login)
    if found is None and is_bot(login.lstrip("@")):
        return [f"@{login.lstrip('@')} is a bot: Ladder does not evaluate bots, so it has no progress to show."]
    if found is None:
        raise CommandError(f"no one with the login {login.lstrip('@')!r} is known to Ladder")
    if org is not None:
        org = find_org(db, org) or _fail(f"no organisation called {org!r} is known to Ladder")
    if level is not None and level.lower() not in _known_levels(db):
        raise CommandError(f"no level called {level!r} in the ladders Ladder knows")
    person_id, login = found
    lines = [f"@{login}" + (f" in {org}" if org else "")]
    for cohort in org_cohorts(db, org):
        if cohort.has_mentee(login):
            lines.append(
                f"Cohort {cohort.name} ({cohort.org}): target {cohort.target}, {day(cohort.start)} to {day(cohort.end)}"
            )
    lines.append("")
    if is_bot(login):
        return [f"@{login} is a bot: Ladder does not evaluate bots, so it has no progress to show."]
    evals = evaluations(db, person_id, org, level)
    if not evals:
        found_now = on_demand(db, person_id, login, org)
        evals = [e for e in found_now if level is None or e["level"].lower() == level.lower()]
        if evals:
            lines += ["Nothing stored yet: evaluated now from the ledger.", ""]
    if not evals:
        lines += ["No progress stored yet" + (f" toward {level}" if level else "") + ".", ""]
    ready = readiness_rows(db, person_id, web_host())
    for evaluation in evals:
        lines += progress_text(evaluation, readiness=ready.get((evaluation["level"], evaluation["scope"])), width=width)
        lines.append("")
    effects = [effect_row(e) for e in list_effects(db, person_id=person_id, org=org)]
    lines.append(
        f"On GitHub ({len(effects)} {'write' if len(effects) == 1 else 'writes'}; "
        "planned = dry-run, recorded but not sent):"
    )
    lines += effect_lines(effects, width)
    return [piece for line in lines for piece in fit(line, width)]


def _fail(message: str):
    raise CommandError(message)


def run(args: argparse.Namespace) -> int:
    from reports.terminal import terminal_width

    db = open_store(args, read_only=True)
    try:
        print("\n".join(status_lines(db, args.login, args.org, args.level, width=terminal_width())))
    finally:
        db.close()
    return 0
