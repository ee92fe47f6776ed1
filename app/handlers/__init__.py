"""Every feature's router, composed in one place (as python/bedevere does in its __main__).

A handler is `async def handler(event: gidgethub.sansio.Event, ctx: app.context.Context)`.
"""

from gidgethub import routing

from app.handlers import activity, commands, history, installations, progress, promotion, readiness_issues

# Order matters where two routers take the same event: activity is recorded before it is evaluated.
router = routing.Router(
    activity.router,
    installations.router,
    history.router,
    progress.router,
    commands.router,
    readiness_issues.router,
    promotion.router,
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
