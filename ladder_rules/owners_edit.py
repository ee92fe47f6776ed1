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
from dataclasses import dataclass
from typing import Iterable

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
_LINE_NOTE = re.compile(r" \(line \d+\)")


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
    doc = YamlLines(removed, path, EditError, newline=doc.newline)
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


# --- the way down: emeritus moves and removals, in OWNERS or in the alias group ---------------------


def remove_from_alias(text: str, group: str, login: str, *, path: str = "OWNERS_ALIASES") -> Edit:
    """Remove ``login`` from alias group ``group``; its line goes (or its entry, in a one-line group)."""
    login = _check_name(login, path)
    doc = YamlLines(text, path, EditError)
    groups = aliases_from_node(doc.root, path)
    name = {norm_login(known): known for known in groups}.get(norm_login(group), group)
    what = f"alias group {name} in {path}"
    if name not in groups:
        raise EditError(path, None, f"there is no {what}.")
    aliases = find_key(doc.root if isinstance(doc.root, MappingNode) else None, "aliases")
    new_text, line, written, _ = remove_entry(doc, aliases[1], name, login, what)
    return Edit(path, text, new_text, f"Removed {written} from {what} (line {line}).", line)


def emeritus_group(group: str, groups: Iterable[str]) -> str | None:
    """The group that records ``group``'s former members, when OWNERS_ALIASES keeps one.

    controller-runtime writes ``controller-runtime-emeritus-maintainers`` beside
    ``controller-runtime-maintainers``; ``sig-x-emeritus-approvers``, ``x-approvers-emeritus`` and
    ``emeritus-x-approvers`` are read the same way.
    """
    head, _, tail = group.rpartition("-")
    candidates = [f"{group}-emeritus", f"emeritus-{group}"] + ([f"{head}-emeritus-{tail}"] if head else [])
    known = {norm_login(name): name for name in groups}
    return next((known[norm_login(name)] for name in candidates if norm_login(name) in known), None)


def _alias_groups_holding(
    config: OwnersConfig, groups: dict[str, list[str]], list_name: str, login: str
) -> list[tuple[str, list[str]]]:
    """The alias groups named in ``list_name`` that have ``login`` as a member, with the other lists of
    the same entry that also name each group."""
    by_key = {norm_login(name): name for name in groups}
    found = []
    for entry in config.get(list_name):
        group = by_key.get(norm_login(entry))
        if group and norm_login(login) in {norm_login(member) for member in groups[group]}:
            others = [
                other
                for other in LIST_KEYS
                if other != list_name and norm_login(group) in {norm_login(name) for name in config.get(other)}
            ]
            found.append((group, others))
    return found


