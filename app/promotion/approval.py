"""`/ladder approve`, `hold`, `unhold` on a readiness issue, and the OWNERS pull request that follows."""

from __future__ import annotations

from datetime import datetime, timezone

from app.context import Context
from app.evaluations import member_level, set_state
from app.outbox import plan
from app.outbox.effects import FileChange
from app.promotion import readiness, roster_files
from app.promotion.readiness import Readiness
from app.promotion.setup import OrgSetup
from app.rosters.files import read_text
from app.store.holdings import by_login as holdings_by_login
from app.store.holdings import parse_scope
from ladder_rules.evaluate import holds


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def deciders(ctx: Context, setup: OrgSetup, row: Readiness) -> list[str]:
    """Who may approve, hold or unhold: approvers of the scope and qualifying cohort mentors."""
    scope = parse_scope(row.scope)
    people = readiness.approvers(ctx, setup, row.level, scope, exclude=row.person_id)
    return sorted(set(people) | set(mentors_who_qualify(ctx, setup, row)), key=str.lower)


def mentors_who_qualify(ctx: Context, setup: OrgSetup, row: Readiness) -> list[str]:
    """Mentors of a cohort of this mentee who hold at least the target level in the scope."""
    held = holdings_by_login(ctx.db, setup.org, member_level=member_level(setup.ladder))
    scope = parse_scope(row.scope)
    out = []
    for cohort in setup.cohorts_of(row.login):
        for mentor in cohort.mentors:
            login, holdings = held.get(mentor.lower(), (mentor, []))
            if holds(setup.ladder, holdings, row.level, scope):
                out.append(login)
    return out


def may_decide(ctx: Context, setup: OrgSetup, row: Readiness, login: str) -> bool:
    return login.lower() in (d.lower() for d in deciders(ctx, setup, row))


def hold(ctx: Context, setup: OrgSetup, row: Readiness, by: str) -> Readiness:
    row = readiness.update(ctx, row, status="held", held_by=by)
    readiness.plan_issue(ctx, setup, row)
    return row


def unhold(ctx: Context, setup: OrgSetup, row: Readiness) -> Readiness:
    status = "approved" if row.approved_by else "open"
    row = readiness.update(ctx, row, status=status, held_by=None)
    readiness.plan_issue(ctx, setup, row)
    return row


async def approve(ctx: Context, setup: OrgSetup, row: Readiness, by: str) -> str:
    """Record the approval and start the roster change; returns a sentence for the reply."""
    row = readiness.update(ctx, row, status="approved", approved_by=by, approved_at=_now())
    set_state(ctx.db, row.person_id, row.level, row.scope, "approved")
    return await start_pull_request(ctx, setup, row, approved_by=by)


async def is_org_member(ctx: Context, setup: OrgSetup, login: str, person_id: int) -> bool:
    """Org membership from the ledger (deliveries, members_since), else asked of GitHub."""
    member = member_level(setup.ladder)
    held = holdings_by_login(ctx.db, setup.org, member_level=member).get(login.lower(), (login, []))[1]
    if member and holds(setup.ladder, held, member, parse_scope(setup.org)):
        return True
    if ctx.github is None or not setup.installation_id:
        return False
    gh = await ctx.github.for_installation(setup.installation_id)
    try:
        await gh.getitem("/orgs/{org}/members/{username}", url_vars={"org": setup.org, "username": login})
    except Exception:  # 404 (not a member) or 302 (the app cannot see membership)
        return False
    return True


async def start_pull_request(ctx: Context, setup: OrgSetup, row: Readiness, *, approved_by: str | None) -> str:
    level = setup.ladder.level(row.level)
    roster = level.roster
    if roster is None or roster.kind not in ("owners", "owners_alias") or not roster.list:
        readiness.plan_issue(ctx, setup, row)
        return (
            f"Approved. The {row.level} roster is not an OWNERS file, so an organisation admin makes "
            "the change; this issue stays open until then."
        )
    member_rank = next(
        (i for i, lvl in enumerate(setup.ladder.levels) if lvl.roster and lvl.roster.kind == "org_members"), None
    )
    if member_rank is not None and setup.ladder.rank(row.level) > member_rank:
        if not await is_org_member(ctx, setup, row.login, row.person_id):
            row = readiness.update(ctx, row, not_member_yet=1)
            readiness.plan_issue(ctx, setup, row)
            return (
                f"Approved, but @{row.login} is not a member of {setup.org} yet: Prow ignores OWNERS "
                "entries of non-members, so no pull request was opened. It opens once they are a member "
                "(`/ladder recheck`)."
            )
    if row.not_member_yet:
        row = readiness.update(ctx, row, not_member_yet=0)
    scope = parse_scope(row.scope)
    repo = f"{scope.org}/{scope.repo}"
    path = roster_files.owners_path(scope)
    edit = {"file": "owners", "path": path, "list": roster.list, "login": row.login}
    if ctx.github is not None and setup.installation_id:
        gh = await ctx.github.for_installation(setup.installation_id)
        owners_text = await read_text(gh, repo, path)
        if owners_text is None:
            readiness.plan_issue(ctx, setup, row)
            return f"Approved, but `{path}` does not exist in {repo}, so there is no roster to add to."
        aliases_text = await read_text(gh, repo, roster_files.ALIASES_PATH)
        edit = roster_files.decide_edit(owners_text, aliases_text, roster.list, row.login, path)
    where = (
        f"the `{edit['group']}` group of OWNERS_ALIASES"
        if edit["file"] == "aliases"
        else (f"`{roster.list}` in `{path}`")
    )
    issue = (
        f"https://github.com/{row.community_repo}/issues/{row.issue_number}"
        if row.issue_number
        else f"the readiness issue in {row.community_repo}"
    )
    plan(
        ctx.db,
        FileChange(
            repo=repo,
            name=f"owners:{row.key}",
            path=edit["path"],
            editor=roster_files.EDITOR,
            edit=edit,
            title=f"Add {row.login} as {row.level} of {row.scope}",
            body=(
                f"Adds @{row.login} to {where}: {row.level} of `{row.scope}`.\n\n"
                f"Readiness and evidence: {issue}" + (f" · approved by @{approved_by}" if approved_by else "")
            ),
            commit_message=f"Add {row.login} as {row.level} of {row.scope}",
            installation_id=setup.installation_id,
            org=setup.org,
            person_id=row.person_id,
        ),
        dry_run=setup.dry_run,
    )
    readiness.plan_issue(ctx, setup, row)
    return f"Approved. Ladder is opening the pull request that adds @{row.login} to {where}."
