"""Roster changes: the OWNERS pull request Ladder opened, and the push that merges it."""

from __future__ import annotations

import posixpath

import re2
from gidgethub import routing, sansio

from app.commands import MAX_TEXT
from app.config.loader import has_cached_config
from app.context import Context
from app.github.identity import written_by
from app.promotion import lifecycle, promote, readiness, way_down
from app.promotion.progress import evaluate_people, replan_progress
from app.promotion.setup import current_login, org_setup, repo_setup
from app.store import holdings as holdings_store
from app.store.holdings import parse_scope
from app.user_text import web_url
from ladder_rules.facts import Scope

router = routing.Router()

# The sections of the App's roster pull request each carry the readiness key they serve (RE2: linear).
OWNERS_KEY_RE = re2.compile(r"<!-- ladder:owners:(readiness:[^ ]{1,200}?) -->")


@router.register("pull_request", action="opened")
@router.register("pull_request", action="edited")
@router.register("pull_request", action="reopened")
async def roster_pull_request(event: sansio.Event, ctx: Context) -> None:
    """Ladder's own OWNERS pull request: its address goes on each readiness issue it serves. Its markers
    are trusted only when the App's bot wrote it: anyone can put one in a pull request of their own."""
    pr = event.data["pull_request"]
    keys = OWNERS_KEY_RE.findall((pr.get("body") or "")[:MAX_TEXT])
    url = web_url(pr.get("html_url"))
    if not keys or url is None:
        return
    setup = await org_setup(
        ctx, event.data["repository"]["owner"]["login"], (event.data.get("installation") or {}).get("id")
    )
    if setup is None or not written_by(pr.get("user"), setup.bot):
        return
    for key in keys:
        row = lifecycle.get(ctx.db, key)
        if row is None or row.pull_request_url == url or not row.active or row.org.lower() != setup.org.lower():
            continue
        row = lifecycle.record_pull_request(ctx.db, row, url)
        readiness.plan_issue(ctx, setup, row)
        replan_progress(ctx, setup, row)


@router.register("push")
async def push(event: sansio.Event, ctx: Context) -> None:
    data = event.data
    repo = data["repository"]
    if data.get("ref") != f"refs/heads/{repo.get('default_branch') or repo.get('master_branch')}":
        return
    written = {p for c in data.get("commits") or [] for p in (*c.get("added", []), *c.get("modified", []))}
    paths = written | {p for c in data.get("commits") or [] for p in c.get("removed", [])}
    org = (repo.get("owner") or {}).get("login") or repo["full_name"].split("/")[0]
    installation_id = (data.get("installation") or {}).get("id")
    if repo["name"].lower() == ".github" and ".github/ladder.yml" in paths:
        await org_setup(ctx, org, installation_id, refresh=True)
        if ctx.evaluator is not None:
            ctx.evaluator.forget(org)
        return
    if ".github/ladder.yml" in paths:  # a repository's own configuration changed: read it again
        setup = await org_setup(ctx, org, installation_id)
        if setup is not None:
            await repo_setup(ctx, setup, repo["name"], refresh=True)
    wanted = promote.touches_rosters(paths) or has_cached_config(ctx.db, org)  # the org.yaml's path is configured
    setup = await org_setup(ctx, org, installation_id) if ctx.evaluator is not None and wanted else None
    setup = await repo_setup(ctx, setup, repo["name"]) if setup is not None else None
    if setup is not None and setup.peribolos and setup.peribolos[0].lower() == repo["full_name"].lower():
        if setup.peribolos[1] in paths:
            await membership_file_changed(ctx, setup)
        return
    if not promote.touches_rosters(paths) or setup is None:
        return
    await codeowners_changed(ctx, setup, repo["name"], paths)
    # The rosters of this repository changed: re-read every scope Ladder follows here.
    rows = promote.waiting_rows(ctx, org, repo["name"])
    # (a cohort's scope or a waiting promotion's keeps its rows even without an OWNERS file of its own)
    kept = {r.scope for r in rows} | {
        str(setup.cohort_scope(c)) for c in setup.config.cohorts if (c.scope.repo or "").lower() == repo["name"].lower()
    }
    scopes = set(kept)
    # every scope of this repository someone holds a level over: a removal by hand ends their holding
    scopes |= way_down.known_scopes(ctx, setup, repo["name"])
    # and the folder of each OWNERS file added or changed (a new one is a folder to evaluate people in)
    scopes |= {str(Scope(org, repo["name"], posixpath.dirname(p) or None)) for p in written if _is_owners(p)}
    # A deleted OWNERS file: its folder is no longer one (unless kept, read from the files above).
    for path in sorted(p for p in paths - written if _is_owners(p)):
        folder = str(Scope(org, repo["name"], posixpath.dirname(path) or None))
        if folder not in kept:
            holdings_store.drop_owners_folder(ctx.db, org, folder, f"OWNERS {repo['full_name']}:{path}")
            scopes.discard(folder)
    if ctx.github is not None and setup.installation_id and scopes:
        from app.rosters import sync_owners_scope

        gh = await ctx.github.for_installation(setup.installation_id)
        for scope in sorted(scopes):
            await sync_owners_scope(gh, ctx.db, setup.ladder, parse_scope(scope))
    ctx.evaluator.forget(org)
    way_down.after_roster_change(ctx, setup)
    for row in rows:
        if promote.holds_now(ctx, setup, row):
            promote.promote(ctx, setup, row)
    await evaluate_people(ctx, setup)  # holdings changed: everyone's next level may have too


