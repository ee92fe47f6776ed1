"""Who decides a promotion, and the roster change an approval starts (the OWNERS pull request).

Deciding what the change is reads GitHub (membership, the OWNERS files) and changes nothing, so a GitHub
failure on the way fails the delivery, which is retried: nobody gets a wrong answer, nothing is half done.
Carrying it out records it on the readiness row (app/promotion/lifecycle.py) and plans the writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import gidgethub

from app.context import Context
from app.evaluations import member_level
from app.outbox import plan
from app.outbox.effects import FileChange
from app.promotion import lifecycle, readiness, readiness_text, replies, roster_files
from app.promotion.lifecycle import Readiness
from app.promotion.readiness_text import checklist_line, sponsor_shortfall
from app.promotion.setup import OrgSetup, cohorts_of, current_login, named_ids
from app.rosters.files import read_text
from app.store.holdings import by_person as holdings_by_person
from app.store.holdings import parse_scope
from ladder_rules.evaluate import holds
from ladder_rules.facts import Scope
from ladder_rules.rosters import roster_kind


def deciders(ctx: Context, setup: OrgSetup, row: Readiness) -> dict[int | str, str]:
    """Everyone who may approve, hold or unhold, by user id: approvers of the scope and the mentors of
    the person's cohorts who hold at least the target level. The whole set: never cut for display."""
    scope = parse_scope(row.scope)
    people = readiness.approvers(ctx, setup, row.level, scope, exclude=row.person_id)
    return people | mentors_who_qualify(ctx, setup, row)


def mentors_who_qualify(ctx: Context, setup: OrgSetup, row: Readiness) -> dict[int | str, str]:
    held = holdings_by_person(ctx.db, setup.org, member_level=member_level(setup.ladder))
    scope = parse_scope(row.scope)
    out: dict[int | str, str] = {}
    for cohort in cohorts_of(ctx, setup, row.person_id):
        for mentor, pid in named_ids(ctx, setup, cohort.mentors).items():
            login, holdings = held.get(pid, (mentor, []))
            if pid != row.person_id and holds(setup.ladder, holdings, row.level, scope):
                out[pid] = login
    return out


def may_decide(ctx: Context, setup: OrgSetup, row: Readiness, person_id: int) -> bool:
    return person_id in deciders(ctx, setup, row)


def objectors(ctx: Context, setup: OrgSetup, row: Readiness) -> dict[int | str, str]:
    """Everyone whose `/ladder hold` is an objection: the deciders, and every holder of the target level or
    above in the scope (Kubernetes: "no objections from other approvers")."""
    scope = parse_scope(row.scope)
    return deciders(ctx, setup, row) | readiness.holders(ctx, setup, [row.level], scope, exclude=row.person_id)


def missing(ctx: Context, setup: OrgSetup, row: Readiness) -> list[str]:
    """What an approval still needs, in words: the sponsor rule met, and every checklist item ticked."""
    out = []
    check, _ = readiness.standing(ctx, setup, row)
    level = setup.ladder.level(row.level)
    if not check.satisfied:
        need = check.need or min((rule.count for rule in level.sponsors), default=0)
        distinct = any(rule.distinct_companies for rule in level.sponsors)
        out.append(sponsor_shortfall(check.best, need, distinct))
    evaluation = readiness.current_evaluation(ctx, row) or {}
    for item in evaluation.get("checklist") or []:
        if item["id"] not in row.ticked:
            out.append(f"the checklist item “{checklist_line(item['text'])}” is not ticked on this issue")
    return out


# --- membership -----------------------------------------------------------------------------------------


class Membership(Enum):
    MEMBER = "member"
    NOT_MEMBER = "not a member"
    HIDDEN = "GitHub does not show it"  # 302 or 403: the App cannot see the organisation's members


async def membership(ctx: Context, setup: OrgSetup, row: Readiness) -> Membership:
    """Org membership from the ledger (deliveries, members_since), else asked of GitHub: 204 a member,
    404 not one, a redirect or 403 when the App cannot see it. Any other failure (a 5xx after the
    client's own retries, a dropped connection) is raised: the delivery is tried again."""
    member = member_level(setup.ladder)
    held = holdings_by_person(ctx.db, setup.org, member_level=member).get(row.person_id, ("", []))[1]
    if member and holds(setup.ladder, held, member, parse_scope(setup.org)):
        return Membership.MEMBER
    if ctx.github is None or not setup.installation_id:
        return Membership.NOT_MEMBER  # dry-run: the ledger is all there is
    gh = await ctx.github.for_installation(setup.installation_id)
    login = current_login(ctx, row.person_id, row.login)
    try:
        await gh.getitem("/orgs/{org}/members/{username}", url_vars={"org": setup.org, "username": login})
    except gidgethub.RedirectionException:
        return Membership.HIDDEN
    except gidgethub.BadRequest as exc:
        if exc.status_code == 404:
            return Membership.NOT_MEMBER
        if exc.status_code == 403:
            return Membership.HIDDEN
        raise
    return Membership.MEMBER


