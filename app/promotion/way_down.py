"""The way down (PRODUCT.md §5): staying rules checked for everyone who holds a level, a notice first,
a grace period, then the roster change proposed for people to merge.

One row per held level and scope (app/store/way_down.py) goes through these states (`Status`):

    notice ──(counted activity)──▶ cancelled      (no new notice for a grace period)
       │  ──(/ladder keep)───────▶ kept           (no new notice for the level's window)
       │  ──(taken off the roster)▶ ended
       └──(grace_period passed)──▶ proposed ──(taken off the roster: the PR merged)──▶ ended

A closed row opens again (its `spell` + 1, a new notice comment) only when the person is below the rules
again after its quiet time. So a restart, a redelivery or the next daily pass never notices anyone twice
for the same spell: the state is in the database and every write is a keyed outbox effect.

Writes (all through the outbox): the organisation's `Inactivity notices` issue in `community_repo` (found
again by the number stored for it), one comment per notice edited in place as its state changes, one
pull request per roster file (FileChange effects gathering on the branch `ladder/way-down-<file>`:
approvers to `emeritus_approvers`, reviewers removed, one line each, in the alias group where the list
names one), and one issue listing organisation members for an admin. Ladder merges nothing.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from enum import Enum

from app.context import Context
from app.evaluations import member_level
from app.outbox import plan
from app.outbox.effects import Comment, FileChange, Issue
from app.promotion import way_down_files
from app.promotion import way_down_text as text
from app.promotion.setup import OrgSetup, current_login, key_part
from app.store import holdings as holdings_store
from app.store import outbox as outbox_store
from app.store import people
from app.store import way_down as store
from app.store.holdings import parse_scope, parse_time
from ladder_rules.evaluate import add_months
from ladder_rules.facts import Scope
from ladder_rules.metrics import MetricsIndex
from ladder_rules.staying import StayCheck, check_stay, counted_activity, has_rules

log = logging.getLogger("ladder.way_down")


class Status(str, Enum):
    NOTICE = "notice"
    CANCELLED = "cancelled"
    KEPT = "kept"
    PROPOSED = "proposed"
    ENDED = "ended"


OPEN = (Status.NOTICE.value,)
SHOWN = tuple(s.value for s in Status)


def iso(at: datetime) -> str:
    return at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def grace_end(setup: OrgSetup, start: datetime) -> datetime:
    grace = setup.config.grace_period
    return add_months(start, grace.months) + timedelta(days=grace.days)


def grace_days(setup: OrgSetup, start: datetime) -> int:
    return (grace_end(setup, start) - start).days


# --- who holds what, and where it is written -----------------------------------------------------------


@dataclass(frozen=True)
class Held:
    person_id: int
    login: str
    level: str
    scope: str
    source: str | None  # holdings.source: which file (and alias group) the entry is in
    since: datetime | None


def held(ctx: Context, setup: OrgSetup) -> list[Held]:
    """Everyone who holds a level with staying rules, from the rosters as stored. A roster login Ladder has
    never seen act has no account here and is left out (nothing it did could be counted either way)."""
    out: list[Held] = []
    ladder = setup.ladder
    names = {lv.name for lv in ladder.levels if has_rules(lv)}
    # A person listed over a folder holds the level in every folder below it too, each stored as a row of
    # its own (app/rosters/owners_sync.py): judge them once, over the widest scope they hold it in; the
    # proposal then takes them off every file that lists them there or below (`read_targets`).
    owners: dict[tuple[int, str], list[Held]] = {}
    for entry in holdings_store.of_org(ctx.db, setup.org):
        if entry.level not in names:
            continue
        pid = entry.person_id if entry.person_id is not None else people.person_id(ctx.db, entry.login)
        if pid is None:
            continue
        row = Held(pid, entry.login, entry.level, entry.scope, entry.source, parse_time(entry.since))
        if (entry.source or "").startswith("OWNERS"):
            owners.setdefault((pid, entry.level), []).append(row)
        else:
            out.append(row)
    for rows in owners.values():
        scopes = [parse_scope(r.scope) for r in rows]
        out += [r for r, s in zip(rows, scopes) if not any(o != s and _within(s, o) for o in scopes)]
    member = member_level(ladder)
    if member in names:
        for m in holdings_store.current_members(ctx.db, setup.org):
            login = people.login_of(ctx.db, m.user_id)
            if login:
                out.append(Held(m.user_id, login, member, setup.org, "org members", parse_time(m.since)))
    return out


def _within(inner: Scope, outer: Scope) -> bool:
    """`inner` is `outer` or a folder below it."""
    return inner.repo is not None and outer.contains(f"{inner.org}/{inner.repo}", inner.path)


# "OWNERS o/r:path/OWNERS", "OWNERS o/r:OWNERS (sig-x-reviewers in OWNERS_ALIASES)",
# "OWNERS_ALIASES o/r:OWNERS_ALIASES (group)": written by app/rosters/owners_sync.py.
SOURCE_RE = re.compile(r"(OWNERS|OWNERS_ALIASES) ([^\s:/]+/[^\s:/]+):(\S+)(?: \((\S+?)(?: in OWNERS_ALIASES)?\))?")


@dataclass(frozen=True)
class RosterTarget:
    kind: str  # owners | aliases | org_members | by_hand
    repo: str | None = None
    path: str | None = None
    list: str | None = None  # approvers | reviewers (OWNERS)
    group: str | None = None  # the alias group


def roster_target(setup: OrgSetup, level: str, source: str | None) -> RosterTarget:
    roster = setup.ladder.level(level).roster
    if roster is not None and roster.kind == "org_members":
        return RosterTarget("org_members")
    m = SOURCE_RE.fullmatch(source or "")
    if roster is None or m is None:
        return RosterTarget("by_hand", path=source)
    kind, repo, path, group = m.groups()
    list_name = roster.list or "reviewers"
    if kind == "OWNERS_ALIASES" or group:
        return RosterTarget("aliases", repo, "OWNERS_ALIASES", list_name, group)
    return RosterTarget("owners", repo, path, list_name)


async def read_targets(ctx: Context, setup: OrgSetup, notice: store.Notice) -> list[dict] | None:
    """Every file that gives the person the level over the scope or a folder below it, read from the
    default branch as Prow reads it: the OWNERS of the scope's folder and of each folder above it (up to
    `no_parent_owners`), and of the folders below where they are listed, directly or through an alias group.
    None: GitHub cannot be asked (dry-run), the stored source is all
    there is."""
    from dataclasses import asdict

    level = setup.ladder.level(notice.level)
    if ctx.github is None or not setup.installation_id or level.roster is None or level.roster.kind != "owners":
        return None
    first = roster_target(setup, notice.level, notice.source)
    if first.repo is None:
        return None
    from app.rosters.files import Calls
    from app.rosters.owners_sync import RepoFiles, owners_holders
    from ladder_rules.evaluate import level_scope
    from ladder_rules.owners import norm_login

    gh = await ctx.github.for_installation(setup.installation_id)
    scope = level_scope(level, parse_scope(notice.scope))
    # The scope itself and every folder below it where the person is stored as holding the level: the
    # files listing them there give the level over part of the scope too.
    below = {
        parse_scope(e.scope).path
        for e in holdings_store.of_org(ctx.db, setup.org)
        if e.level == notice.level
        and e.login.lower() == notice.login.lower()
        and e.scope != str(scope)
        and _within(parse_scope(e.scope), scope)
    }
    files = RepoFiles(gh, first.repo, Calls())
    targets = []
    for path in [scope.path, *sorted(below, key=lambda p: p or "")]:
        holder = (await owners_holders(files, path, level.roster.list or "reviewers")).get(norm_login(notice.login))
        if holder is not None:
            targets += [asdict(roster_target(setup, notice.level, route.source)) for route in holder.routes]
    return [t for i, t in enumerate(targets) if t not in targets[:i]]


def targets_of(setup: OrgSetup, notice: store.Notice) -> list[RosterTarget]:
    if "targets" in notice.counted:
        return [RosterTarget(**t) for t in notice.counted["targets"]]
    return [roster_target(setup, notice.level, notice.source)]


def roster_name(target: RosterTarget) -> str:
    if target.kind == "org_members":
        return "org_members"
    if target.kind == "aliases":
        return f"alias group {target.group}"
    return target.list or "the roster"


def change_phrase(login: str, action: str, target: RosterTarget) -> str:
    if target.kind == "aliases":
        what = "moving" if action == "emeritus" else "removing"
        return f"{what} @{login} out of the alias group `{target.group}` of `{target.repo}:OWNERS_ALIASES`" + (
            " (to its emeritus group where the file keeps one)" if action == "emeritus" else ""
        )
    if target.kind == "by_hand":
        return f"asking the roster's maintainers to take @{login} off it ({text.code(target.path or 'the roster')})"
    where = f"{target.repo}:{target.path}" if target.repo else None
    return text.change_words(login, action, target.list or "org_members", where)


# --- the daily pass --------------------------------------------------------------------------------------


@dataclass
class PassReport:
    org: str
    checked: int = 0
    noticed: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    proposed: list[str] = field(default_factory=list)
    ended: list[str] = field(default_factory=list)


def _counted(check: StayCheck, now: datetime) -> dict:
    last = check.evidence[-1] if check.evidence else None
    return {
        "lines": list(check.lines),
        "window_months": check.window_months,
        "action": check.action,
        "checked_at": iso(now),
        "last_activity": iso(check.last_activity) if check.last_activity else None,
        "last_activity_url": last[1] if last and check.last_activity == last[2] else None,
    }


def _activity_since(index: MetricsIndex, setup: OrgSetup, notice: store.Notice, now: datetime) -> tuple | None:
    """The first counted act since the notice was given (None: none)."""
    level = setup.ladder.level(notice.level)
    scope = check_scope(setup, notice)
    # anything after the notice counts, also what GitHub dated a moment past `now`
    items = counted_activity(
        index, notice.person_id, scope, parse_time(notice.noticed_at), now + timedelta(days=1), level
    )
    return items[0] if items else None


def check_scope(setup: OrgSetup, notice: store.Notice):
    from ladder_rules.evaluate import level_scope

    return level_scope(setup.ladder.level(notice.level), parse_scope(notice.scope))


def _index(ctx: Context, setup: OrgSetup, *, fresh: bool) -> MetricsIndex:
    from app.evaluations import Evaluator

    evaluator = ctx.evaluator or Evaluator(ctx.db)
    if fresh:
        evaluator.forget(setup.org)
    return evaluator.index(setup.org, setup.ladder, setup.definitions)


def known_scopes(ctx: Context, setup: OrgSetup, repo_name: str) -> set[str]:
    """The scopes of repository `repo_name` over which some OWNERS roster entry is stored."""
    prefix = f"{setup.org}/{repo_name}".lower()
    return {
        e.scope
        for e in holdings_store.of_org(ctx.db, setup.org)
        if (e.scope.lower() == prefix or e.scope.lower().startswith(prefix + "/"))
        and (e.source or "").startswith("OWNERS")
    }


async def sync_rosters(ctx: Context, setup: OrgSetup) -> None:
    """Read every roster Ladder knows of the organisation again (who was taken off by hand ends here)."""
    if ctx.github is None or not setup.installation_id:
        return
    from app.promotion.setup import refresh_rosters
    from app.rosters import sync_owners_scope

    synced = await refresh_rosters(ctx, setup)
    gh = await ctx.github.for_installation(setup.installation_id)
    scopes = {e.scope for e in holdings_store.of_org(ctx.db, setup.org) if e.source and e.source.startswith("OWNERS")}
    for scope in sorted(scopes - synced):  # refresh_rosters has just read the others
        await sync_owners_scope(gh, ctx.db, setup.ladder, parse_scope(scope))
    await _look_up_accounts(ctx, gh, setup)


async def _look_up_accounts(ctx: Context, gh, setup: OrgSetup) -> None:
    """A roster login Ladder never saw act has no account in the ledger: ask GitHub for its id (once it is
    known, never again), so the staying rules are checked for them too (they are the likeliest to be
    inactive). A login GitHub does not know (a typo, a deleted account) is asked again at the next pass."""
    import gidgethub

    entries = holdings_store.of_org(ctx.db, setup.org)
    missing = sorted({e.login for e in entries if e.person_id is None and people.person_id(ctx.db, e.login) is None})
    for login in missing:
        try:
            user = await gh.getitem("/users/{username}", url_vars={"username": login})
        except gidgethub.BadRequest as exc:
            if exc.status_code == 404:
                continue  # no such account (a team, a typo): nothing to check
            raise
        if user.get("type") != "Bot" and user.get("id"):
            people.remember(
                ctx.db,
                int(user["id"]),
                user.get("login") or login,
                user.get("type"),
                now=iso(datetime.now(timezone.utc)),
            )


async def daily_pass(ctx: Context, setup: OrgSetup, now: datetime, *, read_rosters: bool = True) -> PassReport:
    """Check everyone who holds a level; give notices, cancel them, propose what the grace period let
    through; then plan every write. Safe to run any number of times: each step is a state change in the
    database and each write a keyed effect."""
    if read_rosters:
        await sync_rosters(ctx, setup)
    index = _index(ctx, setup, fresh=True)
    report = PassReport(setup.org)
    now_iso = iso(now)
    current: set[tuple[int, str, str]] = set()
    with ctx.db.transaction():
        for h in held(ctx, setup):
            current.add((h.person_id, h.level, h.scope))
            check = check_stay(index, setup.ladder, h.person_id, h.level, parse_scope(h.scope), now)
            if check is None:
                continue
            report.checked += 1
            notice = store.get(ctx.db, setup.org, h.person_id, h.level, h.scope)
            if notice is not None and notice.status == Status.NOTICE.value:
                first = _activity_since(index, setup, notice, now)
                if first is not None or not check.below:
                    _cancel(ctx, setup, notice, first, now)
                    report.cancelled.append(h.login)
                elif now >= parse_time(notice.propose_at):
                    store.close(ctx.db, notice, Status.PROPOSED.value, at=now_iso)
                    report.proposed.append(h.login)
                continue
            if not check.below:
                continue
            if notice is not None and notice.status == Status.PROPOSED.value:
                continue  # the pull request is open: people decide
            if notice is not None and notice.quiet_until and now_iso < notice.quiet_until:
                continue
            store.open_notice(
                ctx.db,
                org=setup.org,
                person_id=h.person_id,
                login=current_login(ctx, h.person_id, h.login),
                level=h.level,
                scope=h.scope,
                source=h.source,
                status=Status.NOTICE.value,
                noticed_at=now_iso,
                propose_at=iso(grace_end(setup, now)),
                counted=_counted(check, now),
            )
            report.noticed.append(h.login)
        for notice in store.of_org(ctx.db, setup.org, (Status.NOTICE.value, Status.PROPOSED.value)):
            if (notice.person_id, notice.level, notice.scope) not in current:
                store.close(ctx.db, notice, Status.ENDED.value, at=now_iso)
                report.ended.append(notice.login)
        store.record_pass(ctx.db, setup.org, now_iso)
    for notice in store.of_org(ctx.db, setup.org, (Status.PROPOSED.value,)):
        if "targets" not in notice.counted:
            targets = await read_targets(ctx, setup, notice)
            if targets is not None:
                store.set_counted(ctx.db, notice, notice.counted | {"targets": targets})
    plan_writes(ctx, setup)
    if report.noticed or report.cancelled or report.proposed or report.ended:
        log.info(
            "way down in %s: %d checked, noticed %s, cancelled %s, proposed %s, ended %s",
            setup.org,
            report.checked,
            report.noticed,
            report.cancelled,
            report.proposed,
            report.ended,
        )
    return report


def _cancel(ctx: Context, setup: OrgSetup, notice: store.Notice, first: tuple | None, now: datetime) -> None:
    reason = f"{first[0]} on {first[2]:%Y-%m-%d}|{first[1]}" if first else "back within the staying rules|"
    store.close(
        ctx.db,
        notice,
        Status.CANCELLED.value,
        at=iso(now),
        reason=reason,
        quiet_until=iso(grace_end(setup, now)),
    )


def after_activity(ctx: Context, setup: OrgSetup, person_id: int, now: datetime | None = None) -> int:
    """Activity arrived from `person_id`: cancel their open notices it counts for. Returns how many."""
    notices = store.of_person(ctx.db, setup.org, person_id, OPEN)
    if not notices:
        return 0
    now = now or datetime.now(timezone.utc)
    index = _index(ctx, setup, fresh=True)  # rare (only people with an open notice): read the ledger anew
    cancelled = 0
    with ctx.db.transaction():
        for notice in notices:
            first = _activity_since(index, setup, notice, now)
            if first is not None:
                _cancel(ctx, setup, notice, first, now)
                cancelled += 1
    if cancelled:
        plan_writes(ctx, setup)
    return cancelled


def after_roster_change(ctx: Context, setup: OrgSetup, now: datetime | None = None) -> None:
    """Rosters were read again: notices of people no longer on them end."""
    now = now or datetime.now(timezone.utc)
    member = member_level(setup.ladder)
    holding = holdings_store.by_person(ctx.db, setup.org, member_level=member)
    changed = False
    for notice in store.of_org(ctx.db, setup.org, (Status.NOTICE.value, Status.PROPOSED.value)):
        _, levels = holding.get(notice.person_id, ("", []))
        if not any(h.level == notice.level and str(h.scope) == notice.scope for h in levels):
            store.close(ctx.db, notice, Status.ENDED.value, at=iso(now))
            changed = True
    if changed:
        plan_writes(ctx, setup)


# --- /ladder keep ---------------------------------------------------------------------------------------


def keepers(ctx: Context, setup: OrgSetup, notice: store.Notice) -> dict[int | str, str]:
    """Approvers of the notice's scope (the levels that decide its level), the person excluded; for an
    organisation-wide level (membership), an approver of any OWNERS file of the organisation."""
    from app.promotion.readiness import approvers

    scope = parse_scope(notice.scope)
    if scope.repo is not None:
        return approvers(ctx, setup, notice.level, scope, exclude=notice.person_id)
    names = {lv.name for lv in setup.ladder.levels if lv.roster is not None and lv.roster.list == "approvers"}
    held = holdings_store.by_person(ctx.db, setup.org, member_level=member_level(setup.ladder))
    return {
        pid: login
        for pid, (login, levels) in held.items()
        if isinstance(pid, int) and pid != notice.person_id and any(h.level in names for h in levels)
    }


def open_notices_of(ctx: Context, setup: OrgSetup, person_id: int) -> list[store.Notice]:
    return store.of_person(ctx.db, setup.org, person_id, OPEN)


def may_keep(ctx: Context, setup: OrgSetup, person_id: int, author_id: int) -> bool:
    """Anyone may ask about someone without an open notice (the answer says there is none); otherwise
    only an approver of the scope of one of them."""
    notices = open_notices_of(ctx, setup, person_id)
    return not notices or any(author_id in keepers(ctx, setup, n) for n in notices)


def keep(
    ctx: Context, setup: OrgSetup, person_id: int, author_id: int, reason: str, now: datetime | None = None
) -> int:
    """Cancel the open notices of `person_id` in the scopes the author approves; returns how many."""
    now = now or datetime.now(timezone.utc)
    kept = 0
    for notice in open_notices_of(ctx, setup, person_id):
        if author_id not in keepers(ctx, setup, notice):
            continue
        months = setup.ladder.level(notice.level)
        quiet = add_months(now, (months.inactivity.months if months.inactivity else 12))
        store.close(
            ctx.db, notice, Status.KEPT.value, at=iso(now), by=author_id, reason=reason[:500], quiet_until=iso(quiet)
        )
        kept += 1
    if kept:
        plan_writes(ctx, setup)
    return kept


def proposed_url(ctx: Context, setup: OrgSetup, person_id: int) -> str | None:
    for notice in store.of_person(ctx.db, setup.org, person_id, (Status.PROPOSED.value,)):
        url = _pull_url(ctx, notice)
        if url:
            return url
    return None


# --- the writes -----------------------------------------------------------------------------------------


def notices_key(setup: OrgSetup) -> str:
    return f"inactivity-notices:{key_part(setup.org)}"


def notices_issue_number(ctx: Context, setup: OrgSetup) -> int | None:
    """The notices issue's number as stored; else as the outbox recorded it when it opened the issue."""
    number = store.issue_number(ctx.db, setup.org)
    if number is None:
        entry = outbox_store.get_by_key(ctx.db, notices_key(setup))
        found = (entry.result or {}).get("number") if entry is not None else None
        if found:
            store.record_issue(ctx.db, setup.org, setup.community_repo, int(found))
            number = int(found)
    return number