def _is_owners(path: str) -> bool:
    return path.rsplit("/", 1)[-1] == "OWNERS"


async def membership_file_changed(ctx: Context, setup) -> None:
    """The peribolos org.yaml changed on its default branch: membership is read again, and whoever it now
    lists is promoted (a pull request merged by people counts as Ladder's own)."""
    if ctx.github is None or not setup.installation_id:
        return
    from app.rosters.membership import sync_membership

    gh = await ctx.github.for_installation(setup.installation_id)
    await sync_membership(
        gh, ctx.db, setup.org, members_since=dict(setup.config.members_since), peribolos=setup.peribolos
    )
    ctx.evaluator.forget(setup.org)
    for row in promote.member_rows(ctx, setup):
        if promote.holds_now(ctx, setup, row):
            promote.promote(ctx, setup, row)
    await evaluate_people(ctx, setup)


async def codeowners_changed(ctx: Context, setup, repo_name: str, paths: set[str]) -> None:
    """CODEOWNERS changed: whoever a waiting promotion names is now on the scope's line holds the level."""
    rows = promote.codeowners_rows(ctx, setup, repo_name)
    if not rows or not any(p.rsplit("/", 1)[-1] == "CODEOWNERS" for p in paths):
        return
    if ctx.github is None or not setup.installation_id:
        return
    from app.rosters.files import read_text
    from ladder_rules.rosters import roster_kind

    gh = await ctx.github.for_installation(setup.installation_id)
    kind = roster_kind("codeowners")
    for row in rows:
        scope = parse_scope(row.scope)
        roster = setup.ladder.level(row.level).roster
        texts = {p: await read_text(gh, f"{scope.org}/{scope.repo}", p) for p in kind.paths(scope, roster)}
        held = kind.holders(texts, scope, roster)
        if held.holds(current_login(ctx, row.person_id, row.login)):
            promote.record_codeowner(ctx, setup, row, f"CODEOWNERS {scope.org}/{scope.repo}:{held.source}")
    ctx.evaluator.forget(setup.org)


@router.register("organization", action="member_added")
async def member_added(event: sansio.Event, ctx: Context) -> None:
    """Someone joined the organisation (they accepted the invitation): their member-level promotion is made,
    they are thanked, and the readiness issue closes."""
    data = event.data
    org = (data.get("organization") or {}).get("login")
    user = (data.get("membership") or {}).get("user") or {}
    if not org or not user.get("id"):
        return
    setup = await org_setup(ctx, org, (data.get("installation") or {}).get("id"))
    if setup is None:
        return
    for row in promote.member_rows(ctx, setup, int(user["id"])):
        if promote.holds_now(ctx, setup, row):
            row = promote.promote(ctx, setup, row)
            replan_progress(ctx, setup, row)
