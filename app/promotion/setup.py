"""What the promotion loop needs to know about an organisation: its configuration and ladder."""

from __future__ import annotations

import dataclasses
import logging
import re
from dataclasses import dataclass, replace
from datetime import datetime, timezone

from app.config.cohort_checks import cohort_role_problems, holds_over
from app.config.loader import cached_config, cached_repo_config, has_cached_config, load_config, load_repo_config
from app.config.schema import Cohort, OrgConfig
from app.context import Context
from app.evaluations import member_level
from app.github.identity import app_bot
from app.github.urls import web_url_for
from app.store import holdings, mentoring, orgs, people
from ladder_rules.definitions import Definitions
from ladder_rules.facts import Scope
from ladder_rules.format import Ladder

log = logging.getLogger("ladder.promotion")


@dataclass(frozen=True)
class OrgSetup:
    org: str
    installation_id: int | None
    config: OrgConfig
    ladder: Ladder
    definitions: Definitions
    dry_run: bool  # the service has no App id, or the organisation asked for dry_run
    web: str  # the GitHub web host links point at: web_url_for(GITHUB_API_URL)
    bot: str | None = None  # the App's bot login: markers are trusted only in what it wrote (None: dry-run)

    @property
    def community_repo(self) -> str:
        repo = self.config.community_repo
        return repo if "/" in repo else f"{self.org}/{repo}"

    @property
    def peribolos(self) -> tuple[str, str] | None:
        """(owner/repo, path) of the org.yaml where membership is written; a bare repository name is one of
        this organisation, and {org} in the path is filled in."""
        found = self.config.peribolos
        if found is None:
            return None
        repo = found.repo if "/" in found.repo else f"{self.org}/{found.repo}"
        return repo, found.path.format(org=self.org)

    def cohort_scope(self, cohort: Cohort) -> Scope:
        return Scope(self.org, cohort.scope.repo, cohort.scope.path or None)

    def needs_paths(self, repo_name: str) -> bool:
        """Whether some cohort works in a folder of this repository (so changed files must be known)."""
        return any(c.scope.path and (c.scope.repo or "").lower() == repo_name.lower() for c in self.config.cohorts)

    def issue_url(self, repo: str, number: int) -> str:
        return f"{self.web}/{repo}/issues/{number}"


async def org_setup(
    ctx: Context, org: str, installation_id: int | None = None, *, refresh: bool = False
) -> OrgSetup | None:
    """The organisation's setup from its `ladder.yml` (cached; loaded from GitHub when unknown or when
    `refresh`). None when the organisation has no usable configuration: nothing is planned for it."""
    if installation_id is None:
        installation_id = orgs.installation_of(ctx.db, org)
    loaded, fresh = None, False
    if (refresh or not has_cached_config(ctx.db, org)) and ctx.github is not None and installation_id:
        gh = await ctx.github.for_installation(installation_id)
        loaded = await load_config(gh, org, ".github", db=ctx.db, installation_id=installation_id)
        fresh = True
    elif has_cached_config(ctx.db, org):
        loaded = cached_config(ctx.db, org)
    if loaded is None or not loaded.ok or loaded.ladder is None:
        return None
    if installation_id is None:
        stored = orgs.config(ctx.db, org)
        installation_id = stored.installation_id if stored else None
    config = with_sign_ups(ctx, org, loaded.config)
    setup = OrgSetup(
        org=org,
        installation_id=installation_id,
        config=config,
        ladder=loaded.ladder,
        definitions=config.rule_definitions(org),
        dry_run=ctx.dry_run or config.dry_run,
        web=web_url_for(ctx.settings.github_api_url),
        bot=None if ctx.dry_run or config.dry_run else await app_bot(ctx.github),
    )
    if fresh:
        await refresh_rosters(ctx, setup)
        log_cohort_role_problems(ctx, setup)
    return setup


async def repo_setup(ctx: Context, setup: OrgSetup, repo: str | None, *, refresh: bool = False) -> OrgSetup:
    """The setup that applies in repository `repo` of the organisation: the repository's own
    `.github/ladder.yml` when it has one (read once and cached like the organisation's; read again after a
    push changes it), else the organisation's. A repository file with errors is logged and not used."""
    if not repo or repo.lower() == ".github":
        return setup
    looked, loaded = cached_repo_config(ctx.db, setup.org, repo)
    if (refresh or not looked) and ctx.github is not None and setup.installation_id:
        gh = await ctx.github.for_installation(setup.installation_id)
        loaded = await load_repo_config(gh, setup.org, repo, db=ctx.db)
    if loaded is None:
        return setup
    if not loaded.ok or loaded.ladder is None or loaded.config is None:
        log.warning("%s/%s's own ladder.yml has errors; the organisation's applies: %s", setup.org, repo,
                    loaded.problems_text())  # fmt: skip
        return setup
    config = with_sign_ups(ctx, setup.org, loaded.config)
    dry_run = ctx.dry_run or config.dry_run
    return dataclasses.replace(
        setup,
        config=config,
        ladder=loaded.ladder,
        definitions=config.rule_definitions(setup.org),
        dry_run=dry_run,
        bot=None if dry_run else (setup.bot or await app_bot(ctx.github)),
    )


