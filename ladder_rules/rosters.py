"""Roster kinds and their pure readers and writers, in one table.

    kind = roster_kind(level.roster.kind)                    # RosterError for a kind without a reader
    texts = {path: await read_text(gh, repo, path) for path in kind.paths(scope, level.roster)}
    held = kind.holders(texts, scope, level.roster)          # Holders: people, and teams to expand
    edit = kind.add(texts, scope, level.roster, "alice")     # an Edit: edit.path changes to edit.new_text
    edits = kind.remove(texts, scope, level.roster, "bob", emeritus=True)

``texts`` maps each path ``paths`` names to the file's text (None, or no entry, when it does not exist).
The service reads the files (from the scope's repository, or the peribolos repository for
``org_members``) and opens the pull requests; nothing here touches the network. ``roster`` is the
ladder's ``roster:`` (``ladder_rules.format.Roster``: ``kind``, ``list``, ``group``, ``path``).

Each function raises its file kind's own error (all ValueError with ``path``, ``line`` and ``message``):
OwnersError / EditError, CodeownersError / CodeownersEditError, PeribolosError; RosterError when the
roster itself cannot be used (no list named, no file to edit).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Callable, Mapping, Protocol

from ladder_rules.codeowners import (
    CODEOWNERS_PATHS,
    CodeownersEditError,
    Refusal,
    add_owner,
    parse_codeowners,
    remove_owner,
)
from ladder_rules.facts import Scope
from ladder_rules.owners import Holder, RepoOwners, norm_login, parse_aliases, parse_owners
from ladder_rules.owners_edit import Edit, add_to_alias, emeritus_group, plan_addition, plan_removal, remove_from_alias
from ladder_rules.peribolos import add_member, read_org, remove_member

ALIASES_PATH = "OWNERS_ALIASES"
Texts = Mapping[str, "str | None"]


class RosterSpec(Protocol):
    """What a ladder's ``roster:`` says (``ladder_rules.format.Roster`` has these fields)."""

    kind: str
    list: str | None
    group: str | None
    path: str | None


class RosterError(ValueError):
    """A roster that cannot be read or written as the ladder describes it; the sentence says why."""

    def __init__(self, message: str, path: str | None = None):
        self.path, self.line, self.message = path, None, message
        super().__init__(message if path is None else f"{path}: {message}")


@dataclass(frozen=True)
class Holders:
    """Who holds a level in a scope according to its roster file.

    ``teams`` (``org/team``) hold it too: their members come from GitHub, not from the file. ``source`` is
    the file read, None when there is none (for ``org_members`` without a peribolos file, GitHub's member
    list is the roster).
    """

    people: tuple[Holder, ...] = ()
    teams: tuple[str, ...] = ()
    source: str | None = None

    def holds(self, login: str) -> bool:
        """True when ``login`` is named in the file (directly or by an alias group; not through a team)."""
        return norm_login(login) in {holder.login for holder in self.people}


@dataclass(frozen=True)
class RosterKind:
    """One row of the table: the pure functions of one roster kind."""

    name: str
    paths: Callable[[Scope, RosterSpec], tuple[str, ...]]
    holders: Callable[[Texts, Scope, RosterSpec], Holders]
    add: Callable[[Texts, Scope, RosterSpec, str], Edit]
    remove: Callable[..., tuple[Edit, ...]]  # (texts, scope, roster, login, *, emeritus: bool)


def folder_of(scope: Scope) -> str:
    return (scope.path or "").strip("/")


def owners_path(folder: str) -> str:
    return f"{folder}/OWNERS" if folder else "OWNERS"


def group_name(template: str, scope: Scope) -> str:
    """An alias group name from the ladder, with {org}, {repo}, {path} and {scope} (the folder's last
    part, else the repository) filled in."""
    last = scope.path.rsplit("/", 1)[-1] if scope.path else (scope.repo or scope.org)
    return template.format(org=scope.org, repo=scope.repo or "", path=scope.path or "", scope=last)


def _list_of(roster: RosterSpec) -> str:
    if roster.list not in ("reviewers", "approvers"):
        raise RosterError(f"roster kind {roster.kind} needs list: reviewers or approvers.")
    return roster.list


def _text(texts: Texts, path: str, what: str) -> str:
    text = texts.get(path)
    if text is None:
        raise RosterError(f"there is no {what} to edit.", path)
    return text


# --- owners: an OWNERS list (reviewers or approvers), alias groups expanded ----------------------------