def _pull_url(ctx: Context, notice: store.Notice) -> str | None:
    for n in range(len(notice.counted.get("targets") or [None])):
        entry = outbox_store.get_by_key(ctx.db, notice.pull_key(n))
        url = (entry.result or {}).get("url") if entry is not None and entry.result else None
        if url:
            return url
    return None


def _view(ctx: Context, setup: OrgSetup, notice: store.Notice) -> text.NoticeView:
    counted = notice.counted
    login = current_login(ctx, notice.person_id, notice.login)
    target = roster_target(setup, notice.level, notice.source)
    reason, reason_url = notice.reason, None
    if notice.status == Status.CANCELLED.value and reason:
        reason, _, reason_url = reason.partition("|")
    keeper = current_login(ctx, notice.closed_by, str(notice.closed_by)) if notice.closed_by else None
    return text.NoticeView(
        login=login,
        level=notice.level,
        scope=notice.scope,
        ladder=setup.ladder.name,
        status=notice.status,
        noticed_at=notice.noticed_at,
        propose_at=notice.propose_at,
        window_months=counted.get("window_months", 12),
        lines=counted.get("lines", []),
        last_activity=counted.get("last_activity"),
        last_activity_url=counted.get("last_activity_url"),
        change=change_phrase(login, counted.get("action", "remove"), target),
        closed_at=notice.closed_at,
        closed_by=keeper,
        reason=reason,
        reason_url=reason_url or None,
        pull_request_url=_pull_url(ctx, notice) if notice.status != Status.NOTICE.value else None,
    )


