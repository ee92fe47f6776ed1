"""Round-trip edits of OWNERS and OWNERS_ALIASES files: one line in, one line out, nothing else touched.

Re-dumping YAML loses comments, blank lines, quoting, indentation and trailing whitespace, and roster
PRs must be reviewable at a glance, so these functions edit the text itself. The YAML node tree
(positions only) says where a list is; the new entry copies the indentation and quoting of its
neighbours and goes in sorted position when the list is sorted case-insensitively, else at the end.
Every function returns an ``Edit``; an entry already present is "no change", never an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ladder_rules.owners import (
    LIST_KEYS,
    MATCH_ALL,
    OwnersConfig,
    OwnersError,
    aliases_from_node,
    compose,
    is_null,
    norm_login,
    owners_from_node,
    parse_aliases,
)

# What a login (or team, or label) may look like: nothing that could change the YAML around it.
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_./-]*\Z")
# Plain scalars YAML 1.1 or 1.2 would read as something other than a string (numbers, dates, booleans).
_NUMBER_LIKE = re.compile(r"[-+]?[0-9][0-9a-fA-FxXoObB_.eE:+-]*\Z")
_SPECIAL_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}
_ITEM_PREFIX = re.compile(r" *- +\Z")


class EditError(OwnersError):
    """An edit that cannot be made safely; the sentence says what to do instead."""


@dataclass(frozen=True)
class Edit:
    """The result of an edit: which file, its text before and after, and a sentence for people."""

    path: str
    old_text: str
    new_text: str
    message: str
    line: int | None = None  # 1-based line of the added (or, for a removal, removed) entry

    @property
    def changed(self) -> bool:
        return self.new_text != self.old_text


# --- text helpers ------------------------------------------------------------------------------


class _Doc:
    """A file's text, its lines (split on "\\n" exactly as the YAML marks count them) and node tree."""

    def __init__(self, text: str, path: str):
        self.text = text
        self.path = path
        self.root = compose(text, path)
        self.starts = [0]
        for match in re.finditer("\n", text):
            self.starts.append(match.end())
        if self.starts[-1] == len(text) and len(self.starts) > 1:
            self.starts.pop()  # the text ends with a newline: no empty last line
        if not text:
            self.starts = []
        first = re.search(r"\r?\n", text)
        self.newline = first.group(0) if first else "\n"

    def line(self, index: int) -> str:
        """Line ``index`` (0-based) without its line ending."""
        end = self.starts[index + 1] if index + 1 < len(self.starts) else len(self.text)
        return self.text[self.starts[index] : end].rstrip("\r\n")

    def insert_lines(self, index: int, lines: list[str]) -> str:
        """The text with ``lines`` inserted before line ``index`` (or appended when past the end)."""
        block = "".join(line + self.newline for line in lines)
        if index < len(self.starts):
            offset = self.starts[index]
            return self.text[:offset] + block + self.text[offset:]
        if self.text and not self.text.endswith("\n"):
            # Keep "no newline at end of file": the break goes before the new lines, not after.
            return self.text + self.newline + block[: -len(self.newline)]
        return self.text + block

    def delete_lines(self, first: int, last: int) -> str:
        """The text without lines ``first``..``last`` (inclusive)."""
        start = self.starts[first]
        if last + 1 < len(self.starts):
            return self.text[:start] + self.text[self.starts[last + 1] :]
        if self.text.endswith("\n") or first == 0:
            return self.text[:start]
        # The deleted lines end the file without a newline: drop the break before them instead.
        previous = self.text[:start]
        return previous[: -len(self.newline)] if previous.endswith(self.newline) else previous[:-1]


def _last_line(node: Node) -> int:
    """0-based line where ``node``'s own text ends (block collections end at their last child)."""
    if isinstance(node, (SequenceNode, MappingNode)) and not node.flow_style and node.value:
        last = node.value[-1]
        if isinstance(last, tuple):
            key, value = last
            return key.end_mark.line if _bare_null(value) else _last_line(value)
        return _last_line(last)
    mark = node.end_mark
    return mark.line - 1 if mark.column == 0 and mark.line > node.start_mark.line else mark.line


def _bare_null(node: Node | None) -> bool:
    """A key with nothing after it (as opposed to an explicit ``~`` or ``null``)."""
    return is_null(node) and (node is None or node.value == "")