def _owners_paths(scope: Scope, roster: RosterSpec) -> tuple[str, ...]:
    return owners_path(folder_of(scope)), ALIASES_PATH


def _owners_holders(texts: Texts, scope: Scope, roster: RosterSpec) -> Holders:
    list_name = _list_of(roster)
    path = owners_path(folder_of(scope))
    text = texts.get(path)
    if text is None:
        return Holders()
    aliases_text = texts.get(ALIASES_PATH)
    aliases = parse_aliases(aliases_text, ALIASES_PATH) if aliases_text is not None else {}
    repo = RepoOwners({path: parse_owners(text, path)}, aliases)
    return Holders(tuple(repo.holders(folder_of(scope), list_name)), source=path)


def _owners_add(texts: Texts, scope: Scope, roster: RosterSpec, login: str) -> Edit:
    path = owners_path(folder_of(scope))
    return plan_addition(
        _text(texts, path, "OWNERS file"),
        texts.get(ALIASES_PATH),
        _list_of(roster),
        login,
        owners_path=path,
        aliases_path=ALIASES_PATH,
    )


def _owners_remove(texts: Texts, scope: Scope, roster: RosterSpec, login: str, *, emeritus: bool) -> tuple[Edit, ...]:
    path = owners_path(folder_of(scope))
    return plan_removal(
        _text(texts, path, "OWNERS file"),
        texts.get(ALIASES_PATH),
        _list_of(roster),
        login,
        emeritus=emeritus,
        owners_path=path,
        aliases_path=ALIASES_PATH,
    )


# --- owners_alias: one OWNERS_ALIASES group ----------------------------------------------------------------


def _group_of(roster: RosterSpec, scope: Scope) -> str:
    if not roster.group:
        raise RosterError("roster kind owners_alias needs group: the alias group's name (e.g. {repo}-reviewers).")
    return group_name(roster.group, scope)


def _alias_paths(scope: Scope, roster: RosterSpec) -> tuple[str, ...]:
    return (ALIASES_PATH,)


def _alias_holders(texts: Texts, scope: Scope, roster: RosterSpec) -> Holders:
    group = _group_of(roster, scope)
    text = texts.get(ALIASES_PATH)
    if text is None:
        return Holders()
    groups = parse_aliases(text, ALIASES_PATH)
    name = {norm_login(known): known for known in groups}.get(norm_login(group))
    members = groups.get(name, []) if name else []
    people: dict[str, Holder] = {}
    for member in members:
        people.setdefault(norm_login(member), Holder(norm_login(member), member.removeprefix("@"), name))
    return Holders(tuple(sorted(people.values(), key=lambda holder: holder.login)), source=ALIASES_PATH)


def _alias_add(texts: Texts, scope: Scope, roster: RosterSpec, login: str) -> Edit:
    text = _text(texts, ALIASES_PATH, "OWNERS_ALIASES file")
    return add_to_alias(text, _group_of(roster, scope), login, path=ALIASES_PATH)


def _alias_remove(texts: Texts, scope: Scope, roster: RosterSpec, login: str, *, emeritus: bool) -> tuple[Edit, ...]:
    text = _text(texts, ALIASES_PATH, "OWNERS_ALIASES file")
    group = _group_of(roster, scope)
    edit = remove_from_alias(text, group, login, path=ALIASES_PATH)
    groups = parse_aliases(text, ALIASES_PATH)
    target = emeritus_group(group, groups) if emeritus else None
    if target is None:
        return (edit,)
    members = next(names for known, names in groups.items() if norm_login(known) == norm_login(group))
    written = next(name for name in members if norm_login(name) == norm_login(login))  # the case the file keeps
    moved = add_to_alias(edit.new_text, target, written, path=ALIASES_PATH)
    done = "added to" if moved.changed else "already in"
    message = f"{edit.message.removesuffix('.')}; {done} {target}, the group's emeritus list."
    return (Edit(ALIASES_PATH, text, moved.new_text, message),)


# --- codeowners: the CODEOWNERS line of the scope's folder -------------------------------------------------


def _codeowners_paths(scope: Scope, roster: RosterSpec) -> tuple[str, ...]:
    return (roster.path,) if roster.path else CODEOWNERS_PATHS


def _codeowners_file(texts: Texts, scope: Scope, roster: RosterSpec) -> tuple[str, str] | None:
    """The CODEOWNERS GitHub uses: the first of the paths that exists."""
    for path in _codeowners_paths(scope, roster):
        if texts.get(path) is not None:
            return path, texts[path]
    return None


