"""Commands in comments: `/ladder status|approve|hold|unhold|recheck`, `+1` / `/sponsor`, `/checkin`.

Each comment gets at most one reply (its key holds the comment's id, so a redelivery never answers
twice). Someone who may not use a command is told who may, and nothing changes.
"""

from __future__ import annotations

from gidgethub import routing, sansio

from app.commands import HELP, Command, parse_commands, refusal
from app.config.loader import cached_config
from app.context import Context
from app.evaluations import Target, stored
from app.normalise import is_bot
from app.outbox import plan
from app.outbox.effects import Reply
from app.promotion import approval, readiness, sponsors
from app.promotion.progress import evaluate_mentees, mentee_targets
from app.promotion.readiness import Readiness
from app.promotion.setup import OrgSetup, org_setup, person_id
from app.store import checkins
from ladder_rules.evaluate import next_level
from ladder_rules.facts import Scope
from reports.progress import progress_markdown

router = routing.Router()

ON_READINESS_ONLY = ("approve", "hold", "unhold", "recheck", "sponsor")


@router.register("issue_comment", action="created")
async def on_comment(event: sansio.Event, ctx: Context) -> None:
    data = event.data
    comment, issue, repo = data["comment"], data["issue"], data["repository"]
    if is_bot(comment.get("user")) or is_bot(data.get("sender")):
        return  # never react to bots, including Ladder's own comments
    author = comment.get("user")
    if not author or author.get("login") is None or author.get("id") is None:
        return  # a deleted account (`"user": null`): no one to answer, no one to act for
    commands = parse_commands(comment.get("body"))
    if not commands:
        return
    org = repo["owner"]["login"]
    installation_id = (data.get("installation") or {}).get("id")
    setup = await org_setup(ctx, org, installation_id)
    if setup is None:
        _explain_broken_config(ctx, org, installation_id, repo, issue, comment)
        return  # no usable ladder.yml: Ladder is not set up for this organisation
    row = _readiness_of(ctx, issue, repo)
    answers = []
    for command in commands:
        answer = await _run(ctx, setup, command, row, comment, issue)
        if answer:
            answers.append(answer)
        if row is not None:
            row = readiness.link_issue(ctx, readiness.get(ctx, key=row.key))
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


def _readiness_of(ctx: Context, issue: dict, repo: dict) -> Readiness | None:
    key = readiness.key_in_body(issue.get("body"))
    row = readiness.link_issue(ctx, readiness.get(ctx, key=key)) if key else None
    if row is not None and row.issue_number is None:
        row = readiness.update(ctx, row, issue_number=issue["number"])
    return row


async def _run(
    ctx: Context, setup: OrgSetup, command: Command, row: Readiness | None, comment: dict, issue: dict
) -> str | None:
    login, sender_id = comment["user"]["login"], comment["user"]["id"]
    if command.name == "status":
        return await status_answer(ctx, setup, command.argument or login)
    if command.name == "checkin":
        return _checkin(ctx, setup, comment, issue)
    if row is None:
        return f"`{HELP[command.name].usage}` works on a readiness issue that Ladder opened."
    if command.name == "sponsor":
        return await sponsors.sponsor(
            ctx,
            setup,
            row,
            sponsor_id=sender_id,
            login=login,
            comment_id=comment["id"],
            comment_url=comment.get("html_url"),
            at=comment["created_at"],
        )
    if command.name == "recheck":
        await evaluate_mentees(ctx, setup, only={row.person_id})
        row = readiness.link_issue(ctx, readiness.get(ctx, key=row.key))
        if row.status == "approved" and (row.not_member_yet or not row.pull_request_url):
            return await approval.start_pull_request(ctx, setup, row, approved_by=row.approved_by)
        readiness.plan_issue(ctx, setup, row)
        return None
    # approve, hold, unhold: for the people who decide
    if not approval.may_decide(ctx, setup, row, login):
        who = ", ".join(f"@{d}" for d in approval.deciders(ctx, setup, row))
        return refusal(command.name, login) + (f" Who may: {who}." if who else "")
    if row.status == "promoted":
        return f"@{row.login} is already {row.level}; nothing to do."
    if command.name == "hold":
        approval.hold(ctx, setup, row, login)
        return "On hold. `/ladder unhold` lifts it."
    if command.name == "unhold":
        if row.status != "held":
            return "This readiness issue is not on hold."
        approval.unhold(ctx, setup, row)
        return "The hold is lifted."
    if row.status == "held":
        return f"This readiness issue is on hold (by @{row.held_by}); `/ladder unhold` first."
    if row.approved_by:
        return f"Already approved by @{row.approved_by}."
    return await approval.approve(ctx, setup, row, login)


async def status_answer(ctx: Context, setup: OrgSetup, login: str) -> str:
    pid = person_id(ctx, login)
    if pid is None:
        return f"Ladder has not seen any activity by @{login} in {setup.org} yet."
    evaluations = [e for e in stored(ctx.db, pid) if e["state"] != "promoted"]
    if not evaluations:
        index = ctx.evaluator.index(setup.org, setup.ladder, setup.definitions)
        targets = [t for c, t in mentee_targets(ctx, setup, only={pid})]
        if not targets:
            person = index.people.get(pid)
            level = next_level(setup.ladder, person.holdings if person else (), Scope(setup.org))
            if level is None:
                return f"@{login} holds the top level of the {setup.ladder.name} ladder."
            targets = [Target(pid, level, Scope(setup.org))]
        evaluations = [
            c.evaluation for c in ctx.evaluator.evaluate(setup.org, setup.ladder, setup.definitions, targets)
        ]
    return "\n\n".join(progress_markdown(e) for e in evaluations)


def _checkin(ctx: Context, setup: OrgSetup, comment: dict, issue: dict) -> str | None:
    login = comment["user"]["login"]
    cohorts = [c for c in setup.cohorts_of(login) if c.tracking_issue == issue["number"]]
    if not cohorts:
        return refusal("checkin", login)
    checkins.add(
        ctx.db,
        checkins.Checkin(
            comment_id=comment["id"],
            org=setup.org,
            cohort=cohorts[0].name,
            person_id=comment["user"]["id"],
            login=login,
            at=comment["created_at"],
            body=comment.get("body") or "",
            url=comment.get("html_url"),
        ),
    )
    return None