def _find(mapping: MappingNode | None, key: str) -> tuple[ScalarNode, Node] | None:
    if mapping is None:
        return None
    for key_node, value in mapping.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            return key_node, value
    return None


def _walk_pairs(node: Node | None) -> Iterator[tuple[ScalarNode, Node]]:
    if isinstance(node, MappingNode):
        for key, value in node.value:
            yield key, value
            yield from _walk_pairs(value)


def _needs_quotes(name: str) -> bool:
    return name.lower() in _SPECIAL_WORDS or _NUMBER_LIKE.match(name) is not None or name.startswith("@")


def _scalar(name: str, style: str | None) -> str:
    """``name`` written as its neighbours are written (quoted or plain); quoted anyway when needed."""
    if style == "'":
        return f"'{name}'"
    if style == '"' or _needs_quotes(name):
        return f'"{name}"'
    return name


def _check_name(name: str, path: str) -> str:
    name = name.strip()
    name = name[1:] if name.startswith("@") else name
    if not _NAME.match(name):
        raise EditError(
            path, None, f"{name!r} is not a GitHub login, team or label that can be written to an OWNERS file."
        )
    return name


def _is_sorted(names: list[str]) -> bool:
    keys = [norm_login(name) for name in names]
    return all(a <= b for a, b in zip(keys, keys[1:]))


def _item_style(doc: _Doc) -> tuple[int, str]:
    """How this file indents block lists: the dash's offset from its key, and the text after the dash."""
    for key, value in _walk_pairs(doc.root):
        if isinstance(value, SequenceNode) and not value.flow_style and value.value:
            item = value.value[0]
            prefix = doc.line(item.start_mark.line)[: item.start_mark.column]
            if _ITEM_PREFIX.match(prefix):
                dash = prefix.index("-")
                return dash - key.start_mark.column, prefix[dash:]
    return 2, "- "


def _entries(doc: _Doc, value: Node, what: str) -> list[ScalarNode]:
    """The entry nodes of a list (or of a flow mapping used as a set, as OWNERS_ALIASES allows)."""
    if isinstance(value, SequenceNode):
        return [item for item in value.value if isinstance(item, ScalarNode)]
    if isinstance(value, MappingNode) and value.flow_style:
        if any(not _bare_null(v) for _, v in value.value):
            raise EditError(doc.path, value.start_mark.line + 1, f"{what} is a mapping with values; edit it by hand.")
        return [key for key, _ in value.value]
    raise EditError(doc.path, value.start_mark.line + 1, f"{what} is not a list.")


# --- inserting and removing one entry -----------------------------------------------------------


def _insert(
    doc: _Doc,
    mapping: MappingNode | None,
    key: str,
    name: str,
    what: str,
    *,
    anchors: tuple[str, ...] = (),
    column: int = 0,
    after: int | None = None,
    comment: str = "",
) -> tuple[str, int]:
    """Add ``name`` to the list ``key`` of ``mapping``; returns the new text and the entry's line (1-based).

    ``column``/``after`` place a new key when ``mapping`` is None (empty file or empty filter entry).
    """
    pair = _find(mapping, key)
    if pair is None:
        return _insert_key(doc, mapping, key, name, anchors=anchors, column=column, after=after, comment=comment)
    key_node, value = pair
    if value.start_mark.index < key_node.end_mark.index:
        raise EditError(
            doc.path,
            key_node.start_mark.line + 1,
            f"{what} reuses another list through a YAML alias; edit that list instead.",
        )
    if is_null(value):
        if _bare_null(value):  # `reviewers:` with nothing: start a block list under the key
            offset, dash = _item_style(doc)
            line = " " * (key_node.start_mark.column + offset) + dash + _scalar(name, None) + comment
            return doc.insert_lines(key_node.end_mark.line + 1, [line]), key_node.end_mark.line + 2
        start, end = value.start_mark.index, value.end_mark.index  # `reviewers: ~` becomes `reviewers: [name]`
        return doc.text[:start] + f"[{_scalar(name, None)}]" + doc.text[end:], value.start_mark.line + 1
    items = _entries(doc, value, what)
    new_key = norm_login(name)
    if items and _is_sorted([item.value for item in items]):
        before = [item for item in items if norm_login(item.value) < new_key]
        previous = before[-1] if before else None
    else:
        previous = items[-1] if items else None
    if value.flow_style:
        return _insert_flow(doc, value, items, previous, name)
    model = previous or items[0]
    prefix = doc.line(model.start_mark.line)[: model.start_mark.column]
    if not _ITEM_PREFIX.match(prefix):
        raise EditError(
            doc.path, model.start_mark.line + 1, f"the entries of {what} are not one per line; edit it by hand."
        )
    line = prefix + _scalar(name, model.style) + comment
    index = _last_line(previous) + 1 if previous is not None else items[0].start_mark.line
    return doc.insert_lines(index, [line]), index + 1


