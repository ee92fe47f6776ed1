"""Peribolos org.yaml: who is a member, an admin, on a team; and the one-line edit of ``members``.

    roster = read_org(text, "tektoncd", "org/org.yaml")
    roster.members, roster.admins, roster.teams["governing-board"].members
    edit = add_member(text, "new-person", org="kubernetes", path="config/kubernetes/org.yaml")

Two layouts (kubernetes-sigs/prow ``cmd/peribolos``):

- ``orgs: {<org>: {members: [...], admins: [...], teams: {...}}}`` (tektoncd/community ``org/org.yaml``);
- the org's own mapping at the top level (kubernetes/org ``config/<org>/org.yaml``: ``admins:``,
  ``members:``, ``teams:``), one file per organisation.

Teams have ``members``, ``maintainers`` and child ``teams``. Logins keep the case the file writes and
compare lower-cased. A new member goes where the list keeps them: sorted case-insensitively when the list
is sorted (kubernetes/org), else at the end (tektoncd), at the items' own indentation, a numeric login
quoted as the file quotes (``- "249043822"``); every other byte stays as it was.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ladder_rules.owners import OwnersError, compose, is_null, line_of, mapping_items
from ladder_rules.yaml_lines import Edit, YamlLines, find_key, insert_entry, remove_entry

_LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_-]{0,38})\Z")
_MAX_TEAM_DEPTH = 16  # GitHub nests teams a few levels; a deeper (or self-referencing) tree is a broken file


class PeribolosError(ValueError):
    """An org.yaml that cannot be read or edited: which file, which line, and why."""

    def __init__(self, path: str, line: int | None, message: str):
        self.path, self.line, self.message = path, line, message
        super().__init__(f"{path if line is None else f'{path}, line {line}'}: {message}")


class Layout(enum.Enum):
    ORGS = "orgs"  # orgs: {<org>: {...}}
    ORG = "org"  # the file is one org's mapping


@dataclass(frozen=True)
class Team:
    name: str
    members: tuple[str, ...] = ()
    maintainers: tuple[str, ...] = ()
    teams: dict[str, Team] = field(default_factory=dict)  # child teams


@dataclass(frozen=True)
class OrgRoster:
    """One organisation's people as org.yaml declares them (logins as written, in file order)."""

    org: str | None  # the org's name as the file writes it (orgs layout); None for a one-org file
    layout: Layout
    members: tuple[str, ...] = ()
    admins: tuple[str, ...] = ()
    teams: dict[str, Team] = field(default_factory=dict)

    def everyone(self) -> dict[str, str]:
        """Members and admins (admins are members too): compared login -> login as written."""
        found: dict[str, str] = {}
        for login in self.admins + self.members:
            found.setdefault(login.lower(), login)
        return found

    def role_of(self, login: str) -> str | None:
        """``"admin"``, ``"member"`` or None."""
        key = login.removeprefix("@").lower()
        if key in {name.lower() for name in self.admins}:
            return "admin"
        return "member" if key in {name.lower() for name in self.members} else None


# --- reading -------------------------------------------------------------------------------------


def _compose(text: str, path: str) -> Node | None:
    try:
        return compose(text, path)
    except OwnersError as exc:
        raise PeribolosError(path, exc.line, exc.message) from None


def _items(node: Node, path: str, what: str) -> list[tuple[str, ScalarNode, Node]]:
    try:
        return mapping_items(node, path, what)
    except OwnersError as exc:  # a key that is not a name, or a key written twice
        raise PeribolosError(path, exc.line, exc.message) from None


def _value(mapping: MappingNode, key: str, path: str, what: str) -> Node | None:
    for name, _, value in _items(mapping, path, what):
        if name == key:
            return value
    return None


