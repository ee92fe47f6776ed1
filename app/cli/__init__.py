"""The `ladder` command: one entry point, one module per sub-command, `--help` on each.

Each module in this package has `register(subparsers)`, which adds its sub-command and sets `func`.
A command fails with `CommandError` (or `SettingsError`): one line on stderr, exit status 2.
"""

from __future__ import annotations

import argparse
import sys

from app.cli import backfill, check_config, deliveries, demo, migrate, report, serve, status
from app.cli.common import CommandError
from app.settings import SettingsError

COMMANDS = [serve, migrate, demo, backfill, status, report, check_config, deliveries]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ladder",
        description="Ladder moves contributors up their project's contributor ladder.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args) or 0
    except (SettingsError, CommandError) as error:
        print(f"ladder: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