def plan_removal(
    owners_text: str,
    aliases_text: str | None,
    list_name: str,
    login: str,
    *,
    emeritus: bool | None = None,
    filter_key: str | None = None,
    owners_path: str = "OWNERS",
    aliases_path: str = "OWNERS_ALIASES",
) -> tuple[Edit, ...]:
    """The way down for one person in one list: the edits to make, one per file that changes.

    ``emeritus`` (default: True for approvers, False for reviewers) moves a login listed in the OWNERS list
    to ``emeritus_<list>``; otherwise its line is removed. A login that holds the list through an alias
    group is removed from the group in OWNERS_ALIASES (or moved to the group's emeritus group when the
    file keeps one); the message says when the group also grants other lists here, and that OWNERS_ALIASES
    records no emeritus otherwise. Listed both ways, both files change. Listed neither way: EditError.
    """
    if list_name not in ("approvers", "reviewers"):
        raise EditError(owners_path, None, f"the way down edits approvers or reviewers, not {list_name!r}.")
    login = _check_name(login, owners_path)
    emeritus = list_name == "approvers" if emeritus is None else emeritus
    doc = YamlLines(owners_text, owners_path, EditError)
    _, where, _, _ = _owners_target(doc, filter_key)
    config = _config_for(doc, filter_key)
    edits: list[Edit] = []
    if norm_login(login) in {norm_login(name) for name in config.get(list_name)}:
        if emeritus:
            edits.append(
                move_to_emeritus(owners_text, login, list_name=list_name, filter_key=filter_key, path=owners_path)
            )
        else:
            edits.append(remove_from_list(owners_text, list_name, login, filter_key=filter_key, path=owners_path))
    groups = parse_aliases(aliases_text, aliases_path) if aliases_text is not None else {}
    held = _alias_groups_holding(config, groups, list_name, login)
    text = aliases_text
    messages = []
    first_line = None
    for group, others in held:
        edit = remove_from_alias(text, group, login, path=aliases_path)
        text = edit.new_text
        first_line = edit.line if first_line is None else first_line
        written = next(name for name in groups[group] if norm_login(name) == norm_login(login))
        message = f"Removed {written} from alias group {group} in {aliases_path}."
        if others:
            message += f" {group} is also listed as {' and '.join(others)} in {where}: they leave those too."
        else:
            message += f" {group} is used only as {list_name} in {where}."
        target = emeritus_group(group, groups) if emeritus else None
        if target is not None:
            moved = add_to_alias(text, target, written, path=aliases_path)
            text = moved.new_text
            message += f" {'Added to' if moved.changed else 'Already in'} {target}, the group's emeritus list."
        elif emeritus:
            message += f" OWNERS_ALIASES keeps no emeritus list for {group}, so nothing records them as emeritus."
        messages.append(message)
    if held:
        edits.append(Edit(aliases_path, aliases_text, text, " ".join(messages), first_line if len(held) == 1 else None))
    if not edits:
        raise EditError(
            owners_path, None, f"{login} is not in {list_name} of {where}, neither directly nor through an alias group."
        )
    return tuple(edits)


@dataclass(frozen=True)
class Removal:
    """One person leaving one list: ``emeritus`` None means the list's default (approvers move)."""

    login: str
    list_name: str
    emeritus: bool | None = None
    filter_key: str | None = None


@dataclass(frozen=True)
class WayDown:
    """Every removal of one OWNERS file gathered: one edit per file, and who could not be removed, why."""

    edits: tuple[Edit, ...]
    refused: tuple[tuple[Removal, str], ...] = ()


def plan_way_down(
    owners_text: str,
    aliases_text: str | None,
    removals: Iterable[Removal],
    *,
    owners_path: str = "OWNERS",
    aliases_path: str = "OWNERS_ALIASES",
) -> WayDown:
    """All the way-down changes of one OWNERS file (and the alias groups it uses) as one text per file.

    Each removal applies to the text the previous ones left, so the pull request carries them all and each
    person's line changes exactly as ``plan_removal`` would change it alone. A removal that cannot be made
    (no longer listed, a list edited by hand) is reported in ``refused`` and the others still go ahead;
    one an earlier removal already covered (a group two lists share) is no change.
    """
    texts = {owners_path: owners_text, aliases_path: aliases_text}
    messages: dict[str, list[str]] = {owners_path: [], aliases_path: []}
    refused: list[tuple[Removal, str]] = []
    for removal in removals:
        common = {"emeritus": removal.emeritus, "filter_key": removal.filter_key}
        paths = {"owners_path": owners_path, "aliases_path": aliases_path}
        try:
            edits = plan_removal(
                texts[owners_path], texts[aliases_path], removal.list_name, removal.login, **common, **paths
            )
        except EditError as exc:
            try:  # listed before this batch began: an earlier removal of the batch took them out already
                plan_removal(owners_text, aliases_text, removal.list_name, removal.login, **common, **paths)
            except EditError:
                refused.append((removal, exc.message))
            continue
        for edit in edits:
            texts[edit.path] = edit.new_text
            messages[edit.path].append(_LINE_NOTE.sub("", edit.message))  # lines move as the batch goes on
    originals = {owners_path: owners_text, aliases_path: aliases_text}
    edits = tuple(
        Edit(path, originals[path], texts[path], " ".join(messages[path]))
        for path in (owners_path, aliases_path)
        if texts[path] != originals[path]
    )
    return WayDown(edits, tuple(refused))
