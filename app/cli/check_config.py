"""`ladder check-config PATH`: validate a `ladder.yml` or a ladder file, with line-numbered errors.

Prints `PATH: OK (summary)` and exits 0, or one `PATH:LINE: sentence` per problem and exits 1.
Warnings (`PATH:LINE: warning: ...`) are printed but do not fail the check.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from app.config.schema import ConfigError, compose, read_config
from ladder_rules.format import Ladder, read_ladder


def register(sub) -> None:
    parser = sub.add_parser(
        "check-config",
        help="validate a ladder.yml or a ladder file",
        description="Validate an organisation's ladder.yml, or a ladder file (one with `levels:`), and print "
        "every problem as PATH:LINE: sentence. Exit status 1 when there is an error.",
    )
    parser.add_argument("path", metavar="PATH", help="the ladder.yml or ladder file to check")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path = Path(args.path)
    name = str(args.path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "it is not UTF-8 text"
        print(f"{name}:1: The file cannot be read: {reason}.")
        return 1
    if is_ladder_file(text, name):
        ladder, errors = read_ladder(text, name)
        problems = [ConfigError(e.filename, e.line, e.message) for e in errors]
        summary = _ladder_summary(ladder) if ladder is not None else ""
    else:
        problems, summary = _check_config(text, name, path)
    for problem in problems:
        print(problem)
    if any(not p.warning for p in problems):
        return 1
    print(f"{name}: OK ({summary})")
    return 0


def is_ladder_file(text: str, filename: str) -> bool:
    """A ladder file is a mapping with `levels:`; anything else is read as a `ladder.yml`."""
    doc, _ = compose(text, filename)
    return doc is not None and doc.kind == "map" and "levels" in doc.value


def _check_config(text: str, name: str, path: Path) -> tuple[list[ConfigError], str]:
    config, problems = read_config(text, name)
    ladder: Ladder | None = None
    if config is not None and not config.ladder_is_builtin:
        # a ladder file named by path lives in the same repository: look for it beside this checkout
        ladder_path = _find_in_repository(path, config.ladder)
        if ladder_path is None:
            problems.append(
                ConfigError(
                    name,
                    1,
                    f"The ladder file {config.ladder} is not in this checkout, so "
                    f"cohort targets were not checked against it.",
                    warning=True,
                )
            )
        else:
            ladder, errors = read_ladder(ladder_path.read_text(encoding="utf-8"), str(ladder_path))
            problems += [ConfigError(e.filename, e.line, e.message) for e in errors]
            if ladder is not None:
                config, problems_again = read_config(text, name, ladder)
                problems = problems_again + [p for p in problems if p not in problems_again]
    if config is None:
        return problems, ""
    cohorts = len(config.cohorts)
    mentees = sum(len(c.mentees) for c in config.cohorts)
    parts = [
        f"ladder {config.ladder}",
        f"{cohorts} cohort{'s' if cohorts != 1 else ''}",
        f"{mentees} mentee{'s' if mentees != 1 else ''}",
    ]
    if config.dry_run:
        parts.append("dry run")
    return problems, ", ".join(parts)


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
        if (root / ladder).is_file():
            return root / ladder
    return None


def _ladder_summary(ladder: Ladder) -> str:
    return f"ladder {ladder.name}, {len(ladder.levels)} levels: {', '.join(level.name for level in ladder.levels)}"
