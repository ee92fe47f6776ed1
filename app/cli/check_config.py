"""`ladder check-config PATH [--database DB [--org ORG]]`: validate a `ladder.yml` or a ladder file.

Prints `PATH: OK (summary)` and exits 0, or one `PATH:LINE: sentence` per problem and exits 1; every
problem of the file in one run, each at its line. Warnings (`PATH:LINE: warning: ...`) are printed but do
not fail the check. With `--database`, cohorts' mentors and mentees are checked against the holdings
stored in that database (a SQLite file or a `postgresql://` URL, opened read-only: never migrated); a
database that cannot be read exits 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from app.config.cohort_checks import cohort_role_problems, holds_over
from app.config.schema import EXTENDS, CohortScope, ConfigError, Parts, build_config, read_parts
from ladder_rules.builtin import builtin_ladder, builtin_names
from ladder_rules.format import Ladder, read_ladder
from ladder_rules.located_yaml import compose, one_line, sort_problems


def register(sub) -> None:
    parser = sub.add_parser(
        "check-config",
        help="validate a ladder.yml or a ladder file",
        description="Validate an organisation's ladder.yml, or a ladder file (one with `levels:`), and print "
        "every problem as PATH:LINE: sentence. Exit status 1 when there is an error.",
    )
    parser.add_argument("path", metavar="PATH", help="the ladder.yml or ladder file to check")
    parser.add_argument(
        "--database",
        metavar="DB",
        help="also check cohorts against the rosters stored in this database, a SQLite file or a postgresql:// "
        "URL (read only): mentors who do not hold the target level, mentees who already do",
    )
    parser.add_argument("--org", metavar="ORG", help="the organisation to read from DB, when it holds several")
    parser.set_defaults(func=run)


class DatabaseUnreadable(Exception):
    """`--database` names something that cannot be read as Ladder's database; the message says why."""


