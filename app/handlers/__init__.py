"""Every feature's router, composed in one place (as python/bedevere does in its __main__).

A handler is `async def handler(event: gidgethub.sansio.Event, ctx: app.context.Context)`.
"""

from app.handlers import (
    activity,
    checkin_edits,
    commands,
    history,
    installations,
    progress,
    promotion,
    readiness_issues,
    way_down,
)
from app.handlers.ordered import OrderedRouter

# Handlers run in this order (OrderedRouter): activity is recorded before it is evaluated, and evaluated
# before commands and roster changes act on it; the way down comes last (it reads what they stored).
router = OrderedRouter(
    activity.router,
    installations.router,
    history.router,
    progress.router,
    commands.router,
    checkin_edits.router,
    readiness_issues.router,
    promotion.router,
    way_down.router,
)

# Events the service subscribes to (app.yml's default_events); installation events reach every App.
EVENTS = (
    "issue_comment",
    "issues",
    "organization",
    "pull_request",
    "pull_request_review",
    "pull_request_review_comment",
    "push",
)