def plan_writes(ctx: Context, setup: OrgSetup) -> None:
    """Plan every write of the organisation's way down as it should read now (keyed: unchanged content
    is no new write)."""
    rows = store.of_org(ctx.db, setup.org)
    if not rows:
        return
    common = {"installation_id": setup.installation_id, "org": setup.org}
    plan(
        ctx.db,
        Issue(
            repo=setup.community_repo,
            name=notices_key(setup),
            title=text.NOTICES_TITLE,
            body=text.NOTICES_BODY,
            labels=("ladder",),
            **common,
        ),
        dry_run=setup.dry_run,
    )
    number = notices_issue_number(ctx, setup)
    if number is not None:
        for notice in rows:
            plan(
                ctx.db,
                Comment(
                    repo=setup.community_repo,
                    name=notice.comment_key,
                    number=number,
                    body=text.notice_body(_view(ctx, setup, notice)),
                    person_id=notice.person_id,
                    **common,
                ),
                dry_run=setup.dry_run,
            )
    _plan_pull_requests(ctx, setup, [r for r in rows if r.status == Status.PROPOSED.value])
    _plan_members_issue(ctx, setup, rows)


def _latest(notice: store.Notice) -> str:
    from app.markdown import day
    from app.user_text import markdown_link

    last, url = notice.counted.get("last_activity"), notice.counted.get("last_activity_url")
    if not last:
        return "none recorded"
    return markdown_link(day(last), url) if url else day(last)