def _org_node(root: Node | None, org: str | None, path: str, required: bool) -> tuple[Node | None, str, str | None]:
    """The mapping of ``org`` (None when absent), the prefix that names it (``orgs.tektoncd.``), its name."""
    if is_null(root):
        if required:
            raise PeribolosError(path, None, "the file is empty.")
        return None, "", org
    if not isinstance(root, MappingNode):
        raise PeribolosError(path, line_of(root), "the file must be a mapping (members:, admins:, … or orgs:).")
    orgs = _value(root, "orgs", path, "the file")
    if orgs is None:
        return root, "", org  # kubernetes/org: the file is the org's mapping
    if is_null(orgs):
        entries = []
    elif isinstance(orgs, MappingNode):
        entries = _items(orgs, path, "orgs")
    else:
        raise PeribolosError(path, line_of(orgs), "orgs must be a mapping of organisations.")
    if org is None:
        if len(entries) != 1:
            names = ", ".join(name for name, _, _ in entries) or "none"
            raise PeribolosError(path, None, f"say which organisation: the file declares {names}.")
        org = entries[0][0]
    found = [(name, value) for name, _, value in entries if name.lower() == org.lower()]
    if not found:
        if required:
            raise PeribolosError(path, None, f"there is no orgs.{org} in it.")
        return None, f"orgs.{org}.", org
    name, value = found[-1]
    if is_null(value):
        if required:
            raise PeribolosError(path, line_of(value), f"orgs.{name} is empty.")
        return None, f"orgs.{name}.", name
    if not isinstance(value, MappingNode):
        raise PeribolosError(path, line_of(value), f"orgs.{name} must be a mapping (members:, admins:, ...).")
    return value, f"orgs.{name}.", name


def _logins(node: Node | None, path: str, what: str) -> tuple[str, ...]:
    if node is None or is_null(node):
        return ()
    if not isinstance(node, SequenceNode):
        raise PeribolosError(path, line_of(node), f"{what} must be a list of logins.")
    logins = []
    for item in node.value:
        if not isinstance(item, ScalarNode) or is_null(item):
            raise PeribolosError(path, line_of(item), f"each entry of {what} must be a login.")
        logins.append(item.value)
    return tuple(logins)


def _teams(node: Node | None, path: str, what: str, depth: int = 0) -> dict[str, Team]:
    if node is None or is_null(node):
        return {}
    if not isinstance(node, MappingNode):
        raise PeribolosError(path, line_of(node), f"{what} must be a mapping of team names.")
    if depth > _MAX_TEAM_DEPTH:
        raise PeribolosError(path, line_of(node), f"{what} nests teams more than {_MAX_TEAM_DEPTH} deep.")
    teams: dict[str, Team] = {}
    for name, _, value in _items(node, path, what):
        where = f"{what}.{name}"
        if is_null(value):
            teams[name] = Team(name)
            continue
        if not isinstance(value, MappingNode):
            raise PeribolosError(path, line_of(value), f"{where} must be a mapping (members:, maintainers:, ...).")
        teams[name] = Team(
            name,
            _logins(_value(value, "members", path, where), path, f"{where}.members"),
            _logins(_value(value, "maintainers", path, where), path, f"{where}.maintainers"),
            _teams(_value(value, "teams", path, where), path, f"{where}.teams", depth + 1),
        )
    return teams


def _roster(node: Node | None, prefix: str, name: str | None, path: str, layout: Layout) -> OrgRoster:
    if node is None:
        return OrgRoster(name, layout)
    return OrgRoster(
        name,
        layout,
        members=_logins(_value(node, "members", path, prefix or "the file"), path, f"{prefix}members"),
        admins=_logins(_value(node, "admins", path, prefix or "the file"), path, f"{prefix}admins"),
        teams=_teams(_value(node, "teams", path, prefix or "the file"), path, f"{prefix}teams"),
    )


def read_org(text: str, org: str | None = None, path: str = "org.yaml", *, required: bool = False) -> OrgRoster:
    """The org's members, admins and teams. ``org`` picks the entry of ``orgs:`` (case-insensitively;
    optional when the file declares one); a one-org file is that org whatever ``org`` says.

    A file without that org lists nobody, or is an error when ``required``. Raises PeribolosError (file,
    line, sentence) for YAML that does not parse and for lists or mappings of the wrong type.
    """
    root = _compose(text, path)
    node, prefix, name = _org_node(root, org, path, required)
    layout = Layout.ORGS if prefix else Layout.ORG
    return _roster(node, prefix, name, path, layout)