def _codeowners_holders(texts: Texts, scope: Scope, roster: RosterSpec) -> Holders:
    found = _codeowners_file(texts, scope, roster)
    if found is None:
        return Holders()
    path, text = found
    rule = parse_codeowners(text, path).rule_for_folder(folder_of(scope))
    if rule is None:
        return Holders(source=path)
    people = {norm_login(user): Holder(norm_login(user), user) for user in rule.users}
    return Holders(tuple(sorted(people.values(), key=lambda holder: holder.login)), rule.teams, path)


def _codeowners_line(texts: Texts, scope: Scope, roster: RosterSpec) -> tuple[str, str, str]:
    found = _codeowners_file(texts, scope, roster)
    if found is None:
        names = ", ".join(_codeowners_paths(scope, roster))
        raise CodeownersEditError(names, None, "there is no CODEOWNERS file to edit.", Refusal.NO_FILE)
    path, text = found
    folder = folder_of(scope)
    rule = parse_codeowners(text, path).rule_for_folder(folder)
    if rule is None:
        pattern = f"/{folder}/" if folder else "*"
        raise CodeownersEditError(
            path,
            None,
            f"there is no line for `{pattern}` (the scope {scope}); add one by hand (the last matching line wins, "
            "so its place matters).",
            Refusal.NO_LINE,
        )
    return path, text, rule.pattern


def _codeowners_add(texts: Texts, scope: Scope, roster: RosterSpec, login: str) -> Edit:
    path, text, pattern = _codeowners_line(texts, scope, roster)
    return add_owner(text, pattern, login, path=path)


def _codeowners_remove(
    texts: Texts, scope: Scope, roster: RosterSpec, login: str, *, emeritus: bool
) -> tuple[Edit, ...]:
    path, text, pattern = _codeowners_line(texts, scope, roster)
    edit = remove_owner(text, pattern, login, path=path)
    if emeritus:  # nowhere to move them: say so rather than pretend
        edit = dataclasses.replace(edit, message=f"{edit.message} CODEOWNERS keeps no emeritus list.")
    return (edit,)


# --- org_members: a peribolos org.yaml ---------------------------------------------------------------------


def _org_paths(scope: Scope, roster: RosterSpec) -> tuple[str, ...]:
    return (roster.path.format(org=scope.org),) if roster.path else ()


def _org_path(scope: Scope, roster: RosterSpec) -> str:
    paths = _org_paths(scope, roster)
    if not paths:
        raise RosterError(
            f"no org.yaml (peribolos) is configured for {scope.org}: an org admin invites and removes members."
        )
    return paths[0]


def _org_holders(texts: Texts, scope: Scope, roster: RosterSpec) -> Holders:
    paths = _org_paths(scope, roster)
    text = texts.get(paths[0]) if paths else None
    if text is None:
        return Holders()
    everyone = read_org(text, scope.org, paths[0]).everyone()
    people = tuple(Holder(key, written) for key, written in sorted(everyone.items()))
    return Holders(people, source=paths[0])


def _org_add(texts: Texts, scope: Scope, roster: RosterSpec, login: str) -> Edit:
    path = _org_path(scope, roster)
    return add_member(_text(texts, path, "org.yaml"), login, org=scope.org, path=path)


def _org_remove(texts: Texts, scope: Scope, roster: RosterSpec, login: str, *, emeritus: bool) -> tuple[Edit, ...]:
    path = _org_path(scope, roster)
    return (remove_member(_text(texts, path, "org.yaml"), login, org=scope.org, path=path),)


# --- the table -----------------------------------------------------------------------------------------

REGISTRY: dict[str, RosterKind] = {
    row.name: row
    for row in (
        RosterKind("owners", _owners_paths, _owners_holders, _owners_add, _owners_remove),
        RosterKind("owners_alias", _alias_paths, _alias_holders, _alias_add, _alias_remove),
        RosterKind("codeowners", _codeowners_paths, _codeowners_holders, _codeowners_add, _codeowners_remove),
        RosterKind("org_members", _org_paths, _org_holders, _org_add, _org_remove),
    )
}

# The roster kinds that have a reader and a writer: a ladder naming another kind is a format error.
KINDS: tuple[str, ...] = tuple(REGISTRY)


def roster_kind(name: str) -> RosterKind:
    """The functions of roster kind ``name``; RosterError for a kind without a reader."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise RosterError(f"roster kind {name!r} has no reader (one of {', '.join(KINDS)}).") from None