def needs_membership(setup: OrgSetup, level: str) -> bool:
    """Whether the level is above the ladder's member level (Prow ignores OWNERS entries of non-members)."""
    member_rank = next(
        (i for i, lvl in enumerate(setup.ladder.levels) if lvl.roster and lvl.roster.kind == "org_members"), None
    )
    return member_rank is not None and setup.ladder.rank(level) > member_rank


# --- the roster change ----------------------------------------------------------------------------------


class Kind(Enum):
    NOT_OWNERS = "the level has no roster Ladder can write"
    NOT_MEMBER = "not an org member"
    MEMBERSHIP_HIDDEN = "membership not visible"
    NO_FILE = "the roster file does not exist"
    EDIT = "an edit of a roster file"
    INVITE = "an org admin invites (no peribolos org.yaml)"
    BY_HAND = "people make the change (a team line, a generated file, nothing to add)"


@dataclass(frozen=True)
class RosterChange:
    kind: Kind
    login: str  # the person's login now: what the roster gets
    repo: str = ""
    path: str = ""
    edit: dict | None = None
    where: str = ""  # in words: "`reviewers` in `pkg/OWNERS`"
    editor: str = roster_files.EDITOR
    why: str = ""  # BY_HAND: the sentence that says why, and who does it


async def decide(ctx: Context, setup: OrgSetup, row: Readiness) -> RosterChange:
    """What the roster change for this promotion is, read from GitHub now (nothing is written)."""
    login = current_login(ctx, row.person_id, row.login)
    roster = setup.ladder.level(row.level).roster
    if roster is not None and roster.kind == "org_members":
        return await _decide_membership(ctx, setup, row, login)
    if roster is None or roster.kind not in ("owners", "owners_alias", "codeowners"):
        return RosterChange(Kind.NOT_OWNERS, login)
    if roster.kind != "codeowners" and not roster.list:
        return RosterChange(Kind.NOT_OWNERS, login)
    if needs_membership(setup, row.level):
        found = await membership(ctx, setup, row)
        if found is Membership.NOT_MEMBER:
            return RosterChange(Kind.NOT_MEMBER, login)
        if found is Membership.HIDDEN:
            return RosterChange(Kind.MEMBERSHIP_HIDDEN, login)
    if roster.kind == "codeowners":
        return await _decide_codeowners(ctx, setup, row, login, roster)
    scope = parse_scope(row.scope)
    repo = f"{scope.org}/{scope.repo}"
    path = roster_files.owners_path(scope)
    edit = {"file": "owners", "path": path, "list": roster.list, "login": login}
    if ctx.github is not None and setup.installation_id:
        gh = await ctx.github.for_installation(setup.installation_id)
        owners_text = await read_text(gh, repo, path)
        if owners_text is None:
            return RosterChange(Kind.NO_FILE, login, repo, path)
        aliases_text = await read_text(gh, repo, roster_files.ALIASES_PATH)
        edit = roster_files.decide_edit(owners_text, aliases_text, roster.list, login, path)
    where = (
        f"the `{edit['group']}` group of OWNERS_ALIASES"
        if edit["file"] == "aliases"
        else f"`{roster.list}` in `{path}`"
    )
    return RosterChange(Kind.EDIT, login, repo, path, edit, where)


async def _decide_membership(ctx: Context, setup: OrgSetup, row: Readiness, login: str) -> RosterChange:
    """The member level: a line in the peribolos org.yaml when one is configured, else an admin's invitation."""
    if setup.peribolos is None:
        return RosterChange(Kind.INVITE, login)
    repo, path = setup.peribolos
    where = f"`members` in `{path}` of {repo}"
    edit = roster_files.roster_edit("org_members", path, setup.org, login)
    if ctx.github is not None and setup.installation_id:
        gh = await ctx.github.for_installation(setup.installation_id)
        text = await read_text(gh, repo, path)
        if text is None:
            return RosterChange(Kind.NO_FILE, login, repo, path)
        try:
            found = roster_kind("org_members").add(
                {path: text}, Scope(setup.org), roster_files.RosterSpec("org_members", path=path), login
            )
        except ValueError as exc:  # PeribolosError: the file cannot take the line safely
            return RosterChange(Kind.BY_HAND, login, repo, path, why=_sentence(exc))
        if not found.changed:
            return RosterChange(Kind.BY_HAND, login, repo, path, why=found.message)
    return RosterChange(Kind.EDIT, login, repo, path, edit, where, roster_files.ROSTER_EDITOR)