def with_sign_ups(ctx: Context, org: str, config: OrgConfig) -> OrgConfig:
    """The configuration with each cohort's enrolled sign-ups added to its `mentees` (and named in
    `enrolled`): every reader of a cohort's mentees — evaluation, progress comments, `/checkin`, status —
    sees them as listed mentees."""
    if not any(c.signup_issue for c in config.cohorts):
        return config
    cohorts = []
    for c in config.cohorts:
        if not c.signup_issue:
            cohorts.append(c)
            continue
        merged = {e.lower() for e in c.enrolled}  # merged before: read again (someone may have left)
        listed = tuple(m for m in c.mentees if m.lower() not in merged)
        extra = mentoring.signed_up(ctx.db, org, c.name, listed).enrolled
        cohorts.append(replace(c, mentees=(*listed, *extra), enrolled=extra))
    return replace(config, cohorts=tuple(cohorts))


async def refresh_rosters(ctx: Context, setup: OrgSetup) -> set[str]:
    """Read who holds which level into `holdings`: org membership, every OWNERS folder of the installation's
    repositories in the organisation, and every cohort's scope. Returns the scopes read ("org/repo[/path]")."""
    if ctx.github is None or not setup.installation_id:
        return set()
    from app.rosters import sync_owners_repository, sync_owners_scope
    from app.rosters.membership import sync_membership

    gh = await ctx.github.for_installation(setup.installation_id)
    await sync_membership(
        gh, ctx.db, setup.org, members_since=dict(setup.config.members_since), peribolos=setup.peribolos
    )
    # Every OWNERS folder of the organisation's repositories (everyone is evaluated where they work), then
    # each cohort's scope (a folder with no OWNERS file of its own still has the holders above it).
    read: set[str] = set()
    for _, full_name, installation in orgs.followed_repositories(ctx.db):
        owner, name = full_name.split("/", 1)
        if owner.lower() == setup.org.lower() and installation == setup.installation_id:
            for folder in await sync_owners_repository(gh, ctx.db, setup.ladder, owner, name):
                read.add(str(Scope(owner, name, folder or None)))
    for scope in {setup.cohort_scope(c) for c in setup.config.cohorts}:
        await sync_owners_scope(gh, ctx.db, setup.ladder, scope)
        read.add(str(scope))
    if ctx.evaluator is not None:
        ctx.evaluator.forget(setup.org)
    return read


def log_cohort_role_problems(ctx: Context, setup: OrgSetup) -> None:
    """Warn, at their lines, about mentors who do not hold their cohort's target and mentees who already do.

    Called once each time the configuration is loaded, after the rosters are read: the same moment the
    file's own warnings are logged (app/config/loader.py), so each load of a configuration warns once."""
    held = holdings.by_login(ctx.db, setup.org, member_level=member_level(setup.ladder))
    rows = [(login, h.level, str(h.scope)) for login, hs in held.values() for h in hs]
    for problem in cohort_role_problems(setup.config, setup.ladder, holds_over(setup.org, rows)):
        log.warning("ladder.yml for %s: %s", setup.org, problem)


def key_part(text: str) -> str:
    """A piece of an outbox key: letters, digits and `_.-` only, never `--`."""
    return re.sub(r"-{2,}", "-", re.sub(r"[^A-Za-z0-9_.-]+", "_", text))


def person_id(ctx: Context, login: str) -> int | None:
    return people.person_id(ctx.db, login)


def current_login(ctx: Context, pid: int, fallback: str) -> str:
    """The person's login as last seen (they may have renamed since `fallback` was stored)."""
    return people.login_of(ctx.db, pid) or fallback


# --- the people a ladder.yml names -------------------------------------------------------------------------
# Cohort lists name logins; people are matched by id. Each login is tied to the account it names the first
# time Ladder knows that account, and the tie is kept, so a mentee who renames stays in their cohort.


def _named(setup: OrgSetup) -> list[str]:
    return sorted({login for c in setup.config.cohorts for login in (*c.mentees, *c.mentors)}, key=str.lower)


def tie_named_logins(ctx: Context, setup: OrgSetup) -> None:
    """Tie the logins the cohorts name to accounts, once each (a write: called before evaluating)."""
    logins = _named(setup)
    tied = people.named_ids(ctx.db, setup.org, logins)
    new = {}
    for login in logins:
        if login.lower() not in tied:
            pid = people.person_id(ctx.db, login)
            if pid is not None:
                new[login.lower()] = pid
    if new:
        people.tie_named(ctx.db, setup.org, new, now=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))


def named_ids(ctx: Context, setup: OrgSetup, logins) -> dict[str, int]:
    """{login as written: person id} for the configured `logins`: by their tie, else (never tied yet) by
    the account that has the login now; a login no account has is left out."""
    logins = list(logins)
    tied = people.named_ids(ctx.db, setup.org, logins)
    out = {}
    for login in logins:
        pid = tied.get(login.lower())
        if pid is None:
            pid = people.person_id(ctx.db, login)
        if pid is not None:
            out[login] = pid
    return out


def cohorts_of(ctx: Context, setup: OrgSetup, pid: int) -> list[Cohort]:
    """The cohorts (running or past) the person is a mentee of."""
    return [c for c in setup.config.cohorts if pid in named_ids(ctx, setup, c.mentees).values()]