def _plan_pull_requests(ctx: Context, setup: OrgSetup, proposed: list[store.Notice]) -> None:
    seen: set[tuple] = set()
    for notice, n, target in ((p, n, t) for p in proposed for n, t in enumerate(targets_of(setup, p))):
        if target.kind not in ("owners", "aliases"):
            continue
        login = notice.login
        action = notice.counted.get("action", "remove")
        where = (target.repo.lower(), target.path, target.list, (target.group or "").lower(), login.lower())
        if where in seen:
            continue
        seen.add(where)
        edit = way_down_files.edit_for(target, login, emeritus=action == "emeritus")
        current = current_login(ctx, notice.person_id, login)
        plan(
            ctx.db,
            FileChange(
                repo=target.repo,
                name=notice.pull_key(n),
                path=target.path,
                editor=way_down_files.EDITOR,
                edit=edit,
                title=text.pull_title(login, action, roster_name(target)),
                body=text.pull_section(
                    login=current,
                    change=change_phrase(current, action, target),
                    level=notice.level,
                    scope=notice.scope,
                    noticed_at=notice.noticed_at,
                    grace_days=grace_days(setup, parse_time(notice.noticed_at)),
                    lines=notice.counted.get("lines", []),
                    latest=_latest(notice),
                ),
                commit_message=text.pull_title(login, action, roster_name(target)),
                branch=way_down_files.branch_for(target.path),
                gathered_title=text.GATHERED_TITLE,
                installation_id=setup.installation_id,
                org=setup.org,
                person_id=notice.person_id,
            ),
            dry_run=setup.dry_run,
        )


def _plan_members_issue(ctx: Context, setup: OrgSetup, rows: list[store.Notice]) -> None:
    """One issue for an org admin listing the members whose removal is proposed (closed once none is)."""
    member = member_level(setup.ladder)
    mine = [r for r in rows if r.level == member]
    if not mine:
        return
    waiting = [r for r in mine if r.status == Status.PROPOSED.value]
    key = f"way-down-members:{key_part(setup.org)}"
    if not waiting and outbox_store.get_by_key(ctx.db, key) is None:
        return
    plan(
        ctx.db,
        Issue(
            repo=setup.community_repo,
            name=key,
            title=text.members_issue_title(len(waiting)),
            body=text.members_issue_body(
                [
                    (current_login(ctx, r.person_id, r.login), r.noticed_at, r.counted.get("lines", []), _latest(r))
                    for r in waiting
                ]
            ),
            labels=("ladder",),
            state="open" if waiting else "closed",
            state_reason=None if waiting else "completed",
            installation_id=setup.installation_id,
            org=setup.org,
        ),
        dry_run=setup.dry_run,
    )
