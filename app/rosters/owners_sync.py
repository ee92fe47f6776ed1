"""Who holds which OWNERS level over a scope, written into `holdings` with the date each person got it.

    rows = await sync_owners_scope(gh, db, ladder, Scope("kubernetes", "kubernetes", "pkg/controller"))

For every level of the ladder whose roster is an OWNERS list (`kind: owners`, `list: reviewers|approvers`)
or an alias group (`kind: owners_alias`, `group: "{repo}-reviewers"`), the holders over the scope are
read as Prow reads them: the OWNERS file of the scope's folder and of each folder above it, stopping
above a folder with `no_parent_owners` once someone was found, alias groups from the root OWNERS_ALIASES
expanded one level. Each level is read at its own scope (`level_scope`: a `repository` level over a
folder scope is read at the repository root), and its rows carry that scope.

Rows are keyed (login, level, scope). `since` is computed only for new rows (the history search runs
once per person); a person listed several ways (in the folder and above it, directly and by an alias)
holds the level since the earliest of them, and an entry by alias since the later of "the alias entered
the list" and "the person entered the alias". `source` names the file: "OWNERS o/r:path/OWNERS",
"OWNERS o/r:OWNERS (sig-x-reviewers in OWNERS_ALIASES)" or "OWNERS_ALIASES o/r:OWNERS_ALIASES (group)".
Rows at that level and scope whose source is an OWNERS file and whose person is no longer listed are
deleted.
"""

from __future__ import annotations

import logging
import posixpath
import time
from dataclasses import dataclass
from datetime import datetime

from app.store import holdings, people, way_down
from app.store.database import Database
from ladder_rules.evaluate import level_scope
from ladder_rules.facts import Scope
from ladder_rules.format import Ladder, Level
from ladder_rules.owners import OwnersFile, norm_login, parse_aliases, parse_owners

from .files import Calls, files_named, parse_github_time, read_text
from .tenure import AliasGroup, FileHistory, OwnersList, Reader, find_entry

log = logging.getLogger(__name__)

ALIASES_PATH = "OWNERS_ALIASES"
OWNERS_KINDS = ("owners", "owners_alias")


@dataclass(frozen=True, slots=True)
class HoldingRow:
    """One row of `holdings` as written."""

    login: str
    person_id: int | None
    org: str
    level: str
    scope: str
    since: datetime | None
    source: str
    updated_at: str


@dataclass(frozen=True, slots=True)
class Condition:
    """`name` is on `reader`'s roster in the file at `path`."""

    path: str
    reader: Reader
    name: str


@dataclass(frozen=True, slots=True)
class Route:
    """One way a person holds a level: all conditions must hold; the route starts at the latest of them."""

    source: str
    conditions: tuple[Condition, ...]


@dataclass
class Holder:
    display: str
    routes: list[Route]


def stamp(at: datetime | None) -> str | None:
    return None if at is None else at.strftime("%Y-%m-%dT%H:%M:%SZ")


def folder_chain(path: str | None) -> list[str]:
    """The folder and every folder above it, nearest first; "" is the repository root."""
    folder = (path or "").strip("/")
    chain = [folder]
    while folder:
        folder = posixpath.dirname(folder)
        chain.append(folder)
    return chain


def owners_path(folder: str) -> str:
    return f"{folder}/OWNERS" if folder else "OWNERS"


def group_name(template: str, scope: Scope) -> str:
    """An alias group name from the ladder, with {org}, {repo}, {path} and {scope} (the folder's last
    part, else the repository) filled in."""
    last = scope.path.rsplit("/", 1)[-1] if scope.path else (scope.repo or scope.org)
    return template.format(org=scope.org, repo=scope.repo or "", path=scope.path or "", scope=last)


