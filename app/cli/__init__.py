"""The `ladder` command: one entry point, one module per sub-command, `--help` on each.

Each module in this package has `register(subparsers)`, which adds its sub-command and sets `func` (and
`log_default`, its log level when LOG_LEVEL is unset; warnings only otherwise). Before any command runs,
`.env` in the working directory is read and logging is set up (app/logs.py). A command fails with
`CommandError` (or `SettingsError`): one line on stderr, exit status 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from app import __version__, logs
from app.cli import backfill, check_config, cohort, deliveries, demo, digest, migrate, report, serve, status, work
from app.cli.common import CommandError
from app.settings import SettingsError, log_options, read_dotenv

COMMANDS = [serve, work, migrate, demo, backfill, status, report, cohort, digest, check_config, deliveries]
EXIT_BROKEN_PIPE = 141  # what a shell reports for a writer stopped by SIGPIPE, as `yes | head` does


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ladder",
        description="Ladder moves contributors up their project's contributor ladder.",
    )
    parser.add_argument("--version", action="version", version=f"ladder {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)  # inside: `ladder --help | head -1` is a closed pipe too
        read_dotenv(Path(".env"))
        logs.setup(*log_options(default_level=getattr(args, "log_default", "warning")))
        code = args.func(args) or 0
        sys.stdout.flush()  # inside the try: a reader that went away fails here, not at exit
        return code
    except (SettingsError, CommandError) as error:
        print(f"ladder: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # `ladder … | head`: the reader has all it wanted. Point stdout at /dev/null so the interpreter's
        # own flush at exit does not fail again, and stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