async def _decide_codeowners(ctx: Context, setup: OrgSetup, row: Readiness, login: str, roster) -> RosterChange:
    """A CODEOWNERS line (GitHub's rules: the last matching line wins): `@login` added to the scope's line;
    a line only teams own, or a generated file, is explained instead (people make that change)."""
    scope = parse_scope(row.scope)
    repo = f"{scope.org}/{scope.repo}"
    kind = roster_kind("codeowners")
    paths = kind.paths(scope, roster)
    if ctx.github is None or not setup.installation_id:
        return RosterChange(Kind.NO_FILE, login, repo, paths[0])
    gh = await ctx.github.for_installation(setup.installation_id)
    texts: dict[str, str | None] = {}
    for path in paths:  # GitHub uses the first that exists
        texts[path] = await read_text(gh, repo, path)
        if texts[path] is not None:
            break
    path = next((p for p, text in texts.items() if text is not None), None)
    if path is None:
        return RosterChange(Kind.NO_FILE, login, repo, " or ".join(paths))
    try:
        found = kind.add(texts, scope, roster, login)
    except ValueError as exc:  # CodeownersEditError: a team line, a generated file, no line for the scope
        return RosterChange(Kind.BY_HAND, login, repo, path, why=_sentence(exc))
    if not found.changed:
        return RosterChange(Kind.BY_HAND, login, repo, path, why=found.message)
    where = f"the line for the scope in `{path}`"
    edit = roster_files.roster_edit("codeowners", path, row.scope, login)
    return RosterChange(Kind.EDIT, login, repo, path, edit, where, roster_files.ROSTER_EDITOR)


def _sentence(exc: ValueError) -> str:
    path, message = getattr(exc, "path", None), getattr(exc, "message", str(exc))
    text = f"`{path}`: {message}" if path else str(message)
    return text[:1].upper() + text[1:]


def carry_out(ctx: Context, setup: OrgSetup, row: Readiness, change: RosterChange) -> str:
    """Record what `decide` found on the row, plan the pull request and the issue; the reply's words."""
    if change.kind is Kind.NOT_MEMBER:
        row = lifecycle.not_member_yet(ctx.db, row)
        reply = replies.not_member_yet(change.login, setup.org)
    elif change.kind is Kind.MEMBERSHIP_HIDDEN:
        row = lifecycle.membership_hidden(ctx.db, row)
        reply = replies.membership_hidden(change.login, setup.org)
    else:
        row = lifecycle.member_now(ctx.db, row)
        if change.kind is Kind.NOT_OWNERS:
            reply = replies.not_an_owners_roster(row.level)
        elif change.kind is Kind.NO_FILE:
            reply = replies.no_roster_file(change.path, change.repo)
        elif change.kind is Kind.INVITE:
            note = readiness_text.invitation(change.login, setup.org)
            row = lifecycle.note_roster(ctx.db, row, note)
            reply = "Approved. " + note
        elif change.kind is Kind.BY_HAND:
            row = lifecycle.note_roster(ctx.db, row, replies.by_hand(change.why).removeprefix("Approved. "))
            reply = replies.by_hand(change.why)
        elif setup.config.owners_pr == "never":
            note = readiness_text.edited_by_people(change.login, change.where, change.repo)
            row = lifecycle.note_roster(ctx.db, row, note)
            reply = "Approved. " + note
        else:
            row = lifecycle.note_roster(ctx.db, row, None)
            plan_pull_request(ctx, setup, row, change)
            reply = replies.opening(change.login, change.where)
    readiness.plan_issue(ctx, setup, row)
    return reply


def plan_pull_request(ctx: Context, setup: OrgSetup, row: Readiness, change: RosterChange) -> None:
    assert change.edit is not None
    issue = readiness.issue_url(setup, row) or f"the readiness issue in {row.community_repo}"
    approved = readiness.actor_login(ctx, row.approved_by)
    plan(
        ctx.db,
        FileChange(
            repo=change.repo,
            name=f"owners:{row.key}",
            path=change.edit["path"],
            editor=change.editor,
            edit=change.edit,
            title=f"Add {change.login} as {row.level} of {row.scope}",
            body=(
                f"Adds @{change.login} to {change.where}: {row.level} of `{row.scope}`.\n\n"
                f"Readiness and evidence: {issue}" + (f" · approved by @{approved}" if approved else "")
            ),
            commit_message=f"Add {change.login} as {row.level} of {row.scope}",
            installation_id=setup.installation_id,
            org=setup.org,
            person_id=row.person_id,
        ),
        dry_run=setup.dry_run,
    )


async def start_pull_request(ctx: Context, setup: OrgSetup, row: Readiness) -> str:
    """Decide the roster change and carry it out (after an approval, a recheck, or at once when ready)."""
    return carry_out(ctx, setup, row, await decide(ctx, setup, row))
