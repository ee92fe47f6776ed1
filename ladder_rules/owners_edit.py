"""Round-trip edits of OWNERS and OWNERS_ALIASES files: one line in, one line out, nothing else touched.

The way up adds a login to a list or to the alias group the list uses (``plan_addition``); the way down
moves an approver to ``emeritus_approvers`` or removes a reviewer, in the alias group when the list
names one (``plan_removal``), and gathers several people of one file into one text (``plan_way_down``).
Text edits are made by ``yaml_lines`` (indentation, quoting and sorted position copied from the
neighbours). Every function returns an ``Edit``; an entry already present is "no change", never an error;
a login that is not listed where it should be is an ``EditError`` saying so.
"""

from __future__ import annotations

import re

from ruamel.yaml.nodes import MappingNode

from ladder_rules.owners import (
    LIST_KEYS,
    MATCH_ALL,
    OwnersConfig,
    OwnersError,
    aliases_from_node,
    norm_login,
    owners_from_node,
    parse_aliases,
)
from ladder_rules.yaml_lines import Edit, YamlLines, find_key, insert_entry, remove_entry

# What a login (or team, or label) may look like: nothing that could change the YAML around it.
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_./-]*\Z")


class EditError(OwnersError):
    """An edit that cannot be made safely; the sentence says what to do instead."""


def _check_name(name: str, path: str) -> str:
    name = name.strip()
    name = name[1:] if name.startswith("@") else name
    if not _NAME.match(name):
        raise EditError(
            path, None, f"{name!r} is not a GitHub login, team or label that can be written to an OWNERS file."
        )
    return name


# --- OWNERS ------------------------------------------------------------------------------------


def _owners_target(doc: YamlLines, filter_key: str | None) -> tuple[MappingNode | None, str, int, int | None]:
    """The mapping holding the lists to edit, a phrase naming it, and where a new key would go."""
    owners = owners_from_node(doc.root, doc.path)  # also rejects wrong types with a line number
    root = doc.root if isinstance(doc.root, MappingNode) else None
    if filter_key is None:
        if not (owners.config.is_empty() and owners.filters):
            return root, doc.path, 0, None
        filter_key = MATCH_ALL
        if MATCH_ALL not in owners.filters:
            raise EditError(doc.path, None, 'the file uses filters and has no ".*" entry; say which filter to edit.')
    filters = find_key(root, "filters")
    entry = find_key(filters[1], filter_key) if filters and isinstance(filters[1], MappingNode) else None
    if entry is None:
        raise EditError(doc.path, None, f"the file has no filter {filter_key!r}.")
    where = f'filter "{filter_key}" of {doc.path}'
    entry_key, entry_value = entry
    if isinstance(entry_value, MappingNode):
        return entry_value, where, 0, None
    step = entry_key.start_mark.column - filters[0].start_mark.column or 2
    return None, where, entry_key.start_mark.column + step, entry_key.end_mark.line


def _config_for(doc: YamlLines, filter_key: str | None) -> OwnersConfig:
    owners = owners_from_node(doc.root, doc.path)
    if filter_key is None and not (owners.config.is_empty() and owners.filters):
        return owners.config
    return owners.filters.get(filter_key or MATCH_ALL, OwnersConfig())


_ANCHORS = {
    "reviewers": ("approvers",),
    "approvers": ("reviewers",),
    "emeritus_approvers": ("approvers",),
    "emeritus_reviewers": ("reviewers",),
}


def _check_list(list_name: str, path: str) -> None:
    if list_name not in LIST_KEYS:
        raise EditError(path, None, f"{list_name!r} is not an OWNERS list (one of {', '.join(LIST_KEYS)}).")


