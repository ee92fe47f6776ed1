"""Re-evaluating people when their activity changes, and keeping their comments and issues current.

Runs after `activity` has recorded the same delivery (routers are composed in that order).
"""

from __future__ import annotations

from gidgethub import routing, sansio

from app.context import Context
from app.promotion.progress import evaluate_people, replan_review_lists
from app.promotion.setup import OrgSetup, org_setup
from app.store import ledger

router = routing.Router()


async def record_changed_paths(ctx: Context, setup: OrgSetup, data: dict) -> None:
    """Fetch a merged pull request's changed files, once, where a folder scope needs them."""
    pr, repo = data["pull_request"], data["repository"]
    if ctx.github is None or not setup.installation_id or not setup.needs_paths(repo["name"]):
        return
    if ledger.has_paths(ctx.db, pr["id"]) and data.get("action") != "synchronize":
        return
    gh = await ctx.github.for_installation(setup.installation_id)
    paths = [
        f["filename"]
        async for f in gh.getiter(
            "/repos/{owner}/{repo}/pulls/{pull_number}/files{?per_page}",
            url_vars={
                "owner": repo["owner"]["login"],
                "repo": repo["name"],
                "pull_number": pr["number"],
                "per_page": 100,
            },
        )
    ]
    ledger.record_paths(ctx.db, pr["id"], paths)


def _org_and_installation(data: dict) -> tuple[str | None, int | None]:
    repo = data.get("repository") or {}
    owner = (repo.get("owner") or {}).get("login") or (repo.get("full_name") or "/").split("/")[0] or None
    return owner, (data.get("installation") or {}).get("id")


def _open_for_review(data: dict) -> bool:
    """A pull request that became reviewable or got new commits: its files say whether it is in a
    folder-scoped cohort's scope, for "What to review next" (one request per such event, none per comment)."""
    pr = data["pull_request"]
    return (
        data.get("action") in ("opened", "reopened", "ready_for_review", "synchronize")
        and pr.get("state") == "open"
        and not pr.get("draft")
    )


@router.register("pull_request")
@router.register("pull_request_review")
@router.register("pull_request_review_comment")
@router.register("issue_comment")
@router.register("issues")
async def reevaluate(event: sansio.Event, ctx: Context) -> None:
    data = event.data
    org, installation_id = _org_and_installation(data)
    if org is None or ctx.evaluator is None:
        return
    setup = await org_setup(ctx, org, installation_id)
    if setup is None:
        return
    if event.event == "pull_request" and (data["pull_request"].get("merged_at") or _open_for_review(data)):
        await record_changed_paths(ctx, setup, data)
    pull = data.get("pull_request") or (data.get("issue") if (data.get("issue") or {}).get("pull_request") else None)
    if not ctx.evaluator.has_index(org):
        await evaluate_people(ctx, setup)  # the first time: builds the index, evaluates everyone
    elif pull is not None:
        affected = ctx.evaluator.refresh_pull_request(org, data["repository"]["id"], pull["number"])
        if affected:
            await evaluate_people(ctx, setup, only=affected)
        if event.event != "issue_comment" or affected:
            replan_review_lists(ctx, setup)  # an open pull request came, went or was reviewed
    else:
        # An issue, or a comment on one: counted activity of its author (the member level's contributions,
        # the 90 days of nomination), read into the cached index for them alone.
        author = _author_id(data)
        affected = ctx.evaluator.refresh_person(org, author) if author is not None else set()
        if affected:
            await evaluate_people(ctx, setup, only=affected)


def _author_id(data: dict) -> int | None:
    """Who wrote the comment, or opened the issue, this event is about."""
    thing = data.get("comment") if "comment" in data else data.get("issue")
    user = (thing or {}).get("user") or {}
    return user["id"] if isinstance(user.get("id"), int) else None


@router.register("organization")
async def membership_changed(event: sansio.Event, ctx: Context) -> None:
    """Someone joined or left the organisation: their member level, and so their next level, changed."""
    data = event.data
    org = (data.get("organization") or {}).get("login")
    user = (data.get("membership") or {}).get("user") or {}
    if not org or not user.get("id") or ctx.evaluator is None:
        return
    setup = await org_setup(ctx, org, (data.get("installation") or {}).get("id"))
    if setup is None:
        return
    ctx.evaluator.forget(org)
    await evaluate_people(ctx, setup, only={int(user["id"])})