class RepoFiles:
    """The current OWNERS files and OWNERS_ALIASES of one repository, each read at most once."""

    def __init__(self, gh, repo: str, calls: Calls):
        self.gh = gh
        self.repo = repo
        self.calls = calls
        self._owners: dict[str, OwnersFile | None] = {}
        self._aliases: dict[str, list[str]] | None = None

    async def owners(self, folder: str) -> OwnersFile | None:
        if folder not in self._owners:
            path = owners_path(folder)
            text = await read_text(self.gh, self.repo, path, calls=self.calls)
            self._owners[folder] = None if text is None else parse_owners(text, f"{self.repo}:{path}")
        return self._owners[folder]

    async def aliases(self) -> dict[str, list[str]]:
        """Alias groups keyed by their compared name."""
        if self._aliases is None:
            text = await read_text(self.gh, self.repo, ALIASES_PATH, calls=self.calls)
            groups = {} if text is None else parse_aliases(text, f"{self.repo}:{ALIASES_PATH}")
            self._aliases = {norm_login(name): list(members) for name, members in groups.items()}
        return self._aliases


async def owners_holders(files: RepoFiles, folder: str | None, list_name: str) -> dict[str, Holder]:
    """Everyone on `list_name` over `folder` as Prow collects it, with every route by which they are."""
    aliases = await files.aliases()
    found: dict[str, Holder] = {}
    for current in folder_chain(folder):
        owners = await files.owners(current)
        if owners is not None:
            path = owners_path(current)
            where = f"OWNERS {files.repo}:{path}"
            for entry in owners.roster().get(list_name):
                key = norm_login(entry)
                listed = Condition(path, OwnersList(list_name), key)
                if key in aliases:
                    route_source = f"{where} ({entry} in {ALIASES_PATH})"
                    for member in aliases[key]:
                        person = norm_login(member)
                        route = Route(route_source, (listed, Condition(ALIASES_PATH, AliasGroup(key), person)))
                        found.setdefault(person, Holder(member, [])).routes.append(route)
                else:
                    found.setdefault(key, Holder(entry.removeprefix("@"), [])).routes.append(Route(where, (listed,)))
            if owners.no_parent_owners and found:
                break
    return found


async def alias_holders(files: RepoFiles, group: str) -> dict[str, Holder]:
    members = (await files.aliases()).get(norm_login(group), [])
    source = f"{ALIASES_PATH} {files.repo}:{ALIASES_PATH} ({group})"
    condition = lambda person: Condition(ALIASES_PATH, AliasGroup(norm_login(group)), person)  # noqa: E731
    return {norm_login(m): Holder(m, [Route(source, (condition(norm_login(m)),))]) for m in members}


class Dater:
    """Dates conditions through one shared history per file, each condition searched once."""

    def __init__(self, gh, repo: str, calls: Calls):
        self.gh = gh
        self.repo = repo
        self.calls = calls
        self.histories: dict[str, FileHistory] = {}
        self.dates: dict[Condition, datetime | None] = {}

    async def date(self, condition: Condition) -> datetime | None:
        if condition not in self.dates:
            history = self.histories.get(condition.path)
            if history is None:
                history = self.histories[condition.path] = FileHistory(
                    self.gh, self.repo, condition.path, calls=self.calls
                )
            # the person is on the roster in the file just read, so the newest commit need not be read
            entry = await find_entry(history, condition.name, condition.reader, assume_present=True)
            self.dates[condition] = None if entry is None else entry.at
        return self.dates[condition]

    async def since(self, holder: Holder) -> tuple[datetime | None, str]:
        """The earliest route's start, and its source (the nearest route's when no date is known)."""
        best: tuple[datetime, str] | None = None
        for route in holder.routes:
            dates = [await self.date(c) for c in route.conditions]
            if any(d is None for d in dates):
                continue
            start = max(dates)
            if best is None or start < best[0]:
                best = (start, route.source)
        return (best[0], best[1]) if best else (None, holder.routes[0].source)

    @property
    def warnings(self) -> list[str]:
        return [w for history in self.histories.values() for w in history.warnings]


def owners_levels(ladder: Ladder) -> list[Level]:
    return [lv for lv in ladder.levels if lv.roster is not None and lv.roster.kind in OWNERS_KINDS]