def _insert_flow(
    doc: _Doc, value: Node, items: list[ScalarNode], previous: ScalarNode | None, name: str
) -> tuple[str, int]:
    """Add to a flow list (``[a, b]`` or ``{a, b}``) within its line(s), copying its separator."""
    if not items:
        position = value.start_mark.index + 1
        text = _scalar(name, None)
    else:
        separator = ", "
        if len(items) >= 2:
            between = doc.text[items[0].end_mark.index : items[1].start_mark.index]
            if "#" not in between:
                separator = between
        model = previous or items[0]
        written = _scalar(name, model.style)
        if previous is not None:
            position, text = previous.end_mark.index, separator + written
        else:
            position, text = items[0].start_mark.index, written + separator
    new_text = doc.text[:position] + text + doc.text[position:]
    name_at = position + len(separator) if items and previous is not None else position
    return new_text, new_text.count("\n", 0, name_at) + 1


def _insert_key(
    doc: _Doc,
    mapping: MappingNode | None,
    key: str,
    name: str,
    *,
    anchors: tuple[str, ...],
    column: int,
    after: int | None,
    comment: str,
) -> tuple[str, int]:
    """Create ``key:`` with one entry, after the anchor key's block (or after the mapping's last key)."""
    if mapping is not None and mapping.flow_style:
        raise EditError(
            doc.path, mapping.start_mark.line + 1, f"{key} would go into a one-line mapping; edit it by hand."
        )
    if mapping is not None and mapping.value:
        column = mapping.value[0][0].start_mark.column
        pairs = {k.value: (k, v) for k, v in mapping.value if isinstance(k, ScalarNode)}
        anchor = next((pairs[a] for a in anchors if a in pairs), mapping.value[-1])
        anchor_key, anchor_value = anchor
        after = anchor_key.end_mark.line if _bare_null(anchor_value) else _last_line(anchor_value)
    elif after is None:
        after = len(doc.starts) - 1
    offset, dash = _item_style(doc)
    lines = [" " * column + f"{key}:", " " * (column + offset) + dash + _scalar(name, None) + comment]
    return doc.insert_lines(after + 1, lines), after + 3


def _remove(doc: _Doc, mapping: MappingNode | None, key: str, name: str, what: str) -> tuple[str, int, str, str]:
    """Remove ``name`` from a list: (new text, its line (1-based), its written form, its inline comment)."""
    pair = _find(mapping, key)
    if pair is None or is_null(pair[1]):
        raise EditError(doc.path, None, f"{name} is not in {what}.")
    value = pair[1]
    items = _entries(doc, value, what)
    matches = [index for index, item in enumerate(items) if norm_login(item.value) == norm_login(name)]
    if not matches:
        raise EditError(doc.path, value.start_mark.line + 1, f"{name} is not in {what}.")
    index = matches[0]
    item = items[index]
    written = item.value  # as the file writes it: a moved entry keeps its case and any "@"
    if value.flow_style:
        if index + 1 < len(items):
            start, end = item.start_mark.index, items[index + 1].start_mark.index
        elif index > 0:
            start, end = items[index - 1].end_mark.index, item.end_mark.index
        else:
            start, end = item.start_mark.index, item.end_mark.index
        return doc.text[:start] + doc.text[end:], item.start_mark.line + 1, written, ""
    first, last = item.start_mark.line, _last_line(item)
    if not _ITEM_PREFIX.match(doc.line(first)[: item.start_mark.column]):
        raise EditError(doc.path, first + 1, f"the entries of {what} are not one per line; edit it by hand.")
    rest = doc.line(last)[item.end_mark.column :] if first == last else ""
    comment = rest.rstrip() if rest.strip().startswith("#") else ""
    return doc.delete_lines(first, last), first + 1, written, comment