def add_to_list(
    text: str,
    list_name: str,
    login: str,
    *,
    alias_text: str | None = None,
    filter_key: str | None = None,
    path: str = "OWNERS",
) -> Edit:
    """Add ``login`` to ``list_name`` (``reviewers``, ``approvers``, ...) of an OWNERS file.

    The list is the top-level one, or a filter entry's (``filter_key``; a file in filters form uses
    ``".*"`` by default). With ``alias_text`` (OWNERS_ALIASES), a login already in the list through an
    alias group counts as present.
    """
    _check_list(list_name, path)
    login = _check_name(login, path)
    doc = YamlLines(text, path, EditError)
    mapping, where, column, after = _owners_target(doc, filter_key)
    present = _config_for(doc, filter_key).get(list_name)
    what = f"{list_name} of {where}"
    if norm_login(login) in {norm_login(name) for name in present}:
        return Edit(path, text, text, f"{login} is already in {what}; nothing to change.")
    if alias_text is not None:
        members = parse_aliases(alias_text)
        aliases = {norm_login(group): group for group in members}
        for name in present:
            group = aliases.get(norm_login(name))
            if group and norm_login(login) in {norm_login(member) for member in members[group]}:
                return Edit(
                    path, text, text, f"{login} is already in {what} through alias group {group}; nothing to change."
                )
    new_text, line = insert_entry(
        doc, mapping, list_name, login, what, anchors=_ANCHORS.get(list_name, ()), column=column, after=after
    )
    return Edit(path, text, new_text, f"Added {login} to {what} (line {line}).", line)


def remove_from_list(
    text: str, list_name: str, login: str, *, filter_key: str | None = None, path: str = "OWNERS"
) -> Edit:
    """Remove ``login`` from ``list_name`` (e.g. a reviewer who stepped down); its line goes, nothing else."""
    _check_list(list_name, path)
    login = _check_name(login, path)
    doc = YamlLines(text, path, EditError)
    mapping, where, _, _ = _owners_target(doc, filter_key)
    what = f"{list_name} of {where}"
    new_text, line, written, _ = remove_entry(doc, mapping, list_name, login, what)
    return Edit(path, text, new_text, f"Removed {written} from {what} (line {line}).", line)


def move_to_emeritus(
    text: str, login: str, *, list_name: str = "approvers", filter_key: str | None = None, path: str = "OWNERS"
) -> Edit:
    """Move ``login`` from ``approvers`` to ``emeritus_approvers`` (created after approvers if missing).

    The entry keeps the case and inline comment it had; ``list_name="reviewers"`` moves to
    ``emeritus_reviewers``.
    """
    if list_name not in ("approvers", "reviewers"):
        raise EditError(path, None, f"only approvers and reviewers have an emeritus list, not {list_name!r}.")
    login = _check_name(login, path)
    emeritus = f"emeritus_{list_name}"
    doc = YamlLines(text, path, EditError)
    mapping, where, _, _ = _owners_target(doc, filter_key)
    config = _config_for(doc, filter_key)
    key = norm_login(login)
    if key not in {norm_login(name) for name in config.get(list_name)}:
        if key in {norm_login(name) for name in config.get(emeritus)}:
            return Edit(path, text, text, f"{login} is already in {emeritus} of {where}; nothing to change.")
        raise EditError(
            path, None, f"{login} is not in {list_name} of {where} (an alias group member is moved in OWNERS_ALIASES)."
        )
    removed, _, written, comment = remove_entry(doc, mapping, list_name, login, f"{list_name} of {where}")
    if key in {norm_login(name) for name in config.get(emeritus)}:
        return Edit(path, text, removed, f"Removed {written} from {list_name} of {where}; already in {emeritus}.")
    doc = YamlLines(removed, path, EditError)
    mapping, _, column, after = _owners_target(doc, filter_key)
    new_text, line = insert_entry(
        doc,
        mapping,
        emeritus,
        written,
        f"{emeritus} of {where}",
        anchors=_ANCHORS[emeritus],
        column=column,
        after=after,
        comment=comment,
    )
    return Edit(path, text, new_text, f"Moved {written} from {list_name} to {emeritus} of {where} (line {line}).", line)


