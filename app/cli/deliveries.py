"""`ladder deliveries`: look into the delivery queue, and queue a delivery again."""

from __future__ import annotations

import argparse
import time

from app.cli.common import CommandError, add_database_option, open_store


def register(sub) -> None:
    parser = sub.add_parser(
        "deliveries",
        help="inspect the delivery queue",
        description="List stored deliveries, newest first, or queue one again for processing.",
    )
    parser.add_argument("--failed", action="store_true", help="only deliveries kept as failed")
    parser.add_argument("--redeliver", metavar="ID", help="queue the delivery with this id again")
    parser.add_argument("--limit", type=int, default=50, help="how many to list (default 50)")
    add_database_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from app.store import deliveries

    if args.limit < 1:
        raise CommandError(f"--limit must be at least 1, got {args.limit}")
    # Listing only reads; queueing again is the one write.
    db = open_store(args, read_only=not args.redeliver)
    try:
        if args.redeliver:
            if not deliveries.requeue(db, args.redeliver):
                raise CommandError(f"no stored delivery has the id {args.redeliver!r}")
            print(f"delivery {args.redeliver} is queued again; the running service will process it")
            return 0
        stats = deliveries.stats(db)
        print(f"{stats.pending} pending, {stats.failed} failed, {stats.done} done")
        for d in deliveries.listing(db, failed_only=args.failed, limit=args.limit):
            when = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(d.received_at))
            event = d.event + (f".{d.action}" if d.action else "")
            line = f"{d.id}  {when}Z  {event:<36} {d.status:<8} attempts={d.attempts}"
            if d.last_error:
                line += f"  last error: {d.last_error.splitlines()[0][:160]}"
            print(line)
        return 0
    finally:
        db.close()