async def sync_owners_repository(
    gh, db: Database, ladder: Ladder, org: str, repo_name: str, *, calls: Calls | None = None
) -> list[str]:
    """Refresh `holdings` over every folder of the repository that has an OWNERS file, so that everyone is
    evaluated at the most specific OWNERS folder (ladder_rules/everyone.py), not only in cohort scopes.

    One recursive tree read finds the files; the folders share one reading of each OWNERS file and one
    history per file for the dates. Returns the folders synced ("" the root)."""
    if not owners_levels(ladder):
        return []
    calls = calls if calls is not None else Calls()
    repo = f"{org}/{repo_name}"
    paths, truncated = await files_named(gh, repo, "OWNERS", calls=calls)
    if truncated:
        log.warning("%s has more files than one tree read lists; OWNERS folders beyond it are not followed", repo)
    folders = sorted({posixpath.dirname(p) for p in paths})
    files, dater = RepoFiles(gh, repo, calls), Dater(gh, repo, calls)
    for folder in folders:
        scope = Scope(org, repo_name, folder or None)
        await sync_owners_scope(gh, db, ladder, scope, calls=calls, shared=(files, dater))
    return folders


async def sync_owners_scope(
    gh,
    db: Database,
    ladder: Ladder,
    scope: Scope,
    *,
    now: str | None = None,
    calls: Calls | None = None,
    shared: tuple[RepoFiles, Dater] | None = None,
) -> list[HoldingRow]:
    """Refresh `holdings` for every OWNERS level of `ladder` over `scope`; returns the rows now held there.
    `shared`: the repository's files and histories, read once for several scopes of it.

    A scope without a repository has no OWNERS file: nothing is read and nothing is returned.
    """
    if scope.repo is None:
        return []
    now = now or time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    calls = calls if calls is not None else Calls()
    repo = f"{scope.org}/{scope.repo}"
    files, dater = shared if shared is not None else (RepoFiles(gh, repo, calls), Dater(gh, repo, calls))
    plans: list[tuple[Level, str, dict[str, Holder]]] = []
    for level in owners_levels(ladder):
        cut = level_scope(level, scope)
        if cut.repo is None:
            continue  # an org-wide level cannot be read from one repository's OWNERS
        if level.roster.kind == "owners":
            holders = await owners_holders(files, cut.path, level.roster.list or "reviewers")
        else:
            holders = await alias_holders(files, group_name(level.roster.group or "", cut))
        plans.append((level, str(cut), holders))

    rows: list[HoldingRow] = []
    stale: list[tuple[str, str, list[str]]] = []
    for level, scope_text, holders in plans:
        existing = {
            e.login.lower(): (e.login, e.since, e.source)
            for e in holdings.in_scope(db, scope.org, level.name, scope_text)
        }
        for key in sorted(holders):
            holder = holders[key]
            kept = existing.get(key)
            sources = [route.source for route in holder.routes]
            if kept is not None and kept[1]:
                # dated before: keep the date, and the source it came from while that route still exists
                since, source = parse_github_time(kept[1]), kept[2] if kept[2] in sources else sources[0]
            else:
                since, source = await dater.since(holder)
                # Taken off this roster before and back now: tenure starts again, no earlier than the end.
                ended = way_down.last_end(db, holder.display, level.name, scope_text)
                if ended is not None and (since is None or since < parse_github_time(ended)):
                    since = parse_github_time(ended)
            rows.append(
                HoldingRow(
                    kept[0] if kept else holder.display,
                    people.person_id(db, key),
                    scope.org,
                    level.name,
                    scope_text,
                    since,
                    source,
                    now,
                )
            )
        stale.append((level.name, scope_text, [login for k, (login, _, _) in existing.items() if k not in holders]))

    holdings.replace_owners(
        db,
        [(login, level_name, scope_text) for level_name, scope_text, logins in stale for login in logins],
        [
            holdings.RosterEntry(r.login, r.person_id, r.org, r.level, r.scope, stamp(r.since), r.source, r.updated_at)
            for r in rows
        ],
        now=now,
    )
    return rows
