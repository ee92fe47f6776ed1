"""The way down: the daily pass checks everyone who holds a level against the kubernetes ladder's staying
rules (10 contributions or 10 PR comments a year in the scope). maria, an approver through the root
OWNERS, did nothing in pkg/controller all year: a notice on the `Inactivity notices` issue first; the
demo's clock then moves past the 30-day grace period and Ladder proposes the change, one pull request
per roster file, which it never merges."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import aiohttp

from app.context import Context
from app.evaluations import Evaluator
from app.github import GitHubClient
from app.promotion import way_down
from app.promotion.setup import org_setup
from app.stand_in import webhooks
from app.store import open_database

TITLE = "The way down: an inactive approver gets a notice, then an emeritus pull request"

APPROVER = "maria"


async def play(demo, act, now) -> None:
    from app.demo import sample

    settings = demo.settings
    db = open_database(settings.database, migrate_schema=False, durable=False)
    session = aiohttp.ClientSession()
    try:
        github = GitHubClient(
            session, app_id=settings.app_id, private_key=settings.private_key, api_url=settings.github_api_url
        )
        # As the worker's daily pass does (app/promotion/way_down_runner.py), on the demo's clock.
        ctx = Context(db=db, settings=settings, github=github, delivery_id="demo-way-down", evaluator=Evaluator(db))
        setup = await org_setup(ctx, sample.ORG)
        now = datetime.now(timezone.utc)  # after the story's last comment
        report = await way_down.daily_pass(ctx, setup, now)
        await demo.quiet()
        notices = [i for i in demo.state.repo(sample.COMMUNITY_REPO).issues.values() if i.title == "Inactivity notices"]
        if not notices:
            demo.say("  (no notices issue was opened)")
            return
        issue = notices[0]
        # GitHub tells the App about the issue it opened: the notices go on it
        await demo.deliver(
            [webhooks.issues(demo.state, sample.COMMUNITY_REPO, issue.number, "opened", sender="ladder[bot]")]
        )
        others = sorted(set(report.noticed) - {APPROVER})
        demo.say(
            f"  Daily pass: {report.checked} holdings checked; notices for {APPROVER}"
            + (f" and {', '.join(others)}" if others else "")
            + f" on {sample.COMMUNITY_REPO}#{issue.number} (Inactivity notices)"
        )
        notice = next(
            (c for c in issue.comments if c.body.startswith(f"### @{APPROVER}: inactivity notice for approver")), None
        )
        if notice is not None:
            body = notice.body.split("\n\n<!-- ladder:")[0]
            demo.say("  " + body.replace("\n", "\n  "))
            demo.write_up(f"Inactivity notice ({sample.COMMUNITY_REPO}#{issue.number})", body)

        later = way_down.grace_end(setup, now) + timedelta(days=1)
        report = await way_down.daily_pass(ctx, setup, later)
        await demo.quiet()
        demo.say(f"  {later:%d %b %Y}, the grace period over: proposed for {', '.join(sorted(set(report.proposed)))}")
        pulls = [
            i
            for i in demo.state.repo(sample.CODE_REPO).issues.values()
            if i.pull and i.pull.head_ref.startswith("ladder/way-down-")
        ]
        for pr in sorted(pulls, key=lambda p: p.number):
            diff = demo._diff(pr)
            demo.say(f"  {sample.CODE_REPO}#{pr.number} {pr.title} (open: Ladder never merges it)")
            demo.say("  " + diff.rstrip().replace("\n", "\n  "))
            demo.write_up(f"{sample.CODE_REPO}#{pr.number}: {pr.title}", f"```diff\n{diff}```")
    finally:
        await session.close()
        db.close()
