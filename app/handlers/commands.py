"""Commands in comments: recognised from the one table (app/promotion/commands.py) and run in order.

Each comment gets at most one reply (its key holds the comment's id, so a redelivery never answers
twice). Someone who may not use a command is told who may, and nothing changes. The readiness row of
the issue commented on is found by the issue number Ladder stored for it — never by a marker in the
issue's text, which anyone can write.
"""

from __future__ import annotations

from gidgethub import routing, sansio

from app.config.loader import cached_config
from app.context import Context
from app.normalise import is_bot
from app.outbox import plan
from app.outbox.effects import Reply
from app.promotion import lifecycle, sponsors
from app.promotion.commands import COMMANDS, Call, run
from app.promotion.lifecycle import Actor
from app.promotion.setup import org_setup, repo_setup
from app.store.holdings import parse_scope

router = routing.Router()


@router.register("issue_comment", action="created")
async def on_comment(event: sansio.Event, ctx: Context) -> None:
    data = event.data
    comment, issue, repo = data["comment"], data["issue"], data["repository"]
    if is_bot(comment.get("user")) or is_bot(data.get("sender")):
        return  # never react to bots, including Ladder's own comments
    author = comment.get("user")
    if not author or author.get("login") is None or author.get("id") is None:
        return  # a deleted account (`"user": null`): no one to answer, no one to act for
    body = comment.get("body")
    if not body:
        return
    org = repo["owner"]["login"]
    installation_id = (data.get("installation") or {}).get("id")
    setup = await org_setup(ctx, org, installation_id)  # cached: the ladder's own sponsor phrases are commands
    if setup is None:
        if COMMANDS.parse(body):
            _explain_broken_config(ctx, org, installation_id, repo, issue, comment)
        return  # no usable ladder.yml: Ladder is not set up for this organisation
    # A repository's own ladder.yml applies to what happens there: for a readiness issue, the repository of
    # its scope (where the roster lives); else the repository commented in.
    here = lifecycle.for_issue(ctx.db, repo["full_name"], issue["number"])
    setup = await repo_setup(ctx, setup, parse_scope(here.scope).repo if here is not None else repo["name"])
    commands = COMMANDS.parse(body, phrases=[(p, "sponsor") for p in sponsors.phrases(setup)])
    actor = Actor(int(author["id"]), str(author["login"]))
    answers = []
    for command in commands:
        row = lifecycle.for_issue(ctx.db, repo["full_name"], issue["number"])
        if row is not None:
            row = lifecycle.record_issue(ctx.db, row)
        call = Call(ctx, setup, command, actor, comment, repo["full_name"], issue["number"], row)
        answer = await run(call)
        if answer:
            answers.append(answer)
    if answers:
        plan(
            ctx.db,
            Reply(
                repo=repo["full_name"],
                number=issue["number"],
                in_reply_to=comment["id"],
                body="\n\n".join(answers),
                installation_id=setup.installation_id,
                org=setup.org,
            ),
            dry_run=setup.dry_run,
        )


def _explain_broken_config(
    ctx: Context, org: str, installation_id: int | None, repo: dict, issue: dict, comment: dict
) -> None:
    """A command refused because the organisation's ladder.yml has errors: say which, with file and line."""
    loaded = cached_config(ctx.db, org)
    if loaded is None or loaded.ok:
        return  # no configuration at all: Ladder stays quiet in organisations that did not set it up
    plan(
        ctx.db,
        Reply(
            repo=repo["full_name"],
            number=issue["number"],
            in_reply_to=comment["id"],
            body=(
                "Ladder cannot act on this command: the organisation's `ladder.yml` has problems.\n\n```\n"
                + loaded.problems_text()
                + "\n```\n\n`ladder check-config PATH` finds them before you push."
            ),
            installation_id=installation_id,
            org=org,
        ),
        dry_run=ctx.dry_run,
    )