def peribolos_members(text: str | None, org: str, path: str = "org.yaml", *, required: bool = False) -> dict[str, str]:
    """Members and admins of ``org`` in a peribolos file: compared login -> login as written ({} for None)."""
    if text is None:
        return {}
    return read_org(text, org, path, required=required).everyone()


# --- editing -------------------------------------------------------------------------------------


def _login(login: str, path: str) -> str:
    name = login.strip().removeprefix("@")
    if not _LOGIN.match(name):
        raise PeribolosError(path, None, f"{name!r} is not a GitHub login that can be written to org.yaml.")
    return name


def _target(text: str, org: str | None, path: str) -> tuple[YamlLines, MappingNode | None, str, OrgRoster]:
    try:
        doc = YamlLines(text, path, PeribolosError)
    except OwnersError as exc:
        raise PeribolosError(path, exc.line, exc.message) from None
    node, prefix, name = _org_node(doc.root, org, path, required=bool(org) or _has_orgs(doc.root))
    roster = _roster(node, prefix, name, path, Layout.ORGS if prefix else Layout.ORG)
    return doc, node if isinstance(node, MappingNode) else None, prefix, roster


def _has_orgs(root: Node | None) -> bool:
    return isinstance(root, MappingNode) and find_key(root, "orgs") is not None


def _quote(node: Node | None) -> str | None:
    """The quote character the org's mapping uses for its quoted values (tektoncd writes ``company: ''``)."""
    stack = [node]
    seen = 0
    while stack and seen < 10_000:
        current = stack.pop()
        seen += 1
        if isinstance(current, ScalarNode) and current.style in ("'", '"'):
            return current.style
        if isinstance(current, MappingNode):
            stack.extend(value for pair in reversed(current.value) for value in reversed(pair))
        elif isinstance(current, SequenceNode):
            stack.extend(reversed(current.value))
    return None


def add_member(text: str, login: str, *, org: str | None = None, path: str = "org.yaml") -> Edit:
    """Add ``login`` to the org's ``members`` (one line); "no change" when they are a member or an admin."""
    login = _login(login, path)
    doc, node, prefix, roster = _target(text, org, path)
    what = f"{prefix}members of {path}"
    role = roster.role_of(login)
    written = roster.everyone().get(login.lower(), login)
    if role == "member":
        return Edit(path, text, text, f"{written} is already in {what}; nothing to change.")
    if role == "admin":
        return Edit(
            path, text, text, f"{written} is in {prefix}admins of {path} (admins are members); nothing to change."
        )
    if node is None and prefix:
        raise PeribolosError(path, None, f"there is no {prefix.rstrip('.')} to add a member to.")
    new_text, line = insert_entry(doc, node, "members", login, what, anchors=("admins",), quote=_quote(node))
    return Edit(path, text, new_text, f"Added {login} to {what} (line {line}).", line)


def remove_member(text: str, login: str, *, org: str | None = None, path: str = "org.yaml") -> Edit:
    """Remove ``login`` from the org's ``members``: its line goes (each line, when it is listed twice)."""
    login = _login(login, path)
    doc, node, prefix, roster = _target(text, org, path)
    what = f"{prefix}members of {path}"
    listed = [name for name in roster.members if name.lower() == login.lower()]
    if not listed:
        admin = roster.role_of(login) == "admin"
        why = f"; they are in {prefix}admins, which an org owner changes by hand" if admin else ""
        raise PeribolosError(path, None, f"{login} is not in {what}{why}.")
    new_text, first, written = text, None, listed[0]
    for _ in listed:
        new_text, line, written, _ = remove_entry(doc, node, "members", login, what)
        first = line if first is None else first
        doc, node, _, _ = _target(new_text, org, path)
    twice = f"; it was listed {len(listed)} times" if len(listed) > 1 else ""
    return Edit(path, text, new_text, f"Removed {written} from {what} (line {first}){twice}.", first)