# --- OWNERS_ALIASES ----------------------------------------------------------------------------


def add_to_alias(text: str, group: str, login: str, *, path: str = "OWNERS_ALIASES") -> Edit:
    """Add ``login`` to alias group ``group`` (created at the end of ``aliases:`` if missing)."""
    login = _check_name(login, path)
    doc = YamlLines(text, path, EditError)
    groups = aliases_from_node(doc.root, path)
    by_key = {norm_login(name): name for name in groups}
    name = by_key.get(norm_login(group), group)
    what = f"alias group {name} in {path}"
    if norm_login(login) in {norm_login(member) for member in groups.get(name, [])}:
        return Edit(path, text, text, f"{login} is already in {what}; nothing to change.")
    root = doc.root if isinstance(doc.root, MappingNode) else None
    aliases = find_key(root, "aliases")
    if aliases is None:
        raise EditError(path, None, "the file has no aliases: mapping to add a group to.")
    if not isinstance(aliases[1], MappingNode):
        raise EditError(path, aliases[0].start_mark.line + 1, "aliases: is empty; add the first group by hand.")
    new_text, line = insert_entry(doc, aliases[1], name, login, what)
    return Edit(path, text, new_text, f"Added {login} to {what} (line {line}).", line)


def alias_group_for(
    owners_text: str,
    aliases_text: str,
    list_name: str,
    *,
    filter_key: str | None = None,
    owners_path: str = "OWNERS",
    aliases_path: str = "OWNERS_ALIASES",
) -> str | None:
    """The alias group a promotion to ``list_name`` should edit, or None to edit the OWNERS list itself.

    A list that names alias groups delegates to them: the group named for the role (``*-reviewers`` for
    ``reviewers``) when there is exactly one, else the only group of a list that holds no individual
    logins. A list mixing people with unrelated groups (leads, steering) is edited itself. Several
    candidate groups is a question for a person: EditError.
    """
    groups = {norm_login(name): name for name in parse_aliases(aliases_text, aliases_path)}
    entries = _config_for(YamlLines(owners_text, owners_path, EditError), filter_key).get(list_name)
    used = [groups[norm_login(entry)] for entry in entries if norm_login(entry) in groups]
    if not used:
        return None
    singular = list_name[:-1] if list_name.endswith("s") else list_name
    named = [group for group in used if norm_login(group).endswith((f"-{list_name}", f"-{singular}"))]
    if len(named) == 1:
        return named[0]
    individuals = len(entries) > len(used)
    if not named and individuals:
        return None
    if len(used) == 1:
        return used[0]
    choices = ", ".join(named or used)
    raise EditError(owners_path, None, f"{list_name} uses several alias groups ({choices}); say which one to add to.")


def plan_addition(
    owners_text: str,
    aliases_text: str | None,
    list_name: str,
    login: str,
    *,
    filter_key: str | None = None,
    alias: str | None = None,
    owners_path: str = "OWNERS",
    aliases_path: str = "OWNERS_ALIASES",
) -> Edit:
    """Decide where a promotion to ``list_name`` is written and make that edit.

    The returned Edit's ``path`` says which file changes (``owners_path`` or ``aliases_path``) and
    ``new_text`` is that file's new content. ``alias`` forces the group.
    """
    _check_list(list_name, owners_path)
    login = _check_name(login, owners_path)
    if aliases_text is None:
        return add_to_list(owners_text, list_name, login, filter_key=filter_key, path=owners_path)
    existing = add_to_list(
        owners_text, list_name, login, alias_text=aliases_text, filter_key=filter_key, path=owners_path
    )
    if not existing.changed:
        return existing
    group = alias or alias_group_for(
        owners_text, aliases_text, list_name, filter_key=filter_key, owners_path=owners_path, aliases_path=aliases_path
    )
    if group is None:
        return existing
    return add_to_alias(aliases_text, group, login, path=aliases_path)