def run(args: argparse.Namespace) -> int:
    path = Path(args.path)
    name = str(args.path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "it is not UTF-8 text"
        print(f"{name}:1: The file cannot be read: {reason}.")
        return 1
    try:
        problems, summary = check_text(
            text, name, path, database=getattr(args, "database", None), org=getattr(args, "org", None)
        )
    except DatabaseUnreadable as exc:
        print(f"ladder check-config: {exc}", file=sys.stderr)
        return 2
    for problem in problems:
        print(problem)
    if any(not p.warning for p in problems):
        return 1
    print(f"{name}: OK ({one_line(summary)})")  # the summary names what the file says, line breaks and all
    return 0


def check_text(
    text: str, name: str, path: Path, *, database: str | None = None, org: str | None = None
) -> tuple[list[ConfigError], str]:
    """Every problem of the file, sorted by line, and the summary shown when there is no error."""
    if is_ladder_file(text, name):
        if database:
            raise DatabaseUnreadable("--database checks a ladder.yml's cohorts; this is a ladder file")
        ladder, problems = read_ladder(text, name)
        return problems, (_ladder_summary(ladder) if ladder is not None else "")
    return _check_config(text, name, path, database, org)


def is_ladder_file(text: str, filename: str) -> bool:
    """A ladder file is a mapping with `levels:`; anything else is read as a `ladder.yml`."""
    doc, _ = compose(text, filename)
    return doc is not None and doc.kind == "map" and "levels" in doc.value


def _check_config(
    text: str, name: str, path: Path, database: str | None, org: str | None
) -> tuple[list[ConfigError], str]:
    parts, problems = read_parts(text, name)
    if not parts.readable:
        return problems, ""
    ladder: Ladder | None = None
    ladder_name = parts.values.get("ladder")
    if ladder_name in builtin_names():
        ladder = builtin_ladder(ladder_name)
    elif ladder_name is not None:
        # a ladder file named by path lives in the same repository: look for it beside this checkout
        ladder, more = _ladder_from_checkout(path, name, ladder_name, parts)
        problems += more
    # an `_extends` is not followed here (it is on GitHub): what it holds may complete this file
    config, more = build_config(parts, name, ladder, incomplete=parts.extends is not None)
    problems += more
    if database and config is not None and ladder is not None:
        problems += cohort_role_problems(config, ladder, _holds_from(database, org, ladder))
    return sort_problems(problems), _summary(parts)


def _ladder_from_checkout(path: Path, name: str, ladder_name: str, parts: Parts) -> tuple[Ladder | None, list]:
    ladder_path = _find_in_repository(path, ladder_name)
    line = parts.origin["ladder"][1]
    if ladder_path is None:
        return None, [
            ConfigError(
                name,
                line,
                f"The ladder file {ladder_name} is not in this checkout, so cohort targets were not checked "
                f"against it.",
                warning=True,
            )
        ]
    try:
        text = ladder_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None, [ConfigError(name, line, f"The ladder file {ladder_name} cannot be read as UTF-8 text.")]
    return read_ladder(text, str(ladder_path))


def _find_in_repository(config_path: Path, ladder: str) -> Path | None:
    """`ladder` is a path from the repository's root; the root is the folder holding `.github`, or the
    nearest folder upwards with `.git`, or the config file's own folder."""
    config_path = config_path.resolve()
    candidates = []
    for folder in config_path.parents:
        if folder.name == ".github" or (folder / ".git").exists():
            candidates.append(folder.parent if folder.name == ".github" else folder)
    candidates.append(config_path.parent)
    for root in candidates:
        try:
            if (root / ladder).is_file():
                return root / ladder
        except OSError:  # a name the file system refuses (too long, …): not in the checkout
            continue
    return None


def _summary(parts: Parts) -> str:
    v = parts.values
    cohorts = v.get("cohorts", ())
    mentees = sum(len(c.mentees) for c in cohorts)
    out = [f"ladder {v['ladder']}" if "ladder" in v else "ladder from the extended file"]
    out += [
        f"{len(cohorts)} cohort{'s' if len(cohorts) != 1 else ''}",
        f"{mentees} mentee{'s' if mentees != 1 else ''}",
    ]
    if v.get("dry_run"):
        out.append("dry run")
    if parts.extends is not None:
        m = EXTENDS.match(parts.extends[0])
        assert m is not None  # read_parts keeps only values that match
        owner = f"{m.group('owner')}/" if m.group("owner") else ""
        out.append(f"extends {owner}{m.group('repo')}:{m.group('path') or '.github/ladder.yml'}, not read here")
    return ", ".join(out)


def _ladder_summary(ladder: Ladder) -> str:
    return f"ladder {ladder.name}, {len(ladder.levels)} levels: {', '.join(level.name for level in ladder.levels)}"


# --- the rosters stored in a database ------------------------------------------------------------------


def _holds_from(database: str, org: str | None, ladder: Ladder) -> Callable[[str, str, CohortScope], bool]:
    """`holds(login, level, scope)` over the holdings stored in `database`."""
    from app.evaluations import member_level

    org, rows = read_stored_holdings(database, org, member_level(ladder))
    return holds_over(org, rows)


def read_stored_holdings(
    database: str, org: str | None, member_level: str | None
) -> tuple[str, list[tuple[str, str, str]]]:
    """(org, [(login, level, scope "org[/repo[/path]]")]) from a Ladder database, opened read-only: a SQLite
    file, or a PostgreSQL database named by a `postgresql://` URL.

    The one place this command reads the store; org members count as holding `member_level` org-wide.
    Raises `DatabaseUnreadable` with a sentence when it cannot answer."""
    from app.store import StoreError, holdings, open_database
    from app.store.errors import DRIVER_ERRORS
    from app.store.location import describe, is_postgres_url

    where: str | Path = database if is_postgres_url(database) else Path(database)
    shown = describe(where)
    if isinstance(where, Path) and not where.is_file():
        raise DatabaseUnreadable(f"{shown} is not a file")
    try:
        db = open_database(where, read_only=True)
    except StoreError as exc:
        raise DatabaseUnreadable(str(exc)) from None
    try:
        orgs = holdings.roster_orgs(db)
        if org is None:
            if len(orgs) != 1:
                held = ", ".join(orgs) if orgs else "none"
                raise DatabaseUnreadable(
                    f"{shown} holds the rosters of {len(orgs)} organisations ({held}); name one with --org"
                )
            org = orgs[0]
        else:
            stored = next((o for o in orgs if o.lower() == org.lower()), None)
            if stored is None:
                raise DatabaseUnreadable(f"{shown} holds no rosters of {org} (it has: {', '.join(orgs) or 'none'})")
            org = stored
        rows = [
            (login, held.level, str(held.scope))
            for login, held_levels in holdings.by_login(db, org, member_level=member_level).values()
            for held in held_levels
        ]
        return org, rows
    except (StoreError, *DRIVER_ERRORS) as exc:
        raise DatabaseUnreadable(f"{shown} cannot be read: {' '.join(str(exc).split())}") from None
    finally:
        db.close()