# --- OWNERS ------------------------------------------------------------------------------------


def _owners_target(doc: _Doc, filter_key: str | None) -> tuple[MappingNode | None, str, int, int | None]:
    """The mapping holding the lists to edit, a phrase naming it, and where a new key would go."""
    owners = owners_from_node(doc.root, doc.path)  # also rejects wrong types with a line number
    root = doc.root if isinstance(doc.root, MappingNode) else None
    if filter_key is None:
        if not (owners.config.is_empty() and owners.filters):
            return root, doc.path, 0, None
        filter_key = MATCH_ALL
        if MATCH_ALL not in owners.filters:
            raise EditError(doc.path, None, 'the file uses filters and has no ".*" entry; say which filter to edit.')
    filters = _find(root, "filters")
    entry = _find(filters[1], filter_key) if filters and isinstance(filters[1], MappingNode) else None
    if entry is None:
        raise EditError(doc.path, None, f"the file has no filter {filter_key!r}.")
    where = f'filter "{filter_key}" of {doc.path}'
    entry_key, entry_value = entry
    if isinstance(entry_value, MappingNode):
        return entry_value, where, 0, None
    step = entry_key.start_mark.column - filters[0].start_mark.column or 2
    return None, where, entry_key.start_mark.column + step, entry_key.end_mark.line


def _config_for(doc: _Doc, filter_key: str | None) -> OwnersConfig:
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
    doc = _Doc(text, path)
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
    new_text, line = _insert(
        doc, mapping, list_name, login, what, anchors=_ANCHORS.get(list_name, ()), column=column, after=after
    )
    return Edit(path, text, new_text, f"Added {login} to {what} (line {line}).", line)


def remove_from_list(
    text: str, list_name: str, login: str, *, filter_key: str | None = None, path: str = "OWNERS"
) -> Edit:
    """Remove ``login`` from ``list_name`` (e.g. a reviewer who stepped down); its line goes, nothing else."""
    _check_list(list_name, path)
    login = _check_name(login, path)
    doc = _Doc(text, path)
    mapping, where, _, _ = _owners_target(doc, filter_key)
    what = f"{list_name} of {where}"
    new_text, line, written, _ = _remove(doc, mapping, list_name, login, what)
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
    doc = _Doc(text, path)
    mapping, where, _, _ = _owners_target(doc, filter_key)
    config = _config_for(doc, filter_key)
    key = norm_login(login)
    if key not in {norm_login(name) for name in config.get(list_name)}:
        if key in {norm_login(name) for name in config.get(emeritus)}:
            return Edit(path, text, text, f"{login} is already in {emeritus} of {where}; nothing to change.")
        raise EditError(
            path, None, f"{login} is not in {list_name} of {where} (an alias group member is moved in OWNERS_ALIASES)."
        )
    removed, _, written, comment = _remove(doc, mapping, list_name, login, f"{list_name} of {where}")
    if key in {norm_login(name) for name in config.get(emeritus)}:
        return Edit(path, text, removed, f"Removed {written} from {list_name} of {where}; already in {emeritus}.")
    doc = _Doc(removed, path)
    mapping, _, column, after = _owners_target(doc, filter_key)
    new_text, line = _insert(
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
    doc = _Doc(text, path)
    groups = aliases_from_node(doc.root, path)
    by_key = {norm_login(name): name for name in groups}
    name = by_key.get(norm_login(group), group)
    what = f"alias group {name} in {path}"
    if norm_login(login) in {norm_login(member) for member in groups.get(name, [])}:
        return Edit(path, text, text, f"{login} is already in {what}; nothing to change.")
    root = doc.root if isinstance(doc.root, MappingNode) else None
    aliases = _find(root, "aliases")
    if aliases is None:
        raise EditError(path, None, "the file has no aliases: mapping to add a group to.")
    if not isinstance(aliases[1], MappingNode):
        raise EditError(path, aliases[0].start_mark.line + 1, "aliases: is empty; add the first group by hand.")
    new_text, line = _insert(doc, aliases[1], name, login, what)
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
    entries = _config_for(_Doc(owners_text, owners_path), filter_key).get(list_name)
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
